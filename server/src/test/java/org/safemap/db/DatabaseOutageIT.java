package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.config.DatabaseTarget;
import org.safemap.testing.Http;
import org.safemap.testing.TestSettings;

/**
 * A real PostgreSQL stopped and started again under a running server: a cluster of this test's own (never the one
 * other tests share), brought down while a request waits on it. Requests in flight get 503, requests during the
 * outage fail within a second with {@code database_unavailable}, and the server recovers by itself.
 */
class DatabaseOutageIT {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir = Path.of(
            System.getenv("SAFEMAP_HOME"),
            "server",
            "target",
            "outage-cluster-" + ProcessHandle.current().pid());
    private final List<String> said = new ArrayList<>();
    private final LocalCluster cluster =
            new LocalCluster(dir.resolve("postgis"), dir.resolve("postgis.password"), Http.freePort(), said::add);

    @AfterEach
    void remove() throws IOException {
        cluster.down();
        Path data = cluster.dataDir();
        if (Files.isSymbolicLink(data)) {
            deleteTree(data.toRealPath().getParent());
        }
        deleteTree(dir);
    }

    @Test
    void requestsFailFastWith503DuringAnOutageAndTheServerRecoversByItself() throws Exception {
        cluster.up();
        DatabaseTarget target = cluster.target(LocalCluster.DATABASE);
        try (Database db = Database.open(target, 4, "")) {
            db.migrate();
            try (App app = App.start(TestSettings.defaults(), db)) {
                String base = "http://127.0.0.1:" + app.port();
                assertThat(Http.get(base + "/api/incidents/summary").statusCode())
                        .isEqualTo(200);

                // A request waiting in the database when it stops.
                CompletableFuture<HttpResponse<String>> inFlight = null;
                try (Connection lock = connect(target)) {
                    lock.setAutoCommit(false);
                    try (Statement s = lock.createStatement()) {
                        s.execute("LOCK TABLE incident IN ACCESS EXCLUSIVE MODE");
                    }
                    inFlight = CLIENT.sendAsync(
                            HttpRequest.newBuilder(URI.create(base + "/api/incidents?limit=5"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    awaitWaiting(lock);
                    // Down at once, as in a crash. A fast shutdown ends the lock's session and the waiting one in
                    // turn: when the postmaster is slow between the two signals, the lock is released first, the
                    // request's query completes and its 200 is right (CI saw it once), which is not what this tests.
                    crash();
                } catch (java.sql.SQLException expected) {
                    // the lock's own connection ends with the server
                }
                HttpResponse<String> cut = inFlight.get(10, TimeUnit.SECONDS);
                assertUnavailable(cut);

                // During the outage: every path that needs the database says so within a second.
                for (String path : List.of(
                        "/api/incidents/summary",
                        "/api/areas?level=lsoa",
                        "/api/feeds",
                        "/api/incidents?limit=5",
                        "/api/profile?area=lsoa:E01006512",
                        "/api/layers",
                        "/health")) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = Http.get(base + path);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(503);
                    assertThat(Http.json(r).path("error").asText()).as(path).isEqualTo("database_unavailable");
                    assertThat(r.body())
                            .as(path)
                            .doesNotContain("Exception")
                            .doesNotContain("FATAL")
                            .doesNotContain(target.password());
                    assertThat(ms).as(path + " answered in ms").isLessThan(1000);
                }

                // The database comes back; nobody restarts the server.
                cluster.up();
                HttpResponse<String> again = null;
                for (int k = 0; k < 100; k++) {
                    again = Http.get(base + "/api/incidents/summary");
                    if (again.statusCode() == 200) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
                assertThat(Http.get(base + "/health").statusCode()).isEqualTo(200);
                assertThat(Http.get(base + "/api/incidents?limit=5").statusCode())
                        .isEqualTo(200);
            }
        }
    }

    private static void assertUnavailable(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        JsonNode body = Http.json(r);
        assertThat(body.path("error").asText()).isEqualTo("database_unavailable");
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("FATAL").doesNotContain("terminating");
    }

    private static Connection connect(DatabaseTarget t) throws java.sql.SQLException {
        Properties p = new Properties();
        p.setProperty("user", t.user());
        p.setProperty("password", t.password());
        p.setProperty("ApplicationName", "outage-test-lock");
        return DriverManager.getConnection(t.jdbcUrl(), p);
    }

    /** Waits (10 s at most) until the server's query for records waits for the test's lock on {@code incident}. */
    private static void awaitWaiting(Connection lock) throws Exception {
        for (int k = 0; k < 100; k++) {
            try (Statement s = lock.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("""
                            SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                            WHERE NOT l.granted AND l.relation = 'incident'::regclass
                              AND a.application_name <> 'outage-test-lock'""")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the request never reached the database");
    }

    /**
     * Stops the server immediately (SIGQUIT to the postmaster, as {@code pg_ctl stop -m immediate} does): every
     * session ends without releasing its locks to the others, so the request waiting on the test's lock cannot run.
     */
    private void crash() throws Exception {
        Path pidFile = cluster.dataDir().toRealPath().resolve("postmaster.pid");
        String pid = Files.readAllLines(pidFile).get(0).trim();
        Process kill = new ProcessBuilder("kill", "-QUIT", pid).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -QUIT " + pid).isZero();
        for (int k = 0; k < 300 && Files.exists(pidFile); k++) {
            Thread.sleep(100);
        }
        assertThat(pidFile).as("the postmaster is gone").doesNotExist();
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
