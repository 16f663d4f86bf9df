package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.runs.Period;
import org.safemap.testing.Http;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;

/**
 * Protected counts on the demo data for a tasking member (A&E, ambulance and fire as aggregates, police.uk and BTP
 * as points): the table the area-count layer shows, its primary suppression against an independent count in SQL,
 * and differencing attacks between overlapping answers (an MSOA against its LSOAs, a drawn set with and without
 * one more LSOA, a feed narrowing against the whole).
 */
class ProtectedCountsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Principal TASKING = TestPrincipals.parse("tasking::tasking");
    private static final Period JULY = Period.of(YearMonth.of(2022, 7));
    private static Database db;
    private static App app;
    private static String base;
    private static ProtectedCounts.Table table;
    private static Policy policy;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        app = App.start(TestSettings.defaults(), db, TestPrincipals.fromHeader());
        base = "http://127.0.0.1:" + app.port();
        policy = new Policy(ProtocolCatalog.builtIn());
        List<String> feeds = policy.protocols().all().stream().map(Protocol::feed).toList();
        table = new ProtectedCounts(db.dataSource(), policy).table(TASKING, JULY, feeds);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void theTableProtectsTheRestrictedFeedsUnderTheirStrictestRule() {
        assertThat(table.view().restricted()).containsExactly("ambulance", "fire-irs", "istv-ae");
        assertThat(table.rule()).isEqualTo(new SuppressionRule(7, 5));
        assertThat(table.protectedPart().suppressedCount()).isGreaterThan(0);
    }

    @Test
    void smallRestrictedCountsAreSuppressedAsAnIndependentCountSays() throws Exception {
        // Restricted events per LSOA and group, each event once, open records preferred: written afresh here.
        Map<String, Long> small = new HashMap<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT code, sum(n) FROM (
                  SELECT code, group_code, round(sum(w)) AS n FROM (
                    SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.lsoa_code AS code, i.feed, c.group_code,
                           CASE WHEN i.event_to > i.event_from
                                THEN extract(epoch FROM least(i.event_to, '2022-08-01 00:00+01')
                                     - greatest(i.event_from, '2022-07-01 00:00+01'))
                                     / extract(epoch FROM i.event_to - i.event_from) ELSE 1 END AS w
                    FROM incident i JOIN category c ON c.code = i.category
                    WHERE i.event_from < '2022-08-01 00:00+01'
                      AND (i.event_to > '2022-07-01 00:00+01' OR i.event_from >= '2022-07-01 00:00+01')
                    ORDER BY coalesce(i.event_id, i.id), i.feed NOT IN ('police-uk', 'btp'), i.precision_m, i.id
                  ) e WHERE feed IN ('istv-ae', 'ambulance', 'fire-irs') AND code IS NOT NULL GROUP BY 1, 2
                ) g GROUP BY 1""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                small.put(rs.getString(1), rs.getLong(2));
            }
        }
        int checked = 0;
        for (Map.Entry<String, Long> e : small.entrySet()) {
            if (e.getValue() >= 1 && e.getValue() <= 7 && table.node(e.getKey()) >= 0) {
                assertThat(table.area(e.getKey(), ProtectedCounts.Selection.ALL).suppressed())
                        .as("LSOA %s has %d restricted records", e.getKey(), e.getValue()).isTrue();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    @Test
    void areaCountFeatureInfoShowsWhatTheProtectedTableSays() throws Exception {
        int suppressed = 0;
        int shown = 0;
        for (String[] a : interiorPoints(40)) {
            double x = Double.parseDouble(a[1]);
            double y = Double.parseDouble(a[2]);
            String url = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=incident-counts"
                    + "&QUERY_LAYERS=incident-counts&STYLES=&CRS=EPSG:27700&BBOX=" + (x - 5.5) + "," + (y - 5.5) + ","
                    + (x + 5.5) + "," + (y + 5.5) + "&WIDTH=11&HEIGHT=11&I=5&J=5&INFO_FORMAT=application/json"
                    + "&TIME=2022-07";
            JsonNode f = JSON.readTree(Http.getBytes(url, TestPrincipals.HEADER, "tasking::tasking").body())
                    .path("features");
            assertThat(f.size()).isEqualTo(1);
            JsonNode p = f.get(0).path("properties");
            assertThat(p.path("code").asText()).isEqualTo(a[0]);
            ProtectedCounts.Count c = table.area(a[0], ProtectedCounts.Selection.ALL);
            assertThat(p.path("suppressed").asBoolean()).isEqualTo(c.suppressed());
            if (c.suppressed()) {
                assertThat(p.path("incidents").isNull()).isTrue();
                assertThat(p.path("shown").asText()).isEqualTo("*");
                suppressed++;
            } else {
                assertThat(p.path("incidents").asDouble()).isCloseTo(c.value(),
                        org.assertj.core.data.Offset.offset(1e-3));
                shown++;
            }
        }
        assertThat(suppressed).isGreaterThan(0);
        assertThat(shown).isGreaterThan(0);
    }

    /** The area-count feature info of one LSOA for a TIME value, as the tasking member sees it. */
    private static JsonNode countInfo(String[] a, String time) throws Exception {
        double x = Double.parseDouble(a[1]);
        double y = Double.parseDouble(a[2]);
        String url = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=incident-counts"
                + "&QUERY_LAYERS=incident-counts&STYLES=&CRS=EPSG:27700&BBOX=" + (x - 5.5) + "," + (y - 5.5) + ","
                + (x + 5.5) + "," + (y + 5.5) + "&WIDTH=11&HEIGHT=11&I=5&J=5&INFO_FORMAT=application/json"
                + "&TIME=" + time;
        return JSON.readTree(Http.getBytes(url, TestPrincipals.HEADER, "tasking::tasking").body())
                .path("features").get(0).path("properties");
    }

    @Test
    void aRangeOfMonthsIsTheSumOfTheMonthsPublishedSoItCannotBeDifferencedAgainstThem() throws Exception {
        int summed = 0;
        int suppressed = 0;
        for (String[] a : interiorPoints(30)) {
            JsonNode quarter = countInfo(a, "2022-01/2022-03");
            boolean anySuppressed = false;
            double total = 0;
            for (String month : List.of("2022-01", "2022-02", "2022-03")) {
                JsonNode m = countInfo(a, month);
                anySuppressed |= m.path("suppressed").asBoolean();
                total += m.path("incidents").asDouble();
            }
            assertThat(quarter.path("suppressed").asBoolean()).as(a[0]).isEqualTo(anySuppressed);
            if (anySuppressed) {
                assertThat(quarter.path("incidents").isNull()).isTrue();
                suppressed++;
            } else {
                // quarter minus two months is exactly the third month's published value, never a hidden one
                assertThat(quarter.path("incidents").asDouble()).as(a[0])
                        .isCloseTo(total, org.assertj.core.data.Offset.offset(0.02)); // each value shown to 2 places
                summed++;
            }
        }
        assertThat(summed).isPositive();
        assertThat(suppressed).isPositive();
    }

    @Test
    void anMsoaAndItsLsoasCannotBeDifferencedIntoASuppressedCount() {
        ProtectedTable pt = table.protectedPart();
        int[] parent = pt.table().parent();
        int rows = pt.table().rows();
        int cols = pt.table().cols();
        int tested = 0;
        for (int node = rows; node < parent.length; node++) {
            for (int c = 0; c <= cols; c++) {
                List<Integer> hidden = new ArrayList<>();
                for (int child = 0; child < parent.length; child++) {
                    if (parent[child] == node && pt.isSuppressed(child, c)) {
                        hidden.add(child);
                    }
                }
                if (!pt.isSuppressed(node, c)) {
                    // Shown parent minus its shown children would give a lone suppressed child away.
                    assertThat(hidden.size()).as("node %d column %d", node, c).isNotEqualTo(1);
                }
                tested++;
            }
        }
        assertThat(tested).isGreaterThan(50);
        // The same through the service: the MSOA's answer and the sum over its LSOAs but one.
        for (int node = rows; node < rows + 61 && node < parent.length; node++) {
            List<String> lsoas = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                if (parent[r] == node) {
                    lsoas.add(code(r));
                }
            }
            String msoa = msoaCode(node);
            ProtectedCounts.Count whole = table.area(msoa, ProtectedCounts.Selection.ALL);
            for (String left : lsoas) {
                ProtectedCounts.Count one = table.area(left, ProtectedCounts.Selection.ALL);
                if (!one.suppressed()) {
                    continue;
                }
                List<String> rest = new ArrayList<>(lsoas);
                rest.remove(left);
                ProtectedCounts.Count others = table.sum(rest, ProtectedCounts.Selection.ALL);
                assertThat(whole.suppressed() || others.suppressed())
                        .as("MSOA %s minus its other LSOAs would reveal %s", msoa, left).isTrue();
            }
        }
    }

    @Test
    void narrowingTheRestrictedFeedsWithholdsThemInsteadOfPublishingAnotherTable() {
        String lsoa = null;
        for (String[] a : interiorPoints(300)) {
            if (table.area(a[0], ProtectedCounts.Selection.ALL).suppressed()) {
                lsoa = a[0];
                break;
            }
        }
        assertThat(lsoa).isNotNull();
        ProtectedCounts.Count ae = table.area(lsoa, new ProtectedCounts.Selection(List.of("istv-ae"), List.of()));
        assertThat(ae.withheld()).containsExactly("istv-ae");
        assertThat(ae.value()).isZero();
        ProtectedCounts.Count open = table.area(lsoa, new ProtectedCounts.Selection(List.of("police-uk", "btp"),
                List.of()));
        assertThat(open.suppressed()).isFalse();
        assertThat(open.withheld()).isEmpty();
        // A category that is not a whole group cannot cut the protected part either.
        ProtectedCounts.Count cat = table.area(lsoa, new ProtectedCounts.Selection(List.of(), List.of("burglary")));
        assertThat(cat.withheld()).containsExactly("ambulance", "fire-irs", "istv-ae");
    }

    private static String code(int row) {
        for (String[] a : interiorPoints(1000)) {
            if (table.node(a[0]) == row) {
                return a[0];
            }
        }
        throw new AssertionError("no LSOA for row " + row);
    }

    private static String msoaCode(int node) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT parent_code FROM area_parent WHERE level = 'lsoa' AND parent_level = 'msoa'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (table.node(rs.getString(1)) == node) {
                    return rs.getString(1);
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("no MSOA for node " + node);
    }

    private static List<String[]> points;

    /** LSOA codes with a point inside each (PostGIS ST_PointOnSurface), in code order. */
    private static synchronized List<String[]> interiorPoints(int limit) {
        if (points == null) {
            points = new ArrayList<>();
            try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("""
                    SELECT code, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM area
                    WHERE level = 'lsoa' ORDER BY code""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    points.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return points.subList(0, Math.min(limit, points.size()));
    }
}
