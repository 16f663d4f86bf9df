package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safemap.testing.SourceFiles.POLICE_UK_HEADER;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.cli.Cli;
import org.safemap.db.Database;
import org.safemap.testing.CliRun;
import org.safemap.testing.MonthCounts;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;

/**
 * {@code safemap ingest --jobs 2} stores what {@code --jobs 1} stores: eight files of two months over the same
 * LSOAs (so their kept counts change the same keys while loads overlap), each its own batch, reported in the order
 * given.
 */
class IngestJobsIT {
    private static final String[] MONTHS = {"2022-02", "2022-03"};
    private static final int PER_MONTH = 4;

    @AutoClose
    private static Database inTurn;

    @AutoClose
    private static Database atOnce;

    @TempDir
    static Path dir;

    private static final List<Path> files = new ArrayList<>();

    @BeforeAll
    static void setUp() throws IOException {
        inTurn = TestData.liverpoolLsoas("jobs_one");
        atOnce = TestData.liverpoolLsoas("jobs_two");
        for (String month : MONTHS) {
            List<String> rows = rows("demo/" + month + "-liverpool-street.csv.gz");
            // February's first file holds most rows, so with two jobs the next files finish before it does; March's
            // files are of a size, so their loads overlap the most
            List<StringBuilder> parts = new ArrayList<>();
            for (int k = 0; k < PER_MONTH; k++) {
                parts.add(new StringBuilder(POLICE_UK_HEADER));
            }
            for (int i = 0; i < rows.size(); i++) {
                int k = month.equals(MONTHS[0]) ? (i % 16 < 13 ? 0 : 1 + i % 16 - 13) : i % PER_MONTH;
                parts.get(k).append(rows.get(i)).append('\n');
            }
            for (int k = 0; k < PER_MONTH; k++) {
                // a row each file quarantines, on a line of its own
                parts.get(k)
                        .append("q" + k + "," + month + ",M,M,53.40,-2.98,On or near Bold Street,E01006512,L,"
                                + "Burglary,,\n");
                Path file = dir.resolve(month + "-part" + k + ".csv");
                Files.writeString(file, parts.get(k), StandardCharsets.UTF_8);
                files.add(file);
            }
        }
    }

    private static List<String> rows(String resource) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(IngestJobsIT.class.getClassLoader().getResourceAsStream(resource)),
                StandardCharsets.UTF_8))) {
            return r.lines().skip(1).toList();
        }
    }

    private static CliRun.Result ingest(Database db, String jobs) {
        List<String> args = new ArrayList<>(List.of("ingest", "--feed", "police-uk", "--jobs", jobs));
        files.forEach(f -> args.add(f.toString()));
        return CliRun.run(Map.of("SAFEMAP_DB_URL", CliRun.url(db.target())), args.toArray(String[]::new));
    }

    /** The file names at the start of the summary lines, in the order printed. */
    private static List<String> reported(CliRun.Result r) {
        return r.out()
                .lines()
                .filter(l -> l.matches("20\\d\\d-\\d\\d-part\\d\\.csv: .*"))
                .map(l -> l.substring(0, l.indexOf(':')))
                .toList();
    }

    private static List<List<Object>> stored(Database db) {
        return Sql.rows(db, """
                SELECT b.source_name, b.rows_read, b.rows_loaded, b.rows_quarantined, i.line_no, i.lsoa_code,
                       i.category, i.event_from, ST_AsText(i.geom)
                FROM incident i JOIN load_batch b ON b.id = i.batch_id
                ORDER BY b.source_name, i.line_no""");
    }

    private static List<List<Object>> quarantined(Database db) {
        return Sql.rows(db, """
                SELECT b.source_name, q.line_no, q.reason FROM quarantine q JOIN load_batch b ON b.id = q.batch_id
                ORDER BY b.source_name, q.line_no""");
    }

    private static List<List<Object>> kept(Database db) {
        return Sql.rows(
                db, "SELECT month, lsoa_code, category, feed, records FROM incident_month_count ORDER BY 1, 2, 3, 4");
    }

    @Test
    void twoJobsStoreWhatOneJobStoresAndReportInTheOrderGiven() {
        CliRun.Result one = ingest(inTurn, "1");
        assertThat(one.code()).as(one.err()).isZero();
        CliRun.Result two = ingest(atOnce, "2");
        assertThat(two.code()).as(two.err()).isZero();

        List<String> given = files.stream().map(f -> f.getFileName().toString()).toList();
        assertThat(reported(one)).isEqualTo(given);
        assertThat(reported(two)).isEqualTo(given);
        // each file's lines stay under its own summary line
        for (CliRun.Result r : List.of(one, two)) {
            List<String> lines = r.out().lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).matches("20\\d\\d-\\d\\d-part\\d\\.csv: batch .*")) {
                    assertThat(lines.get(i)).contains(" 1 quarantined");
                    assertThat(lines.subList(i + 1, lines.size()))
                            .as(lines.get(i))
                            .anyMatch(l -> l.startsWith("  quarantined 1: "));
                }
            }
        }

        assertThat(Sql.count(atOnce, "SELECT count(*) FROM load_batch WHERE kind = 'incidents'"))
                .isEqualTo(files.size());
        List<List<Object>> stored = stored(inTurn);
        assertThat(stored).hasSizeGreaterThan(10_000);
        assertThat(stored(atOnce)).isEqualTo(stored);
        assertThat(quarantined(atOnce)).isEqualTo(quarantined(inTurn)).hasSize(files.size());
        assertThat(Sql.count(inTurn, "SELECT count(*) FROM incident WHERE lsoa_code IS NOT NULL"))
                .isGreaterThan(stored.size() * 9L / 10);
        List<List<Object>> kept = kept(inTurn);
        assertThat(kept).hasSizeGreaterThan(500);
        assertThat(kept(atOnce)).isEqualTo(kept);
        assertThat(MonthCounts.mismatches(inTurn)).isZero();
        assertThat(MonthCounts.mismatches(atOnce)).isZero();

        // again, at once: every file is reported as loaded already, in order, and nothing changes
        CliRun.Result again = ingest(atOnce, "2");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(reported(again)).isEqualTo(given);
        assertThat(again.out().lines().filter(l -> l.contains(": already loaded into police-uk as batch")))
                .hasSize(files.size());
        assertThat(stored(atOnce)).isEqualTo(stored);
        assertThat(kept(atOnce)).isEqualTo(kept);
    }

    @Test
    void jobsBelowOneIsAUsageErrorBeforeAnythingIsRead() {
        CliRun.Result r = ingest(inTurn, "0");
        assertThat(r.code()).isEqualTo(Cli.USAGE);
        assertThat(r.err()).contains("--jobs must be at least 1, not 0");
    }
}
