package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safemap.testing.SourceFiles.POLICE_UK_HEADER;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.files.InputFormatException;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;

/**
 * Real police.uk rows, corrupted at random in the ways partners' files go wrong, through the real loader into
 * PostGIS. Whatever the damage: rows read = accepted + quarantined, no line is both, every untouched row is
 * accepted as it was, and every line of the file is either a stored record, a quarantined row, or kept inside a
 * quarantined row's text. Seeds are fixed, so a failure is reproducible; the seed is in the message.
 */
class CorruptedInputIT {
    private static final int TRIALS = 100;
    private static final int ROWS_PER_TRIAL = 150;

    @AutoClose
    private static Database db;

    private static List<String> realRows;
    private static FeedDefinition policeUk;

    /** What was done to a line, and so what the loader must do with it. */
    private enum Fate {
        /** untouched: must be accepted */
        INTACT,
        /** changed in a way a reader must cope with (CRLF, a quoted line break): must be accepted */
        BENIGN,
        /** damaged: accepted or quarantined, but accounted for */
        DAMAGED,
        /** an empty line: carries nothing */
        EMPTY
    }

    private record Unit(int line, Fate fate, String crimeId, String text) {}

    @BeforeAll
    static void setUp() throws IOException {
        db = TestDatabase.fresh("corrupted");
        policeUk = FeedCatalog.builtIn().get("police-uk");
        realRows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(CorruptedInputIT.class
                        .getClassLoader()
                        .getResourceAsStream("demo/2022-05-liverpool-street.csv.gz")),
                StandardCharsets.UTF_8))) {
            r.readLine();
            r.lines().forEach(realRows::add);
        }
    }

    @Test
    void randomDamageNeverLosesOrDuplicatesARow() {
        IncidentLoader loader = new IncidentLoader(db.dataSource());
        for (int trial = 0; trial < TRIALS; trial++) {
            long seed = 20221124L + trial;
            Random random = new Random(seed);
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            List<Unit> units = new ArrayList<>();
            if (random.nextInt(4) == 0) {
                file.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // a byte-order mark
            }
            file.writeBytes(POLICE_UK_HEADER.getBytes(StandardCharsets.UTF_8));
            int line = 2;
            int start = random.nextInt(realRows.size() - ROWS_PER_TRIAL);
            for (int i = 0; i < ROWS_PER_TRIAL; i++) {
                String row = realRows.get(start + i);
                String crimeId = row.substring(0, row.indexOf(','));
                int op = random.nextInt(100) < 80 ? -1 : random.nextInt(13);
                String written = switch (op) {
                    case -1, 4, 9, 11 -> row;
                    case 0 -> row.replaceFirst(",", ";");
                    case 1 -> dropField(row, random);
                    case 2 -> row + ",extra";
                    case 3 -> {
                        int at = random.nextInt(row.length() + 1);
                        yield row.substring(0, at) + "\"" + row.substring(at);
                    }
                    case 5 -> swapLatLon(row);
                    case 6 -> row.replace(",2022-05,", ",2022-13,");
                    case 7 -> replaceField(row, 4, "10.5");
                    case 8 -> row.substring(0, random.nextInt(row.length()));
                    case 10 -> {
                        // A quoted line break inside the location: valid CSV over two lines.
                        String[] f = row.split(",", -1);
                        f[6] = "\"" + f[6].replaceFirst(" ", "\n") + "\"";
                        yield String.join(",", f);
                    }
                    default -> replaceField(row, 4, "");
                };
                byte[] bytes = (written + (op == 9 ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8);
                Fate fate = switch (op) {
                    case -1, 11 -> Fate.INTACT;
                    case 9, 10 -> Fate.BENIGN;
                    default -> Fate.DAMAGED;
                };
                String text = written;
                if (op == 4) {
                    int at = random.nextInt(bytes.length - 1);
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    b.write(bytes, 0, at);
                    b.write(0xE9); // Latin-1 'é': not UTF-8
                    b.write(bytes, at, bytes.length - at);
                    bytes = b.toByteArray();
                    text = null;
                }
                if (op == 11) {
                    units.add(new Unit(line++, Fate.EMPTY, null, ""));
                    file.write('\n');
                }
                file.writeBytes(bytes);
                units.add(new Unit(line, fate, crimeId, text));
                line += count(bytes, (byte) '\n');
            }
            check(
                    seed,
                    loader.load(SourceFiles.bytes("trial-" + seed + ".csv", file.toByteArray()), policeUk, null),
                    units);
        }
    }

    private void check(long seed, IncidentLoader.Result r, List<Unit> units) {
        String where = "seed " + seed;
        Map<Integer, String> accepted = new HashMap<>();
        for (List<Object> row : Sql.rows(
                db, "SELECT line_no, coalesce(source_ref, '') FROM incident WHERE batch_id = ?", r.batchId())) {
            assertThat(accepted.put((Integer) row.get(0), (String) row.get(1)))
                    .as(where + ": line stored twice")
                    .isNull();
        }
        Map<Integer, String> quarantined = new HashMap<>();
        for (List<Object> row :
                Sql.rows(db, "SELECT line_no, raw_record FROM quarantine WHERE batch_id = ?", r.batchId())) {
            quarantined.put((Integer) row.get(0), (String) row.get(1));
        }
        assertThat(r.rowsRead()).as(where).isEqualTo(accepted.size() + quarantined.size());
        assertThat(Sql.rows(
                        db,
                        "SELECT rows_read, rows_loaded, rows_quarantined FROM load_batch WHERE id = ?",
                        r.batchId()))
                .as(where)
                .containsExactly(List.of(r.rowsRead(), accepted.size(), quarantined.size()));
        Set<Integer> both = new HashSet<>(accepted.keySet());
        both.retainAll(quarantined.keySet());
        assertThat(both).as(where + ": lines both stored and quarantined").isEmpty();

        for (Unit u : units) {
            switch (u.fate()) {
                case EMPTY -> assertThat(accepted).as(where).doesNotContainKey(u.line());
                case INTACT, BENIGN -> {
                    boolean stored = u.crimeId().equals(accepted.get(u.line()));
                    boolean keptInside = quarantined.values().stream().anyMatch(raw -> raw.contains(u.text()));
                    assertThat(stored || keptInside)
                            .as(where + ": line " + u.line() + " (" + u.fate() + ") was lost")
                            .isTrue();
                    if (u.fate() == Fate.BENIGN) {
                        assertThat(stored)
                                .as(where + ": line " + u.line() + " should load")
                                .isTrue();
                    }
                }
                case DAMAGED -> {
                    boolean accounted = accepted.containsKey(u.line())
                            || quarantined.containsKey(u.line())
                            || u.text() != null
                                    && quarantined.values().stream().anyMatch(raw -> raw.contains(u.text()));
                    assertThat(accounted)
                            .as(where + ": damaged line " + u.line() + " is unaccounted for")
                            .isTrue();
                }
            }
        }
    }

    @Test
    void theListedKindsOfBadInputEachGetAReasonACustodianUnderstands() {
        String good = "a1,2022-05,Merseyside Police,Merseyside Police,-2.98,53.40,On or near Bold Street,E01006512,"
                + "Liverpool 060A,Burglary,,\n";
        String megabytes = "x".repeat(10 * 1024 * 1024);
        IncidentLoader.Result r = new IncidentLoader(db.dataSource())
                .load(
                        SourceFiles.text(
                                "bad-kinds.csv",
                                POLICE_UK_HEADER
                                        + good
                                        + "a2,2022-02-30,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n" // impossible month
                                        + "a3,2022-05,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,,extra\n" // extra column
                                        + "a4,2022-05,M,M,-2.98,53.40,On or near X\n" // missing columns
                                        + "a5,2022-05,M,M,10.1,53.40,On or near X,E01006512,L,Burglary,,\n" // outside
                                        // GB
                                        + "a6,2022-05,M,M,53.40,-2.98,On or near X,E01006512,L,Burglary,,\n" // swapped
                                        + megabytes + "\n" // a 10 MB line
                                        + good.replace("a1", "a7")),
                        policeUk,
                        null);
        assertThat(r.rowsLoaded()).isEqualTo(2);
        assertThat(r.rowsQuarantined()).isEqualTo(6);
        List<List<Object>> reasons = Sql.rows(
                db,
                "SELECT line_no, field, reason, length(raw_record) FROM quarantine "
                        + "WHERE batch_id = ? ORDER BY line_no",
                r.batchId());
        assertThat(reasons).extracting(row -> row.get(0)).containsExactly(3, 4, 5, 6, 7, 8);
        assertThat((String) reasons.get(0).get(2)).contains("2022-02-30");
        assertThat((String) reasons.get(1).get(2)).isEqualTo("expected 12 fields as in the header, found 13");
        assertThat((String) reasons.get(2).get(2)).isEqualTo("expected 12 fields as in the header, found 7");
        assertThat((String) reasons.get(3).get(2)).contains("outside Great Britain");
        assertThat((String) reasons.get(4).get(2)).contains("look swapped");
        assertThat((String) reasons.get(5).get(2)).isEqualTo("the row is longer than 1 MB");
        assertThat((Integer) reasons.get(5).get(3))
                .as("a huge row is kept in part, with its size")
                .isLessThan(5000);
    }

    @Test
    void anEmptyFileIsRefusedAndAHeaderOnlyFileLoadsNothing() {
        IncidentLoader loader = new IncidentLoader(db.dataSource());
        assertThatThrownBy(() -> loader.load(SourceFiles.text("empty.csv", ""), policeUk, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessage("empty.csv line 1: the file is empty; expected a header row");
        IncidentLoader.Result r = loader.load(SourceFiles.text("header-only.csv", POLICE_UK_HEADER), policeUk, null);
        assertThat(r.rowsRead()).isZero();
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'batches' AND tablename = ?",
                        "incident_" + r.batchId()))
                .isZero();
    }

    private static String dropField(String row, Random random) {
        List<String> f = new ArrayList<>(List.of(row.split(",", -1)));
        f.remove(random.nextInt(f.size()));
        return String.join(",", f);
    }

    private static String replaceField(String row, int index, String value) {
        String[] f = row.split(",", -1);
        f[index] = value;
        return String.join(",", f);
    }

    private static String swapLatLon(String row) {
        String[] f = row.split(",", -1);
        String lon = f[4];
        f[4] = f[5];
        f[5] = lon;
        return String.join(",", f);
    }

    private static int count(byte[] bytes, byte b) {
        int n = 0;
        for (byte x : bytes) {
            if (x == b) {
                n++;
            }
        }
        return n;
    }
}
