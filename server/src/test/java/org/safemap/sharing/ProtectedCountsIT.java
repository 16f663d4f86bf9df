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
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;

/**
 * Protected counts on the demo data for a tasking member (A&E, ambulance and fire as aggregates, police.uk and BTP
 * as points): one published table per partner, the area-count layer's answers as sums of their cells, primary
 * suppression against an independent count in SQL, and differencing between overlapping answers (an MSOA against its
 * LSOAs, a ward against its best-fitting LSOAs, a feed narrowing against the whole).
 */
class ProtectedCountsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Principal TASKING = TestPrincipals.parse("tasking::tasking");
    private static final YearMonth JULY = YearMonth.of(2022, 7);
    private static final String LIVERPOOL = "E08000012";
    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;
    private static ProtectedCounts.Table table;
    private static Policy policy;

    @BeforeAll
    static void start() {
        server = DemoServer.start();
        db = server.db();
        base = server.base();
        policy = new Policy(ProtocolCatalog.builtIn());
        List<String> feeds =
                policy.protocols().all().stream().map(Protocol::feed).toList();
        table = new ProtectedCounts(db.dataSource(), policy, ProtectedCounts.Geography.LSOA_MSOA_LAD)
                .table(TASKING, JULY, feeds);
    }

    @Test
    void eachPartnerIsCountedInItsOwnTableUnderItsOwnRule() {
        assertThat(table.view().restricted()).containsExactly("ambulance", "fire-irs", "istv-ae");
        assertThat(table.sharingGroups())
                .extracting(SharingGroup::feeds)
                .containsExactly(List.of("ambulance"), List.of("fire-irs"), List.of("istv-ae"));
        assertThat(table.sharingGroups())
                .extracting(SharingGroup::rule)
                .containsExactly(new SuppressionRule(7, 5), new SuppressionRule(3, 1), new SuppressionRule(7, 5));
        for (SharingGroup g : table.sharingGroups()) {
            assertThat(table.published(g, LIVERPOOL).suppressedCount())
                    .as(g.key())
                    .isGreaterThan(0);
        }
    }

    @Test
    void smallCountsAreSuppressedAndOthersRoundedAsAnIndependentCountSays() throws Exception {
        int checked = 0;
        for (SharingGroup g : table.sharingGroups()) {
            // The group's events per LSOA, each once among the group's own feeds: written afresh here.
            Map<String, Long> counts = new HashMap<>();
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement ps = c.prepareStatement("""
                    SELECT code, sum(n) FROM (
                      SELECT code, group_code, round(sum(w)) AS n FROM (
                        SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.lsoa_code AS code, c.group_code,
                               CASE WHEN i.event_to > i.event_from
                                    THEN extract(epoch FROM least(i.event_to, '2022-08-01 00:00+01')
                                         - greatest(i.event_from, '2022-07-01 00:00+01'))
                                         / extract(epoch FROM i.event_to - i.event_from) ELSE 1 END AS w
                        FROM incident i JOIN category c ON c.code = i.category
                        WHERE i.event_from < '2022-08-01 00:00+01'
                          AND (i.event_to > '2022-07-01 00:00+01' OR i.event_from >= '2022-07-01 00:00+01')
                          AND i.feed = ANY(?)
                        ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id
                      ) e WHERE code IS NOT NULL GROUP BY 1, 2
                    ) g GROUP BY 1""")) {
                ps.setArray(1, c.createArrayOf("text", g.feeds().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            int base = g.rule().rounding();
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                if (!table.isNode(e.getKey())) {
                    continue;
                }
                ProtectedCounts.Count shown = table.group(e.getKey(), g, List.of());
                long v = e.getValue();
                if (v >= 1 && v <= g.rule().threshold()) {
                    assertThat(shown.suppressed())
                            .as("%s: LSOA %s has %d records", g.key(), e.getKey(), v)
                            .isTrue();
                    checked++;
                } else if (!shown.suppressed()) {
                    assertThat(shown.value())
                            .as("%s: LSOA %s", g.key(), e.getKey())
                            .isEqualTo((double) ((v + base / 2) / base * base));
                }
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
            JsonNode f = JSON.readTree(Http.getBytes(url, TestPrincipals.HEADER, "tasking::tasking")
                            .body())
                    .path("features");
            assertThat(f.size()).isEqualTo(1);
            JsonNode p = f.get(0).path("properties");
            assertThat(p.path("code").asText()).isEqualTo(a[0]);
            ProtectedCounts.Count c = table.area(a[0], ProtectedCounts.Selection.ALL);
            assertThat(p.path("suppressed").asBoolean()).isEqualTo(c.suppressed());
            if (c.suppressed()) {
                assertThat(p.path("incidents").isNull()).isTrue();
                assertThat(p.path("shown").asText()).isEqualTo("*");
                assertThat(table.sharingGroups())
                        .as("a suppressed total adds a suppressed partner cell")
                        .anyMatch(g -> table.group(a[0], g, List.of()).suppressed());
                suppressed++;
            } else {
                assertThat(p.path("incidents").asDouble())
                        .isCloseTo(c.value(), org.assertj.core.data.Offset.offset(1e-3));
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
        return JSON.readTree(Http.getBytes(url, TestPrincipals.HEADER, "tasking::tasking")
                        .body())
                .path("features")
                .get(0)
                .path("properties");
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
                assertThat(quarter.path("incidents").asDouble())
                        .as(a[0])
                        .isCloseTo(total, org.assertj.core.data.Offset.offset(0.02)); // each value shown to 2 places
                summed++;
            }
        }
        assertThat(summed).isPositive();
        assertThat(suppressed).isPositive();
    }

    @Test
    void anMsoaAndItsLsoasCannotBeDifferencedIntoASuppressedCount() {
        int tested = 0;
        for (SharingGroup g : table.sharingGroups()) {
            ProtectedTable pt = table.published(g, LIVERPOOL);
            List<String> codes = table.nodeCodes(LIVERPOOL);
            int[] parent = pt.table().parent();
            int rows = pt.table().rows();
            int cols = pt.table().cols();
            for (int node = rows; node < parent.length; node++) {
                for (int c = 0; c <= cols; c++) {
                    int hidden = 0;
                    for (int child = 0; child < parent.length; child++) {
                        if (parent[child] == node && pt.isSuppressed(child, c)) {
                            hidden++;
                        }
                    }
                    if (!pt.isSuppressed(node, c)) {
                        // Shown parent minus its shown children would give a lone suppressed child away.
                        assertThat(hidden)
                                .as("%s node %d column %d", g.key(), node, c)
                                .isNotEqualTo(1);
                    }
                    tested++;
                }
                // The same through the service: the MSOA's answer and its LSOAs' answers but one.
                String msoa = codes.get(node);
                List<String> lsoas = table.lsoas(msoa);
                ProtectedCounts.Count whole = table.group(msoa, g, List.of());
                for (String left : lsoas) {
                    if (!table.group(left, g, List.of()).suppressed()) {
                        continue;
                    }
                    boolean othersShown = lsoas.stream()
                            .filter(l -> !l.equals(left))
                            .noneMatch(l -> table.group(l, g, List.of()).suppressed());
                    assertThat(whole.suppressed() || !othersShown)
                            .as("%s: MSOA %s minus its other LSOAs would reveal %s", g.key(), msoa, left)
                            .isTrue();
                }
            }
        }
        assertThat(tested).isGreaterThan(150);
    }

    @Test
    void onWardsAWardIsItsBestFittingLsoasAndCannotBeDifferencedAgainstThem() throws Exception {
        // Best fit written afresh: the ward covering a point inside the LSOA, latest vintages.
        Map<String, List<String>> fit = new HashMap<>();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                SELECT w.code, l.code FROM area l, area w
                WHERE l.level = 'lsoa' AND w.level = 'ward' AND ST_Covers(w.geom, ST_PointOnSurface(l.geom))
                  AND l.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
                  AND w.vintage = (SELECT max(vintage) FROM area WHERE level = 'ward')
                ORDER BY 2""");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                fit.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        assertThat(fit).hasSizeGreaterThan(20);
        List<String> feeds =
                policy.protocols().all().stream().map(Protocol::feed).toList();
        ProtectedCounts.Table wards = new ProtectedCounts(
                        db.dataSource(), policy, ProtectedCounts.Geography.LSOA_WARD_LAD)
                .table(TASKING, JULY, feeds);
        int checked = 0;
        int suppressedLsoas = 0;
        int shownWards = 0;
        List<String> nodes = wards.nodeCodes(LIVERPOOL);
        for (SharingGroup g : wards.sharingGroups()) {
            ProtectedTable pt = wards.published(g, LIVERPOOL);
            long[] truth = pt.table().values();
            int cols = pt.table().cols();
            for (Map.Entry<String, List<String>> ward : fit.entrySet()) {
                assertThat(wards.lsoas(ward.getKey()))
                        .as(ward.getKey())
                        .containsExactlyInAnyOrderElementsOf(ward.getValue());
                int node = nodes.indexOf(ward.getKey());
                assertThat(node).isGreaterThanOrEqualTo(pt.table().rows());
                // Shown ward minus its shown LSOAs would give a lone hidden LSOA value away, column by column.
                for (int c = 0; c <= cols; c++) {
                    int hidden = 0;
                    for (String lsoa : ward.getValue()) {
                        int k = pt.index(nodes.indexOf(lsoa), c);
                        if (pt.suppressed()[k] && truth[k] != 0) {
                            hidden++;
                        }
                    }
                    if (!pt.isSuppressed(node, c)) {
                        assertThat(hidden)
                                .as("%s ward %s column %d", g.key(), ward.getKey(), c)
                                .isNotEqualTo(1);
                    }
                    checked++;
                }
                ProtectedCounts.Count whole = wards.group(ward.getKey(), g, List.of());
                shownWards += whole.suppressed() ? 0 : 1;
                for (String left : ward.getValue()) {
                    if (wards.group(left, g, List.of()).suppressed()) {
                        suppressedLsoas++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(suppressedLsoas).isPositive();
        assertThat(shownWards).as("wards are large enough to show most").isGreaterThan(fit.size());
        // MSOAs, which cut across wards, show the open feeds only and name the restricted ones as withheld.
        String msoa = table.nodeCodes(LIVERPOOL)
                .get(table.published(table.sharingGroups().get(0), LIVERPOOL)
                        .table()
                        .rows());
        ProtectedCounts.Count m = wards.area(msoa, ProtectedCounts.Selection.ALL);
        assertThat(m.suppressed()).isFalse();
        assertThat(m.withheld()).containsExactly("ambulance", "fire-irs", "istv-ae");
        ProtectedCounts.Selection points = new ProtectedCounts.Selection(List.of("police-uk", "btp"), List.of());
        assertThat(m.value()).isCloseTo(table.area(msoa, points).value(), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void anInstallationOnWardsCountsRestrictedFeedsPerWardAndWithholdsThemPerMsoa() throws Exception {
        List<String> feeds =
                policy.protocols().all().stream().map(Protocol::feed).toList();
        ProtectedCounts.Table wards = new ProtectedCounts(
                        db.dataSource(), policy, ProtectedCounts.Geography.LSOA_WARD_LAD)
                .table(TASKING, JULY, feeds);
        try (App onWards = App.start(
                TestSettings.withOverrides(Map.of("SAFEMAP_PROTECTED_GEOGRAPHY", "lsoa-ward-lad")),
                db,
                TestPrincipals.fromHeader())) {
            String wardsBase = "http://127.0.0.1:" + onWards.port();
            int shown = 0;
            for (String[] a : interiorPoints(40)) {
                String ward = areaAt("ward", a);
                JsonNode w = info(wardsBase, "incident-counts-ward", a);
                assertThat(w.path("code").asText()).isEqualTo(ward);
                ProtectedCounts.Count c = wards.area(ward, ProtectedCounts.Selection.ALL);
                assertThat(w.path("suppressed").asBoolean()).isEqualTo(c.suppressed());
                assertThat(w.has("withheld_feeds")).isFalse();
                if (!c.suppressed()) {
                    assertThat(w.path("incidents").asDouble())
                            .isCloseTo(c.value(), org.assertj.core.data.Offset.offset(1e-3));
                    shown++;
                }
                JsonNode m = info(wardsBase, "incident-counts-msoa", a);
                assertThat(m.path("suppressed").asBoolean()).isFalse();
                assertThat(JSON.convertValue(m.path("withheld_feeds"), List.class))
                        .containsExactly("ambulance", "fire-irs", "istv-ae");
            }
            assertThat(shown).isPositive();
        }
    }

    /** The code of the area of {@code level} holding the LSOA's interior point. */
    private static String areaAt(String level, String[] lsoaPoint) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                SELECT code FROM area WHERE level = ? AND vintage = (SELECT max(vintage) FROM area WHERE level = ?)
                  AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 27700))""")) {
            ps.setString(1, level);
            ps.setString(2, level);
            ps.setDouble(3, Double.parseDouble(lsoaPoint[1]));
            ps.setDouble(4, Double.parseDouble(lsoaPoint[2]));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** A layer's feature info at an LSOA's interior point, for July 2022, as the tasking member sees it. */
    private static JsonNode info(String server, String layer, String[] a) throws Exception {
        double x = Double.parseDouble(a[1]);
        double y = Double.parseDouble(a[2]);
        String url = server + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=" + layer
                + "&QUERY_LAYERS=" + layer + "&STYLES=&CRS=EPSG:27700&BBOX=" + (x - 5.5) + "," + (y - 5.5) + ","
                + (x + 5.5) + "," + (y + 5.5) + "&WIDTH=11&HEIGHT=11&I=5&J=5&INFO_FORMAT=application/json"
                + "&TIME=2022-07";
        JsonNode f = JSON.readTree(Http.getBytes(url, TestPrincipals.HEADER, "tasking::tasking")
                        .body())
                .path("features");
        assertThat(f.size()).as("%s at %s", layer, a[0]).isEqualTo(1);
        return f.get(0).path("properties");
    }

    @Test
    void onMsoasTheWardLayerShowsOpenFeedsAndNamesTheRestrictedOnesWithheld() throws Exception {
        ProtectedCounts.Selection points = new ProtectedCounts.Selection(List.of("police-uk", "btp"), List.of());
        int checked = 0;
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                SELECT code, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM area
                WHERE level = 'ward' AND vintage = (SELECT max(vintage) FROM area WHERE level = 'ward')
                ORDER BY code LIMIT 12""");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                double x = rs.getDouble(2);
                double y = rs.getDouble(3);
                String url = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo"
                        + "&LAYERS=incident-counts-ward&QUERY_LAYERS=incident-counts-ward&STYLES=&CRS=EPSG:27700&BBOX="
                        + (x - 5.5) + "," + (y - 5.5) + "," + (x + 5.5) + "," + (y + 5.5)
                        + "&WIDTH=11&HEIGHT=11&I=5&J=5&INFO_FORMAT=application/json&TIME=2022-07";
                JsonNode f = JSON.readTree(Http.getBytes(url, TestPrincipals.HEADER, "tasking::tasking")
                                .body())
                        .path("features");
                assertThat(f.size()).isEqualTo(1);
                JsonNode p = f.get(0).path("properties");
                String ward = rs.getString(1);
                assertThat(p.path("code").asText()).isEqualTo(ward);
                assertThat(p.path("suppressed").asBoolean()).isFalse();
                assertThat(JSON.convertValue(p.path("withheld_feeds"), List.class))
                        .containsExactly("ambulance", "fire-irs", "istv-ae");
                // The open feeds' exact count over the ward's best-fitting LSOAs, and their residents.
                List<String> lsoas = table.lsoas(ward);
                assertThat(lsoas).isNotEmpty();
                double exact = lsoas.stream()
                        .mapToDouble(l -> table.area(l, points).value())
                        .sum();
                assertThat(p.path("incidents").asDouble()).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-3));
                assertThat(p.path("population").asInt())
                        .as("best-fit residents")
                        .isPositive();
                checked++;
            }
        }
        assertThat(checked).isEqualTo(12);
    }

    @Test
    void anAreaProfileShowsTheRestrictedFeedsAsTheMapPublishesThem() throws Exception {
        List<String> restricted = List.of("ambulance", "fire-irs", "istv-ae");
        ProtectedCounts.Selection all = new ProtectedCounts.Selection(restricted, List.of());
        int suppressed = 0;
        int shown = 0;
        for (String[] a : interiorPoints(25)) {
            JsonNode p = JSON.readTree(Http.getBytes(
                                    base + "/api/profile?area=lsoa:" + a[0] + "&period=2022-07",
                                    TestPrincipals.HEADER,
                                    "tasking::tasking")
                            .body())
                    .path("protected");
            assertThat(JSON.convertValue(p.path("feeds"), List.class)).isEqualTo(restricted);
            assertThat(p.path("available").asBoolean()).isTrue();
            ProtectedCounts.Count c = table.area(a[0], all);
            assertThat(c.withheld()).isEmpty();
            assertThat(p.path("suppressed").asBoolean()).as(a[0]).isEqualTo(c.suppressed());
            if (c.suppressed()) {
                assertThat(p.path("records").isNull()).isTrue();
                assertThat(p.at("/months/0/records").isNull()).isTrue();
                suppressed++;
            } else {
                assertThat(p.path("records").asDouble()).as(a[0]).isEqualTo(c.value());
                assertThat(p.at("/months/0/records").asDouble()).isEqualTo(c.value());
                shown++;
            }
            for (String g : table.groups()) {
                ProtectedCounts.Count cg = table.area(a[0], new ProtectedCounts.Selection(restricted, List.of(g)));
                JsonNode shownGroup = p.path("groups").path(g);
                assertThat(shownGroup.isNull()).as("%s %s", a[0], g).isEqualTo(cg.suppressed());
                if (!cg.suppressed()) {
                    assertThat(shownGroup.asDouble()).isEqualTo(cg.value());
                }
            }
            assertThat(p.path("partners").size()).isEqualTo(3);
            for (int k = 0; k < 3; k++) {
                JsonNode partner = p.path("partners").get(k);
                SharingGroup g = table.sharingGroups().get(k);
                assertThat(JSON.convertValue(partner.path("feeds"), List.class)).isEqualTo(g.feeds());
                ProtectedCounts.Count cp = table.group(a[0], g, List.of());
                assertThat(partner.path("records").isNull()).isEqualTo(cp.suppressed());
                if (!cp.suppressed()) {
                    assertThat(partner.path("records").asDouble()).isEqualTo(cp.value());
                }
            }
        }
        assertThat(suppressed).isPositive();
        assertThat(shown).isPositive();
    }

    @Test
    void aProfileOverMonthsIsTheSumOfTheMonthsAndAskedByHourGetsTheReason() throws Exception {
        int summed = 0;
        for (String[] a : interiorPoints(20)) {
            JsonNode p = JSON.readTree(Http.getBytes(
                                    base + "/api/profile?area=lsoa:" + a[0] + "&period=2022-01..2022-03",
                                    TestPrincipals.HEADER,
                                    "tasking::tasking")
                            .body())
                    .path("protected");
            assertThat(p.path("months").size()).isEqualTo(3);
            boolean anyNull = false;
            double total = 0;
            for (JsonNode m : p.path("months")) {
                anyNull |= m.path("records").isNull();
                total += m.path("records").asDouble();
            }
            assertThat(p.path("records").isNull()).as(a[0]).isEqualTo(anyNull);
            if (!anyNull) {
                assertThat(p.path("records").asDouble()).isEqualTo(total);
                summed++;
            }
        }
        assertThat(summed).isPositive();
        String lsoa = interiorPoints(1).get(0)[0];
        JsonNode night = JSON.readTree(Http.getBytes(
                                base + "/api/profile?area=lsoa:" + lsoa + "&period=2022-07&hours=22,23,0,1",
                                TestPrincipals.HEADER,
                                "tasking::tasking")
                        .body())
                .path("protected");
        assertThat(night.path("available").asBoolean()).isFalse();
        assertThat(night.path("reason").asText()).contains("hour");
        assertThat(night.has("records")).isFalse();
        JsonNode days = JSON.readTree(Http.getBytes(
                                base + "/api/profile?area=lsoa:" + lsoa + "&period=2022-07-01..2022-07-14",
                                TestPrincipals.HEADER,
                                "tasking::tasking")
                        .body())
                .path("protected");
        assertThat(days.path("available").asBoolean()).isFalse();
        assertThat(days.path("reason").asText()).contains("whole months");
        JsonNode burglary = JSON.readTree(Http.getBytes(
                                base + "/api/profile?area=lsoa:" + lsoa + "&period=2022-07&categories=burglary",
                                TestPrincipals.HEADER,
                                "tasking::tasking")
                        .body())
                .path("protected");
        assertThat(burglary.path("reason").asText()).contains("whole category group");
        String ward = (String) org.safemap.testing.Sql.value(db, "SELECT min(code) FROM area WHERE level = 'ward'");
        JsonNode onMsoas = JSON.readTree(Http.getBytes(
                                base + "/api/profile?area=ward:" + ward + "&period=2022-07",
                                TestPrincipals.HEADER,
                                "tasking::tasking")
                        .body())
                .path("protected");
        assertThat(onMsoas.path("available").asBoolean()).isFalse();
        assertThat(onMsoas.path("reason").asText()).contains("per MSOA, not per ward");
        // a reader who sees every feed as points has no such section
        JsonNode open = JSON.readTree(Http.getBytes(
                        base + "/api/profile?area=lsoa:" + lsoa + "&period=2022-07",
                        TestPrincipals.HEADER,
                        "admin:csp:tasking")
                .body());
        assertThat(open.path("protected").path("feeds").toString()).doesNotContain("istv-ae");
    }

    @Test
    void aTaskingPackGivesTheDistrictsSharedCountsFromTheSameTable() throws Exception {
        String html = new String(
                Http.getBytes(
                                base + "/api/packs?area=E08000012&period=2022-07&format=html&top=3",
                                TestPrincipals.HEADER,
                                "tasking::tasking")
                        .body(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(html).contains("Shared as counts: ambulance, fire-irs, istv-ae");
        List<String> restricted = List.of("ambulance", "fire-irs", "istv-ae");
        ProtectedCounts.Count district = table.area(LIVERPOOL, new ProtectedCounts.Selection(restricted, List.of()));
        assertThat(district.suppressed()).isFalse();
        String shared = html.substring(html.indexOf("Shared as counts:"));
        String total = shared.substring(shared.indexOf("All records"));
        assertThat(total)
                .startsWith("All records</td><td class=\"n\">"
                        + String.format(java.util.Locale.UK, "%,d", Math.round(district.value())) + "</td>");
        for (String g : table.groups()) {
            ProtectedCounts.Count c = table.area(LIVERPOOL, new ProtectedCounts.Selection(restricted, List.of(g)));
            // The pack names a group by its plain label (category_group), never its code.
            String label =
                    (String) org.safemap.testing.Sql.value(db, "SELECT label FROM category_group WHERE code = ?", g);
            assertThat(shared)
                    .containsPattern("<b>" + java.util.regex.Pattern.quote(label)
                            + "</b>( <span class=\"small\">[^<]*</span>)?</td>"
                            + "<td class=\"n\">"
                            + java.util.regex.Pattern.quote(
                                    c.suppressed()
                                            ? "*"
                                            : String.format(java.util.Locale.UK, "%,d", Math.round(c.value())))
                            + "</td>");
        }
    }

    @Test
    void aPartnersFeedsAreAnsweredWholeAndACategoryInsideAGroupIsWithheld() {
        String lsoa = null;
        for (String[] a : interiorPoints(300)) {
            if (table.area(a[0], ProtectedCounts.Selection.ALL).suppressed()) {
                lsoa = a[0];
                break;
            }
        }
        assertThat(lsoa).isNotNull();
        SharingGroup ae = table.sharingGroups().get(2);
        ProtectedCounts.Count alone = table.area(lsoa, new ProtectedCounts.Selection(List.of("istv-ae"), List.of()));
        assertThat(alone.withheld()).isEmpty();
        assertThat(alone).isEqualTo(table.group(lsoa, ae, List.of()));
        ProtectedCounts.Count open =
                table.area(lsoa, new ProtectedCounts.Selection(List.of("police-uk", "btp"), List.of()));
        assertThat(open.suppressed()).isFalse();
        assertThat(open.withheld()).isEmpty();
        // A category that is not a whole group cannot cut the published cells.
        ProtectedCounts.Count cat = table.area(lsoa, new ProtectedCounts.Selection(List.of(), List.of("burglary")));
        assertThat(cat.withheld()).containsExactly("ambulance", "fire-irs", "istv-ae");
        assertThat(cat.suppressed()).isFalse();
    }

    private static List<String[]> points;

    /** LSOA codes with a point inside each (PostGIS ST_PointOnSurface), in code order. */
    private static synchronized List<String[]> interiorPoints(int limit) {
        if (points == null) {
            points = new ArrayList<>();
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement ps = c.prepareStatement("""
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
