package org.safemap.map;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.DataVersion;
import org.safemap.db.IncidentPartitions;
import org.safemap.db.ReplicaReads;
import org.safemap.db.ServiceSequence;
import org.safemap.runs.ForecastMap;
import org.safemap.runs.PointSelector;
import org.safemap.runs.Selection;
import org.safemap.time.Period;

/**
 * Everything the map service reads from PostGIS, as named SQL with bound parameters. Records are selected as the
 * hotspot engine selects them: a record counts towards a period by the share of its time window inside it
 * (aoristic), and records linked as one event across feeds count once.
 */
public final class MapData {
    /** Area code columns of the incident table by level: an allow-list, the level never reaches SQL as text. */
    private static final Map<String, String> CODE_COLUMN =
            Map.of("lsoa", "i.lsoa_code", "msoa", "i.msoa_code", "ward", "i.ward_code", "lad", "i.lad_code");

    /**
     * The selection shared by density and counts: one row per event with its aoristic weight. The period test (starts
     * before the period ends, and ends after it starts or starts in it) is written with {@code event_to >= start}
     * standing alone, which it implies, so the planner drops earlier months by their bounds ({@code IncidentPartitions}).
     */
    private static final String SELECTED = """
            SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.geom, %1$s AS code,
                   CASE WHEN i.event_to > i.event_from
                        THEN extract(epoch FROM least(i.event_to, ?) - greatest(i.event_from, ?))
                             / extract(epoch FROM i.event_to - i.event_from)
                        ELSE 1 END AS w
            FROM incident i JOIN category c ON c.code = i.category
            WHERE i.event_from < ? AND i.event_to >= ? AND (i.event_to > ? OR i.event_to = i.event_from)
              AND i.feed = ANY(?::text[])
              AND (cardinality(?::text[]) = 0 OR c.group_code = ANY(?::text[]))
              AND (cardinality(?::text[]) = 0 OR i.category = ANY(?::text[]) OR c.group_code = ANY(?::text[]))%2$s
            ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id""";

    private static final String DENSITY_POINTS =
            "SELECT ST_X(geom), ST_Y(geom), sum(w) FROM (" + SELECTED + ") s GROUP BY 1, 2";

    /**
     * {@link #DENSITY_POINTS} of the events whose record lies in a box: the records in it, of the batches that can
     * hold one ({@code IncidentPartitions.meeting}, named so the planner opens no other batch), and every linked
     * record of those batches, wherever it lies, so that an event is placed by the same record as in a read of
     * everything; the box is then applied to the record chosen.
     */
    private static final String DENSITY_POINTS_IN_BOX = "SELECT ST_X(geom), ST_Y(geom), sum(w) FROM (" + SELECTED
            + ") s WHERE s.geom && ST_MakeEnvelope(?, ?, ?, ?, 27700) GROUP BY 1, 2";

    /** The records a read of a box selects, in {@link #SELECTED}: see {@link #DENSITY_POINTS_IN_BOX}. */
    private static final String IN_BOX = """

              AND i.batch_id = ANY(?::bigint[])
              AND (i.geom && ST_MakeEnvelope(?, ?, ?, ?, 27700) OR i.event_id IS NOT NULL)""";

    /**
     * Density input split in two: events represented by a record of a feed the requester sees as points ("open")
     * and the rest ("restricted"), with each location's record count. Linked events are represented by an open
     * record where there is one, so a restricted record never stands in for an event the requester can see. An open
     * event is one row over the whole period; a restricted one is a row per month its window overlaps (numbered from
     * 1, a month counted as a one-month period counts it), weighed by its window's share in that month, because
     * restricted surfaces are guarded month by month ({@link GuardedDensity}).
     */
    private static final String DENSITY_SPLIT = """
            SELECT ST_X(geom), ST_Y(geom), m.k, sum(m.w), count(*) FROM (
                SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.geom, i.feed = ANY(?::text[]) AS is_open,
                       i.event_from AS f, i.event_to AS t
                FROM incident i JOIN category c ON c.code = i.category
                WHERE i.event_from < ? AND i.event_to >= ? AND (i.event_to > ? OR i.event_to = i.event_from)
                  AND i.feed = ANY(?::text[])
                  AND (cardinality(?::text[]) = 0 OR c.group_code = ANY(?::text[]))
                  AND (cardinality(?::text[]) = 0 OR i.category = ANY(?::text[]) OR c.group_code = ANY(?::text[]))
                ORDER BY coalesce(i.event_id, i.id), is_open DESC, i.precision_m, i.id
            ) s
            CROSS JOIN LATERAL (
                SELECT CASE WHEN s.is_open THEN 0 ELSE p.k END AS k,
                       CASE WHEN s.t > s.f THEN extract(epoch FROM least(s.t, p.m_to) - greatest(s.f, p.m_from))
                                                / extract(epoch FROM s.t - s.f)
                            ELSE 1 END AS w
                FROM unnest(CASE WHEN s.is_open THEN ARRAY[?::timestamptz] ELSE ?::timestamptz[] END,
                            CASE WHEN s.is_open THEN ARRAY[?::timestamptz] ELSE ?::timestamptz[] END)
                     WITH ORDINALITY AS p(m_from, m_to, k)
                WHERE s.f < p.m_to AND s.t >= p.m_from AND (s.t > p.m_from OR s.t = s.f)
            ) m
            GROUP BY 1, 2, 3""";

    /**
     * Density input under an hour or weekday filter: one row per event with its time window, which
     * {@link PointSelector.Weights} weighs in Java (the hotspot engine's one aoristic rule, not a second in SQL).
     */
    private static final String DENSITY_WINDOWS = """
            SELECT DISTINCT ON (coalesce(i.event_id, i.id)) ST_X(i.geom), ST_Y(i.geom),
                   extract(epoch FROM i.event_from)::bigint, extract(epoch FROM i.event_to)::bigint
            FROM incident i JOIN category c ON c.code = i.category
            WHERE i.event_from < ? AND i.event_to >= ? AND (i.event_to > ? OR i.event_to = i.event_from)
              AND i.feed = ANY(?::text[])
              AND (cardinality(?::text[]) = 0 OR c.group_code = ANY(?::text[]))
              AND (cardinality(?::text[]) = 0 OR i.category = ANY(?::text[]) OR c.group_code = ANY(?::text[]))
            ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id""";

    /** The feeds a stored run read, from the batches in its data version. */
    private static final String RUN_FEEDS = """
            SELECT DISTINCT b->>'feed' FROM hotspot_run r, jsonb_array_elements(r.data_version->'batches') b
            WHERE r.id = ? ORDER BY 1""";

    private static final String AREA_COUNTS =
            "SELECT code, sum(w) FROM (" + SELECTED + ") s WHERE code IS NOT NULL " + "GROUP BY code";

    private static final String POINTS = """
            SELECT i.id, ST_X(i.geom), ST_Y(i.geom), c.group_code, i.category, c.label, i.feed,
                   to_char(i.event_from AT TIME ZONE 'Europe/London', 'YYYY-MM'), i.location_text
            FROM incident i JOIN category c ON c.code = i.category
            WHERE i.geom && ST_MakeEnvelope(?, ?, ?, ?, 27700) AND i.batch_id = ANY(?::bigint[])
              AND i.event_from < ? AND i.event_to >= ? AND (i.event_to > ? OR i.event_to = i.event_from)
              AND i.feed = ANY(?::text[])
              AND (cardinality(?::text[]) = 0 OR i.category = ANY(?::text[]) OR c.group_code = ANY(?::text[]))
              AND (NOT ?::boolean OR i.event_to - i.event_from <= interval '1 hour'
                   AND extract(hour FROM i.event_from AT TIME ZONE 'Europe/London')::int = ANY(?::int[]))
              AND (NOT ?::boolean OR i.event_to - i.event_from <= interval '1 hour'
                   AND extract(isodow FROM i.event_from AT TIME ZONE 'Europe/London')::int = ANY(?::int[]))
            ORDER BY i.id
            LIMIT ?""";

    private static final String SHAPES_FULL = """
            SELECT a.code, a.name, ST_AsBinary(a.geom) FROM area a
            WHERE a.level = ? AND a.vintage = (SELECT max(vintage) FROM area WHERE level = ?)""";

    private static final String SHAPES_DISPLAY = """
            SELECT a.code, a.name, ST_AsBinary(coalesce(d.geom, a.geom)) FROM area a
            LEFT JOIN area_display d ON d.level = a.level AND d.vintage = a.vintage AND d.code = a.code
                                    AND d.tolerance_m = ?
            WHERE a.level = ? AND a.vintage = (SELECT max(vintage) FROM area WHERE level = ?)""";

    private static final String TOLERANCES = """
            SELECT DISTINCT tolerance_m FROM area_display
            WHERE level = ? AND vintage = (SELECT max(vintage) FROM area WHERE level = ?) ORDER BY 1""";

    private static final String POPULATION = """
            SELECT DISTINCT ON (code) code, population FROM area_population
            WHERE level = ? ORDER BY code, vintage DESC, year DESC""";

    private static final String DEPRIVATION = """
            SELECT DISTINCT ON (code) code, imd_decile, imd_rank, imd_score FROM lsoa_deprivation
            ORDER BY code, edition DESC""";

    private static final String RUN_RESULTS = """
            SELECT code, incidents, records, population, rate_per_1000, kde_mean, kde_max, location_quotient, gi_z, gi_p,
                   gi_bin, gi_class, emerging_class, trend_tau, trend_p, rank
            FROM hotspot_area_result WHERE run_id = ? AND level = ?""";

    /** Runs a map may show, the default first: runs a tasking pack made for itself come after everyone else's. */
    /**
     * A run's title says what it counted (categories, period, hours), where it was started and when it finished, so a
     * reader picking a run knows what the layer will mean. Runs record where they were started, not by whom: a title
     * is public wherever the layer is.
     */
    private static final String RUNS = """
            SELECT r.id, CASE r.kind WHEN 'hotspots' THEN 'Gi* hot spots' WHEN 'emerging' THEN 'emerging hot spots' ELSE r.kind END
                   || coalesce(', ' || nullif(translate(jsonb_path_query_first(r.params, 'strict $.**.categories') #>> '{}', '[]"', ''), ''), ', all categories')
                   || coalesce(', period ' || (jsonb_path_query_first(r.params, 'strict $.**.period') #>> '{}'), '')
                   || coalesce(', hours ' || nullif(translate(jsonb_path_query_first(r.params, 'strict $.**.hours') #>> '{}', '[]"', ''), ''), '')
                   || CASE r.created_by WHEN 'api' THEN ', started in the viewer or API'
                                        WHEN 'cli' THEN ', started from the command line'
                                        WHEN 'pack' THEN ', made for a tasking pack' ELSE '' END
                   || ', finished ' || coalesce(to_char(r.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '?')
            FROM hotspot_run r
            WHERE r.kind = ? AND r.status = 'done'
              AND EXISTS (SELECT 1 FROM hotspot_area_result a WHERE a.run_id = r.id AND a.level = ?)
            ORDER BY r.created_by = 'pack', r.id DESC LIMIT 50""";

    private static final String MONTHS = """
            SELECT min(event_from), max(event_from) FROM incident""";

    /**
     * The areas' extent, or the incidents' when no areas are loaded (a scan, so only then). Materialised, so the
     * extent is computed once, not once for each of the four coordinates taken from it.
     */
    private static final String EXTENT = """
            WITH x AS MATERIALIZED (
              SELECT coalesce((SELECT ST_Extent(geom) FROM area), (SELECT ST_Extent(geom) FROM incident))::geometry AS e)
            SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM x""";

    /**
     * Whether some incident lies outside a box (EPSG:27700): four probes of the spatial index (the strips left, right,
     * below and above it), never a scan, so it is cheap at any size.
     */
    private static final String INCIDENT_OUTSIDE = """
            SELECT EXISTS (SELECT 1 FROM incident WHERE geom && ST_MakeEnvelope(-1e8, -1e8, ?, 1e8, 27700)
                           OR geom && ST_MakeEnvelope(?, -1e8, 1e8, 1e8, 27700)
                           OR geom && ST_MakeEnvelope(-1e8, -1e8, 1e8, ?, 27700)
                           OR geom && ST_MakeEnvelope(-1e8, ?, 1e8, 1e8, 27700))""";

    private static final String NAMES = """
            SELECT 'category', code FROM category UNION ALL SELECT DISTINCT 'group', group_code FROM category
            UNION ALL SELECT 'group:' || group_code, code FROM category
            UNION ALL SELECT DISTINCT 'feed', feed FROM load_batch WHERE kind = 'incidents'""";

    /** Locations and summed weights. */
    public record Weighted(double[] x, double[] y, double[] w) {}

    /** Locations with their summed weights and the number of records summed at each. */
    public record Located(double[] x, double[] y, double[] w, double[] records) {}

    /** Density input of a view: open locations over the period, and restricted locations of each month that has some. */
    public record Split(Weighted open, List<Located> restrictedMonths) {}

    /** Incident points in a window, one row each, with what the style and GetFeatureInfo read. */
    public record Points(long[] id, double[] x, double[] y, List<Map<String, Object>> properties) {}

    /** An area's code, name and geometry (EPSG:27700). */
    public record AreaShape(String code, String name, Geometry geometry) {}

    /**
     * The filters of a map request.
     *
     * @param feeds    the feeds to draw: exactly these, and none when empty (unlike the engine's selection, where no
     *                 feeds means every feed: a requester who may see no feed must get nothing, whichever caller
     *                 forgot to check)
     * @param hours    hours of the day kept (24 flags, local time), or null for all
     * @param weekdays days kept (7 flags, Monday first), or null for all
     */
    public record Filter(
            Period period,
            List<String> groups,
            List<String> categories,
            List<String> feeds,
            boolean[] hours,
            boolean[] weekdays) {
        public Filter(Period period, List<String> groups, List<String> categories, List<String> feeds) {
            this(period, groups, categories, feeds, null, null);
        }

        boolean filtersTimeOfWeek() {
            return hours != null || weekdays != null;
        }

        /**
         * The same records as the hotspot engine selects them (aoristic, one record per event). The engine reads no
         * feeds as every feed, so a filter of no feeds (a requester who may see none) is refused, not widened.
         */
        Selection selection() {
            if (feeds.isEmpty()) {
                throw new IllegalStateException("a map selection of no feeds selects nothing; callers draw nothing");
            }
            return new Selection(
                    period,
                    categories.isEmpty() ? groups : categories,
                    feeds,
                    hours,
                    weekdays,
                    Optional.empty(),
                    Optional.empty(),
                    true,
                    true);
        }
    }

    private final DataSource dataSource;

    public MapData(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Weighted densityPoints(Filter f) {
        if (f.filtersTimeOfWeek()) {
            return weighedWindows(f);
        }
        Growable g = new Growable();
        query(
                DENSITY_POINTS.formatted("NULL::text", ""),
                (c, ps) -> {
                    bindSelection(c, ps, 1, f);
                    ps.setFetchSize(50_000);
                },
                rs -> g.add(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)));
        return g.done();
    }

    /**
     * As {@link #densityPoints(Filter)}, for the locations in a box (minX, minY, maxX, maxY, EPSG:27700) only: the
     * same events, placed and weighed as there. Its cost follows the records and batches in the box, not the
     * period's: what a map of a small area reads when the period's whole field is not at hand. Not under an hour
     * or weekday filter (see {@link #densityPoints(Filter)}), which reads everything.
     */
    public Weighted densityPoints(Filter f, double[] box) {
        if (f.filtersTimeOfWeek()) {
            throw new IllegalArgumentException("a box is read without hour or weekday filters");
        }
        Growable g = new Growable();
        query(
                DENSITY_POINTS_IN_BOX.formatted("NULL::text", IN_BOX),
                (c, ps) -> {
                    int k = bindSelection(c, ps, 1, f);
                    ps.setArray(k++, c.createArrayOf("bigint", IncidentPartitions.meeting(c, box, true)));
                    k = bindBox(ps, k, box);
                    bindBox(ps, k, box);
                    ps.setFetchSize(50_000);
                },
                rs -> g.add(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)));
        return g.done();
    }

    /**
     * The forecast for the month after the filter's period, fitted from that period alone ({@link ForecastMap}):
     * seconds of work, so callers cache it. The filter's categories narrow its groups, as a surface's do.
     */
    public ForecastMap forecast(Filter f, double cellMetres) {
        return ForecastMap.compute(dataSource, f.selection(), cellMetres);
    }

    /**
     * Density input with the feeds {@code openFeeds} (seen as points) apart from the others in {@code f}'s feeds,
     * the others month by month. Only for whole months: a surface finer than a month never holds a feed seen below
     * points ({@link LayerData#feeds}), so it needs no split.
     */
    public Split densitySplit(Filter f, List<String> openFeeds) {
        if (f.filtersTimeOfWeek() || !f.period().wholeMonths()) {
            throw new IllegalArgumentException("restricted feeds are drawn for whole months only, not " + f.period());
        }
        List<YearMonth> months = f.period().months();
        Timestamp[] starts = new Timestamp[months.size()];
        Timestamp[] ends = new Timestamp[months.size()];
        for (int k = 0; k < months.size(); k++) {
            Period m = Period.of(months.get(k));
            starts[k] = Timestamp.from(m.from());
            ends[k] = Timestamp.from(m.to());
        }
        Growable open = new Growable();
        // Only months that hold restricted records get buffers: a long period asked for costs nothing per empty month.
        Map<Integer, Growable[]> byMonthBuffers = new java.util.TreeMap<>();
        query(
                DENSITY_SPLIT,
                (c, ps) -> {
                    ps.setArray(1, c.createArrayOf("text", openFeeds.toArray()));
                    Timestamp from = Timestamp.from(f.period().from());
                    ps.setTimestamp(2, Timestamp.from(f.period().to()));
                    ps.setTimestamp(3, from);
                    ps.setTimestamp(4, from);
                    int k = bindArray(c, ps, 5, f.feeds(), 1);
                    k = bindArray(c, ps, k, f.groups(), 2);
                    k = bindArray(c, ps, k, f.categories(), 3);
                    ps.setTimestamp(k++, from);
                    ps.setArray(k++, c.createArrayOf("timestamptz", starts));
                    ps.setTimestamp(k++, Timestamp.from(f.period().to()));
                    ps.setArray(k, c.createArrayOf("timestamptz", ends));
                    ps.setFetchSize(50_000);
                },
                rs -> {
                    int month = rs.getInt(3);
                    if (month == 0) {
                        open.add(rs.getDouble(1), rs.getDouble(2), rs.getDouble(4));
                    } else {
                        Growable[] m = byMonthBuffers.computeIfAbsent(
                                month, k -> new Growable[] {new Growable(), new Growable()});
                        m[0].add(rs.getDouble(1), rs.getDouble(2), rs.getDouble(4));
                        m[1].add(0, 0, rs.getLong(5));
                    }
                });
        List<Located> byMonth = new ArrayList<>();
        for (Growable[] m : byMonthBuffers.values()) {
            Weighted w = m[0].done();
            byMonth.add(new Located(w.x(), w.y(), w.w(), m[1].done().w()));
        }
        return new Split(open.done(), byMonth);
    }

    /**
     * Density input under an hour or weekday filter: each event weighed by {@link PointSelector.Weights}, then summed
     * by location, as the SQL of the unfiltered surfaces sums them. An event of weight 0 (none of its window in the
     * chosen hours) is left out.
     */
    private Weighted weighedWindows(Filter f) {
        if (f.feeds().isEmpty()) {
            return new Growable().done(); // no feeds, nothing selected (the weights' selection would refuse it)
        }
        PointSelector.Weights weights = new PointSelector.Weights(f.selection());
        Map<List<Double>, double[]> sums = new LinkedHashMap<>();
        query(
                DENSITY_WINDOWS,
                (c, ps) -> {
                    bindWindow(ps, 1, f);
                    int k = bindArray(c, ps, 4, f.feeds(), 1);
                    k = bindArray(c, ps, k, f.groups(), 2);
                    bindArray(c, ps, k, f.categories(), 3);
                    ps.setFetchSize(50_000);
                },
                rs -> {
                    double w = weights.of(rs.getLong(3), rs.getLong(4));
                    if (w > 0) {
                        sums.computeIfAbsent(List.of(rs.getDouble(1), rs.getDouble(2)), k -> new double[1])[0] += w;
                    }
                });
        Growable g = new Growable();
        sums.forEach((at, w) -> g.add(at.get(0), at.get(1), w[0]));
        return g.done();
    }

    /** The feeds a run read. */
    public List<String> runFeeds(long runId) {
        List<String> out = new ArrayList<>();
        query(RUN_FEEDS, (c, ps) -> ps.setLong(1, runId), rs -> out.add(rs.getString(1)));
        return out;
    }

    public Map<String, Double> areaCounts(String level, Filter f) {
        String column = CODE_COLUMN.get(level);
        if (column == null) {
            throw new SafemapException(
                    ErrorCode.BAD_CATALOGUE, "incident counts are kept for lsoa, msoa, ward and lad, not " + level);
        }
        Map<String, Double> out = new HashMap<>();
        query(
                AREA_COUNTS.formatted(column, ""),
                (c, ps) -> bindSelection(c, ps, 1, f),
                rs -> out.put(rs.getString(1), rs.getDouble(2)));
        return out;
    }

    /**
     * Incident points in a box (British National Grid), at most {@code limit}, oldest id first. Under an hour or
     * weekday filter a record is kept when its window is at most an hour long and the hour and day its window starts
     * in (UK local time) are chosen: the viewer's point filter, said once here for the WMS. Records known only by a
     * longer window (police.uk's months) are left out, since a point is drawn wholly or not at all.
     */
    public Points points(double[] bngEnvelope, Filter f, int limit) {
        List<Long> ids = new ArrayList<>();
        Growable g = new Growable();
        List<Map<String, Object>> props = new ArrayList<>();
        query(
                POINTS,
                (c, ps) -> {
                    int k = bindBox(ps, 1, bngEnvelope);
                    ps.setArray(k++, c.createArrayOf("bigint", IncidentPartitions.meeting(c, bngEnvelope, false)));
                    Timestamp from = Timestamp.from(f.period().from());
                    Timestamp to = Timestamp.from(f.period().to());
                    ps.setTimestamp(k++, to);
                    ps.setTimestamp(k++, from);
                    ps.setTimestamp(k++, from);
                    k = bindArray(c, ps, k, f.feeds(), 1);
                    k = bindArray(c, ps, k, f.categories(), 3);
                    k = bindMask(c, ps, k, f.hours(), 0);
                    k = bindMask(c, ps, k, f.weekdays(), 1);
                    ps.setInt(k, limit);
                },
                rs -> {
                    ids.add(rs.getLong(1));
                    g.add(rs.getDouble(2), rs.getDouble(3), 1);
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("group", rs.getString(4));
                    p.put("category", rs.getString(5));
                    p.put("categoryLabel", rs.getString(6));
                    p.put("feed", rs.getString(7));
                    p.put("month", rs.getString(8));
                    p.put("location", rs.getString(9));
                    props.add(p);
                });
        Weighted w = g.done();
        return new Points(ids.stream().mapToLong(Long::longValue).toArray(), w.x(), w.y(), props);
    }

    /** Simplification tolerances stored for a level (metres), ascending. */
    public List<Double> tolerances(String level) {
        List<Double> out = new ArrayList<>();
        query(
                TOLERANCES,
                (c, ps) -> {
                    ps.setString(1, level);
                    ps.setString(2, level);
                },
                rs -> out.add(rs.getDouble(1)));
        return out;
    }

    /** The level's latest boundaries, simplified to the tolerance (0: as loaded). */
    public List<AreaShape> shapes(String level, double tolerance) {
        WKBReader wkb = new WKBReader();
        List<AreaShape> out = new ArrayList<>();
        query(
                tolerance > 0 ? SHAPES_DISPLAY : SHAPES_FULL,
                (c, ps) -> {
                    int k = 1;
                    if (tolerance > 0) {
                        ps.setFloat(k++, (float) tolerance);
                    }
                    ps.setString(k++, level);
                    ps.setString(k, level);
                },
                rs -> {
                    try {
                        out.add(new AreaShape(rs.getString(1), rs.getString(2), wkb.read(rs.getBytes(3))));
                    } catch (ParseException e) {
                        throw new IllegalStateException("PostGIS returned unreadable WKB", e);
                    }
                });
        return out;
    }

    public Map<String, Integer> population(String level) {
        Map<String, Integer> out = new HashMap<>();
        query(POPULATION, (c, ps) -> ps.setString(1, level), rs -> out.put(rs.getString(1), rs.getInt(2)));
        return out;
    }

    public Map<String, Map<String, Object>> deprivation() {
        return rows(DEPRIVATION, List.of(), "imd_decile", "imd_rank", "imd_score");
    }

    public Map<String, Map<String, Object>> runResults(long runId, String level) {
        return rows(
                RUN_RESULTS,
                List.of(runId, level),
                "incidents",
                "records",
                "population",
                "rate_per_1000",
                "kde_mean",
                "kde_max",
                "location_quotient",
                "gi_z",
                "gi_p",
                "gi_bin",
                "gi_class",
                "emerging_class",
                "trend_tau",
                "trend_p",
                "rank");
    }

    /** Completed runs of a kind with results at a level, the default first (see RUNS), then newest first. */
    public List<Long> runs(String kind, String level) {
        return List.copyOf(runTitles(kind, level).keySet());
    }

    /** The same runs, each with a readable title (kind, period, when it finished), in the same order. */
    public Map<Long, String> runTitles(String kind, String level) {
        Map<Long, String> out = new LinkedHashMap<>();
        query(
                RUNS,
                (c, ps) -> {
                    ps.setString(1, kind);
                    ps.setString(2, level);
                },
                rs -> out.put(rs.getLong(1), "run " + rs.getLong(1) + ": " + rs.getString(2)));
        return out;
    }

    /** The first and last month with records, or null when there are none. */
    public YearMonth[] months() {
        YearMonth[][] out = {null};
        query(MONTHS, NO_PARAMETERS, rs -> {
            Timestamp min = rs.getTimestamp(1);
            Timestamp max = rs.getTimestamp(2);
            if (min != null) {
                out[0] = new YearMonth[] {
                    YearMonth.from(min.toInstant().atZone(Period.LONDON)),
                    YearMonth.from(max.toInstant().atZone(Period.LONDON))
                };
            }
        });
        return out[0];
    }

    /** The extent of areas and incidents in EPSG:27700, or null when both are empty. */
    public double[] extent() {
        double[][] out = {null};
        query(EXTENT, NO_PARAMETERS, rs -> {
            if (rs.getObject(1) != null) {
                out[0] = new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)};
            }
        });
        return out[0];
    }

    /**
     * Whether every incident lies inside {@code extent} (minX, minY, maxX, maxY, EPSG:27700), to within a
     * centimetre. Records outside the partnership's areas are accepted, so the areas' extent need not hold them all.
     */
    public boolean incidentsWithin(double[] extent) {
        boolean[] outside = {false};
        query(
                INCIDENT_OUTSIDE,
                (c, ps) -> {
                    ps.setDouble(1, extent[0] - 0.01);
                    ps.setDouble(2, extent[2] + 0.01);
                    ps.setDouble(3, extent[1] - 0.01);
                    ps.setDouble(4, extent[3] + 0.01);
                },
                rs -> outside[0] = rs.getBoolean(1));
        return !outside[0];
    }

    /** Known names for validating dimension values: category, group and feed to their allowed values. */
    public Map<String, List<String>> names() {
        Map<String, List<String>> out = new HashMap<>();
        query(
                NAMES,
                NO_PARAMETERS,
                rs -> out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(rs.getString(2)));
        return out;
    }

    /** A token that changes whenever a load, deletion or run changes what maps show ({@link DataVersion}). */
    public String version() {
        return DataVersion.read(dataSource);
    }

    /** The services' update sequence for this version token: only ever increases ({@link ServiceSequence}). */
    public long sequence(String token) {
        // The sequence is written: on the primary, whichever copy this map service reads.
        return ServiceSequence.advance(ReplicaReads.primaryOf(dataSource), token);
    }

    private Map<String, Map<String, Object>> rows(String sql, List<Object> params, String... columns) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        query(
                sql,
                (c, ps) -> {
                    for (int k = 0; k < params.size(); k++) {
                        ps.setObject(k + 1, params.get(k));
                    }
                },
                rs -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int k = 0; k < columns.length; k++) {
                        Object v = rs.getObject(k + 2);
                        row.put(columns[k], v instanceof Float f ? Double.valueOf(f) : v);
                    }
                    out.put(rs.getString(1), row);
                });
        return out;
    }

    /** Sets a statement's parameters (and fetch size). */
    @FunctionalInterface
    private interface Parameters {
        void bind(Connection c, PreparedStatement ps) throws SQLException;
    }

    /** Reads one row. */
    @FunctionalInterface
    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private static final Parameters NO_PARAMETERS = (c, ps) -> {};

    /**
     * Every map query: one connection and statement, each row read in turn, and one answer to failure (an outage is
     * {@link org.safemap.db.DatabaseUnavailableException}, anything else a defect).
     */
    private void query(String sql, Parameters parameters, Row row) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            parameters.bind(c, ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.read(rs);
                }
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Binds the period test of {@link #DENSITY_WINDOWS} (end, start, start) from {@code k}. */
    private static void bindWindow(PreparedStatement ps, int k, Filter f) throws SQLException {
        Timestamp from = Timestamp.from(f.period().from());
        ps.setTimestamp(k, Timestamp.from(f.period().to()));
        ps.setTimestamp(k + 1, from);
        ps.setTimestamp(k + 2, from);
    }

    /** Binds a box's four coordinates (minX, minY, maxX, maxY) from {@code k}; returns the next index. */
    private static int bindBox(PreparedStatement ps, int k, double[] box) throws SQLException {
        for (int i = 0; i < 4; i++) {
            ps.setDouble(k + i, box[i]);
        }
        return k + 4;
    }

    /** Binds the parameters of {@link #SELECTED} from {@code start}; returns the next index. */
    private static int bindSelection(Connection c, PreparedStatement ps, int start, Filter f) throws SQLException {
        Timestamp from = Timestamp.from(f.period().from());
        Timestamp to = Timestamp.from(f.period().to());
        int k = start;
        ps.setTimestamp(k++, to);
        ps.setTimestamp(k++, from);
        ps.setTimestamp(k++, to);
        ps.setTimestamp(k++, from);
        ps.setTimestamp(k++, from);
        k = bindArray(c, ps, k, f.feeds(), 1);
        k = bindArray(c, ps, k, f.groups(), 2);
        return bindArray(c, ps, k, f.categories(), 3);
    }

    private static int bindArray(Connection c, PreparedStatement ps, int k, List<String> values, int times)
            throws SQLException {
        java.sql.Array array = c.createArrayOf("text", values.toArray());
        for (int t = 0; t < times; t++) {
            ps.setArray(k++, array);
        }
        return k;
    }

    /**
     * An hour or weekday mask as a flag (whether it narrows) and the chosen values as integers: hours 0 to 23
     * ({@code first} 0), ISO weekdays 1 to 7 ({@code first} 1, Monday first as the mask is).
     */
    private static int bindMask(Connection c, PreparedStatement ps, int k, boolean[] mask, int first)
            throws SQLException {
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; mask != null && i < mask.length; i++) {
            if (mask[i]) {
                chosen.add(first + i);
            }
        }
        ps.setBoolean(k, mask != null);
        ps.setArray(k + 1, c.createArrayOf("integer", chosen.toArray()));
        return k + 2;
    }

    private static RuntimeException failed(SQLException e) {
        if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            return new org.safemap.db.DatabaseUnavailableException("the database does not answer", e);
        }
        return new IllegalStateException("map query failed: " + e.getMessage(), e);
    }

    /** Growing primitive arrays. */
    private static final class Growable {
        private double[] x = new double[1024];
        private double[] y = new double[1024];
        private double[] w = new double[1024];
        private int n;

        void add(double px, double py, double pw) {
            if (n == x.length) {
                x = java.util.Arrays.copyOf(x, n * 2);
                y = java.util.Arrays.copyOf(y, n * 2);
                w = java.util.Arrays.copyOf(w, n * 2);
            }
            x[n] = px;
            y[n] = py;
            w[n++] = pw;
        }

        Weighted done() {
            return new Weighted(
                    java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n), java.util.Arrays.copyOf(w, n));
        }
    }
}
