package org.safemap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.safemap.config.DatabaseTarget;
import org.safemap.db.Database;
import org.safemap.sharing.Role;
import org.safemap.testing.CliRun;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestUsers;

/**
 * {@code safemap serve} as a service manager runs it: a separate process, stopped with SIGTERM while requests are
 * still working (one waiting in the database, one upload whose client is still sending). It must be gone within 10
 * seconds, and each request must get its answer or a clean 503.
 */
class ShutdownIT {
    static final Path HOME = Path.of(System.getenv("SAFEMAP_HOME"));
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void sigtermStopsTheServerWithinTenSecondsWhateverIsRunning() throws Exception {
        Database db = TestDatabase.fresh("shutdown");
        String admin = TestUsers.token(db, "shutdown-admin", Role.ADMIN, "police", "strategic-assessment");
        Path var = HOME.resolve(
                "server/target/shutdown-var-" + ProcessHandle.current().pid());
        Server server = Server.start(db, var);
        try (Connection lock = lockIncidents(db.target())) {
            CompletableFuture<HttpResponse<String>> waiting = CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(server.base() + "/api/incidents?limit=5"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> upload = CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(server.base() + "/api/feeds/police-uk/uploads"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", Http.bearer(admin))
                            .header("Content-Type", "multipart/form-data; boundary=b")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(Trickle::new))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            awaitWaiting(db, 1);
            Thread.sleep(500); // the upload is being read

            long t0 = System.nanoTime();
            server.process().destroy(); // SIGTERM
            assertThat(server.process().waitFor(15, TimeUnit.SECONDS))
                    .as("exited")
                    .isTrue();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("ms from SIGTERM to exit").isLessThan(10_000);

            assertCleanAnswer(waiting.get(5, TimeUnit.SECONDS));
            assertCleanAnswer(upload.get(5, TimeUnit.SECONDS));
            assertThat(server.log()).contains("stopping 2 request(s) still running");
        } finally {
            server.process().destroyForcibly();
        }
        // The stopped upload loaded nothing.
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch")).isZero();
        db.close();
        deleteTree(var);
    }

    static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A 503 in the error shape with Retry-After (the request was stopped), or a success (it finished in time). */
    private static void assertCleanAnswer(HttpResponse<String> r) {
        if (r.statusCode() < 300) {
            return;
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(Http.json(r).path("error").asText()).isEqualTo("shutting_down");
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    /** An upload whose client sends a kilobyte every tenth of a second, for as long as it is let. */
    static final class Trickle extends InputStream {
        private final byte[] head = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.csv\"\r\n"
                        + "Content-Type: text/csv\r\n\r\nCrime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                        + "LSOA code,LSOA name,Crime type,Last outcome category,Context\n")
                .getBytes(StandardCharsets.US_ASCII);
        private long sent;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (sent < head.length) {
                int n = (int) Math.min(len, head.length - sent);
                System.arraycopy(head, (int) sent, b, off, n);
                sent += n;
                return n;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            byte[] row = "a1,2022-07,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n"
                    .getBytes(StandardCharsets.US_ASCII);
            int n = Math.min(len, row.length);
            System.arraycopy(row, 0, b, off, n);
            sent += n;
            return n;
        }
    }

    /** A {@code java -jar safemap.jar serve} process on a database of the test's own. */
    record Server(Process process, String base, Path logFile) {
        static Server start(Database db, Path var) throws Exception {
            int port = Http.freePort();
            Files.createDirectories(var);
            Path log = var.resolve("server.log");
            ProcessBuilder pb = new ProcessBuilder(List.of(
                            javaBin(),
                            "-jar",
                            HOME.resolve("server/target/safemap.jar").toString(),
                            "serve",
                            "--port",
                            String.valueOf(port)))
                    .directory(HOME.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("SAFEMAP_") && !k.equals("SAFEMAP_HOME"));
            pb.environment()
                    .putAll(Map.of(
                            "SAFEMAP_DB_URL",
                            CliRun.url(db.target()),
                            "SAFEMAP_VAR_DIR",
                            var.toString(),
                            "SAFEMAP_RETENTION_HOUR",
                            "-1"));
            Process p = pb.start();
            String base = "http://127.0.0.1:" + port;
            for (int k = 0; k < 300; k++) {
                if (!p.isAlive()) {
                    throw new AssertionError("the server ended: " + Files.readString(log));
                }
                try {
                    if (Http.get(base + "/health").statusCode() == 200) {
                        return new Server(p, base, log);
                    }
                } catch (IllegalStateException notYet) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            p.destroyForcibly();
            throw new AssertionError("the server did not come up: " + Files.readString(log));
        }

        String log() throws IOException {
            return Files.readString(logFile);
        }

        static String javaBin() {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
    }

    static Connection lockIncidents(DatabaseTarget t) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", t.user());
        p.setProperty("password", t.password());
        p.setProperty("ApplicationName", "shutdown-test-lock");
        Connection c = DriverManager.getConnection(t.jdbcUrl(), p);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE incident IN ACCESS EXCLUSIVE MODE");
        }
        return c;
    }

    /** Waits (15 s at most) until {@code n} statements of the server wait for the test's lock. */
    static void awaitWaiting(Database db, long n) throws InterruptedException {
        long waiting = -1;
        for (int k = 0; k < 150; k++) {
            waiting = Sql.count(
                    db,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            + "AND wait_event_type = 'Lock' AND application_name = 'safemap'");
            if (waiting == n) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(waiting).as("statements waiting for the lock").isEqualTo(n);
    }
}
