package org.safemap.sharing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.db.DataVersion;
import org.safemap.time.Period;

/**
 * Incident counts per LSOA, middle area (MSOA or ward) and district by category group, month by month, as a
 * principal may see them: the one source of every count of a restricted feed that SafeMap shows (count layers, area
 * profiles, tasking packs), so that no two answers can be differenced into something a table suppresses.
 *
 * <p><b>One table per sharing group, the same for everyone.</b> Restricted feeds are counted one
 * {@link SharingGroup} at a time (one partner's feeds under one set of terms), in a table per district and month
 * protected by {@link TableProtection} under the group's own rule. The table does not depend on who asks: every
 * audience that sees the group below points gets the very same published cells. Counting feeds of several partners
 * together would let a partner who sees its own feed as points subtract it; counting them per audience would give
 * two audiences two suppression patterns of the same records, and a tasking member, who can also read the public
 * map, could subtract one from the other.
 *
 * <p><b>What one principal is shown</b> ({@link Table}): an exact part, counting the records of feeds they see as
 * points (each event once among those feeds; they could count those points on the map), plus the published cells of
 * every group they see as aggregates or reduced points. A shown count is suppressed when any group cell it adds is.
 * Every answer is therefore a sum of published cells, and differencing two answers yields only published values.
 * Linked records of two partners' feeds (an assault seen by A&E and by the ambulance service) count once in each
 * partner's table: matching them across tables would tell each partner about the other's records.
 *
 * <p>A group's cells are published only whole: a selection that takes some of a group's feeds, or a category short
 * of its group, or an area of the middle level the tables are not built on, leaves the group out and names its feeds
 * as withheld. A range of months is the sum of its months ({@link #overMonths}), never a table of its own.
 *
 * <p>The middle level is the deployment's choice ({@link Geography}): MSOAs, or wards built from their best-fitting
 * LSOAs. Not both: wards cut across MSOAs, and a table published on two crossing geographies needs so many
 * complements that most MSOA totals would be hidden.
 *
 * <p>Protected counts are whole records: aoristic shares are summed per LSOA and group and rounded. Tables are
 * built once per data version ({@link #onVersion}) and shared by every request; thread-safe.
 */
public final class ProtectedCounts {
    /** Events of some feeds, each once among them, with the LSOA, feed and category of the record that stands for it. */
    private static final String EVENTS = """
            SELECT code, feed, category, sum(w) FROM (
                SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.lsoa_code AS code, i.feed, i.category,
                       CASE WHEN i.event_to > i.event_from
                            THEN extract(epoch FROM least(i.event_to, ?) - greatest(i.event_from, ?))
                                 / extract(epoch FROM i.event_to - i.event_from)
                            ELSE 1 END AS w
                FROM incident i
                WHERE i.event_from < ? AND i.event_to >= ? AND (i.event_to > ? OR i.event_to = i.event_from)
                  AND i.feed = ANY(?::text[])
                ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id
            ) s WHERE code IS NOT NULL GROUP BY 1, 2, 3""";

    /**
     * The same answer as {@link #EVENTS} from the counts kept at ingest ({@code incident_month_count}, V18), feed by
     * feed where they hold it exactly: records counted whole in the UK month they start in, per LSOA, category and
     * feed. They do for a feed none of whose records overlapping the month crosses a month's end (the readers give
     * it an aoristic share) and none of whose records is one of two or more records of an event among the feeds (the
     * readers count an event once, where its most precise record is). The other feeds come back as rows with only
     * the feed, for the caller to read from the records: every record of an event counted more than once is in them,
     * so reading those feeds alone counts each such event once, as reading all would. One statement, so the tests
     * and the counts see one snapshot. The month's bounds are literals (%1$s its end, %2$s its start, both
     * timestamptz), never parameters: each batch table's time span (IncidentPartitions.timeBounds) refutes the
     * crossing test at planning only, so police.uk's month tables are never opened; under a generic plan every
     * table of the month would be scanned.
     */
    private static final String KEPT = """
            WITH linked AS MATERIALIZED (
                SELECT i.event_id FROM incident i
                WHERE i.event_id IS NOT NULL AND i.feed = ANY(?::text[])
                  AND i.event_from < %1$s AND i.event_to >= %2$s AND (i.event_to > %2$s OR i.event_to = i.event_from)
                GROUP BY i.event_id HAVING count(*) > 1),
            mixed AS MATERIALIZED (
                SELECT f.feed FROM unnest(?::text[]) AS f(feed)
                WHERE EXISTS (SELECT 1 FROM incident i
                              WHERE i.feed = f.feed AND i.event_from < %1$s AND i.event_to > %2$s
                                AND (i.event_from < %2$s OR i.event_to > %1$s))
                   OR EXISTS (SELECT 1 FROM incident i JOIN linked l ON l.event_id = i.event_id
                              WHERE i.feed = f.feed AND i.event_from < %1$s AND i.event_to >= %2$s
                                AND (i.event_to > %2$s OR i.event_to = i.event_from)))
            SELECT k.lsoa_code, k.feed, k.category, k.records::float8 FROM incident_month_count k
            WHERE k.month = ?::date AND k.feed = ANY(?::text[]) AND k.lsoa_code <> ''
              AND k.feed NOT IN (SELECT feed FROM mixed)
            UNION ALL
            SELECT NULL, feed, NULL, NULL FROM mixed""";

    /** The latest LSOA vintage with each LSOA's MSOA and district (directly, or through its MSOA). */
    private static final String AREAS = """
            SELECT a.code, m.parent_code AS msoa,
                   coalesce(d.parent_code, (SELECT p.parent_code FROM area_parent p WHERE p.level = 'msoa'
                            AND p.code = m.parent_code AND p.parent_level = 'lad' LIMIT 1)) AS lad
            FROM area a
            LEFT JOIN area_parent m ON m.level = a.level AND m.vintage = a.vintage AND m.code = a.code
                                   AND m.parent_level = 'msoa'
            LEFT JOIN area_parent d ON d.level = a.level AND d.vintage = a.vintage AND d.code = a.code
                                   AND d.parent_level = 'lad'
            WHERE a.level = 'lsoa' AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
            ORDER BY a.code""";

    /**
     * Each LSOA's best-fitting ward (the one holding a point inside the LSOA), latest vintages. Wards are not built
     * from LSOAs, so a ward's count is the sum of its best-fitting LSOAs, as ONS builds ward statistics from small
     * areas: counted any other way, a ward and the LSOAs it cuts could be differenced into a suppressed slice.
     */
    private static final String WARDS = """
            SELECT DISTINCT ON (l.code) l.code, w.code FROM area l
            JOIN area w ON w.level = 'ward' AND w.vintage = (SELECT max(vintage) FROM area WHERE level = 'ward')
                       AND ST_Contains(w.geom, ST_PointOnSurface(l.geom))
            WHERE l.level = 'lsoa' AND l.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
            ORDER BY l.code, w.code""";

    private static final String GROUPS = "SELECT code, group_code FROM category ORDER BY group_code, code";

    /** Tables kept: a district's year of a few partners' groups and many readers' exact parts. */
    private static final int CACHED = 512;

    /** The areas restricted feeds are counted in, bottom up; the middle level is the choice. */
    public enum Geography {
        LSOA_MSOA_LAD("msoa"),
        LSOA_WARD_LAD("ward");

        private final String middle;

        Geography(String middle) {
            this.middle = middle;
        }

        /** The setting's spelling: {@code lsoa-msoa-lad} or {@code lsoa-ward-lad}. */
        public static Geography parse(String text) {
            for (Geography g : values()) {
                if (g.text().equals(text)) {
                    return g;
                }
            }
            throw new IllegalArgumentException(
                    "protected geography must be lsoa-msoa-lad or lsoa-ward-lad, not '" + text + "'");
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The level between LSOA and district. */
        public String middle() {
            return middle;
        }
    }

    /** Where a month's counts are read from. */
    public enum Source {
        /** The counts kept at ingest wherever they give exactly the records' answer, else the records. */
        KEPT_WHERE_EXACT,
        /** Always the records (the reference the kept counts are tested against, and the benchmark's baseline). */
        RECORDS
    }

    /**
     * How many month reads each source answered since this was made: a month of a set of feeds is one read, however
     * many tables reuse it.
     *
     * @param kept    answered from the kept counts
     * @param records answered from the records (asked to, or the kept counts could not give the same answer)
     */
    public record Reads(long kept, long records) {}

    private final DataSource dataSource;
    private final Policy policy;
    private final Geography geography;
    private final Source source;
    private final AtomicLong keptReads = new AtomicLong();
    private final AtomicLong recordReads = new AtomicLong();
    private volatile State state = new State("");

    public ProtectedCounts(DataSource dataSource, Policy policy, Geography geography) {
        this(dataSource, policy, geography, Source.KEPT_WHERE_EXACT);
    }

    public ProtectedCounts(DataSource dataSource, Policy policy, Geography geography, Source source) {
        this.dataSource = dataSource;
        this.policy = policy;
        this.geography = geography;
        this.source = source;
    }

    /** Month reads so far by source; thread-safe. */
    public Reads reads() {
        return new Reads(keptReads.get(), recordReads.get());
    }

    /** What to add up: feeds (empty: all the principal sees) and categories or groups (empty: all). */
    public record Selection(List<String> feeds, List<String> categories) {
        public static final Selection ALL = new Selection(List.of(), List.of());
    }

    /**
     * One shown count.
     *
     * @param value      exact part + published group cells, or null when suppressed
     * @param suppressed a group cell it adds is suppressed
     * @param withheld   restricted feeds left out of the value: the selection took part of their group or part of a
     *                   category group, or the area is of the middle level the tables are not built on
     */
    public record Count(Double value, boolean suppressed, List<String> withheld) {}

    /**
     * What every cached map and table depends on: the data ({@link DataVersion}) and the protocols in force. A reload
     * that lowers a level or raises a threshold moves it, so no tile, count table or density drawn under the old
     * protocols is served again.
     */
    public String version() {
        return DataVersion.read(dataSource) + "~p" + policy.protocols().fingerprint();
    }

    /** Drops every table when the data version moves on (a load, a purge). */
    public void onVersion(String version) {
        if (!version.equals(state.version)) {
            state = new State(version);
        }
    }

    /**
     * The tables {@code who} is shown for each month of {@code period}, in order, over every known feed (each a
     * protocol governs or a load brought in), at the current data version: the very tables the map's count layers
     * draw from (same view over the same feeds), so a profile, a pack and a map can never be differenced against
     * each other.
     */
    public List<Table> tables(Principal who, Period period) {
        String version = version();
        onVersion(version);
        Known k = known;
        if (!k.version().equals(version)) {
            java.util.TreeSet<String> feeds = new java.util.TreeSet<>(DataVersion.loadedFeeds(dataSource));
            for (Protocol p : policy.protocols().all()) {
                feeds.add(p.feed());
            }
            k = known = new Known(version, List.copyOf(feeds));
        }
        return tables(policy.view(who, k.feeds()), period);
    }

    /** Every known feed, sorted, at one version. */
    private record Known(String version, List<String> feeds) {}

    private volatile Known known = new Known("", List.of());

    /** The table of {@code who} for one month, over every feed known to the protocols or loaded. */
    public Table table(Principal who, YearMonth month, Collection<String> knownFeeds) {
        return table(policy.view(who, knownFeeds), month);
    }

    /**
     * The table a view (every feed known, each at the requester's level) is shown for one month. Equal views get
     * equal tables, and the group cells in them are the same objects for every view.
     */
    public Table table(FeedView view, YearMonth month) {
        State s = state;
        Layout layout = s.layout(this::layout);
        List<String> points = view.at(DisclosureLevel.POINTS);
        double[] exact = s.exact.get(String.join(",", points) + "|" + month, k -> exactPart(layout, points, month));
        List<Part> parts = new ArrayList<>();
        for (SharingGroup g : policy.sharingGroups(view.restricted())) {
            parts.add(s.groups.get(g.key() + "|" + month, k -> groupPart(layout, g, month)));
        }
        return new Table(view, month, layout, points, exact, parts);
    }

    /** The tables of a view for each month of {@code period}, in order. */
    public List<Table> tables(FeedView view, Period period) {
        List<Table> out = new ArrayList<>();
        for (YearMonth m : period.months()) {
            out.add(table(view, m));
        }
        return out;
    }

    /**
     * An area's count over several months' published tables, as every screen shows a range of months: the sum of the
     * months' counts, suppressed if any month's is (or if a table does not know the area), with every restricted feed
     * any month withheld named. A range protected as one table could be differenced against its months; a sum of
     * published months cannot.
     */
    public static Count overMonths(List<Table> months, String code, Selection sel) {
        double total = 0;
        Set<String> withheld = new TreeSet<>();
        boolean suppressed = false;
        for (Table t : months) {
            if (!t.covers(code)) {
                return new Count(null, true, List.of());
            }
            Count c = t.area(code, sel);
            withheld.addAll(c.withheld());
            if (c.suppressed()) {
                suppressed = true;
            } else {
                total += c.value();
            }
        }
        return new Count(suppressed ? null : total, suppressed, List.copyOf(withheld));
    }

    private double[] exactPart(Layout layout, List<String> feeds, YearMonth month) {
        double[] out = new double[layout.lsoas.size() * feeds.size() * layout.categories.size()];
        if (feeds.isEmpty()) {
            return out;
        }
        events(feeds, month, (r, feed, cat, w) -> {
            Integer row = layout.rowOf.get(r);
            Integer c = layout.categoryIndex.get(cat);
            if (row != null && c != null) {
                out[(row * feeds.size() + feeds.indexOf(feed)) * layout.categories.size() + c] += w;
            }
        });
        return out;
    }

    private Part groupPart(Layout layout, SharingGroup group, YearMonth month) {
        int cols = layout.groups.size();
        double[] sums = new double[layout.lsoas.size() * cols];
        events(group.feeds(), month, (code, feed, cat, w) -> {
            Integer row = layout.rowOf.get(code);
            Integer c = layout.categoryIndex.get(cat);
            if (row != null && c != null) {
                sums[row * cols + layout.groupOfCategory[c]] += w;
            }
        });
        ProtectedTable[] tables = new ProtectedTable[layout.districts.size()];
        for (int d = 0; d < tables.length; d++) {
            District district = layout.districts.get(d);
            int[] counts = new int[district.rows.length * cols];
            for (int k = 0; k < district.rows.length; k++) {
                for (int c = 0; c < cols; c++) {
                    counts[k * cols + c] = (int) Math.round(sums[district.rows[k] * cols + c]);
                }
            }
            CountTable ct = CountTable.nested(district.rows.length, cols, counts, district.middleOfRow);
            tables[d] = TableProtection.protect(ct, group.rule());
        }
        return new Part(group, tables);
    }

    private interface EventSink {
        void add(String lsoa, String feed, String category, double weight);
    }

    /**
     * Each event of {@code feeds} in the month once among them, with its aoristic share of the month: from the kept
     * counts for the feeds where they give exactly that ({@link #KEPT}), from the records for the others.
     */
    private void events(List<String> feeds, YearMonth month, EventSink sink) {
        List<String> fromRecords = feeds;
        if (source == Source.KEPT_WHERE_EXACT) {
            fromRecords = kept(feeds, month, sink);
            if (fromRecords.size() < feeds.size()) {
                keptReads.incrementAndGet();
            }
            if (fromRecords.isEmpty()) {
                return;
            }
        }
        recordReads.incrementAndGet();
        Period period = Period.of(month);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(EVENTS)) {
            Timestamp from = Timestamp.from(period.from());
            Timestamp to = Timestamp.from(period.to());
            ps.setTimestamp(1, to);
            ps.setTimestamp(2, from);
            ps.setTimestamp(3, to);
            ps.setTimestamp(4, from);
            ps.setTimestamp(5, from);
            ps.setArray(6, c.createArrayOf("text", fromRecords.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.add(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("protected counts query failed: " + e.getMessage(), e);
        }
    }

    /**
     * Gives the month's counts from the kept counts for the feeds where they are exact, and returns the others, to
     * be read from the records (all of {@code feeds} when none is exact, none when all are).
     */
    private List<String> kept(List<String> feeds, YearMonth month, EventSink sink) {
        Period period = Period.of(month);
        String sql = KEPT.formatted("'" + period.to() + "'::timestamptz", "'" + period.from() + "'::timestamptz");
        List<String> others = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            java.sql.Array asked = c.createArrayOf("text", feeds.toArray());
            ps.setArray(1, asked);
            ps.setArray(2, asked);
            ps.setObject(3, month.atDay(1));
            ps.setArray(4, asked);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1) == null) {
                        others.add(rs.getString(2));
                    } else {
                        sink.add(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("protected counts query failed: " + e.getMessage(), e);
        }
        // In the order asked, as the records' query is given them.
        return feeds.stream().filter(others::contains).toList();
    }

    private Layout layout() {
        try (Connection c = dataSource.getConnection()) {
            Map<String, String> groupOf = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(GROUPS);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groupOf.put(rs.getString(1), rs.getString(2));
                }
            }
            List<String> lsoas = new ArrayList<>();
            List<String> msoaOf = new ArrayList<>();
            List<String> ladOf = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(AREAS);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lsoas.add(rs.getString(1));
                    msoaOf.add(rs.getString(2));
                    ladOf.add(rs.getString(3));
                }
            }
            Map<String, Integer> rowOf = new HashMap<>();
            for (int r = 0; r < lsoas.size(); r++) {
                rowOf.put(lsoas.get(r), r);
            }
            List<String> wardOf = new ArrayList<>(Collections.nCopies(lsoas.size(), (String) null));
            try (PreparedStatement ps = c.prepareStatement(WARDS);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer r = rowOf.get(rs.getString(1));
                    if (r != null) {
                        wardOf.set(r, rs.getString(2));
                    }
                }
            }
            return Layout.of(geography, groupOf, lsoas, rowOf, msoaOf, wardOf, ladOf);
        } catch (SQLException e) {
            throw new IllegalStateException("protected counts query failed: " + e.getMessage(), e);
        }
    }

    /** One sharing group's published cells for one month: a protected table per district. */
    record Part(SharingGroup group, ProtectedTable[] districts) {}

    /** A district's rows (global LSOA indices) and each row's middle area within it (or -1). */
    record District(String code, int[] rows, int[] middleOfRow, List<String> middles) {}

    /** Where an area code's count lives: a district's table and the node in it. */
    record Node(int district, int node) {}

    /**
     * Rows and how they nest, per district. A middle area belongs to the district of its first LSOA (MSOAs and wards
     * nest in districts); an LSOA belongs to its middle area's district, so every table nests exactly.
     */
    static final class Layout {
        final String middleLevel;
        final List<String> lsoas;
        final Map<String, Integer> rowOf;
        final List<String> groups;
        final List<String> categories;
        final Map<String, Integer> categoryIndex = new HashMap<>();
        final int[] groupOfCategory;
        final List<District> districts;
        final Map<String, Node> nodeOf;
        final Map<String, int[]> rowsOf;
        final Map<String, List<Integer>> rowsOfOther;

        private Layout(
                String middleLevel,
                List<String> lsoas,
                Map<String, Integer> rowOf,
                List<String> groups,
                List<String> categories,
                int[] groupOfCategory,
                List<District> districts,
                Map<String, Node> nodeOf,
                Map<String, int[]> rowsOf,
                Map<String, List<Integer>> rowsOfOther) {
            this.middleLevel = middleLevel;
            this.lsoas = lsoas;
            this.rowOf = rowOf;
            this.groups = groups;
            this.categories = categories;
            this.groupOfCategory = groupOfCategory;
            this.districts = districts;
            this.nodeOf = nodeOf;
            this.rowsOf = rowsOf;
            this.rowsOfOther = rowsOfOther;
            for (int c = 0; c < categories.size(); c++) {
                categoryIndex.put(categories.get(c), c);
            }
        }

        static Layout of(
                Geography geography,
                Map<String, String> groupOf,
                List<String> lsoas,
                Map<String, Integer> rowOf,
                List<String> msoaOf,
                List<String> wardOf,
                List<String> ladOf) {
            List<String> groups = new ArrayList<>(new TreeSet<>(groupOf.values()));
            List<String> categories = new ArrayList<>(groupOf.keySet());
            int[] groupOfCategory = new int[categories.size()];
            for (int c = 0; c < categories.size(); c++) {
                groupOfCategory[c] = groups.indexOf(groupOf.get(categories.get(c)));
            }
            boolean onWards = geography == Geography.LSOA_WARD_LAD;
            List<String> middleOf = onWards ? wardOf : msoaOf;
            List<String> otherOf = onWards ? msoaOf : wardOf;
            // The district of each middle area: its first LSOA's.
            Map<String, String> ladOfMiddle = new HashMap<>();
            for (int r = 0; r < lsoas.size(); r++) {
                if (middleOf.get(r) != null && ladOf.get(r) != null) {
                    ladOfMiddle.putIfAbsent(middleOf.get(r), ladOf.get(r));
                }
            }
            Map<String, List<Integer>> rowsOfDistrict = new LinkedHashMap<>();
            for (int r = 0; r < lsoas.size(); r++) {
                String m = middleOf.get(r);
                String lad = m != null && ladOfMiddle.containsKey(m) ? ladOfMiddle.get(m) : ladOf.get(r);
                rowsOfDistrict
                        .computeIfAbsent(lad == null ? "" : lad, k -> new ArrayList<>())
                        .add(r);
            }
            List<District> districts = new ArrayList<>();
            Map<String, Node> nodeOf = new HashMap<>();
            Map<String, int[]> rowsOf = new HashMap<>();
            Map<String, List<Integer>> rowsOfMiddle = new HashMap<>();
            for (Map.Entry<String, List<Integer>> e : rowsOfDistrict.entrySet()) {
                int d = districts.size();
                int[] rows = e.getValue().stream().mapToInt(Integer::intValue).toArray();
                List<String> middles = new ArrayList<>();
                Map<String, Integer> middleIdx = new HashMap<>();
                int[] middleOfRow = new int[rows.length];
                for (int k = 0; k < rows.length; k++) {
                    String m = middleOf.get(rows[k]);
                    if (m == null) {
                        middleOfRow[k] = -1;
                    } else {
                        middleOfRow[k] = middleIdx.computeIfAbsent(m, x -> {
                            middles.add(x);
                            return middles.size() - 1;
                        });
                        rowsOfMiddle.computeIfAbsent(m, x -> new ArrayList<>()).add(rows[k]);
                    }
                    nodeOf.put(lsoas.get(rows[k]), new Node(d, k));
                    rowsOf.put(lsoas.get(rows[k]), new int[] {rows[k]});
                }
                for (int m = 0; m < middles.size(); m++) {
                    nodeOf.put(middles.get(m), new Node(d, rows.length + m));
                }
                if (!e.getKey().isEmpty()) {
                    nodeOf.put(e.getKey(), new Node(d, rows.length + middles.size()));
                    rowsOf.put(e.getKey(), rows);
                }
                districts.add(new District(
                        e.getKey().isEmpty() ? null : e.getKey(), rows, middleOfRow, List.copyOf(middles)));
            }
            rowsOfMiddle.forEach((m, rows) ->
                    rowsOf.put(m, rows.stream().mapToInt(Integer::intValue).toArray()));
            Map<String, List<Integer>> rowsOfOther = new HashMap<>();
            for (int r = 0; r < lsoas.size(); r++) {
                if (otherOf.get(r) != null) {
                    rowsOfOther
                            .computeIfAbsent(otherOf.get(r), k -> new ArrayList<>())
                            .add(r);
                }
            }
            return new Layout(
                    geography.middle(),
                    List.copyOf(lsoas),
                    Map.copyOf(rowOf),
                    List.copyOf(groups),
                    List.copyOf(categories),
                    groupOfCategory,
                    List.copyOf(districts),
                    Map.copyOf(nodeOf),
                    Map.copyOf(rowsOf),
                    Map.copyOf(rowsOfOther));
        }
    }

    /** What one principal is shown for one month, and every sum that may be shown from it. */
    public static final class Table {
        private final FeedView view;
        private final YearMonth month;
        private final Layout layout;
        private final List<String> points;
        private final double[] exact;
        private final List<Part> parts;

        Table(FeedView view, YearMonth month, Layout layout, List<String> points, double[] exact, List<Part> parts) {
            this.view = view;
            this.month = month;
            this.layout = layout;
            this.points = points;
            this.exact = exact;
            this.parts = parts;
        }

        public FeedView view() {
            return view;
        }

        public YearMonth month() {
            return month;
        }

        /** The sharing groups whose published cells this table adds, in order. */
        public List<SharingGroup> sharingGroups() {
            return parts.stream().map(Part::group).toList();
        }

        /** One group's published table for a district (by district code), for inspection and tests; null if none. */
        public ProtectedTable published(SharingGroup group, String district) {
            Node n = layout.nodeOf.get(district);
            for (Part p : parts) {
                if (p.group().equals(group) && n != null) {
                    return p.districts()[n.district()];
                }
            }
            return null;
        }

        /** Districts by code (null for LSOAs in none), in table order. */
        public List<String> districts() {
            return layout.districts.stream().map(District::code).toList();
        }

        /** The LSOA codes of a district's table rows, then its middle areas, in node order. */
        public List<String> nodeCodes(String district) {
            for (District d : layout.districts) {
                if (java.util.Objects.equals(d.code(), district)) {
                    List<String> out = new ArrayList<>();
                    for (int r : d.rows()) {
                        out.add(layout.lsoas.get(r));
                    }
                    out.addAll(d.middles());
                    out.add(district);
                    return out;
                }
            }
            return List.of();
        }

        /**
         * The area codes of a level the tables know, sorted: lsoa, the middle level they are built on, lad, or the
         * other middle level (whose counts hold only the exact part).
         */
        public List<String> codes(String level) {
            Set<String> out = new TreeSet<>();
            if (level.equals("lsoa")) {
                out.addAll(layout.lsoas);
            } else if (level.equals(layout.middleLevel)) {
                layout.districts.forEach(d -> out.addAll(d.middles()));
            } else if (level.equals("lad")) {
                layout.districts.stream()
                        .map(District::code)
                        .filter(java.util.Objects::nonNull)
                        .forEach(out::add);
            } else {
                out.addAll(layout.rowsOfOther.keySet());
            }
            return List.copyOf(out);
        }

        /** Category groups, the tables' columns, in order. */
        public List<String> groups() {
            return layout.groups;
        }

        /** Whether the area code is an LSOA, a middle area of the tables' level or a district. */
        public boolean isNode(String code) {
            return layout.nodeOf.containsKey(code);
        }

        /** The level between LSOA and district the tables are built on: msoa or ward. */
        public String middleLevel() {
            return layout.middleLevel;
        }

        /** Whether the table answers for this LSOA, MSOA, ward or district code. */
        public boolean covers(String code) {
            return layout.nodeOf.containsKey(code) || layout.rowsOfOther.containsKey(code);
        }

        /** The LSOAs an area's count adds up (a ward's best-fitting ones); none for a code the table does not know. */
        public List<String> lsoas(String code) {
            int[] rows = layout.rowsOf.get(code);
            List<Integer> other = layout.rowsOfOther.get(code);
            List<String> out = new ArrayList<>();
            if (rows != null) {
                for (int r : rows) {
                    out.add(layout.lsoas.get(r));
                }
            } else if (other != null) {
                for (int r : other) {
                    out.add(layout.lsoas.get(r));
                }
            }
            return out;
        }

        /**
         * The count for one area as published: the exact part of its LSOAs plus each group's own cells for an LSOA,
         * middle area or district; for an area of the other middle level, the exact part with the groups withheld.
         */
        public Count area(String code, Selection sel) {
            return count(code, sel, parts);
        }

        /** The count of one sharing group alone for one area (no exact part), as {@link #area} adds it. */
        public Count group(String code, SharingGroup group, List<String> categories) {
            // The group's feeds are never seen as points by this reader, so the exact part adds nothing here.
            return count(
                    code,
                    new Selection(group.feeds(), categories),
                    parts.stream().filter(p -> p.group().equals(group)).toList());
        }

        private Count count(String code, Selection sel, List<Part> usable) {
            List<String> feeds = feedsAsked(sel);
            boolean[] catOn = categoriesAsked(sel);
            boolean wholeGroups = wholeGroups(sel);
            Node node = layout.nodeOf.get(code);
            double value = exactOf(rowsFor(code), feeds, catOn);
            List<String> withheld = new ArrayList<>();
            boolean suppressed = false;
            for (Part p : usable) {
                List<String> asked =
                        p.group().feeds().stream().filter(feeds::contains).toList();
                if (asked.isEmpty()) {
                    continue;
                }
                if (node == null
                        || !wholeGroups
                        || asked.size() < p.group().feeds().size()) {
                    withheld.addAll(asked);
                    continue;
                }
                ProtectedTable t = p.districts()[node.district()];
                int cols = layout.groups.size();
                if (sel.categories().isEmpty()) {
                    if (t.isSuppressed(node.node(), cols)) {
                        suppressed = true;
                    } else {
                        value += t.value(node.node(), cols);
                    }
                    continue;
                }
                for (int g = 0; g < cols; g++) {
                    if (!groupAsked(sel, g)) {
                        continue;
                    }
                    if (t.isSuppressed(node.node(), g)) {
                        suppressed = true;
                    } else {
                        value += t.value(node.node(), g);
                    }
                }
            }
            Collections.sort(withheld);
            return new Count(suppressed ? null : value, suppressed, List.copyOf(withheld));
        }

        private int[] rowsFor(String code) {
            int[] rows = layout.rowsOf.get(code);
            if (rows != null) {
                return rows;
            }
            List<Integer> other = layout.rowsOfOther.get(code);
            return other == null
                    ? new int[0]
                    : other.stream().mapToInt(Integer::intValue).toArray();
        }

        private double exactOf(int[] rows, List<String> feeds, boolean[] catOn) {
            int cats = layout.categories.size();
            double value = 0;
            for (int r : rows) {
                for (int f = 0; f < points.size(); f++) {
                    if (!feeds.contains(points.get(f))) {
                        continue;
                    }
                    int base = (r * points.size() + f) * cats;
                    for (int c = 0; c < cats; c++) {
                        if (catOn[c]) {
                            value += exact[base + c];
                        }
                    }
                }
            }
            return value;
        }

        private List<String> feedsAsked(Selection sel) {
            return sel.feeds().isEmpty() ? view.atLeast(DisclosureLevel.AGGREGATES) : sel.feeds();
        }

        private boolean[] categoriesAsked(Selection sel) {
            boolean[] on = new boolean[layout.categories.size()];
            if (sel.categories().isEmpty()) {
                Arrays.fill(on, true);
                return on;
            }
            for (String asked : sel.categories()) {
                int g = layout.groups.indexOf(asked);
                Integer c = layout.categoryIndex.get(asked);
                if (g >= 0) {
                    for (int k = 0; k < on.length; k++) {
                        on[k] |= layout.groupOfCategory[k] == g;
                    }
                } else if (c != null) {
                    on[c] = true;
                } else {
                    throw new org.safemap.SafemapException(
                            ErrorCode.BAD_REQUEST, "'" + asked + "' is not a category or group code");
                }
            }
            return on;
        }

        private boolean wholeGroups(Selection sel) {
            for (String asked : sel.categories()) {
                if (!layout.groups.contains(asked)) {
                    return false;
                }
            }
            return true;
        }

        private boolean groupAsked(Selection sel, int g) {
            return sel.categories().contains(layout.groups.get(g));
        }
    }

    /** Everything built for one data version. */
    private static final class State {
        final String version;
        final Cache<String, double[]> exact =
                Caffeine.newBuilder().maximumSize(CACHED).build();
        final Cache<String, Part> groups =
                Caffeine.newBuilder().maximumSize(CACHED).build();
        private final Cache<String, Layout> layout = Caffeine.newBuilder().build();

        State(String version) {
            this.version = version;
        }

        Layout layout(Supplier<Layout> load) {
            return layout.get("", k -> load.get());
        }
    }
}
