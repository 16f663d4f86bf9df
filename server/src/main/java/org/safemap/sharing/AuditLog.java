package org.safemap.sharing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.config.Settings;

/**
 * The tamper-evident audit log: {@link #record} appends one entry to the hash chain in its own short transaction
 * (one locked read of the chain head, one INSERT that also moves the head, one commit), so it is safe from any request
 * thread or process and never rides on, or waits for, the caller's transaction. Entries from concurrent callers are
 * serialised by the head row's lock: one chain, one order.
 *
 * <p>Recording fails closed: if the entry cannot be written the call throws, and the data path should not answer.
 */
public final class AuditLog {
    static final String LOCK_HEAD = "SELECT seq, hash FROM audit_head FOR UPDATE";
    static final String APPEND = """
            WITH entry AS (
                INSERT INTO audit_log (seq, at, actor, role, partner, via, purpose, action, resource, feeds, result_size,
                                       outcome, detail, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?)
                RETURNING seq, hash)
            UPDATE audit_head h SET seq = entry.seq, hash = entry.hash FROM entry""";
    static final String COLUMNS = "seq, at, actor, role, partner, via, purpose, action, resource, feeds::text, "
            + "result_size, outcome, detail::text, prev_hash, hash";
    private static final String HEAD = "SELECT seq, hash FROM audit_head";
    private static final String ALL_FROM = "SELECT " + COLUMNS + " FROM audit_log WHERE seq >= ? ORDER BY seq";
    private static final String ONE = "SELECT " + COLUMNS + " FROM audit_log WHERE seq = ?";
    private static final String AFTER = "SELECT " + COLUMNS + " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 1";
    private static final String BY_HASH = "SELECT seq FROM audit_log WHERE hash = ? ORDER BY seq LIMIT 1";
    private static final String COUNT = "SELECT count(*) FROM audit_log";
    private static final String SEARCH = "SELECT " + COLUMNS + """
             FROM audit_log
            WHERE (?::timestamptz IS NULL OR at >= ?) AND (?::timestamptz IS NULL OR at < ?)
              AND (?::text IS NULL OR actor = ?) AND (?::text IS NULL OR action = ? OR action LIKE ? || '.%')
              AND seq > ?
            ORDER BY seq LIMIT ?""";

    private final DataSource dataSource;
    private final AuditChain chain;
    private final ProtocolCatalog protocols;
    private final Clock clock;
    /** Guards {@link #queued} and {@link #writing}: the group waiting for a commit, and whether one is being written. */
    private final Object gate = new Object();

    private List<Pending> queued = new ArrayList<>();
    private boolean writing;
    /** Groups committed so far (tests read it to see that concurrent entries share commits). */
    private final java.util.concurrent.atomic.AtomicLong groups = new java.util.concurrent.atomic.AtomicLong();

    public AuditLog(DataSource dataSource, byte[] key, ProtocolCatalog protocols, Clock clock) {
        this.dataSource = dataSource;
        this.chain = new AuditChain(key);
        this.protocols = protocols;
        this.clock = clock;
    }

    /** The server's audit log, keyed by {@link Keys#audit}. */
    public static AuditLog open(Settings settings, DataSource dataSource, ProtocolCatalog protocols) {
        return new AuditLog(dataSource, Keys.audit(settings), protocols, Clock.systemUTC());
    }

    long groupsWritten() {
        return groups.get();
    }

    AuditChain chain() {
        return chain;
    }

    /**
     * Appends the event to the chain and returns the entry as stored. Each feed is recorded with the version of its
     * protocol in force now (null when it has none).
     *
     * <p>Entries are committed in groups: a caller whose entry is queued while another caller's group is being
     * written waits, and the next caller to find the writer free writes everything queued so far in one transaction
     * (one lock of the head, one commit). Every caller still returns only once its own entry is committed, so the
     * rule "no answer without its entry" holds; what changes is that concurrent requests share one commit's flush to
     * disk instead of queueing on the head row's lock for one flush each (a partner's map tiles at a few hundred a
     * second were bound by those flushes).
     *
     * @throws SafemapException {@code audit_failed} when the entry cannot be written
     */
    public AuditEntry record(AuditEvent event) {
        Map<String, Integer> feeds = new LinkedHashMap<>();
        for (String f : event.feeds()) {
            feeds.put(f, protocols.find(f).map(Protocol::version).orElse(null));
        }
        Pending mine = new Pending(event, feeds);
        synchronized (gate) {
            queued.add(mine);
        }
        while (true) {
            List<Pending> group;
            synchronized (gate) {
                while (mine.outcome == null && writing) {
                    try {
                        gate.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        // Still queued: it may yet be written, but this caller cannot wait to answer.
                        throw new SafemapException(
                                ErrorCode.AUDIT_FAILED, "interrupted while the audit entry was written");
                    }
                }
                if (mine.outcome != null) {
                    return mine.result();
                }
                writing = true;
                group = queued;
                queued = new ArrayList<>();
            }
            try {
                write(group);
            } finally {
                synchronized (gate) {
                    writing = false;
                    gate.notifyAll();
                }
            }
        }
    }

    /** An event waiting for its group's commit, and then the entry stored or the failure. */
    private static final class Pending {
        final AuditEvent event;
        final Map<String, Integer> feeds;
        /** Set under {@link #gate}: the entry, or the exception its group failed with. */
        Object outcome;

        Pending(AuditEvent event, Map<String, Integer> feeds) {
            this.event = event;
            this.feeds = feeds;
        }

        AuditEntry result() {
            if (outcome instanceof RuntimeException e) {
                throw e;
            }
            return (AuditEntry) outcome;
        }
    }

    /** Writes a group in one transaction and settles each of its callers, all stored or all failed. */
    private void write(List<Pending> group) {
        List<AuditEntry> stored = new ArrayList<>(group.size());
        RuntimeException failure = null;
        try {
            stored = append(group);
            groups.incrementAndGet();
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            // Every caller of the group must be settled, or it would wait for an entry no one writes.
            failure = new SafemapException(ErrorCode.AUDIT_FAILED, "cannot write to the audit log: " + e, e);
        }
        synchronized (gate) {
            for (int k = 0; k < group.size(); k++) {
                group.get(k).outcome = failure != null ? failure : stored.get(k);
            }
        }
    }

    private List<AuditEntry> append(List<Pending> group) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long headSeq;
                String headHash;
                try (PreparedStatement ps = c.prepareStatement(LOCK_HEAD);
                        ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SafemapException(
                                ErrorCode.AUDIT_FAILED,
                                "the audit chain head is missing: the audit_head "
                                        + "row was removed outside SafeMap; run safemap audit verify");
                    }
                    headSeq = rs.getLong(1);
                    headHash = rs.getString(2);
                }
                List<AuditEntry> out = new ArrayList<>(group.size());
                try (PreparedStatement ps = c.prepareStatement(APPEND)) {
                    for (Pending p : group) {
                        Principal who = p.event.who();
                        AuditEntry unsigned = new AuditEntry(
                                headSeq + 1,
                                AuditChain.truncate(clock.instant()),
                                clean(who.user()),
                                who.role().key(),
                                clean(who.partner()),
                                clean(who.via()),
                                clean(who.purpose()),
                                p.event.action(),
                                clean(p.event.resource()),
                                p.feeds,
                                p.event.resultSize(),
                                p.event.outcome().key(),
                                AuditChain.canonicalJson(p.event.detail()),
                                headHash,
                                AuditChain.GENESIS);
                        AuditEntry entry = unsigned.withHash(chain.hash(unsigned));
                        bind(ps, entry);
                        ps.addBatch();
                        out.add(entry);
                        headSeq = entry.seq();
                        headHash = entry.hash();
                    }
                    ps.executeBatch();
                }
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (e instanceof java.sql.SQLTransientConnectionException
                    || e.getSQLState() != null
                            && (e.getSQLState().startsWith("08")
                                    || e.getSQLState().startsWith("3D"))) {
                // No database at all: say that, as every other path does, rather than blame the audit.
                throw new org.safemap.db.DatabaseUnavailableException(
                        "the database does not answer, so nothing can " + "be read or recorded; try again shortly", e);
            }
            throw new SafemapException(ErrorCode.AUDIT_FAILED, "cannot write to the audit log: " + e.getMessage(), e);
        }
    }

    /** Binds every column of an entry to {@link #APPEND}'s parameters (tests forge rows with it). */
    static void bind(PreparedStatement ps, AuditEntry e) throws SQLException {
        int k = 1;
        ps.setLong(k++, e.seq());
        ps.setObject(k++, OffsetDateTime.ofInstant(e.at(), java.time.ZoneOffset.UTC));
        ps.setString(k++, e.actor());
        ps.setString(k++, e.role());
        ps.setString(k++, e.partner());
        ps.setString(k++, e.via());
        ps.setString(k++, e.purpose());
        ps.setString(k++, e.action());
        ps.setString(k++, e.resource());
        ps.setString(k++, AuditChain.canonicalJson(e.feeds()));
        if (e.resultSize() == null) {
            ps.setNull(k++, Types.BIGINT);
        } else {
            ps.setLong(k++, e.resultSize());
        }
        ps.setString(k++, e.outcome());
        ps.setString(k++, e.detailJson());
        ps.setString(k++, e.prevHash());
        ps.setString(k, e.hash());
    }

    /** The chain head as SafeMap last moved it: the last entry's number and hash (0 and 64 zeros when empty). */
    public Head head() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(HEAD);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : null;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** The last entry's number and hash. */
    public record Head(long seq, String hash) {}

    public long count() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(COUNT);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Every entry from {@code fromSeq} in chain order, streamed from a cursor (the log may be millions of rows). */
    public void forEach(long fromSeq, Consumer<AuditEntry> each) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(ALL_FROM)) {
                ps.setFetchSize(2000);
                ps.setLong(1, fromSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        each.accept(read(rs));
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    public Optional<AuditEntry> entry(long seq) {
        return one(ONE, seq);
    }

    /** The first entry numbered above {@code seq}. */
    public Optional<AuditEntry> entryAfter(long seq) {
        return one(AFTER, seq);
    }

    /** The number of an entry carrying this hash, if any. */
    public Optional<Long> seqOfHash(String hash) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(BY_HASH)) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * Entries in chain order matching every filter given (null: any), after {@code afterSeq}, at most {@code limit}.
     * An action filter {@code api} matches {@code api} and {@code api.*}.
     */
    public List<AuditEntry> search(Instant from, Instant to, String actor, String action, long afterSeq, int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SEARCH)) {
            Timestamp f = from == null ? null : Timestamp.from(from);
            Timestamp t = to == null ? null : Timestamp.from(to);
            ps.setTimestamp(1, f);
            ps.setTimestamp(2, f);
            ps.setTimestamp(3, t);
            ps.setTimestamp(4, t);
            ps.setString(5, actor);
            ps.setString(6, actor);
            ps.setString(7, action);
            ps.setString(8, action);
            ps.setString(9, action);
            ps.setLong(10, afterSeq);
            ps.setInt(11, limit);
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private Optional<AuditEntry> one(String sql, long seq) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** One row of {@link #COLUMNS}. */
    static AuditEntry read(ResultSet rs) throws SQLException {
        Map<String, Integer> feeds = new LinkedHashMap<>();
        com.fasterxml.jackson.databind.JsonNode f = Json.read(rs.getString(10));
        f.fields()
                .forEachRemaining(e -> feeds.put(
                        e.getKey(), e.getValue().isNull() ? null : e.getValue().asInt()));
        long size = rs.getLong(11);
        Long resultSize = rs.wasNull() ? null : size;
        return new AuditEntry(
                rs.getLong(1),
                rs.getObject(2, OffsetDateTime.class).toInstant(),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                feeds,
                resultSize,
                rs.getString(12),
                rs.getString(13),
                rs.getString(14),
                rs.getString(15));
    }

    /** PostgreSQL text cannot hold U+0000; an entry must store exactly what was hashed. */
    private static String clean(String s) {
        return s == null ? null : s.replace("\u0000", "");
    }

    private static SafemapException failed(SQLException e) {
        return new SafemapException(ErrorCode.AUDIT_FAILED, "cannot read the audit log: " + e.getMessage(), e);
    }

    /** JSON parsing for the columns read back. */
    static final class Json {
        private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
                new com.fasterxml.jackson.databind.ObjectMapper();

        private Json() {}

        static com.fasterxml.jackson.databind.JsonNode read(String text) {
            try {
                return MAPPER.readTree(text == null ? "{}" : text);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("audit column is not JSON", e);
            }
        }
    }
}
