package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestPrincipals;

/**
 * DIM_HOURS and DIM_WEEKDAYS (tiles: hours, weekdays) on the demo over real HTTP: a night surface is the kernel sum
 * over each record's share of its window in those hours, computed here in SQL; tiles of other hours are other tiles;
 * count layers say they count every hour; bad values are refused in each protocol's own way.
 */
class HoursDimensionIT {
    private static final String JULY = "'2022-07-01 00:00 Europe/London'";
    private static final String AUGUST = "'2022-08-01 00:00 Europe/London'";

    /**
     * The density at (?, ?) over July 2022 for the hours ? and ISO weekdays ? (int arrays), written from the method's
     * statement and not from the code under test: each event (its most precisely placed record) weighs the share of
     * its window inside July, times the share of that part in the chosen hours and days; a part longer than seven
     * days (a police.uk month) by the chosen share of the week's 168 hours; an instant wholly or not at all. The
     * quartic kernel of 250 m, per km² per month.
     */
    private static final String NIGHT_DENSITY = """
            WITH e AS (
              SELECT DISTINCT ON (coalesce(event_id, id)) geom, event_from AS f, event_to AS t,
                     greatest(event_from, %1$s) AS a, least(event_to, %2$s) AS b
              FROM incident
              WHERE event_from < %2$s AND event_to >= %1$s AND (event_to > %1$s OR event_to = event_from)
              ORDER BY coalesce(event_id, id), precision_m, id),
            w AS (
              SELECT geom,
                CASE WHEN t = f THEN
                       CASE WHEN f >= %1$s AND f < %2$s
                                 AND extract(hour FROM f AT TIME ZONE 'Europe/London')::int = ANY(?::int[])
                                 AND extract(isodow FROM f AT TIME ZONE 'Europe/London')::int = ANY(?::int[])
                            THEN 1.0 ELSE 0.0 END
                     WHEN b <= a THEN 0.0
                     WHEN b - a > interval '7 days' THEN
                       extract(epoch FROM b - a) / extract(epoch FROM t - f)
                       * cardinality(?::int[]) * cardinality(?::int[]) / 168.0
                     ELSE extract(epoch FROM b - a) / extract(epoch FROM t - f)
                       * coalesce((SELECT sum(extract(epoch FROM least(b, h + interval '1 hour') - greatest(a, h)))
                                   FROM generate_series(date_trunc('hour', a), b, interval '1 hour') h
                                   WHERE h < b
                                     AND extract(hour FROM h AT TIME ZONE 'Europe/London')::int = ANY(?::int[])
                                     AND extract(isodow FROM h AT TIME ZONE 'Europe/London')::int = ANY(?::int[])), 0)
                         / extract(epoch FROM b - a)
                END AS weight
              FROM e)
            SELECT coalesce(sum(weight * 3 / (pi() * 250.0 ^ 2) * (1 - (d / 250.0) ^ 2) ^ 2), 0) * 1e6 FROM (
              SELECT weight, ST_Distance(geom, ST_SetSRID(ST_MakePoint(?, ?), 27700)) AS d FROM w) s
            WHERE d < 250""".formatted(JULY, AUGUST);

    private static final Integer[] NIGHT = {22, 23, 0, 1, 2, 3};
    private static final Integer[] EVERY_HOUR = IntStream.range(0, 24).boxed().toArray(Integer[]::new);
    private static final Integer[] EVERY_DAY = {1, 2, 3, 4, 5, 6, 7};
    private static final Integer[] FRIDAY_SATURDAY = {5, 6};

    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;
    /** Where a record timed to the minute happened on a July night, so timed and untimed records both count. */
    private static double px;

    private static double py;

    @BeforeAll
    static void start() {
        server = DemoServer.startAs(TestPrincipals.CSP_ANALYST);
        db = server.db();
        base = server.base();
        List<Object> at = Sql.rows(db, """
                SELECT ST_X(geom), ST_Y(geom) FROM incident
                WHERE event_from >= %s AND event_from < %s AND event_to - event_from < interval '1 hour'
                  AND extract(hour FROM event_from AT TIME ZONE 'Europe/London') IN (22, 23, 0, 1)
                  AND extract(isodow FROM event_from AT TIME ZONE 'Europe/London') IN (5, 6)
                ORDER BY id LIMIT 1""".formatted(JULY, AUGUST)).get(0);
        px = ((Number) at.get(0)).doubleValue();
        py = ((Number) at.get(1)).doubleValue();
    }

    private static String wms(Map<String, String> params) {
        StringBuilder b = new StringBuilder(base + "/wms?");
        params.forEach((k, v) -> b.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&'));
        return b.toString();
    }

    /** GetFeatureInfo at the chosen point, the centre pixel of a 101 x 101 image of 2 m pixels. */
    private static Map<String, String> featureInfo(String layers, String... dims) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("SERVICE", "WMS");
        p.put("VERSION", "1.3.0");
        p.put("REQUEST", "GetFeatureInfo");
        p.put("LAYERS", layers);
        p.put("QUERY_LAYERS", layers);
        p.put("STYLES", "");
        p.put("CRS", "EPSG:27700");
        p.put("BBOX", (px - 101) + "," + (py - 101) + "," + (px + 101) + "," + (py + 101));
        p.put("WIDTH", "101");
        p.put("HEIGHT", "101");
        p.put("I", "50");
        p.put("J", "50");
        p.put("INFO_FORMAT", "application/json");
        p.put("TIME", "2022-07");
        for (int k = 0; k < dims.length; k += 2) {
            p.put(dims[k], dims[k + 1]);
        }
        return p;
    }

    private static JsonNode properties(Map<String, String> params, int feature) throws Exception {
        HttpResponse<String> r = Http.get(wms(params));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r).path("features").get(feature).path("properties");
    }

    private static double expected(Integer[] hours, Integer[] days) {
        return ((Number) Sql.value(db, NIGHT_DENSITY, hours, days, hours, days, hours, days, px, py)).doubleValue();
    }

    @Test
    void aNightSurfaceIsTheKernelSumOverEachRecordsShareOfTheNight() throws Exception {
        double all = expected(EVERY_HOUR, EVERY_DAY);
        double night = expected(NIGHT, EVERY_DAY);
        double weekendNights = expected(NIGHT, FRIDAY_SATURDAY);
        // The point was chosen where a timed record counts wholly at night: the night is not a fixed share of the day.
        assertThat(night).isPositive().isLessThan(all);
        assertThat(Math.abs(night - all * NIGHT.length / 24.0)).isGreaterThan(1e-2);
        assertThat(weekendNights).isPositive().isLessThan(night);

        JsonNode p = properties(featureInfo("density-all", "DIM_HOURS", "22-3"), 0);
        assertThat(p.path("density").asDouble()).isCloseTo(night, Offset.offset(1e-3));
        assertThat(p.path("hours").asText()).isEqualTo("22-3");
        assertThat(p.path("weekdays").asText()).isEqualTo("all");
        // The same hours written hour by hour, and with the days: the API's syntax, spelt back canonically.
        JsonNode q = properties(featureInfo("density-all", "DIM_HOURS", "0,1,2,3,22,23", "DIM_WEEKDAYS", "fri-sat"), 0);
        assertThat(q.path("density").asDouble()).isCloseTo(weekendNights, Offset.offset(1e-3));
        assertThat(q.path("hours").asText()).isEqualTo("22-3");
        assertThat(q.path("weekdays").asText()).isEqualTo("fri-sat");
        // Every hour is the surface without the dimension.
        assertThat(properties(featureInfo("density-all", "DIM_HOURS", "0-23"), 0)
                        .path("density")
                        .asDouble())
                .isCloseTo(all, Offset.offset(1e-3));

        // The change layer subtracts the same night surfaces.
        JsonNode change = properties(featureInfo("density-change", "DIM_HOURS", "22-3", "DIM_BASELINE", "2022-06"), 0);
        assertThat(change.path("density").asDouble()).isCloseTo(night, Offset.offset(1e-3));
        assertThat(change.path("hours").asText()).isEqualTo("22-3");
    }

    /** A forecast trained on the night reads the events with some of their window at night in its period. */
    @Test
    void aNightForecastIsTrainedOnTheNightsRecords() throws Exception {
        String june = "'2022-06-01 00:00 Europe/London'";
        String events = """
                SELECT count(*) FROM (
                  SELECT DISTINCT ON (coalesce(event_id, id)) event_from AS f, event_to AS t,
                         greatest(event_from, %1$s) AS a, least(event_to, %2$s) AS b
                  FROM incident
                  WHERE event_from < %2$s AND event_to >= %1$s AND (event_to > %1$s OR event_to = event_from)
                  ORDER BY coalesce(event_id, id), precision_m, id) e
                WHERE (t = f AND f >= %1$s AND f < %2$s OR t > f AND b > a) AND (%3$s OR EXISTS (
                    SELECT 1 FROM generate_series(date_trunc('hour', a), b, interval '1 hour') h
                    WHERE (h < b OR t = f)
                      AND extract(hour FROM h AT TIME ZONE 'Europe/London') IN (22, 23, 0, 1, 2, 3)))""";
        // Windows over seven days (police.uk months) count by a share of every week's nights, so always.
        long night = Sql.count(db, events.formatted(june, AUGUST, "b - a > interval '7 days'"));
        long all = Sql.count(db, events.formatted(june, AUGUST, "true"));
        assertThat(night).isPositive().isLessThan(all);
        JsonNode p = properties(featureInfo("forecast-partners", "TIME", "2022-06/2022-07", "DIM_HOURS", "22-3"), 0);
        assertThat(p.path("training_records").asLong()).isEqualTo(night);
        assertThat(p.path("hours").asText()).isEqualTo("22-3");
    }

    @Test
    void countLayersSayTheyCountEveryHour() throws Exception {
        JsonNode all = properties(featureInfo("incident-counts"), 0);
        JsonNode night = properties(featureInfo("incident-counts", "DIM_HOURS", "22-3"), 0);
        assertThat(night.path("incidents").asDouble())
                .isEqualTo(all.path("incidents").asDouble())
                .isEqualTo((double) Sql.count(
                        db,
                        "SELECT count(DISTINCT coalesce(event_id, id)) FROM incident WHERE lsoa_code = ? "
                                + "AND event_from >= " + JULY + " AND event_from < " + AUGUST,
                        night.path("code").asText()));
        assertThat(night.path("hours").asText()).contains("every hour").contains("monthly");
        // A misspelt value is refused here too, as on every timed layer.
        assertThat(exceptionCode(featureInfo("incident-counts", "DIM_HOURS", "night")))
                .isEqualTo("InvalidDimensionValue");
    }

    @Test
    void tilesOfOtherHoursAreOtherTilesAndSpellingsOfTheSameHoursShareOne() throws Exception {
        String tile = base + "/tiles/density-all/13/4028/2652.png?time=2022-07";
        HttpResponse<byte[]> every = Http.getBytes(tile);
        HttpResponse<byte[]> night = Http.getBytes(tile + "&hours=22-3");
        HttpResponse<byte[]> again = Http.getBytes(tile + "&hours=22,23,0,1,2,3");
        HttpResponse<byte[]> allAgain = Http.getBytes(tile + "&hours=0-23&weekdays=all");
        HttpResponse<byte[]> weekend = Http.getBytes(tile + "&hours=22-3&weekdays=fri,sat");
        for (HttpResponse<byte[]> r : List.of(every, night, again, allAgain, weekend)) {
            assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(200);
        }
        String etag = night.headers().firstValue("etag").orElseThrow();
        assertThat(etag).isNotEqualTo(every.headers().firstValue("etag").orElseThrow());
        assertThat(night.body()).isNotEqualTo(every.body());
        assertThat(again.headers().firstValue("etag")).hasValue(etag);
        assertThat(again.body()).isEqualTo(night.body());
        assertThat(allAgain.headers().firstValue("etag"))
                .isEqualTo(every.headers().firstValue("etag"));
        assertThat(allAgain.body()).isEqualTo(every.body());
        assertThat(weekend.headers().firstValue("etag").orElseThrow()).isNotEqualTo(etag);
        // Asked again in the other order, each still gets its own picture from the cache.
        assertThat(Http.getBytes(tile).body()).isEqualTo(every.body());
        assertThat(Http.getBytes(tile + "&hours=22-3").body()).isEqualTo(night.body());

        HttpResponse<String> bad = Http.get(tile + "&hours=25");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Http.json(bad).path("message").asText()).contains("25");
        HttpResponse<String> badDay = Http.get(tile + "&weekdays=someday");
        assertThat(badDay.statusCode()).isEqualTo(400);
        assertThat(Http.json(badDay).path("message").asText()).contains("someday");
    }

    @Test
    void wmsAndWmtsRefuseBadHoursAndCapabilitiesOfferThem() throws Exception {
        Map<String, String> map = featureInfo("density-all", "REQUEST", "GetMap", "FORMAT", "image/png");
        map.remove("QUERY_LAYERS");
        map.remove("INFO_FORMAT");
        assertThat(exceptionCode(with(map, "DIM_HOURS", "24"))).isEqualTo("InvalidDimensionValue");
        assertThat(exceptionCode(with(map, "DIM_HOURS", "22-3-4"))).isEqualTo("InvalidDimensionValue");
        assertThat(exceptionCode(with(map, "DIM_WEEKDAYS", "fr"))).isEqualTo("InvalidDimensionValue");
        assertThat(Http.getBytes(wms(with(map, "DIM_HOURS", "22-3", "DIM_WEEKDAYS", "fri,sat")))
                        .headers()
                        .firstValue("content-type"))
                .hasValue("image/png");
        String wmts = base + "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=density-all&STYLE=default"
                + "&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=13&TILEROW=2652&TILECOL=4028&FORMAT=image/png"
                + "&TIME=2022-07";
        HttpResponse<byte[]> wmtsNight = Http.getBytes(wmts + "&HOURS=22-3");
        assertThat(wmtsNight.statusCode()).isEqualTo(200);
        assertThat(pixels(wmtsNight.body()))
                .isEqualTo(pixels(Http.getBytes(base + "/tiles/density-all/13/4028/2652.png?time=2022-07&hours=22-3")
                        .body()));
        assertThat(Http.get(wmts + "&HOURS=99").body()).contains("InvalidDimensionValue");

        String caps = Http.get(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities")
                .body();
        String density = layer(caps, "density-all");
        assertThat(density)
                .contains("<Dimension name=\"hours\" units=\"\" default=\"all\" multipleValues=\"1\">all,0,1,2,")
                .contains("<Dimension name=\"weekdays\" units=\"\" default=\"all\" multipleValues=\"1\">"
                        + "all,mon,tue,wed,thu,fri,sat,sun</Dimension>");
        assertThat(layer(caps, "incident-counts")).doesNotContain("name=\"hours\"");
        String caps111 = Http.get(base + "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetCapabilities")
                .body();
        assertThat(layer(caps111, "density-all")).contains("<Extent name=\"hours\" default=\"all\">all,0,1,");
    }

    /** The capabilities' Layer element of one name, from its Name to the next Layer. */
    private static String layer(String caps, String name) {
        int at = caps.indexOf("<Name>" + name + "</Name>");
        assertThat(at).as(name).isPositive();
        int next = caps.indexOf("<Layer", at);
        return caps.substring(at, next < 0 ? caps.length() : next);
    }

    private static int[] pixels(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static Map<String, String> with(Map<String, String> p, String... kv) {
        Map<String, String> out = new LinkedHashMap<>(p);
        for (int k = 0; k < kv.length; k += 2) {
            out.put(kv[k], kv[k + 1]);
        }
        return out;
    }

    private static String exceptionCode(Map<String, String> params) {
        String body = Http.get(wms(params)).body();
        Matcher m = Pattern.compile("ServiceException code=\"([^\"]+)\"").matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }
}
