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
import org.safemap.areas.AreaIndex;
import org.safemap.hotspot.AreaSurfaceStats;
import org.safemap.hotspot.BandwidthRule;
import org.safemap.hotspot.GiStar;
import org.safemap.hotspot.GiStarResult;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.HotspotBins;
import org.safemap.hotspot.KdeMode;
import org.safemap.hotspot.KdeParams;
import org.safemap.hotspot.Kernel;
import org.safemap.hotspot.KernelDensity;
import org.safemap.hotspot.ProspectiveSurface;
import org.safemap.hotspot.SpatialWeights;
import org.safemap.hotspot.Surface;
import org.safemap.hotspot.WeightedPoints;

/**
 * Runs a hotspot computation end to end: records the run, reads the selection, computes the density surface over the
 * study areas, the per-area table (counts, rates, density, location quotient, Gi*) and stores it all.
 */
public final class HotspotRunner {
    /** Largest grid a stored run may use; finer surfaces belong in {@code safemap kde} on an extract. */
    public static final long MAX_RUN_CELLS = 4_000_000L;

    /**
     * A default cell is never wider than the bandwidth over this: the extent's rule (shorter side / 150) gives 3.4 km
     * cells over England and Wales, where the local bandwidth rule chooses about 1 km, and a surface of cells wider
     * than its kernel is little more than counts per cell.
     */
    static final int CELLS_PER_BANDWIDTH = 2;

    /**
     * What to compute.
     *
     * @param cellMetres      absent: the extent's shorter side / 150
     * @param bandwidthMetres absent: chosen by {@code bandwidthRule}
     * @param neighbours      "queen" (areas sharing a boundary point) or "distance:METRES" between area points
     * @param fdr             Benjamini-Hochberg false discovery rate correction of the Gi* classes
     * @param topPercent      the share of cells counted as "top" for each area's top share
     * @param prospective     absent: the surface is the kernel density; present: it is the prospective
     *                        (Bowers-Johnson) risk at the end of the period, with these bandwidths
     */
    public record Request(
            Selection selection,
            String level,
            Optional<Double> cellMetres,
            Optional<Double> bandwidthMetres,
            BandwidthRule bandwidthRule,
            Kernel kernel,
            KdeMode mode,
            boolean edgeCorrection,
            String neighbours,
            boolean fdr,
            double topPercent,
            Optional<Prospective> prospective,
            String createdBy) {
        public Request withSelection(Selection s) {
            return new Request(
                    s,
                    level,
                    cellMetres,
                    bandwidthMetres,
                    bandwidthRule,
                    kernel,
                    mode,
                    edgeCorrection,
                    neighbours,
                    fdr,
                    topPercent,
                    prospective,
                    createdBy);
        }

        public static Request defaults(Selection selection, String level) {
            return new Request(
                    selection,
                    level,
                    Optional.empty(),
                    Optional.empty(),
                    BandwidthRule.PPL,
                    Kernel.QUARTIC,
                    KdeMode.EXACT,
                    false,
                    "queen",
                    true,
                    10,
                    Optional.empty(),
                    "cli");
        }
    }

    /** Prospective surface bandwidths: open_cp's 8 cells of 50 m (400 m) and 8 weeks by default. */
    public record Prospective(double spaceMetres, int weeks) {
        public static final Prospective DEFAULT = new Prospective(400, 8);
    }

    private final DataSource dataSource;
    private final RunStore store;

    public HotspotRunner(DataSource dataSource) {
        this.dataSource = dataSource;
        this.store = new RunStore(dataSource);
    }

    /** Runs the request and returns the stored run's id; a failure is recorded on the run and rethrown. */
    public long run(Request r, Consumer<String> progress) {
        checkNeighbours(r.neighbours());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("selection", r.selection().describe());
        params.put("level", r.level());
        long runId = store.start("hotspots", params, r.createdBy());
        try {
            compute(runId, r, params, progress);
            return runId;
        } catch (RuntimeException e) {
            store.fail(runId, e.getMessage());
            throw e;
        }
    }

    /**
     * A stored run {@code r.createdBy()} made earlier with the same request over the records stored now, whose
     * results this request would repeat exactly (the computation is deterministic), or empty. Prospective surfaces
     * are always computed.
     */
    public Optional<Long> stored(Request r) {
        if (r.prospective().isPresent()) {
            return Optional.empty();
        }
        checkNeighbours(r.neighbours());
        // the entries compute() writes, from the request alone: the run's derived values (grid, bandwidth chosen by a
        // rule) follow from these and the records
        Map<String, Object> equal = new LinkedHashMap<>();
        equal.put("selection", r.selection().describe());
        equal.put("level", r.level());
        equal.put("gi", Map.of("neighbours", r.neighbours(), "fdr", r.fdr(), "variable", "incidents"));
        equal.put("topPercent", r.topPercent());
        equal.put("surface", Map.of("method", "kde", "units", "incidents per km²"));
        Map<String, Object> kde = new LinkedHashMap<>();
        kde.put("kernel", r.kernel().code());
        kde.put("mode", r.mode().code());
        kde.put("edgeCorrection", r.edgeCorrection());
        kde.put(
                "bandwidthSource",
                r.bandwidthMetres().isPresent()
                        ? "given"
                        : "rule " + r.bandwidthRule().code());
        r.bandwidthMetres().ifPresent(h -> kde.put("bandwidthM", h));
        Map<String, Object> contains = new LinkedHashMap<>();
        contains.put("kde", kde);
        r.cellMetres().ifPresent(c -> contains.put("cellM", c));
        return store.reusable("hotspots", r.createdBy(), equal, contains);
    }

    private void compute(long runId, Request r, Map<String, Object> params, Consumer<String> progress) {
        progress.accept("reading " + r.level() + " areas");
        StudyAreas areas = StudyAreas.load(dataSource, r.level(), r.selection().area());
        // The grid depends on the areas alone: a grid over the limit is refused before any record is read.
        double[] extent = areas.envelope();
        double cell =
                r.cellMetres().orElseGet(() -> Grid.defaultCellMetres(extent[0], extent[1], extent[2], extent[3]));
        Grid grid = Grid.covering(extent[0], extent[1], extent[2], extent[3], cell);
        if ((long) grid.columns() * grid.rows() > MAX_RUN_CELLS) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    String.format(
                            Locale.ROOT,
                            "a %d x %d grid of %.1f m cells is "
                                    + "more than the %,d cells a stored run may use; choose a larger cell",
                            grid.columns(),
                            grid.rows(),
                            cell,
                            MAX_RUN_CELLS));
        }
        progress.accept("selecting records");
        PointSelector.Selected sel = new PointSelector(dataSource).select(r.selection(), r.level(), areas.index());
        WeightedPoints points = sel.points();
        List<String> warnings = new ArrayList<>();
        if (sel.longWindows() > 0) {
            warnings.add(String.format(
                    Locale.UK,
                    "%,d records are known only to windows longer than a week (police.uk "
                            + "gives months); hour and day filters spread them evenly",
                    sel.longWindows()));
        }

        double h;
        if (r.prospective().isPresent()) {
            // the prospective surface has its own bandwidths; this is the one the run reports
            h = r.prospective().get().spaceMetres();
        } else if (r.bandwidthMetres().isPresent()) {
            h = r.bandwidthMetres().get();
        } else if (points.size() >= 2 && hasTwoLocations(points)) {
            h = r.bandwidthRule().bandwidth(points, r.kernel(), extent);
        } else {
            // no rule can choose from fewer than two places; a surface of zeros or one bump still has a scale
            h = 4 * cell;
            warnings.add("too few distinct locations to choose a bandwidth; used 4 cells (" + h + " m)");
        }
        if (r.cellMetres().isEmpty() && r.prospective().isEmpty() && h < CELLS_PER_BANDWIDTH * cell) {
            cell = finerCell(h, extent);
            grid = Grid.covering(extent[0], extent[1], extent[2], extent[3], cell);
        }
        KdeParams kde = new KdeParams(grid, r.kernel(), h, r.mode(), r.edgeCorrection());
        params.put("cellM", cell);
        params.put(
                "grid",
                Map.of("minX", grid.minX(), "minY", grid.minY(), "columns", grid.columns(), "rows", grid.rows()));
        if (r.prospective().isEmpty()) {
            params.put(
                    "kde",
                    Map.of(
                            "kernel",
                            r.kernel().code(),
                            "bandwidthM",
                            h,
                            "bandwidthSource",
                            r.bandwidthMetres().isPresent()
                                    ? "given"
                                    : "rule " + r.bandwidthRule().code(),
                            "cellM",
                            cell,
                            "mode",
                            r.mode().code(),
                            "edgeCorrection",
                            r.edgeCorrection(),
                            "grid",
                            Map.of(
                                    "minX",
                                    grid.minX(),
                                    "minY",
                                    grid.minY(),
                                    "columns",
                                    grid.columns(),
                                    "rows",
                                    grid.rows())));
        }
        params.put("gi", Map.of("neighbours", r.neighbours(), "fdr", r.fdr(), "variable", "incidents"));
        params.put("topPercent", r.topPercent());

        progress.accept(String.format(
                Locale.UK, "density of %,d records on %,d x %,d cells", points.size(), grid.columns(), grid.rows()));
        int[] cellArea = rasterise(areas, grid);
        boolean[] window = new boolean[cellArea.length];
        for (int c = 0; c < window.length; c++) {
            window[c] = cellArea[c] >= 0;
        }
        Surface surface;
        if (r.prospective().isPresent()) {
            Prospective p = r.prospective().get();
            int cells = Math.max(1, (int) Math.round(p.spaceMetres() / cell));
            double[] risk = new ProspectiveSurface(cells, p.weeks())
                    .risk(grid, points, sel.from(), r.selection().period().to().getEpochSecond());
            for (int c = 0; c < risk.length; c++) {
                if (!window[c]) {
                    risk[c] = Double.NaN;
                }
            }
            surface = new Surface(grid, risk);
            params.put(
                    "surface",
                    Map.of(
                            "method",
                            "prospective",
                            "spaceBandwidthM",
                            p.spaceMetres(),
                            "spaceBandwidthCells",
                            cells,
                            "timeBandwidthWeeks",
                            p.weeks(),
                            "at",
                            r.selection().period().to().toString(),
                            "units",
                            "risk score (not per km²)"));
        } else {
            surface = KernelDensity.estimate(points, kde, window);
            params.put("surface", Map.of("method", "kde", "units", "incidents per km²"));
        }
        AreaSurfaceStats stats = AreaSurfaceStats.of(surface, cellArea, areas.size(), r.topPercent());

        int n = areas.size();
        double[] incidents = new double[n];
        int[] records = new int[n];
        int outside = 0;
        for (int p = 0; p < sel.size(); p++) {
            int a = sel.area()[p];
            if (a < 0) {
                outside++;
                continue;
            }
            incidents[a] += points.weight()[p];
            records[a]++;
        }
        double[] quotient = locationQuotients(r, areas, incidents);

        progress.accept("Getis-Ord Gi* over " + n + " areas (" + r.neighbours() + ")");
        SpatialWeights weights = weights(r.neighbours(), areas);
        GiStarResult gi = GiStar.compute(incidents, weights);
        int[] bins = HotspotBins.classify(gi, r.fdr());

        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                (a, b) -> incidents[a] != incidents[b]
                        ? Double.compare(incidents[b], incidents[a])
                        : areas.codes()[a].compareTo(areas.codes()[b]));
        List<RunStore.AreaRow> rows = new ArrayList<>(n);
        for (int rank = 0; rank < n; rank++) {
            int a = order[rank];
            Integer population = areas.population()[a] >= 0 ? areas.population()[a] : null;
            Double rate = population != null && population > 0 ? incidents[a] * 1000.0 / population : null;
            double mean = stats.mean()[a];
            double max = stats.max()[a];
            if (Double.isNaN(mean)) {
                // an area smaller than a cell: the density of the cell its point on surface lies in
                int c = grid.cellOf(areas.x()[a], areas.y()[a]);
                mean = c >= 0 ? surface.densityPerKm2()[c] : Double.NaN;
                max = mean;
            }
            rows.add(new RunStore.AreaRow(
                    areas.codes()[a],
                    incidents[a],
                    records[a],
                    population,
                    rate,
                    mean,
                    max,
                    stats.topShare()[a],
                    quotient == null ? null : quotient[a],
                    gi.z()[a],
                    gi.p()[a],
                    bins[a],
                    HotspotBins.label(bins[a]),
                    null,
                    rank + 1,
                    null)); // no cell geometry: the area's boundary is joined from area
        }

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("records", sel.size());
        summary.put("incidents", points.totalWeight());
        summary.put("outsideAreas", outside);
        summary.put("areas", n);
        summary.put("bandwidthM", h);
        summary.put("cellM", cell);
        summary.put("maxDensityPerKm2", surface.max());
        summary.put("topThresholdPerKm2", stats.threshold());
        summary.put("hotAreas", Arrays.stream(bins).filter(b -> b > 0).count());
        summary.put("coldAreas", Arrays.stream(bins).filter(b -> b < 0).count());
        if (sel.size() == 0) {
            warnings.add("no records match the selection; every count is 0");
        }
        summary.put("warnings", warnings);
        Map<String, Object> areaVersion = Map.of("level", r.level(), "vintage", areas.vintage(), "count", n);
        store.finish(
                runId,
                params,
                sel.batches(),
                areaVersion,
                summary,
                r.level(),
                areas.vintage(),
                rows,
                Optional.of(surface),
                r.kernel().code(),
                h);
    }

    /** Brantingham's location quotient: the selection's share of all records in the area over its share overall. */
    private double[] locationQuotients(Request r, StudyAreas areas, double[] incidents) {
        if (r.selection().categories().isEmpty()) {
            return null;
        }
        PointSelector.Selected all =
                new PointSelector(dataSource).select(r.selection().withCategories(List.of()), r.level(), areas.index());
        double[] base = new double[areas.size()];
        double totalBase = 0;
        for (int p = 0; p < all.size(); p++) {
            if (all.area()[p] >= 0) {
                base[all.area()[p]] += all.points().weight()[p];
                totalBase += all.points().weight()[p];
            }
        }
        double total = 0;
        for (double v : incidents) {
            total += v;
        }
        double[] lq = new double[areas.size()];
        for (int a = 0; a < lq.length; a++) {
            lq[a] = base[a] > 0 && total > 0 ? (incidents[a] / base[a]) / (total / totalBase) : Double.NaN;
        }
        return lq;
    }

    static SpatialWeights weights(String rule, StudyAreas areas) {
        if (rule.equals("queen")) {
            return SpatialWeights.fromPairs(areas.size(), areas.neighbourFrom(), areas.neighbourTo())
                    .withSelf();
        }
        double d = Double.parseDouble(rule.substring("distance:".length()));
        return SpatialWeights.distanceBand(areas.x(), areas.y(), d).withSelf();
    }

    static void checkNeighbours(String rule) {
        if (rule.equals("queen")) {
            return;
        }
        if (rule.startsWith("distance:")) {
            try {
                double d = Double.parseDouble(rule.substring("distance:".length()));
                if (d > 0 && Double.isFinite(d)) {
                    return;
                }
            } catch (NumberFormatException e) {
                // fall through to the message
            }
        }
        throw new SafemapException(
                ErrorCode.BAD_REQUEST,
                "neighbours '" + rule + "' should be queen or distance:METRES " + "(for example distance:800)");
    }

    /**
     * The default cell for bandwidth h when the extent's rule gives cells too wide for it: h / {@value
     * #CELLS_PER_BANDWIDTH} in whole metres, or the finest cell whose grid stays within the {@value #MAX_RUN_CELLS}
     * cells of a stored run.
     */
    static double finerCell(double h, double[] extent) {
        double width = extent[2] - extent[0];
        double height = extent[3] - extent[1];
        double cell = Math.max(1, Math.floor(h / CELLS_PER_BANDWIDTH));
        // the grid's columns and rows are rounded up, so the finest cell within the limit is found by stepping
        double smallest = Math.ceil(Math.sqrt(width * height / MAX_RUN_CELLS));
        cell = Math.max(cell, smallest);
        while (Math.ceil(width / cell - 1e-9) * Math.ceil(height / cell - 1e-9) > MAX_RUN_CELLS) {
            cell++;
        }
        return cell;
    }

    /** For each cell, the study area its centre falls in, or -1. */
    static int[] rasterise(StudyAreas areas, Grid grid) {
        AreaIndex index = areas.areaIndex();
        Map<String, Integer> position = areas.index();
        int[] cellArea = new int[grid.cellCount()];
        for (int j = 0; j < grid.rows(); j++) {
            double y = grid.centreY(j);
            for (int i = 0; i < grid.columns(); i++) {
                String code = index.locate(grid.centreX(i), y);
                cellArea[grid.index(i, j)] = code == null ? -1 : position.get(code);
            }
        }
        return cellArea;
    }

    private static boolean hasTwoLocations(WeightedPoints p) {
        for (int i = 1; i < p.size(); i++) {
            if (p.x()[i] != p.x()[0] || p.y()[i] != p.y()[0]) {
                return true;
            }
        }
        return false;
    }
}
