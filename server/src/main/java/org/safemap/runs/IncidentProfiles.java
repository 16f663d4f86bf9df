package org.safemap.runs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.time.Period;

/**
 * What happened in one area over a period, for the viewer's area profile and for custom areas drawn on the map:
 * records by category, by month, and by hour and weekday, and the area's classes in the newest stored Gi* and
 * emerging hot spot runs.
 *
 * <p>The headline, {@link #incidents}, is the area's row in a hotspot run over the same selection: the engine's one
 * rule ({@link PointSelector.Weights}), each record weighted by the aoristic share of its time window inside the
 * period, hours and days. The tables ({@link #counts}) are counts of records, chosen to be checkable by hand: a record
 * counts in the month its time window starts (a police.uk record in its month; a timed record at its instant, in UK
 * local time); records of one linked event count once, the most precisely placed, as in hotspot runs ({@link
 * Selection#events}). Only records timed to within an hour enter the hour-and-weekday table; monthly and longer
 * windows are counted apart as untimed. Hour and weekday filters keep timed records in those hours and drop untimed
 * ones, which the answer counts.
 */
public final class IncidentProfiles {
    /**
     * Records of the selection grouped as fine as any table needs; the tables are sums over these groups. As in
     * hotspot runs, an event seen by several feeds is first reduced to its most precisely placed record, and that
     * record's place decides whether it is in the area: so an area's profile counts what its row in a run counts.
     * {@code ev} narrows the reduction to events with a record in the area.
     */
    private static final String GROUPS = """
            WITH ev AS (
              SELECT DISTINCT coalesce(i.event_id, i.id) AS e FROM incident i
              WHERE i.event_from >= ? AND i.event_from < ? AND %1$s),
            chosen AS (
              SELECT %2$s i.* FROM incident i JOIN category c ON c.code = i.category
              WHERE coalesce(i.event_id, i.id) IN (SELECT e FROM ev)
                AND i.event_from >= ? AND i.event_from < ? AND %4$s
              %3$s)
            SELECT i.category, c.label, c.group_code,
                   to_char(i.event_from AT TIME ZONE 'Europe/London', 'YYYY-MM'),
                   extract(isodow FROM i.event_from AT TIME ZONE 'Europe/London')::int,
                   extract(hour FROM i.event_from AT TIME ZONE 'Europe/London')::int,
                   i.event_to - i.event_from <= interval '1 hour',
                   count(*), array_agg(DISTINCT i.batch_id)
            FROM chosen i JOIN category c ON c.code = i.category
            WHERE %1$s
            GROUP BY 1, 2, 3, 4, 5, 6, 7, c.sort_order
            ORDER BY c.sort_order""";
    /** The area's row in the newest finished run of a kind that has it at that level (tasking packs' own runs last). */
    private static final String NEWEST_RUN_ROW = """
            SELECT r.id, a.gi_z, a.gi_p, a.gi_class, a.emerging_class, a.rank, r.params->'selection'->>'period',
                   array_to_string(ARRAY(SELECT jsonb_array_elements_text(r.params->'selection'->'categories')), ',')
                   , NOT EXISTS (SELECT 1 FROM jsonb_array_elements(r.data_version -> 'batches') b
                                 WHERE NOT (b ->> 'feed' = ANY(?::text[])))
            FROM hotspot_area_result a JOIN hotspot_run r ON r.id = a.run_id
            WHERE r.kind = ? AND r.status = 'done' AND a.level = ? AND a.code = ? AND a.cell_geom IS NULL
              AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(r.data_version -> 'batches') b
                              WHERE NOT (b ->> 'feed' = ANY(?::text[])))
            ORDER BY r.created_by = 'pack', r.finished_at DESC, r.id DESC LIMIT 1""";

    /** A category's records. */
    public record CategoryCount(String code, String label, String group, long records) {}

    /**
     * @param records     every record counted
     * @param byCategory  in the taxonomy's order
     * @param byGroup     category groups, largest first
     * @param byMonth     every month of the period, zero where none
     * @param hourWeekday [weekday, Monday first][hour] counts of timed records
     * @param timed       records in the hour-and-weekday table
     * @param untimed     records whose window is longer than an hour (counted, but in no hour)
     * @param untimedDropped untimed records left out because hours or weekdays were filtered
     * @param batches     load batches the records came from (for crediting sources)
     */
    public record Counts(
            long records,
            List<CategoryCount> byCategory,
            Map<String, Long> byGroup,
            Map<String, Long> byMonth,
            long[][] hourWeekday,
            long timed,
            long untimed,
            long untimedDropped,
            long[] batches) {}

    /** The area's place in a stored run (its period and categories; empty for all): Gi* class and statistic, or emerging class. */
    public record RunClass(
            long run,
            String period,
            List<String> categories,
            Double giZ,
            Double giP,
            String giClass,
            String emergingClass,
            Integer rank) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", run);
            m.put("period", period);
            m.put("categories", categories);
            if (emergingClass != null) {
                m.put("class", emergingClass);
            } else {
                m.put("class", giClass);
                m.put("z", giZ);
                m.put("p", giP);
            }
            m.put("rank", rank);
            return m;
        }
    }

    private final DataSource dataSource;
    private final PointSelector selector;

    public IncidentProfiles(DataSource dataSource) {
        this.dataSource = dataSource;
        this.selector = new PointSelector(dataSource);
    }

    /**
     * The selection's incidents in its area of interest (the area profiled) as the ranking and the map count them:
     * the area's row in a hotspot run over the same selection ({@link PointSelector#weightIn}), whatever the
     * selection's own {@code aoristic} flag, which governs the tables only.
     */
    public double incidents(Selection s) {
        return selector.weightIn(s.withAoristic(true));
    }

    /** The tables for a selection (its area of interest is the area profiled). */
    public Counts counts(Selection s) {
        selector.checkNames(s);
        String distinct = s.events() ? "DISTINCT ON (coalesce(i.event_id, i.id))" : "";
        String order = s.events() ? "ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id" : "";
        String sql = GROUPS.formatted(PointSelector.aoiClause(s), distinct, order, PointSelector.FILTERS);
        boolean[] hours = s.hours();
        boolean[] days = s.weekdays();
        boolean filtered = hours != null || days != null;
        Map<String, CategoryCount> categories = new LinkedHashMap<>();
        Map<String, Long> groups = new LinkedHashMap<>();
        Map<String, Long> months = new LinkedHashMap<>();
        for (YearMonth m = YearMonth.from(ZonedDateTime.ofInstant(s.period().from(), Period.LONDON));
                m.atDay(1)
                        .atStartOfDay(Period.LONDON)
                        .toInstant()
                        .isBefore(s.period().to());
                m = m.plusMonths(1)) {
            months.put(m.toString(), 0L);
        }
        long[][] table = new long[7][24];
        long records = 0;
        long timed = 0;
        long untimed = 0;
        long dropped = 0;
        TreeSet<Long> batches = new TreeSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int k = 1;
            java.time.OffsetDateTime from =
                    java.time.OffsetDateTime.ofInstant(s.period().from(), Period.LONDON);
            java.time.OffsetDateTime to =
                    java.time.OffsetDateTime.ofInstant(s.period().to(), Period.LONDON);
            ps.setObject(k++, from);
            ps.setObject(k++, to);
            k = PointSelector.bindAoi(ps, k, s);
            ps.setObject(k++, from);
            ps.setObject(k++, to);
            k = PointSelector.bindFilters(ps, k, s);
            PointSelector.bindAoi(ps, k, s);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int day = rs.getInt(5) - 1;
                    int hour = rs.getInt(6);
                    boolean isTimed = rs.getBoolean(7);
                    long n = rs.getLong(8);
                    if (filtered && (!isTimed || hours != null && !hours[hour] || days != null && !days[day])) {
                        dropped += isTimed ? 0 : n;
                        continue;
                    }
                    records += n;
                    String code = rs.getString(1);
                    CategoryCount prev = categories.get(code);
                    categories.put(
                            code,
                            new CategoryCount(
                                    code, rs.getString(2), rs.getString(3), (prev == null ? 0 : prev.records()) + n));
                    groups.merge(rs.getString(3), n, Long::sum);
                    months.merge(rs.getString(4), n, Long::sum);
                    if (isTimed) {
                        table[day][hour] += n;
                        timed += n;
                    } else {
                        untimed += n;
                    }
                    for (Object b : (Object[]) rs.getArray(9).getArray()) {
                        batches.add(((Number) b).longValue());
                    }
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not count the area's records", e);
        }
        Map<String, Long> byGroup = new LinkedHashMap<>();
        groups.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> byGroup.put(e.getKey(), e.getValue()));
        return new Counts(
                records,
                List.copyOf(categories.values()),
                byGroup,
                months,
                table,
                timed,
                untimed,
                dropped,
                batches.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * The area's row in the newest finished run of this kind ("hotspots" or "emerging") at this level that read only
     * feeds in {@code readable} (those the asker may see at aggregate level or better). Its Gi* z and p are left out
     * unless every feed it read is in {@code exact} (seen as points): statistics are functions of the counts.
     */
    public Optional<RunClass> newestClass(
            String kind, String level, String code, List<String> readable, List<String> exact) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(NEWEST_RUN_ROW)) {
            ps.setArray(1, c.createArrayOf("text", exact.toArray()));
            ps.setString(2, kind);
            ps.setString(3, level);
            ps.setString(4, code);
            ps.setArray(5, c.createArrayOf("text", readable.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String categories = rs.getString(8);
                boolean numbers = rs.getBoolean(9);
                return Optional.of(new RunClass(
                        rs.getLong(1),
                        rs.getString(7),
                        categories == null || categories.isEmpty() ? List.of() : List.of(categories.split(",")),
                        numbers ? (Double) rs.getObject(2) : null,
                        numbers ? (Double) rs.getObject(3) : null,
                        rs.getString(4),
                        rs.getString(5),
                        (Integer) rs.getObject(6)));
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read stored runs", e);
        }
    }
}
