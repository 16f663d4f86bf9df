package org.safemap.sharing;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.time.Period;

/**
 * Builds a partner's {@link UsageReport} from the audit log: every entry touching one of the partner's feeds (as the
 * protocols assign feeds to partners), grouped five ways. The SQL below is the whole method: one filter, one set of
 * counts, and a group expression chosen from a fixed list.
 */
public final class UsageReports {
    /** Entries touching any of the feeds ({@code ??|} is jsonb's "has any key", escaped for JDBC), in [from, to). */
    private static final String TOUCHING = """
            FROM audit_log e
            WHERE e.feeds ??| ?::text[] AND (?::timestamptz IS NULL OR e.at >= ?) AND (?::timestamptz IS NULL OR e.at < ?)""";

    private static final String COUNTS = """
            count(*), count(*) FILTER (WHERE e.outcome = 'refused'),
            coalesce(sum(e.result_size) FILTER (WHERE e.outcome = 'ok'), 0), coalesce(max(e.result_size), 0),
            min(e.at), max(e.at)""";
    private static final String TOTALS = "SELECT 'all', " + COUNTS + " " + TOUCHING;
    private static final String BY_USER = "SELECT coalesce(e.actor, 'anonymous'), e.role, e.partner, " + COUNTS + " "
            + TOUCHING + " GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3";
    private static final String BY_PURPOSE =
            "SELECT coalesce(e.purpose, '(none)'), " + COUNTS + " " + TOUCHING + " GROUP BY 1 ORDER BY 2 DESC, 1";
    private static final String BY_ACTION =
            "SELECT e.action, " + COUNTS + " " + TOUCHING + " GROUP BY 1 ORDER BY 2 DESC, 1";
    private static final String BY_MONTH = "SELECT to_char(e.at AT TIME ZONE 'Europe/London', 'YYYY-MM'), " + COUNTS
            + " " + TOUCHING + " GROUP BY 1 ORDER BY 1";
    private static final String BY_FEED = "SELECT f.feed, " + COUNTS + " "
            + TOUCHING.replace(
                    "FROM audit_log e", "FROM audit_log e CROSS JOIN LATERAL jsonb_object_keys(e.feeds) AS f(feed)")
            + " AND f.feed = ANY(?::text[]) GROUP BY 1 ORDER BY 2 DESC, 1";

    private final DataSource dataSource;
    private final Policy policy;
    private final Clock clock;

    public UsageReports(DataSource dataSource, Policy policy, Clock clock) {
        this.dataSource = dataSource;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * The report for {@code partner} over days {@code from} to {@code to} inclusive (Europe/London; null: open).
     * Deciding whether the asker may read it is the caller's job ({@link Policy#requireCustodian}).
     */
    public UsageReport build(String partner, LocalDate from, LocalDate to) {
        if (from != null && to != null && to.isBefore(from)) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "the period ends (" + to + ") before it starts (" + from + ")");
        }
        List<String> feeds = policy.feedsOwnedBy(partner);
        Instant start = from == null ? null : from.atStartOfDay(Period.LONDON).toInstant();
        Instant end =
                to == null ? null : to.plusDays(1).atStartOfDay(Period.LONDON).toInstant();
        try (Connection c = dataSource.getConnection()) {
            Array feedArray = c.createArrayOf("text", feeds.toArray());
            UsageReport.Row totals =
                    rows(c, TOTALS, feedArray, start, end, false).get(0);
            List<UsageReport.UserRow> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(BY_USER)) {
                bind(ps, feedArray, start, end, false);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        users.add(new UsageReport.UserRow(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getLong(4),
                                rs.getLong(5),
                                rs.getLong(6),
                                rs.getLong(7),
                                instant(rs, 8),
                                instant(rs, 9)));
                    }
                }
            }
            return new UsageReport(
                    partner,
                    feeds,
                    from,
                    to,
                    clock.instant(),
                    totals,
                    users,
                    rows(c, BY_PURPOSE, feedArray, start, end, false),
                    rows(c, BY_ACTION, feedArray, start, end, false),
                    rows(c, BY_MONTH, feedArray, start, end, false),
                    rows(c, BY_FEED, feedArray, start, end, true));
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.AUDIT_FAILED, "cannot read the audit log: " + e.getMessage(), e);
        }
    }

    private static List<UsageReport.Row> rows(
            Connection c, String sql, Array feeds, Instant from, Instant to, boolean feedsAgain) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, feeds, from, to, feedsAgain);
            List<UsageReport.Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new UsageReport.Row(
                            rs.getString(1),
                            rs.getLong(2),
                            rs.getLong(3),
                            rs.getLong(4),
                            rs.getLong(5),
                            instant(rs, 6),
                            instant(rs, 7)));
                }
            }
            return out;
        }
    }

    private static void bind(PreparedStatement ps, Array feeds, Instant from, Instant to, boolean feedsAgain)
            throws SQLException {
        Timestamp f = from == null ? null : Timestamp.from(from);
        Timestamp t = to == null ? null : Timestamp.from(to);
        ps.setArray(1, feeds);
        ps.setTimestamp(2, f);
        ps.setTimestamp(3, f);
        ps.setTimestamp(4, t);
        ps.setTimestamp(5, t);
        if (feedsAgain) {
            ps.setArray(6, feeds);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
