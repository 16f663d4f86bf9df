package org.safemap.runs;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.hotspot.Aoristic;
import org.safemap.hotspot.WeightedPoints;
import org.safemap.time.Period;

/**
 * Reads the records a {@link Selection} picks from PostGIS into primitive arrays, with the weight each carries (its
 * aoristic share of the period and of the chosen hours and days) and the index of its area in a study-area list.
 */
public final class PointSelector {
    /** Area code columns by level, an allow-list: the level never reaches SQL as text. */
    private static final Map<String, String> CODE_COLUMN =
            Map.of("lsoa", "i.lsoa_code", "msoa", "i.msoa_code", "ward", "i.ward_code", "lad", "i.lad_code");

    private static final String SELECT = """
            SELECT %s ST_X(i.geom), ST_Y(i.geom), extract(epoch FROM i.event_from)::bigint,
                   extract(epoch FROM i.event_to)::bigint, %s, i.batch_id,
                   i.geocode_method = 'snapped-map-point'
            FROM incident i JOIN category c ON c.code = i.category
            WHERE i.event_from < ? AND i.event_to >= ? AND (i.event_to > ? OR i.event_to = i.event_from)
              AND %s
              AND %s
            %s""";

    /**
     * A selection's feed, category and precision filters on {@code incident i JOIN category c}; bound by
     * {@link #bindFilters}. Shared by every query that reads a selection, so they all select alike.
     */
    static final String FILTERS = """
            (cardinality(?::text[]) = 0 OR i.feed = ANY(?::text[]))
            AND (cardinality(?::text[]) = 0 OR i.category = ANY(?::text[]) OR c.group_code = ANY(?::text[]))
            AND (?::float8 IS NULL OR i.precision_m <= ?)""";

    /**
     * The points selected, in EPSG:27700 metres.
     *
     * @param area    index into the study areas for each point, -1 when it lies in none of them
     * @param from    event window start, epoch seconds
     * @param to      event window end, epoch seconds (equal to from for a record timed to the instant)
     * @param batches the load batches the points came from, for the run's data version
     * @param longWindows records whose window was longer than the aoristic cap and was spread evenly
     * @param snapped     records placed on an anonymous snap point (police.uk), not where they happened
     */
    public record Selected(
            WeightedPoints points, int[] area, long[] from, long[] to, long[] batches, int longWindows, int snapped) {
        public int size() {
            return points.size();
        }
    }

    private final DataSource dataSource;

    public PointSelector(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Reads the selection.
     *
     * @param level     the level whose codes index the study areas (lsoa, msoa, ward, lad or custom:name)
     * @param areaIndex study area code to position; points outside every study area get -1
     */
    public Selected select(Selection s, String level, Map<String, Integer> areaIndex) {
        checkNames(s);
        String codeColumn = codeColumn(level);
        String distinct = s.events() ? "DISTINCT ON (coalesce(i.event_id, i.id))" : "";
        String order = s.events() ? "ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id" : "";
        String aoi = aoiClause(s);
        String sql = SELECT.formatted(distinct, codeColumn, FILTERS, aoi, order);
        Weights weights = new Weights(s);
        Growing g = new Growing();
        TreeSet<Long> batches = new TreeSet<>();
        int longWindows = 0;
        int snapped = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(50_000);
                int k = bindWindow(ps, 1, s);
                k = bindFilters(ps, k, s);
                k = bindAoi(ps, k, s);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long from = rs.getLong(3);
                        long to = rs.getLong(4);
                        double weight = weights.of(from, to);
                        if (weight <= 0) {
                            continue;
                        }
                        if (s.aoristic() && s.filtersTimeOfWeek() && to - from > Aoristic.DEFAULT_CAP_SECONDS) {
                            longWindows++;
                        }
                        String code = rs.getString(5);
                        Integer index = code == null ? null : areaIndex.get(code);
                        g.add(rs.getDouble(1), rs.getDouble(2), weight, index == null ? -1 : index, from, to);
                        batches.add(rs.getLong(6));
                        if (rs.getBoolean(7)) {
                            snapped++;
                        }
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the selected records", e);
        }
        return new Selected(
                new WeightedPoints(Arrays.copyOf(g.x, g.n), Arrays.copyOf(g.y, g.n), Arrays.copyOf(g.w, g.n)),
                Arrays.copyOf(g.area, g.n),
                Arrays.copyOf(g.from, g.n),
                Arrays.copyOf(g.to, g.n),
                batches.stream().mapToLong(Long::longValue).toArray(),
                longWindows,
                snapped);
    }

    /**
     * The records of a selection's area of interest, read as a run over every area reads them and placed by where
     * the run places them: a linked event is reduced to its most precisely placed record across all areas first, and
     * counts here only when that record is in the area. So an area's weighted count ({@link #weightIn}) is its row
     * in a run over the same selection. Bound by {@link #bindWindow}, {@link #bindAoi} and {@link #bindFilters}.
     */
    private static final String IN_AREA = """
            WITH ev AS (
              SELECT DISTINCT coalesce(i.event_id, i.id) AS e FROM incident i
              WHERE i.event_from < ? AND i.event_to >= ? AND (i.event_to > ? OR i.event_to = i.event_from) AND %1$s),
            chosen AS (
              SELECT %3$s i.* FROM incident i JOIN category c ON c.code = i.category
              WHERE coalesce(i.event_id, i.id) IN (SELECT e FROM ev)
                AND i.event_from < ? AND i.event_to >= ? AND (i.event_to > ? OR i.event_to = i.event_from)
                AND %2$s
              %4$s)
            SELECT extract(epoch FROM i.event_from)::bigint, extract(epoch FROM i.event_to)::bigint
            FROM chosen i WHERE %1$s""";

    /**
     * The selection's incidents in its area of interest as a run over every area counts its row: each record
     * weighted by the one rule ({@link Weights}: its aoristic share of the period, hours and days when the selection
     * is aoristic), linked events once, placed where the run places them ({@link #IN_AREA}).
     *
     * @throws IllegalArgumentException when the selection names no area of interest
     */
    public double weightIn(Selection s) {
        if (s.area().isEmpty()) {
            throw new IllegalArgumentException("a weight in an area needs an area of interest");
        }
        checkNames(s);
        String distinct = s.events() ? "DISTINCT ON (coalesce(i.event_id, i.id))" : "";
        String order = s.events() ? "ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id" : "";
        String sql = IN_AREA.formatted(aoiClause(s), FILTERS, distinct, order);
        Weights weights = new Weights(s);
        double total = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int k = bindWindow(ps, 1, s);
            k = bindAoi(ps, k, s);
            k = bindWindow(ps, k, s);
            k = bindFilters(ps, k, s);
            bindAoi(ps, k, s);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    total += weights.of(rs.getLong(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not weigh the area's records", e);
        }
        return total;
    }

    /** Binds the period's three parameters of a record's window overlapping it; returns the next index. */
    private static int bindWindow(PreparedStatement ps, int k, Selection s) throws SQLException {
        ps.setObject(k++, java.time.OffsetDateTime.ofInstant(s.period().to(), Period.LONDON));
        ps.setObject(k++, java.time.OffsetDateTime.ofInstant(s.period().from(), Period.LONDON));
        ps.setObject(k++, java.time.OffsetDateTime.ofInstant(s.period().from(), Period.LONDON));
        return k;
    }

    /**
     * A record's weight in a selection, the one rule every reader of records (hotspot runs, forecasts, the map's
     * surfaces) counts by. Aoristic: the share of its time window inside the period, times the share of that part in
     * the chosen hours and days ({@link Aoristic#share}: a window over the cap, such as a police.uk month, by the
     * chosen share of the week's 168 hours). Otherwise the record counts wholly where it starts, if that instant is in
     * the period, hours and days. Thread-safe once built.
     */
    public static final class Weights {
        private final Aoristic aoristic = Aoristic.in(Period.LONDON);
        private final boolean aoristicWindows;
        private final boolean filtered;
        private final boolean[] hourMask;
        private final boolean[] dayMask;
        private final long periodFrom;
        private final long periodTo;

        public Weights(Selection s) {
            this.aoristicWindows = s.aoristic();
            this.filtered = s.filtersTimeOfWeek();
            this.hourMask = s.hours() != null ? s.hours() : all(24);
            this.dayMask = s.weekdays() != null ? s.weekdays() : all(7);
            this.periodFrom = s.period().from().getEpochSecond();
            this.periodTo = s.period().to().getEpochSecond();
        }

        /**
         * @param from event window start, epoch seconds
         * @param to   event window end, epoch seconds (equal to from for a record timed to the instant)
         * @return the record's weight, 0 to 1; 0 when it is not selected
         */
        public double of(long from, long to) {
            if (aoristicWindows) {
                long a = Math.max(from, periodFrom);
                long b = Math.min(to, periodTo);
                if (to > from && b <= a || to == from && (from < periodFrom || from >= periodTo)) {
                    return 0;
                }
                double inPeriod = to > from ? (double) (b - a) / (to - from) : 1.0;
                double inHours = filtered ? aoristic.share(a, to > from ? b : a, hourMask, dayMask) : 1.0;
                return inPeriod * inHours;
            }
            if (from < periodFrom || from >= periodTo) {
                return 0;
            }
            return filtered ? aoristic.share(from, from, hourMask, dayMask) : 1.0;
        }
    }

    private static boolean[] all(int n) {
        boolean[] mask = new boolean[n];
        java.util.Arrays.fill(mask, true);
        return mask;
    }

    /** The incident column holding codes of {@code level}, from an allow-list (never the level's text). */
    public static String codeColumn(String level) {
        if (level.matches("custom:[a-z0-9_-]+")) {
            // the same pattern the area table allows, so the name is safe to write into the statement
            return "(i.custom_areas->>'" + level + "')";
        }
        String column = CODE_COLUMN.get(level);
        if (column == null) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "unknown level '" + level + "'; expected lsoa, msoa, ward, lad or custom:<name>");
        }
        return column;
    }

    /** Binds {@link #FILTERS}' parameters from {@code k}; returns the next index. */
    static int bindFilters(PreparedStatement ps, int k, Selection s) throws SQLException {
        Connection c = ps.getConnection();
        Array feeds = c.createArrayOf("text", s.feeds().toArray());
        ps.setArray(k++, feeds);
        ps.setArray(k++, feeds);
        Array categories = c.createArrayOf("text", s.categories().toArray());
        ps.setArray(k++, categories);
        ps.setArray(k++, categories);
        ps.setArray(k++, categories);
        Double precision = s.maxPrecisionM().orElse(null);
        ps.setObject(k++, precision, Types.DOUBLE);
        ps.setObject(k++, precision, Types.DOUBLE);
        return k;
    }

    /** The SQL condition on {@code incident i} for the selection's area of interest ({@code true} for none). */
    public static String aoiClause(Selection s) {
        if (s.area().isEmpty()) {
            return "true";
        }
        Selection.AreaOfInterest a = s.area().get();
        if (a.wkt() != null) {
            return "ST_Intersects(i.geom, ST_GeomFromText(?, 27700))";
        }
        // records carry their area codes at every level, so an area of interest is an index lookup, not a PIP
        return "(%s = ANY(?::text[]))".formatted(codeColumn(a.level()));
    }

    /** Binds {@link #aoiClause}'s parameter from {@code k}; returns the next index. */
    public static int bindAoi(PreparedStatement ps, int k, Selection s) throws SQLException {
        if (s.area().isEmpty()) {
            return k;
        }
        Selection.AreaOfInterest a = s.area().get();
        if (a.wkt() != null) {
            ps.setString(k++, a.wkt());
        } else {
            ps.setArray(k++, ps.getConnection().createArrayOf("text", a.codes().toArray()));
        }
        return k;
    }

    /** Refuses unknown categories and feeds by name, rather than quietly selecting nothing. */
    void checkNames(Selection s) {
        try (Connection c = dataSource.getConnection()) {
            for (String category : s.categories()) {
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT 1 FROM category WHERE code = ? OR group_code = ? LIMIT 1")) {
                    ps.setString(1, category);
                    ps.setString(2, category);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new SafemapException(
                                    ErrorCode.BAD_REQUEST,
                                    "unknown category '" + category
                                            + "'; see GET /api/categories or docs/feeds.md for the taxonomy");
                        }
                    }
                }
            }
            for (String feed : s.feeds()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT 1 FROM load_batch WHERE kind = 'incidents' " + "AND feed = ? LIMIT 1")) {
                    ps.setString(1, feed);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new SafemapException(
                                    ErrorCode.BAD_REQUEST,
                                    "no records from feed '" + feed
                                            + "' have been loaded; 'safemap feeds list' shows the feeds");
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not check the selection", e);
        }
    }

    /** Parallel primitive arrays that double as they fill. */
    private static final class Growing {
        double[] x = new double[4096];
        double[] y = new double[4096];
        double[] w = new double[4096];
        int[] area = new int[4096];
        long[] from = new long[4096];
        long[] to = new long[4096];
        int n;

        void add(double px, double py, double weight, int a, long f, long t) {
            if (n == x.length) {
                int size = n * 2;
                x = Arrays.copyOf(x, size);
                y = Arrays.copyOf(y, size);
                w = Arrays.copyOf(w, size);
                area = Arrays.copyOf(area, size);
                from = Arrays.copyOf(from, size);
                to = Arrays.copyOf(to, size);
            }
            x[n] = px;
            y[n] = py;
            w[n] = weight;
            area[n] = a;
            from[n] = f;
            to[n] = t;
            n++;
        }
    }
}
