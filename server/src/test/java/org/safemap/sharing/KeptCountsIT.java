package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.App;
import org.safemap.Services;
import org.safemap.areas.AreaAssigner;
import org.safemap.areas.IncidentAreaUpdater;
import org.safemap.db.Database;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.IncidentLoader;
import org.safemap.testing.Http;
import org.safemap.testing.MonthCounts;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;

/**
 * The count readers answer from the counts kept at ingest ({@code incident_month_count}) where those give exactly the
 * records' answer, and read the records where they cannot: each test draws the same counts both ways
 * ({@link ProtectedCounts.Source}) on the same data and asks for equal numbers, equal suppression and equal withheld
 * feeds, and the read counters ({@link ProtectedCounts#reads}) say which way each month went.
 */
class KeptCountsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Principal PUBLIC = Principal.ANONYMOUS;
    private static final Principal NHS = TestPrincipals.parse("analyst:nhs-ed:strategic-assessment");
    private static final List<Principal> WHO =
            List.of(PUBLIC, TestPrincipals.TASKING, TestPrincipals.POLICE_ANALYST, TestPrincipals.CSP_ANALYST, NHS);

    /**
     * Every audience, every demo month, every area of every level, all feeds and each feed and group alone: the
     * same counts both ways. The demo's police.uk months fit the kept counts; A&E and ambulance records linked as one
     * event must be read from the records wherever both feeds are counted together (the CSP analyst sees both as
     * points), while the other feeds of the same count still come from the kept counts.
     */
    @Test
    void everyAudienceMonthAndAreaCountsTheSameBothWays() {
        Database db = TestData.demoDatabase();
        Policy policy = new Policy(ProtocolCatalog.builtIn());
        ProtectedCounts kept = counts(db, policy, ProtectedCounts.Source.KEPT_WHERE_EXACT);
        ProtectedCounts records = counts(db, policy, ProtectedCounts.Source.RECORDS);
        int compared = 0;
        for (Principal who : WHO) {
            for (String m : TestData.DEMO_MONTHS) {
                YearMonth month = YearMonth.parse("2022-" + m);
                compared += compare(kept, records, who, month, month);
            }
        }
        assertThat(compared).isGreaterThan(10_000);
        assertThat(records.reads().kept()).isZero();
        assertThat(kept.reads().kept())
                .as("months answered from the kept counts")
                .isPositive();
        assertThat(kept.reads().records())
                .as("months that had to read the records")
                .isPositive();

        // The public's month (police.uk and BTP as points) is answered from the kept counts alone.
        ProtectedCounts fresh = counts(db, policy, ProtectedCounts.Source.KEPT_WHERE_EXACT);
        fresh.tables(PUBLIC, org.safemap.time.Period.of(YearMonth.of(2022, 7)));
        long publicReads = fresh.reads().kept();
        assertThat(publicReads).isPositive();
        assertThat(fresh.reads().records()).isZero();
        // The CSP analyst counts A&E and ambulance together, whose linked records the kept counts count twice.
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE event_id IS NOT NULL AND feed = 'ambulance'"))
                .isPositive();
        fresh.tables(TestPrincipals.CSP_ANALYST, org.safemap.time.Period.of(YearMonth.of(2022, 7)));
        // Police.uk and BTP still come from the kept counts, A&E and ambulance from their records.
        assertThat(fresh.reads())
                .as("the CSP analyst's points")
                .isEqualTo(new ProtectedCounts.Reads(publicReads + 1, 1));
    }

    /**
     * The WMS count layer's feature info, served by a server whose counts read the kept counts, against counts read
     * from the records: the same value or suppression for every LSOA asked, and the server's months were answered from
     * the kept counts.
     */
    @Test
    void theChoroplethsFeatureInfoIsTheSameAsFromTheRecords() throws Exception {
        Database db = TestData.demoDatabase();
        Services services = Services.serving(TestSettings.defaults(), db);
        try (App app = App.start(services, TestPrincipals.fromHeader())) {
            String base = "http://127.0.0.1:" + app.port();
            ProtectedCounts records = counts(db, new Policy(ProtocolCatalog.builtIn()), ProtectedCounts.Source.RECORDS);
            List<List<Object>> lsoas = Sql.rows(db, """
                    SELECT code, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM area
                    WHERE level = 'lsoa' ORDER BY code LIMIT 40""");
            int suppressed = 0;
            int shown = 0;
            for (String[] asked : List.of(
                    new String[] {"tasking::tasking", "2022-07"},
                    new String[] {"analyst:police:strategic-assessment", "2022-03/2022-05"},
                    new String[] {"analyst:csp:strategic-assessment", "2022-06"})) {
                Principal who = TestPrincipals.parse(asked[0]);
                List<ProtectedCounts.Table> months =
                        records.tables(who, org.safemap.time.Period.parse(asked[1].replace("/", "..")));
                for (List<Object> a : lsoas) {
                    double x = ((Number) a.get(1)).doubleValue();
                    double y = ((Number) a.get(2)).doubleValue();
                    String url = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=incident-counts"
                            + "&QUERY_LAYERS=incident-counts&STYLES=&CRS=EPSG:27700&BBOX=" + (x - 5.5) + ","
                            + (y - 5.5) + "," + (x + 5.5) + "," + (y + 5.5)
                            + "&WIDTH=11&HEIGHT=11&I=5&J=5&INFO_FORMAT=application/json&TIME=" + asked[1];
                    byte[] body =
                            Http.getBytes(url, TestPrincipals.HEADER, asked[0]).body();
                    assertThat(new String(body, java.nio.charset.StandardCharsets.UTF_8))
                            .as(url)
                            .startsWith("{");
                    JsonNode p = JSON.readTree(body).path("features").get(0).path("properties");
                    String code = (String) a.get(0);
                    assertThat(p.path("code").asText()).isEqualTo(code);
                    ProtectedCounts.Count c = ProtectedCounts.overMonths(months, code, ProtectedCounts.Selection.ALL);
                    assertThat(p.path("suppressed").asBoolean())
                            .as("%s %s %s", asked[0], asked[1], code)
                            .isEqualTo(c.suppressed());
                    if (c.suppressed()) {
                        assertThat(p.path("incidents").isNull()).isTrue();
                        suppressed++;
                    } else {
                        assertThat(p.path("incidents").asDouble())
                                .as("%s %s %s", asked[0], asked[1], code)
                                .isEqualTo(c.value());
                        shown++;
                    }
                }
            }
            assertThat(suppressed).isPositive();
            assertThat(shown).isGreaterThan(40);
            assertThat(services.counts().reads().kept()).isPositive();
        }
    }

    /**
     * A partner's records known by a window that can cross a month's end (a council's ASB cases): a month one of
     * them crosses into or out of reads the records, whose aoristic shares the kept counts cannot give, and months
     * none crosses still read the kept counts; both give the same answers. Then a re-assignment of areas moves the
     * kept counts with the records.
     */
    @Test
    void windowsCrossingAMonthEndFallBackAndReassignmentMovesTheCounts(@TempDir Path feeds, @TempDir Path protocols)
            throws IOException {
        Database db = TestDatabase.fresh("keptcounts");
        try {
            TestData.loadDemo(db);
            Files.writeString(feeds.resolve("council-asb.json"), """
                    {"name": "council-asb", "title": "Council ASB", "partner": "council", "format": "mapped-csv",
                     "mapping": {"fields": ["ref", "from", "to", "type", "lat", "lon"], "reference": "ref",
                       "time": {"from": "from", "to": "to"},
                       "category": {"column": "type", "map": {"noise": "asb-nuisance"}},
                       "location": {"latitude": "lat", "longitude": "lon"}}}""");
            Files.writeString(protocols.resolve("council-asb.json"), """
                    {"feed": "council-asb", "version": 1, "title": "Council ASB", "partner": "council",
                     "partner_name": "A council", "controller": "A council", "custodian": "ig@example.org",
                     "purposes": ["tasking"], "lawful_basis": "test",
                     "powers": ["Crime and Disorder Act 1998, section 115"],
                     "fields": ["ref", "from", "to", "type", "lat", "lon"], "linkage_fields": [],
                     "retention": "P3Y", "retention_from": "received", "review_date": "2027-03-31",
                     "audiences": {"owner": "points", "named": {}, "analyst": "aggregates", "tasking": "aggregates",
                                   "public": "none"},
                     "disclosure": {"threshold": 3, "rounding": 1, "precision_m": 100, "density_min_points": 8}}""");
            ProtocolCatalog catalog = ProtocolCatalog.load(protocols);
            IncidentLoader loader = new IncidentLoader(
                    db.dataSource(),
                    IncidentLoader.LinkRule.DEFAULT,
                    catalog,
                    new Pseudonymiser(new byte[32]),
                    new IncidentLoader.Checks(
                            LocalDate.of(2010, 1, 1),
                            false,
                            Clock.fixed(Instant.parse("2022-08-15T12:00:00Z"), ZoneOffset.UTC)));
            // Cases around Liverpool city centre: most within a day in April and May, six crossing 30 April's
            // midnight (UK time) into May, each in one of three LSOAs.
            StringBuilder csv = new StringBuilder("ref,from,to,type,lat,lon\n");
            String[] places = {"53.4035,-2.9790", "53.4075,-2.9850", "53.4010,-2.9700"};
            for (int k = 0; k < 60; k++) {
                String at = places[k % 3];
                if (k < 6) {
                    csv.append("X%d,2022-04-30 2%d:00,2022-05-01 0%d:30,noise,%s\n".formatted(k, k % 4, k % 4, at));
                } else {
                    String day = k < 33 ? "2022-04-%02d".formatted(1 + k % 28) : "2022-05-%02d".formatted(1 + k % 28);
                    csv.append("C%d,%s 18:00,%s 22:00,noise,%s\n".formatted(k, day, day, at));
                }
            }
            IncidentLoader.Result r = loader.load(
                    SourceFiles.text("asb.csv", csv.toString()),
                    FeedCatalog.load(feeds).get("council-asb"),
                    null);
            assertThat(r.rowsLoaded()).isEqualTo(60);
            assertThat(MonthCounts.mismatches(db)).isZero();

            Policy policy = new Policy(catalog);
            ProtectedCounts kept = counts(db, policy, ProtectedCounts.Source.KEPT_WHERE_EXACT);
            ProtectedCounts records = counts(db, policy, ProtectedCounts.Source.RECORDS);
            Principal owner = TestPrincipals.parse("analyst:council:tasking");
            Principal tasking = TestPrincipals.TASKING;
            int compared = 0;
            for (String m : List.of("03", "04", "05", "06")) {
                YearMonth month = YearMonth.parse("2022-" + m);
                compared += compare(kept, records, owner, month, month);
                compared += compare(kept, records, tasking, month, month);
            }
            compared += compare(kept, records, owner, YearMonth.of(2022, 4), YearMonth.of(2022, 5));
            assertThat(compared).isGreaterThan(1_000);
            // April and May read the records for each audience (the owner's points, the tasking member's
            // table), and once only: the range of both reuses them; every other month read reads the kept counts.
            assertThat(kept.reads().records()).isEqualTo(4);
            assertThat(kept.reads().kept()).isPositive();
            // The crossing cases count by their share in the owner's April and May: not whole numbers.
            ProtectedCounts.Table april = records.table(owner, YearMonth.of(2022, 4), List.of("council-asb"));
            double total = 0;
            for (String code : april.codes("lsoa")) {
                total += april.area(code, ProtectedCounts.Selection.ALL).value();
            }
            assertThat(total).isNotEqualTo(Math.rint(total)).isBetween(27.0, 33.0);

            // Records given the wrong LSOA, with the kept counts rebuilt to match them, as after a boundary change.
            Sql.execute(db, "UPDATE incident SET lsoa_code = 'E01006512' WHERE feed = 'police-uk' AND id % 40 = 0");
            Sql.execute(db, "DELETE FROM incident_month_count");
            Sql.execute(db, """
                    INSERT INTO incident_month_count (month, lsoa_code, category, feed, records)
                    SELECT date_trunc('month', event_from AT TIME ZONE 'Europe/London')::date, coalesce(lsoa_code, ''),
                           category, feed, count(*)
                    FROM incident GROUP BY 1, 2, 3, 4""");
            IncidentAreaUpdater.Result u =
                    new IncidentAreaUpdater(db.dataSource()).reassignAll(AreaAssigner.load(db.dataSource()), n -> {});
            assertThat(u.changed()).isGreaterThan(100);
            assertThat(MonthCounts.mismatches(db)).isZero();
            ProtectedCounts after = counts(db, policy, ProtectedCounts.Source.KEPT_WHERE_EXACT);
            ProtectedCounts afterRecords = counts(db, policy, ProtectedCounts.Source.RECORDS);
            assertThat(compare(after, afterRecords, PUBLIC, YearMonth.of(2022, 6), YearMonth.of(2022, 6)))
                    .isPositive();
            assertThat(after.reads().kept()).isPositive();
        } finally {
            db.close();
        }
    }

    private static ProtectedCounts counts(Database db, Policy policy, ProtectedCounts.Source source) {
        return new ProtectedCounts(db.dataSource(), policy, ProtectedCounts.Geography.LSOA_MSOA_LAD, source);
    }

    /**
     * Compares every area of every level the tables know, for all feeds and for each feed and category group the
     * audience sees, over the months {@code from} to {@code to}; returns how many counts it compared.
     */
    private static int compare(
            ProtectedCounts kept, ProtectedCounts records, Principal who, YearMonth from, YearMonth to) {
        org.safemap.time.Period period = org.safemap.time.Period.parse(from + ".." + to);
        List<ProtectedCounts.Table> a = kept.tables(who, period);
        List<ProtectedCounts.Table> b = records.tables(who, period);
        List<ProtectedCounts.Selection> selections = new ArrayList<>();
        selections.add(ProtectedCounts.Selection.ALL);
        for (String feed : a.get(0).view().atLeast(DisclosureLevel.AGGREGATES)) {
            selections.add(new ProtectedCounts.Selection(List.of(feed), List.of()));
        }
        for (String group : a.get(0).groups()) {
            selections.add(new ProtectedCounts.Selection(List.of(), List.of(group)));
        }
        int n = 0;
        for (String level : List.of("lsoa", "msoa", "ward", "lad")) {
            for (String code : a.get(0).codes(level)) {
                for (ProtectedCounts.Selection s : selections) {
                    assertThat(ProtectedCounts.overMonths(a, code, s))
                            .as("%s %s..%s %s %s", who.user(), from, to, code, s)
                            .isEqualTo(ProtectedCounts.overMonths(b, code, s));
                    n++;
                }
            }
        }
        return n;
    }
}
