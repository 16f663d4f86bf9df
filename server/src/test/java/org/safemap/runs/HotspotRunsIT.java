package org.safemap.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.db.Database;
import org.safemap.testing.CliRun;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.RScript;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestPrincipals;

/** Hotspot runs over the demo data through the HTTP API: stored, reproducible, and checked against PostGIS and R. */
class HotspotRunsIT {
    /** Period ends on the local clock, as SafeMap reads periods (the session's time zone is UTC). */
    private static final String JAN = "timestamptz '2022-01-01 00:00 Europe/London'";

    private static final String APR = "timestamptz '2022-04-01 00:00 Europe/London'";
    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;
    private static JsonNode violence;

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
        violence = Http.json(r);
    }

    @Test
    void runStoresEveryParameterAndTheBatchesItRead() {
        assertThat(violence.path("status").asText()).isEqualTo("done");
        JsonNode params = violence.path("params");
        assertThat(params.at("/selection/period").asText()).isEqualTo("2022-01..2022-03");
        assertThat(params.at("/selection/categories/0").asText()).isEqualTo("violence");
        assertThat(params.at("/kde/kernel").asText()).isEqualTo("quartic");
        assertThat(params.at("/kde/bandwidthM").asDouble()).isEqualTo(300);
        assertThat(params.at("/kde/bandwidthSource").asText()).isEqualTo("given");
        assertThat(params.at("/gi/neighbours").asText()).isEqualTo("queen");
        JsonNode batches = violence.at("/dataVersion/batches");
        assertThat(batches.size()).isGreaterThanOrEqualTo(3);
        assertThat(batches.get(0).path("sha256").asText()).hasSize(64);
        assertThat(violence.at("/dataVersion/areas/level").asText()).isEqualTo("lsoa");
        assertThat(violence.at("/links/surface").asText()).endsWith("/surface");
    }

    @Test
    void areaCountsEqualPostgisCountsOfDistinctEvents() {
        // police.uk windows are whole months inside the period, so each event carries weight 1
        long expected = Sql.count(db, """
                SELECT count(DISTINCT coalesce(i.event_id, i.id)) FROM incident i JOIN category c ON c.code = i.category
                WHERE c.group_code = 'violence' AND i.event_from >= %s AND i.event_from < %s
                  AND i.event_to <= %s AND i.lsoa_code IS NOT NULL""".formatted(JAN, APR, APR));
        JsonNode rows =
                Http.json(Http.get(base + "/api/hotspots/" + violence.path("id").asLong() + "/areas"));
        assertThat(rows.size()).isEqualTo(TestData.DEMO_LSOAS);
        double total = 0;
        for (JsonNode r : rows) {
            total += r.path("incidents").asDouble();
        }
        // partner records with shorter windows crossing the period's ends may carry a share; allow for them
        assertThat(total).isCloseTo(expected, within(expected * 0.01));
        String topCode = rows.get(0).path("code").asText();
        // an event seen by several feeds counts once, at its most precisely placed record
        long topCount = Sql.count(db, """
                SELECT count(*) FROM (
                    SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.lsoa_code
                    FROM incident i JOIN category c ON c.code = i.category
                    WHERE c.group_code = 'violence' AND i.event_from >= %s AND i.event_from < %s
                    ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id) t
                WHERE t.lsoa_code = ?""".formatted(JAN, APR), topCode);
        assertThat(rows.get(0).path("incidents").asDouble()).isCloseTo(topCount, within(0.5));
        assertThat(rows.get(0).path("rank").asInt()).isEqualTo(1);
        assertThat(rows.get(0).path("incidents").asDouble())
                .isGreaterThanOrEqualTo(rows.get(1).path("incidents").asDouble());
        assertThat(rows.get(0).path("rate_per_1000").asDouble()).isPositive();
        assertThat(rows.get(0).path("kde_max").asDouble()).isPositive();
        assertThat(rows.get(0).path("location_quotient").isNumber()).isTrue();
    }

    @Test
    void giStarEqualsSpdepLocalGOnTheSameCountsAndQueenNeighbours() throws Exception {
        long id = violence.path("id").asLong();
        List<List<Object>> areas = Sql.rows(
                db, "SELECT code, incidents, gi_z FROM hotspot_area_result " + "WHERE run_id = ? ORDER BY code", id);
        List<List<Object>> pairs = Sql.rows(db, """
                SELECT n.code, n.neighbour_code FROM area_neighbour n
                WHERE n.level = 'lsoa' AND n.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
                ORDER BY 1, 2""");
        Map<String, Integer> index = new HashMap<>();
        StringBuilder x = new StringBuilder("x\n");
        for (int i = 0; i < areas.size(); i++) {
            index.put((String) areas.get(i).get(0), i + 1);
            x.append(
                    String.format(Locale.ROOT, "%.17g%n", ((Number) areas.get(i).get(1)).doubleValue()));
        }
        StringBuilder edges = new StringBuilder("from,to\n");
        for (List<Object> p : pairs) {
            edges.append(index.get(p.get(0)))
                    .append(',')
                    .append(index.get(p.get(1)))
                    .append('\n');
        }
        Path xFile = dir.resolve("x.csv");
        Path eFile = dir.resolve("edges.csv");
        Files.writeString(xFile, x);
        Files.writeString(eFile, edges);
        String out = RScript.run(String.format(Locale.ROOT, """
                suppressPackageStartupMessages(library(spdep))
                x <- read.csv('%s')$x
                e <- read.csv('%s')
                n <- length(x)
                nb <- lapply(seq_len(n), function(i) sort(unique(e$to[e$from == i])))
                nb <- lapply(nb, function(v) if (length(v) == 0) 0L else as.integer(v))
                class(nb) <- 'nb'
                attr(nb, 'region.id') <- as.character(seq_len(n))
                nbs <- include.self(nb)
                g <- localG(x, nb2listw(nbs, style = 'B', zero.policy = TRUE), zero.policy = TRUE)
                cat(sprintf('%%.15g', as.numeric(g)), sep = '\\n')
                """, xFile, eFile));
        String[] z = out.trim().split("\\s+");
        assertThat(z).hasSize(areas.size());
        for (int i = 0; i < areas.size(); i++) {
            assertThat(((Number) areas.get(i).get(2)).doubleValue())
                    .as("Gi* of " + areas.get(i).get(0))
                    .isCloseTo(Double.parseDouble(z[i]), within(1e-9));
        }
    }

    @Test
    void areasComeAsCsvAndGeoJsonInTheSameOrder() {
        long id = violence.path("id").asLong();
        HttpResponse<String> csv = Http.get(base + "/api/hotspots/" + id + "/areas?format=csv&limit=5");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("rank,code,name,level,vintage,incidents,records,population,rate_per_1000");
        assertThat(lines).hasSize(6);
        JsonNode geo = Http.json(Http.get(base + "/api/hotspots/" + id + "/areas?format=geojson&limit=5"));
        assertThat(geo.path("type").asText()).isEqualTo("FeatureCollection");
        assertThat(geo.path("features").size()).isEqualTo(5);
        JsonNode first = geo.path("features").get(0);
        assertThat(first.at("/geometry/type").asText()).isEqualTo("MultiPolygon");
        assertThat(first.at("/properties/rank").asInt()).isEqualTo(1);
        assertThat(lines.get(1)).startsWith("1," + first.at("/properties/code").asText() + ",");
        double lon = first.at("/geometry/coordinates/0/0/0/0").asDouble();
        assertThat(lon).isBetween(-3.1, -2.8);
    }

    @Test
    void surfaceIsAGeoTiffGdalReadsAndAPngWithALegend() throws Exception {
        long id = violence.path("id").asLong();
        HttpResponse<byte[]> tiff = Http.getBytes(base + "/api/hotspots/" + id + "/surface");
        assertThat(tiff.statusCode()).isEqualTo(200);
        Path file = dir.resolve("surface.tif");
        Files.write(file, tiff.body());
        Process p = new ProcessBuilder("gdalinfo", "-json", "-stats", file.toString())
                .redirectErrorStream(true)
                .start();
        String info = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        JsonNode gdal = new com.fasterxml.jackson.databind.ObjectMapper().readTree(info);
        assertThat(gdal.at("/coordinateSystem/wkt").asText()).contains("27700");
        assertThat(gdal.at("/geoTransform/1").asDouble()).isEqualTo(100);
        double max = gdal.at("/bands/0/maximum").asDouble();
        assertThat(max).isCloseTo(violence.at("/summary/maxDensityPerKm2").asDouble(), within(max * 1e-6));

        HttpResponse<byte[]> png = Http.getBytes(base + "/api/hotspots/" + id + "/surface?format=png");
        assertThat(png.statusCode()).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(360);
        // the legend strip is opaque white at the bottom
        assertThat(image.getRGB(2, image.getHeight() - 2) & 0xffffff).isEqualTo(0xffffff);
    }

    @Test
    void badRequestsAreRefusedWithTheirReason() {
        HttpResponse<String> unknown =
                Http.postJson(base + "/api/hotspots", "{\"period\": \"2022-01\", \"categories\": \"burglery\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(Http.json(unknown).path("message").asText()).contains("unknown category 'burglery'");
        HttpResponse<String> noPeriod = Http.postJson(base + "/api/hotspots", "{}");
        assertThat(Http.json(noPeriod).path("message").asText()).contains("period is required");
        HttpResponse<String> typo =
                Http.postJson(base + "/api/hotspots", "{\"period\": \"2022-01\", \"kernal\": \"x\"}");
        assertThat(Http.json(typo).path("message").asText()).contains("unknown parameter 'kernal'");
        HttpResponse<String> zero =
                Http.postJson(base + "/api/hotspots", "{\"period\": \"2022-01\", \"bandwidth\": 0}");
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(Http.get(base + "/api/hotspots/999999").statusCode()).isEqualTo(404);
        assertThat(Http.get(base + "/api/hotspots/abc").statusCode()).isEqualTo(400);
    }

    @Test
    void periodWithNoDataGivesZerosAndSaysSo() {
        HttpResponse<String> r = Http.postJson(base + "/api/hotspots", "{\"period\": \"2019-05\", \"bandwidth\": 250}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode run = Http.json(r);
        assertThat(run.at("/summary/records").asInt()).isZero();
        assertThat(run.at("/summary/warnings/0").asText()).contains("no records match");
        assertThat(run.at("/summary/hotAreas").asInt()).isZero();
    }

    @Test
    void nightTimeViolenceWeighsWindowsByTheirShareOfTheHours() {
        HttpResponse<String> r = Http.postJson(base + "/api/hotspots", """
                {"period": "2022-01..2022-03", "categories": "violence", "hours": "20-3", "feeds": "ambulance",
                 "bandwidth": 300, "cellM": 100}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode run = Http.json(r);
        double night = run.at("/summary/incidents").asDouble();
        long all = Sql.count(db, """
                SELECT count(*) FROM incident i WHERE feed = 'ambulance' AND category IN
                  (SELECT code FROM category WHERE group_code = 'violence')
                  AND event_from >= %s AND event_from < %s""".formatted(JAN, APR));
        long atNight = Sql.count(db, """
                SELECT count(*) FROM incident i WHERE feed = 'ambulance' AND category IN
                  (SELECT code FROM category WHERE group_code = 'violence')
                  AND event_from >= %s AND event_from < %s
                  AND (extract(hour FROM event_from AT TIME ZONE 'Europe/London') >= 20
                       OR extract(hour FROM event_from AT TIME ZONE 'Europe/London') <= 3)""".formatted(JAN, APR));
        assertThat(all).isGreaterThan(100);
        // ambulance calls are timed to the minute: the weights are whole, and the night's share is the SQL count
        assertThat(night).isCloseTo(atNight, within(0.5));
    }

    @Test
    void emergingRunClassesEveryAreaAndPersistentHotSpotsAreTheHotAreas() {
        HttpResponse<String> r = Http.postJson(
                base + "/api/emerging", "{\"period\": \"2022-01..2022-07\", \"categories\": \"violence\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode run = Http.json(r);
        assertThat(run.path("kind").asText()).isEqualTo("emerging");
        assertThat(run.at("/params/steps").size()).isEqualTo(7);
        int classified = 0;
        for (JsonNode count : run.at("/summary/classes")) {
            classified += count.asInt();
        }
        assertThat(classified).isEqualTo(TestData.DEMO_LSOAS);
        JsonNode rows =
                Http.json(Http.get(base + "/api/hotspots/" + run.path("id").asLong() + "/areas"));
        List<String> persistent = new java.util.ArrayList<>();
        for (JsonNode row : rows) {
            assertThat(row.path("steps").asInt()).isEqualTo(7);
            if (row.path("emerging_class").asText().equals("persistent_hot")) {
                persistent.add(row.path("code").asText());
                assertThat(row.path("hot_steps").asInt()).isGreaterThanOrEqualTo(7);
            }
        }
        // the city centre is hot every month; it is also where the three-month run finds its 99% hot spots
        assertThat(persistent).isNotEmpty();
        List<List<Object>> hot = Sql.rows(
                db,
                "SELECT code FROM hotspot_area_result WHERE run_id = ? AND gi_bin = 3",
                violence.path("id").asLong());
        long overlap =
                hot.stream().filter(h -> persistent.contains((String) h.get(0))).count();
        assertThat(overlap).isGreaterThanOrEqualTo(Math.min(hot.size(), persistent.size()) / 2);

        HttpResponse<String> short_ = Http.postJson(base + "/api/emerging", "{\"period\": \"2022-01..2022-02\"}");
        assertThat(short_.statusCode()).isEqualTo(400);
        assertThat(Http.json(short_).path("message").asText()).contains("at least 4 monthly steps");
        // the same two months in ISO weeks are enough steps
        HttpResponse<String> weekly = Http.postJson(base + "/api/emerging", """
                {"period": "2022-01..2022-02", "step": "week", "feeds": "ambulance"}""");
        assertThat(weekly.statusCode()).as(weekly.body()).isEqualTo(201);
        JsonNode weeks = Http.json(weekly).at("/params/steps");
        assertThat(weeks.get(0).asText()).isEqualTo("2021-W52");
        assertThat(weeks.size()).isEqualTo(10);
    }

    @Test
    void evaluationScoresEveryMethodAtEveryCoverageAndStoresTheCurves() {
        HttpResponse<String> r = Http.get(base + "/api/evaluate?train=2022-01..2022-04&test=2022-05..2022-07"
                + "&methods=kde,count,gistar,prospective&level=lsoa&bandwidth=250&categories=violence");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Http.json(r);
        JsonNode rows = body.path("rows");
        assertThat(rows.size()).isEqualTo(4 * 5);
        double previous = 0;
        for (JsonNode row : rows) {
            if (!row.path("method").asText().equals("kde")) {
                continue;
            }
            double hit = row.path("hit_rate").asDouble();
            assertThat(hit).isGreaterThanOrEqualTo(previous);
            previous = hit;
            assertThat(row.path("pai").asDouble())
                    .isCloseTo(hit / row.path("area_share").asDouble(), within(1e-9));
            assertThat(hit).isLessThanOrEqualTo(row.path("max_hit_rate").asDouble() + 1e-12);
            assertThat(row.path("area_share").asDouble())
                    .isCloseTo(row.path("coverage").asDouble() / 100, within(1e-9));
        }
        // a hotspot map of violence beats chance: PAI well above 1 at 5%
        assertThat(rows.get(2).path("pai").asDouble()).isGreaterThan(2);
        JsonNode curve = body.at("/curves/kde");
        assertThat(curve.size()).isEqualTo(100);
        assertThat(curve.get(99).path("hit_rate").asDouble()).isCloseTo(1.0, within(1e-9));
        JsonNode run =
                Http.json(Http.get(base + "/api/hotspots/" + body.path("run").asLong()));
        assertThat(run.path("kind").asText()).isEqualTo("evaluate");
        assertThat(run.at("/params/bandwidthM").asDouble()).isEqualTo(250);
        assertThat(run.at("/summary/curves/count").size()).isEqualTo(100);

        HttpResponse<String> backwards = Http.get(base + "/api/evaluate?train=2022-05&test=2022-01");
        assertThat(backwards.statusCode()).isEqualTo(400);
        assertThat(Http.json(backwards).path("message").asText()).contains("test period must start after");
        HttpResponse<String> method = Http.get(base + "/api/evaluate?train=2022-01&test=2022-02&methods=sepp");
        assertThat(Http.json(method).path("message").asText()).contains("unknown method 'sepp'");
    }

    /**
     * The naive baselines recomputed here from the raw rows in PostGIS (distinct events, per LSOA, the LSOA's area
     * from its polygon), ranked and cut at 5% of the area with ties shared pro rata, equal the runner's.
     */
    @Test
    void naiveBaselinesEqualTheirRecomputationFromTheRawRows() {
        HttpResponse<String> r = Http.get(base + "/api/evaluate?train=2022-01..2022-04&test=2022-05"
                + "&methods=count,last-period,snap-point,kde&level=lsoa&bandwidth=250&categories=burglary&coverages=5");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Http.json(r);
        String events = """
                SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.lsoa_code, i.geom, i.event_from
                FROM incident i JOIN category c ON c.code = i.category
                WHERE i.category = 'burglary' AND i.event_from >= %s AND i.event_from < %s
                  AND i.lsoa_code IS NOT NULL
                ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id""";
        String may = "timestamptz '2022-05-01 00:00 Europe/London'";
        String june = "timestamptz '2022-06-01 00:00 Europe/London'";
        List<List<Object>> rows =
                Sql.rows(db, """
                WITH tr AS (%s), te AS (%s),
                a AS (SELECT code, ST_Area(geom) / 1e6 AS km2 FROM area
                      WHERE level = 'lsoa' AND vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')),
                s AS (SELECT lsoa_code, max(n) AS busiest FROM
                      (SELECT lsoa_code, count(*) AS n FROM tr GROUP BY lsoa_code, geom) x GROUP BY lsoa_code)
                SELECT a.code, a.km2,
                  (SELECT count(*) FROM tr WHERE tr.lsoa_code = a.code)::float8,
                  (SELECT count(*) FROM tr WHERE tr.lsoa_code = a.code AND tr.event_from >= %s)::float8,
                  coalesce((SELECT busiest FROM s WHERE s.lsoa_code = a.code), 0)::float8,
                  (SELECT count(*) FROM te WHERE te.lsoa_code = a.code)::float8
                FROM a ORDER BY a.code""".formatted(events.formatted(JAN, may), events.formatted(may, june), APR));
        int n = rows.size();
        double[] km2 = new double[n];
        double[] count = new double[n];
        double[] last = new double[n];
        double[] snap = new double[n];
        double[] test = new double[n];
        double maxDensity = 0;
        for (int i = 0; i < n; i++) {
            km2[i] = ((Number) rows.get(i).get(1)).doubleValue();
            count[i] = ((Number) rows.get(i).get(2)).doubleValue() / km2[i];
            last[i] = ((Number) rows.get(i).get(3)).doubleValue() / km2[i];
            snap[i] = ((Number) rows.get(i).get(4)).doubleValue();
            test[i] = ((Number) rows.get(i).get(5)).doubleValue();
            maxDensity = Math.max(maxDensity, count[i]);
        }
        assertThat(maxDensity).as("burglaries in training").isPositive();
        for (int i = 0; i < n; i++) {
            snap[i] += 0.999 * count[i] / maxDensity;
        }
        double testTotal = java.util.Arrays.stream(test).sum();
        Map<String, Double> expected = Map.of(
                "count", pai(count, km2, test, testTotal, 0.05),
                "last-period", pai(last, km2, test, testTotal, 0.05),
                "snap-point", pai(snap, km2, test, testTotal, 0.05));
        double bar = 0;
        for (JsonNode row : body.path("rows")) {
            String method = row.path("method").asText();
            if (expected.containsKey(method)) {
                // areas from PostGIS in the test and from the stored study areas in the runner agree to float rounding
                assertThat(row.path("pai").asDouble()).as(method).isCloseTo(expected.get(method), within(1e-3));
                bar = Math.max(bar, row.path("pai").asDouble());
            }
        }
        assertThat(bar).isGreaterThan(1);
        assertThat(body.at("/bar/0/pai").asDouble()).isCloseTo(bar, within(1e-12));
        assertThat(body.at("/rows/0/bar_pai").asDouble()).isCloseTo(bar, within(1e-12));
        assertThat(List.of("count", "last-period", "snap-point"))
                .contains(body.at("/bar/0/method").asText());
    }

    /** PAI at a share of the total area: places by score, ties taken together and cut pro rata. */
    private static double pai(double[] score, double[] km2, double[] test, double testTotal, double share) {
        Integer[] order = new Integer[score.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        double target = share * java.util.Arrays.stream(km2).sum();
        double area = 0;
        double hit = 0;
        for (int k = 0; k < order.length && area < target; ) {
            int end = k;
            double groupArea = 0;
            double groupTest = 0;
            do {
                groupArea += km2[order[end]];
                groupTest += test[order[end]];
                end++;
            } while (end < order.length && score[order[end]] == score[order[k]]);
            double take = Math.min(1, (target - area) / groupArea);
            area += take * groupArea;
            hit += take * groupTest;
            k = end;
        }
        return hit / testTotal / share;
    }

    @Test
    void commandLineRunsTheSameComputations() throws Exception {
        Map<String, String> env = Map.of("SAFEMAP_DB_URL", CliRun.url(TestDatabase.target(db)));
        CliRun.Result hot = CliRun.run(
                env,
                "hotspots",
                "--period",
                "2022-01..2022-03",
                "--category",
                "violence",
                "--bandwidth",
                "300",
                "--cell",
                "100",
                "--show",
                "3");
        assertThat(hot.code()).as(hot.err()).isZero();
        assertThat(hot.out()).contains("rank  code").contains("hot_99").containsPattern("run \\d+: 9,0\\d\\d records");
        Path csv = dir.resolve("evaluate.csv");
        CliRun.Result eval = CliRun.run(
                env,
                "evaluate",
                "--train",
                "2022-01..2022-04",
                "--test",
                "2022-05..2022-07",
                "--method",
                "kde,count",
                "--level",
                "grid",
                "--cell",
                "200",
                "--bandwidth",
                "250",
                "--format",
                "json",
                "--out",
                csv.toString());
        assertThat(eval.code()).as(eval.err()).isZero();
        JsonNode rows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(eval.out());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows.size()).isEqualTo(10);
        assertThat(rows.get(0).fieldNames()).toIterable().contains("method", "coverage", "hit_rate", "pai", "rri");
        assertThat(Files.readAllLines(csv))
                .hasSize(11)
                .first()
                .asString()
                .startsWith("method,coverage,hit_rate,pai,rri");
        CliRun.Result bad = CliRun.run(env, "evaluate", "--train", "2022-01", "--test", "2022-02", "--format", "xml");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("--format must be table, csv or json");
        CliRun.Result emerging = CliRun.run(env, "emerging", "--period", "2022-01..2022-07", "--category", "violence");
        assertThat(emerging.code()).as(emerging.err()).isZero();
        assertThat(emerging.out()).contains("persistent_hot").contains("no_pattern");
    }

    @Test
    void nearRepeatTestRefusesSnappedPointsAndLabelsItsBands() {
        HttpResponse<String> police = Http.get(base + "/api/near-repeat?period=2022-01..2022-07&categories=burglary");
        assertThat(police.statusCode()).isEqualTo(400);
        assertThat(Http.json(police).path("message").asText())
                .contains("anonymous snap points")
                .contains("allowSnapped");
        HttpResponse<String> fire = Http.get(base + "/api/near-repeat?period=2022-01..2022-07&feeds=fire-irs"
                + "&space=0,100,200&time=0,7,14&permutations=39");
        assertThat(fire.statusCode()).as(fire.body()).isEqualTo(200);
        JsonNode result = Http.json(fire).path("result");
        assertThat(result.path("spaceBands").toString())
                .isEqualTo("[\"same location (0 m)\",\">0 to <100 m\",\"100 to <200 m\",\"200 m or more\"]");
        assertThat(result.path("timeBands").toString())
                .isEqualTo("[\"0 to <7 days\",\"7 to <14 days\",\"14 days or more\"]");
        long n = result.path("incidents").asLong();
        long cells = 0;
        for (JsonNode row : result.path("observed")) {
            for (JsonNode c : row) {
                cells += c.asLong();
            }
        }
        assertThat(cells).isEqualTo(n * (n - 1) / 2);
        assertThat(result.at("/p/0/0").asDouble()).isBetween(1 / 40.0, 1.0);
    }

    @Test
    void repeatLocationsRankThePlacesIncidentsRecurAndWarnOfSnapPoints() {
        JsonNode r = Http.json(
                        Http.get(base + "/api/repeat-locations?period=2022-01..2022-07&categories=burglary" + "&top=5"))
                .path("result");
        assertThat(r.path("top").size()).isEqualTo(5);
        double top = r.at("/top/0/incidents").asDouble();
        long expected = Sql.count(db, """
                SELECT max(n) FROM (SELECT count(*) AS n FROM incident
                WHERE category = 'burglary' AND event_from >= %s AND event_from < timestamptz '2022-08-01 00:00 Europe/London'
                GROUP BY geom) t""".formatted(JAN));
        assertThat(top).isEqualTo(expected);
        assertThat(r.at("/top/0/lat").asDouble()).isBetween(53.3, 53.5);
        assertThat(r.at("/warnings/0").asText()).contains("snap point");
    }

    @Test
    void emergingHotSpotsOnAGridCarryTheirCellsAsGeometry() {
        HttpResponse<String> r = Http.postJson(
                base + "/api/emerging",
                "{\"period\": \"2022-01..2022-06\", \"categories\": \"violence\", \"level\": \"grid\", \"cellM\": 500}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long id = Http.json(r).path("id").asLong();
        JsonNode geo = Http.json(Http.get(base + "/api/hotspots/" + id + "/areas?format=geojson&limit=3"));
        assertThat(geo.path("features").size()).isEqualTo(3);
        JsonNode cell = geo.path("features").get(0);
        assertThat(cell.path("id").asText()).matches("E\\d+N\\d+");
        assertThat(cell.at("/properties/level").asText()).isEqualTo("grid");
        assertThat(cell.at("/properties/emerging_class").asText()).endsWith("_hot");
        // a 500 m square: five corners of a closed ring
        assertThat(cell.at("/geometry/coordinates/0/0").size()).isEqualTo(5);
        assertThat(Sql.count(db, "SELECT count(*) FROM hotspot_area_layer WHERE run_id = ? AND geom IS NULL", id))
                .isZero();
    }

    @Test
    void prospectiveSurfaceIsStoredAsTheRunsMap() {
        HttpResponse<String> r = Http.postJson(base + "/api/hotspots", """
                {"period": "2022-03..2022-05", "categories": "burglary", "surface": "prospective", "cellM": 100}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode run = Http.json(r);
        assertThat(run.at("/params/surface/method").asText()).isEqualTo("prospective");
        assertThat(run.at("/params/surface/spaceBandwidthCells").asInt()).isEqualTo(4);
        assertThat(run.at("/params/kde").isMissingNode()).isTrue();
        assertThat(run.at("/summary/maxDensityPerKm2").asDouble()).isPositive();
        HttpResponse<String> bad =
                Http.postJson(base + "/api/hotspots", "{\"period\": \"2022-03\", \"surface\": \"sepp\"}");
        assertThat(Http.json(bad).path("message").asText()).contains("surface must be kde or prospective");
    }

    @Test
    void areaOfInterestPrecisionAndNeighbourFiltersDoWhatTheySay() {
        String ward = (String) Sql.value(db, """
                SELECT w.code FROM area w JOIN area a ON a.level = 'lsoa' AND ST_Contains(w.geom, ST_PointOnSurface(a.geom))
                WHERE w.level = 'ward' GROUP BY w.code ORDER BY count(*) DESC, w.code LIMIT 1""");
        long lsoasInWard = Sql.count(db, """
                SELECT count(*) FROM area a WHERE a.level = 'lsoa' AND EXISTS (SELECT 1 FROM area w
                  WHERE w.level = 'ward' AND w.code = ? AND ST_Contains(w.geom, ST_PointOnSurface(a.geom)))""", ward);
        HttpResponse<String> r = Http.postJson(base + "/api/hotspots", """
                {"period": "2022-01..2022-07", "area": "ward:%s", "bandwidth": 200, "cellM": 50,
                 "edgeCorrection": true, "neighbours": "distance:800"}""".formatted(ward));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode run = Http.json(r);
        assertThat(run.at("/summary/areas").asLong()).isEqualTo(lsoasInWard).isGreaterThan(2);
        long inWard = Sql.count(db, """
                SELECT count(DISTINCT coalesce(event_id, id)) FROM incident WHERE ward_code = ?
                  AND event_from >= %s AND event_from < timestamptz '2022-08-01 00:00 Europe/London'""".formatted(JAN), ward);
        assertThat(run.at("/summary/records").asLong()).isEqualTo(inWard);
        assertThat(run.at("/params/gi/neighbours").asText()).isEqualTo("distance:800");
        assertThat(run.at("/params/kde/edgeCorrection").asBoolean()).isTrue();

        // only records placed to within 50 m: police.uk's snap points (stated at a coarser precision) drop out
        JsonNode precise = Http.json(Http.postJson(base + "/api/hotspots", """
                {"period": "2022-01..2022-07", "maxPrecisionM": 50, "bandwidth": 250, "cellM": 100}"""));
        long expected = Sql.count(db, """
                SELECT count(DISTINCT coalesce(event_id, id)) FROM incident WHERE precision_m <= 50
                  AND event_from >= %s AND event_from < timestamptz '2022-08-01 00:00 Europe/London'""".formatted(JAN));
        assertThat(precise.at("/summary/records").asLong()).isEqualTo(expected).isPositive();
    }
}
