package org.safemap.map;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Incident records for the API and viewer as GeoJSON in EPSG:4326, a page at a time, and the summary (months,
 * feeds, categories) the viewer builds its controls from. Points are the stored locations (already anonymised,
 * for police.uk). Pages follow the record id, so a client walking {@code after} sees each record once even while
 * new batches arrive.
 */
public final class IncidentPoints {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    /**
     * What to return; empty lists and absent values do not filter. Time windows are half-open, [from, to), so a
     * police.uk month ending at midnight on 1 July is not in July; a record timed to the instant is in [from, to)
     * when its instant is.
     *
     * @param from       records whose window ends after this (or, timed to an instant, is at or after it) ...
     * @param to         ... and starts before this
     * @param feeds      feed names
     * @param categories common taxonomy codes or group codes (violence, acquisitive, ...)
     * @param bbox       minLon, minLat, maxLon, maxLat (EPSG:4326)
     * @param after      only ids above this (the previous page's last id)
     * @param limit      page size
     */
    public record Filter(Optional<Instant> from, Optional<Instant> to, List<String> feeds, List<String> categories,
                         Optional<double[]> bbox, long after, int limit) {
    }

    /** One page: the FeedCollection text, how many it holds, and the id to continue after when there is more. */
    public record Page(String features, int count, Optional<Long> nextAfter) {
    }

    private static final String POINTS = """
            SELECT i.id, ST_AsGeoJSON(ST_Transform(i.geom, 4326), 6)::json AS geometry,
                   json_build_object('feed', i.feed, 'batch', i.batch_id, 'category', i.category, 'group', c.group_code,
                       'sourceCategory', i.source_category, 'from', i.event_from, 'to', i.event_to,
                       'month', to_char(i.event_from AT TIME ZONE 'Europe/London', 'YYYY-MM'),
                       'location', i.location_text, 'geocodeMethod', i.geocode_method, 'precisionM', i.precision_m,
                       'lsoa', i.lsoa_code, 'eventId', i.event_id) AS properties
            FROM incident i JOIN category c ON c.code = i.category
            WHERE i.id > ?
              AND (?::timestamptz IS NULL OR i.event_to > ? OR i.event_from >= ?)
              AND (?::timestamptz IS NULL OR i.event_from < ?)
              AND (cardinality(?::text[]) = 0 OR i.feed = ANY(?::text[]))
              AND (cardinality(?::text[]) = 0 OR i.category = ANY(?::text[]) OR c.group_code = ANY(?::text[]))
              AND (?::float8 IS NULL OR i.geom && ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 4326), 27700))
            ORDER BY i.id
            LIMIT ?""";
    /** The page's features, how many, how many were fetched (page + 1 means more follow) and the last id. */
    private static final String PAGE = "SELECT coalesce(json_agg(json_build_object('type', 'Feature', 'id', id, "
            + "'geometry', geometry, 'properties', properties) ORDER BY id) FILTER (WHERE n <= ?), '[]'::json)::text, "
            + "count(*) FILTER (WHERE n <= ?), count(*), max(id) FILTER (WHERE n <= ?) "
            + "FROM (SELECT p.*, row_number() OVER (ORDER BY id) AS n FROM (" + POINTS + ") p) page";
    private static final String KNOWN_CODES = "SELECT code FROM category UNION SELECT group_code FROM category";
    private static final String SUMMARY = """
            SELECT json_build_object(
              'months', (SELECT coalesce(json_agg(json_build_object('month', month, 'count', n) ORDER BY month), '[]'::json)
                         FROM (SELECT to_char(event_from AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month, count(*) AS n
                               FROM incident GROUP BY 1) m),
              'feeds', (SELECT coalesce(json_agg(json_build_object('feed', feed, 'count', n) ORDER BY feed), '[]'::json)
                        FROM (SELECT feed, count(*) AS n FROM incident GROUP BY feed) f),
              'categories', (SELECT json_agg(json_build_object('code', c.code, 'label', c.label, 'group', c.group_code,
                                                               'count', coalesce(n.n, 0)) ORDER BY c.sort_order)
                             FROM category c LEFT JOIN (SELECT category, count(*) AS n FROM incident GROUP BY category) n
                                  ON n.category = c.code))::text""";

    private final DataSource dataSource;

    public IncidentPoints(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The month's bounds in UK time. */
    public static Instant[] monthBounds(YearMonth month) {
        return new Instant[] {month.atDay(1).atStartOfDay(LONDON).toInstant(),
                month.plusMonths(1).atDay(1).atStartOfDay(LONDON).toInstant()};
    }

    /** Category and group codes a filter may name. */
    public java.util.Set<String> knownCategoryCodes() throws SQLException {
        java.util.Set<String> codes = new java.util.TreeSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(KNOWN_CODES);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                codes.add(rs.getString(1));
            }
        }
        return codes;
    }

    /** One page of features, at most {@code filter.limit()}; a next cursor when more follow. */
    public Page page(Filter filter) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PAGE)) {
            int i = 1;
            ps.setInt(i++, filter.limit());
            ps.setInt(i++, filter.limit());
            ps.setInt(i++, filter.limit());
            ps.setLong(i++, filter.after());
            i = optionalTime(ps, i, filter.from(), 3);
            i = optionalTime(ps, i, filter.to(), 2);
            java.sql.Array feeds = c.createArrayOf("text", filter.feeds().toArray());
            java.sql.Array categories = c.createArrayOf("text", filter.categories().toArray());
            ps.setArray(i++, feeds);
            ps.setArray(i++, feeds);
            ps.setArray(i++, categories);
            ps.setArray(i++, categories);
            ps.setArray(i++, categories);
            if (filter.bbox().isPresent()) {
                double[] b = filter.bbox().get();
                ps.setDouble(i++, b[0]);
                for (double v : b) {
                    ps.setDouble(i++, v);
                }
            } else {
                for (int k = 0; k < 5; k++) {
                    ps.setNull(i++, Types.DOUBLE);
                }
            }
            // One row beyond the page says whether there is more; it is fetched but not returned.
            ps.setInt(i, filter.limit() + 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int count = rs.getInt(2);
                boolean more = rs.getInt(3) > filter.limit();
                return new Page(rs.getString(1), count, more ? Optional.of(rs.getLong(4)) : Optional.empty());
            }
        }
    }

    /** Months, feeds and categories with their record counts, as JSON. */
    public String summary() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SUMMARY);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Sets the same time (or null) into {@code times} consecutive parameters. */
    private static int optionalTime(PreparedStatement ps, int i, Optional<Instant> value, int times) throws SQLException {
        OffsetDateTime t = value.map(v -> v.atOffset(ZoneOffset.UTC)).orElse(null);
        for (int k = 0; k < times; k++) {
            ps.setObject(i + k, t, Types.TIMESTAMP_WITH_TIMEZONE);
        }
        return i + times;
    }
}
