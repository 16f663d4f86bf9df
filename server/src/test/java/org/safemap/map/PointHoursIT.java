package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.db.IncidentPartitions;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;

/**
 * The points layer ({@code incidents}) under DIM_HOURS and DIM_WEEKDAYS, over real HTTP on records written here
 * (the demo's point feeds are police.uk months, which no hour filter keeps): a record is drawn when its window is at
 * most an hour and its start's hour and day, in UK local time, are chosen; feeds seen at reduced precision whose
 * protocol shows them by month or day are left out under a filter finer than that.
 */
class PointHoursIT {
    /** Where the test's records cluster: Liverpool city centre, British National Grid. */
    private static final double CX = 335000;

    private static final double CY = 390000;

    /**
     * The records, each named by its location text: instants, short and long windows, a police.uk month, and two
     * instants whose UTC hour and UK hour fall on either side of the night's edge (British Summer Time).
     */
    private static final String RECORDS = """
            INSERT INTO %3$s (batch_id, line_no, feed, source_ref, source_category, category, event_from, event_to,
                              location_text, geom, geocode_method, precision_m)
            SELECT %4$s, r.line, r.feed, 'r' || r.line, 'Other crime', 'other', r.f::timestamptz,
                   r.t::timestamptz, r.name, ST_SetSRID(ST_MakePoint(%1$s + r.dx, %2$s + r.dy), 27700), 'coordinate', 1
            FROM (VALUES
              (1, 'btp', 'fri-night-instant', '2022-07-08 23:30 Europe/London', '2022-07-08 23:30 Europe/London', 0, 0),
              (2, 'btp', 'sat-afternoon-instant', '2022-07-09 14:00 Europe/London', '2022-07-09 14:00 Europe/London', 10, 5),
              (3, 'btp', 'sun-night-half-hour', '2022-07-10 02:15 Europe/London', '2022-07-10 02:45 Europe/London', 20, 10),
              (4, 'btp', 'mon-night-two-hours', '2022-07-11 22:30 Europe/London', '2022-07-12 00:30 Europe/London', 30, 15),
              (5, 'btp', 'month-of-july', '2022-07-01 00:00 Europe/London', '2022-08-01 00:00 Europe/London', 5, 20),
              (6, 'btp', 'thu-22-30-uk-21-30-utc', '2022-07-14 21:30+00', '2022-07-14 21:30+00', 15, 25),
              (7, 'btp', 'thu-04-30-uk-03-30-utc', '2022-07-14 03:30+00', '2022-07-14 03:30+00', 25, 30),
              (8, 'police-uk', 'police-sat-night-instant', '2022-07-09 01:00 Europe/London', '2022-07-09 01:00 Europe/London', 35, 0),
              (9, 'police-uk', 'police-tue-noon-instant', '2022-07-12 12:00 Europe/London', '2022-07-12 12:00 Europe/London', 40, 10)
            ) AS r(line, feed, name, f, t, dx, dy)
            WHERE r.feed = '%5$s'""";

    /** Records near the centre kept by the viewer's point filter, written from its statement: ? hours, ? ISO days. */
    private static final String KEPT = """
            SELECT location_text FROM incident
            WHERE event_from < '2022-08-01 00:00 Europe/London' AND event_to >= '2022-07-01 00:00 Europe/London'
              AND feed = ANY(?::text[])
              AND event_to - event_from <= interval '1 hour'
              AND extract(hour FROM event_from AT TIME ZONE 'Europe/London')::int = ANY(?::int[])
              AND extract(isodow FROM event_from AT TIME ZONE 'Europe/London')::int = ANY(?::int[])
            ORDER BY 1""";

    private static final Integer[] NIGHT = {22, 23, 0, 1, 2, 3};
    private static final Integer[] EVERY_HOUR =
            java.util.stream.IntStream.range(0, 24).boxed().toArray(Integer[]::new);
    private static final Integer[] EVERY_DAY = {1, 2, 3, 4, 5, 6, 7};
    private static final String[] BOTH = {"btp", "police-uk"};

    private static Database db;
    private static App open;
    private static App reduced;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.fresh("point_hours");
        // Each feed's records as one batch, staged and filed under its months as the loader files a batch.
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            for (String feed : List.of("btp", "police-uk")) {
                long batch;
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("""
                                INSERT INTO load_batch (kind, feed, source_name, source_sha256, rows_read, rows_loaded,
                                                        rows_quarantined)
                                VALUES ('incidents', '%s', 'written-in-the-test.csv', repeat('a', 64), 0, 0, 0)
                                RETURNING id""".formatted(feed))) {
                    rs.next();
                    batch = rs.getLong(1);
                }
                String staging = IncidentPartitions.staging(batch);
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE " + staging + " (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
                    s.execute(IncidentPartitions.batchCheck(staging, batch, ""));
                    s.execute(RECORDS.formatted(CX, CY, staging, batch, feed));
                }
                IncidentPartitions.place(c, batch);
            }
            c.commit();
        }
        open = App.start(TestSettings.defaults(), db, TestPrincipals.fromHeader());
        // A second server whose protocols show analysts BTP at reduced precision by day, police.uk by time.
        Path dir = Files.createTempDirectory("protocols");
        for (String[] feed : new String[][] {{"btp", "day"}, {"police-uk", "time"}}) {
            String text = new String(
                            PointHoursIT.class
                                    .getClassLoader()
                                    .getResourceAsStream("protocols/" + feed[0] + ".json")
                                    .readAllBytes(),
                            StandardCharsets.UTF_8)
                    .replace("\"analyst\": \"points\"", "\"analyst\": \"reduced\"")
                    .replace("\"precision_m\": 100,", "\"precision_m\": 100, \"reduced_time\": \"" + feed[1] + "\",")
                    .replace("\"version\": 1", "\"version\": 2");
            assertThat(text).contains("\"analyst\": \"reduced\"").contains("\"reduced_time\": \"" + feed[1]);
            Files.writeString(dir.resolve(feed[0] + ".json"), text);
        }
        reduced = App.start(
                TestSettings.withOverrides(Map.of("SAFEMAP_PROTOCOLS_DIR", dir.toString())),
                db,
                TestPrincipals.fromHeader());
    }

    @AfterAll
    static void stop() {
        if (open != null) {
            open.close();
        }
        if (reduced != null) {
            reduced.close();
        }
    }

    private static String base(App app) {
        return "http://127.0.0.1:" + app.port();
    }

    /** GetFeatureInfo at the centre of 101 x 101 pixels of 10 m, which picks the points within 6 pixels: 60 m. */
    private static String featureInfo(App app, String dims) {
        return featureInfo(app, dims, CX, CY);
    }

    private static String featureInfo(App app, String dims, double x, double y) {
        return base(app) + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=incidents"
                + "&QUERY_LAYERS=incidents&STYLES=&CRS=EPSG:27700&BBOX=" + (x - 505) + "," + (y - 505) + ","
                + (x + 505) + "," + (y + 505) + "&WIDTH=101&HEIGHT=101&I=50&J=50&FEATURE_COUNT=50"
                + "&INFO_FORMAT=application/json&TIME=2022-07" + dims;
    }

    /** The location texts of the features answered (open feeds), sorted. */
    private static List<String> names(String url) throws Exception {
        HttpResponse<String> r = Http.get(url);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode f : Http.json(r).path("features")) {
            out.add(f.path("properties").path("location").asText());
        }
        out.sort(String::compareTo);
        return out;
    }

    /** The feeds of the features answered to {@code principal}, one entry a feature, sorted. */
    private static List<String> feeds(String url, String principal) throws Exception {
        HttpResponse<String> r = Http.get(url, TestPrincipals.HEADER, principal);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode f : Http.json(r).path("features")) {
            out.add(f.path("properties").path("feed").asText());
        }
        out.sort(String::compareTo);
        return out;
    }

    private static List<String> kept(String[] feeds, Integer[] hours, Integer[] days) {
        List<String> out = new ArrayList<>();
        Sql.rows(db, KEPT, feeds, hours, days).forEach(row -> out.add((String) row.get(0)));
        return out;
    }

    @Test
    void pointsAreTheRecordsTimedWithinAnHourWhoseUkHourAndDayAreChosen() throws Exception {
        assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isEqualTo(9);
        List<String> all = names(featureInfo(open, ""));
        assertThat(all).hasSize(9);
        assertThat(names(featureInfo(open, "&DIM_HOURS=all&DIM_WEEKDAYS=all"))).isEqualTo(all);

        List<String> night = names(featureInfo(open, "&DIM_HOURS=22-3"));
        assertThat(night)
                .isEqualTo(kept(BOTH, NIGHT, EVERY_DAY))
                // the instant at 22:30 UK time (21:30 UTC) is the night's, the one at 04:30 UK (03:30 UTC) is not;
                // a two-hour window and a month are never drawn under an hour filter
                .containsExactly(
                        "fri-night-instant",
                        "police-sat-night-instant",
                        "sun-night-half-hour",
                        "thu-22-30-uk-21-30-utc");

        List<String> weekend = names(featureInfo(open, "&DIM_WEEKDAYS=sat-sun"));
        assertThat(weekend)
                .isEqualTo(kept(BOTH, EVERY_HOUR, new Integer[] {6, 7}))
                .containsExactly("police-sat-night-instant", "sat-afternoon-instant", "sun-night-half-hour");

        List<String> weekendNights = names(featureInfo(open, "&DIM_HOURS=0,1,2,3,22,23&DIM_WEEKDAYS=fri-sat"));
        assertThat(weekendNights)
                .isEqualTo(kept(BOTH, NIGHT, new Integer[] {5, 6}))
                .containsExactly("fri-night-instant", "police-sat-night-instant");

        // A bad value is refused as on the surfaces.
        assertThat(Http.get(featureInfo(open, "&DIM_HOURS=25")).body()).contains("InvalidDimensionValue");
    }

    @Test
    void aMapOfTheNightLeavesOutTheRecordsOfOtherHours() throws Exception {
        // A box of 20 m around the two-hour window (30, 15) alone: drawn with every hour, empty at night.
        double x = CX + 30;
        double y = CY + 15;
        String map = base(open) + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=incidents&STYLES="
                + "&CRS=EPSG:27700&BBOX=" + (x - 3) + "," + (y - 3) + "," + (x + 3) + "," + (y + 3)
                + "&WIDTH=60&HEIGHT=60&FORMAT=image/png&TRANSPARENT=TRUE&TIME=2022-07";
        assertThat(drawn(map)).isPositive();
        assertThat(drawn(map + "&DIM_HOURS=22-3")).isZero();
        assertThat(drawn(map + "&DIM_HOURS=22-3&DIM_WEEKDAYS=mon")).isZero();
        // A WMTS tile of the night (KVP, as QGIS asks) is the WMS map of its box for the same hours, and not the tile
        // of every hour: the British National Grid set at level 11 (0.4375 m pixels, tiles of 112 m).
        double span = 896.0 / (1 << 11) * 256;
        long col = (long) Math.floor((CX + 20 + 238375) / span);
        long row = (long) Math.floor((1376256 - (CY + 15)) / span);
        String wmts = base(open) + "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=incidents&STYLE="
                + "&TILEMATRIXSET=EPSG:27700&TILEMATRIX=11&TILEROW=" + row + "&TILECOL=" + col
                + "&FORMAT=image/png&TIME=2022-07";
        double minX = -238375 + col * span;
        double maxY = 1376256 - row * span;
        String wmsOfTile = base(open) + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=incidents&STYLES="
                + "&CRS=EPSG:27700&BBOX=" + minX + "," + (maxY - span) + "," + (minX + span) + "," + maxY
                + "&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE&TIME=2022-07";
        int[] nightTile = argb(wmts + "&HOURS=22-3");
        assertThat(nightTile).isEqualTo(argb(wmsOfTile + "&DIM_HOURS=22-3"));
        assertThat(nightTile).isNotEqualTo(argb(wmts));
        assertThat(argb(wmts)).isEqualTo(argb(wmsOfTile));
    }

    @Test
    void reducedFeedsShownByDayAreLeftOutUnderAnHourFilterButNotUnderADayFilter() throws Exception {
        String analyst = "analyst:nhs-ed:strategic-assessment";
        // Generalised points lie at the centre of their 100 m square: (335050, 390050) for every record here.
        java.util.function.Function<String, String> at = dims -> featureInfo(reduced, dims, CX + 50, CY + 50);
        // Every hour: all nine records, generalised.
        assertThat(feeds(at.apply(""), analyst)).hasSize(9);
        // Hours: BTP is shown by day only, so it is left out; police.uk, shown to the minute, is filtered.
        assertThat(feeds(at.apply("&DIM_HOURS=22-3"), analyst))
                .containsExactly("police-uk")
                .hasSize(kept(new String[] {"police-uk"}, NIGHT, EVERY_DAY).size());
        // Days of the week: a day shows its weekday, so both are filtered.
        assertThat(feeds(at.apply("&DIM_WEEKDAYS=sat-sun"), analyst))
                .containsExactly("btp", "btp", "police-uk")
                .hasSize(kept(BOTH, EVERY_HOUR, new Integer[] {6, 7}).size());
        // The owner-level audience of the open server still gets BTP at night.
        assertThat(feeds(featureInfo(open, "&DIM_HOURS=22-3"), analyst)).contains("btp");
    }

    @Test
    void capabilitiesListTheHoursForThePointsLayer() throws Exception {
        String caps = Http.get(base(open) + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities")
                .body();
        int at = caps.indexOf("<Name>incidents</Name>");
        int next = caps.indexOf("<Layer", at);
        assertThat(caps.substring(at, next < 0 ? caps.length() : next))
                .contains("<Dimension name=\"hours\" units=\"\" default=\"all\" multipleValues=\"1\">all,0,1,")
                .contains("<Dimension name=\"weekdays\"");
    }

    private static int[] argb(String url) throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(url);
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(img).as(new String(r.body(), StandardCharsets.UTF_8)).isNotNull();
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static int drawn(String url) throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(url);
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(img).as(new String(r.body(), StandardCharsets.UTF_8)).isNotNull();
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) >>> 24) != 0) {
                    n++;
                }
            }
        }
        return n;
    }
}
