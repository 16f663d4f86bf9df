package org.safemap.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.db.Database;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.MapData;
import org.safemap.runs.AreaResults;
import org.safemap.testing.CliRun;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;
import org.safemap.time.Period;

/**
 * safemap publish geoserver against a stand-in for GeoServer's REST API ({@link FakeGeoServer}), and the views it
 * publishes against the demo data in real PostGIS.
 */
class GeoServerPublishIT {
    private static final String USER = "admin";
    private static final String PASSWORD = "s3cret-Geo!pass";
    private static final List<String> PUBLIC =
            List.of("lsoa-boundaries", "msoa-boundaries", "ward-boundaries", "lad-boundaries", "deprivation");
    private static final List<String> PARTNER = List.of("incident-counts", "hotspot-gistar", "emerging-hotspots");

    private static Database db;
    private static Map<String, String> env;
    private static String dbPassword;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        db = TestData.demoDatabase();
        dbPassword = TestDatabase.target(db).password();
        env = Map.of("SAFEMAP_DB_URL", CliRun.url(TestDatabase.target(db)));
        CliRun.Result hot = CliRun.run(env, "hotspots", "--period", "2022-01..2022-03", "--category", "violence");
        assertThat(hot.code()).as(hot.err()).isZero();
        hotspotsRun = Sql.count(db, "SELECT max(id) FROM hotspot_run WHERE kind = 'hotspots'");
        CliRun.Result emerging = CliRun.run(env, "emerging", "--period", "2022-01..2022-07", "--category", "violence");
        assertThat(emerging.code()).as(emerging.err()).isZero();
        emergingRun = Sql.count(db, "SELECT max(id) FROM hotspot_run WHERE kind = 'emerging'");
        CliRun.Result open = CliRun.run(env, "hotspots", "--period", "2022-01..2022-03", "--feed", "police-uk,btp");
        assertThat(open.code()).as(open.err()).isZero();
        openRun = Sql.count(db, "SELECT max(id) FROM hotspot_run WHERE kind = 'hotspots'");
    }

    /** A hotspots run over the public feeds only, whose surface GeoServer may serve. */
    private static long openRun;

    /** The runs made here (the shared demo database also holds other tests' runs). */
    private static long hotspotsRun;

    private static long emergingRun;

    private static CliRun.Result publish(String password, String... args) {
        Map<String, String> e = new HashMap<>(env);
        if (password != null) {
            e.put("SAFEMAP_GEOSERVER_PASSWORD", password);
        }
        List<String> all = new ArrayList<>(List.of("publish", "geoserver"));
        all.addAll(List.of(args));
        return CliRun.run(e, all.toArray(String[]::new));
    }

    private static void assertNoSecretIn(CliRun.Result r, FakeGeoServer gs) {
        assertThat(r.out() + r.err()).doesNotContain(PASSWORD).doesNotContain(dbPassword);
        for (FakeGeoServer.Request q : gs.requests) {
            assertThat(q.uri())
                    .doesNotContain(PASSWORD)
                    .doesNotContain(dbPassword)
                    .doesNotContain(USER + ":");
        }
    }

    @Test
    void viewsAreRegisteredWithTypeAndSridAndReadTheSpatialIndex() {
        List<List<Object>> cols = Sql.rows(
                db,
                "SELECT f_table_name, type, srid FROM geometry_columns "
                        + "WHERE f_table_schema = 'geoserver' AND f_geometry_column = 'geom' ORDER BY 1");
        assertThat(cols)
                .extracting(c -> c.get(0))
                .containsExactly(
                        "deprivation",
                        "hotspot_results",
                        "incident_counts",
                        "lad_boundaries",
                        "lsoa_boundaries",
                        "msoa_boundaries",
                        "ward_boundaries");
        assertThat(cols).allSatisfy(c -> {
            assertThat(c.get(1)).isEqualTo("MULTIPOLYGON");
            assertThat(c.get(2)).isEqualTo(27700);
        });
        // A bounding-box filter, as GeoServer sends one, reaches area's GiST index through the area views. With the
        // statistics autovacuum keeps (a fresh database may not have them yet when this class runs first, and the
        // planner then guesses ten LSOAs and reads them by key).
        Sql.execute(db, "ANALYZE area");
        Sql.execute(db, "ANALYZE lsoa_deprivation");
        String box = " WHERE geom && ST_MakeEnvelope(334000, 389000, 336000, 391000, 27700)";
        for (String view : List.of("lsoa_boundaries", "deprivation", "incident_counts")) {
            assertThat(explain("SELECT * FROM geoserver." + view + box))
                    .as(view)
                    .contains("area_geom_idx");
        }
        // Run results are few per run: the planner starts from the runs, and the box still filters area rows as
        // they are read (pushed below the join), never whole results afterwards.
        assertThat(explain("SELECT * FROM geoserver.hotspot_results" + box))
                .containsPattern("(area_geom_idx|on area a[^\\n]*\\n[^\\n]*\\n\\s*Filter: \\(geom &&)");
        assertThat(Sql.count(db, "SELECT count(*) FROM geoserver.lsoa_boundaries"))
                .isEqualTo(TestData.DEMO_LSOAS);
        assertThat(Sql.count(db, "SELECT count(*) FROM geoserver.deprivation WHERE imd_decile BETWEEN 1 AND 10"))
                .isEqualTo(TestData.DEMO_LSOAS);
        // every district the lookup names, once, with its outline
        assertThat(Sql.rows(db, "SELECT code, name FROM geoserver.lad_boundaries ORDER BY code"))
                .isEqualTo(
                        Sql.rows(
                                db,
                                "SELECT DISTINCT parent_code, parent_name FROM area_parent WHERE parent_level = 'lad' ORDER BY 1"));
    }

    private static String explain(String sql) {
        try (var c = db.dataSource().getConnection();
                var s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (var rs = s.executeQuery("EXPLAIN " + sql)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            c.rollback();
            return plan.toString();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void incidentCountsAreSafeMapsOwnCountsOfThePublicFeedsOnly() {
        // Public record by record under the built-in protocols: the open police.uk feeds, and nothing else.
        assertThat(PublicFeeds.names(db.dataSource())).containsExactly("btp", "police-uk");
        assertThat(Sql.value(db, "SELECT DISTINCT feeds FROM geoserver.incident_counts"))
                .isEqualTo(String.join(",", PublicFeeds.names(db.dataSource())));
        MapData map = new MapData(db.dataSource());
        for (String month : List.of("2022-01", "2022-07")) {
            Map<String, Double> own = map.areaCounts(
                    "lsoa",
                    new MapData.Filter(Period.parse(month), List.of(), List.of(), PublicFeeds.names(db.dataSource())));
            Map<String, Double> view = new HashMap<>();
            for (List<Object> row : Sql.rows(
                    db,
                    "SELECT code, incidents, violence + acquisitive + damage + asb "
                            + "+ drugs_weapons + other FROM geoserver.incident_counts WHERE month = ?::date",
                    month + "-01")) {
                view.put((String) row.get(0), ((Number) row.get(1)).doubleValue());
                assertThat(row.get(2)).as("groups add up to the total").isEqualTo(row.get(1));
            }
            assertThat(view).as(month).isEqualTo(own);
        }
        // Partner feeds are loaded in the demo, and never counted.
        long publicRecords = Sql.count(
                db, "SELECT count(*) FROM incident WHERE feed IN ('police-uk', 'btp') " + "AND lsoa_code IS NOT NULL");
        assertThat(Sql.count(db, "SELECT sum(incidents) FROM geoserver.incident_counts"))
                .isEqualTo(publicRecords);
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE feed NOT IN ('police-uk', 'btp')"))
                .isPositive();
        // rates: per 1,000 residents of the LSOA's latest population
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM geoserver.incident_counts WHERE population > 0 AND "
                                + "abs(monthly_rate_per_1000 - 1000.0 * incidents / population) > 1e-9"))
                .isZero();
    }

    @Test
    void runsThatReadRestrictedFeedsShowOnlyTheClassFieldsThatSafeMapShows() {
        // GeoServer reads the view outside SafeMap's policy, so for a run over any feed the public may not see record
        // by record it must show exactly what SafeMap shows such a reader (AreaResults.CLASS_FIELDS), plus the run's
        // description and the geometry: no count, statistic or step count that would let counts be solved for.
        List<String> describing = List.of(
                "id",
                "run_id",
                "run_kind",
                "period",
                "period_from",
                "period_to",
                "categories",
                "feeds",
                "created_at",
                "created_by",
                "is_default",
                "geom");
        List<String> columns = Sql.rows(
                        db,
                        "SELECT column_name FROM information_schema.columns "
                                + "WHERE table_schema = 'geoserver' AND table_name = 'hotspot_results'")
                .stream()
                .map(r -> (String) r.get(0))
                .toList();
        assertThat(columns).containsAll(AreaResults.CLASS_FIELDS).containsAll(describing);
        for (long run : List.of(hotspotsRun, emergingRun)) {
            assertThat(Sql.count(
                            db,
                            "SELECT count(*) FROM hotspot_run h, jsonb_array_elements(h.data_version -> 'batches') b "
                                    + "WHERE h.id = ? AND b ->> 'feed' NOT IN (SELECT feed FROM geoserver.public_feed)",
                            run))
                    .as("the restricted runs read partner records")
                    .isPositive();
            for (String column : columns) {
                if (AreaResults.CLASS_FIELDS.contains(column) || describing.contains(column)) {
                    continue;
                }
                assertThat(Sql.count(
                                db,
                                "SELECT count(*) FROM geoserver.hotspot_results WHERE run_id = ? AND " + column
                                        + " IS NOT NULL",
                                run))
                        .as("run " + run + " column " + column)
                        .isZero();
            }
        }
        // The open run shows its statistics: the check above is not passing because the view is empty.
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM geoserver.hotspot_results WHERE run_id = ? AND gi_z IS NOT NULL",
                        openRun))
                .isPositive();
        assertThat(Sql.count(db, "SELECT count(*) FROM geoserver.hotspot_results WHERE run_id = ?", emergingRun))
                .isPositive();
    }

    @Test
    void runSqlViewsSelectTheDefaultRunOrTheRunAsked() {
        MapData map = new MapData(db.dataSource());
        LayerCatalogue catalogue = LayerCatalogue.load();
        for (String name : List.of("hotspot-gistar", "emerging-hotspots")) {
            LayerCatalogue.Layer layer = catalogue.layer(name);
            PublishedLayer.SqlView view = LayerSelection.choose(layer, true)
                    .published()
                    .orElseThrow()
                    .sqlView()
                    .orElseThrow();
            List<Long> runs = map.runs(layer.source().runKind(), "lsoa");
            assertThat(runs).isNotEmpty();
            long defaultRun = runs.get(0);
            // GeoServer substitutes the parameter's default, or the request's value once it matches the regex.
            String byDefault = view.sql().replace("%run%", LayerSelection.RUN.defaultValue());
            assertThat(Sql.rows(db, "SELECT DISTINCT run_id FROM (" + byDefault + ") v"))
                    .containsExactly(List.of(defaultRun));
            assertThat(Sql.count(db, "SELECT count(*) FROM (" + byDefault + ") v"))
                    .isEqualTo(Sql.count(
                            db,
                            "SELECT count(*) FROM hotspot_area_result WHERE run_id = ? AND level = 'lsoa'",
                            defaultRun));
            Map<String, Object> gi = Sql.rows(db, "SELECT code, gi_bin FROM (" + byDefault + ") v").stream()
                    .collect(Collectors.toMap(r -> (String) r.get(0), r -> r.get(1) == null ? "" : r.get(1)));
            map.runResults(defaultRun, "lsoa")
                    .forEach((code, row) ->
                            assertThat(gi.get(code)).isEqualTo(row.get("gi_bin") == null ? "" : row.get("gi_bin")));
            String asked = view.sql().replace("%run%", String.valueOf(defaultRun));
            assertThat(Sql.count(db, "SELECT count(*) FROM (" + asked + ") v"))
                    .isEqualTo(Sql.count(db, "SELECT count(*) FROM (" + byDefault + ") v"));
            assertThat(Sql.count(db, "SELECT count(*) FROM (" + view.sql().replace("%run%", "999999") + ") v"))
                    .isZero();
            assertThat("1 OR true").doesNotMatch(LayerSelection.RUN.regexpValidator());
            assertThat("default").matches(LayerSelection.RUN.regexpValidator());
        }
        assertThat(Sql.value(db, "SELECT DISTINCT period FROM geoserver.hotspot_results WHERE run_id = ?", hotspotsRun))
                .isEqualTo("2022-01..2022-03");
        assertThat(Sql.value(
                        db,
                        "SELECT DISTINCT categories FROM geoserver.hotspot_results WHERE run_id IN (?, ?)",
                        hotspotsRun,
                        emergingRun))
                .isEqualTo("violence");
    }

    @Test
    void aDryRunSendsNothingAndPrintsEveryRequestWithoutSecrets() throws Exception {
        try (FakeGeoServer gs = new FakeGeoServer(USER, PASSWORD)) {
            CliRun.Result r = publish(
                    PASSWORD,
                    "--url",
                    gs.url(),
                    "--user",
                    USER,
                    "--dry-run",
                    "--db-host",
                    "postgis",
                    "--db-port",
                    "5432");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(gs.requests).isEmpty();
            assertThat(r.out())
                    .contains("dry run: nothing is sent to " + gs.url())
                    .contains("POST " + gs.url() + "/rest/workspaces  [application/json]")
                    .contains("PostGIS datastore 'safemap': postgis:5432/")
                    .contains("POST " + gs.url() + "/rest/workspaces/safemap/styles?name=boundaries  "
                            + "[application/vnd.ogc.sld+xml]")
                    .contains(
                            "PUT  " + gs.url() + "/rest/workspaces/safemap/datastores/safemap/featuretypes/deprivation"
                                    + "?recalculate=nativebbox,latlonbbox")
                    .contains("skip    incidents: record-level incidents")
                    .contains("skip    density-all:")
                    .contains("skip    hotspot-gistar: partner level");
            assertNoSecretIn(r, gs);
            // A dry run needs no password at all.
            CliRun.Result none = publish(null, "--url", gs.url(), "--user", USER, "--dry-run");
            assertThat(none.code()).as(none.err()).isZero();
            assertThat(gs.requests).isEmpty();
        }
    }

    @Test
    void publishesThePublicLayersThenUpdatesThemWithoutDuplicates() throws Exception {
        try (FakeGeoServer gs = new FakeGeoServer(USER, PASSWORD)) {
            Path secret = dir.resolve("geoserver.password");
            Files.writeString(secret, PASSWORD + "\n");
            CliRun.Result first = publish(
                    null,
                    "--url",
                    gs.url() + "/",
                    "--user",
                    USER,
                    "--password-file",
                    secret.toString(),
                    "--db-host",
                    "postgis",
                    "--db-port",
                    "5432");
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(gs.violations).isEmpty();
            assertThat(first.out()).contains("published 5 layers to admin at " + gs.url());

            assertThat(gs.keys("workspaces")).containsExactly("workspaces/safemap");
            assertThat(gs.keys("datastores")).containsExactly("workspaces/safemap/datastores/safemap");
            Map<String, String> params = new HashMap<>();
            gs.json
                    .get("workspaces/safemap/datastores/safemap")
                    .path("dataStore")
                    .path("connectionParameters")
                    .path("entry")
                    .forEach(
                            e -> params.put(e.path("@key").asText(), e.path("$").asText()));
            assertThat(params)
                    .containsEntry("dbtype", "postgis")
                    .containsEntry("host", "postgis")
                    .containsEntry("port", "5432")
                    .containsEntry("schema", "geoserver")
                    .containsEntry("database", TestDatabase.target(db).database())
                    .containsEntry("passwd", dbPassword);

            assertThat(gs.keys("featuretypes"))
                    .extracting(k -> k.substring(k.lastIndexOf('/') + 1))
                    .containsExactlyInAnyOrderElementsOf(PUBLIC);
            JsonNode lsoa = gs.json
                    .get("workspaces/safemap/datastores/safemap/featuretypes/lsoa-boundaries")
                    .path("featureType");
            assertThat(lsoa.path("nativeName").asText()).isEqualTo("lsoa_boundaries");
            assertThat(lsoa.path("title").asText()).isEqualTo("LSOA boundaries");

            // Styles: exactly those of the published layers, each the repository's file byte for byte.
            assertThat(gs.styles.keySet())
                    .extracting(k -> k.substring(k.lastIndexOf('/') + 1))
                    .containsExactlyInAnyOrder("boundaries", "imd-deciles");
            assertThat(gs.styles.get("workspaces/safemap/styles/boundaries"))
                    .isEqualTo(Files.readString(
                            Path.of(System.getenv("SAFEMAP_HOME"), "layers", "styles", "boundaries.sld"),
                            StandardCharsets.UTF_8));
            JsonNode dep = gs.json.get("workspaces/safemap/layers/deprivation").path("layer");
            assertThat(dep.path("defaultStyle").path("name").asText()).isEqualTo("safemap:imd-deciles");
            assertThat(dep.path("attribution").path("title").asText())
                    .startsWith("English Indices of Deprivation 2019")
                    .contains("©")
                    .doesNotContain("&copy;");
            JsonNode group =
                    gs.json.get("workspaces/safemap/layergroups/safemap").path("layerGroup");
            List<String> members = new ArrayList<>();
            group.path("publishables")
                    .path("published")
                    .forEach(p -> members.add(p.path("name").asText()));
            assertThat(members)
                    .containsExactly(
                            "safemap:deprivation",
                            "safemap:lsoa-boundaries",
                            "safemap:msoa-boundaries",
                            "safemap:ward-boundaries",
                            "safemap:lad-boundaries");

            // Every write of the first run created something; no PUT can precede its resource.
            long posts = gs.count("POST");
            assertThat(posts).isEqualTo(1 + 1 + 2 + 5 + 1);
            assertThat(gs.count("PUT")).isEqualTo(5); // the layers GeoServer made with their feature types
            for (FakeGeoServer.Request q : gs.requests) {
                assertThat(q.authorization()).startsWith("Basic ");
            }
            assertNoSecretIn(first, gs);

            Map<String, JsonNode> before = new HashMap<>(gs.json);
            int requestsBefore = gs.requests.size();
            CliRun.Result second =
                    publish(PASSWORD, "--url", gs.url(), "--user", USER, "--db-host", "postgis", "--db-port", "5432");
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(gs.violations).isEmpty();
            assertThat(gs.count("POST"))
                    .as("the second publication creates nothing")
                    .isEqualTo(posts);
            List<FakeGeoServer.Request> again = gs.requests.subList(requestsBefore, gs.requests.size());
            assertThat(again.stream().filter(q -> q.method().equals("PUT")).count())
                    .isEqualTo(1 + 2 + 5 + 5 + 1); // datastore, styles, feature types, layers, group
            assertThat(gs.json.keySet()).isEqualTo(before.keySet());
            assertThat(gs.styles).hasSize(2);
            assertThat(second.out()).contains("0 created, 14 updated, 1 unchanged");
            assertNoSecretIn(second, gs);
        }
    }

    @Test
    void partnerLayersComeOnlyWhenAskedWithAWarningAndNeverPointsOrDensity() throws Exception {
        try (FakeGeoServer gs = new FakeGeoServer(USER, PASSWORD)) {
            CliRun.Result r =
                    publish(PASSWORD, "--url", gs.url(), "--user", USER, "--workspace", "csp", "--include-partner");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(gs.violations).isEmpty();
            assertThat(r.err())
                    .contains("warning: --include-partner publishes partner-level layers")
                    .contains("restrict workspace 'csp' with GeoServer's data security");
            List<String> published = gs.keys("featuretypes").stream()
                    .map(k -> k.substring(k.lastIndexOf('/') + 1))
                    .toList();
            List<String> expected = new ArrayList<>(PUBLIC);
            expected.addAll(PARTNER);
            assertThat(published).containsExactlyInAnyOrderElementsOf(expected);
            for (LayerCatalogue.Layer l : LayerCatalogue.load().layers()) {
                if (l.kind() instanceof org.safemap.map.PointsKind
                        || l.kind() instanceof org.safemap.map.DensityKind
                        || l.disclosure().equals("owner")) {
                    assertThat(published).doesNotContain(l.name());
                }
            }
            String fts = "workspaces/csp/datastores/safemap/featuretypes/";
            JsonNode counts = gs.json.get(fts + "incident-counts").path("featureType");
            JsonNode time = counts.path("metadata").path("entry").get(0);
            assertThat(time.path("@key").asText()).isEqualTo("time");
            assertThat(time.path("dimensionInfo").path("attribute").asText()).isEqualTo("month");
            assertThat(time.path("dimensionInfo").path("enabled").asBoolean()).isTrue();
            JsonNode vt = gs.json
                    .get(fts + "hotspot-gistar")
                    .path("featureType")
                    .path("metadata")
                    .path("entry")
                    .get(0);
            assertThat(vt.path("@key").asText()).isEqualTo("JDBC_VIRTUAL_TABLE");
            assertThat(vt.path("virtualTable").path("sql").asText())
                    .contains("%run%")
                    .contains("run_kind = 'hotspots'");
            assertThat(vt.path("virtualTable").path("geometry").path("srid").asInt())
                    .isEqualTo(27700);
            assertThat(vt.path("virtualTable")
                            .path("parameter")
                            .get(0)
                            .path("regexpValidator")
                            .asText())
                    .isEqualTo(LayerSelection.RUN.regexpValidator());
            // The counts credit the feeds they count (police.uk), not the partners'.
            String credit = gs.json
                    .get("workspaces/csp/layers/incident-counts")
                    .path("layer")
                    .path("attribution")
                    .path("title")
                    .asText();
            assertThat(credit).contains("police.uk").doesNotContainIgnoringCase("ambulance");
            assertThat(gs.styles.keySet())
                    .extracting(k -> k.substring(k.lastIndexOf('/') + 1))
                    .containsExactlyInAnyOrder("boundaries", "imd-deciles", "counts", "rates", "gistar", "emerging");
            assertNoSecretIn(r, gs);
        }
    }

    @Test
    void surfacesOfRunsOverPublicFeedsOnlyArePublishedAsMonthlyGeoTiffCoverages() throws Exception {
        Path surfaces = dir.resolve("surfaces");
        String seen = "file:/opt/geoserver_data/safemap-surfaces";
        try (FakeGeoServer gs = new FakeGeoServer(USER, PASSWORD)) {
            CliRun.Result r = publish(
                    PASSWORD,
                    "--url",
                    gs.url(),
                    "--user",
                    USER,
                    "--surfaces-dir",
                    surfaces.toString(),
                    "--surfaces-url",
                    seen);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(gs.violations).isEmpty();
            String ws = "workspaces/safemap/";
            String name = "surface-run-" + openRun;
            JsonNode store = gs.json.get(ws + "coveragestores/" + name);
            assertThat(store).as("the open run's store").isNotNull();
            assertThat(store.at("/coverageStore/url").asText()).isEqualTo(seen + "/safemap-run-" + openRun + ".tif");
            assertThat(gs.json
                            .get(ws + "coveragestores/" + name + "/coverages/" + name)
                            .at("/coverage/abstract")
                            .asText())
                    .contains("divided by its 3.00 months")
                    .contains("police.uk");
            assertThat(gs.json
                            .get(ws + "layers/" + name)
                            .at("/layer/defaultStyle/name")
                            .asText())
                    .isEqualTo("safemap:density");
            assertThat(gs.styles).containsKey(ws + "styles/density");
            // a run that read a restricted feed keeps its surface inside SafeMap
            assertThat(gs.json.keySet()).noneMatch(k -> k.endsWith("/surface-run-" + hotspotsRun));
            assertThat(Files.exists(surfaces.resolve("safemap-run-" + hotspotsRun + ".tif")))
                    .isFalse();

            // The file holds the stored surface per month: its largest value is the run's largest over 3 months.
            Path tif = surfaces.resolve("safemap-run-" + openRun + ".tif");
            mil.nga.tiff.Rasters rasters = mil.nga.tiff.TiffReader.readTiff(tif.toFile())
                    .getFileDirectory()
                    .readRasters();
            double fileMax = 0;
            for (int y = 0; y < rasters.getHeight(); y++) {
                for (int x = 0; x < rasters.getWidth(); x++) {
                    double v = rasters.getPixelSample(0, x, y).doubleValue();
                    if (!Double.isNaN(v)) {
                        fileMax = Math.max(fileMax, v);
                    }
                }
            }
            double storedMax =
                    Sql.count(db, "SELECT round(max_density * 1000) FROM hotspot_surface WHERE run_id = ?", openRun)
                            / 1000.0;
            assertThat(storedMax).isPositive();
            assertThat(fileMax).isCloseTo(storedMax / 3, org.assertj.core.data.Offset.offset(storedMax * 1e-4));

            // publishing again updates the three resources and creates nothing
            long posts = gs.count("POST");
            CliRun.Result again = publish(
                    PASSWORD,
                    "--url",
                    gs.url(),
                    "--user",
                    USER,
                    "--surfaces-dir",
                    surfaces.toString(),
                    "--surfaces-url",
                    seen);
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(gs.count("POST")).isEqualTo(posts);
            assertThat(gs.violations).isEmpty();

            // bad options are named, before anything is sent
            long sent = gs.requests.size();
            CliRun.Result noDir = publish(PASSWORD, "--url", gs.url(), "--user", USER, "--surfaces-url", seen);
            assertThat(noDir.code()).isNotZero();
            assertThat(noDir.err()).contains("--surfaces-url needs --surfaces-dir");
            CliRun.Result http = publish(
                    PASSWORD,
                    "--url",
                    gs.url(),
                    "--user",
                    USER,
                    "--surfaces-dir",
                    surfaces.toString(),
                    "--surfaces-url",
                    "http://gis/surfaces");
            assertThat(http.err()).contains("--surfaces-url must be a file: URL");
            Path notAFolder = Files.writeString(dir.resolve("a-file"), "x");
            CliRun.Result unwritable =
                    publish(PASSWORD, "--url", gs.url(), "--user", USER, "--surfaces-dir", notAFolder.toString());
            assertThat(unwritable.code()).isNotZero();
            assertThat(unwritable.err())
                    .contains("cannot write the surfaces into " + notAFolder)
                    .doesNotContain("unexpected error");
            assertThat(gs.requests.size()).isEqualTo(sent);
        }
    }

    @Test
    void wrongCredentialsAreReportedPlainlyWithoutThePassword() throws Exception {
        try (FakeGeoServer gs = new FakeGeoServer(USER, PASSWORD)) {
            String wrong = "not-the-Password-42";
            CliRun.Result r = publish(wrong, "--url", gs.url(), "--user", USER);
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err())
                    .isEqualTo("safemap: geoserver_unauthorized: GeoServer at " + gs.url()
                            + " refused user 'admin' (HTTP 401): "
                            + "check --user and the password (--password-file or SAFEMAP_GEOSERVER_PASSWORD)"
                            + System.lineSeparator());
            assertThat(r.out() + r.err()).doesNotContain(wrong);
            assertThat(gs.requests).hasSize(1);
            assertThat(gs.requests.get(0).uri()).doesNotContain(wrong);
            assertThat(gs.json).isEmpty();

            CliRun.Result noPassword = publish(null, "--url", gs.url(), "--user", USER);
            assertThat(noPassword.code()).isEqualTo(1);
            assertThat(noPassword.err())
                    .contains(
                            "no GeoServer password: give --password-file FILE or set " + "SAFEMAP_GEOSERVER_PASSWORD");

            CliRun.Result inUrl =
                    publish(PASSWORD, "--url", "http://admin:" + wrong + "@127.0.0.1:1/geoserver", "--user", USER);
            assertThat(inUrl.code()).isEqualTo(1);
            assertThat(inUrl.err())
                    .contains("--url must not carry a user or password")
                    .doesNotContain(wrong);

            CliRun.Result refused = publish(PASSWORD, "--url", "http://127.0.0.1:1/geoserver", "--user", USER);
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err())
                    .contains("cannot reach GeoServer at http://127.0.0.1:1/geoserver: connection " + "refused")
                    .doesNotContain(PASSWORD);
        }
    }
}
