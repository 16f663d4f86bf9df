package org.safemap.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.safemap.time.Period;

/**
 * Keeps {@code incident_month_count} (V18), records per UK month they start in x LSOA x category x feed, equal to a
 * GROUP BY over {@code incident}: a load adds what it counted as it wrote its batch ({@link Tally}) once the batch's
 * tables are placed, a purge takes away what it drops or deletes before it does, each in the same transaction, so the
 * counts are never seen out of step with the records. Rows are changed in key order, so two loads of the same months wait for each other rather than deadlock.
 */
public final class IncidentCounts {
    /** Records of a table (%s) meeting a condition (%s, may be empty), counted by key. */
    private static final String BY_KEY = """
            SELECT date_trunc('month', event_from AT TIME ZONE 'Europe/London')::date AS month,
                   coalesce(lsoa_code, '') AS lsoa_code, category, feed, count(*) AS n
            FROM %s %s GROUP BY 1, 2, 3, 4""";
    /**
     * Takes counted records (%s: month, lsoa_code, category, feed, n) off their keys; gives how many keys were asked
     * and how many were changed. An UPDATE, not an upsert of negative counts: the CHECK is tested on the row proposed
     * for insertion.
     */
    private static final String SUBTRACT = """
            WITH gone AS (%s),
            changed AS (
                UPDATE incident_month_count t SET records = t.records - g.n FROM gone g
                WHERE t.month = g.month AND t.lsoa_code = g.lsoa_code AND t.category = g.category AND t.feed = g.feed
                RETURNING 1)
            SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM changed)""";

    /**
     * Records whose LSOA a staged re-assignment changes ({@code %1$s}: the stage, with id and lsoa_code), counted by
     * their old key ({@code %2$s} = i) or their new one (u).
     */
    private static final String MOVED = """
            SELECT date_trunc('month', i.event_from AT TIME ZONE 'Europe/London')::date AS month,
                   coalesce(%2$s.lsoa_code, '') AS lsoa_code, i.category, i.feed, count(*) AS n
            FROM incident i JOIN %1$s u ON u.id = i.id
            WHERE coalesce(i.lsoa_code, '') <> coalesce(u.lsoa_code, '')
            GROUP BY 1, 2, 3, 4""";

    /** Adds counted records (%s: month, lsoa_code, category, feed, n) to their keys, in key order. */
    private static final String ADD = """
            INSERT INTO incident_month_count AS t (month, lsoa_code, category, feed, records)
            SELECT month, lsoa_code, category, feed, n FROM (%s) m ORDER BY 1, 2, 3, 4
            ON CONFLICT (month, lsoa_code, category, feed) DO UPDATE SET records = t.records + excluded.records""";

    /** Counted records given as arrays of the key's parts and their counts, one element per key. */
    private static final String TALLIED =
            "SELECT * FROM unnest(?::date[], ?::text[], ?::text[], ?::text[], ?::bigint[]) AS m(month, lsoa_code, "
                    + "category, feed, n)";

    private IncidentCounts() {}

    /**
     * Records counted by key as a load writes them, so that adding a batch's counts need not read its tables again,
     * with the batch's time span and the months it starts in, so that filing a batch of one month need not read
     * them either ({@link IncidentPartitions#place}). Months are taken in the zone the readers'
     * {@code AT TIME ZONE 'Europe/London'} uses; a mistake would not go unseen: a batch is attached to its month only if
     * PostgreSQL finds its records within the month's bounds, and IncidentLoaderIT and KeptCountsIT compare the kept
     * counts with a GROUP BY over the records. Not thread-safe.
     */
    public static final class Tally {
        private record Key(LocalDate month, String lsoaCode, String category, String feed) {}

        private final Map<Key, long[]> counts = new HashMap<>();
        /** Per month counted: [0] a record ends within {@code SHORT_MONTHS} of its month's start, [1] one ends later. */
        private final Map<LocalDate, boolean[]> ends = new TreeMap<>();

        private Instant lastFrom;
        private LocalDate lastMonth;
        private Instant lastLate;
        private boolean[] lastEnds;
        private Instant minFrom;
        private Instant maxFrom;
        private Instant minTo;
        private Instant maxTo;

        /**
         * Counts one record: when it starts and ends, its LSOA (null when in none), its common category and its feed.
         */
        public void count(Instant eventFrom, Instant eventTo, String lsoaCode, String category, String feed) {
            if (!eventFrom.equals(lastFrom)) {
                // a file's records mostly share their start (police.uk's months), so the zone is consulted rarely
                LocalDate month = LocalDate.ofInstant(eventFrom, Period.LONDON).withDayOfMonth(1);
                if (!month.equals(lastMonth)) {
                    lastMonth = month;
                    lastLate = month.plusMonths(IncidentPartitions.SHORT_MONTHS)
                            .atStartOfDay(Period.LONDON)
                            .toInstant();
                    lastEnds = ends.computeIfAbsent(month, m -> new boolean[2]);
                }
                lastFrom = eventFrom;
                minFrom = minFrom == null || eventFrom.isBefore(minFrom) ? eventFrom : minFrom;
                maxFrom = maxFrom == null || eventFrom.isAfter(maxFrom) ? eventFrom : maxFrom;
            }
            minTo = minTo == null || eventTo.isBefore(minTo) ? eventTo : minTo;
            maxTo = maxTo == null || eventTo.isAfter(maxTo) ? eventTo : maxTo;
            lastEnds[eventTo.isBefore(lastLate) ? 0 : 1] = true;
            counts.computeIfAbsent(
                            new Key(lastMonth, lsoaCode == null ? "" : lsoaCode, category, feed), k -> new long[1])[
                    0]++;
        }

        /** The months (their first days) of the records counted so far. */
        Set<LocalDate> months() {
            return ends.keySet();
        }

        /** The one month the records start in, when they do in one and all end short or all late; else null. */
        LocalDate onlyMonth() {
            if (ends.size() != 1) {
                return null;
            }
            boolean[] e = ends.values().iterator().next();
            return e[0] != e[1] ? ends.keySet().iterator().next() : null;
        }

        /** Whether the records of {@link #onlyMonth} end late. */
        boolean late() {
            return ends.values().iterator().next()[1];
        }

        /**
         * The first and last start and the first and last end, as PostgreSQL stores them (microseconds, rounded as
         * a binary COPY sends them), for literals; null when nothing was counted.
         */
        Instant[] span() {
            if (minFrom == null) {
                return null;
            }
            return new Instant[] {stored(minFrom), stored(maxFrom), stored(minTo), stored(maxTo)};
        }

        private static Instant stored(Instant t) {
            return BinaryCopyWriter.pgInstant(BinaryCopyWriter.pgMicros(t));
        }
    }

    /** Adds a newly loaded batch's records, counted as they were written. */
    public static void add(Connection c, Tally tally) throws SQLException {
        int n = tally.counts.size();
        if (n == 0) {
            return;
        }
        String[] months = new String[n];
        String[] lsoas = new String[n];
        String[] categories = new String[n];
        String[] feeds = new String[n];
        Long[] records = new Long[n];
        int i = 0;
        for (Map.Entry<Tally.Key, long[]> e : tally.counts.entrySet()) {
            months[i] = e.getKey().month().toString();
            lsoas[i] = e.getKey().lsoaCode();
            categories[i] = e.getKey().category();
            feeds[i] = e.getKey().feed();
            records[i++] = e.getValue()[0];
        }
        try (PreparedStatement ps = c.prepareStatement(ADD.formatted(TALLIED))) {
            ps.setArray(1, c.createArrayOf("text", months));
            ps.setArray(2, c.createArrayOf("text", lsoas));
            ps.setArray(3, c.createArrayOf("text", categories));
            ps.setArray(4, c.createArrayOf("text", feeds));
            ps.setArray(5, c.createArrayOf("int8", records));
            ps.executeUpdate();
        }
    }

    /**
     * Moves the counts of records a re-assignment of areas gives another LSOA, before it is applied in the same
     * transaction: {@code stage} holds the records' ids and their new {@code lsoa_code}. Without it the kept counts
     * would still place the records where they were, and the count readers would answer from them.
     */
    public static void move(Connection c, String stage) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SUBTRACT.formatted(MOVED.formatted(stage, "i")));
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) != rs.getLong(2)) {
                throw new IllegalStateException("incident_month_count lacks " + (rs.getLong(1) - rs.getLong(2))
                        + " of the keys of records moving to other areas");
            }
        }
        try (PreparedStatement ps = c.prepareStatement(ADD.formatted(MOVED.formatted(stage, "u")))) {
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM incident_month_count WHERE records = 0")) {
            ps.executeUpdate();
        }
    }

    /** Adds a newly loaded batch table's records. */
    public static void add(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ADD.formatted(BY_KEY.formatted(table, "")))) {
            ps.executeUpdate();
        }
    }

    /**
     * Takes away a batch table's records before they go: all of them ({@code endedBefore} null, the table is to be
     * dropped), or those whose event ended before the cut-off (to be deleted). Counts that would fall below zero, or
     * keys that are not there, mean the counts were out of step: the purge fails and rolls back rather than carry on.
     */
    public static void subtract(Connection c, String table, Instant endedBefore) throws SQLException {
        String where = endedBefore == null ? "" : "WHERE event_to < ?";
        try (PreparedStatement ps = c.prepareStatement(SUBTRACT.formatted(BY_KEY.formatted(table, where)))) {
            if (endedBefore != null) {
                ps.setTimestamp(1, Timestamp.from(endedBefore));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != rs.getLong(2)) {
                    throw new IllegalStateException("incident_month_count lacks " + (rs.getLong(1) - rs.getLong(2))
                            + " of the keys of " + table + "'s records");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM incident_month_count WHERE records = 0")) {
            ps.executeUpdate();
        }
    }
}
