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
import org.safemap.hotspot.Forecast;
import org.safemap.hotspot.GiStar;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.KdeMode;
import org.safemap.hotspot.KdeParams;
import org.safemap.hotspot.Kernel;
import org.safemap.hotspot.KernelDensity;
import org.safemap.hotspot.NaiveMaps;
import org.safemap.hotspot.PredictionAccuracy;
import org.safemap.hotspot.ProspectiveSurface;
import org.safemap.hotspot.WeightedPoints;

/**
 * Trains each method on one period and scores its map against a later one, on the places of one level (grid cells
 * over the study areas, or the areas themselves). The rows and the curves are stored as an 'evaluate' run.
 *
 * <p>Methods: {@code kde} (the training density; for areas, its mean over the area), {@code gistar} (the Gi*
 * z-score of training counts with queen neighbours), {@code prospective} (Bowers-Johnson risk at the end of the
 * training period), and the naive maps ({@link NaiveMaps}): {@code count} (training incidents per km² of each place),
 * {@code last-period} (the same over the last stretch of training as long as the test period) and
 * {@code snap-point} (the busiest exact location in each place). The naive maps are scored in every run, asked for or
 * not, and the best of them at each coverage is reported as the bar to beat. {@code forecast} ({@link Forecast})
 * fits its settings by rolling-origin validation on the training months alone; the settings are stored with the run.
 */
public final class EvaluateRunner {
    public static final List<String> NAIVE = List.of("count", "last-period", "snap-point");
    public static final List<String> METHODS =
            List.of("kde", "count", "last-period", "snap-point", "gistar", "prospective", "forecast");

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
    /**
     * The stored run, its rows (per method per coverage), curves (per method, 1..100%) and the bar to beat (per
     * coverage, the naive method with the highest PAI).
     */
    public record Result(
            long runId,
            List<Map<String, Object>> rows,
            Map<String, List<Map<String, Object>>> curves,
            List<Map<String, Object>> bar) {}

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
        int[] trainPlace = placeOf(train, g, placeOfCell, grid);
        double[] trainCount = counts(train, trainPlace, places);
        double[] testCount = counts(test, placeOf(test, g, placeOfCell, grid), places);
        double trainTotal = total(train);
        double testTotal = total(test);
        long trainEnd = r.train().period().to().getEpochSecond();
        long testLength = r.test().period().to().getEpochSecond()
                - r.test().period().from().getEpochSecond();
        long lastPeriodFrom = Math.max(r.train().period().from().getEpochSecond(), trainEnd - testLength);
        params.put(
                "lastPeriodFrom",
                java.time.Instant.ofEpochSecond(lastPeriodFrom).toString());

        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, List<Map<String, Object>>> curves = new LinkedHashMap<>();
        Map<String, List<PredictionAccuracy.Row>> naiveRows = new LinkedHashMap<>();
        List<String> scored = new ArrayList<>(r.methods());
        NAIVE.stream().filter(m -> !scored.contains(m)).forEach(scored::add);
        for (String method : scored) {
            progress.accept("scoring " + method);
            double[] score = switch (method) {
                case "kde" -> {
                    double[] surface = KernelDensity.estimate(
                                    tp, new KdeParams(g, Kernel.QUARTIC, h, KdeMode.EXACT, false))
                            .densityPerKm2();
                    yield onPlaces(surface, g, cellArea, placeOfCell, places, grid, areas);
                }
                case "count" -> NaiveMaps.perKm2(trainCount, areaKm2);
                case "last-period" ->
                    NaiveMaps.recentPerKm2(trainPlace, tp.weight(), middle(train), lastPeriodFrom, areaKm2);
                case "snap-point" -> NaiveMaps.busiestLocation(trainPlace, tp, areaKm2);
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
                case "forecast" -> {
                    int[] cellPlace = placeOfCell;
                    int placeCount = places;
                    Forecast.Training training = training(
                            r.train().period(),
                            train,
                            trainPlace,
                            areaKm2,
                            g,
                            surface -> onPlaces(surface, g, cellArea, cellPlace, placeCount, grid, areas));
                    Forecast.Fit fit = Forecast.fit(training);
                    params.put("forecast", describe(fit));
                    yield Forecast.score(training, fit.params());
                }
                default -> throw new IllegalStateException(method);
            };
            PredictionAccuracy.Places p =
                    new PredictionAccuracy.Places(score, areaKm2, trainCount, testCount, trainTotal, testTotal);
            // the asked coverages and the curve's 1..100% in one call, so the places are ordered once per method
            int asked = r.coverages().length;
            double[] coverages = java.util.Arrays.copyOf(r.coverages(), asked + 100);
            for (int c = 1; c <= 100; c++) {
                coverages[asked + c - 1] = c;
            }
            List<PredictionAccuracy.Row> both = PredictionAccuracy.at(p, coverages);
            List<PredictionAccuracy.Row> at = both.subList(0, asked);
            if (NAIVE.contains(method)) {
                naiveRows.put(method, at);
            }
            if (!r.methods().contains(method)) {
                continue;
            }
            for (PredictionAccuracy.Row row : at) {
                rows.add(row(method, row));
            }
            curves.put(
                    method,
                    both.subList(asked, both.size()).stream()
                            .map(row -> row(method, row))
                            .toList());
        }
        List<Map<String, Object>> bar = bar(naiveRows, r.coverages().length);
        // every row carries the bar at its coverage, so no table, CSV or JSON can be read without it
        for (Map<String, Object> row : rows) {
            for (Map<String, Object> b : bar) {
                if (b.get("coverage").equals(row.get("coverage"))) {
                    row.put("bar_method", b.get("method"));
                    row.put("bar_pai", b.get("pai"));
                }
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("trainRecords", train.size());
        summary.put("testRecords", test.size());
        summary.put("trainIncidents", trainTotal);
        summary.put("testIncidents", testTotal);
        summary.put("places", places);
        summary.put("rows", rows);
        summary.put("curves", curves);
        summary.put("bar", bar);
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
        return new Result(runId, rows, curves, bar);
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

    /** The training incidents by calendar month of the middle of their window (London time). */
    static Forecast.Training training(
            org.safemap.time.Period period,
            PointSelector.Selected train,
            int[] place,
            double[] areaKm2,
            Grid g,
            java.util.function.Function<double[], double[]> toPlaces) {
        java.time.YearMonth first = java.time.YearMonth.from(period.from().atZone(org.safemap.time.Period.LONDON));
        java.time.YearMonth last =
                java.time.YearMonth.from(period.to().minusSeconds(1).atZone(org.safemap.time.Period.LONDON));
        int months = (int) first.until(last, java.time.temporal.ChronoUnit.MONTHS) + 1;
        long[] middle = middle(train);
        int[] month = new int[train.size()];
        for (int p = 0; p < month.length; p++) {
            java.time.YearMonth m = java.time.YearMonth.from(
                    java.time.Instant.ofEpochSecond(middle[p]).atZone(org.safemap.time.Period.LONDON));
            month[p] = (int) Math.max(0, Math.min(months - 1, first.until(m, java.time.temporal.ChronoUnit.MONTHS)));
        }
        return new Forecast.Training(train.points(), month, months, place, areaKm2, g, toPlaces);
    }

    static Map<String, Object> describe(Forecast.Fit fit) {
        Map<String, Object> m = new LinkedHashMap<>();
        double tau = fit.params().recencyMonths();
        m.put("recencyMonths", Double.isInfinite(tau) ? "none" : tau);
        m.put("sigmaM", fit.params().sigmaMetres());
        m.put(
                "blend",
                fit.params().shrinkShape() > 0 ? "shrinkage" : fit.params().blend());
        m.put("shrinkShape", fit.params().shrinkShape());
        m.put("secondSigmaM", fit.params().secondScale().sigmaMetres());
        m.put("secondShare", fit.params().secondScale().share());
        Forecast.NearRepeat nr = fit.params().nearRepeat();
        m.put("nearRepeatShare", nr.share());
        m.put("nearRepeatMonths", nr.months());
        m.put("nearRepeatMetres", nr.metres());
        m.put("validationPai5", finite(fit.validationPai()));
        m.put("validationMonths", fit.validationMonths());
        m.put("candidates", fit.candidates());
        return m;
    }

    /** Per coverage, the naive method with the highest PAI (the first named on a tie). */
    private static List<Map<String, Object>> bar(Map<String, List<PredictionAccuracy.Row>> naive, int coverages) {
        List<Map<String, Object>> bar = new ArrayList<>();
        for (int c = 0; c < coverages; c++) {
            String bestMethod = null;
            PredictionAccuracy.Row best = null;
            for (Map.Entry<String, List<PredictionAccuracy.Row>> e : naive.entrySet()) {
                PredictionAccuracy.Row row = e.getValue().get(c);
                if (best == null || row.pai() > best.pai() || Double.isNaN(best.pai()) && !Double.isNaN(row.pai())) {
                    best = row;
                    bestMethod = e.getKey();
                }
            }
            bar.add(row(bestMethod, best));
        }
        return bar;
    }

    /** The place of each selected incident (-1 for none): its grid cell inside the study area, or its area. */
    private static int[] placeOf(PointSelector.Selected s, Grid g, int[] placeOfCell, boolean grid) {
        int[] out = new int[s.size()];
        for (int p = 0; p < s.size(); p++) {
            if (grid) {
                int c = g.cellOf(s.points().x()[p], s.points().y()[p]);
                out[p] = c >= 0 ? placeOfCell[c] : -1;
            } else {
                out[p] = s.area()[p];
            }
        }
        return out;
    }

    private static double[] counts(PointSelector.Selected s, int[] place, int places) {
        double[] out = new double[places];
        for (int p = 0; p < s.size(); p++) {
            if (place[p] >= 0) {
                out[place[p]] += s.points().weight()[p];
            }
        }
        return out;
    }

    /** The middle of each incident's time window, epoch seconds. */
    static long[] middle(PointSelector.Selected s) {
        long[] out = new long[s.size()];
        for (int p = 0; p < out.length; p++) {
            out[p] = s.from()[p] + (s.to()[p] - s.from()[p]) / 2;
        }
        return out;
    }

    /** Every selected incident in the study area counts in the denominator, including any no place holds. */
    private static double total(PointSelector.Selected s) {
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
