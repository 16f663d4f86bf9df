package org.safemap.sharing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.IncidentCounts;
import org.safemap.db.IncidentPartitions;
import org.safemap.time.Period;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes records whose protocol's retention has ended. For each protocol, a record expires when its retention,
 * counted from the event's end ({@code event_to}, retention_from "event") or from its batch's load
 * ({@code load_batch.loaded_at}, "received"), has passed. A batch all of whose remaining records expired loses its
 * tables ({@link IncidentPartitions#tables}, dropped rather than emptied row by row) and its quarantined rows
 * (they hold the raw records); otherwise its expired rows are deleted. The {@code load_batch} row stays, with how many
 * records went and when, so audit entries, reports and stored runs still name the file and protocol version.
 *
 * <p>Each feed is purged in its own transaction, under an advisory lock so two purges never interleave; then one
 * audit entry is written for it and a report for its custodian ({@link RetentionReport}). Stored hotspot runs are
 * aggregates (area counts, surfaces) and are not deleted. Listeners hear of every purge that deleted anything, so the
 * map tile cache can be dropped at once.
 */
public final class RetentionPurge {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionPurge.class);
    /** The principal scheduled purges run as. */
    public static final Principal SCHEDULE = new Principal("system:retention", Role.ADMIN, null, null, "schedule");

    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('safemap.retention'))";
    /** Batches not yet fully purged, oldest first. */
    private static final String BATCHES = """
            SELECT id, source_name, loaded_at, protocol_version
            FROM load_batch WHERE kind = 'incidents' AND feed = ? AND purged_at IS NULL ORDER BY id""";
    /** Per batch of the feed: records whose event ended before the cut-off (event_from bounds it, and is indexed). */
    private static final String EXPIRED_BY_EVENT = """
            SELECT batch_id, count(*) FROM incident
            WHERE feed = ? AND event_from < ? AND event_to < ? GROUP BY batch_id""";

    private static final String BATCH_QUARANTINE = "SELECT count(*) FROM quarantine WHERE batch_id = ?";
    private static final String DELETE_QUARANTINE = "DELETE FROM quarantine WHERE batch_id = ?";
    private static final String MARK_PURGED = """
            UPDATE load_batch SET rows_purged = rows_purged + ?, purged_at = CASE WHEN ? THEN ? ELSE purged_at END
            WHERE id = ?""";
    private static final String REMAINING = """
            SELECT count(*), min(event_from), max(event_to), min(event_to), count(DISTINCT batch_id)
            FROM incident WHERE feed = ?""";
    private static final String OLDEST_BATCH = """
            SELECT min(loaded_at) FROM load_batch WHERE kind = 'incidents' AND feed = ? AND purged_at IS NULL""";

    /**
     * What went (or would go) from one batch.
     *
     * @param batchId         the load batch
     * @param sourceName      its file
     * @param loadedAt        when it was loaded
     * @param protocolVersion the protocol version it arrived under (null: not recorded)
     * @param records         records deleted
     * @param whole           whether the batch's last records went (its partition dropped)
     * @param quarantined     quarantined rows deleted with it
     */
    public record BatchPurge(
            long batchId,
            String sourceName,
            Instant loadedAt,
            Integer protocolVersion,
            long records,
            boolean whole,
            long quarantined) {}

    /**
     * What is left of a feed after the purge.
     *
     * @param records     records left
     * @param batches     batches they are in
     * @param oldestEvent earliest event start left, or null
     * @param newestEvent latest event end left, or null
     * @param nextExpiry  when the next of them reaches the end of its retention, or null when none is left
     */
    public record Remaining(long records, long batches, Instant oldestEvent, Instant newestEvent, Instant nextExpiry) {}

    /**
     * One feed's purge.
     *
     * @param protocol   the protocol whose retention clause applied (the version in force at the purge)
     * @param cutoff     records counted from before this instant expired
     * @param batches    batches that lost records
     * @param remaining  what is left
     * @param auditSeq   the audit entry written for it (null in a dry run or when nothing went)
     * @param reports    report files written for its custodian
     */
    public record FeedPurge(
            Protocol protocol,
            Instant cutoff,
            List<BatchPurge> batches,
            Remaining remaining,
            Long auditSeq,
            List<Path> reports) {
        public long records() {
            return batches.stream().mapToLong(BatchPurge::records).sum();
        }

        public long wholeBatches() {
            return batches.stream().filter(BatchPurge::whole).count();
        }

        public long quarantined() {
            return batches.stream().mapToLong(BatchPurge::quarantined).sum();
        }
    }

    /**
     * @param dryRun whether nothing was deleted
     * @param at     when it ran
     * @param feeds  every protocol's feed, in catalogue order
     */
    public record Result(boolean dryRun, Instant at, List<FeedPurge> feeds) {
        public long records() {
            return feeds.stream().mapToLong(FeedPurge::records).sum();
        }
    }

    private final DataSource dataSource;
    private final ProtocolCatalog protocols;
    private final AuditLog audit;
    private final RetentionReports reports;
    private final Clock clock;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public RetentionPurge(
            DataSource dataSource, ProtocolCatalog protocols, AuditLog audit, RetentionReports reports, Clock clock) {
        this.dataSource = dataSource;
        this.protocols = protocols;
        this.audit = audit;
        this.reports = reports;
        this.clock = clock;
    }

    /** The server's purge: its protocols and audit log, reports under var/reports/retention, the system clock. */
    public static RetentionPurge of(
            org.safemap.config.Settings settings, DataSource dataSource, ProtocolCatalog protocols, AuditLog audit) {
        return new RetentionPurge(dataSource, protocols, audit, RetentionReports.of(settings), Clock.systemUTC());
    }

    /** Called after every purge that deleted records (not after dry runs): e.g. to drop the map tile cache. */
    public void onPurged(Runnable listener) {
        listeners.add(listener);
    }

    /** Purges every feed that has a protocol, as {@code who}; with {@code dryRun}, only counts. */
    public Result run(Principal who, boolean dryRun) {
        Instant now = clock.instant();
        List<FeedPurge> out = new ArrayList<>();
        for (Protocol p : protocols.all()) {
            out.add(purge(who, p, now, dryRun));
        }
        Result result = new Result(dryRun, now, out);
        if (!dryRun
                && result.records()
                                + out.stream().mapToLong(FeedPurge::quarantined).sum()
                        > 0) {
            for (Runnable l : listeners) {
                try {
                    l.run();
                } catch (RuntimeException e) {
                    LOG.warn("a retention listener failed: {}", e.toString());
                }
            }
        }
        return result;
    }

    /** The instant before which a record counted from it has expired under {@code p}, at {@code now}. */
    public static Instant cutoff(Protocol p, Instant now) {
        return now.atZone(Period.LONDON).minus(p.retention()).toInstant();
    }

    private FeedPurge purge(Principal who, Protocol p, Instant now, boolean dryRun) {
        Instant cutoff = cutoff(p, now);
        boolean byEvent = p.retentionFrom().equals("event");
        List<BatchPurge> done = new ArrayList<>();
        Remaining remaining;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute(LOCK);
                }
                Map<Long, Long> expiredByBatch = byEvent ? expiredByEvent(c, p.feed(), cutoff) : Map.of();
                try (PreparedStatement ps = c.prepareStatement(BATCHES)) {
                    ps.setString(1, p.feed());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long id = rs.getLong(1);
                            Instant loadedAt =
                                    rs.getObject(3, OffsetDateTime.class).toInstant();
                            int v = rs.getInt(4);
                            Integer version = rs.wasNull() ? null : v;
                            List<String> tables = IncidentPartitions.tables(c, id);
                            long present = 0;
                            for (String t : tables) {
                                present += count(c, "SELECT count(*) FROM " + t);
                            }
                            long expired;
                            boolean whole;
                            if (!byEvent || present == 0) {
                                // by receipt, or a batch with nothing left to date: the load's date decides
                                whole = loadedAt.isBefore(cutoff);
                                expired = whole ? present : 0;
                            } else {
                                expired = expiredByBatch.getOrDefault(id, 0L);
                                whole = expired == present;
                            }
                            if (expired == 0 && !whole) {
                                continue;
                            }
                            long quarantined = whole ? count(c, BATCH_QUARANTINE, id) : 0;
                            if (!dryRun) {
                                apply(c, tables, id, whole, expired, cutoff, now);
                            }
                            done.add(new BatchPurge(
                                    id, rs.getString(2), loadedAt, version, expired, whole, quarantined));
                        }
                    }
                }
                remaining = dryRun ? remainingAfterDryRun(c, p, done) : remaining(c, p);
                if (dryRun) {
                    c.rollback();
                } else {
                    c.commit();
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SafemapException(
                    ErrorCode.INTERNAL_ERROR,
                    "the retention purge of feed " + p.feed() + " failed and was " + "rolled back",
                    e);
        }
        FeedPurge purged = new FeedPurge(p, cutoff, List.copyOf(done), remaining, null, List.of());
        if (dryRun || done.isEmpty()) {
            return purged;
        }
        AuditEntry entry = audit.record(AuditEvent.of(who, "retention.purge", "feed " + p.feed())
                .feeds(List.of(p.feed()))
                .resultSize(purged.records())
                .detail("clause", "retention " + p.retention() + " from " + p.retentionFrom())
                .detail("cutoff", cutoff.toString())
                .detail("batches", done.stream().map(BatchPurge::batchId).toList())
                .detail("batches_dropped", purged.wholeBatches())
                .detail("quarantined_deleted", purged.quarantined())
                .detail("remaining_records", remaining.records())
                .detail(
                        "oldest_remaining",
                        remaining.oldestEvent() == null
                                ? null
                                : remaining.oldestEvent().toString())
                .detail(
                        "newest_remaining",
                        remaining.newestEvent() == null
                                ? null
                                : remaining.newestEvent().toString()));
        purged = new FeedPurge(p, cutoff, purged.batches(), remaining, entry.seq(), List.of());
        List<Path> files = reports.write(purged, now);
        LOG.info(
                "retention: feed {}: {} records deleted from {} batches ({} dropped whole), {} quarantined rows; "
                        + "audit entry {}",
                p.feed(),
                purged.records(),
                done.size(),
                purged.wholeBatches(),
                purged.quarantined(),
                entry.seq());
        return new FeedPurge(p, cutoff, purged.batches(), remaining, entry.seq(), files);
    }

    private static void apply(
            Connection c, List<String> tables, long id, boolean whole, long expired, Instant cutoff, Instant now)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            if (whole && !tables.isEmpty()) {
                IncidentPartitions.lockTree(c);
                for (String t : tables) {
                    IncidentCounts.subtract(c, t, null);
                    s.execute("DROP TABLE " + t);
                }
            } else if (expired > 0) {
                for (String t : tables) {
                    IncidentCounts.subtract(c, t, cutoff);
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE event_to < ?")) {
                        ps.setTimestamp(1, Timestamp.from(cutoff));
                        ps.executeUpdate();
                    }
                }
            }
        }
        if (whole) {
            try (PreparedStatement ps = c.prepareStatement(DELETE_QUARANTINE)) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(MARK_PURGED)) {
            ps.setLong(1, expired);
            ps.setBoolean(2, whole);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setLong(4, id);
            ps.executeUpdate();
        }
    }

    private static Map<Long, Long> expiredByEvent(Connection c, String feed, Instant cutoff) throws SQLException {
        Map<Long, Long> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(EXPIRED_BY_EVENT)) {
            ps.setString(1, feed);
            ps.setTimestamp(2, Timestamp.from(cutoff));
            ps.setTimestamp(3, Timestamp.from(cutoff));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    private static Remaining remaining(Connection c, Protocol p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REMAINING)) {
            ps.setString(1, p.feed());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long records = rs.getLong(1);
                Instant oldest = instant(rs, 2);
                Instant newest = instant(rs, 3);
                Instant firstEnd = instant(rs, 4);
                long batches = rs.getLong(5);
                Instant from = p.retentionFrom().equals("event") ? firstEnd : oldestLoad(c, p.feed());
                Instant next = records == 0 || from == null
                        ? null
                        : from.atZone(Period.LONDON).plus(p.retention()).toInstant();
                return new Remaining(records, batches, oldest, newest, next);
            }
        }
    }

    /** A dry run changes nothing, so what remains is what is there less what would go; dates are not re-derived. */
    private static Remaining remainingAfterDryRun(Connection c, Protocol p, List<BatchPurge> wouldGo)
            throws SQLException {
        Remaining now = remaining(c, p);
        long going = wouldGo.stream().mapToLong(BatchPurge::records).sum();
        long batches = now.batches()
                - wouldGo.stream().filter(b -> b.whole() && b.records() > 0).count();
        return new Remaining(now.records() - going, batches, null, now.newestEvent(), null);
    }

    private static Instant oldestLoad(Connection c, String feed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OLDEST_BATCH)) {
            ps.setString(1, feed);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return instant(rs, 1);
            }
        }
    }

    private static long count(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
