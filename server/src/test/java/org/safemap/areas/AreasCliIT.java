package org.safemap.areas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.db.Database;
import org.safemap.testing.CliRun;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;

/** safemap areas ... as a user runs it, on real files in three formats, and on bad ones. */
class AreasCliIT {
    @AutoClose
    private static Database db;

    private static Map<String, String> env;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() {
        db = TestDatabase.fresh("areas_cli");
        env = Map.of("SAFEMAP_DB_URL", CliRun.url(db.target()));
    }

    private static Path resource(String path, String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = AreasCliIT.class.getClassLoader().getResourceAsStream(path)) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static Path gunzipped(String path, String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in =
                new GZIPInputStream(AreasCliIT.class.getClassLoader().getResourceAsStream(path))) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static CliRun.Result areas(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "areas";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.run(env, all);
    }

    @Test
    void geoJsonGeoPackageAndShapefileGiveTheSameBoundaries() throws IOException {
        CliRun.Result json = areas(
                "load",
                "--level",
                "lsoa",
                "--vintage",
                "2011",
                "--no-assign",
                resource("demo/liverpool_lsoa_2011_bgc.geojson.gz", "liverpool_lsoa.geojson.gz")
                        .toString());
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out()).contains("298 lsoa 2011 boundaries (geojson, EPSG:4326, code LSOA11CD, name LSOA11NM)");

        // The same boundaries, converted by GDAL to British National Grid, loaded as other vintages to compare.
        CliRun.Result gpkg = areas(
                "load",
                "--level",
                "lsoa",
                "--vintage",
                "2012",
                "--no-assign",
                resource("areas/liverpool_lsoa_2011_bng.gpkg", "lsoa.gpkg").toString());
        assertThat(gpkg.code()).as(gpkg.err()).isZero();
        assertThat(gpkg.out())
                .contains("298 lsoa 2012 boundaries (geopackage, EPSG:27700, code LSOA11CD, name LSOA11NM)");

        CliRun.Result shp = areas(
                "load",
                "--level",
                "lsoa",
                "--vintage",
                "2013",
                "--no-assign",
                resource("areas/liverpool_lsoa_2011_bng_shp.zip", "lsoa_shp.zip")
                        .toString());
        assertThat(shp.code()).as(shp.err()).isZero();
        assertThat(shp.out())
                .contains("298 lsoa 2013 boundaries (shapefile zip, EPSG:27700, code LSOA11CD, name LSOA11NM)");

        // Each boundary within a metre of its twin: the WGS84 -> BNG transforms of PostGIS and GDAL agree.
        for (int vintage : new int[] {2012, 2013}) {
            double worst = ((Number) Sql.value(db, """
                    SELECT max(ST_HausdorffDistance(a.geom, b.geom)) FROM area a
                    JOIN area b ON b.level = 'lsoa' AND b.vintage = ? AND b.code = a.code
                    WHERE a.level = 'lsoa' AND a.vintage = 2011""", vintage)).doubleValue();
            assertThat(worst).as("vintage %d", vintage).isLessThan(1.0);
        }
        assertThat(areas("list").out()).contains("lsoa 2011", "lsoa 2012", "lsoa 2013");

        CliRun.Result again = areas(
                "load",
                "--level",
                "lsoa",
                "--vintage",
                "2012",
                "--no-assign",
                dir.resolve("lsoa.gpkg").toString());
        assertThat(again.out()).contains("already the current lsoa 2012 boundaries (298 areas); nothing changed");
    }

    @Test
    void refusesBadFilesInOneLineAndLeavesTheDatabaseAsItWas() throws IOException {
        List<List<Object>> before = snapshot();

        Path empty = Files.createFile(dir.resolve("empty.geojson"));
        assertRefused(empty, "lsoa", "empty.geojson: the file is empty");

        byte[] zip = Files.readAllBytes(resource("areas/liverpool_lsoa_2011_bng_shp.zip", "whole.zip"));
        Path truncated = Files.write(dir.resolve("truncated.zip"), java.util.Arrays.copyOf(zip, zip.length / 2));
        assertRefused(truncated, "lsoa", "truncated.zip: not a complete zip archive");

        Path wrongCrs = Files.writeString(
                dir.resolve("wrong_crs.geojson"),
                "{\"type\":\"FeatureCollection\","
                        + "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:OGC:1.3:CRS84\"}},\"features\":["
                        + "{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E01000001\",\"LSOA11NM\":\"A\"},\"geometry\":"
                        + "{\"type\":\"Polygon\",\"coordinates\":[[[334000,390000],[335000,390000],[335000,391000],[334000,390000]]]}}]}");
        assertRefused(
                wrongCrs,
                "lsoa",
                "wrong_crs.geojson line 1, field 'crs': the file declares EPSG:4326 but its "
                        + "coordinates (334000, 390000) look like metres");

        Path noCrs = Files.writeString(
                dir.resolve("no_crs.geojson"),
                "{\"type\":\"FeatureCollection\",\"features\":["
                        + "{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E01000001\",\"LSOA11NM\":\"A\"},\"geometry\":"
                        + "{\"type\":\"Polygon\",\"coordinates\":[[[334000,390000],[335000,390000],[335000,391000],[334000,390000]]]}}]}");
        assertRefused(
                noCrs, "lsoa", "no_crs.geojson line 1, field 'crs': the file names no coordinate reference system");

        Path noCode = Files.writeString(
                dir.resolve("no_code.geojson"),
                "{\"type\":\"FeatureCollection\",\"features\":["
                        + "{\"type\":\"Feature\",\"properties\":{\"id\":\"1\"},\"geometry\":{\"type\":\"Polygon\","
                        + "\"coordinates\":[[[-2.9,53.4],[-2.8,53.4],[-2.8,53.5],[-2.9,53.4]]]}}]}");
        assertRefused(
                noCode,
                "lsoa",
                "no_code.geojson line 1: cannot tell which property holds the area code "
                        + "(properties: id); name it with --code-field");

        Path mixed = Files.writeString(
                dir.resolve("mixed.geojson"),
                "{\"type\":\"FeatureCollection\",\"features\":["
                        + "{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E01000001\",\"LSOA11NM\":\"A\"},\"geometry\":"
                        + "{\"type\":\"Polygon\",\"coordinates\":[[[-2.9,53.4],[-2.8,53.4],[-2.8,53.5],[-2.9,53.4]]]}},\n"
                        + "{\"type\":\"Feature\",\"properties\":{\"LSOA11CD\":\"E01000002\",\"LSOA11NM\":\"B\"},\"geometry\":"
                        + "{\"type\":\"LineString\",\"coordinates\":[[-2.9,53.4],[-2.8,53.4]]}}]}");
        assertRefused(
                mixed,
                "lsoa",
                "mixed.geojson line 2, field 'geometry': feature 2 (E01000002) is a LineString; "
                        + "boundaries must be Polygon or MultiPolygon");

        // A 2 GB file (sparse, so cheap to make) is read as a stream and refused at its first byte.
        Path huge = dir.resolve("national.geojson");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(2L * 1024 * 1024 * 1024);
        }
        assertRefused(huge, "lsoa", "national.geojson line 1: not valid JSON");

        assertRefused(
                resource("areas/liverpool_lsoa_2011_bng.gpkg", "layers.gpkg"),
                "lsoa",
                "layers.gpkg: no feature table 'districts' (--layer); the file has: liverpool_lsoa_2011",
                "--layer",
                "districts");

        assertThat(snapshot()).isEqualTo(before);

        // Told the CRS, the file without one loads.
        CliRun.Result told = areas(
                "load",
                "--level",
                "custom:told",
                "--vintage",
                "2020",
                "--crs",
                "EPSG:27700",
                "--code-field",
                "LSOA11CD",
                "--name-field",
                "LSOA11NM",
                "--no-assign",
                noCrs.toString());
        assertThat(told.code()).as(told.err()).isZero();
        assertThat(told.out()).contains("EPSG:27700");
    }

    private static void assertRefused(Path file, String level, String message, String... extra) {
        String[] args = new String[6 + extra.length];
        System.arraycopy(new String[] {"load", "--level", level, "--vintage", "2020"}, 0, args, 0, 5);
        System.arraycopy(extra, 0, args, 5, extra.length);
        args[args.length - 1] = file.toString();
        CliRun.Result r = areas(args);
        assertThat(r.code()).as(file.getFileName().toString()).isEqualTo(1);
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        // Every refusal names its code first: the message is what follows it.
        assertThat(r.err().strip()).matches("safemap: [a-z_]+: .*").contains(": " + message);
    }

    private static List<List<Object>> snapshot() {
        return Sql.rows(
                db,
                "SELECT (SELECT count(*) FROM area), (SELECT count(*) FROM load_batch), "
                        + "(SELECT count(*) FROM area_display), (SELECT count(*) FROM area_neighbour)");
    }

    @Test
    void loadsTheRealLookupPopulationAndDeprivationFiles() throws IOException {
        Path lookup = resource("demo/liverpool_oa11_lsoa11_msoa11_lad17_lookup.csv.gz", "lookup.csv.gz");
        CliRun.Result h = areas("hierarchy", "--no-assign", lookup.toString());
        assertThat(h.code()).as(h.err()).isZero();
        assertThat(h.out()).contains("298 LSOAs and 61 MSOAs (2011) with districts (2017)");

        Path imd = gunzipped(
                "demo/liverpool_lsoa_imd2019_domains_and_population_mid2015.csv.gz",
                "liverpool_lsoa_imd2019_domains_and_population_mid2015.csv");
        // The expected total, summed without the CSV library under test: data rows carry no quoted commas.
        List<String> lines = Files.readAllLines(imd, StandardCharsets.UTF_8);
        int column = List.of(lines.get(0).split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1))
                .indexOf("Total population: mid 2015 (excluding prisoners)");
        long total = lines.stream()
                .skip(1)
                .mapToLong(l -> Long.parseLong(l.split(",", -1)[column]))
                .sum();

        CliRun.Result p = areas("population", "--vintage", "2011", imd.toString());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out()).contains(String.format(java.util.Locale.UK, "298 areas, mid-2015, %,d residents", total));
        assertThat(Sql.count(db, "SELECT sum(population) FROM area_population WHERE year = 2015"))
                .isEqualTo(total);
        assertThat(areas("population", "--vintage", "2011", imd.toString()).out())
                .contains("0 added or changed");

        CliRun.Result d = areas("deprivation", imd.toString());
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(d.out()).contains("IMD 2019 for 298 LSOAs with 7 domains");
        // Liverpool 031A (E01006512): IMD rank and decile as in the file, and a domain.
        String row = lines.stream()
                .filter(l -> l.startsWith("E01006512,"))
                .findFirst()
                .orElseThrow();
        String[] f = row.split(",", -1);
        assertThat(Sql.rows(
                        db,
                        "SELECT imd_rank, imd_decile, (domains->'Income'->>'decile')::int FROM lsoa_deprivation "
                                + "WHERE code = 'E01006512'"))
                .containsExactly(List.of(Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[7])));

        CliRun.Result noYear = areas(
                "population",
                "--vintage",
                "2011",
                "--population-field",
                "Population aged 16-59: " + "mid 2015 (excluding prisoners)",
                "--year",
                "2016",
                imd.toString());
        assertThat(noYear.code()).as(noYear.err()).isZero();
        CliRun.Result badColumn = areas("population", "--vintage", "2011", "--code-field", "LSOA", imd.toString());
        assertThat(badColumn.code()).isEqualTo(1);
        assertThat(badColumn.err())
                .startsWith("safemap: bad_input: liverpool_lsoa_imd2019_domains_and_population_mid2015.csv line 1, "
                        + "field 'LSOA': no such column (--code-field)");
    }

    @Test
    void loadsTheLsoa2011To2021Lookup() throws IOException {
        CliRun.Result r = areas(
                "lsoa-changes",
                resource("areas/lsoa11_lsoa21_synthetic.csv", "changes.csv").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("6 links, 6 added or changed");
        assertThat(Sql.rows(db, "SELECT change, count(*)::int FROM lsoa_change GROUP BY change ORDER BY change"))
                .containsExactly(List.of("M", 2), List.of("S", 2), List.of("U", 1), List.of("X", 1));
        Path bad =
                Files.writeString(dir.resolve("bad_changes.csv"), "LSOA11CD,LSOA21CD,CHGIND\nE01006512,E01006512,Q\n");
        CliRun.Result refused = areas("lsoa-changes", bad.toString());
        assertThat(refused.err())
                .startsWith("safemap: bad_input: bad_changes.csv line 2, field 'CHGIND': 'Q' is not a change "
                        + "indicator (U, S, M or X)");
    }
}
