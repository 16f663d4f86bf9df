package org.safemap.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.ingest.FeedCatalog;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.LayerSources;
import org.safemap.map.MapData;
import org.safemap.map.WmsService;
import org.safemap.sharing.Policy;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.testing.CliRun;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;

/**
 * Tasking packs over the demo data: the numbers against independent SQL on the same records, the hot spot list
 * against the stored run, the PDF read back by poppler's pdftotext, the HTML parsed by jsoup, the HTTP endpoint and
 * its errors, and the command.
 */
class PackIT {
    private static final String LIVERPOOL = "E08000012";
    /** Allerton and Hunts Cross: a ward, so the pack ranks a few LSOAs inside a district-wide run. */
    private static final String WARD = "E05000886";

    private static final String LSOAS_OF_LIVERPOOL = """
            SELECT code FROM area_parent WHERE level = 'lsoa' AND parent_level = 'lad' AND parent_code = 'E08000012'""";
    /** Distinct events (a linked assault once) of one feed and category group in a month, on the local clock. */
    private static final String EVENTS = """
            SELECT count(DISTINCT coalesce(i.event_id, i.id)) FROM incident i JOIN category c ON c.code = i.category
            WHERE i.feed = 'police-uk' AND (c.group_code = ? OR ? = 'all')
              AND i.lsoa_code IN (%s)
              AND i.event_from >= (?::date)::timestamp AT TIME ZONE 'Europe/London'
              AND i.event_from < ((?::date) + interval '1 month')::timestamp AT TIME ZONE 'Europe/London'""".formatted(LSOAS_OF_LIVERPOOL);

    /**
     * The local stretch computed again in PostGIS, not by the map service: the quartic kernel summed directly over
     * the period's police.uk records at each cell centre inside the area (250 m radius, per km² per month), and the
     * nearest-rank percentiles of those densities (percentile_disc).
     */
    private static final String STRETCH = """
            WITH cells AS (
                SELECT ST_SetSRID(ST_MakePoint(?::float8 + (i + 0.5) * ?::float8, ?::float8 - (j + 0.5) * ?::float8),
                                  27700) AS p
                FROM generate_series(0, ?::int - 1) i, generate_series(0, ?::int - 1) j),
            inside AS (SELECT p FROM cells WHERE ST_Contains(ST_GeomFromText(?, 27700), p)),
            events AS (
                SELECT DISTINCT ON (coalesce(event_id, id)) geom FROM incident
                WHERE feed = 'police-uk' AND event_from >= timestamptz '2022-07-01 00:00 Europe/London'
                  AND event_from < timestamptz '2022-08-01 00:00 Europe/London'
                ORDER BY coalesce(event_id, id), precision_m, id),
            density AS (
                SELECT inside.p, coalesce(sum((1 - (ST_Distance(inside.p, e.geom) / 250) ^ 2) ^ 2), 0)
                                 * 3 / (pi() * 250 * 250) * 1e6 AS d
                FROM inside LEFT JOIN events e ON ST_DWithin(inside.p, e.geom, 250)
                GROUP BY inside.p)
            SELECT n, unnest(ps) FROM (
                SELECT count(*) AS n,
                       percentile_disc(ARRAY[0.2, 0.4, 0.6, 0.75, 0.85, 0.93, 0.99]) WITHIN GROUP (ORDER BY d) AS ps
                FROM density) t""";

    private static Database db;
    private static App app;
    private static String base;
    private static PackService service;
    private static Pack policeJuly;
    private static HttpResponse<byte[]> pdf;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        app = App.start(TestSettings.defaults(), db, TestPrincipals.fixed(TestPrincipals.CSP_ANALYST));
        base = "http://127.0.0.1:" + app.port();
        Policy policy = new Policy(ProtocolCatalog.builtIn());
        ProtectedCounts counts = new ProtectedCounts(db.dataSource(), policy, ProtectedCounts.Geography.LSOA_MSOA_LAD);
        service = new PackService(
                db.dataSource(),
                FeedCatalog.load(TestSettings.defaults().feedsDir()),
                new WmsService(LayerCatalogue.load(), new MapData(db.dataSource()), policy, counts, 4096, 4096, 1000),
                counts,
                policy);
        policeJuly = service.make(
                        PackRequest.parse(Map.of("area", LIVERPOOL, "period", "2022-07", "feeds", "police-uk")),
                        PackFormat.HTML,
                        TestPrincipals.CSP_ANALYST,
                        m -> {})
                .pack();
        pdf = Http.getBytes(base + "/api/packs?area=" + LIVERPOOL + "&period=2022-07&top=6&format=pdf");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void headlineCountsEqualDistinctEventsCountedInPostgis() {
        // police.uk records fill whole months, so each weighs exactly 1 and the pack's counts must be whole and equal
        assertThat(policeJuly.headline()).hasSizeGreaterThan(3);
        for (Pack.Headline row : policeJuly.headline()) {
            long july = Sql.count(db, EVENTS, row.group(), row.group(), "2022-07-01", "2022-07-01");
            long june = Sql.count(db, EVENTS, row.group(), row.group(), "2022-06-01", "2022-06-01");
            assertThat(row.current()).as(row.group() + " in 2022-07").isCloseTo(july, within(1e-9));
            assertThat(row.previous()).as(row.group() + " in 2022-06").isCloseTo(june, within(1e-9));
            assertThat(row.yearEarlier()).as("the demo has no 2021 data").isNull();
        }
        Pack.Headline total = policeJuly.headline().get(policeJuly.headline().size() - 1);
        assertThat(total.group()).isEqualTo("all");
        assertThat(total.current())
                .isPositive()
                .isCloseTo(
                        policeJuly.headline().stream()
                                .filter(r -> !r.group().equals("all"))
                                .mapToDouble(Pack.Headline::current)
                                .sum(),
                        within(1e-9));
        assertThat(policeJuly.previous().label()).isEqualTo("2022-06");
        assertThat(policeJuly.yearEarlierKnown()).isFalse();
    }

    @Test
    void topHotspotsAreTheStoredRunsRankingWithIndependentCounts() {
        Pack ward = service.make(
                        PackRequest.parse(Map.of("area", WARD, "period", "2022-05..2022-07", "top", "4")),
                        PackFormat.HTML,
                        TestPrincipals.CSP_ANALYST,
                        m -> {})
                .pack();
        long run = ward.runs().get(0).id();
        assertThat(ward.runs().get(0).kind()).isEqualTo("hotspots");
        // the run covers the whole district, so the ward's LSOAs are judged against all of Liverpool
        assertThat(Sql.count(db, "SELECT count(*) FROM hotspot_area_result WHERE run_id = ?", run))
                .isEqualTo(TestData.DEMO_LSOAS);
        List<List<Object>> expected = Sql.rows(db, """
                SELECT r.code, r.rank, r.incidents FROM hotspot_area_result r
                WHERE r.run_id = ? AND r.incidents > 0 AND r.code IN (
                    SELECT l.code FROM area l JOIN area w ON w.level = 'ward' AND w.code = ?
                    WHERE l.level = 'lsoa' AND ST_Contains(w.geom, ST_PointOnSurface(l.geom)))
                ORDER BY r.rank LIMIT 4""", run, WARD);
        assertThat(ward.hotspots()).hasSize(expected.size()).hasSizeGreaterThan(1);
        for (int i = 0; i < expected.size(); i++) {
            Pack.Hotspot h = ward.hotspots().get(i);
            assertThat(h.number()).isEqualTo(i + 1);
            assertThat(h.code()).isEqualTo(expected.get(i).get(0));
            assertThat(h.contextRank()).isEqualTo(((Number) expected.get(i).get(1)).intValue());
            // counted again from the incidents, all feeds, an event once at its most precisely placed record
            long events = Sql.count(db, """
                    SELECT count(*) FROM (SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.lsoa_code
                        FROM incident i
                        WHERE i.event_from >= timestamptz '2022-05-01 00:00 Europe/London'
                          AND i.event_from < timestamptz '2022-08-01 00:00 Europe/London'
                        ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id) t WHERE t.lsoa_code = ?""", h.code());
            // partner records with windows across the period's ends count by their share, so allow a little
            assertThat(h.incidents()).isCloseTo(events, within(Math.max(1.0, events * 0.02)));
        }
        Long previousRun = ward.runs().get(1).id();
        Object before = Sql.value(
                db,
                "SELECT incidents FROM hotspot_area_result WHERE run_id = ? AND code = ?",
                previousRun,
                ward.hotspots().get(0).code());
        assertThat(ward.hotspots().get(0).previous()).isCloseTo(((Number) before).doubleValue(), within(1e-9));
        assertThat(ward.previous().label()).isEqualTo("2022-02..2022-04");
        assertThat(ward.emerging().runId()).isPresent();
        assertThat(ward.emerging().months())
                .containsExactly("2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06", "2022-07");
        assertThat(ward.emerging().classes().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(ward.area().lsoas().size());
    }

    @Test
    void pdfIsA4AndItsTextNamesAreaPeriodHotspotsAndEverySource() throws Exception {
        assertThat(pdf.statusCode())
                .as(new String(pdf.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        Path file = dir.resolve("pack.pdf");
        Files.write(file, pdf.body());
        String info = run("pdfinfo", file.toString());
        assertThat(info).contains("A4").containsPattern("Pages:\\s+[3-9]");
        String text =
                run("pdftotext", "-raw", "-enc", "UTF-8", file.toString(), "-").replaceAll("\\s+", " ");
        assertThat(text)
                .contains("Tasking pack: Liverpool, July 2022")
                .contains("Colours stretched to Liverpool: darkest = top 1% of cells here (at least")
                .contains("Each hot spot map's colours are stretched to that map: darkest = top 1% of its cells")
                .contains("2022-07")
                .contains("2022-06");
        // the hot spots are the six LSOAs with most July incidents in the latest district-wide pack run
        long run = Sql.count(
                db,
                "SELECT max(id) FROM hotspot_run WHERE kind = 'hotspots' AND created_by = 'pack' "
                        + "AND params->'selection'->>'period' = '2022-07' AND params->'selection'->'feeds' = '[]'::jsonb");
        List<List<Object>> top = Sql.rows(db, """
                SELECT coalesce(a.name, r.code) FROM hotspot_area_result r
                JOIN area a ON a.level = r.level AND a.vintage = r.vintage AND a.code = r.code
                WHERE r.run_id = ? ORDER BY r.rank LIMIT 6""", run);
        assertThat(top).hasSize(6);
        for (List<Object> row : top) {
            assertThat(text).contains((String) row.get(0));
        }
        // every feed with July records is credited, with its attribution as GET /api/feeds states it
        List<String> julyFeeds = new ArrayList<>();
        Sql.rows(db, """
                SELECT DISTINCT feed FROM incident WHERE event_from >= timestamptz '2022-07-01 00:00 Europe/London'
                  AND event_from < timestamptz '2022-08-01 00:00 Europe/London'""").forEach(r -> julyFeeds.add((String) r.get(0)));
        assertThat(julyFeeds).contains("police-uk", "ambulance");
        JsonNode feeds = Http.json(Http.get(base + "/api/feeds"));
        int credited = 0;
        for (JsonNode f : feeds.isArray() ? feeds : feeds.path("feeds")) {
            if (julyFeeds.contains(f.path("name").asText())) {
                // compared without spaces: the PDF's narrow table columns break lines inside words ("police. uk")
                assertThat(text.replace(" ", ""))
                        .contains(f.path("attribution").asText().replaceAll("\\s+", ""));
                credited++;
            }
        }
        assertThat(credited).isEqualTo(julyFeeds.size());
        // Each feed's protocol, as recorded with its batches, is named in the footnote.
        assertThat(text)
                .contains("(ambulance protocol, version 1)")
                .contains("(police-uk protocol, version 1)")
                .doesNotContain("loaded before SafeMap recorded protocols")
                .contains("Repeat locations");
        // police.uk dates are months: a July record is dated 2022-07-01 on the local clock, not 2022-06-30 (UTC)
        assertThat(text).containsPattern("Whitechapel E01033760 \\d+ 2022-07-01 2022-07-01");
    }

    @Test
    void overviewColoursAreStretchedToPercentilesOfTheAreasOwnDensity() {
        PackMaps.Images images = maps(policeJuly);
        MapStretch stretch = images.stretch();
        org.locationtech.jts.geom.Envelope e = policeJuly.area().outline().getEnvelopeInternal();
        double cell = stretch.cellMetres();
        double minX = Math.floor(e.getMinX() / cell) * cell;
        double minY = Math.floor(e.getMinY() / cell) * cell;
        int cols = (int) Math.ceil((e.getMaxX() - minX) / cell);
        int rows = (int) Math.ceil((e.getMaxY() - minY) / cell);
        List<List<Object>> r = Sql.rows(
                db,
                STRETCH,
                minX,
                cell,
                minY + rows * cell,
                cell,
                cols,
                rows,
                policeJuly.area().outline().toText());
        long cells = ((Number) r.get(0).get(0)).longValue();
        List<Object> expected = r.stream().map(row -> row.get(1)).toList();
        assertThat(cells).isGreaterThan(1000);
        assertThat(stretch.cells()).isEqualTo((int) cells);
        assertThat(stretch.breaks()).hasSize(expected.size());
        for (int k = 0; k < expected.size(); k++) {
            double want = ((Number) expected.get(k)).doubleValue();
            assertThat(stretch.breaks()[k])
                    .as("percentile " + MapStretch.PERCENTILES[k])
                    .isCloseTo(want, within(1e-3 * Math.max(1, want)));
        }
        // a real stretch: the top 1% of the city's cells start far above its median cell
        assertThat(stretch.breaks()[6]).isGreaterThan(5 * stretch.breaks()[2]);
        // each hot spot map is stretched to its own view, whose top 1% is denser than the city's
        for (Pack.Hotspot h : policeJuly.hotspots().subList(0, 3)) {
            MapStretch own = images.hotspotStretches().get(h.code());
            assertThat(own.where()).isEqualTo("this map");
            assertThat(own.breaks()[6]).isGreaterThan(stretch.breaks()[6]);
        }
    }

    @Test
    void mapNamesComeFromTheGazetteerAndNeitherNamesNorMarkersOverlap() {
        PackMaps.Images images = maps(policeJuly);
        List<Object> gazetteer = new ArrayList<>();
        Sql.rows(db, "SELECT DISTINCT name FROM gazetteer").forEach(row -> gazetteer.add(row.get(0)));
        assertThat(images.layouts()).extracting(PackMaps.Layout::map).contains("overview", "inset", "hot spot 1");
        int names = 0;
        for (PackMaps.Layout l : images.layouts()) {
            List<MapLabels.Placed> labels = l.labels();
            List<MapMarkers.Marker> markers = l.markers();
            names += labels.size();
            for (int i = 0; i < labels.size(); i++) {
                java.awt.geom.Rectangle2D a = labels.get(i).box();
                assertThat(gazetteer).as(l.map()).contains(labels.get(i).name());
                assertThat(a.getMinX() >= 0
                                && a.getMinY() >= 0
                                && a.getMaxX() <= l.width()
                                && a.getMaxY() <= l.height())
                        .as(l.map() + ": " + labels.get(i).name() + " inside the image")
                        .isTrue();
                for (int j = i + 1; j < labels.size(); j++) {
                    assertThat(a.intersects(labels.get(j).box()))
                            .as(l.map() + ": " + labels.get(i).name() + " and "
                                    + labels.get(j).name())
                            .isFalse();
                }
                for (MapMarkers.Marker m : markers) {
                    assertThat(a.intersects(m.box()))
                            .as(l.map() + ": " + labels.get(i).name() + " and marker " + m.number())
                            .isFalse();
                }
                for (java.awt.geom.Rectangle2D o : l.obstacles()) {
                    assertThat(a.intersects(o))
                            .as(l.map() + ": " + labels.get(i).name() + " and furniture")
                            .isFalse();
                }
            }
            for (int i = 0; i < markers.size(); i++) {
                MapMarkers.Marker a = markers.get(i);
                for (int j = i + 1; j < markers.size(); j++) {
                    MapMarkers.Marker b = markers.get(j);
                    assertThat(Math.hypot(a.x() - b.x(), a.y() - b.y()))
                            .as(l.map() + ": markers " + a.number() + " and " + b.number())
                            .isGreaterThanOrEqualTo(a.radius() + b.radius());
                }
            }
        }
        assertThat(names).as("names placed on all maps").isGreaterThan(40);
        // every hot spot is marked once: on the overview or, crowded, in its inset
        List<Integer> marked = new ArrayList<>();
        images.layouts().stream()
                .filter(l -> l.map().equals("overview") || l.map().startsWith("inset"))
                .forEach(l -> l.markers().forEach(m -> marked.add(m.number())));
        assertThat(marked)
                .containsExactlyInAnyOrderElementsOf(
                        policeJuly.hotspots().stream().map(Pack.Hotspot::number).toList());
    }

    private static PackMaps.Images maps(Pack pack) {
        Policy policy = new Policy(ProtocolCatalog.builtIn());
        WmsService wms = new WmsService(
                LayerCatalogue.load(),
                new MapData(db.dataSource()),
                policy,
                new ProtectedCounts(db.dataSource(), policy, ProtectedCounts.Geography.LSOA_MSOA_LAD),
                4096,
                4096,
                1000);
        FeedCatalog feeds = FeedCatalog.load(TestSettings.defaults().feedsDir());
        return new PackMaps(
                        wms,
                        new MapLabels(db.dataSource()),
                        new LayerSources(db.dataSource(), wms, policy, feeds),
                        feeds,
                        Runnable::run)
                .draw(pack, TestPrincipals.CSP_ANALYST, false, m -> {});
    }

    @Test
    void httpAnswersPdfWithAFilename() {
        assertThat(pdf.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/pdf");
        assertThat(pdf.headers().firstValue("Content-Disposition").orElse(""))
                .isEqualTo("inline; filename=\"safemap-pack-E08000012-2022-07.pdf\"");
        assertThat(new String(pdf.body(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    }

    /** A period of days, as the viewer sends it when the analyst narrows the months: the pack and its maps take it. */
    @Test
    void aPeriodOfDaysMakesAPackOverThoseDays() throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(
                base + "/api/packs?area=" + LIVERPOOL + "&period=2022-07-01..2022-07-14&top=3&format=html");
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        Document html = Jsoup.parse(new String(r.body(), StandardCharsets.UTF_8));
        assertThat(html.select(".card img")).hasSize(3);
        assertThat(html.title()).isEqualTo("Tasking pack: Liverpool, 1 to 14 July 2022");
    }

    @Test
    void htmlIsSelfContainedWithOneMapPerHotspot() throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(base + "/api/packs?area=" + LIVERPOOL
                + "&period=2022-05..2022-07&top=5&categories=violence&format=html");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .contains("safemap-pack-E08000012-2022-05_to_2022-07-violence.html");
        Document html = Jsoup.parse(new String(r.body(), StandardCharsets.UTF_8));
        assertThat(html.title()).isEqualTo("Tasking pack: Liverpool, May 2022 to July 2022");
        assertThat(html.select(".card img")).hasSize(5);
        assertThat(html.select("img")).hasSize(5 + 2); // and the overview and its legend
        for (Element img : html.select("img")) {
            String src = img.attr("src");
            assertThat(src).startsWith("data:image/png;base64,");
            BufferedImage png = ImageIO.read(
                    new ByteArrayInputStream(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
            assertThat(png.getWidth()).isPositive();
            assertThat(img.attr("alt")).isNotBlank();
        }
        assertThat(html.select("[href^=http], link, script")).isEmpty();
        assertThat(html.select("h2").eachText()).anyMatch(t -> t.startsWith("4. Emerging"));
    }

    @Test
    void errorsNameTheProblem() {
        HttpResponse<String> unknown = Http.get(base + "/api/packs?area=E09999999&period=2022-07");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Http.json(unknown).path("error").asText()).isEqualTo("not_found");
        assertThat(Http.json(unknown).path("message").asText()).contains("E09999999");
        HttpResponse<String> outside = Http.get(base + "/api/packs?area=" + LIVERPOOL + "&period=2022-09");
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(Http.json(outside).path("message").asText())
                .isEqualTo("period 2022-09 is outside the data: records run from 2022-01 to 2022-07");
        for (String bad : List.of(
                "period=2022-13",
                "period=2022-07&top=0",
                "period=2022-07&format=odt",
                "period=2022-07&categories=burglery",
                "period=2022-07&colour=red",
                "top=5")) {
            HttpResponse<String> e = Http.get(base + "/api/packs?area=" + LIVERPOOL + "&" + bad);
            assertThat(e.statusCode()).as(bad).isEqualTo(400);
            assertThat(Http.json(e).path("error").asText()).as(bad).isEqualTo("bad_request");
        }
    }

    @Test
    void tooFewMonthsForEmergingClassesIsSaidInThePackNotAFailure() {
        HttpResponse<byte[]> r =
                Http.getBytes(base + "/api/packs?area=" + LIVERPOOL + "&period=2022-01&top=3" + "&format=html");
        assertThat(r.statusCode()).isEqualTo(200);
        String text = Jsoup.parse(new String(r.body(), StandardCharsets.UTF_8)).text();
        assertThat(text)
                .contains("Emerging hot spot classes need at least 4 months of data up to the period's end; "
                        + "only 1 month exists")
                .contains("No comparison with 2021-12: the data starts in 2022-01.")
                .contains("No comparison with a year earlier (2021-01)");
    }

    @Test
    void commandWritesThePdfNamedByOut() throws Exception {
        Path out = dir.resolve("cli/pack.pdf");
        CliRun.Result r = CliRun.run(
                Map.of("SAFEMAP_DB_URL", CliRun.url(TestDatabase.target(db))),
                "pack",
                "--area",
                LIVERPOOL,
                "--period",
                "2022-06",
                "--top",
                "3",
                "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + out).contains("Liverpool, 2022-06, 3 hot spots");
        assertThat(new String(Files.readAllBytes(out), 0, 5, StandardCharsets.US_ASCII))
                .isEqualTo("%PDF-");
        CliRun.Result bad = CliRun.run(
                Map.of("SAFEMAP_DB_URL", CliRun.url(TestDatabase.target(db))),
                "pack",
                "--area",
                LIVERPOOL,
                "--period",
                "2022-06",
                "--out",
                dir.resolve("pack.odt").toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("format 'odt' is not offered; use pdf, html or docx");
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
