package org.safemap.runs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.hotspot.AreaSurfaceStats;
import org.safemap.hotspot.BandwidthRule;
import org.safemap.hotspot.GiStar;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.KdeMode;
import org.safemap.hotspot.KdeParams;
import org.safemap.hotspot.Kernel;
import org.safemap.hotspot.KernelDensity;
import org.safemap.hotspot.PredictionAccuracy;
import org.safemap.hotspot.ProspectiveSurface;
import org.safemap.hotspot.WeightedPoints;

/**
 * Trains each method on one period and scores its map against a later one, on the places of one level (grid cells
 * over the study areas, or the areas themselves). The rows and the curves are stored as an 'evaluate' run.
 *
 * <p>Methods: {@code kde} (the training density; for areas, its mean over the area), {@code count} (training
 * incidents per place, the "last period's top places" map), {@code gistar} (the Gi* z-score of training counts with
 * queen neighbours), {@code prospective} (Bowers-Johnson risk at the end of the training period).
 */
public final class EvaluateRunner {
    public static final List<String> METHODS = List.of("kde", "count", "gistar", "prospective");

    /**
     * @param train, test   selections identical but for the period
     * @param level          "grid" or an area level
     * @param cellMetres     grid cell (and KDE cell); absent: shorter side / 150
     * @param bandwidthMetres KDE bandwidth; absent: chosen by the rule on the training points
     */
    public record Request(
            Selection train,
            Selection test,
            List<String> methods,
            String level,
            Optional<Double> cellMetres,
            Optional<Double> bandwidthMetres,
            BandwidthRule rule,
            double[] coverages,
            String createdBy) {
        public Request withFeeds(List<String> feeds) {
            return new Request(
                    train.withFeeds(feeds),
                    test.withFeeds(feeds),
                    methods,
                    level,
                    cellMetres,
                    bandwidthMetres,
                    rule,
                    coverages,
                    createdBy);
        }
    }

    /** The stored run, its rows (per method per coverage) and curves (per method, 1..100%). */
    public record Result(long runId, List<Map<String, Object>> rows, Map<String, List<Map<String, Object>>> curves) {}

    private final DataSource dataSource;
    private final RunStore store;

    public EvaluateRunner(DataSource dataSource) {
        this.dataSource = dataSource;
        this.store = new RunStore(dataSource);
    }

    public Result run(Request r, Consumer<String> progress) {
        for (String m : r.methods()) {
            if (!METHODS.contains(m)) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST, "unknown method '" + m + "'; expected some of " + METHODS);
            }
        }
        if (!r.test().period().from().isAfter(r.train().period().from())) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "the test period must start after the training period starts");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("train", r.train().describe());
        params.put("test", r.test().period().label());
        params.put("methods", r.methods());
        params.put("level", r.level());
        params.put("coverages", r.coverages());
        long runId = store.start("evaluate", params, r.createdBy());
        try {
            return compute(runId, r, params, progress);
        } catch (RuntimeException e) {
            store.fail(runId, e.getMessage());
            throw e;
        }
    }

    private Result compute(long runId, Request r, Map<String, Object> params, Consumer<String> progress) {
        boolean grid = r.level().equals("grid");
        String areaLevel = grid ? "lsoa" : r.level();
        StudyAreas areas = StudyAreas.load(dataSource, areaLevel, r.train().area());
        PointSelector selector = new PointSelector(dataSource);
        progress.accept("selecting training and test records");
        PointSelector.Selected train = selector.select(r.train(), areaLevel, areas.index());
        PointSelector.Selected test = selector.select(r.test(), areaLevel, areas.index());
        double[] extent = areas.envelope();
        double cell =
                r.cellMetres().orElseGet(() -> Grid.defaultCellMetres(extent[0], extent[1], extent[2], extent[3]));
        Grid g = Grid.covering(extent[0], extent[1], extent[2], extent[3], cell);
        if ((long) g.columns() * g.rows() > HotspotRunner.MAX_RUN_CELLS) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "the grid of " + cell + " m cells is too fine for the study " + "area; choose a larger cell");
        }
        int[] cellArea = HotspotRunner.rasterise(areas, g);
        WeightedPoints tp = train.points();
        double h = r.bandwidthMetres()
                .orElseGet(() -> tp.size() >= 2 ? r.rule().bandwidth(tp, Kernel.QUARTIC, extent) : 4 * cell);
        params.put("cellM", cell);
        params.put("bandwidthM", h);
        params.put(
                "bandwidthSource",
                r.bandwidthMetres().isPresent() ? "given" : "rule " + r.rule().code());
        params.put("grid", Map.of("minX", g.minX(), "minY", g.minY(), "columns", g.columns(), "rows", g.rows()));

        // places: the cells inside the study areas, or the areas
        int places;
        int[] placeOfCell = new int[g.cellCount()];
        double[] areaKm2;
        if (grid) {
            places = 0;
            for (int c = 0; c < placeOfCell.length; c++) {
                placeOfCell[c] = cellArea[c] >= 0 ? places++ : -1;
            }
            areaKm2 = new double[places];
            java.util.Arrays.fill(areaKm2, g.cellAreaKm2());
        } else {
            places = areas.size();
            placeOfCell = cellArea;
            areaKm2 = areas.areaKm2().clone();
        }
        double[] trainCount = counts(train, g, placeOfCell, places, grid);
        double[] testCount = counts(test, g, placeOfCell, places, grid);
        double trainTotal = total(train, g, cellArea, grid);
        double testTotal = total(test, g, cellArea, grid);

        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, List<Map<String, Object>>> curves = new LinkedHashMap<>();
        for (String method : r.methods()) {
            progress.accept("scoring " + method);
            double[] score = switch (method) {
                case "kde" -> {
                    double[] surface = KernelDensity.estimate(
                                    tp, new KdeParams(g, Kernel.QUARTIC, h, KdeMode.EXACT, false))
                            .densityPerKm2();
                    yield onPlaces(surface, g, cellArea, placeOfCell, places, grid, areas);
                }
                case "count" -> trainCount.clone();
                case "gistar" ->
                    GiStar.compute(
                                    trainCount,
                                    grid
                                            ? GridPlaces.queen(g, placeOfCell, places)
                                            : HotspotRunner.weights("queen", areas))
                            .z();
                case "prospective" -> {
                    double[] risk = ProspectiveSurface.DEFAULT.risk(
                            g, tp, train.from(), r.train().period().to().getEpochSecond());
                    yield onPlaces(risk, g, cellArea, placeOfCell, places, grid, areas);
                }
                default -> throw new IllegalStateException(method);
            };
            PredictionAccuracy.Places p =
                    new PredictionAccuracy.Places(score, areaKm2, trainCount, testCount, trainTotal, testTotal);
            for (PredictionAccuracy.Row row : PredictionAccuracy.at(p, r.coverages())) {
                rows.add(row(method, row));
            }
            curves.put(
                    method,
                    PredictionAccuracy.curve(p).stream()
                            .map(row -> row(method, row))
                            .toList());
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("trainRecords", train.size());
        summary.put("testRecords", test.size());
        summary.put("trainIncidents", trainTotal);
        summary.put("testIncidents", testTotal);
        summary.put("places", places);
        summary.put("rows", rows);
        summary.put("curves", curves);
        List<String> warnings = new ArrayList<>();
        if (testTotal == 0) {
            warnings.add("no test incidents: hit rates are undefined");
        }
        summary.put("warnings", warnings);
        long[] batches = java.util.stream.LongStream.concat(
                        java.util.Arrays.stream(train.batches()), java.util.Arrays.stream(test.batches()))
                .distinct()
                .sorted()
                .toArray();
        store.finish(
                runId,
                params,
                batches,
                Map.of("level", areaLevel, "vintage", areas.vintage()),
                summary,
                areaLevel,
                areas.vintage(),
                List.of(),
                Optional.empty(),
                null,
                0);
        return new Result(runId, rows, curves);
    }

    private static Map<String, Object> row(String method, PredictionAccuracy.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("coverage", r.coverage());
        m.put("hit_rate", finite(r.hitRate()));
        m.put("pai", finite(r.pai()));
        m.put("rri", finite(r.rri()));
        m.put("max_hit_rate", finite(r.maxHitRate()));
        m.put("pei", finite(r.pei()));
        m.put("area_share", finite(r.areaShare()));
        m.put("places", r.places());
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double[] counts(PointSelector.Selected s, Grid g, int[] placeOfCell, int places, boolean grid) {
        double[] out = new double[places];
        for (int p = 0; p < s.size(); p++) {
            int place;
            if (grid) {
                int c = g.cellOf(s.points().x()[p], s.points().y()[p]);
                place = c >= 0 ? placeOfCell[c] : -1;
            } else {
                place = s.area()[p];
            }
            if (place >= 0) {
                out[place] += s.points().weight()[p];
            }
        }
        return out;
    }

    /** Every selected incident in the study area counts in the denominator, including any no place holds. */
    private static double total(PointSelector.Selected s, Grid g, int[] cellArea, boolean grid) {
        double t = 0;
        for (int p = 0; p < s.size(); p++) {
            if (s.area()[p] >= 0) {
                t += s.points().weight()[p];
            }
        }
        return t;
    }

    private static double[] onPlaces(
            double[] surface, Grid g, int[] cellArea, int[] placeOfCell, int places, boolean grid, StudyAreas areas) {
        if (grid) {
            double[] out = new double[places];
            for (int c = 0; c < surface.length; c++) {
                if (placeOfCell[c] >= 0) {
                    out[placeOfCell[c]] = surface[c];
                }
            }
            return out;
        }
        AreaSurfaceStats stats =
                AreaSurfaceStats.of(new org.safemap.hotspot.Surface(g, surface), cellArea, places, 100);
        double[] mean = stats.mean().clone();
        for (int a = 0; a < places; a++) {
            if (Double.isNaN(mean[a])) {
                int c = g.cellOf(areas.x()[a], areas.y()[a]);
                mean[a] = c >= 0 ? surface[c] : 0;
            }
        }
        return mean;
    }
}
