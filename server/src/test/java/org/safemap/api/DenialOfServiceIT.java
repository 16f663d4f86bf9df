package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.config.DatabaseTarget;
import org.safemap.db.Database;
import org.safemap.sharing.Role;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;

/**
 * Attacks on the server's capacity by anonymous requests, against the demo data over real HTTP: the long-period
 * profiles that used to fill the heap, floods from one requester, request rates, a client that leaves, a request that
 * runs too long. /health must keep answering within a second throughout.
 */
class DenialOfServiceIT {
    private static final String LSOA = "E01006512";
    private static final String LONG_PROFILE = "/api/profile?area=lsoa:" + LSOA + "&period=1000-01..2022-07";

    private static Database db;
    private static App app;
    private static String base;
    private static String analyst;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        // Behind a proxy on this host, so each test client can be its own address (X-Forwarded-For).
        app = App.start(
                TestSettings.withOverrides(
                        Map.of("SAFEMAP_TRUSTED_PROXIES", "127.0.0.1", "SAFEMAP_QUEUE_WAIT_MS", "1000")),
                db);
        base = "http://127.0.0.1:" + app.port();
        analyst = TestUsers.token(db, "dos-analyst", Role.ANALYST, "csp", "strategic-assessment");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void nineLongPeriodProfilesLeaveHealthUnderASecond() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(9);
        try {
            List<Future<HttpResponse<String>>> flood = new ArrayList<>();
            for (int k = 0; k < 9; k++) {
                flood.add(clients.submit(() -> Http.get(base + LONG_PROFILE)));
            }
            long worstMs = 0;
            int polls = 0;
            while (polls < 5 || flood.stream().anyMatch(f -> !f.isDone())) {
                long t0 = System.nanoTime();
                HttpResponse<String> health = Http.get(base + "/health");
                worstMs = Math.max(worstMs, (System.nanoTime() - t0) / 1_000_000);
                assertThat(health.statusCode()).isEqualTo(200);
                polls++;
                assertThat(polls).as("the flood ends").isLessThan(600);
                Thread.sleep(50);
            }
            assertThat(worstMs).as("slowest /health during the flood, ms").isLessThan(1000);
            int answered = 0;
            int refused = 0;
            for (Future<HttpResponse<String>> f : flood) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 200) {
                    answered++;
                    // The period is clipped to the months holding data: 1000-01.. costs what 2022-01.. costs.
                    assertThat(Http.json(r).at("/selection/period").asText()).isEqualTo("2022-01..2022-07");
                    assertThat(Http.json(r).path("months").size()).isEqualTo(7);
                } else {
                    refused++;
                    assertRetryLater(r, 429, "too_many_requests");
                }
            }
            // One requester: two at a time run, the others wait their turn for a second or are told to come back.
            assertThat(answered).isGreaterThanOrEqualTo(2);
            assertThat(answered + refused).isEqualTo(9);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aPeriodLongerThanTheLimitIsRefusedOnEveryPathThatTakesOne() {
        String far = "1000-01..1019-12"; // 240 months, none with data: nothing to clip to
        String bearer = Http.bearer(analyst);
        List<HttpResponse<String>> refusals = List.of(
                Http.get(base + "/api/profile?area=lsoa:" + LSOA + "&period=" + far),
                Http.postJson(
                        base + "/api/profile",
                        "{\"circle\": {\"center\": [-2.98, 53.40], \"radiusM\": 300}, " + "\"period\": \"" + far
                                + "\"}"),
                Http.get(base + "/api/exports/incidents.csv?period=" + far),
                Http.get(base + "/api/packs?area=E08000012&period=" + far, "Authorization", bearer),
                Http.request(
                        "POST",
                        base + "/api/hotspots",
                        "{\"period\": \"" + far + "\"}",
                        "Authorization",
                        bearer,
                        "Content-Type",
                        "application/json"),
                Http.request(
                        "POST",
                        base + "/api/emerging",
                        "{\"period\": \"" + far + "\"}",
                        "Authorization",
                        bearer,
                        "Content-Type",
                        "application/json"),
                Http.get(base + "/api/evaluate?train=" + far + "&test=2022-07", "Authorization", bearer),
                Http.get(base + "/api/evaluate?train=2022-01..2022-06&test=" + far, "Authorization", bearer),
                Http.get(base + "/api/near-repeat?period=" + far, "Authorization", bearer),
                Http.get(base + "/api/repeat-locations?period=" + far, "Authorization", bearer));
        for (HttpResponse<String> r : refusals) {
            assertThat(r.statusCode()).as(r.uri() + " " + r.body()).isEqualTo(400);
            assertThat(Http.json(r).path("message").asText())
                    .as(r.uri().toString())
                    .contains("240 months", "SAFEMAP_MAX_PERIOD_MONTHS");
        }
        // The map's TIME dimension has the same cap, refused the OGC way.
        HttpResponse<String> wms = Http.get(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=incidents"
                + "&STYLES=&CRS=EPSG:27700&BBOX=330000,380000,350000,400000&WIDTH=64&HEIGHT=64&FORMAT=image/png"
                + "&TIME=1000-01/1019-12");
        assertThat(wms.body()).contains("InvalidDimensionValue");
        HttpResponse<String> tile = Http.get(base + "/tiles/incidents/12/2021/1316.png?TIME=1000-01/1019-12");
        assertThat(tile.statusCode()).isEqualTo(400);
        // A long period that reaches the data is clipped to it, not refused.
        HttpResponse<String> clipped = Http.get(base + "/api/profile?area=lsoa:" + LSOA + "&period=1990-01..2040-12");
        assertThat(clipped.statusCode()).isEqualTo(200);
        assertThat(Http.json(clipped).at("/selection/period").asText()).isEqualTo("2022-01..2022-07");
    }

    @Test
    void aFloodFromOneRequesterDoesNotStarveAnother() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<HttpResponse<String>>> flood = new ArrayList<>();
            for (int k = 0; k < 16; k++) {
                flood.add(clients.submit(() -> Http.get(base + LONG_PROFILE, "X-Forwarded-For", "10.0.0.1")));
            }
            // Another member of the public, and a signed-in analyst, while the flood is on.
            for (int k = 0; k < 3; k++) {
                HttpResponse<String> other = Http.get(base + LONG_PROFILE, "X-Forwarded-For", "10.0.0.2");
                assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
                HttpResponse<String> signedIn = Http.get(base + LONG_PROFILE, "Authorization", Http.bearer(analyst));
                assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
            }
            long refused = 0;
            for (Future<HttpResponse<String>> f : flood) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() != 200) {
                    assertRetryLater(r, 429, "too_many_requests");
                    refused++;
                }
            }
            assertThat(refused).isPositive();
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void anonymousRequestRatesAreLimitedPerAddressAndTogether() {
        App limited = App.start(
                TestSettings.withOverrides(Map.of(
                        "SAFEMAP_TRUSTED_PROXIES",
                        "127.0.0.1",
                        "SAFEMAP_RATE_PER_CLIENT",
                        "2",
                        "SAFEMAP_RATE_PUBLIC",
                        "6")),
                db);
        try {
            String b = "http://127.0.0.1:" + limited.port();
            // One address: a burst of 10 (five seconds' worth), then refused until its bucket refills.
            List<HttpResponse<String>> one = new ArrayList<>();
            for (int k = 0; k < 15; k++) {
                one.add(Http.get(b + "/api/viewer-config", "X-Forwarded-For", "10.0.1.1"));
            }
            assertThat(one.subList(0, 10)).allMatch(r -> r.statusCode() == 200);
            HttpResponse<String> refused =
                    one.stream().filter(r -> r.statusCode() != 200).findFirst().orElseThrow();
            assertRetryLater(refused, 429, "too_many_requests");
            assertThat(Http.json(refused).path("message").asText()).contains("10.0.1.1", "SAFEMAP_RATE_PER_CLIENT");
            // Another address still gets in ...
            assertThat(Http.get(b + "/api/viewer-config", "X-Forwarded-For", "10.0.1.2")
                            .statusCode())
                    .isEqualTo(200);
            // ... until the public as a whole has had its 30.
            int publicRefused = 0;
            for (int k = 0; k < 40; k++) {
                HttpResponse<String> r = Http.get(b + "/api/viewer-config", "X-Forwarded-For", "10.0.2." + k);
                if (r.statusCode() == 429) {
                    publicRefused++;
                    assertThat(Http.json(r).path("message").asText()).contains("SAFEMAP_RATE_PUBLIC");
                }
            }
            assertThat(publicRefused).isPositive();
            // Every service an anonymous client can reach is charged, the OGC ones included: with the public's
            // budget spent, each is refused within a few requests.
            for (String path : List.of(
                    "/wms?SERVICE=WMS&REQUEST=GetCapabilities",
                    "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities",
                    "/wmts/density-asb/density/GoogleMapsCompatible/12/1326/2014.png",
                    "/tiles/lsoa-boundaries/12/2014/1326.png",
                    "/ogc/features/collections")) {
                boolean charged = false;
                for (int k = 0; k < 12 && !charged; k++) {
                    charged =
                            Http.get(b + path, "X-Forwarded-For", "10.0.3." + k).statusCode() == 429;
                }
                assertThat(charged).as(path).isTrue();
            }
            // /health and signed-in users are never rate limited.
            for (int k = 0; k < 30; k++) {
                assertThat(Http.get(b + "/health", "X-Forwarded-For", "10.0.1.1")
                                .statusCode())
                        .isEqualTo(200);
                assertThat(Http.get(
                                        b + "/api/viewer-config",
                                        "X-Forwarded-For",
                                        "10.0.1.1",
                                        "Authorization",
                                        Http.bearer(analyst))
                                .statusCode())
                        .isEqualTo(200);
            }
        } finally {
            limited.close();
        }
    }

    @Test
    void theWorkOfAClientThatLeavesIsStopped() throws Exception {
        try (Connection lock = lockIncidents()) {
            try (Socket s = new Socket("127.0.0.1", app.port())) {
                OutputStream out = s.getOutputStream();
                out.write(("GET /api/incidents?limit=5 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.0.3.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                awaitWaiters(1);
            }
            // The client is gone: its statement is cancelled while the lock it waits for is still held.
            awaitWaiters(0);
        }
        assertThat(Http.get(base + "/api/incidents?limit=5").statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestPastItsTimeIsStoppedWith503() throws Exception {
        App quick = App.start(TestSettings.withOverrides(Map.of("SAFEMAP_REQUEST_TIMEOUT_S", "1")), db);
        try (Connection lock = lockIncidents()) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + quick.port() + "/api/incidents?limit=5");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertRetryLater(r, 503, "timeout");
            assertThat(Http.json(r).path("message").asText()).contains("SAFEMAP_REQUEST_TIMEOUT_S");
            assertThat(ms).isLessThan(5_000);
            awaitWaiters(0);
        } finally {
            quick.close();
        }
    }

    private static void assertRetryLater(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode())
                .as(r.uri() + " " + r.body().substring(0, Math.min(300, r.body().length())))
                .isEqualTo(status);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        // never kept by a cache, whatever headers the route had set before it was refused
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()))
                .isPositive();
        JsonNode body = Http.json(r);
        assertThat(body.path("error").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.size()).isEqualTo(2);
    }

    /** A connection of the test's own holding a lock every read of incident waits for. */
    private static Connection lockIncidents() throws Exception {
        DatabaseTarget t = db.target();
        Properties p = new Properties();
        p.setProperty("user", t.user());
        p.setProperty("password", t.password());
        p.setProperty("ApplicationName", "dos-test-lock");
        Connection c = DriverManager.getConnection(t.jdbcUrl(), p);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE incident IN ACCESS EXCLUSIVE MODE");
        }
        return c;
    }

    /** Waits until exactly {@code n} statements wait for that lock (10 s at most). */
    private static void awaitWaiters(long n) throws InterruptedException {
        long waiting = -1;
        for (int k = 0; k < 100; k++) {
            waiting = Sql.count(
                    db,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            + "AND wait_event_type = 'Lock' AND application_name <> 'dos-test-lock'");
            if (waiting == n) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(waiting).as("statements waiting for the lock").isEqualTo(n);
    }
}
