package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.db.Database;
import org.safemap.testing.CliRun;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;

/**
 * The attack anchors exist for, against real PostGIS: someone who can change the database (but holds no key) deletes
 * the newest audit entries and moves the chain head back, leaving a chain that checks out by itself. The anchors the
 * server wrote outside the database, by itself, catch it without anyone giving an anchor by hand: in the server's
 * next scheduled check, in {@code safemap audit verify}, and once SafeMap has written on past the cut.
 */
class AuditAnchorsIT {
    private static final String KEY_TEXT = "audit-anchors-test-key-0123456789abcdef";

    @AutoClose
    private static Database db;

    private static AuditLog log;

    @TempDir
    Path anchorDir;

    @BeforeAll
    static void setUp() {
        db = TestDatabase.fresh("audit_anchors");
        log = new AuditLog(
                db.dataSource(),
                KEY_TEXT.getBytes(StandardCharsets.UTF_8),
                ProtocolCatalog.builtIn(),
                Clock.systemUTC());
    }

    @BeforeEach
    void emptyTheLog() {
        asSuperuser("TRUNCATE audit_log", "UPDATE audit_head SET seq = 0, hash = repeat('0', 64)");
    }

    /** What a database owner can do: switch the append-only triggers off, change rows, switch them back on. */
    private static void asSuperuser(String... statements) {
        Sql.execute(db, "ALTER TABLE audit_log DISABLE TRIGGER USER");
        Sql.execute(db, "ALTER TABLE audit_head DISABLE TRIGGER USER");
        for (String s : statements) {
            Sql.execute(db, s);
        }
        Sql.execute(db, "ALTER TABLE audit_log ENABLE TRIGGER USER");
        Sql.execute(db, "ALTER TABLE audit_head ENABLE TRIGGER USER");
    }

    private AuditAnchors anchors(String command) {
        return new AuditAnchors(anchorDir, AuditAnchors.databaseName(db.dataSource()), command);
    }

    private CliRun.Result cli(String... args) {
        return CliRun.run(
                Map.of(
                        "SAFEMAP_DB_URL",
                        CliRun.url(db.target()),
                        "SAFEMAP_AUDIT_KEY",
                        KEY_TEXT,
                        "SAFEMAP_AUDIT_ANCHOR_DIR",
                        anchorDir.toString()),
                args);
    }

    /** Waits (up to 30 s) until the anchor file has {@code lines} lines. */
    private static List<String> awaitLines(AuditAnchors anchors, int lines) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (Files.exists(anchors.file())) {
                List<String> all = Files.readAllLines(anchors.file());
                if (all.size() >= lines) {
                    return all;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the scheduled check wrote no anchor within 30 s");
    }

    @Test
    void deletingTheNewestEntriesAndRewindingTheHeadIsCaughtByTheAnchorsTheServerWroteByItself() throws Exception {
        AuditChainIT.seed(log, 100);
        AuditAnchors anchors = anchors("");
        // The server's schedule: a check, recorded as entry 101, then that entry anchored outside the database.
        try (AuditAnchoring schedule = AuditAnchoring.every(log, anchors, Duration.ZERO, Duration.ofHours(24))) {
            List<String> lines = awaitLines(anchors, 1);
            String hash101 = (String) Sql.value(db, "SELECT hash FROM audit_log WHERE seq = 101");
            assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ 101:" + hash101);
        }
        assertThat(Sql.value(
                        db,
                        "SELECT action || ' ' || actor || ' ' || (detail->>'intact') FROM audit_log "
                                + "WHERE seq = 101"))
                .isEqualTo("audit.verify system:audit-anchor true");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(anchors.file())))
                .isEqualTo("rw-------");
        AuditChainIT.seed(log, 20);

        // The attack: entries 98 to 121 deleted, the head moved back to 97. On its own the chain now checks out.
        asSuperuser(
                "DELETE FROM audit_log WHERE seq > 97",
                "UPDATE audit_head SET seq = 97, hash = (SELECT hash FROM audit_log WHERE seq = 97)");
        assertThat(new AuditVerifier(log).verify().intact())
                .as("the cut is invisible without anchors")
                .isTrue();

        // safemap audit verify reads the anchors by itself: no --anchor needed.
        CliRun.Result verify = cli("audit", "verify");
        assertThat(verify.code()).as(verify.out() + verify.err()).isEqualTo(1);
        assertThat(verify.out())
                .contains("audit log tampered")
                .contains("the anchored entry 101 is no longer in the log")
                .contains("Checked against 1 anchor (" + anchors.file());

        // The server's next scheduled check finds it too, and anchors nothing: it notes the failure instead.
        AuditAnchoring.Outcome scheduled =
                AuditAnchoring.check(log, anchors, List.of(), AuditAnchoring.SCHEDULE, true, n -> {});
        assertThat(scheduled.verification().intact()).isFalse();
        assertThat(scheduled.verification().problem().kind()).isEqualTo(AuditVerifier.Tampering.DELETED);
        assertThat(scheduled.anchored()).isNull();
        List<String> lines = Files.readAllLines(anchors.file());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("# ").contains("check failed, not anchored: audit log tampered");
        assertThat(anchors.read()).hasSize(1);

        // SafeMap writes on from the rewound head: entry 101 exists again, but it is not the anchored one.
        AuditChainIT.seed(log, 5);
        assertThat(Sql.count(db, "SELECT count(*) FROM audit_log WHERE seq = 101"))
                .isEqualTo(1);
        AuditVerifier.Verification v = AuditAnchoring.check(
                        log, anchors, List.of(), AuditAnchoring.SCHEDULE, false, n -> {})
                .verification();
        assertThat(v.problem().kind()).isEqualTo(AuditVerifier.Tampering.REWRITTEN);
        assertThat(v.problem().message()).contains("entry 101 no longer carries the anchored hash");
        assertThat(cli("audit", "anchor").code())
                .as("a tampered chain is never anchored")
                .isEqualTo(1);
        assertThat(anchors.read()).hasSize(1);
    }

    @Test
    void anIntactChainIsAnchoredByTheCommandAndEachAnchorGoesToTheConfiguredCommandToo() throws Exception {
        AuditChainIT.seed(log, 10);
        Path copy = anchorDir.resolve("elsewhere.txt");
        CliRun.Result anchored = CliRun.run(
                Map.of(
                        "SAFEMAP_DB_URL",
                        CliRun.url(db.target()),
                        "SAFEMAP_AUDIT_KEY",
                        KEY_TEXT,
                        "SAFEMAP_AUDIT_ANCHOR_DIR",
                        anchorDir.toString(),
                        "SAFEMAP_AUDIT_ANCHOR_COMMAND",
                        "cat >> '" + copy + "'"),
                "audit",
                "anchor");
        assertThat(anchored.code()).as(anchored.out() + anchored.err()).isZero();
        String hash11 = (String) Sql.value(db, "SELECT hash FROM audit_log WHERE seq = 11");
        assertThat(anchored.out()).contains("11:" + hash11);
        assertThat(Files.readString(copy)).endsWith(" 11:" + hash11 + "\n");
        AuditChainIT.seed(log, 3);
        CliRun.Result verify = cli("audit", "verify");
        assertThat(verify.code()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("14 entries, chain intact").contains("Checked against 1 anchor");
        // An anchor file edited by hand is not silently ignored.
        Files.writeString(anchors("").file(), "not an anchor\n", java.nio.file.StandardOpenOption.APPEND);
        CliRun.Result edited = cli("audit", "verify");
        assertThat(edited.code()).isNotZero();
        assertThat(edited.err() + edited.out()).contains("line 2 is not an anchor");
    }
}
