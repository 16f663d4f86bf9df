package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.db.Database;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.IncidentLoader;
import org.safemap.map.MapData;
import org.safemap.testing.CliRun;
import org.safemap.testing.MonthCounts;
import org.safemap.testing.MutableClock;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;

/**
 * The retention purge against real PostGIS and real load batches, under test protocols with short retentions: police-uk
 * kept two years from the event's end, btp thirty days from receipt. The clock is 15 June 2024, 13:00 UK time.
 */
class RetentionPurgeIT {
    /** A batch's tables: batches.incident_<id>, or one per month, batches.incident_<id>_<yyyy>_<mm>. */
    private static final String BATCH_TABLES = "SELECT count(*) FROM pg_tables WHERE schemaname = 'batches' "
            + "AND (tablename = 'incident_' || ?::bigint OR tablename LIKE 'incident\\_' || ?::bigint || '\\_%')";

    private static final String KEY = "retention-test-audit-key-0123456789";
    private static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    @AutoClose
    private static Database db;

    private static ProtocolCatalog protocols;
    private static Path protocolsDir;
    private static long fullyExpired;
    private static long partlyExpired;
    private static long current;
    private static long receivedLongAgo;
    private static long receivedRecently;

    @BeforeAll
    static void load() throws IOException {
        db = TestDatabase.fresh("retention");
        protocolsDir = Files.createDirectories(temp.resolve("protocols"));
        protocol("police-uk", "P2Y", "event");
        protocol("btp", "P30D", "received");
        protocols = ProtocolCatalog.load(protocolsDir);

        IncidentLoader loader = new IncidentLoader(db.dataSource());
        FeedCatalog feeds = FeedCatalog.builtIn();
        // whole file expired: events ended 1 June 2021 and 1 June 2022, both before the cut-off of 15 June 2022
        fullyExpired = loader.load(
                        SourceFiles.text(
                                "a.csv",
                                SourceFiles.POLICE_UK_HEADER
                                        + policeUk("2021-05", 5)
                                        + policeUk("2022-05", 3)
                                        + BAD_ROW),
                        feeds.get("police-uk"),
                        null)
                .batchId();
        // half: May 2022 ended before the cut-off; June 2022 ends on 1 July 2022, after it
        partlyExpired = loader.load(
                        SourceFiles.text(
                                "b.csv",
                                SourceFiles.POLICE_UK_HEADER
                                        + policeUk("2022-05", 4)
                                        + policeUk("2022-06", 6)
                                        + BAD_ROW),
                        feeds.get("police-uk"),
                        null)
                .batchId();
        current = loader.load(
                        SourceFiles.text("c.csv", SourceFiles.POLICE_UK_HEADER + policeUk("2023-01", 5)),
                        feeds.get("police-uk"),
                        null)
                .batchId();
        // btp counts from receipt: recent events, but one file received 45 days ago
        receivedLongAgo = loader.load(
                        SourceFiles.text("d.csv", SourceFiles.POLICE_UK_HEADER + policeUk("2024-04", 7) + BAD_ROW),
                        feeds.get("btp"),
                        null)
                .batchId();
        receivedRecently = loader.load(
                        SourceFiles.text("e.csv", SourceFiles.POLICE_UK_HEADER + policeUk("2024-04", 2) + BAD_ROW),
                        feeds.get("btp"),
                        null)
                .batchId();
        Sql.execute(
                db,
                "UPDATE load_batch SET loaded_at = '2024-05-01 09:00Z', protocol_version = 1 WHERE id = "
                        + receivedLongAgo);
        Sql.execute(db, "UPDATE load_batch SET loaded_at = '2024-06-01 09:00Z' WHERE id = " + receivedRecently);
        Sql.execute(
                db,
                "UPDATE load_batch SET loaded_at = '2024-01-01 09:00Z', protocol_version = 1 WHERE feed = 'police-uk'");
        assertThat(Sql.count(db, "SELECT count(*) FROM quarantine")).isEqualTo(4);
    }

    private static final String BAD_ROW = "bad,2022-05,Merseyside Police,Merseyside Police,not-a-number,53.40,"
            + "On or near Bold Street,E01006513,Liverpool 060A,Burglary,,\n";

    @Test
    void dryRunThenScheduledPurgeDeleteExactlyTheExpiredRecords() throws Exception {
        AuditLog audit =
                new AuditLog(db.dataSource(), KEY.getBytes(StandardCharsets.UTF_8), protocols, new MutableClock(NOW));
        MutableClock clock = new MutableClock(NOW);
        Path reportsDir = temp.resolve("reports");
        RetentionPurge purge =
                new RetentionPurge(db.dataSource(), protocols, audit, new RetentionReports(reportsDir), clock);
        AtomicInteger heard = new AtomicInteger();
        purge.onPurged(heard::incrementAndGet);
        String mapVersion = new MapData(db.dataSource()).version();

        // --dry-run: the same answer, nothing deleted, nothing written
        RetentionPurge.Result dry = purge.run(Principal.cli("tester", null, null), true);
        assertThat(feed(dry, "police-uk").records()).isEqualTo(12);
        assertThat(feed(dry, "btp").records()).isEqualTo(7);
        assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isEqualTo(32);
        assertThat(Sql.count(db, "SELECT count(*) FROM quarantine")).isEqualTo(4);
        assertThat(Sql.count(db, "SELECT count(*) FROM audit_log")).isZero();
        assertThat(reportsDir).doesNotExist();
        assertThat(heard.get()).isZero();
        CliRun.Result cliDry = CliRun.run(
                Map.of(
                        "SAFEMAP_DB_URL",
                        CliRun.url(db.target()),
                        "SAFEMAP_AUDIT_KEY",
                        KEY,
                        "SAFEMAP_PROTOCOLS_DIR",
                        protocolsDir.toString()),
                "retention",
                "purge",
                "--dry-run");
        assertThat(cliDry.code()).as(cliDry.err()).isZero();
        assertThat(cliDry.out()).contains("police-uk: would delete").contains("nothing was deleted");
        assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isEqualTo(32);

        // the schedule (02:00 UK time) runs it when the clock reaches the hour
        clock.set(Instant.parse("2024-06-15T00:30:00Z"));
        try (RetentionSchedule schedule = new RetentionSchedule(
                () -> purge.run(RetentionPurge.SCHEDULE, false),
                2,
                clock,
                org.safemap.time.Period.LONDON,
                Duration.ofMillis(20))) {
            assertThat(schedule.nextDue()).isEqualTo(Instant.parse("2024-06-15T01:00:00Z"));
            Thread.sleep(200);
            assertThat(Sql.count(db, "SELECT count(*) FROM audit_log"))
                    .as("not due yet")
                    .isZero();
            clock.set(NOW);
            long deadline = System.currentTimeMillis() + 30_000;
            while (Sql.count(db, "SELECT count(*) FROM audit_log") < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(schedule.nextDue()).isEqualTo(Instant.parse("2024-06-16T01:00:00Z"));
        }

        // exactly the expired records went, event-based and receipt-based
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE feed = 'police-uk'"))
                .isEqualTo(11);
        assertThat(
                        Sql.count(
                                db,
                                "SELECT count(*) FROM incident WHERE feed = 'police-uk' AND event_to < '2022-06-15 13:00 Europe/London'"))
                .isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE batch_id = ?", partlyExpired))
                .isEqualTo(6);
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE batch_id = ?", current))
                .isEqualTo(5);
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE feed = 'btp'"))
                .isEqualTo(2);
        // the kept monthly counts lost exactly what went (whole batches dropped, expired records deleted)
        assertThat(MonthCounts.mismatches(db)).isZero();
        assertThat(Sql.count(db, "SELECT sum(records) FROM incident_month_count WHERE feed = 'police-uk'"))
                .isEqualTo(11);
        // whole batches lose their tables (one per month) and quarantined rows; the others keep theirs
        for (long gone : new long[] {fullyExpired, receivedLongAgo}) {
            assertThat(Sql.count(db, BATCH_TABLES, gone, gone)).isZero();
            assertThat(Sql.count(db, "SELECT count(*) FROM quarantine WHERE batch_id = ?", gone))
                    .isZero();
            assertThat(Sql.value(db, "SELECT purged_at FROM load_batch WHERE id = ?", gone))
                    .isNotNull();
        }
        for (long kept : new long[] {partlyExpired, current, receivedRecently}) {
            assertThat(Sql.count(db, BATCH_TABLES, kept, kept)).isPositive();
            assertThat(Sql.value(db, "SELECT purged_at FROM load_batch WHERE id = ?", kept))
                    .isNull();
        }
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM quarantine WHERE batch_id IN (?, ?)",
                        partlyExpired,
                        receivedRecently))
                .isEqualTo(2);
        assertThat(Sql.rows(db, "SELECT id, rows_purged FROM load_batch ORDER BY id"))
                .containsExactly(
                        List.of(fullyExpired, 8),
                        List.of(partlyExpired, 4),
                        List.of(current, 0),
                        List.of(receivedLongAgo, 7),
                        List.of(receivedRecently, 0));

        // one audit entry per feed, in the chain, naming the protocol version and counts
        assertThat(Sql.rows(
                        db,
                        "SELECT actor, via, action, feeds::text, result_size, detail->>'batches_dropped', "
                                + "detail->>'remaining_records' FROM audit_log ORDER BY seq"))
                .containsExactly(
                        List.of(
                                "system:retention",
                                "schedule",
                                "retention.purge",
                                "{\"police-uk\": 1}",
                                12L,
                                "1",
                                "11"),
                        List.of("system:retention", "schedule", "retention.purge", "{\"btp\": 1}", 7L, "1", "2"));
        assertThat(new AuditVerifier(audit).verify().intact()).isTrue();

        // the custodian's report, in words and as JSON
        String text = Files.readString(reportsDir.resolve("police-uk-2024-06-15.txt"));
        assertThat(text)
                .contains("version 1")
                .contains("records are kept for 2 years counted from the end of the event")
                .contains("12 records from 2 load batches")
                .contains("1 batches were removed whole, with 1 rows")
                .contains("11 records in 2 batches")
                .contains("on 1 July 2024")
                .contains("Stored hotspot runs are aggregates")
                .contains("audit entry 1");
        JsonNode report =
                JSON.readTree(reportsDir.resolve("btp-2024-06-15.json").toFile());
        assertThat(report.path("recordsDeleted").asLong()).isEqualTo(7);
        assertThat(report.path("quarantinedDeleted").asLong()).isEqualTo(1);
        assertThat(report.path("protocol").path("retentionFrom").asText()).isEqualTo("received");
        assertThat(report.path("remaining").path("nextExpiry").asText()).isEqualTo("2024-07-01T09:00:00Z");
        assertThat(report.path("batches").get(0).path("protocolVersion").asInt())
                .isEqualTo(1);
        assertThat(new RetentionReports(reportsDir).list(protocols, p -> true))
                .extracting(RetentionReports.Listed::name)
                .containsExactlyInAnyOrder("police-uk-2024-06-15", "btp-2024-06-15");

        // maps learn of it: the listener ran and the data version every cache keys on moved
        assertThat(heard.get()).isEqualTo(1);
        assertThat(new MapData(db.dataSource()).version()).isNotEqualTo(mapVersion);

        // nothing more is due: a second purge deletes nothing and audits nothing
        RetentionPurge.Result again = purge.run(RetentionPurge.SCHEDULE, false);
        assertThat(again.records()).isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM audit_log")).isEqualTo(2);
        assertThat(heard.get()).isEqualTo(1);
    }

    private static RetentionPurge.FeedPurge feed(RetentionPurge.Result r, String feed) {
        return r.feeds().stream()
                .filter(f -> f.protocol().feed().equals(feed))
                .findFirst()
                .orElseThrow();
    }

    /** police.uk rows in Liverpool for one month. */
    private static String policeUk(String month, int rows) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            out.append(month)
                    .append("-")
                    .append(i)
                    .append(',')
                    .append(month)
                    .append(",Merseyside Police,Merseyside Police,-2.98")
                    .append(i)
                    .append(",53.40")
                    .append(i)
                    .append(",On or near Bold Street,E01006513,Liverpool 060A,Burglary,,\n");
        }
        return out.toString();
    }

    /** A built-in protocol with a shorter retention, written to the test's protocols folder. */
    private static void protocol(String feed, String retention, String from) throws IOException {
        try (InputStream in =
                RetentionPurgeIT.class.getClassLoader().getResourceAsStream("protocols/" + feed + ".json")) {
            ObjectNode p = (ObjectNode) JSON.readTree(in);
            p.put("retention", retention);
            p.put("retention_from", from);
            Files.writeString(protocolsDir.resolve(feed + ".json"), JSON.writeValueAsString(p));
        }
    }
}
