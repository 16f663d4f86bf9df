package org.safemap.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Keeps {@code incident_month_count} (V18), records per UK month they start in x LSOA x category x feed, equal to a
 * GROUP BY over {@code incident}: a load adds its batch's tables once they are placed, a purge takes away what it
 * drops or deletes before it does, each in the same transaction, so the counts are never seen out of step with the
 * records. Rows are changed in key order, so two loads of the same months wait for each other rather than deadlock.
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

    private IncidentCounts() {}

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
