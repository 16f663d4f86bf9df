package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.cli.Cli;
import org.safemap.db.Database;
import org.safemap.testing.CliRun;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;

/** {@code safemap ingest}, {@code feeds} and {@code geocode} as a user runs them, and a load killed mid-file. */
class FeedsCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOME = Path.of(System.getenv("SAFEMAP_HOME"));

    @AutoClose
    private static Database db;

    private static Map<String, String> env;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() {
        db = TestDatabase.fresh("feeds_cli");
        env = Map.of("SAFEMAP_DB_URL", CliRun.url(db.target()));
    }

    private static Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static JsonNode byFile(JsonNode batches, String file) {
        for (JsonNode b : batches) {
            if (b.path("file").asText().equals(file)) {
                return b;
            }
        }
        throw new AssertionError("no batch of " + file + " in " + batches);
    }

    @Test
    void ingestReportsEachFileAndTheJsonReportAddsUp() throws IOException {
        Path month = dir.resolve("2022-02-liverpool-street.csv.gz");
        try (var in = getClass().getClassLoader().getResourceAsStream("demo/2022-02-liverpool-street.csv.gz")) {
            Files.copy(in, month);
        }
        Path bad = write(
                "2022-02-extra.csv",
                "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                        + "LSOA code,LSOA name,Crime type,Last outcome category,Context\n"
                        + "x1,2022-02,M,M,-2.98,53.40,On or near Bold Street,E01006512,L,Burglary,,\n"
                        + "x2,2022-02,M,M,53.40,-2.98,On or near Bold Street,E01006512,L,Burglary,,\n"
                        + "x3,2022-02,M,M,-2.98,53.40,On or near Bold Street,E01006512,L,Kidnap,,\n");

        CliRun.Result r = CliRun.run(env, "ingest", "--feed", "police-uk", month.toString(), bad.toString());
        assertThat(r.code()).as(r.err()).isZero();
        int lines = TestData.dataLines("demo/2022-02-liverpool-street.csv.gz");
        assertThat(r.out())
                .containsPattern("2022-02-liverpool-street.csv.gz: batch \\d+: " + String.format("%,d", lines)
                        + " rows read, " + String.format("%,d", lines) + " loaded, 0 quarantined in [0-9.]+ s");
        assertThat(r.out())
                .contains(
                        "2022-02-extra.csv: batch",
                        "3 rows read, 1 loaded, 2 quarantined",
                        "located by: snapped-map-point 100.0%",
                        "e.g. line 3, field 'Longitude': longitude 53.40 and latitude " + "-2.98 look swapped");

        CliRun.Result again = CliRun.run(env, "ingest", "--feed", "police-uk", month.toString());
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("already loaded into police-uk as batch", "nothing changed");

        CliRun.Result json = CliRun.run(env, "feeds", "report", "--format", "json");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode batches = JSON.readTree(json.out());
        assertThat(batches.isArray()).isTrue();
        assertThat(batches).hasSize(2);
        // two files load at once by default (--jobs 2): batch numbers follow the order the loads began, not the files'
        JsonNode first = byFile(batches, "2022-02-liverpool-street.csv.gz");
        assertThat(first.path("feed").asText()).isEqualTo("police-uk");
        for (JsonNode b : batches) {
            assertThat(b.path("rows_read").asInt())
                    .isEqualTo(
                            b.path("accepted").asInt() + b.path("quarantined").asInt());
            long reasons = 0;
            for (JsonNode n : b.path("reasons")) {
                reasons += n.asLong();
            }
            long methods = 0;
            for (JsonNode n : b.path("geocode_methods")) {
                methods += n.asLong();
            }
            assertThat(reasons).isEqualTo(b.path("quarantined").asLong());
            assertThat(methods).isEqualTo(b.path("accepted").asLong());
        }
        JsonNode extra = byFile(batches, "2022-02-extra.csv");
        assertThat(extra.path("reasons").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder(
                        "longitude 53.40 and latitude -2.98 look swapped",
                        "category '…' is not one this feed shares: mapping '…' has no entry for it");

        CliRun.Result quarantine = CliRun.run(
                env, "feeds", "quarantine", "--batch", extra.path("batch").asText());
        assertThat(quarantine.out().lines().toList()).hasSize(3).first().isEqualTo("line,field,reason,raw");
        assertThat(quarantine.out())
                .contains("3,\"Longitude\",", "\"x3,2022-02,M,M,-2.98,53.40,On or near Bold Street,");

        CliRun.Result text = CliRun.run(env, "feeds", "report", "--feed", "police-uk");
        assertThat(text.out()).contains("police-uk: 2 batches, " + String.format("%,d", lines + 3) + " rows read");
    }

    @Test
    void aRefusedFileLoadsNothingAndTheExitCodeSaysSo() throws IOException {
        Path withIds = write(
                "ae.csv",
                String.join(",", IstvAeCsvAdapter.COLUMNS) + ",nhs_number\n"
                        + "REM,02/07/2022,01:40,02/07/2022,00:55,Bold Street,Public place,Body part,,4857773456\n");
        CliRun.Result r = CliRun.run(env, "ingest", "--feed", "istv-ae", withIds.toString());
        assertThat(r.code()).isEqualTo(Cli.FAILED);
        assertThat(r.out())
                .contains("ae.csv: refused, nothing loaded: ae.csv line 1, field 'nhs_number': this column "
                        + "is not among the fields the feed declares");
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE feed = 'istv-ae'"))
                .isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM quarantine WHERE raw_record LIKE '%4857773456%'"))
                .isZero();

        CliRun.Result unknown = CliRun.run(env, "ingest", "--feed", "police", withIds.toString());
        assertThat(unknown.code()).isEqualTo(Cli.FAILED);
        assertThat(unknown.err())
                .contains("no feed 'police'; the feeds are: police-uk, btp, istv-ae, ambulance, fire-irs");
    }

    @Test
    void geocodeCommandsLoadReferenceDataAndFindPlaces() throws IOException {
        Path places =
                write("places.csv", "name,kind,locality,x,y,precision_m\nThe Grapes,venue,Central,334560,390420,25\n");
        CliRun.Result load = CliRun.run(env, "geocode", "gazetteer", places.toString());
        assertThat(load.out()).contains("places.csv: 1 places read, 1 stored");
        CliRun.Result find = CliRun.run(env, "geocode", "find", "outside the Graeps");
        assertThat(find.code()).as(find.err()).isZero();
        assertThat(find.out())
                .contains("venue: easting 334560, northing 390420 (EPSG:27700), within 25 m; matched "
                        + "'The Grapes, Central'");
        CliRun.Result missing = CliRun.run(env, "geocode", "find", "--postcode", "ZZ9 9ZZ");
        assertThat(missing.code()).isEqualTo(Cli.FAILED);
        assertThat(missing.out())
                .contains("Not found: could not locate: postcode ZZ9 9ZZ is not in the postcode table");
    }

    /**
     * Kills a real ingest process (SIGKILL, no chance to clean up) while it streams rows into its partition, then
     * loads the same file again: the first attempt left nothing, the second loads every row exactly once.
     */
    @Test
    void aLoadKilledMidFileLeavesNothingAndTheRerunLoadsEveryRowOnce() throws Exception {
        Database own = TestDatabase.fresh("killed_ingest");
        Path big = dir.resolve("big-street.csv");
        int rows = bigFile(big, 600_000);
        List<String> command = List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                HOME.resolve("server/target/safemap.jar").toString(),
                "ingest",
                "--feed",
                "police-uk",
                big.toString());
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SAFEMAP_") && !k.equals("SAFEMAP_HOME"));
        pb.environment().put("SAFEMAP_DB_URL", CliRun.url(own.target()));
        Process ingest = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // Wait until rows are streaming into the batch's partition, then give it a moment more.
        while (Sql.count(own, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY batches.incident_%'")
                == 0) {
            assertThat(ingest.isAlive())
                    .as("ingest ended before it could be killed")
                    .isTrue();
            assertThat(System.nanoTime()).as("COPY never started").isLessThan(deadline);
            Thread.sleep(20);
        }
        Thread.sleep(300);
        ingest.destroyForcibly();
        assertThat(ingest.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // The server notices the dead client and rolls its transaction back.
        while (Sql.count(own, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY batches.incident_%'") > 0) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(Sql.count(own, "SELECT count(*) FROM load_batch")).isZero();
        assertThat(Sql.count(own, "SELECT count(*) FROM incident")).isZero();
        assertThat(Sql.count(own, "SELECT count(*) FROM pg_tables WHERE schemaname = 'batches'"))
                .isZero();

        Map<String, String> ownEnv = Map.of("SAFEMAP_DB_URL", CliRun.url(own.target()));
        CliRun.Result rerun = CliRun.run(ownEnv, "ingest", "--feed", "police-uk", big.toString());
        assertThat(rerun.code()).as(rerun.err()).isZero();
        assertThat(Sql.count(own, "SELECT count(*) FROM incident")).isEqualTo(rows);
        assertThat(Sql.count(own, "SELECT count(DISTINCT line_no) FROM incident"))
                .isEqualTo(rows);
        assertThat(CliRun.run(ownEnv, "ingest", "--feed", "police-uk", big.toString())
                        .out())
                .contains("already loaded");
        assertThat(Sql.count(own, "SELECT count(*) FROM incident")).isEqualTo(rows);
        assertThat(Sql.count(own, "SELECT count(*) FROM pg_tables WHERE schemaname = 'batches'"))
                .isOne();
        own.close();
    }

    /** Real police.uk rows repeated (with fresh Crime IDs) to {@code rows} rows. */
    private static int bigFile(Path file, int rows) throws IOException {
        List<String> real = new ArrayList<>();
        String header;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(
                        FeedsCliIT.class.getClassLoader().getResourceAsStream("demo/2022-03-liverpool-street.csv.gz")),
                StandardCharsets.UTF_8))) {
            header = r.readLine();
            r.lines().forEach(real::add);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(header);
            w.write('\n');
            for (int i = 0; i < rows; i++) {
                String row = real.get(i % real.size());
                w.write(String.format("%064x", i));
                w.write(row, row.indexOf(','), row.length() - row.indexOf(','));
                w.write('\n');
            }
        }
        return rows;
    }
}
