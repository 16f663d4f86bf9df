package org.safemap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.safemap.config.DatabaseTarget;
import org.safemap.db.Database;
import org.safemap.runs.RunStore;
import org.safemap.sharing.Role;
import org.safemap.testing.CliRun;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestUsers;

/**
 * kill -9, the crash no shutdown hook sees, of real processes in the middle of their work: a server receiving an
 * upload, a server computing a hot spot run, {@code safemap ingest} loading a file. After a restart nothing is
 * left behind: no run still "running", no temporary files, no half-loaded batch, no orphan partition table.
 */
class CrashRecoveryIT {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aServerKilledDuringAnUploadAndARunLeavesNothingBehindAfterRestart() throws Exception {
        Database db = TestDatabase.fresh("crash_server");
        String admin = TestUsers.token(db, "crash-admin", Role.ADMIN, "police", "strategic-assessment");
        Path var = ShutdownIT.HOME.resolve(
                "server/target/crash-var-" + ProcessHandle.current().pid());
        ShutdownIT.Server first = ShutdownIT.Server.start(db, var);
        long pid = first.process().pid();
        Path tmp = var.resolve("tmp").resolve(Long.toString(pid));
        // The map state (months, extent) read before the areas are locked, as a running server has it.
        assertThat(Http.get(first.base() + "/wms?SERVICE=WMS&REQUEST=GetCapabilities")
                        .statusCode())
                .isEqualTo(200);
        try (Connection lock = lock(db.target(), "area")) {
            // A hot spot run, recorded as running, waiting for the areas it reads.
            CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(first.base() + "/api/hotspots"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", Http.bearer(admin))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"period\": \"2022-01..2022-03\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            // An upload of a few megabytes, part spooled to disk, whose client is still sending.
            CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(first.base() + "/api/feeds/police-uk/uploads"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", Http.bearer(admin))
                            .header("Content-Type", "multipart/form-data; boundary=b")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(BigThenSlow::new))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            awaitRows(db, "SELECT count(*) FROM hotspot_run WHERE status = 'running'", 1);
            awaitFiles(tmp);
            // While its process lives, the run is not anyone's to fail.
            assertThat(new RunStore(db.dataSource()).failAbandoned()).isEmpty();

            first.process().destroyForcibly(); // SIGKILL
            assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Sql.count(db, "SELECT count(*) FROM hotspot_run WHERE status = 'running'"))
                .isEqualTo(1);
        assertThat(files(tmp)).isNotEmpty();

        ShutdownIT.Server second = ShutdownIT.Server.start(db, var);
        try {
            assertThat(Sql.count(db, "SELECT count(*) FROM hotspot_run WHERE status = 'running'"))
                    .isZero();
            assertThat(Sql.value(db, "SELECT message FROM hotspot_run WHERE status = 'failed'")
                            .toString())
                    .contains("the process running it ended");
            assertThat(tmp).doesNotExist();
            assertThat(Sql.count(db, "SELECT count(*) FROM load_batch")).isZero();
            assertThat(second.log())
                    .contains("marked 1 run(s) failed", "removed temporary files left by stopped " + "process " + pid);
            // The failed run reads as such over HTTP.
            long id = Sql.count(db, "SELECT id FROM hotspot_run WHERE status = 'failed'");
            HttpResponse<String> run =
                    Http.get(second.base() + "/api/hotspots/" + id, "Authorization", Http.bearer(admin));
            assertThat(Http.json(run).path("status").asText()).isEqualTo("failed");
        } finally {
            second.process().destroy();
            second.process().waitFor(15, TimeUnit.SECONDS);
        }
        db.close();
        ShutdownIT.deleteTree(var);
    }

    @Test
    void anIngestKilledMidLoadLeavesNoBatchNoPartitionAndNoFiles() throws Exception {
        Database db = TestDatabase.fresh("crash_ingest");
        Path var = ShutdownIT.HOME.resolve(
                "server/target/crash-ingest-var-" + ProcessHandle.current().pid());
        Files.createDirectories(var);
        Path file = var.resolve("2022-07-big-street.csv");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                    + "Crime type,Last outcome category,Context\n");
            for (int i = 0; i < 300_000; i++) {
                w.write("c" + i + ",2022-07,Merseyside Police,Merseyside Police," + (-2.99 + (i % 1000) * 1e-5)
                        + "," + (53.40 + (i / 1000) * 1e-5) + ",On or near Some Street,E01006512,Liverpool 031A,"
                        + "Burglary,,\n");
            }
        }
        Process ingest = cli(db, var, "ingest", "--feed", "police-uk", file.toString());
        long pid = ingest.pid();
        // Killed while it writes the batch's rows.
        for (int k = 0;
                k < 600 && Sql.count(db, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY %'") == 0;
                k++) {
            assertThat(ingest.isAlive()).as("the load is still going").isTrue();
            Thread.sleep(50);
        }
        assertThat(files(var.resolve("tmp").resolve(Long.toString(pid))))
                .as("its quarantine spill")
                .isNotEmpty();
        ingest.destroyForcibly();
        assertThat(ingest.waitFor(10, TimeUnit.SECONDS)).isTrue();

        // The load was one transaction: the database rolled all of it back when the connection dropped.
        awaitRows(db, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY %'", 0);
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch")).isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'batches'"))
                .isZero();
        // The next command removes the files the killed one left.
        Process next = cli(db, var, "feeds", "list");
        assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(var.resolve("tmp").resolve(Long.toString(pid))).doesNotExist();
        db.close();
        ShutdownIT.deleteTree(var);
    }

    /** A {@code java -jar safemap.jar} command on the test's database, output to var/cli-PID.log. */
    private static Process cli(Database db, Path var, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                ShutdownIT.Server.javaBin(),
                "-jar",
                ShutdownIT.HOME.resolve("server/target/safemap.jar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(ShutdownIT.HOME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(var.resolve("cli-" + args[0] + ".log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SAFEMAP_") && !k.equals("SAFEMAP_HOME"));
        pb.environment().putAll(Map.of("SAFEMAP_DB_URL", CliRun.url(db.target()), "SAFEMAP_VAR_DIR", var.toString()));
        return pb.start();
    }

    /** Megabytes at once (so Jetty spools the part to disk), then a trickle that never ends. */
    static final class BigThenSlow extends InputStream {
        private final byte[] head = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
                        + "Content-Type: text/csv\r\n\r\n")
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
            if (sent > 3L << 20) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                len = Math.min(len, 64);
            }
            java.util.Arrays.fill(b, off, off + len, (byte) 'x');
            sent += len;
            return len;
        }
    }

    private static Connection lock(DatabaseTarget t, String table) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", t.user());
        p.setProperty("password", t.password());
        p.setProperty("ApplicationName", "crash-test-lock");
        Connection c = DriverManager.getConnection(t.jdbcUrl(), p);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        }
        return c;
    }

    private static void awaitRows(Database db, String sql, long n) throws InterruptedException {
        long seen = -1;
        for (int k = 0; k < 200; k++) {
            seen = Sql.count(db, sql);
            if (seen == n) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(seen).as(sql).isEqualTo(n);
    }

    private static void awaitFiles(Path dir) throws Exception {
        for (int k = 0; k < 200; k++) {
            if (!files(dir).isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing was spooled under " + dir);
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
