package org.safemap.map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.safemap.db.IncidentPartitions;
import org.safemap.time.Period;

/**
 * Incident records for the API and viewer as GeoJSON in EPSG:4326, a page at a time, and the summary (months,
 * feeds, categories) the viewer builds its controls from. Points are the stored locations (already anonymised,
 * for police.uk). Pages follow the record id, so a client walking {@code after} sees each record once even while
 * new batches arrive.
 */
public final class IncidentPoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to return; empty lists and absent values do not filter. Time windows are half-open, [from, to), so a
     * police.uk month ending at midnight on 1 July is not in July; a record timed to the instant is in [from, to)
     * when its instant is.
     *
     * @param from       records whose window ends after this (or, timed to an instant, is at or after it) ...
     * @param to         ... and starts before this
     * @param feeds      feeds to include (none: nothing); the caller has already applied the disclosure policy
     * @param categories common taxonomy codes or group codes (violence, acquisitive, ...)
     * @param bbox       minLon, minLat, maxLon, maxLat (EPSG:4326)
     * @param after      only ids above this (the previous page's last id)
     * @param limit      page size
     * @param reduced    of those feeds, the ones shown at reduced precision, with their protocol's grid and detail
     * @param properties the properties each feature keeps, of {@link #PROPERTY_NAMES} (none: all it has)
     */
    public record Filter(
            Optional<Instant> from,
            Optional<Instant> to,
            List<String> feeds,
            List<String> categories,
            Optional<double[]> bbox,
            long after,
            int limit,
            java.util.Map<String, Reduced> reduced,
            List<String> properties) {}

    /**
     * Every property a feature may carry ({@link #POINTS}: a record shown as stored carries all but {@code date}, a
     * generalised one fewer), so a client can ask for only those it uses and parse less.
     */
    public static final java.util.Set<String> PROPERTY_NAMES = java.util.Set.of(
            "feed",
            "batch",
            "category",
            "group",
            "sourceCategory",
            "from",
            "to",
            "month",
            "date",
            "location",
            "geocodeMethod",
            "precisionM",
            "lsoa",
            "eventId");

    /** How one feed shown at reduced precision is drawn: its grid, in metres, and what it keeps. */
    public record Reduced(int gridM, org.safemap.sharing.ReducedDetail detail) {}

    /** One page: the FeedCollection text, how many it holds, and the id to continue after when there is more. */
    public record Page(String features, int count, Optional<Long> nextAfter) {}

    /**
     * Records as GeoJSON features. Feeds in the reduced list (feed, grid metres, time detail, whether the category is
     * shown) are generalised: their point moves to the centre of its grid square; they carry their feed, group (and
     * category only where the protocol allows), month (and day or time only where it allows), and the LSOA of the
     * point as shown, never of the record; no id, free-text location, batch, source category or event link. The
     * bbox is tested against the point as shown, so narrowing boxes cannot find where a generalised record really is,
     * and within a page they come after the other records in the order of their shown place, not of their ids (which
     * follow the partner's file, often sorted by time). The start is also stated as {@code event_to >= from} on its
     * own, which the test before it implies, and a bbox names the batches that can hold a record in reach of it
     * ({@link #BATCHES}), so that the planner drops other months and batches by their partition bounds before
     * opening them (docs/performance.md, "Reads of a box").
     */
    private static final String POINTS = """
            WITH env AS (SELECT ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 4326), 27700) AS e)
            SELECT i.id, r.grid_m IS NOT NULL AS reduced, ST_X(g.geom) AS gx, ST_Y(g.geom) AS gy,
                   ST_AsGeoJSON(ST_Transform(g.geom, 4326), 6)::json AS geometry,
                   CASE WHEN r.grid_m IS NULL THEN json_build_object('feed', i.feed, 'batch', i.batch_id,
                       'category', i.category, 'group', c.group_code,
                       'sourceCategory', i.source_category, 'from', i.event_from, 'to', i.event_to,
                       'month', to_char(i.event_from AT TIME ZONE 'Europe/London', 'YYYY-MM'),
                       'location', i.location_text, 'geocodeMethod', i.geocode_method, 'precisionM', i.precision_m,
                       'lsoa', i.lsoa_code, 'eventId', i.event_id)
                   ELSE json_strip_nulls(json_build_object('feed', i.feed, 'group', c.group_code,
                       'category', CASE WHEN r.show_category THEN i.category END,
                       'month', to_char(i.event_from AT TIME ZONE 'Europe/London', 'YYYY-MM'),
                       'date', CASE WHEN r.detail IN ('day', 'time')
                                    THEN to_char(i.event_from AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') END,
                       'from', CASE WHEN r.detail = 'time' THEN i.event_from END,
                       'to', CASE WHEN r.detail = 'time' THEN i.event_to END,
                       'geocodeMethod', 'generalised', 'precisionM', greatest(i.precision_m, r.grid_m),
                       'lsoa', (SELECT a.code FROM area a WHERE a.level = 'lsoa'
                                  AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
                                  AND ST_Intersects(a.geom, g.geom) ORDER BY a.code LIMIT 1)))
                   END AS properties
            FROM incident i JOIN category c ON c.code = i.category
            LEFT JOIN unnest(?::text[], ?::int[], ?::text[], ?::boolean[]) AS r(feed, grid_m, detail, show_category)
                   ON r.feed = i.feed
            CROSS JOIN LATERAL (SELECT CASE WHEN r.grid_m IS NULL THEN i.geom ELSE ST_SetSRID(ST_MakePoint(
                    floor(ST_X(i.geom) / r.grid_m) * r.grid_m + r.grid_m / 2.0,
                    floor(ST_Y(i.geom) / r.grid_m) * r.grid_m + r.grid_m / 2.0), 27700) END AS geom) g
            LEFT JOIN env ON true
            WHERE i.id > ?
              AND (?::timestamptz IS NULL OR i.event_to > ? OR i.event_from >= ?)
              AND (?::timestamptz IS NULL OR i.event_to >= ?)
              AND (?::timestamptz IS NULL OR i.event_from < ?)
              AND (?::bigint[] IS NULL OR i.batch_id = ANY(?::bigint[]))
              AND i.feed = ANY(?::text[])
              AND (cardinality(?::text[]) = 0 OR i.category = ANY(?::text[]) OR c.group_code = ANY(?::text[]))
              AND (env.e IS NULL OR (i.geom && ST_Expand(env.e, coalesce(r.grid_m, 0)) AND g.geom && env.e))
            ORDER BY i.id
            LIMIT ?""";

    /**
     * A page of {@link #POINTS}; each feature keeps only the properties asked for (a text array; null keeps them
     * all), which can only take away from what a record shows.
     */
    private static final String PAGE = "SELECT coalesce(json_agg(CASE WHEN reduced THEN json_build_object("
            + "'type', 'Feature', 'geometry', geometry, 'properties', kept) ELSE json_build_object('type', "
            + "'Feature', 'id', id, 'geometry', geometry, 'properties', kept) END "
            + "ORDER BY reduced, CASE WHEN reduced THEN gx END, CASE WHEN reduced THEN gy END, id) "
            + "FILTER (WHERE n <= ?), '[]'::json)::text, "
            + "count(*) FILTER (WHERE n <= ?), count(*), max(id) FILTER (WHERE n <= ?) "
            + "FROM (SELECT p.*, CASE WHEN ?::text[] IS NULL THEN p.properties ELSE (SELECT coalesce("
            + "json_object_agg(e.key, e.value), '{}'::json) FROM json_each(p.properties) e WHERE e.key = ANY(?::text[])) "
            + "END AS kept, row_number() OVER (ORDER BY id) AS n FROM (" + POINTS + ") p) page";

    /**
     * The box (EPSG:27700) of a bbox as {@link #POINTS} tests records against it: transformed as there, widened by the
     * coarsest grid a reduced feed is moved to.
     */
    private static final String BNG_BOX = """
            SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
            FROM (SELECT ST_Expand(ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 4326), 27700), ?) AS e) b""";

    private static final String KNOWN_CODES = "SELECT code FROM category UNION SELECT group_code FROM category";
    /** Counts by feed, month and category: small (feeds x months x categories), summed per audience in Java. */
    private static final String SUMMARY = """
            SELECT feed, to_char(event_from AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month, category, count(*),
                   bool_or(event_to - event_from <= interval '1 day')
            FROM incident WHERE feed = ANY(?::text[]) GROUP BY 1, 2, 3""";

    /** Each category with its group's plain name, so the viewer labels groups from the database alone. */
    private static final String CATEGORIES = """
            SELECT c.code, c.label, c.group_code, coalesce(g.label, c.group_code)
            FROM category c LEFT JOIN category_group g ON g.code = c.group_code ORDER BY c.sort_order""";

    private final DataSource dataSource;

    public IncidentPoints(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The month's bounds in UK time. */
    public static Instant[] monthBounds(YearMonth month) {
        return new Instant[] {
            month.atDay(1).atStartOfDay(Period.LONDON).toInstant(),
            month.plusMonths(1).atDay(1).atStartOfDay(Period.LONDON).toInstant()
        };
    }

    /** Category group codes. */
    public java.util.Set<String> groupCodes() throws SQLException {
        java.util.Set<String> codes = new java.util.TreeSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT DISTINCT group_code FROM category");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                codes.add(rs.getString(1));
            }
        }
        return codes;
    }

    /** Category and group codes a filter may name. */
    public java.util.Set<String> knownCategoryCodes() throws SQLException {
        java.util.Set<String> codes = new java.util.TreeSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(KNOWN_CODES);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                codes.add(rs.getString(1));
            }
        }
        return codes;
    }

    /** One page of features, at most {@code filter.limit()}; a next cursor when more follow. */
    public Page page(Filter filter) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(PAGE)) {
            int i = 1;
            ps.setInt(i++, filter.limit());
            ps.setInt(i++, filter.limit());
            ps.setInt(i++, filter.limit());
            java.sql.Array kept = filter.properties().isEmpty()
                    ? null
                    : c.createArrayOf("text", filter.properties().toArray());
            ps.setArray(i++, kept);
            ps.setArray(i++, kept);
            if (filter.bbox().isPresent()) {
                for (double v : filter.bbox().get()) {
                    ps.setDouble(i++, v);
                }
            } else {
                for (int k = 0; k < 4; k++) {
                    ps.setNull(i++, Types.DOUBLE);
                }
            }
            List<String> reducedFeeds = List.copyOf(filter.reduced().keySet());
            ps.setArray(i++, c.createArrayOf("text", reducedFeeds.toArray()));
            ps.setArray(
                    i++,
                    c.createArrayOf(
                            "integer",
                            reducedFeeds.stream()
                                    .map(f -> filter.reduced().get(f).gridM())
                                    .toArray()));
            ps.setArray(
                    i++,
                    c.createArrayOf(
                            "text",
                            reducedFeeds.stream()
                                    .map(f -> filter.reduced()
                                            .get(f)
                                            .detail()
                                            .time()
                                            .key())
                                    .toArray()));
            ps.setArray(
                    i++,
                    c.createArrayOf(
                            "boolean",
                            reducedFeeds.stream()
                                    .map(f -> filter.reduced().get(f).detail().categories())
                                    .toArray()));
            ps.setLong(i++, filter.after());
            i = optionalTime(ps, i, filter.from(), 5);
            i = optionalTime(ps, i, filter.to(), 2);
            java.sql.Array batches = filter.bbox().isPresent() ? batches(c, filter) : null;
            ps.setArray(i++, batches);
            ps.setArray(i++, batches);
            java.sql.Array feeds = c.createArrayOf("text", filter.feeds().toArray());
            java.sql.Array categories =
                    c.createArrayOf("text", filter.categories().toArray());
            ps.setArray(i++, feeds);
            ps.setArray(i++, categories);
            ps.setArray(i++, categories);
            ps.setArray(i++, categories);
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

    /**
     * Months, feeds and categories with their record counts, as JSON, counting only the feeds the asker sees as
     * points. {@code protectedFeeds} (seen as aggregates or reduced points) are listed with their months, but not
     * counted: their counts are published only as cells of the protected tables (count layers, area profiles), and
     * a total over every area by month or by category would be another table to difference against them. They are
     * named in {@code counted_without}. Each feed says whether any of its records is {@code timed} (known to the
     * day or finer).
     */
    public String summary(List<String> feeds, List<String> protectedFeeds) throws SQLException {
        Map<String, long[]> months = new TreeMap<>();
        Map<String, long[]> byFeed = new TreeMap<>();
        Map<String, long[]> byCategory = new HashMap<>();
        java.util.Set<String> timed = new java.util.HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SUMMARY)) {
            ps.setArray(1, c.createArrayOf("text", feeds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // Feeds seen below points add their months and feeds to the lists, never their numbers: a total
                    // over all areas by month or category is no cell of the published tables.
                    long n = protectedFeeds.contains(rs.getString(1)) ? 0 : rs.getLong(4);
                    months.computeIfAbsent(rs.getString(2), k -> new long[1])[0] += n;
                    byFeed.computeIfAbsent(rs.getString(1), k -> new long[1])[0] += n;
                    byCategory.computeIfAbsent(rs.getString(3), k -> new long[1])[0] += n;
                    if (rs.getBoolean(5)) {
                        timed.add(rs.getString(1));
                    }
                }
            }
            ObjectNode out = JSON.createObjectNode();
            ArrayNode m = out.putArray("months");
            months.forEach((k, v) -> m.addObject().put("month", k).put("count", v[0]));
            ArrayNode f = out.putArray("feeds");
            byFeed.forEach((k, v) -> {
                // whether some records are known to the day or finer, so that narrowing the period to days means
                // something for the feed (police.uk's are known by month only)
                ObjectNode o = f.addObject().put("feed", k).put("timed", timed.contains(k));
                if (protectedFeeds.contains(k)) {
                    o.put("shared_as", "counts");
                } else {
                    o.put("count", v[0]);
                }
            });
            ArrayNode cats = out.putArray("categories");
            try (PreparedStatement cs = c.prepareStatement(CATEGORIES);
                    ResultSet rs = cs.executeQuery()) {
                while (rs.next()) {
                    cats.addObject()
                            .put("code", rs.getString(1))
                            .put("label", rs.getString(2))
                            .put("group", rs.getString(3))
                            .put("group_label", rs.getString(4))
                            .put("count", byCategory.getOrDefault(rs.getString(1), new long[1])[0]);
                }
            }
            ArrayNode withheld = out.putArray("counted_without");
            protectedFeeds.stream().filter(byFeed::containsKey).sorted().forEach(withheld::add);
            return out.toString();
        }
    }

    /** Sets the same time (or null) into {@code times} consecutive parameters. */
    /** The batches that can hold a record the filter's bbox selects ({@link IncidentPartitions#meeting}). */
    private static java.sql.Array batches(Connection c, Filter filter) throws SQLException {
        double[] bbox = filter.bbox().orElseThrow();
        int grid = filter.reduced().values().stream()
                .mapToInt(Reduced::gridM)
                .max()
                .orElse(0);
        double[] box = new double[4];
        try (PreparedStatement ps = c.prepareStatement(BNG_BOX)) {
            for (int k = 0; k < 4; k++) {
                ps.setDouble(k + 1, bbox[k]);
            }
            ps.setDouble(5, grid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int k = 0; k < 4; k++) {
                    box[k] = rs.getDouble(k + 1);
                }
            }
        }
        return c.createArrayOf("bigint", IncidentPartitions.meeting(c, box, false));
    }

    private static int optionalTime(PreparedStatement ps, int i, Optional<Instant> value, int times)
            throws SQLException {
        OffsetDateTime t = value.map(v -> v.atOffset(ZoneOffset.UTC)).orElse(null);
        for (int k = 0; k < times; k++) {
            ps.setObject(i + k, t, Types.TIMESTAMP_WITH_TIMEZONE);
        }
        return i + times;
    }
}
