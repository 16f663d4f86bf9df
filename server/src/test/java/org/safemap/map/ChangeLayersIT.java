package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.RScript;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;

/**
 * Comparing two periods on the demo data over real HTTP: the per-area change ({@code /api/changes} and the
 * {@code incident-change} WMS layer) against counts taken straight from the incident table and R's own
 * {@code poisson.test} and {@code p.adjust}; restricted feeds counted only from the published tables; and the
 * {@code density-change} layer as the difference of the density layer's two surfaces for each audience.
 */
class ChangeLayersIT {
    private static final String ANONYMOUS = "";
    private static final String CSP = "analyst:csp:strategic-assessment";
    private static final String POLICE = "analyst:police:strategic-assessment";
    /** Four months against three: the test compares monthly rates. */
    private static final String BASELINE = "2022-01..2022-04";

    private static final String PERIOD = "2022-05..2022-07";
    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;

    @BeforeAll
    static void start() {
        server = DemoServer.start();
        db = server.db();
        base = server.base();
    }

    @Test
    void perAreaChangeAgreesWithRawCountsAndRsExactPoissonTest() throws Exception {
        // police.uk, every category: an open feed, so the counts are exact and can be taken from the incident table.
        List<List<Object>> rows = Sql.rows(db, """
                SELECT a.code,
                       count(DISTINCT coalesce(i.event_id, i.id)) FILTER (
                           WHERE i.event_from >= '2022-01-01 00:00 Europe/London'::timestamptz
                             AND i.event_from < '2022-05-01 00:00 Europe/London'::timestamptz),
                       count(DISTINCT coalesce(i.event_id, i.id)) FILTER (
                           WHERE i.event_from >= '2022-05-01 00:00 Europe/London'::timestamptz
                             AND i.event_from < '2022-08-01 00:00 Europe/London'::timestamptz)
                FROM area a
                LEFT JOIN incident i ON i.lsoa_code = a.code AND i.feed = 'police-uk'
                WHERE a.level = 'lsoa'
                GROUP BY a.code ORDER BY a.code""");
        assertThat(rows).hasSize(TestData.DEMO_LSOAS);
        StringBuilder r = new StringBuilder("b <- c(");
        StringBuilder a = new StringBuilder("a <- c(");
        for (int k = 0; k < rows.size(); k++) {
            r.append(k == 0 ? "" : ",").append(rows.get(k).get(1));
            a.append(k == 0 ? "" : ",").append(rows.get(k).get(2));
        }
        // R's poisson.test compares the two rates given the total: binom.test(after, n, T_after / (T_after +
        // T_before)).
        String out = RScript.run(r + ")\n" + a + ")\n" + """
                p <- sapply(seq_along(a), function(k) if (a[k] + b[k] == 0) 1 else
                     poisson.test(c(a[k], b[k]), c(3, 4))$p.value)
                q <- p.adjust(p, "BH")
                for (k in seq_along(p)) cat(sprintf("%.17g %.17g\\n", p[k], q[k]))
                """);
        String[] lines = out.strip().split("\n");
        assertThat(lines).hasSize(rows.size());

        JsonNode body = Http.json(
                get(base + "/api/changes?level=lsoa&feeds=police-uk&baseline=" + BASELINE + "&period=" + PERIOD, CSP));
        assertThat(body.path("baseline_months").asInt()).isEqualTo(4);
        assertThat(body.path("months").asInt()).isEqualTo(3);
        assertThat(body.path("test").asText())
                .contains("exact conditional Poisson test")
                .contains("Benjamini-Hochberg");
        Map<String, JsonNode> got = new HashMap<>();
        body.path("areas").forEach(n -> got.put(n.path("code").asText(), n));
        assertThat(got).hasSize(rows.size());
        int more = 0;
        int fewer = 0;
        for (int k = 0; k < rows.size(); k++) {
            String code = (String) rows.get(k).get(0);
            long before = ((Number) rows.get(k).get(1)).longValue();
            long after = ((Number) rows.get(k).get(2)).longValue();
            String[] pq = lines[k].trim().split(" ");
            double p = Double.parseDouble(pq[0]);
            double q = Double.parseDouble(pq[1]);
            JsonNode n = got.get(code);
            assertThat(n.path("baseline_incidents").asLong()).as(code).isEqualTo(before);
            assertThat(n.path("incidents").asLong()).as(code).isEqualTo(after);
            assertThat(n.path("p_value").asDouble()).as(code).isCloseTo(p, within(1e-9 * Math.max(p, 1e-300)));
            assertThat(n.path("q_value").asDouble()).as(code).isCloseTo(q, within(1e-9 * Math.max(q, 1e-300)));
            String expected = q >= 0.05 ? "no change" : after / 3.0 < before / 4.0 ? "fewer" : "more";
            assertThat(n.path("change").asText()).as(code).isEqualTo(expected);
            more += expected.equals("more") ? 1 : 0;
            fewer += expected.equals("fewer") ? 1 : 0;
        }
        // Both ways in the demo (R on police.uk's own LSOA codes finds 9 more and 2 fewer), so both are exercised.
        assertThat(more).isPositive();
        assertThat(fewer).isPositive();
        assertThat(body.path("more").asInt()).isEqualTo(more);
        assertThat(body.path("fewer").asInt()).isEqualTo(fewer);
        // Ranked: the significant changes first, by adjusted p-value.
        JsonNode first = body.path("areas").get(0);
        assertThat(first.path("change").asText()).isNotEqualTo("no change");
        assertThat(body.path("areas").get(more + fewer).path("change").asText()).isEqualTo("no change");

        // The WMS layer classes the same areas the same way, and says which test.
        for (String code : List.of(
                first.path("code").asText(),
                body.path("areas").get(more + fewer).path("code").asText())) {
            JsonNode info = areaInfo(code, "DIM_FEED=police-uk", CSP);
            assertThat(info.path("change").asText())
                    .isEqualTo(got.get(code).path("change").asText());
            assertThat(info.path("p_value").asDouble())
                    .isEqualTo(got.get(code).path("p_value").asDouble());
            assertThat(info.path("baseline_incidents").asLong())
                    .isEqualTo(got.get(code).path("baseline_incidents").asLong());
            assertThat(info.path("test").asText()).contains("exact conditional Poisson test");
        }
        // GetMap paints the significant area in its class's colour: red for more, blue for fewer.
        String code = first.path("code").asText();
        double[] xy = inside(code);
        String url = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=incident-change&STYLES="
                + "&CRS=EPSG:27700&BBOX="
                + String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%.1f", xy[0] - 5, xy[1] - 5, xy[0] + 5, xy[1] + 5)
                + "&WIDTH=10&HEIGHT=10&FORMAT=image/png&TRANSPARENT=TRUE&TIME=2022-05/2022-07"
                + "&DIM_BASELINE=2022-01/2022-04&DIM_FEED=police-uk";
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(
                Http.getBytes(url, TestPrincipals.HEADER, CSP).body()));
        int argb = image.getRGB(5, 5);
        int red = (argb >> 16) & 0xFF;
        int blue = argb & 0xFF;
        assertThat(argb >>> 24).isGreaterThan(100);
        if (first.path("change").asText().equals("more")) {
            assertThat(red).isGreaterThan(blue + 50);
        } else {
            assertThat(blue).isGreaterThan(red + 50);
        }
    }

    @Test
    void restrictedFeedsAreComparedOnlyThroughTheirPublishedTables() throws Exception {
        // Every feed for the police analyst, who sees A&E, ambulance and fire only as the partners' published counts.
        JsonNode body = Http.json(get(base + "/api/changes?baseline=" + BASELINE + "&period=" + PERIOD, POLICE));
        assertThat(body.path("suppression").asText()).contains("published monthly tables");
        Map<String, Double> before = shown(Http.json(get(base + "/api/counts?level=lsoa&period=" + BASELINE, POLICE)));
        Map<String, Double> after = shown(Http.json(get(base + "/api/counts?level=lsoa&period=" + PERIOD, POLICE)));
        int suppressed = 0;
        for (JsonNode n : body.path("areas")) {
            String code = n.path("code").asText();
            Double b = before.get(code);
            Double a = after.get(code);
            if (b == null || a == null) {
                suppressed++;
                assertThat(n.path("change").asText()).as(code).isEqualTo("suppressed");
                assertThat(n.path("baseline_incidents").isNull()).as(code).isTrue();
                assertThat(n.path("incidents").isNull()).as(code).isTrue();
                assertThat(n.path("p_value").isNull()).as(code).isTrue();
            } else {
                assertThat(n.path("baseline_incidents").asLong()).as(code).isEqualTo(Math.round(b));
                assertThat(n.path("incidents").asLong()).as(code).isEqualTo(Math.round(a));
            }
        }
        // Some LSOAs do have a suppressed cell in the demo, so the rule is exercised.
        assertThat(suppressed).isPositive();
        String someSuppressed = null;
        for (JsonNode n : body.path("areas")) {
            if (n.path("change").asText().equals("suppressed")) {
                someSuppressed = n.path("code").asText();
            }
        }
        JsonNode info = areaInfo(someSuppressed, "", POLICE);
        assertThat(info.path("change").asText()).isEqualTo("suppressed");
        assertThat(info.path("incidents").isNull()).isTrue();
        // The public may not see either change layer: refused exactly as a layer that does not exist.
        for (String layer : List.of("incident-change", "density-change")) {
            String xml = get(
                            base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=" + layer
                                    + "&STYLES=&CRS=EPSG:27700&BBOX=330000,380000,350000,400000&WIDTH=8&HEIGHT=8"
                                    + "&FORMAT=image/png&TIME=2022-07",
                            ANONYMOUS)
                    .body();
            assertThat(xml).contains("LayerNotDefined");
        }
    }

    /** Each area's total as /api/counts shows it: the exact part plus every partner's cells, null if any is. */
    private static Map<String, Double> shown(JsonNode counts) {
        Map<String, Double> out = new HashMap<>();
        for (JsonNode a : counts.path("areas")) {
            Double total = a.path("exact").path("all").isMissingNode()
                    ? 0.0
                    : a.path("exact").path("all").asDouble();
            for (JsonNode p : a.path("partners")) {
                if (total != null) {
                    total = p.path("all").isNull()
                            ? null
                            : total + p.path("all").asDouble();
                }
            }
            out.put(a.path("code").asText(), total);
        }
        return out;
    }

    @Test
    void densityChangeIsTheLaterSurfaceLessTheBaselineForEachAudience() throws Exception {
        // Central Liverpool, 24 × 24 pixels of 250 m.
        String box = "331000,386000,337000,392000";
        String map = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=density-change&STYLES="
                + "&CRS=EPSG:27700&BBOX=" + box + "&WIDTH=24&HEIGHT=24&FORMAT=image/png&TRANSPARENT=TRUE"
                + "&TIME=2022-05/2022-07&DIM_BASELINE=2022-01/2022-04";
        for (String who : List.of(CSP, POLICE)) {
            HttpResponse<byte[]> png = Http.getBytes(map, TestPrincipals.HEADER, who);
            assertThat(png.headers().firstValue("Content-Type").orElse("")).startsWith("image/png");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
            int reds = 0;
            int blues = 0;
            for (int j = 1; j < 24; j += 3) {
                for (int i = 1; i < 24; i += 3) {
                    JsonNode change = pointInfo("density-change", box, i, j, "&DIM_BASELINE=2022-01/2022-04", who);
                    JsonNode later = pointInfo("density-all", box, i, j, "", who);
                    JsonNode earlier = pointInfo("density-all", box, i, j, "", who, "2022-01/2022-04");
                    double expected = later.path("density").asDouble()
                            - earlier.path("density").asDouble();
                    assertThat(change.path("change").asDouble())
                            .as(who + " at " + i + "," + j)
                            .isCloseTo(expected, within(1e-3));
                    assertThat(change.path("units").asText()).isEqualTo("change in incidents per km² per month");
                    int argb = image.getRGB(i, j);
                    int red = (argb >> 16) & 0xFF;
                    int blue = argb & 0xFF;
                    int alpha = argb >>> 24;
                    if (expected > 5) {
                        reds++;
                        assertThat(red).as("more at " + i + "," + j).isGreaterThan(blue);
                        assertThat(alpha).isPositive();
                    } else if (expected < -5) {
                        blues++;
                        assertThat(blue).as("fewer at " + i + "," + j).isGreaterThan(red);
                        assertThat(alpha).isPositive();
                    }
                }
            }
            assertThat(reds + blues).as("pixels with a clear change").isPositive();
        }
        // Without DIM_BASELINE the baseline is the months just before: July against June.
        JsonNode july = pointInfo("density-change", box, 12, 12, "", CSP, "2022-07");
        assertThat(july.path("baseline").asText()).isEqualTo("2022-06");
        String refused = get(
                        base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=density-change&STYLES="
                                + "&CRS=EPSG:27700&BBOX=" + box + "&WIDTH=8&HEIGHT=8&FORMAT=image/png&TIME=2022-01",
                        CSP)
                .body();
        assertThat(refused).contains("InvalidDimensionValue").contains("DIM_BASELINE");
        String caps = get(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities", CSP)
                .body();
        assertThat(caps).contains("<Dimension name=\"baseline\" units=\"ISO8601\"");
    }

    private static JsonNode pointInfo(String layer, String box, int i, int j, String extra, String who) {
        return pointInfo(layer, box, i, j, extra, who, "2022-05/2022-07");
    }

    private static JsonNode pointInfo(String layer, String box, int i, int j, String extra, String who, String time) {
        String url = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=" + layer
                + "&QUERY_LAYERS=" + layer + "&STYLES=&CRS=EPSG:27700&BBOX=" + box
                + "&WIDTH=24&HEIGHT=24&I=" + i + "&J=" + j + "&INFO_FORMAT=application/json&TIME=" + time + extra;
        JsonNode features = Http.json(get(url, who)).path("features");
        assertThat(features).as(url).hasSize(1);
        return features.get(0).path("properties");
    }

    /** A point inside the LSOA, British National Grid. */
    private static double[] inside(String code) {
        List<List<Object>> xy = Sql.rows(
                db,
                "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM area WHERE level = 'lsoa' "
                        + "AND code = ?) s",
                code);
        return new double[] {
            ((Number) xy.get(0).get(0)).doubleValue(), ((Number) xy.get(0).get(1)).doubleValue()
        };
    }

    /** GetFeatureInfo of incident-change at a point inside the LSOA. */
    private static JsonNode areaInfo(String code, String dims, String who) {
        double[] xy = inside(code);
        double x = xy[0];
        double y = xy[1];
        String box = String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%.1f", x - 5, y - 5, x + 5, y + 5);
        String url = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=incident-change"
                + "&QUERY_LAYERS=incident-change&STYLES=&CRS=EPSG:27700&BBOX=" + box
                + "&WIDTH=10&HEIGHT=10&I=5&J=5&INFO_FORMAT=application/json&TIME=2022-05/2022-07"
                + "&DIM_BASELINE=2022-01/2022-04" + (dims.isEmpty() ? "" : "&" + dims);
        List<JsonNode> out = new ArrayList<>();
        Http.json(get(url, who)).path("features").forEach(out::add);
        assertThat(out).as(url).hasSize(1);
        assertThat(out.get(0).path("properties").path("code").asText()).isEqualTo(code);
        return out.get(0).path("properties");
    }

    private static HttpResponse<String> get(String url, String who) {
        return who.isEmpty() ? Http.get(url) : Http.get(url, TestPrincipals.HEADER, who);
    }
}
