package org.safemap.runs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.hotspot.EmergingAssessment;
import org.safemap.hotspot.EmergingHotspots;
import org.safemap.hotspot.EmergingRules;
import org.safemap.hotspot.FalseDiscovery;
import org.safemap.hotspot.GiStar;
import org.safemap.hotspot.GiStarResult;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.SpatialWeights;
import org.safemap.time.Period;

/**
 * Emerging hot spots per area (or grid cell) over monthly or weekly steps, as ArcGIS's Emerging Hot Spot Analysis defines them: the counts
 * form a space-time cube (areas × steps); Gi* is computed for every bin over the whole cube with space-time
 * neighbours (the area's neighbours, itself included, in the same step and the {@code timeNeighbours} steps
 * before); p-values are corrected for false discovery over the cube; each area's z-score series gets a Mann-Kendall
 * trend and one of the seventeen classes.
 */
public final class EmergingRunner {
    /** Fewer steps than this give no meaningful trend; ArcGIS asks for at least ten time steps. */
    public static final int MIN_STEPS = 4;

    /**
     * @param timeNeighbours steps before each bin counted as its neighbours (ArcGIS's neighbourhood time step, 1)
     * @param weekly         ISO weeks instead of calendar months
     * @param rules          significance levels and the 90% share
     */
    public record Request(
            Selection selection,
            String level,
            Optional<Double> cellMetres,
            boolean weekly,
            String neighbours,
            int timeNeighbours,
            boolean fdr,
            EmergingRules rules,
            String createdBy) {
        public Request withSelection(Selection s) {
            return new Request(s, level, cellMetres, weekly, neighbours, timeNeighbours, fdr, rules, createdBy);
        }
    }

    /** Grid cells for emerging hot spots are this size unless given: a street block or two. */
    public static final double DEFAULT_GRID_CELL_METRES = 250;

    private final DataSource dataSource;
    private final RunStore store;

    public EmergingRunner(DataSource dataSource) {
        this.dataSource = dataSource;
        this.store = new RunStore(dataSource);
    }

    /**
     * A stored run {@code r.createdBy()} made earlier with the same request over the records stored now, whose
     * classes this request would repeat exactly, or empty.
     */
    public Optional<Long> stored(Request r) {
        List<Period> months = r.weekly()
                ? r.selection().period().weeks()
                : r.selection().period().months().stream().map(Period::of).toList();
        Map<String, Object> contains = new LinkedHashMap<>();
        r.cellMetres().ifPresent(c -> contains.put("cellM", c));
        return store.reusable("emerging", r.createdBy(), requestParams(r, months), contains);
    }

    /** The parameters the request sets, as the run stores them. */
    private static Map<String, Object> requestParams(Request r, List<Period> months) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("selection", r.selection().describe());
        params.put("level", r.level());
        params.put("step", r.weekly() ? "week" : "month");
        params.put("steps", months.stream().map(Period::label).toList());
        params.put("neighbours", r.neighbours());
        params.put("timeNeighbours", r.timeNeighbours());
        params.put("fdr", r.fdr());
        params.put("alpha", r.rules().alpha());
        params.put("trendAlpha", r.rules().trendAlpha());
        params.put("persistentShare", r.rules().persistentShare());
        return params;
    }

    public long run(Request r, Consumer<String> progress) {
        HotspotRunner.checkNeighbours(r.neighbours());
        if (r.timeNeighbours() < 0 || r.timeNeighbours() > 12) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "time neighbours must be 0 to 12 steps, got " + r.timeNeighbours());
        }
        List<Period> months = r.weekly()
                ? r.selection().period().weeks()
                : r.selection().period().months().stream().map(Period::of).toList();
        String unit = r.weekly() ? "weekly" : "monthly";
        if (months.size() < MIN_STEPS) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "emerging hot spots need at least " + MIN_STEPS + " " + unit + " steps; the period "
                            + r.selection().period().label() + " has " + months.size());
        }
        Map<String, Object> params = requestParams(r, months);
        long runId = store.start("emerging", params, r.createdBy());
        try {
            compute(runId, r, params, months, progress);
            return runId;
        } catch (RuntimeException e) {
            store.fail(runId, e.getMessage());
            throw e;
        }
    }

    private void compute(
            long runId, Request r, Map<String, Object> params, List<Period> months, Consumer<String> progress) {
        boolean grid = r.level().equals("grid");
        String areaLevel = grid ? "lsoa" : r.level();
        StudyAreas areas = StudyAreas.load(dataSource, areaLevel, r.selection().area());
        progress.accept("selecting records");
        PointSelector.Selected sel = new PointSelector(dataSource).select(r.selection(), areaLevel, areas.index());
        // places: the areas, or the grid cells whose centres lie in them
        int n;
        int[] placeOf = new int[sel.size()];
        String[] codes;
        int[] population;
        double[][] cells = null;
        SpatialWeights spatial;
        if (grid) {
            double cell = r.cellMetres().orElse(DEFAULT_GRID_CELL_METRES);
            double[] e = areas.envelope();
            Grid g = Grid.covering(e[0], e[1], e[2], e[3], cell);
            if ((long) g.columns() * g.rows() > HotspotRunner.MAX_RUN_CELLS / 8) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "an emerging grid of " + cell + " m cells is too fine for "
                                + "the study area; choose a larger cell");
            }
            int[] placeOfCell = GridPlaces.places(HotspotRunner.rasterise(areas, g));
            n = 0;
            for (int pc : placeOfCell) {
                n = Math.max(n, pc + 1);
            }
            codes = new String[n];
            cells = new double[n][];
            for (int c = 0; c < placeOfCell.length; c++) {
                if (placeOfCell[c] >= 0) {
                    codes[placeOfCell[c]] = GridPlaces.code(g, c);
                    cells[placeOfCell[c]] = GridPlaces.bounds(g, c);
                }
            }
            for (int p = 0; p < sel.size(); p++) {
                int c = g.cellOf(sel.points().x()[p], sel.points().y()[p]);
                placeOf[p] = c >= 0 ? placeOfCell[c] : -1;
            }
            population = new int[n];
            java.util.Arrays.fill(population, -1);
            spatial = GridPlaces.queen(g, placeOfCell, n);
            params.put("cellM", cell);
            params.put("grid", Map.of("minX", g.minX(), "minY", g.minY(), "columns", g.columns(), "rows", g.rows()));
        } else {
            n = areas.size();
            placeOf = sel.area();
            codes = areas.codes();
            population = areas.population();
            spatial = HotspotRunner.weights(r.neighbours(), areas);
        }
        int steps = months.size();
        long[] edges = new long[steps + 1];
        for (int t = 0; t < steps; t++) {
            edges[t] = months.get(t).from().getEpochSecond();
        }
        edges[steps] = months.get(steps - 1).to().getEpochSecond();
        long periodFrom = r.selection().period().from().getEpochSecond();
        long periodTo = r.selection().period().to().getEpochSecond();
        edges[0] = Math.max(edges[0], periodFrom);
        edges[steps] = Math.min(edges[steps], periodTo);
        double[] cube = new double[n * steps];
        double[] total = new double[n];
        int[] records = new int[n];
        for (int p = 0; p < sel.size(); p++) {
            int a = placeOf[p];
            if (a < 0) {
                continue;
            }
            double w = sel.points().weight()[p];
            total[a] += w;
            records[a]++;
            long from = Math.max(sel.from()[p], periodFrom);
            long to = Math.min(sel.to()[p], periodTo);
            if (!r.selection().aoristic() || to <= from) {
                int t = step(edges, Math.max(sel.from()[p], periodFrom));
                cube[t * n + a] += w;
                continue;
            }
            // the record's weight shared over the months its window covers
            for (int t = step(edges, from); t < steps && edges[t] < to; t++) {
                long overlap = Math.min(to, edges[t + 1]) - Math.max(from, edges[t]);
                if (overlap > 0) {
                    cube[t * n + a] += w * overlap / (double) (to - from);
                }
            }
        }
        progress.accept(String.format(
                Locale.UK,
                "Gi* over %,d %s x %d %s steps",
                n,
                grid ? "cells" : "areas",
                steps,
                r.weekly() ? "weekly" : "monthly"));
        SpatialWeights spaceTime = spaceTime(spatial, n, steps, r.timeNeighbours());
        GiStarResult gi = GiStar.compute(cube, spaceTime);
        double[] p = r.fdr() ? FalseDiscovery.adjusted(gi.p()) : gi.p();

        List<RunStore.AreaRow> rows = new ArrayList<>(n);
        EmergingAssessment[] assessed = new EmergingAssessment[n];
        double[] z = new double[steps];
        double[] ps = new double[steps];
        Map<String, Integer> classes = new LinkedHashMap<>();
        for (int a = 0; a < n; a++) {
            for (int t = 0; t < steps; t++) {
                z[t] = gi.z()[t * n + a];
                ps[t] = p[t * n + a];
            }
            assessed[a] = EmergingHotspots.assess(z, ps, r.rules());
            classes.merge(assessed[a].emergingClass().code(), 1, Integer::sum);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // hot classes first, then by the trend's strength, then by incidents
        Arrays.sort(order, (x, y) -> {
            int cx = assessed[x].emergingClass().isHot()
                    ? 0
                    : assessed[x].emergingClass().isCold() ? 2 : 1;
            int cy = assessed[y].emergingClass().isHot()
                    ? 0
                    : assessed[y].emergingClass().isCold() ? 2 : 1;
            if (cx != cy) {
                return Integer.compare(cx, cy);
            }
            int byTotal = Double.compare(total[y], total[x]);
            return byTotal != 0 ? byTotal : codes[x].compareTo(codes[y]);
        });
        for (int rank = 0; rank < n; rank++) {
            int a = order[rank];
            EmergingAssessment e = assessed[a];
            int last = (steps - 1) * n + a;
            Integer pop = population[a] >= 0 ? population[a] : null;
            Double rate = pop != null && pop > 0 ? total[a] * 1000.0 / pop : null;
            rows.add(new RunStore.AreaRow(
                    codes[a],
                    total[a],
                    records[a],
                    pop,
                    rate,
                    null,
                    null,
                    null,
                    null,
                    gi.z()[last],
                    p[last],
                    null,
                    null,
                    new RunStore.Emerging(
                            e.emergingClass().code(),
                            e.trend().tau(),
                            e.trend().pValue(),
                            e.hotSteps(),
                            e.coldSteps(),
                            e.steps()),
                    rank + 1,
                    cells == null ? null : cells[a]));
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("records", sel.size());
        summary.put("areas", n);
        summary.put("steps", steps);
        summary.put("classes", classes);
        summary.put("warnings", sel.size() == 0 ? List.of("no records match the selection") : List.of());
        store.finish(
                runId,
                params,
                sel.batches(),
                Map.of("level", areaLevel, "vintage", areas.vintage(), "count", n),
                summary,
                r.level(),
                grid ? 0 : areas.vintage(),
                rows,
                Optional.empty(),
                null,
                0);
    }

    /**
     * Neighbours of bin (t, i): the spatial neighbours j of i (self included) at steps t, t−1, ..., t−lag. Bins are
     * numbered t·n + i. Earlier steps are neighbours of later ones, not the reverse, as in ArcGIS.
     */
    static SpatialWeights spaceTime(SpatialWeights spatial, int n, int steps, int lag) {
        int[] from = new int[0];
        int[] to = new int[0];
        int count = 0;
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k <= Math.min(lag, t); k++) {
                    for (int q = spatial.offsets()[i]; q < spatial.offsets()[i + 1]; q++) {
                        if (count == from.length) {
                            from = Arrays.copyOf(from, Math.max(1024, count * 2));
                            to = Arrays.copyOf(to, Math.max(1024, count * 2));
                        }
                        from[count] = t * n + i;
                        to[count] = (t - k) * n + spatial.neighbours()[q];
                        count++;
                    }
                }
            }
        }
        return SpatialWeights.directed(n * steps, Arrays.copyOf(from, count), Arrays.copyOf(to, count));
    }

    private static int step(long[] edges, long second) {
        int t = Arrays.binarySearch(edges, second);
        int s = t >= 0 ? t : -t - 2;
        return Math.max(0, Math.min(edges.length - 2, s));
    }
}
