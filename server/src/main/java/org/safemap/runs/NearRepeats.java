package org.safemap.runs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.geo.Crs;
import org.safemap.hotspot.KnoxTest;
import org.safemap.hotspot.RepeatLocations;

/**
 * The near-repeat (Knox) test and the repeat-locations list over a selection, stored as runs. The Knox test is
 * refused on snapped points (police.uk's anonymous map points) unless the caller accepts them knowingly: distances
 * between snap points say nothing about distances between the incidents.
 */
public final class NearRepeats {
    private final DataSource dataSource;
    private final RunStore store;

    public NearRepeats(DataSource dataSource) {
        this.dataSource = dataSource;
        this.store = new RunStore(dataSource);
    }

    /** A stored run and what it found. */
    public record Outcome(long runId, Map<String, Object> result) {}

    public Outcome knox(Selection selection, KnoxTest.Params params, boolean allowSnapped, String createdBy) {
        PointSelector.Selected sel = select(selection);
        RepeatLocations.Snapping snapping =
                RepeatLocations.snapping(sel.points().x(), sel.points().y());
        boolean snappedFeed = sel.size() > 0 && sel.snapped() * 2 > sel.size();
        if ((snapping.snapped() || snappedFeed) && !allowSnapped) {
            String why = snappedFeed
                    ? String.format(
                            java.util.Locale.UK,
                            "%,d of the %,d records are placed on "
                                    + "police.uk's anonymous snap points and timed only to the month",
                            sel.snapped(),
                            sel.size())
                    : snapping.describe() + ", as snapped points are";
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "refused: " + why + "; distances between snap points are not "
                            + "distances between incidents. Use a feed with true locations and times, or accept the caveat "
                            + "explicitly (--allow-snapped / allowSnapped=true)");
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("selection", selection.describe());
        p.put("spaceEdgesM", params.spaceEdges());
        p.put("timeEdgesDays", params.timeEdges());
        p.put("metric", params.metric().name().toLowerCase(java.util.Locale.ROOT));
        p.put("sameLocation", params.sameLocation());
        p.put("permutations", params.permutations());
        p.put("seed", params.seed());
        long runId = store.start("near-repeat", p, createdBy);
        try {
            double[] days = new double[sel.size()];
            for (int i = 0; i < days.length; i++) {
                // the middle of each record's window, in days
                days[i] = (sel.from()[i] + sel.to()[i]) / 2.0 / 86_400.0;
            }
            KnoxTest.Result r;
            try {
                r = KnoxTest.run(sel.points().x(), sel.points().y(), days, params);
            } catch (IllegalArgumentException e) {
                throw new SafemapException(ErrorCode.BAD_REQUEST, e.getMessage(), e);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("incidents", sel.size());
            result.put("pairs", r.pairs());
            result.put("spaceBands", r.spaceLabels());
            result.put("timeBands", r.timeLabels());
            result.put("observed", r.observed());
            result.put("expected", r.expected());
            result.put("knoxRatio", finite(r.knoxRatio()));
            result.put("p", r.p());
            List<String> warnings = new ArrayList<>();
            if (snapping.snapped() || snappedFeed) {
                warnings.add("snapped points accepted: " + snapping.describe() + "; " + sel.snapped()
                        + " records on snap points");
            }
            result.put("snapping", snapping.describe());
            result.put("warnings", warnings);
            store.finish(runId, p, sel.batches(), Map.of(), result, "lsoa", 0, List.of(), Optional.empty(), null, 0);
            return new Outcome(runId, result);
        } catch (RuntimeException e) {
            store.fail(runId, e.getMessage());
            throw e;
        }
    }

    public Outcome repeats(Selection selection, double toleranceMetres, double minCount, int top, String createdBy) {
        PointSelector.Selected sel = select(selection);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("selection", selection.describe());
        p.put("toleranceM", toleranceMetres);
        p.put("minCount", minCount);
        p.put("top", top);
        long runId = store.start("repeats", p, createdBy);
        try {
            List<RepeatLocations.Location> found;
            try {
                found = RepeatLocations.find(sel.points(), sel.from(), toleranceMetres, minCount);
            } catch (IllegalArgumentException e) {
                throw new SafemapException(ErrorCode.BAD_REQUEST, e.getMessage(), e);
            }
            RepeatLocations.Snapping snapping =
                    RepeatLocations.snapping(sel.points().x(), sel.points().y());
            List<Map<String, Object>> rows = new ArrayList<>();
            Crs.Transform toWgs84 = Crs.BNG.to(Crs.WGS84);
            double[] ll = new double[2];
            for (RepeatLocations.Location l : found.subList(0, Math.min(top, found.size()))) {
                toWgs84.apply(l.x(), l.y(), ll);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rank", rows.size() + 1);
                m.put("x", l.x());
                m.put("y", l.y());
                m.put("lon", Math.round(ll[0] * 1e6) / 1e6);
                m.put("lat", Math.round(ll[1] * 1e6) / 1e6);
                m.put("incidents", l.count());
                m.put("first", java.time.Instant.ofEpochSecond(l.first()).toString());
                m.put("last", java.time.Instant.ofEpochSecond(l.last()).toString());
                rows.add(m);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("incidents", sel.size());
            result.put("locations", found.size());
            result.put(
                    "repeatIncidents",
                    found.stream().mapToDouble(RepeatLocations.Location::count).sum());
            result.put("top", rows);
            result.put("snapping", snapping.describe());
            boolean snappedFeed = sel.size() > 0 && sel.snapped() * 2 > sel.size();
            result.put(
                    "warnings",
                    snapping.snapped() || snappedFeed
                            ? List.of("these points are snapped to shared anonymous map "
                                    + "points; a repeat location is a snap point, not an address")
                            : List.of());
            store.finish(runId, p, sel.batches(), Map.of(), result, "lsoa", 0, List.of(), Optional.empty(), null, 0);
            return new Outcome(runId, result);
        } catch (RuntimeException e) {
            store.fail(runId, e.getMessage());
            throw e;
        }
    }

    private PointSelector.Selected select(Selection selection) {
        return new PointSelector(dataSource).select(selection, "lsoa", Map.of());
    }

    private static Object finite(double[][] v) {
        Object[] rows = new Object[v.length];
        for (int i = 0; i < v.length; i++) {
            Double[] row = new Double[v[i].length];
            for (int j = 0; j < row.length; j++) {
                row[j] = Double.isFinite(v[i][j]) ? v[i][j] : null;
            }
            rows[i] = row;
        }
        return rows;
    }
}
