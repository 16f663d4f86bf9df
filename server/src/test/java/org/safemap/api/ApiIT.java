package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.AppVersion;
import org.safemap.db.Database;
import org.safemap.map.LayerCatalogue;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;
import org.slf4j.LoggerFactory;

class ApiIT {
    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;

    @BeforeAll
    static void start() {
        server = DemoServer.startAs(TestPrincipals.CSP_ANALYST);
        db = server.db();
        base = server.base();
    }

    @Test
    void servesTheViewerWithLeafletFromItsWebjar() {
        HttpResponse<String> page = Http.get(base + "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        String script = page.body().replaceAll("(?s).*<script src=\"(/webjars/leaflet/[^\"]+)\".*", "$1");
        assertThat(script).matches("/webjars/leaflet/\\d+\\.\\d+\\.\\d+/dist/leaflet.js");
        assertThat(Http.get(base + script).statusCode()).isEqualTo(200);
        assertThat(Http.get(base + "/app.js").body()).contains("L.map(");
        assertThat(Http.get(base + "/app.css").statusCode()).isEqualTo(200);
    }

    @Test
    void healthAndVersionDescribeTheRunningSystem() {
        HttpResponse<String> health = Http.get(base + "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode h = Http.json(health);
        assertThat(h.path("status").asText()).isEqualTo("ok");
        assertThat(h.path("schemaVersion").asText())
                .isEqualTo(db.schemaVersion())
                .isNotEqualTo("none");

        JsonNode v = Http.json(Http.get(base + "/api/version"));
        assertThat(v.path("version").asText()).isEqualTo(AppVersion.current());
        assertThat(v.path("postgis").asText()).matches("3\\.\\d+.*");
        assertThat(v.path("postgresql").asText()).matches("\\d+.*");
    }

    @Test
    void areasComeAsGeoJsonInWgs84AndTheBboxFilters() {
        HttpResponse<String> all = Http.get(base + "/api/areas?level=lsoa");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("content-type").orElse("")).startsWith("application/geo+json");
        JsonNode fc = Http.json(all);
        assertThat(fc.path("features").size()).isEqualTo(TestData.DEMO_LSOAS);
        JsonNode first = fc.path("features").get(0);
        assertThat(first.path("properties").path("vintage").asInt()).isEqualTo(2011);
        assertThat(first.path("geometry").path("type").asText()).isEqualTo("MultiPolygon");
        double lon = first.path("geometry")
                .path("coordinates")
                .get(0)
                .get(0)
                .get(0)
                .get(0)
                .asDouble();
        double lat = first.path("geometry")
                .path("coordinates")
                .get(0)
                .get(0)
                .get(0)
                .get(1)
                .asDouble();
        assertThat(lon).isBetween(-3.1, -2.8);
        assertThat(lat).isBetween(53.3, 53.5);

        // The city centre box holds some but not all LSOAs, and exactly those PostGIS says intersect it.
        String bbox = "-2.995,53.400,-2.975,53.412";
        int inBox = Http.json(Http.get(base + "/api/areas?level=lsoa&bbox=" + bbox))
                .path("features")
                .size();
        long expected = Sql.count(
                db,
                "SELECT count(*) FROM area WHERE level = 'lsoa' AND geom && "
                        + "ST_Transform(ST_MakeEnvelope(-2.995, 53.400, -2.975, 53.412, 4326), 27700)");
        assertThat(inBox).isEqualTo((int) expected).isBetween(3, TestData.DEMO_LSOAS - 1);
    }

    @Test
    void answersCarryQuotedETagsAndAnswerConditionalRequests() {
        HttpResponse<String> first = Http.get(base + "/api/areas/E01006512");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        // RFC 9110 8.8.3: an entity tag is a quoted string; Javalin's own are bare numbers.
        assertThat(etag).matches("\"[0-9a-f]+-[0-9a-f]+\"");
        HttpResponse<String> again = Http.get(base + "/api/areas/E01006512", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(Http.get(base + "/api/areas/E01006513")
                        .headers()
                        .firstValue("ETag")
                        .orElseThrow())
                .isNotEqualTo(etag);
        assertThat(Http.get(base + "/api/areas/E01006512", "If-None-Match", "\"0-0\"")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void anLsoaProfileNamesItsParentsResidentsDeprivationAndNeighbours() {
        JsonNode p = Http.json(Http.get(base + "/api/areas/E01006512"));
        assertThat(p.path("name").asText()).isEqualTo("Liverpool 031A");
        assertThat(p.path("level").asText()).isEqualTo("lsoa");
        assertThat(p.path("parents").get(0).path("code").asText()).isEqualTo("E02001377");
        assertThat(p.path("parents").get(0).path("name").asText()).isEqualTo("Liverpool 031");
        assertThat(p.path("parents").get(1).path("code").asText()).isEqualTo("E08000012");
        assertThat(p.path("population").path("residents").asLong())
                .isEqualTo(Sql.count(db, "SELECT population FROM area_population WHERE code = 'E01006512'"));
        assertThat(p.path("population").path("year").asInt()).isEqualTo(2015);
        assertThat(p.path("deprivation").path("decile").asInt()).isEqualTo(5);
        assertThat(p.path("deprivation")
                        .path("domains")
                        .path("Crime")
                        .path("decile")
                        .asInt())
                .isBetween(1, 10);
        assertThat(p.path("neighbours").size())
                .isEqualTo((int) Sql.count(
                        db, "SELECT count(*) FROM area_neighbour WHERE level = 'lsoa' AND code = 'E01006512'"))
                .isPositive();
        assertThat(p.path("areaKm2").asDouble()).isBetween(0.1, 1.0);

        // An MSOA's residents are the sum of its LSOAs'.
        JsonNode msoa = Http.json(Http.get(base + "/api/areas/E02001377"));
        assertThat(msoa.path("population").path("method").asText()).isEqualTo("sum of LSOAs");
        assertThat(msoa.path("population").path("residents").asLong()).isEqualTo(Sql.count(db, """
                SELECT sum(pop.population) FROM area_parent p JOIN area_population pop ON pop.code = p.code
                WHERE p.level = 'lsoa' AND p.parent_code = 'E02001377'"""));
        assertThat(msoa.path("children").size())
                .isEqualTo(msoa.path("population").path("areas").asInt())
                .isPositive();

        assertError(Http.get(base + "/api/areas/E01999999"), 404, "not_found");
        assertError(Http.get(base + "/api/areas/E01006512?level=ward"), 404, "not_found");
        assertError(Http.get(base + "/api/areas/%3Cscript%3E"), 400, "bad_request");
    }

    @Test
    void boundariesForSmallScalesAreLighterButComplete() {
        HttpResponse<String> full = Http.get(base + "/api/areas?level=lsoa");
        HttpResponse<String> z8 = Http.get(base + "/api/areas?level=lsoa&zoom=8");
        assertThat(Http.json(z8).path("features").size()).isEqualTo(TestData.DEMO_LSOAS);
        assertThat(z8.body().length()).isLessThan(full.body().length() / 2);
        assertError(Http.get(base + "/api/areas?level=lsoa&zoom=40"), 400, "bad_request");
    }

    @Test
    void incidentsForAMonthMatchTheDatabaseAndFiltersApply() {
        JsonNode july = Http.json(Http.get(base + "/api/incidents?month=2022-07&limit=50000"));
        long expected = Sql.count(
                db,
                "SELECT count(*) FROM incident WHERE event_from < '2022-08-01 00:00 Europe/London' "
                        + "AND (event_to > '2022-07-01 00:00 Europe/London' OR event_from >= '2022-07-01 00:00 Europe/London')");
        assertThat(july.path("numberReturned").asLong()).isEqualTo(expected);
        assertThat(july.path("features").size()).isEqualTo((int) expected);
        assertThat(july.path("truncated").asBoolean()).isFalse();
        assertThat(july.path("links").size()).isZero();
        Set<String> months = new HashSet<>();
        july.path("features")
                .forEach(f -> months.add(f.path("properties").path("month").asText()));
        assertThat(months).containsExactly("2022-07");

        JsonNode transport = Http.json(Http.get(base + "/api/incidents?month=2022-07&feed=btp"));
        assertThat(transport.path("numberReturned").asLong())
                .isEqualTo(TestData.dataLines("demo/2022-07-liverpool-btp-street.csv.gz"));
    }

    @Test
    void pagesFollowTheNextLinkAndSeeEveryRecordOnce() {
        long expected = Sql.count(db, "SELECT count(*) FROM incident WHERE feed = 'btp'");
        Set<Long> seen = new HashSet<>();
        String next = base + "/api/incidents?feed=btp&limit=100";
        int pages = 0;
        while (next != null) {
            JsonNode page = Http.json(Http.get(next));
            page.path("features")
                    .forEach(f -> assertThat(seen.add(f.path("id").asLong())).isTrue());
            assertThat(page.path("truncated").asBoolean())
                    .isEqualTo(page.path("links").size() == 1);
            next = page.path("links").size() == 1
                    ? base + page.path("links").get(0).path("href").asText()
                    : null;
            pages++;
        }
        assertThat((long) seen.size()).isEqualTo(expected);
        assertThat(pages).isEqualTo((int) ((expected + 99) / 100));
    }

    @Test
    void timeCategoryAndGroupFiltersMatchTheDatabase() {
        JsonNode days =
                Http.json(Http.get(base + "/api/incidents?from=2022-03-01&to=2022-03-31&category=burglary,robbery"));
        assertThat(days.path("numberReturned").asLong())
                .isEqualTo(
                        Sql.count(
                                db,
                                "SELECT count(*) FROM incident "
                                        + "WHERE category IN ('burglary', 'robbery') AND event_from < '2022-04-01 00:00 Europe/London' "
                                        + "AND (event_to > '2022-03-01 00:00 Europe/London' OR event_from >= '2022-03-01 00:00 Europe/London')"));
        JsonNode group = Http.json(Http.get(base + "/api/incidents?month=2022-02&category=acquisitive&limit=50000"));
        assertThat(group.path("numberReturned").asLong())
                .isEqualTo(Sql.count(
                        db,
                        "SELECT count(*) FROM incident i "
                                + "JOIN category c ON c.code = i.category WHERE c.group_code = 'acquisitive' "
                                + "AND event_from = '2022-02-01 00:00 Europe/London'"));
        group.path("features")
                .forEach(f ->
                        assertThat(f.path("properties").path("group").asText()).isEqualTo("acquisitive"));
        assertError(Http.get(base + "/api/incidents?category=kidnap"), 400, "bad_request");
        assertError(Http.get(base + "/api/incidents?feed=transport"), 400, "bad_request");
        assertError(Http.get(base + "/api/incidents?from=2022-03-05&to=2022-03-01"), 400, "bad_request");
    }

    @Test
    void incidentsKeepOnlyThePropertiesAskedForAndEveryRecord() {
        String july = base + "/api/incidents?month=2022-07&feed=police-uk,btp&limit=50000";
        JsonNode full = Http.json(Http.get(july)).path("features");
        JsonNode few = Http.json(Http.get(july + "&properties=group,from,to")).path("features");
        assertThat((long) few.size())
                .isEqualTo(full.size())
                .isEqualTo(Sql.count(
                        db,
                        "SELECT count(*) FROM incident WHERE feed IN ('police-uk', 'btp') "
                                + "AND event_from < '2022-08-01 00:00 Europe/London' "
                                + "AND (event_to > '2022-07-01 00:00 Europe/London' "
                                + "OR event_from >= '2022-07-01 00:00 Europe/London')"));
        for (int k = 0; k < few.size(); k++) {
            JsonNode a = few.get(k);
            JsonNode b = full.get(k);
            assertThat(a.path("id")).isEqualTo(b.path("id"));
            assertThat(a.path("geometry")).isEqualTo(b.path("geometry"));
            Set<String> keys = new HashSet<>();
            a.path("properties").fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactlyInAnyOrder("group", "from", "to");
            for (String key : keys) {
                assertThat(a.path("properties").path(key))
                        .isEqualTo(b.path("properties").path(key));
            }
        }
        assertThat(Http.get(july + "&properties=group").body().length())
                .isLessThan(Http.get(july).body().length() / 2);
        assertError(Http.get(base + "/api/incidents?properties=group,name"), 400, "bad_request");
    }

    @Test
    void densityLayersAreBoundedSoNoTileThatCouldDrawIsLeftOut() throws Exception {
        JsonNode layer = null;
        for (JsonNode l : Http.json(Http.get(base + "/api/layers")).path("layers")) {
            if (l.path("name").asText().equals("density-all")) {
                layer = l;
            } else if (l.path("kind").asText().equals("areas")) {
                assertThat(l.has("bounds")).as(l.path("name").asText()).isFalse();
            }
        }
        JsonNode b = layer.path("bounds");
        assertThat(b.size()).isEqualTo(4);
        double west = b.get(0).asDouble();
        double east = b.get(2).asDouble();
        // Independently: every record's extent grown by the quartic kernel's support (its bandwidth), its sides
        // traced point by point into longitude and latitude by PostGIS.
        double bandwidth = LayerCatalogue.load().layer("density-all").source().bandwidthMetres();
        List<Object> reach = Sql.rows(db, """
                        SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Transform(ST_Segmentize(
                            ST_Expand(ST_SetSRID((SELECT ST_Extent(geom) FROM incident)::geometry, 27700), ?), 20),
                            4326) AS e) x""", bandwidth).get(0);
        for (int k = 0; k < 4; k++) {
            double r = ((Number) reach.get(k)).doubleValue();
            double v = b.get(k).asDouble();
            // outside the records' reach, and not by more than about 2 km: a bound that helps
            assertThat(k < 2 ? r - v : v - r).as("side " + k).isPositive().isLessThan(0.03);
        }
        // At zoom 14, along the row of July's westernmost record: the tile holding it draws, as the tiles west of it do
        // while they are in its reach, and each of those is inside the bounds; the first tile wholly west of the bounds
        // draws nothing.
        List<Object> westmost = Sql.rows(db, """
                SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(geom, 4326) AS p FROM incident
                    WHERE event_from < '2022-08-01 00:00 Europe/London'
                      AND (event_to > '2022-07-01 00:00 Europe/London' OR event_from >= '2022-07-01 00:00 Europe/London')
                    ORDER BY ST_X(geom) LIMIT 1) x""").get(0);
        int z = 14;
        int n = 1 << z;
        double lat = Math.toRadians(((Number) westmost.get(1)).doubleValue());
        int y = (int) Math.floor((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2 * n);
        int x = (int) Math.floor((((Number) westmost.get(0)).doubleValue() + 180) / 360 * n);
        int outside = (int) Math.floor((west + 180) / 360 * n) - 1;
        assertThat(drawsSomething(z, x, y)).isTrue();
        for (int t = x; t > outside; t--) {
            double tileWest = t * 360.0 / n - 180;
            double tileEast = (t + 1) * 360.0 / n - 180;
            assertThat(tileEast > west && tileWest < east || !drawsSomething(z, t, y))
                    .as("tile " + t)
                    .isTrue();
        }
        assertThat((outside + 1) * 360.0 / n - 180).isLessThanOrEqualTo(west);
        assertThat(drawsSomething(z, outside, y)).isFalse();
    }

    /** Whether July 2022's all-incidents density tile has any pixel that is not wholly transparent. */
    private static boolean drawsSomething(int z, int x, int y) throws Exception {
        HttpResponse<byte[]> r =
                Http.getBytes(base + "/tiles/density-all/" + z + "/" + x + "/" + y + ".png?time=2022-07");
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
        for (int argb : image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth())) {
            if (argb >>> 24 != 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theIconBrowsersAskForIsTheViewersIcon() {
        HttpResponse<String> ico = Http.get(base + "/favicon.ico");
        assertThat(ico.statusCode()).isEqualTo(301);
        assertThat(ico.headers().firstValue("Location")).hasValue("/favicon.svg");
        HttpResponse<String> svg = Http.get(base + "/favicon.svg");
        assertThat(svg.statusCode()).isEqualTo(200);
        assertThat(svg.body()).contains("<svg");
    }

    @Test
    void summaryCountsEveryDemoRecord() {
        JsonNode summary = Http.json(Http.get(base + "/api/incidents/summary"));
        long months = 0;
        for (JsonNode m : summary.path("months")) {
            months += m.path("count").asLong();
        }
        long categories = 0;
        for (JsonNode c : summary.path("categories")) {
            categories += c.path("count").asLong();
        }
        assertThat(months).isEqualTo(TestData.demoRecords()).isGreaterThan(TestData.demoIncidentLines());
        assertThat(categories).isEqualTo(TestData.demoRecords());
        assertThat(summary.path("months").size()).isEqualTo(7);
        // Group names come from the taxonomy tables, the one place the viewer and the packs read them from.
        Map<String, String> groupLabels = new TreeMap<>();
        summary.path("categories")
                .forEach(c -> groupLabels.put(
                        c.path("group").asText(), c.path("group_label").asText()));
        Map<String, String> stored = new TreeMap<>();
        Sql.rows(db, "SELECT code, label FROM category_group WHERE code IN (SELECT group_code FROM category)")
                .forEach(r -> stored.put((String) r.get(0), (String) r.get(1)));
        assertThat(groupLabels).isEqualTo(stored).containsEntry("asb", "Anti-social behaviour");
    }

    @Test
    void layersCarryTheirSldStylesAndEveryCategoryGroupHasARule() {
        JsonNode layers = Http.json(Http.get(base + "/api/layers")).path("layers");
        assertThat(layers.size()).isEqualTo(LayerCatalogue.load().layers().size());
        JsonNode incidents = null;
        for (JsonNode l : layers) {
            if (l.path("name").asText().equals("incidents")) {
                incidents = l;
            }
        }
        Set<String> ruled = new HashSet<>();
        incidents.path("style").path("rules").forEach(r -> {
            assertThat(r.path("filter").path("op").asText()).isEqualTo("compare");
            assertThat(r.path("symbolizers").get(0).path("kind").asText()).isEqualTo("point");
            ruled.add(r.path("filter").path("literal").asText());
        });
        Set<String> groups = new HashSet<>();
        Sql.rows(db, "SELECT DISTINCT group_code FROM category").forEach(row -> groups.add((String) row.get(0)));
        assertThat(ruled).isEqualTo(groups);
    }

    @Test
    void everyErrorHasTheSameJsonShape() {
        assertError(Http.get(base + "/no/such/thing"), 404, "not_found");
        assertError(Http.get(base + "/api/areas?level=county"), 400, "bad_request");
        assertError(Http.get(base + "/api/areas?level=lsoa&bbox=1,2,3"), 400, "bad_request");
        assertError(Http.get(base + "/api/areas?level=custom:none"), 404, "not_found");
        assertError(Http.get(base + "/api/incidents?month=July"), 400, "bad_request");
        assertError(Http.get(base + "/api/incidents?limit=0"), 400, "bad_request");
        assertError(Http.post(base + "/api/areas"), 405, "method_not_allowed");
    }

    @Test
    void logsOneLinePerRequestWithoutSecrets() {
        Logger http = (Logger) LoggerFactory.getLogger("http");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        http.addAppender(appender);
        try {
            Http.get(base + "/api/incidents/summary?token=s3cr3t-value&x=1");
        } finally {
            http.detachAppender(appender);
        }
        assertThat(appender.list).hasSize(1);
        String line = appender.list.get(0).getFormattedMessage();
        // logged without the value (this server's test principal stands in for sign-in; the server's own sign-in
        // refuses tokens in the address with 400, which IdentityIT tests)
        assertThat(line).startsWith("GET /api/incidents/summary?token=***&x=1 ").doesNotContain("s3cr3t");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode body = Http.json(response);
        assertThat(body.path("error").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.size()).isEqualTo(2);
    }
}
