package org.safemap.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.db.Database;
import org.safemap.ingest.FeedCatalog;
import org.safemap.testing.CliRun;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Gdal;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestPrincipals;

/**
 * Exports over real HTTP from the demo data in PostGIS, each file read back by an independent reader (GDAL's
 * ogrinfo, ogr2ogr and gdalinfo; Commons CSV; Jackson) and compared with the stored run or with SQL.
 */
class ExportsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JUNE = "timestamptz '2022-06-01 00:00 Europe/London'";
    private static final String JULY = "timestamptz '2022-07-01 00:00 Europe/London'";
    private static final FeedCatalog FEEDS = FeedCatalog.builtIn();
    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;
    private static long hotspots;
    private static long emerging;
    private static JsonNode hotspotRun;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        server = DemoServer.startAs(TestPrincipals.CSP_ANALYST);
        db = server.db();
        base = server.base();
        HttpResponse<String> r = Http.postJson(base + "/api/hotspots", """
                {"period": "2022-01..2022-03", "categories": ["violence"], "bandwidth": 300, "cellM": 100}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        hotspotRun = Http.json(r);
        hotspots = hotspotRun.path("id").asLong();
        HttpResponse<String> e = Http.postJson(
                base + "/api/emerging", "{\"period\": \"2022-01..2022-06\", \"categories\": \"burglary\"}");
        assertThat(e.statusCode()).as(e.body()).isEqualTo(201);
        emerging = Http.json(e).path("id").asLong();
    }

    @Test
    void areasGeoPackageOpensInOgrinfoAsBritishNationalGridWithItsProvenance() throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(base + "/api/exports/runs/" + hotspots + "/areas.gpkg");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/geopackage+sqlite3");
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .isEqualTo("attachment; filename=\"safemap-run-" + hotspots + "-lsoa-areas.gpkg\"");
        Path file = dir.resolve("areas.gpkg");
        Files.write(file, r.body());
        String layer = "run_" + hotspots + "_lsoa_areas";

        String info = Gdal.run("ogrinfo", "-so", file.toString(), layer);
        assertThat(info).doesNotContain("Warning");
        assertThat(info).contains("Geometry: Multi Polygon");
        assertThat(info).contains("Feature Count: " + TestData.DEMO_LSOAS);
        assertThat(info).contains("ID[\"EPSG\",27700]]");
        assertThat(info).contains("SAFEMAP_RUN_ID=" + hotspots);
        assertThat(info).contains("SAFEMAP_RUN_KIND=hotspots");
        assertThat(info).contains("SAFEMAP_PERIOD=2022-01..2022-03");
        assertThat(info).contains("\"bandwidthM\":300.0");
        assertThat(info)
                .contains("ATTRIBUTION=")
                .contains(FEEDS.get("police-uk").attribution());
        assertThat(info).contains("DESCRIPTION=SafeMap hotspots run " + hotspots + ": lsoa areas");
        // the extent is the boundaries' own, in metres
        List<Object> extent = Sql.rows(db, """
                SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM area
                WHERE level = 'lsoa' AND vintage = 2011) t""").get(0);
        Matcher m = Pattern.compile("Extent: \\(([-\\d.]+), ([-\\d.]+)\\) - \\(([-\\d.]+), ([-\\d.]+)\\)")
                .matcher(info);
        assertThat(m.find()).isTrue();
        for (int i = 0; i < 4; i++) {
            assertThat(Double.parseDouble(m.group(i + 1)))
                    .isCloseTo(((Number) extent.get(i)).doubleValue(), within(0.01));
        }

        String srs = Gdal.run(
                "ogrinfo",
                "-q",
                file.toString(),
                "-sql",
                "SELECT srs_id, organization, "
                        + "organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = 27700");
        assertThat(srs)
                .contains("organization (String) = EPSG")
                .containsPattern("organization_coordsys_id \\(Integer(64)?\\) = 27700");
        String metadata = Gdal.run(
                "ogrinfo",
                "-q",
                file.toString(),
                "-sql",
                "SELECT r.reference_scope, r.table_name, "
                        + "m.md_standard_uri, m.mime_type, m.metadata FROM gpkg_metadata m "
                        + "JOIN gpkg_metadata_reference r ON r.md_file_id = m.id ORDER BY m.id");
        assertThat(metadata)
                .contains("reference_scope (String) = table")
                .contains("table_name (String) = " + layer)
                .contains("md_standard_uri (String) = urn:safemap:export-provenance:1")
                .contains("mime_type (String) = application/json")
                .contains("\"export\" : \"run-areas\"");
    }

    @Test
    void areasGeoPackageHoldsTheRunsStoredAreaTable() throws Exception {
        Path file = dir.resolve("values.gpkg");
        Files.write(
                file,
                Http.getBytes(base + "/api/exports/runs/" + hotspots + "/areas.gpkg")
                        .body());
        String csv = Gdal.run("ogr2ogr", "-f", "CSV", "/vsistdout/", file.toString());
        Map<String, CSVRecord> exported = new HashMap<>();
        try (CSVParser p = CSVFormat.DEFAULT.builder().setHeader().build().parse(new StringReader(csv))) {
            for (CSVRecord rec : p) {
                exported.put(rec.get("code"), rec);
            }
        }
        List<List<Object>> stored = Sql.rows(db, """
                SELECT code, rank, incidents, records, population, rate_per_1000, kde_mean, kde_max,
                       location_quotient, gi_z, gi_p, gi_bin, gi_class
                FROM hotspot_area_result WHERE run_id = ?""", hotspots);
        assertThat(exported).hasSize(stored.size()).hasSize(TestData.DEMO_LSOAS);
        String[] names = {
            "code",
            "rank",
            "incidents",
            "records",
            "population",
            "rate_per_1000",
            "kde_mean",
            "kde_max",
            "location_quotient",
            "gi_z",
            "gi_p",
            "gi_bin",
            "gi_class"
        };
        for (List<Object> row : stored) {
            CSVRecord rec = exported.get((String) row.get(0));
            assertThat(rec).as(row.get(0).toString()).isNotNull();
            for (int i = 1; i < names.length; i++) {
                Object v = row.get(i);
                String got = rec.get(names[i]);
                if (v == null) {
                    assertThat(got).as(names[i]).isEmpty();
                } else if (v instanceof Double d) {
                    assertThat(Double.parseDouble(got))
                            .as(row.get(0) + " " + names[i])
                            .isCloseTo(d, within(Math.abs(d) * 1e-12 + 1e-12));
                } else {
                    assertThat(got).as(row.get(0) + " " + names[i]).isEqualTo(v.toString());
                }
            }
        }
    }

    @Test
    void areasGeoJsonIsAFeatureCollectionInWgs84WithProvenanceMembers() throws Exception {
        HttpResponse<String> r = Http.get(base + "/api/exports/runs/" + hotspots + "/areas.geojson?limit=10");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/geo+json");
        JsonNode geo = Http.json(r);
        assertThat(geo.path("type").asText()).isEqualTo("FeatureCollection");
        assertThat(geo.path("features").size()).isEqualTo(10);
        JsonNode first = geo.path("features").get(0);
        assertThat(first.path("id").asText())
                .isEqualTo(first.at("/properties/code").asText());
        assertThat(first.at("/properties/rank").asInt()).isEqualTo(1);
        assertThat(first.at("/geometry/type").asText()).isEqualTo("MultiPolygon");
        assertThat(first.at("/geometry/coordinates/0/0/0/0").asDouble()).isBetween(-3.1, -2.8);
        assertThat(first.at("/geometry/coordinates/0/0/0/1").asDouble()).isBetween(53.3, 53.5);

        JsonNode p = geo.path("safemap");
        assertThat(p.at("/run/id").asLong()).isEqualTo(hotspots);
        assertThat(p.at("/run/kind").asText()).isEqualTo("hotspots");
        assertThat(p.at("/run/params")).isEqualTo(hotspotRun.path("params"));
        assertThat(p.at("/run/dataVersion")).isEqualTo(hotspotRun.path("dataVersion"));
        assertThat(p.path("period").asText()).isEqualTo("2022-01..2022-03");
        assertThat(p.path("crs").asText()).isEqualTo("EPSG:4326");
        assertThat(p.path("features").asInt()).isEqualTo(10);
        assertThat(p.path("safemapVersion").asText()).isNotBlank();
        assertThat(p.path("exportedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        Set<String> feedsRead = new HashSet<>();
        hotspotRun
                .at("/dataVersion/batches")
                .forEach(b -> feedsRead.add(b.path("feed").asText()));
        Set<String> credited = new HashSet<>();
        for (JsonNode s : p.path("sources")) {
            credited.add(s.path("feed").asText());
            assertThat(s.path("attribution").asText())
                    .isEqualTo(FEEDS.get(s.path("feed").asText()).attribution());
        }
        assertThat(credited).isEqualTo(feedsRead).contains("police-uk");
        assertThat(geo.path("attribution").asText())
                .contains(FEEDS.get("police-uk").attribution());
        JsonNode header =
                JSON.readTree(r.headers().firstValue("SafeMap-Provenance").orElseThrow());
        assertThat(header.at("/run/id").asLong()).isEqualTo(hotspots);
        assertThat(header.path("attribution").asText())
                .isEqualTo(p.path("attribution").asText());

        // GDAL reads it as GeoJSON, every feature
        Path file = dir.resolve("areas.geojson");
        Files.write(
                file,
                Http.getBytes(base + "/api/exports/runs/" + hotspots + "/areas.geojson")
                        .body());
        assertThat(Gdal.run("ogrinfo", "-so", "-al", file.toString()))
                .contains("Feature Count: " + TestData.DEMO_LSOAS)
                .contains("Geometry: Multi Polygon");
    }

    @Test
    void emergingRunAreasCarryTheirClasses() throws Exception {
        HttpResponse<String> r = Http.get(base + "/api/exports/runs/" + emerging + "/areas.csv");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, String> classes = new HashMap<>();
        try (CSVParser p = CSVFormat.DEFAULT.builder().setHeader().build().parse(new StringReader(r.body()))) {
            for (CSVRecord rec : p) {
                classes.put(rec.get("code"), rec.get("emerging_class"));
            }
        }
        Map<String, String> stored = new HashMap<>();
        for (List<Object> row :
                Sql.rows(db, "SELECT code, emerging_class FROM hotspot_area_result WHERE run_id = ?", emerging)) {
            stored.put((String) row.get(0), (String) row.get(1));
        }
        assertThat(classes).isEqualTo(stored).hasSize(TestData.DEMO_LSOAS);
        JsonNode provenance =
                JSON.readTree(r.headers().firstValue("SafeMap-Provenance").orElseThrow());
        assertThat(provenance.at("/run/kind").asText()).isEqualTo("emerging");
        assertThat(provenance.at("/run/params/step").asText()).isEqualTo("month");
    }

    @Test
    void incidentsCsvHoldsExactlyTheSelectionsRecordsWithBothCoordinateSystems() throws Exception {
        HttpResponse<String> r = Http.get(base + "/api/exports/incidents.csv?month=2022-06&feed=police-uk");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .isEqualTo("attachment; filename=\"safemap-incidents-2022-06-police-uk.csv\"");
        assertThat(r.headers().firstValue("SafeMap-Feeds").orElse("")).isEqualTo("police-uk");
        // police.uk records carry their month: June's are those whose month is June, by the UK clock
        List<List<Object>> expected = Sql.rows(db, """
                SELECT id, ST_X(geom), ST_Y(geom), ST_X(ST_Transform(geom, 4326)), ST_Y(ST_Transform(geom, 4326))
                FROM incident WHERE feed = 'police-uk'
                  AND to_char(event_from AT TIME ZONE 'Europe/London', 'YYYY-MM') = '2022-06' ORDER BY id""");
        assertThat(expected).hasSizeGreaterThan(1000);
        List<CSVRecord> rows;
        try (CSVParser p = CSVFormat.DEFAULT.builder().setHeader().build().parse(new StringReader(r.body()))) {
            rows = p.getRecords();
            assertThat(p.getHeaderNames())
                    .containsSubsequence(
                            "id",
                            "feed",
                            "category",
                            "event_from",
                            "event_to",
                            "location",
                            "geocode_method",
                            "precision_m",
                            "lsoa",
                            "easting",
                            "northing",
                            "lon",
                            "lat");
        }
        assertThat(rows).hasSize(expected.size());
        for (int i = 0; i < rows.size(); i++) {
            CSVRecord rec = rows.get(i);
            List<Object> e = expected.get(i);
            assertThat(Long.parseLong(rec.get("id"))).isEqualTo(((Number) e.get(0)).longValue());
            assertThat(rec.get("feed")).isEqualTo("police-uk");
            assertThat(rec.get("month")).isEqualTo("2022-06");
            assertThat(Double.parseDouble(rec.get("easting"))).isCloseTo((Double) e.get(1), within(0.006));
            assertThat(Double.parseDouble(rec.get("northing"))).isCloseTo((Double) e.get(2), within(0.006));
            assertThat(Double.parseDouble(rec.get("lon"))).isCloseTo((Double) e.get(3), within(6e-7));
            assertThat(Double.parseDouble(rec.get("lat"))).isCloseTo((Double) e.get(4), within(6e-7));
        }
        JsonNode provenance =
                JSON.readTree(r.headers().firstValue("SafeMap-Provenance").orElseThrow());
        assertThat(provenance.path("export").asText()).isEqualTo("incidents");
        assertThat(provenance.path("features").asLong()).isEqualTo(expected.size());
        assertThat(provenance.path("feedsIncluded").toString()).isEqualTo("[\"police-uk\"]");
        assertThat(provenance.path("sources").size()).isEqualTo(1);
        assertThat(provenance.at("/sources/0/attribution").asText())
                .isEqualTo(FEEDS.get("police-uk").attribution());
        assertThat(provenance.at("/selection/period").asText()).isEqualTo("2022-06");
    }

    @Test
    void incidentsGeoPackageAndGeoJsonHoldTheSameRecordsOfEveryFeedInAWard() throws Exception {
        String ward = (String) Sql.value(db, """
                SELECT ward_code FROM incident WHERE ward_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1""");
        // every feed's records whose window overlaps June; partners' are timed to the instant
        long expected = Sql.count(db, """
                SELECT count(*) FROM incident i JOIN category c ON c.code = i.category
                WHERE c.group_code = 'violence' AND i.ward_code = ?
                  AND CASE WHEN i.event_to > i.event_from THEN tstzrange(i.event_from, i.event_to, '[)')
                           ELSE tstzrange(i.event_from, i.event_from, '[]') END && tstzrange(%s, %s, '[)')""".formatted(JUNE, JULY), ward);
        assertThat(expected).isGreaterThan(20);
        String query = "?period=2022-06&category=violence&area=ward:" + ward;

        HttpResponse<byte[]> gpkg = Http.getBytes(base + "/api/exports/incidents.gpkg" + query);
        assertThat(gpkg.statusCode()).isEqualTo(200);
        Path file = dir.resolve("incidents.gpkg");
        Files.write(file, gpkg.body());
        String info = Gdal.run("ogrinfo", "-so", file.toString(), "incidents");
        assertThat(info)
                .contains("Geometry: Point")
                .contains("Feature Count: " + expected)
                .contains("ID[\"EPSG\",27700]]")
                .contains("SAFEMAP_EXPORT=incidents");
        String loaded = String.join(
                ",",
                Sql.rows(db, "SELECT DISTINCT feed FROM load_batch WHERE kind = 'incidents' " + "ORDER BY feed")
                        .stream()
                        .map(row -> (String) row.get(0))
                        .toList());
        assertThat(info).contains("SAFEMAP_FEEDS=" + loaded);
        assertThat(gpkg.headers().firstValue("SafeMap-Feeds").orElse("")).isEqualTo(loaded);
        // a point's coordinates are the stored ones, in metres
        String point = Gdal.run(
                "ogrinfo",
                "-q",
                file.toString(),
                "-sql",
                "SELECT id, easting, northing, geom FROM incidents ORDER BY id LIMIT 1");
        List<Object> first = Sql.rows(
                        db,
                        "SELECT ST_X(geom), ST_Y(geom) FROM incident WHERE id = ?",
                        Long.parseLong(field(point, "id")))
                .get(0);
        Matcher m = Pattern.compile("POINT \\(([-\\d.]+) ([-\\d.]+)\\)").matcher(point);
        assertThat(m.find()).as(point).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isCloseTo((Double) first.get(0), within(1e-6));
        assertThat(Double.parseDouble(m.group(2))).isCloseTo((Double) first.get(1), within(1e-6));

        JsonNode geo = Http.json(Http.get(base + "/api/exports/incidents.geojson" + query));
        assertThat(geo.path("features").size()).isEqualTo(expected);
        assertThat(geo.at("/features/0/geometry/type").asText()).isEqualTo("Point");
        assertThat(geo.at("/safemap/selection/area/codes/0").asText()).isEqualTo(ward);
        assertThat(geo.at("/safemap/feedsIncluded").size()).isEqualTo(loaded.split(",").length);
        assertThat(geo.at("/safemap/feedsWithheld").size()).isZero();
    }

    @Test
    void surfaceGeoTiffHasTheRunsGridUnitAndProvenance() throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(base + "/api/exports/runs/" + hotspots + "/surface.tif");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo("image/tiff; application=geotiff");
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .isEqualTo("attachment; filename=\"safemap-run-" + hotspots + "-surface.tif\"");
        Path file = dir.resolve("surface.tif");
        Files.write(file, r.body());
        JsonNode info = JSON.readTree(Gdal.run("gdalinfo", "-json", file.toString()));
        JsonNode grid = hotspotRun.at("/params/grid");
        double cell = hotspotRun.at("/params/cellM").asDouble();
        assertThat(cell).isEqualTo(100);
        assertThat(info.at("/size/0").asInt()).isEqualTo(grid.path("columns").asInt());
        assertThat(info.at("/size/1").asInt()).isEqualTo(grid.path("rows").asInt());
        assertThat(info.at("/geoTransform/0").asDouble())
                .isCloseTo(grid.path("minX").asDouble(), within(1e-6));
        assertThat(info.at("/geoTransform/3").asDouble())
                .isCloseTo(grid.path("minY").asDouble() + grid.path("rows").asInt() * cell, within(1e-6));
        assertThat(info.at("/geoTransform/1").asDouble()).isEqualTo(cell);
        assertThat(info.at("/geoTransform/5").asDouble()).isEqualTo(-cell);
        assertThat(info.at("/coordinateSystem/wkt").asText()).endsWith("ID[\"EPSG\",27700]]");
        assertThat(info.at("/bands/0/type").asText()).isEqualTo("Float32");
        assertThat(info.at("/bands/0/unit").asText()).isEqualTo("incidents per km2");
        JsonNode md = info.at("/metadata/");
        assertThat(md.path("TIFFTAG_IMAGEDESCRIPTION").asText())
                .startsWith("SafeMap hotspots run " + hotspots + ": density surface")
                .contains("Period 2022-01..2022-03");
        assertThat(md.path("SAFEMAP_RUN_ID").asText()).isEqualTo(Long.toString(hotspots));
        assertThat(JSON.readTree(md.path("SAFEMAP_PARAMS").asText())).isEqualTo(hotspotRun.path("params"));
        assertThat(md.path("ATTRIBUTION").asText())
                .contains(FEEDS.get("police-uk").attribution());
    }

    @Test
    void refusalsAreJsonErrorsWithTheRightStatus() {
        expectError("/api/exports/runs/999999/areas.gpkg", 404, "not_found", "no run 999999");
        expectError("/api/exports/runs/abc/areas.csv", 400, "bad_request", "not a number");
        expectError("/api/exports/runs/" + emerging + "/surface.tif", 404, "not_found", "has no surface");
        expectError("/api/exports/runs/" + hotspots + "/areas.shp", 400, "bad_request", "'shp'");
        expectError("/api/exports/runs/" + hotspots + "/surface.png", 400, "bad_request", "surface.tif");
        expectError("/api/exports/runs/" + hotspots + "/areas.csv?level=msoa", 404, "not_found", "level 'msoa'");
        expectError("/api/exports/runs/" + hotspots + "/areas.csv?colour=red", 400, "bad_request", "'colour'");
        expectError("/api/exports/runs/" + hotspots + "/cells.csv", 404, "not_found", "areas.csv");
        expectError("/api/exports/incidents.csv", 400, "bad_request", "period is required");
        expectError("/api/exports/incidents.tif?month=2022-06", 400, "bad_request", "'tif'");
        expectError("/api/exports/incidents.csv?month=2022-06&feed=nosuch", 400, "bad_request", "'nosuch'");
        expectError("/api/exports/incidents.csv?month=2022-06&category=burglery", 400, "bad_request", "'burglery'");
        expectError("/api/exports/incidents.csv?month=2022-06&hours=20-3", 400, "bad_request", "'hours'");
        expectError("/api/exports/incidents.csv?month=2022-13", 400, "bad_request", "2022-13");
        expectError("/api/exports/incidents.csv?month=2022-06&bbox=1,2", 400, "bad_request", "bbox");
        expectError("/api/exports/crimes.csv?month=2022-06", 404, "not_found", "incidents.csv");
    }

    @Test
    void cliWritesEachExportInferringTheFormatFromTheFileName() throws Exception {
        Map<String, String> env = Map.of("SAFEMAP_DB_URL", CliRun.url(TestDatabase.target(db)));
        Path areas = dir.resolve("cli-areas.gpkg");
        CliRun.Result a =
                CliRun.run(env, "export", "areas", "--run", Long.toString(hotspots), "--out", areas.toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.out()).contains("cli-areas.gpkg: 298 rows, EPSG:27700");
        assertThat(Gdal.run("ogrinfo", "-so", areas.toString(), "run_" + hotspots + "_lsoa_areas"))
                .contains("Feature Count: 298");

        Path points = dir.resolve("june.txt");
        CliRun.Result p = CliRun.run(
                env,
                "export",
                "points",
                "--month",
                "2022-06",
                "--feed",
                "police-uk",
                "--format",
                "csv",
                "--out",
                points.toString());
        assertThat(p.code()).as(p.err()).isZero();
        long june = Sql.count(
                db,
                "SELECT count(*) FROM incident WHERE feed = 'police-uk' AND "
                        + "to_char(event_from AT TIME ZONE 'Europe/London', 'YYYY-MM') = '2022-06'");
        assertThat(Files.readAllLines(points)).hasSize((int) june + 1);
        JsonNode sidecar = JSON.readTree(dir.resolve("june.txt.provenance.json").toFile());
        assertThat(sidecar.path("features").asLong()).isEqualTo(june);
        assertThat(sidecar.at("/sources/0/feed").asText()).isEqualTo("police-uk");
        assertThat(p.out())
                .contains("feeds police-uk")
                .contains("attribution: " + FEEDS.get("police-uk").attribution());

        Path tif = dir.resolve("cli-surface.tif");
        // The run read the partner feeds: its raw surface goes only to a partner who sees them all as points.
        CliRun.Result refused =
                CliRun.run(env, "export", "surface", "--run", Long.toString(hotspots), "--out", tif.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("as aggregates only").contains("not exported");
        assertThat(tif).doesNotExist();
        CliRun.Result s = CliRun.run(
                env,
                "export",
                "surface",
                "--run",
                Long.toString(hotspots),
                "--out",
                tif.toString(),
                "--for-partner",
                "csp");
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(Gdal.run("gdalinfo", tif.toString())).contains("SAFEMAP_RUN_ID=" + hotspots);

        CliRun.Result bad = CliRun.run(
                env,
                "export",
                "points",
                "--month",
                "2022-06",
                "--out",
                dir.resolve("june.xlsx").toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("'june.xlsx'").contains("--format");
        CliRun.Result none = CliRun.run(
                env,
                "export",
                "surface",
                "--run",
                Long.toString(emerging),
                "--out",
                dir.resolve("none.tif").toString(),
                "--for-partner",
                "csp");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("run " + emerging + " (emerging) has no surface");
    }

    private static void expectError(String path, int status, String code, String messagePart) {
        HttpResponse<String> r = Http.get(base + path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(status);
        JsonNode body = Http.json(r);
        assertThat(body.path("error").asText()).as(path).isEqualTo(code);
        assertThat(body.path("message").asText()).as(path).contains(messagePart);
    }

    /** A field's value in ogrinfo's listing of one feature, e.g. {@code id (Integer64) = 12}. */
    private static String field(String ogrinfo, String name) {
        Matcher m = Pattern.compile("  " + name + " \\([A-Za-z0-9]+\\) = (.*)").matcher(ogrinfo);
        assertThat(m.find()).as(ogrinfo).isTrue();
        return m.group(1).trim();
    }
}
