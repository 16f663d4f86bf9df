package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.db.IncidentPartitions;
import org.safemap.hotspot.Kernel;
import org.safemap.sharing.ReducedDetail;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;
import org.safemap.time.Period;

/**
 * Reads of a box on the demo data (police.uk, fire and rescue, ambulance and A&E, whose linked records are one event):
 * the density input of a box is exactly the whole period's input inside it, linked events placed by the same record;
 * each batch keeps a box holding its records, and a box names only the batches that meet it; and a street map drawn
 * from the records near it has the exact surface's values.
 */
class BoxReadIT {
    private static final List<String> FEEDS = List.of("police-uk", "btp", "fire-irs", "ambulance", "istv-ae");

    private static Database db;
    private static MapData store;

    @BeforeAll
    static void demo() {
        db = TestData.demoDatabase();
        store = new MapData(db.dataSource());
    }

    private static List<String> months() {
        List<String> out = new ArrayList<>();
        for (List<Object> r : Sql.rows(
                db,
                "SELECT DISTINCT to_char(event_from AT TIME ZONE 'Europe/London', 'YYYY-MM') FROM incident ORDER BY 1")) {
            out.add((String) r.get(0));
        }
        return out;
    }

    /** The whole input's locations inside the box, as "x y w" lines with w to 1e-9, sorted. */
    private static List<String> inside(MapData.Weighted w, double[] box) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < w.x().length; k++) {
            if (w.x()[k] >= box[0] && w.x()[k] <= box[2] && w.y()[k] >= box[1] && w.y()[k] <= box[3]) {
                out.add(String.format(Locale.ROOT, "%.3f %.3f %.9f", w.x()[k], w.y()[k], w.w()[k]));
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void aBoxReadsTheWholeInputInsideItLinkedEventsPlacedAsInTheWhole() {
        // A linked event's chosen record (best precision, then lowest id) and another of its records elsewhere: a box
        // around the other must not place the event there.
        List<List<Object>> linked = Sql.rows(db, """
                SELECT ST_X(o.geom), ST_Y(o.geom), to_char(o.event_from AT TIME ZONE 'Europe/London', 'YYYY-MM')
                FROM incident o
                JOIN LATERAL (SELECT geom FROM incident r WHERE r.event_id = o.event_id
                              ORDER BY r.precision_m, r.id LIMIT 1) r ON ST_Distance(r.geom, o.geom) > 50
                WHERE o.event_id IS NOT NULL ORDER BY o.id LIMIT 3""");
        assertThat(linked).isNotEmpty();
        List<String> months = months();
        List<Object[]> cases = new ArrayList<>();
        for (List<Object> l : linked) {
            double x = (Double) l.get(0);
            double y = (Double) l.get(1);
            cases.add(new Object[] {
                Period.of(YearMonth.parse((String) l.get(2))), new double[] {x - 20, y - 20, x + 20, y + 20}
            });
        }
        Period all = Period.parse(months.get(0) + ".." + months.get(months.size() - 1));
        // Liverpool's centre, at street scale and at zoom 11's width; a box holding no record.
        cases.add(new Object[] {all, new double[] {333_500, 389_500, 336_500, 391_500}});
        cases.add(new Object[] {Period.parse(months.get(0)), new double[] {328_000, 383_000, 342_000, 397_000}});
        cases.add(new Object[] {all, new double[] {100_000, 900_000, 110_000, 910_000}});
        int nonEmpty = 0;
        for (Object[] c : cases) {
            Period period = (Period) c[0];
            double[] box = (double[]) c[1];
            MapData.Filter f = new MapData.Filter(period, List.of(), List.of(), FEEDS);
            List<String> want = inside(store.densityPoints(f), box);
            assertThat(inside(store.densityPoints(f, box), box))
                    .as(period + " " + box[0])
                    .isEqualTo(want);
            assertThat(store.densityPoints(f, box).x()).hasSameSizeAs(want.toArray());
            nonEmpty += want.isEmpty() ? 0 : 1;
            // The same with the categories of one group, as a layer of one group reads.
            MapData.Filter violence = new MapData.Filter(period, List.of("violence"), List.of(), FEEDS);
            assertThat(inside(store.densityPoints(violence, box), box))
                    .isEqualTo(inside(store.densityPoints(violence), box));
        }
        assertThat(nonEmpty).isGreaterThanOrEqualTo(3);
    }

    @Test
    void eachBatchKeepsABoxHoldingItsRecordsAndABoxNamesOnlyTheBatchesMeetingIt() throws SQLException {
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM incident i JOIN load_batch b ON b.id = i.batch_id "
                                + "WHERE NOT ST_Covers(b.extent, i.geom)"))
                .isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE linked"))
                .isEqualTo(Sql.count(db, "SELECT count(DISTINCT batch_id) FROM incident WHERE event_id IS NOT NULL"));
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE linked"))
                .isPositive();
        double[] away = {100_000, 900_000, 110_000, 910_000};
        double[] centre = {334_000, 390_000, 336_000, 392_000};
        try (Connection c = db.dataSource().getConnection()) {
            assertThat(IncidentPartitions.meeting(c, away, false)).isEmpty();
            List<Object> linked = Sql.rows(db, "SELECT id FROM load_batch WHERE linked ORDER BY id").stream()
                    .map(r -> r.get(0))
                    .toList();
            assertThat(List.of((Object[]) IncidentPartitions.meeting(c, away, true)))
                    .isEqualTo(linked);
            List<Object> meeting = Sql.rows(
                            db,
                            "SELECT DISTINCT batch_id FROM incident "
                                    + "WHERE geom && ST_MakeEnvelope(334000, 390000, 336000, 392000, 27700) ORDER BY 1")
                    .stream()
                    .map(r -> r.get(0))
                    .toList();
            assertThat(List.of((Object[]) IncidentPartitions.meeting(c, centre, false)))
                    .containsAll(meeting);
        }
    }

    @Test
    void incidentsInABboxAreEveryRecordInItAndGeneralisedOnesByWhereTheyAreShown() throws SQLException {
        double[] bbox = {-2.995, 53.400, -2.975, 53.412};
        Instant[] july = IncidentPoints.monthBounds(YearMonth.of(2022, 7));
        IncidentPoints points = new IncidentPoints(db.dataSource());
        IncidentPoints.Page exact = points.page(new IncidentPoints.Filter(
                Optional.of(july[0]),
                Optional.of(july[1]),
                List.of("police-uk", "ambulance"),
                List.of(),
                Optional.of(bbox),
                0,
                50_000,
                Map.of(),
                List.of("feed")));
        long want = Sql.count(
                db,
                "SELECT count(*) FROM incident WHERE feed IN ('police-uk', 'ambulance') AND event_from < ? "
                        + "AND (event_to > ? OR event_from >= ?) "
                        + "AND geom && ST_Transform(ST_MakeEnvelope(-2.995, 53.400, -2.975, 53.412, 4326), 27700)",
                java.sql.Timestamp.from(july[1]),
                java.sql.Timestamp.from(july[0]),
                java.sql.Timestamp.from(july[0]));
        assertThat(want).isGreaterThan(100);
        assertThat(exact.count()).isEqualTo(want);
        // Ambulance records moved to the centres of 1 km squares: those shown in the box, wherever they lie.
        IncidentPoints.Page reduced = points.page(new IncidentPoints.Filter(
                Optional.of(july[0]),
                Optional.of(july[1]),
                List.of("ambulance"),
                List.of(),
                Optional.of(bbox),
                0,
                50_000,
                Map.of("ambulance", new IncidentPoints.Reduced(1000, ReducedDetail.DEFAULT)),
                List.of("feed")));
        long shown = Sql.count(
                db,
                "SELECT count(*) FROM incident WHERE feed = 'ambulance' AND event_from < ? "
                        + "AND (event_to > ? OR event_from >= ?) "
                        + "AND ST_SetSRID(ST_MakePoint(floor(ST_X(geom) / 1000) * 1000 + 500, "
                        + "floor(ST_Y(geom) / 1000) * 1000 + 500), 27700) "
                        + "&& ST_Transform(ST_MakeEnvelope(-2.995, 53.400, -2.975, 53.412, 4326), 27700)",
                java.sql.Timestamp.from(july[1]),
                java.sql.Timestamp.from(july[0]),
                java.sql.Timestamp.from(july[0]));
        assertThat(shown).isPositive();
        assertThat(reduced.count()).isEqualTo(shown);
    }

    @Test
    void aStreetMapDrawnFromTheRecordsNearItHasTheExactSurfacesValues() {
        String month = months().get(0);
        // A new service: no field is cached, so the map reads its box.
        WmsService wms = org.safemap.testing.TestWms.builtIn(db.dataSource(), 0);
        double x0 = 334_000;
        double y1 = 391_600;
        Map<String, String> q =
                org.safemap.testing.TestWms.getMap("density-all", x0, y1 - 1600, x0 + 1600, y1, 64, 64, month);
        float[] v = wms.drawnDensityValues(q, TestPrincipals.CSP_ANALYST);
        MapData.Weighted w = store.densityPoints(new MapData.Filter(Period.parse(month), List.of(), List.of(), FEEDS));
        DensityField f = new DensityField(w.x(), w.y(), w.w(), Kernel.QUARTIC, 250, 1e6);
        double peak = 0;
        double worst = 0;
        for (int k = 0; k < v.length; k++) {
            double want = f.at(x0 + (k % 64 + 0.5) * 25, y1 - (k / 64 + 0.5) * 25);
            peak = Math.max(peak, want);
            worst = Math.max(worst, Math.abs(v[k] - want));
        }
        assertThat(peak).isGreaterThan(1);
        // 25 m pixels, wider than the lattice's 15.6 m, are read exactly at their centres
        assertThat(worst / peak).isLessThan(1e-6);
    }
}
