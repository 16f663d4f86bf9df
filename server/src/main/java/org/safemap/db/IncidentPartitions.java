package org.safemap.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a batch's records live. {@code incident} is partitioned three ways, so that a query for a period plans over
 * the batches of that period only, however many batches there are (docs/performance.md, "Many batches"):
 * <ol>
 * <li>by the UK month a record starts in ({@code event_from}): {@code periods.incident_2022_03} (schema periods, V17);</li>
 * <li>each month by when its records end ({@code event_to}): {@code periods.incident_2022_03_short} for records that
 *     end within two months of the month's start (every police.uk month, nearly every timed record), and
 *     {@code periods.incident_2022_03_long} for the rest;</li>
 * <li>each of those by batch ({@code batch_id}): a batch's records in one (month, end) are one table,
 *     {@code batches.incident_<id>} when the whole batch is one, else {@code batches.incident_<id>_2022_03} and
 *     {@code batches.incident_<id>_2022_03_long}.</li>
 * </ol>
 * A period query states {@code event_from < end} (which drops later months) and {@code event_to >= start} (which
 * drops the short ends of months two or more before it) before the planner looks at any batch: pruning by partition
 * bounds happens before a partition is opened, while constraint exclusion by a batch's own time span (still stated,
 * for execution) costs the planner about 0.3 ms per batch it must open.
 *
 * <p>Within a period, a read of a box names the batches whose records' box meets it ({@link #meeting}, kept in
 * {@code load_batch.extent} by {@link #place}), so batch_id pruning drops the others before they are opened too.
 *
 * <p>A load COPYs into a plain table of its own ({@link #staging}) and {@link #place}s it at the end of its
 * transaction, so a load is still atomic and its indexes are still built in bulk (and its counts kept,
 * {@link IncidentCounts}); a batch is removed whole by
 * dropping its tables ({@link #tables}). Month tables are made when a load first needs them and never removed: an
 * empty one costs the planner nothing measurable.
 */
public final class IncidentPartitions {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentPartitions.class);
    /** Records whose event ends at least this many months after their month's start are "long". */
    static final int SHORT_MONTHS = 2;

    /** A batch's pieces: the UK month its records start in, and whether they end late (see class comment). */
    private static final String PIECES = """
            SELECT to_char(event_from AT TIME ZONE 'Europe/London', 'YYYY-MM'),
                   event_to AT TIME ZONE 'Europe/London'
                       >= date_trunc('month', event_from AT TIME ZONE 'Europe/London') + interval '%d months'
            FROM %s GROUP BY 1, 2 ORDER BY 1, 2""";

    private static final String TABLES = """
            SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'batches' AND c.relkind = 'r'
              AND (c.relname = 'incident_' || ?::text OR c.relname LIKE 'incident\\_' || ?::text || '\\_%')
            ORDER BY 1""";

    /** The batches that can hold a record in a box: those whose records' extent meets it, or of unknown extent. */
    private static final String MEETING = """
            SELECT id FROM load_batch
            WHERE kind = 'incidents' AND (extent IS NULL OR extent && ST_MakeEnvelope(?, ?, ?, ?, 27700) OR ?::boolean AND linked)
            ORDER BY id""";

    private IncidentPartitions() {}

    /** The plain table a load COPYs its batch into; after {@link #place}, the batch's table when it is one. */
    public static String staging(long batchId) {
        return "batches.incident_" + batchId;
    }

    /**
     * Serialises changes to the partition tree (a load's attaches, a purge's drops) with each other, without blocking
     * readers: every attach takes this lock on {@code incident} anyway, and taking it first means two changes never
     * lock month tables in opposite orders.
     */
    public static void lockTree(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE incident IN SHARE UPDATE EXCLUSIVE MODE");
        }
    }

    /**
     * Files the batch's records, COPYed into {@link #staging}, under the months they start in: the staging table
     * itself when they are one piece (every police.uk file), else one new table per piece. Each table gets its time
     * span as a validated constraint (which also lets ATTACH skip its scan), its indexes, built in bulk, and is
     * attached. Call inside the load's transaction, with at least one record staged.
     *
     * @return the batch's tables
     */
    public static List<String> place(Connection c, long batchId) throws SQLException {
        return place(c, batchId, null);
    }

    /**
     * As {@link #place(Connection, long)}, adding the batch's records to the kept counts from {@code counted}, as
     * the load counted them while writing (null: counted by reading the batch's tables).
     */
    public static List<String> place(Connection c, long batchId, IncidentCounts.Tally counted) throws SQLException {
        long t0 = System.nanoTime();
        String staging = staging(batchId);
        String feed = feed(c, batchId);
        List<Piece> pieces = new ArrayList<>();
        // A batch of one piece (every police.uk file) is filed as the load counted it, without reading it again: if
        // the count were wrong, ATTACH would find records outside the month's bounds and fail the load. Several
        // pieces are split by what PostgreSQL finds, so that no record can be left out of every piece.
        LocalDate only = counted == null ? null : counted.onlyMonth();
        if (only != null) {
            pieces.add(new Piece(YearMonth.from(only), counted.late()));
        } else {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(PIECES.formatted(SHORT_MONTHS, staging))) {
                while (rs.next()) {
                    pieces.add(new Piece(YearMonth.parse(rs.getString(1)), rs.getBoolean(2)));
                }
            }
        }
        lockTree(c);
        long t1 = System.nanoTime();
        long bounds = 0;
        long indexes = 0;
        long attach = 0;
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            if (pieces.size() == 1) {
                tables.add(staging);
            } else {
                for (Piece p : pieces) {
                    String table = staging + "_" + p.suffix();
                    s.execute("CREATE TABLE " + table + " (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
                    s.execute(batchCheck(table, batchId, p.suffix()));
                    s.execute("INSERT INTO " + table + " SELECT * FROM " + staging + " WHERE " + p.condition());
                    tables.add(table);
                }
                s.execute("DROP TABLE " + staging);
            }
            for (int i = 0; i < pieces.size(); i++) {
                String table = tables.get(i);
                long b0 = System.nanoTime();
                if (only != null) {
                    timeBounds(s, table, counted.span(), feed);
                } else {
                    timeBounds(s, table, feed);
                }
                long b1 = System.nanoTime();
                s.execute("CREATE INDEX ON " + table + " USING gist (geom)");
                s.execute("CREATE INDEX ON " + table + " (id)");
                s.execute("CREATE INDEX ON " + table + " (event_from)");
                s.execute("CREATE INDEX ON " + table + " (lsoa_code)");
                s.execute("CREATE INDEX ON " + table + " (event_id) WHERE event_id IS NOT NULL");
                long b2 = System.nanoTime();
                s.execute("ALTER TABLE " + ensureEnds(s, pieces.get(i)) + " ATTACH PARTITION " + table
                        + " FOR VALUES IN (" + batchId + ")");
                bounds += b1 - b0;
                indexes += b2 - b1;
                attach += System.nanoTime() - b2;
            }
        }
        long t2 = System.nanoTime();
        keepExtent(c, batchId, tables);
        long t3 = System.nanoTime();
        Set<LocalDate> months = new TreeSet<>();
        pieces.forEach(p -> months.add(p.month().atDay(1)));
        if (counted != null && months.equals(counted.months())) {
            IncidentCounts.add(c, counted);
        } else {
            if (counted != null) {
                // Java's zone rules and PostgreSQL's would disagree about a record's month: count as PostgreSQL does
                LOG.warn(
                        "batch {}: counted in months {} but its records start in {}",
                        batchId,
                        counted.months(),
                        months);
            }
            for (String table : tables) {
                IncidentCounts.add(c, table);
            }
        }
        LOG.debug(
                "batch {}: pieces and lock {} ms, time bounds {} ms, indexes {} ms, attach {} ms, extent {} ms, "
                        + "kept counts {} ms",
                batchId,
                (t1 - t0) / 1_000_000,
                bounds / 1_000_000,
                indexes / 1_000_000,
                attach / 1_000_000,
                (t3 - t2) / 1_000_000,
                (System.nanoTime() - t3) / 1_000_000);
        return tables;
    }

    /**
     * Keeps the box the batch's records lie in ({@code load_batch.extent}, V24), read from the tables just placed
     * (one scan of records still in memory): records are never moved, so it stays true for the batch's life, and
     * after a partial purge it still holds every record left.
     */
    private static void keepExtent(Connection c, long batchId, List<String> tables) throws SQLException {
        StringBuilder union = new StringBuilder();
        for (String table : tables) {
            union.append(union.isEmpty() ? "" : " UNION ALL ")
                    .append("SELECT geom FROM ")
                    .append(table);
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE load_batch SET extent = (SELECT "
                + "ST_SetSRID(ST_Extent(geom)::geometry, 27700) FROM (" + union + ") r) WHERE id = ?")) {
            ps.setLong(1, batchId);
            ps.executeUpdate();
        }
    }

    /**
     * The incident batches that can hold a record in a box (minX, minY, maxX, maxY, EPSG:27700), for a read of the
     * box to name as {@code batch_id = ANY(...)}: partition pruning then drops every other batch before the planner
     * opens it, where a batch named by its period alone costs the planner its table and five indexes however far
     * from the box its records lie (docs/performance.md, "Reads of a box"). With {@code linked}, batches holding
     * records linked as one event with another feed's are named too, wherever they lie, for a read that counts an
     * event once by one of its records (which may lie outside the box when another lies inside).
     */
    public static Long[] meeting(Connection c, double[] box, boolean linked) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MEETING)) {
            for (int k = 0; k < 4; k++) {
                ps.setDouble(k + 1, box[k]);
            }
            ps.setBoolean(5, linked);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out.toArray(Long[]::new);
    }

    /** The CHECK on a batch's table that lets ATTACH trust its batch_id without scanning it. */
    public static String batchCheck(String table, long batchId, String suffix) {
        String name = "incident_" + batchId + (suffix.isEmpty() ? "" : "_" + suffix) + "_batch";
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " CHECK (batch_id = " + batchId + ")";
    }

    /** The batch's tables, for counting and dropping: none once it is purged whole. */
    public static List<String> tables(Connection c, long batchId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TABLES)) {
            ps.setString(1, Long.toString(batchId));
            ps.setString(2, Long.toString(batchId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * States a batch table's time span as a validated constraint: exact bounds, read back as text at full
     * precision, so a period starting just where the batch ends is refuted by them. Constraint exclusion then skips
     * the table at execution when its month is planned but its records miss the period, and its lower bound on
     * {@code event_to} with the others implies the partition bounds, so ATTACH needs no scan. A batch's records are
     * never updated in time. Its feed (a batch is one feed's) is stated beside it, validated in the same scan: no
     * index leads with feed, so without it a query for one feed read every other feed's batch of the month (V23).
     *
     * @param feed the batch's feed, or null to state none
     */
    static void timeBounds(Statement s, String table, String feed) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT min(event_from)::text, max(event_from)::text, min(event_to)::text, "
                + "max(event_to)::text FROM " + table)) {
            rs.next();
            timeBounds(s, table, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), feed);
        }
    }

    /**
     * As {@link #timeBounds(Statement, String)}, from the span the load counted (first and last start, first and
     * last end, at the precision stored): adding the constraint validates it against the records, so a wrong span
     * fails the load rather than misleading the planner.
     */
    static void timeBounds(Statement s, String table, Instant[] span, String feed) throws SQLException {
        timeBounds(s, table, span[0].toString(), span[1].toString(), span[2].toString(), span[3].toString(), feed);
    }

    private static void timeBounds(
            Statement s, String table, String from, String lastFrom, String firstTo, String lastTo, String feed)
            throws SQLException {
        String name = table.substring(table.indexOf('.') + 1);
        s.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + name + "_time CHECK (event_from >= '" + from
                + "' AND event_from <= '" + lastFrom + "' AND event_to >= '" + firstTo + "' AND event_to <= '"
                + lastTo + "')"
                + (feed == null
                        ? ""
                        : ", ADD CONSTRAINT " + name + "_feed CHECK (feed = '" + feed.replace("'", "''") + "')"));
    }

    /** The feed a batch loads (null for a batch of something else). */
    private static String feed(Connection c, long batchId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT feed FROM load_batch WHERE id = ?")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The month's short or long table, made (with the month's) if this is the first batch to need it. */
    private static String ensureEnds(Statement s, Piece p) throws SQLException {
        String month = "periods.incident_" + p.month().toString().replace('-', '_');
        String ends = month + (p.late() ? "_long" : "_short");
        if (exists(s, ends)) {
            return ends;
        }
        if (!exists(s, month)) {
            // Made detached and then attached: CREATE ... PARTITION OF would lock incident against every reader.
            s.execute("CREATE TABLE " + month
                    + " (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (event_to)");
            s.execute("ALTER TABLE incident ATTACH PARTITION " + month + " FOR VALUES FROM (" + london(p.month())
                    + ") TO (" + london(p.month().plusMonths(1)) + ")");
        }
        s.execute("CREATE TABLE " + ends
                + " (LIKE incident INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST (batch_id)");
        String bounds = p.late()
                ? "FROM (" + london(p.month().plusMonths(SHORT_MONTHS)) + ") TO (MAXVALUE)"
                : "FROM (" + london(p.month()) + ") TO (" + london(p.month().plusMonths(SHORT_MONTHS)) + ")";
        s.execute("ALTER TABLE " + month + " ATTACH PARTITION " + ends + " FOR VALUES " + bounds);
        return ends;
    }

    private static boolean exists(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The start of a UK month as a timestamptz literal. */
    private static String london(YearMonth m) {
        return "'" + m.atDay(1) + " 00:00 Europe/London'";
    }

    /** Records of one batch that start in one UK month, ending within {@link #SHORT_MONTHS} of it or not. */
    private record Piece(YearMonth month, boolean late) {
        String suffix() {
            return month.toString().replace('-', '_') + (late ? "_long" : "");
        }

        String condition() {
            return "to_char(event_from AT TIME ZONE 'Europe/London', 'YYYY-MM') = '" + month + "' AND (event_to >= "
                    + london(month.plusMonths(SHORT_MONTHS)) + ") = " + late;
        }
    }
}
