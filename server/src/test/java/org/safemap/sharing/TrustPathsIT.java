package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.runs.AreaResults;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Sql;
import org.safemap.testing.TestPrincipals;

/**
 * The JSON paths for every audience, on the demo data and the built-in protocols: each answer holds exactly what the
 * asker's protocol level allows and nothing more, refusals name the feed, and restricted answers are audited.
 *
 * <p>Audiences (see the protocols in server/src/main/resources/protocols): the public; a tasking member; a police
 * analyst (ambulance and fire reduced, A&E aggregates); the A&E owner (fire reduced, ambulance aggregates); the
 * ambulance owner; the CSP analyst, whom the partner protocols name at points level.
 */
class TrustPathsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String ANONYMOUS = "";
    private static final String TASKING = "tasking::tasking";
    private static final String POLICE = "analyst:police:strategic-assessment";
    private static final String NHS = "analyst:nhs-ed:problem-solving";
    private static final String AMBULANCE = "analyst:ambulance:problem-solving";
    private static final String CSP = "analyst:csp:strategic-assessment";
    private static final String CSP_NO_PURPOSE = "analyst:csp:";

    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;
    private static long run;

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.start();
        db = server.db();
        base = server.base();
        HttpResponse<String> created = send("POST", "/api/hotspots", CSP, "{\"period\": \"2022-07\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        run = JSON.readTree(created.body()).path("id").asLong();
    }

    private static HttpResponse<String> send(String method, String path, String principal, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(120))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (!principal.isEmpty()) {
            b.header(TestPrincipals.HEADER, principal);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(String path, String principal) {
        return send("GET", path, principal, null);
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static Set<String> feedsOf(JsonNode features) {
        Set<String> out = new TreeSet<>();
        features.forEach(f -> out.add(f.path("properties").path("feed").asText()));
        return out;
    }

    @Test
    void recordsGoOnlyToAudiencesTheirProtocolsAllowAndReducedOnesSitOnGridCentres() throws Exception {
        String july = "/api/incidents?month=2022-07&limit=50000";
        assertThat(feedsOf(json(get(july, ANONYMOUS)).path("features"))).containsExactly("btp", "police-uk");
        assertThat(feedsOf(json(get(july, TASKING)).path("features"))).containsExactly("btp", "police-uk");
        assertThat(feedsOf(json(get(july, NHS)).path("features")))
                .containsExactly("btp", "fire-irs", "istv-ae", "police-uk");
        assertThat(feedsOf(json(get(july, CSP)).path("features")))
                .containsExactly("ambulance", "btp", "fire-irs", "istv-ae", "police-uk");
        // Without a declared purpose the CSP analyst is the public.
        assertThat(feedsOf(json(get(july, CSP_NO_PURPOSE)).path("features"))).containsExactly("btp", "police-uk");

        JsonNode police = json(get(july + "&feed=ambulance", POLICE)).path("features");
        assertThat(police.size())
                .isEqualTo((int) Sql.count(
                        db,
                        "SELECT count(*) FROM incident WHERE feed = "
                                + "'ambulance' AND event_from >= '2022-07-01 00:00 Europe/London' AND event_from < "
                                + "'2022-08-01 00:00 Europe/London'"))
                .isPositive();
        List<String> points = new ArrayList<>();
        List<String> shownLsoas = new ArrayList<>();
        for (JsonNode f : police) {
            JsonNode p = f.path("properties");
            assertThat(f.has("id"))
                    .as("no record id: ids follow the partner's file")
                    .isFalse();
            assertThat(p.has("location")).as("free text withheld").isFalse();
            assertThat(p.has("eventId")).as("cross-feed link withheld").isFalse();
            assertThat(p.has("batch")).isFalse();
            assertThat(p.has("sourceCategory")).isFalse();
            // The ambulance protocol shows reduced records by month and category group only.
            assertThat(p.has("category"))
                    .as("category inside its group withheld")
                    .isFalse();
            assertThat(p.has("from") || p.has("to") || p.has("date"))
                    .as("time finer than the month withheld")
                    .isFalse();
            assertThat(p.path("month").asText()).isEqualTo("2022-07");
            assertThat(p.path("group").asText()).isNotEmpty();
            assertThat(p.path("geocodeMethod").asText()).isEqualTo("generalised");
            if (points.size() < 50) {
                points.add("(" + f.at("/geometry/coordinates/0").asDouble() + ","
                        + f.at("/geometry/coordinates/1").asDouble() + ")");
                shownLsoas.add(p.path("lsoa").asText());
            }
        }
        // The LSOA given is the one the point as shown falls in, written afresh here, not the record's own.
        List<String> numbered = new ArrayList<>();
        for (int k = 0; k < points.size(); k++) {
            numbered.add("(" + k + "," + points.get(k).substring(1));
        }
        List<List<Object>> lsoaOfShown = Sql.rows(
                db,
                "SELECT (SELECT a.code FROM area a WHERE a.level = 'lsoa' AND "
                        + "ST_Intersects(a.geom, ST_Transform(ST_SetSRID(ST_MakePoint(v.x, v.y), 4326), 27700)) ORDER BY "
                        + "a.code LIMIT 1) FROM (VALUES " + String.join(",", numbered) + ") v(n, x, y) ORDER BY n");
        for (int k = 0; k < shownLsoas.size(); k++) {
            Object expected = lsoaOfShown.get(k).get(0);
            assertThat(shownLsoas.get(k)).isEqualTo(expected == null ? "" : expected);
        }
        // Back in British National Grid, every shown point is the centre of a 100 m square (to GeoJSON's 6 decimals).
        List<List<Object>> offsets = Sql.rows(
                db,
                "SELECT abs(mod(ST_X(p)::numeric, 100) - 50) + abs(mod(ST_Y(p)::numeric,"
                        + " 100) - 50) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(v.x, v.y), 4326), 27700) p FROM "
                        + "(VALUES " + String.join(",", points) + ") v(x, y)) q");
        assertThat(offsets)
                .hasSize(points.size())
                .allSatisfy(r -> assertThat(((Number) r.get(0)).doubleValue()).isLessThan(0.5));

        // Asking for a feed by name that the protocol withholds is refused by name, and the refusal is audited.
        long refusals =
                Sql.count(db, "SELECT count(*) FROM audit_log WHERE outcome = 'refused' AND actor = ?", "test-tasking");
        HttpResponse<String> refused = get(july + "&feed=istv-ae", TASKING);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("withheld");
        assertThat(refused.body()).contains("feed 'istv-ae'").contains("/api/protocols/istv-ae");
        assertThat(Sql.count(
                        db, "SELECT count(*) FROM audit_log WHERE outcome = 'refused' AND actor = ?", "test-tasking"))
                .isEqualTo(refusals + 1);
    }

    @Test
    void narrowingBoxesCannotFindWhereAGeneralisedRecordReallyIs() throws Exception {
        // An ambulance record more than 5 m from its square's centre: a 2 m box around its true place.
        List<Object> row = Sql.rows(db, """
                SELECT id, ST_X(ST_Transform(geom, 4326)), ST_Y(ST_Transform(geom, 4326)),
                       ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
                FROM incident, LATERAL (SELECT ST_Transform(ST_Expand(geom, 1), 4326) AS b) e
                WHERE feed = 'ambulance'
                  AND abs(mod(ST_X(geom)::numeric, 100) - 50) + abs(mod(ST_Y(geom)::numeric, 100) - 50) > 5
                ORDER BY id LIMIT 1""").get(0);
        String box = "&bbox=" + row.get(3) + "," + row.get(4) + "," + row.get(5) + "," + row.get(6);
        String path = "/api/incidents?feed=ambulance&from=2022-01-01T00:00:00Z&to=2022-08-01T00:00:00Z" + box;
        List<Long> ids = new ArrayList<>();
        json(get(path, CSP)).path("features").forEach(f -> ids.add(f.path("id").asLong()));
        assertThat(ids).as("the owner-level user finds it there").contains((Long) row.get(0));
        JsonNode reduced = json(get(path, POLICE)).path("features");
        assertThat(reduced.size())
                .as("the reduced-level user finds nothing in a box that misses its square's centre")
                .isZero();
    }

    @Test
    void theSummaryCountsOnlyVisibleFeedsAndProtectsAggregateOnes() throws Exception {
        JsonNode anonymous = json(get("/api/incidents/summary", ANONYMOUS));
        assertThat(anonymous.path("feeds").findValuesAsText("feed")).containsExactly("btp", "fire-irs", "police-uk");
        JsonNode tasking = json(get("/api/incidents/summary", TASKING));
        for (JsonNode f : tasking.path("feeds")) {
            String feed = f.path("feed").asText();
            if (List.of("istv-ae", "ambulance", "fire-irs").contains(feed)) {
                // A total over all areas by feed, month or category is no cell of the published tables.
                assertThat(f.has("count")).as(feed).isFalse();
                assertThat(f.path("shared_as").asText()).isEqualTo("counts");
            } else {
                assertThat(f.path("count").asLong()).as(feed).isPositive();
            }
        }
        assertThat(tasking.path("feeds").findValuesAsText("feed")).contains("istv-ae", "ambulance");
        assertThat(JSON.convertValue(tasking.path("counted_without"), List.class))
                .containsExactly("ambulance", "fire-irs", "istv-ae");
        long open = Sql.count(db, "SELECT count(*) FROM incident WHERE feed IN ('police-uk', 'btp')");
        long months = 0;
        for (JsonNode m : tasking.path("months")) {
            months += m.path("count").asLong();
        }
        assertThat(months).as("months count the open feeds only").isEqualTo(open);
    }

    @Test
    void runsShowClassesNotNumbersToAudiencesBelowPoints() throws Exception {
        String areas = "/api/hotspots/" + run + "/areas?limit=5";
        JsonNode csp = json(get(areas, CSP));
        assertThat(csp.get(0).has("incidents")).isTrue();
        JsonNode tasking = json(get(areas, TASKING));
        assertThat(tasking.size()).isEqualTo(5);
        for (JsonNode row : tasking) {
            assertThat(row.has("gi_class")).isTrue();
            for (String hidden : List.of("incidents", "records", "rate_per_1000", "gi_z", "gi_p", "kde_mean")) {
                assertThat(row.has(hidden)).as(hidden).isFalse();
            }
            // The one classes-only list, the map's too: population is the area's published estimate, as the
            // CSP analyst sees it, and without the rate it gives no count away.
            List<String> fields = new ArrayList<>();
            row.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactlyInAnyOrderElementsOf(AreaResults.CLASS_FIELDS);
            String code = row.path("code").asText();
            JsonNode same = null;
            for (JsonNode c : json(get(areas.replace("limit=5", "limit=1000"), CSP))) {
                if (c.path("code").asText().equals(code)) {
                    same = c;
                }
            }
            assertThat(same).isNotNull();
            assertThat(row.path("population").asInt())
                    .isPositive()
                    .isEqualTo(same.path("population").asInt());
        }
        assertThat(json(get("/api/hotspots/" + run, TASKING)).has("summary")).isFalse();
        assertThat(get("/api/hotspots/" + run + "/surface", TASKING).statusCode())
                .isEqualTo(403);
        assertThat(get("/api/hotspots/" + run + "/surface?format=png", CSP).statusCode())
                .isEqualTo(200);
        // The run read A&E, which the public may not see at all: to them it does not exist.
        assertThat(get(areas, ANONYMOUS).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/api/hotspots", ANONYMOUS, "{\"period\": \"2022-07\"}")
                        .statusCode())
                .isEqualTo(401);
        // A tasking member may rank hot spots over every feed they see, A&E included as aggregates: the new run's
        // answer already hides its numbers from them.
        HttpResponse<String> own = send("POST", "/api/hotspots", TASKING, "{\"period\": \"2022-07\"}");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
        JsonNode ownRun = JSON.readTree(own.body());
        assertThat(ownRun.has("summary")).isFalse();
        assertThat(ownRun.path("disclosure").asText()).startsWith("classes only");
        assertThat(ownRun.at("/params/selection/feeds").toString()).contains("istv-ae");
        // Record-level methods read only the asker's points feeds.
        JsonNode repeats = json(get("/api/repeat-locations?period=2022-07&top=5", TASKING));
        long repeatRun = repeats.path("run").asLong();
        assertThat(Sql.value(db, "SELECT params #>> '{selection,feeds}' FROM hotspot_run WHERE id = ?", repeatRun))
                .isEqualTo("[\"police-uk\", \"btp\"]");
    }

    @Test
    void exportsAndPacksHoldOnlyPointsFeedsAndNameTheRest() throws Exception {
        HttpResponse<String> csv = get("/api/exports/incidents.csv?period=2022-07", TASKING);
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        assertThat(csv.headers().firstValue("SafeMap-Feeds").orElse("")).isEqualTo("btp,police-uk");
        assertThat(csv.headers().firstValue("SafeMap-Provenance").orElse(""))
                .contains("ambulance")
                .contains("istv-ae")
                .contains("fire-irs");
        HttpResponse<String> asked = get("/api/exports/incidents.csv?period=2022-07&feed=istv-ae", POLICE);
        assertThat(asked.headers().firstValue("SafeMap-Feeds").orElse("x")).isEmpty();
        assertThat(asked.body().lines().count()).as("header only").isLessThanOrEqualTo(1);

        assertThat(get("/api/packs?area=E08000012&period=2022-07&format=html", ANONYMOUS)
                        .statusCode())
                .isEqualTo(401);
        HttpResponse<String> pack = get("/api/packs?area=E08000012&period=2022-07&format=html&top=3", TASKING);
        assertThat(pack.statusCode()).as(pack.body()).isEqualTo(200);
        assertThat(pack.body()).contains("Left out under the data-sharing protocols: istv-ae, ambulance, fire-irs");
        assertThat(get("/api/packs?area=E08000012&period=2022-07&format=html&feeds=istv-ae", TASKING)
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void profilesCountOnlyPointsFeedsAndGiveTheOthersAsProtectedCounts() throws Exception {
        JsonNode tasking = json(get("/api/profile?area=lsoa:E01006512&period=2022-01..2022-07", TASKING));
        List<String> withheld = new ArrayList<>();
        tasking.path("withheld").forEach(w -> withheld.add(w.asText()));
        assertThat(withheld).containsExactly("istv-ae", "ambulance", "fire-irs");
        assertThat(tasking.path("sources").findValuesAsText("feed")).isSubsetOf("police-uk", "btp");
        // ... and those three as the tasking member's protected counts, month by month, with the strictest rule
        JsonNode shared = tasking.path("protected");
        assertThat(shared.path("feeds").toString()).isEqualTo("[\"ambulance\",\"fire-irs\",\"istv-ae\"]");
        assertThat(shared.path("rule").asText())
                .contains("(istv-ae): counts 1 to 7 are suppressed")
                .contains("(fire-irs): counts 1 to 3 are suppressed");
        assertThat(shared.path("partners").findValuesAsText("partner")).containsExactly("ambulance", "fire", "nhs-ed");
        assertThat(shared.path("months").size()).isEqualTo(7);
        // the public sees fire as aggregates only (threshold 3), A&E and ambulance not at all
        JsonNode anonymous = json(get("/api/profile?area=lsoa:E01006512&period=2022-01..2022-07", ANONYMOUS));
        assertThat(anonymous.path("protected").path("feeds").toString()).isEqualTo("[\"fire-irs\"]");
        assertThat(anonymous.path("protected").path("rule").asText()).contains("counts 1 to 3 are suppressed");
        assertThat(anonymous.toString()).doesNotContain("istv-ae").doesNotContain("ambulance");
        JsonNode csp = json(get("/api/profile?area=lsoa:E01006512&period=2022-01..2022-07", CSP));
        assertThat(csp.path("withheld").size()).isZero();
        assertThat(csp.path("protected").isNull()).isTrue();
        assertThat(csp.path("records").asLong())
                .isGreaterThanOrEqualTo(tasking.path("records").asLong());
    }

    @Test
    void custodianPathsAreForThoseWhoMaySeeTheRecords() throws Exception {
        long batch = Sql.count(db, "SELECT min(id) FROM load_batch WHERE feed = 'ambulance'");
        String quarantine = "/api/feeds/ambulance/batches/" + batch + "/quarantine";
        assertThat(get(quarantine, ANONYMOUS).statusCode()).isEqualTo(401);
        assertThat(get(quarantine, TASKING).statusCode()).isEqualTo(403);
        assertThat(get(quarantine, NHS).statusCode()).isEqualTo(403);
        assertThat(get(quarantine, AMBULANCE).statusCode()).isEqualTo(200);
        assertThat(get("/api/feeds/ambulance/batches", POLICE).statusCode()).isEqualTo(403);
        HttpResponse<String> upload = send("POST", "/api/feeds/ambulance/uploads", TASKING, "x");
        assertThat(upload.statusCode()).isEqualTo(403);
        // The feed list says each asker's level and shows counts only to those who may see the feed at all.
        for (JsonNode f : json(get("/api/feeds", ANONYMOUS))) {
            if (f.path("name").asText().equals("istv-ae")) {
                assertThat(f.path("level").asText()).isEqualTo("none");
                assertThat(f.has("records")).isFalse();
            }
        }
    }

    @Test
    void restrictedAnswersAreAuditedAndOpenOnesAreNot() throws Exception {
        long before = Sql.count(db, "SELECT count(*) FROM audit_log WHERE action = 'api.incidents'");
        json(get("/api/incidents?month=2022-06&limit=10", ANONYMOUS));
        assertThat(Sql.count(db, "SELECT count(*) FROM audit_log WHERE action = 'api.incidents'"))
                .isEqualTo(before);
        json(get("/api/incidents?month=2022-06&limit=10&feed=istv-ae", NHS));
        List<List<Object>> entry = Sql.rows(
                db,
                "SELECT actor, role, partner, purpose, resource, feeds::text, "
                        + "result_size, outcome FROM audit_log WHERE action = 'api.incidents' ORDER BY seq DESC LIMIT 1");
        assertThat(entry.get(0))
                .containsExactly(
                        "test-analyst-nhs-ed",
                        "analyst",
                        "nhs-ed",
                        "problem-solving",
                        "/api/incidents?feed=istv-ae&limit=10&month=2022-06",
                        "{\"istv-ae\": 1}",
                        10L,
                        "ok");
        // Maps too: the first tile of a restricted layer is recorded at once.
        long tiles = Sql.count(db, "SELECT count(*) FROM audit_log WHERE action = 'tiles' AND actor = 'test-tasking'");
        assertThat(get("/tiles/density-ae-assaults/12/2014/1326.png?time=2022-07", TASKING)
                        .statusCode())
                .isEqualTo(200);
        assertThat(Sql.count(db, "SELECT count(*) FROM audit_log WHERE action = 'tiles' AND actor = 'test-tasking'"))
                .isEqualTo(tiles + 1);
    }

    @Test
    void everyoneMayReadTheProtocolsAndTheirOwnLevel() throws Exception {
        for (String[] c : new String[][] {
            {ANONYMOUS, "none"}, {TASKING, "aggregates"}, {NHS, "points"}, {POLICE, "aggregates"}, {CSP, "points"}
        }) {
            assertThat(json(get("/api/protocols/istv-ae", c[0]))
                            .path("your_level")
                            .asText())
                    .as(c[0])
                    .isEqualTo(c[1]);
        }
    }
}
