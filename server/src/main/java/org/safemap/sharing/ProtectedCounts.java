package org.safemap.sharing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.safemap.runs.Period;

/**
 * Incident counts per LSOA, MSOA, ward and district by category group, as a principal may see them: the one
 * source of every aggregate shown (maps now; area profiles, packs and exports at the lead's merge), so that two answers can
 * never be differenced into a suppressed value.
 *
 * <p>For one principal and one period there is one canonical table ({@link Table}). Events are selected once over
 * every feed the principal sees at aggregates or better, each event once (records linked across feeds count
 * once, represented by a record of a feed seen as points where there is one). Then:
 * <ul>
 * <li>the <b>exact part</b> counts events of feeds seen as points, per LSOA, feed and category: no protection, the
 * principal could count those points on the map;</li>
 * <li>the <b>protected part</b> counts events of every feed seen below points together, per LSOA and category group,
 * with middle-level and district parents, protected by {@link TableProtection} under {@link Policy#suppression}.</li>
 * </ul>
 * The middle level is the deployment's choice ({@link Geography}): MSOAs, or wards built from their best-fitting
 * LSOAs. Not both: wards cut across MSOAs, and a table published on two crossing geographies needs so many
 * complements to stop them being differenced against each other that most MSOA totals would be hidden (measured on
 * the demo: 17 to 24 of 62 MSOA and district totals suppressed with MSOAs alone, 55 with wards added as a second
 * grouping of the same LSOAs; 3 or 4 of 31 ward and district totals with wards alone). The other
 * level is answered from the exact part alone, the restricted feeds named as withheld.
 * A shown count is exact part + protected part; it is suppressed when any protected cell it adds is suppressed.
 * Every answer is a sum of published cells of the one table, so differencing two answers yields only published
 * values. The protected part is only ever published whole: a selection that narrows the restricted feeds, or asks
 * for categories that do not make up whole groups, leaves the restricted feeds out and names them as withheld
 * (differencing two narrowings would otherwise recover what the table suppresses).
 *
 * <p>Protected counts are whole records: aoristic shares are summed per LSOA and group and rounded.
 */
public final class ProtectedCounts {
    private static final String SELECT = """
            SELECT code, feed, category, sum(w) FROM (
                SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.lsoa_code AS code, i.feed, i.category,
                       CASE WHEN i.event_to > i.event_from
                            THEN extract(epoch FROM least(i.event_to, ?) - greatest(i.event_from, ?))
                                 / extract(epoch FROM i.event_to - i.event_from)
                            ELSE 1 END AS w
                FROM incident i
                WHERE i.event_from < ? AND (i.event_to > ? OR i.event_from >= ?)
                  AND i.feed = ANY(?::text[])
                ORDER BY coalesce(i.event_id, i.id), NOT (i.feed = ANY(?::text[])), i.precision_m, i.id
            ) s WHERE code IS NOT NULL GROUP BY 1, 2, 3""";

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
            throw new IllegalArgumentException("protected geography must be lsoa-msoa-lad or lsoa-ward-lad, not '"
                    + text + "'");
        }

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /** The level between LSOA and district. */
        public String middle() {
            return middle;
        }
    }

    private final DataSource dataSource;
    private final Policy policy;
    private final Geography geography;

    public ProtectedCounts(DataSource dataSource, Policy policy, Geography geography) {
        this.dataSource = dataSource;
        this.policy = policy;
        this.geography = geography;
    }

    /** What to add up: feeds (empty: all the principal sees) and categories or groups (empty: all). */
    public record Selection(List<String> feeds, List<String> categories) {
        public static final Selection ALL = new Selection(List.of(), List.of());
    }

    /**
     * One shown count.
     *
     * @param value      exact part + protected part (rounded), or null when suppressed
     * @param suppressed the protected part holds a suppressed cell
     * @param withheld   restricted feeds left out of the value: the selection narrowed them, or the area is of the
     *                   middle level the table is not built on
     */
    public record Count(Double value, boolean suppressed, List<String> withheld) {
    }

    /** The canonical table of {@code who} for {@code period}, over every feed known to the protocols or loaded. */
    public Table table(Principal who, Period period, Collection<String> knownFeeds) {
        return table(policy.view(who, knownFeeds), period);
    }

    /**
     * The canonical table of a view (every feed known, each at the requester's level) for {@code period}. Equal views
     * give equal tables, so callers may cache by {@link FeedView#key()} and period.
     */
    public Table table(FeedView view, Period period) {
        List<String> visible = view.atLeast(DisclosureLevel.AGGREGATES);
        SuppressionRule rule = policy.suppression(view);
        try (Connection c = dataSource.getConnection()) {
            Map<String, String> groupOf = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(GROUPS); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groupOf.put(rs.getString(1), rs.getString(2));
                }
            }
            List<String> groups = new ArrayList<>(new TreeSet<>(groupOf.values()));
            List<String> categories = new ArrayList<>(groupOf.keySet());
            Areas areas = areas(c, geography);
            int rows = areas.lsoas.size();
            double[] exact = new double[rows * visible.size() * categories.size()];
            double[] prot = new double[rows * groups.size()];
            Map<String, Integer> rowOf = areas.rowOf;
            try (PreparedStatement ps = c.prepareStatement(SELECT)) {
                Timestamp from = Timestamp.from(period.from());
                Timestamp to = Timestamp.from(period.to());
                ps.setTimestamp(1, to);
                ps.setTimestamp(2, from);
                ps.setTimestamp(3, to);
                ps.setTimestamp(4, from);
                ps.setTimestamp(5, from);
                ps.setArray(6, c.createArrayOf("text", visible.toArray()));
                ps.setArray(7, c.createArrayOf("text", view.at(DisclosureLevel.POINTS).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Integer r = rowOf.get(rs.getString(1));
                        if (r == null) {
                            continue;  // an LSOA of an older vintage: not in the published table
                        }
                        String feed = rs.getString(2);
                        String cat = rs.getString(3);
                        double w = rs.getDouble(4);
                        if (view.level(feed) == DisclosureLevel.POINTS) {
                            exact[(r * visible.size() + visible.indexOf(feed)) * categories.size()
                                    + categories.indexOf(cat)] += w;
                        } else {
                            prot[r * groups.size() + groups.indexOf(groupOf.get(cat))] += w;
                        }
                    }
                }
            }
            int[] counts = new int[prot.length];
            for (int k = 0; k < prot.length; k++) {
                counts[k] = (int) Math.round(prot[k]);
            }
            CountTable ct = CountTable.nested(rows, groups.size(), counts, areas.middleOf, areas.ladOf);
            ProtectedTable pt = TableProtection.protect(ct, rule);
            return new Table(view, period, rule, areas, groups, categories, groupOf, visible, exact, pt);
        } catch (SQLException e) {
            throw new IllegalStateException("protected counts query failed: " + e.getMessage(), e);
        }
    }

    /**
     * An area's count over several months' published tables, as every screen shows a range of months: the sum of the
     * months' counts, suppressed if any month's is (or if a table does not know the area), with every restricted feed
     * any month withheld named. A range protected as one table could be differenced against its months; a sum of
     * published months cannot.
     */
    public static Count overMonths(List<Table> months, String code, Selection sel) {
        double total = 0;
        java.util.Set<String> withheld = new TreeSet<>();
        for (Table t : months) {
            if (!t.covers(code)) {
                return new Count(null, true, List.of());
            }
            Count c = t.area(code, sel);
            withheld.addAll(c.withheld());
            if (c.suppressed()) {
                return new Count(null, true, List.copyOf(withheld));
            }
            total += c.value();
        }
        return new Count(total, false, List.copyOf(withheld));
    }

    /** Monthly series of a sum over LSOAs: one canonical table per month, so months cannot be differenced either. */
    public List<Count> monthly(Principal who, Period period, Collection<String> knownFeeds, Collection<String> lsoas,
                               Selection sel) {
        List<Count> out = new ArrayList<>();
        for (java.time.YearMonth m : period.months()) {
            out.add(table(who, Period.of(m), knownFeeds).sum(lsoas, sel));
        }
        return out;
    }

    private static Areas areas(Connection c, Geography geography) throws SQLException {
        List<String> lsoas = new ArrayList<>();
        List<String> msoaOf = new ArrayList<>();
        List<String> ladOf = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(AREAS); ResultSet rs = ps.executeQuery()) {
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
        List<String> wardOf = new ArrayList<>(java.util.Collections.nCopies(lsoas.size(), (String) null));
        try (PreparedStatement ps = c.prepareStatement(WARDS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Integer r = rowOf.get(rs.getString(1));
                if (r != null) {
                    wardOf.set(r, rs.getString(2));
                }
            }
        }
        boolean onWards = geography == Geography.LSOA_WARD_LAD;
        List<String> middleOf = onWards ? wardOf : msoaOf;
        List<String> otherOf = onWards ? msoaOf : wardOf;
        List<String> middles = new ArrayList<>();
        List<String> lads = new ArrayList<>();
        Map<String, Integer> middleIdx = new HashMap<>();
        Map<String, Integer> ladIdx = new HashMap<>();
        Map<Integer, Integer> ladOfMiddle = new TreeMap<>();
        int[] middle = new int[lsoas.size()];
        for (int r = 0; r < lsoas.size(); r++) {
            String code = middleOf.get(r);
            if (code == null) {
                middle[r] = -1;
                continue;
            }
            int m = middleIdx.computeIfAbsent(code, k -> {
                middles.add(k);
                return middles.size() - 1;
            });
            middle[r] = m;
            String lad = ladOf.get(r);
            if (lad != null) {
                // A middle area's district is its first LSOA's: MSOAs and wards nest in districts.
                ladOfMiddle.putIfAbsent(m, ladIdx.computeIfAbsent(lad, k -> {
                    lads.add(k);
                    return lads.size() - 1;
                }));
            }
        }
        int[] lad = new int[middles.size()];
        java.util.Arrays.fill(lad, -1);
        ladOfMiddle.forEach((m, l) -> lad[m] = l);
        Map<String, List<Integer>> rowsOfOther = new HashMap<>();
        for (int r = 0; r < lsoas.size(); r++) {
            if (otherOf.get(r) != null) {
                rowsOfOther.computeIfAbsent(otherOf.get(r), k -> new ArrayList<>()).add(r);
            }
        }
        return new Areas(geography.middle(), lsoas, middles, lads, rowOf, middle, lad, rowsOfOther);
    }

    /**
     * Rows and their parents; parent node numbers follow {@link CountTable#nested}. {@code rowsOfOther}: the LSOAs
     * of each area of the middle level the table is not built on (MSOAs, or best-fit wards).
     */
    record Areas(String middleLevel, List<String> lsoas, List<String> middles, List<String> lads,
                 Map<String, Integer> rowOf,
                 int[] middleOf, int[] ladOf, Map<String, List<Integer>> rowsOfOther) {
    }

    /** One principal's canonical table for one period, and every sum that may be shown from it. */
    public static final class Table {
        private final FeedView view;
        private final Period period;
        private final SuppressionRule rule;
        private final Areas areas;
        private final List<String> groups;
        private final List<String> categories;
        private final Map<String, String> groupOf;
        private final List<String> visible;
        private final double[] exact;
        private final ProtectedTable table;
        private final Map<String, Integer> nodeOf = new HashMap<>();
        private final Map<Integer, List<Integer>> lsoasOfNode = new HashMap<>();

        Table(FeedView view, Period period, SuppressionRule rule, Areas areas, List<String> groups,
              List<String> categories, Map<String, String> groupOf, List<String> visible, double[] exact,
              ProtectedTable table) {
            this.view = view;
            this.period = period;
            this.rule = rule;
            this.areas = areas;
            this.groups = groups;
            this.categories = categories;
            this.groupOf = groupOf;
            this.visible = visible;
            this.exact = exact;
            this.table = table;
            int rows = areas.lsoas.size();
            for (int r = 0; r < rows; r++) {
                nodeOf.put(areas.lsoas.get(r), r);
                lsoasOfNode.computeIfAbsent(r, k -> new ArrayList<>()).add(r);
            }
            for (int m = 0; m < areas.middles.size(); m++) {
                nodeOf.put(areas.middles.get(m), rows + m);
            }
            int ladBase = rows + areas.middles.size();
            for (int l = 0; l < areas.lads.size(); l++) {
                nodeOf.put(areas.lads.get(l), ladBase + l);
            }
            int[] parent = table.table().parent();
            for (int r = 0; r < rows; r++) {
                for (int n = parent[r]; n < parent.length; n = parent[n]) {
                    lsoasOfNode.computeIfAbsent(n, k -> new ArrayList<>()).add(r);
                }
            }
        }

        public FeedView view() {
            return view;
        }

        public Period period() {
            return period;
        }

        public SuppressionRule rule() {
            return rule;
        }

        /** The protected part, for inspection and tests. */
        public ProtectedTable protectedPart() {
            return table;
        }

        public List<String> groups() {
            return groups;
        }

        /** The table node of an LSOA, middle-level or district code, or -1. */
        public int node(String code) {
            return nodeOf.getOrDefault(code, -1);
        }

        /** The level between LSOA and district the table is built on: msoa or ward. */
        public String middleLevel() {
            return areas.middleLevel;
        }

        /** Whether the table answers for this LSOA, MSOA, ward or district code. */
        public boolean covers(String code) {
            return nodeOf.containsKey(code) || areas.rowsOfOther.containsKey(code);
        }

        /**
         * The count for one area as published: an LSOA's, middle area's or district's own protected cells; for an
         * area of the other middle level, the exact part of its LSOAs with the restricted feeds withheld.
         */
        public Count area(String code, Selection sel) {
            int node = node(code);
            if (node >= 0) {
                return count(List.of(node), lsoasOfNode.getOrDefault(node, List.of()), sel, true);
            }
            List<Integer> other = areas.rowsOfOther.get(code);
            return other == null ? new Count(0.0, false, List.of()) : count(List.of(), other, sel, false);
        }

        /** The LSOAs an area's count adds up (a ward's best-fitting ones); none for a code the table does not know. */
        public List<String> lsoas(String code) {
            int node = node(code);
            List<Integer> rows = node >= 0 ? lsoasOfNode.getOrDefault(node, List.of())
                    : areas.rowsOfOther.getOrDefault(code, List.of());
            List<String> out = new ArrayList<>();
            for (int r : rows) {
                out.add(areas.lsoas.get(r));
            }
            return out;
        }

        /** A sum over LSOAs (a drawn area, a list): suppressed when any protected cell it adds is suppressed. */
        public Count sum(Collection<String> lsoas, Selection sel) {
            List<Integer> rows = new ArrayList<>();
            for (String code : lsoas) {
                Integer r = areas.rowOf.get(code);
                if (r != null) {
                    rows.add(r);
                }
            }
            return count(rows, rows, sel, true);
        }

        private Count count(List<Integer> protectedNodes, List<Integer> exactRows, Selection sel,
                            boolean protectedPublished) {
            List<String> feeds = sel.feeds().isEmpty() ? visible : sel.feeds();
            List<String> restricted = view.restricted();
            // Groups asked for: whole groups only; a category narrower than its group withholds the protected part.
            boolean wholeGroups = true;
            boolean[] groupOn = new boolean[groups.size()];
            boolean[] catOn = new boolean[categories.size()];
            if (sel.categories().isEmpty()) {
                java.util.Arrays.fill(groupOn, true);
                java.util.Arrays.fill(catOn, true);
            } else {
                for (String asked : sel.categories()) {
                    int g = groups.indexOf(asked);
                    if (g >= 0) {
                        groupOn[g] = true;
                        for (int c = 0; c < categories.size(); c++) {
                            if (groupOf.get(categories.get(c)).equals(asked)) {
                                catOn[c] = true;
                            }
                        }
                    } else if (categories.contains(asked)) {
                        catOn[categories.indexOf(asked)] = true;
                        wholeGroups = false;
                    } else {
                        throw new org.safemap.SafemapException("bad_request", "'" + asked
                                + "' is not a category or group code");
                    }
                }
            }
            List<String> askedRestricted = restricted.stream().filter(feeds::contains).toList();
            boolean protectedWhole = protectedPublished && !restricted.isEmpty()
                    && askedRestricted.size() == restricted.size() && wholeGroups;
            double value = 0;
            for (int r : exactRows) {
                for (int f = 0; f < visible.size(); f++) {
                    if (view.level(visible.get(f)) != DisclosureLevel.POINTS || !feeds.contains(visible.get(f))) {
                        continue;
                    }
                    int base = (r * visible.size() + f) * categories.size();
                    for (int c = 0; c < categories.size(); c++) {
                        if (catOn[c]) {
                            value += exact[base + c];
                        }
                    }
                }
            }
            if (!protectedWhole) {
                return new Count(value, false, askedRestricted);
            }
            boolean allGroups = true;
            for (boolean on : groupOn) {
                allGroups &= on;
            }
            int cols = groups.size();
            for (int node : protectedNodes) {
                if (allGroups) {
                    if (table.isSuppressed(node, cols)) {
                        return new Count(null, true, List.of());
                    }
                    value += table.value(node, cols);
                } else {
                    for (int g = 0; g < cols; g++) {
                        if (groupOn[g]) {
                            if (table.isSuppressed(node, g)) {
                                return new Count(null, true, List.of());
                            }
                            value += table.value(node, g);
                        }
                    }
                }
            }
            return new Count(value, false, List.of());
        }
    }
}
