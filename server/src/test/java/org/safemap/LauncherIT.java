package org.safemap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.safemap.config.DatabaseTarget;
import org.safemap.db.Database;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;

/** The ./safemap launcher exactly as a user runs it: a separate process, real HTTP, real signals. */
class LauncherIT {
    private static final Path HOME = Path.of(System.getenv("SAFEMAP_HOME"));
    private static final Pattern RUNNING = Pattern.compile("SafeMap is running: open (http://\\S+/) ");

    private static ProcessBuilder launcher(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(HOME.resolve("safemap").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(HOME.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SAFEMAP_") && !k.equals("SAFEMAP_HOME"));
        pb.environment().putAll(env);
        return pb;
    }

    private static String url(DatabaseTarget t) {
        return "postgresql://" + t.user() + ":" + t.password() + "@" + t.description();
    }

    private static String runToEnd(ProcessBuilder pb, int[] exit) throws Exception {
        Process p = pb.redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        exit[0] = p.exitValue();
        return out + "\n--stderr--\n" + err;
    }

    @Test
    void printsVersionAndHelp() throws Exception {
        int[] exit = new int[1];
        assertThat(runToEnd(launcher(Map.of(), "--version"), exit)).contains("SafeMap " + AppVersion.current());
        assertThat(exit[0]).isZero();
        assertThat(runToEnd(launcher(Map.of(), "test", "--help"), exit)).contains("real PostGIS");
        assertThat(exit[0]).isZero();
    }

    private static long total(HttpResponse<String> summary) {
        long total = 0;
        for (JsonNode m : Http.json(summary).path("months")) {
            total += m.path("count").asLong();
        }
        return total;
    }

    /**
     * Every file under the checkout's {@code var/} but the private cluster's own (the cluster the tests run on), with
     * its size and modification time: the user's demo logins, keys, tiles and reports, which tests must not touch.
     */
    static Map<String, String> userFiles() throws IOException {
        Path var = HOME.resolve("var");
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(var)) {
            return files;
        }
        try (Stream<Path> all = Files.walk(var)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String name = var.relativize(p).toString();
                if (name.startsWith("postgis") || !Files.isRegularFile(p)) {
                    continue;
                }
                files.put(name, Files.size(p) + " bytes, " + Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    @Test
    void demoServesTheMapStopsOnSigtermAndDoesNotLoadTwice() throws Exception {
        Database db = TestDatabase.fresh("launcher");
        String dbUrl = url(db.target());
        int port = Http.freePort();
        Map<String, String> before = userFiles();
        // The test's own state folder, as a second installation would have: its demo logins never reach the user's.
        Path var = Files.createTempDirectory("safemap-launcher-var");
        Map<String, String> env = Map.of("SAFEMAP_DB_URL", dbUrl, "SAFEMAP_VAR_DIR", var.toString());
        Process demo = launcher(env, "demo", "--port", String.valueOf(port))
                .redirectErrorStream(true)
                .start();
        try {
            String base = awaitRunning(demo);
            assertThat(base).isEqualTo("http://127.0.0.1:" + port + "/");
            // The server runs its own copy of the build, which a rebuild in the checkout cannot rewrite under it.
            assertThat(demo.info().arguments().map(List::of).orElseThrow())
                    .anySatisfy(a -> assertThat(a)
                            .startsWith(var.resolve("jars") + "/safemap-")
                            .endsWith(".jar"));
            assertThat(Http.get(base).body()).contains("leaflet.js", "app.js");
            assertThat(Http.json(Http.get(base + "api/areas?level=lsoa"))
                            .path("features")
                            .size())
                    .isEqualTo(TestData.DEMO_LSOAS);
            // Nobody signed in: the public, who see neither A&E nor ambulance records under the demo protocols, and
            // fire only as counts per area (which the summary's whole-area totals leave out).
            long partnerOnly = Sql.count(
                    db, "SELECT count(*) FROM incident WHERE feed IN ('istv-ae', 'ambulance', " + "'fire-irs')");
            assertThat(partnerOnly).isPositive();
            assertThat(total(Http.get(base + "api/incidents/summary"))).isEqualTo(TestData.demoRecords() - partnerOnly);
            // Signed in as the demo's CSP analyst, with the password the demo wrote for this database's users:
            // every record.
            String login = Files.readAllLines(var.resolve("demo-logins.txt")).stream()
                    .filter(l -> l.startsWith("demo-analyst "))
                    .reduce((a, b) -> b)
                    .orElseThrow();
            String password = login.split("\\s+")[1];
            HttpResponse<String> signIn = Http.postJson(
                    base + "api/session",
                    "{\"login\": \"demo-analyst\", " + "\"password\": \"" + password
                            + "\", \"purpose\": \"strategic-assessment\"}");
            assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
            String cookie =
                    signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            assertThat(total(Http.get(base + "api/incidents/summary", "Cookie", cookie)))
                    .isEqualTo(TestData.demoRecords());
        } finally {
            demo.destroy(); // SIGTERM, as from a service manager or Ctrl-C
        }
        assertThat(demo.waitFor(30, TimeUnit.SECONDS))
                .as("server stops within 30 s of SIGTERM")
                .isTrue();

        int[] exit = new int[1];
        String again = runToEnd(launcher(env, "demo", "--load-only"), exit);
        assertThat(exit[0]).isZero();
        assertThat(again).contains("Demo data was already loaded; nothing new.");
        assertThat(Files.readAllLines(var.resolve("demo-logins.txt")).stream()
                        .filter(l -> l.startsWith("demo-analyst "))
                        .count())
                .as("one set of demo logins, not a second on the second run")
                .isEqualTo(1);
        assertThat(userFiles())
                .as("the checkout's var/ is the user's: the demo run left it as it was")
                .isEqualTo(before);
        assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isEqualTo(TestData.demoRecords());
        db.close();
        try (Stream<Path> jars = Files.list(var.resolve("jars"))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Files.delete(jar); // 70 MB a run, in the temporary folder
            }
        }
    }

    /**
     * Class data sharing: a command's first run after a build records the classes it loaded, a later run checks the
     * recording, names it and maps the classes from it, with the same output; a recording that is not a usable
     * archive (a JVM killed while writing it) is thrown away and the command runs without one.
     */
    @Test
    void aCommandsLaterRunsLoadTheClassesItsFirstRunRecorded() throws Exception {
        Path var = Files.createTempDirectory("safemap-launcher-cds");
        Map<String, String> env = Map.of("SAFEMAP_VAR_DIR", var.toString());
        Path jars = var.resolve("jars");
        int[] exit = new int[1];
        String first = runToEnd(launcher(env, "feeds", "list"), exit);
        assertThat(exit[0]).isZero();
        assertThat(first).contains("police-uk");
        assertThat(files(jars, ".jsa")).isEmpty();
        assertThat(files(jars, ".jsa.rec.")).hasSize(1);

        Path classes = Files.createTempFile("safemap-classes", ".log");
        Map<String, String> logged =
                Map.of("SAFEMAP_VAR_DIR", var.toString(), "SAFEMAP_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        assertThat(runToEnd(launcher(logged, "feeds", "list"), exit)).isEqualTo(first);
        assertThat(exit[0]).isZero();
        List<String> archives = files(jars, ".jsa");
        assertThat(archives).hasSize(1).allSatisfy(a -> assertThat(a).contains("-feeds-java-"));
        assertThat(files(jars, ".jsa.rec.")).isEmpty();
        long fromArchive = Files.readAllLines(classes).stream()
                .filter(l -> l.contains("source: shared objects file (top)"))
                .count();
        assertThat(fromArchive).as("classes mapped from the command's archive").isGreaterThan(500);

        // a broken recording (cut short) of another command: discarded, and that command runs as without one
        Path broken =
                jars.resolve(archives.get(0).replace("-feeds-", "-protocols-") + ".rec.4194305"); // no such process
        byte[] whole = Files.readAllBytes(jars.resolve(archives.get(0)));
        Files.write(broken, java.util.Arrays.copyOf(whole, whole.length / 2));
        String protocols = runToEnd(launcher(env, "protocols", "list"), exit);
        assertThat(exit[0]).as(protocols).isZero();
        assertThat(protocols).contains("--stderr--\n");
        assertThat(protocols.substring(protocols.indexOf("--stderr--"))).isEqualTo("--stderr--\n");
        assertThat(broken).doesNotExist();
        try (Stream<Path> all = Files.list(jars)) {
            for (Path f : (Iterable<Path>) all::iterator) {
                Files.delete(f); // 70 MB of jar and archives a run, in the temporary folder
            }
        }
        Files.delete(classes);
    }

    /** The names of the files in {@code dir} containing {@code part} ("x.jsa" holds ".jsa"; only it ends so). */
    private static List<String> files(Path dir, String part) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.map(p -> p.getFileName().toString())
                    .filter(n -> part.endsWith(".") ? n.contains(part) : n.endsWith(part))
                    .toList();
        }
    }

    @Test
    void aWrongDatabaseUrlGivesOneLineAndNonZeroExit() throws Exception {
        int[] exit = new int[1];
        String output = runToEnd(launcher(Map.of("SAFEMAP_DB_URL", "postgresql://u:p@127.0.0.1:1/none"), "demo"), exit);
        assertThat(exit[0]).isEqualTo(1);
        String stderr = output.substring(output.indexOf("--stderr--") + "--stderr--".length())
                .strip();
        assertThat(stderr.lines()).hasSize(1);
        assertThat(stderr)
                .startsWith(
                        "safemap: database_unavailable: cannot connect to PostgreSQL at 127.0.0.1:1/none (SAFEMAP_DB_URL)");
    }

    /** Reads the launcher's output until it says where it listens; fails with the output if it dies first. */
    private static String awaitRunning(Process p) throws IOException {
        StringBuilder seen = new StringBuilder();
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = RUNNING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> reader.lines().forEach(l -> {}), "drain-launcher");
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new AssertionError("the demo ended before serving; it said:\n" + seen);
    }
}
