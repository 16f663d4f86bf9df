package org.safemap.map;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Incident points for the viewer and API as GeoJSON in EPSG:4326, and the summary (months, feeds, categories)
 * the viewer builds its controls from. Points are the stored (already anonymised, for police.uk) locations.
 */
public final class IncidentPoints {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    /** Filters; any may be absent. */
    public record Filter(Optional<YearMonth> month, Optional<String> feed, Optional<String> category,
                         Optional<double[]> bbox, int limit) {
    }

    /** Records whose time window overlaps the month; optional filters are null when not given. */
    private static final String POINTS = """
            WITH matched AS (
                SELECT i.id, i.feed, i.category, c.group_code, i.source_category, i.location_text,
                       to_char(i.event_from AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month,
                       ST_Transform(i.geom, 4326) AS p
                FROM incident i JOIN category c ON c.code = i.category
                WHERE i.event_from < ? AND i.event_to > ?
                  AND (?::text IS NULL OR i.feed = ?)
                  AND (?::text IS NULL OR i.category = ?)
                  AND (?::float8 IS NULL OR i.geom && ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 4326), 27700))
                ORDER BY i.id
                LIMIT ?),
            shown AS (SELECT * FROM matched ORDER BY id LIMIT ?)
            SELECT (SELECT count(*) FROM matched), (SELECT coalesce(json_agg(json_build_object(
                'type', 'Feature',
                'id', id,
                'geometry', json_build_object('type', 'Point', 'coordinates',
                    json_build_array(round(ST_X(p)::numeric, 6), round(ST_Y(p)::numeric, 6))),
                'properties', json_build_object('feed', feed, 'category', category, 'group', group_code,
                    'sourceCategory', source_category, 'location', location_text, 'month', month)) ORDER BY id), '[]'::json)::text
                    FROM shown)""";
    private static final String LATEST_MONTH =
            "SELECT to_char(max(event_from) AT TIME ZONE 'Europe/London', 'YYYY-MM') FROM incident";
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

    /** The newest month holding records, if any. */
    public Optional<YearMonth> latestMonth() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LATEST_MONTH);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            String month = rs.getString(1);
            return month == null ? Optional.empty() : Optional.of(YearMonth.parse(month));
        }
    }

    /** A FeatureCollection with numberReturned and, when the limit cut it short, truncated = true. */
    public String featureCollection(YearMonth month, Filter filter) throws SQLException {
        OffsetDateTime from = month.atDay(1).atStartOfDay(LONDON).toOffsetDateTime();
        OffsetDateTime to = month.plusMonths(1).atDay(1).atStartOfDay(LONDON).toOffsetDateTime();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(POINTS)) {
            int i = 1;
            ps.setObject(i++, to);
            ps.setObject(i++, from);
            i = optionalText(ps, i, filter.feed());
            i = optionalText(ps, i, filter.category());
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
            // one row beyond the limit tells whether the answer was cut short
            ps.setInt(i++, filter.limit() + 1);
            ps.setInt(i, filter.limit());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean truncated = rs.getInt(1) > filter.limit();
                int count = Math.min(rs.getInt(1), filter.limit());
                String features = rs.getString(2);
                return "{\"type\":\"FeatureCollection\",\"month\":\"" + month + "\",\"numberReturned\":" + count
                        + ",\"truncated\":" + truncated + ",\"features\":" + features + "}";
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

    private static int optionalText(PreparedStatement ps, int i, Optional<String> value) throws SQLException {
        ps.setString(i, value.orElse(null));
        ps.setString(i + 1, value.orElse(null));
        return i + 2;
    }
}
