package org.safemap.hotspot;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Kernel density estimation onto a {@link Grid}: incidents per km² at every cell centre.
 *
 * <p>Exact mode sums every point into every cell centre within the kernel's support. For the kernels that are
 * polynomials along a grid row (quartic, Epanechnikov, uniform) it does so with running sums along each row
 * ({@link RowPolynomials}), so its cost is points × rows reached plus cells; for the triangular and Gaussian kernels it
 * visits, for each point, the cells of the support's square, so its cost is points × support cells. Fast mode bins the points onto the cell centres first (linear binning, Wand 1994) and spreads
 * each occupied cell with a precomputed stencil, so its cost is occupied cells × support cells. Both split the work
 * over the available cores and hold nothing per point but the input arrays.
 */
public final class KernelDensity {
    /** Below this many points one thread is quicker than splitting the work. */
    private static final int PARALLEL_MIN_POINTS = 20_000;

    /** Nor for grids with fewer cells than this, where the row sums' own pass over the cells is the larger cost. */
    private static final int PARALLEL_MIN_CELLS = 250_000;

    private static final double PER_KM2 = 1e6;

    private KernelDensity() {}

    /** The density surface of the points; cells outside the window, if one is given, are NaN. */
    public static Surface estimate(WeightedPoints points, KdeParams params) {
        return estimate(points, params, null);
    }

    /**
     * The density surface of the points within a window.
     *
     * @param window which cells are inside the study area (indexed as the grid), or null for the whole grid; edge
     *               correction divides by the kernel mass inside this window, and cells outside it are NaN
     */
    public static Surface estimate(WeightedPoints points, KdeParams params, boolean[] window) {
        Grid grid = params.grid();
        if (window != null && window.length != grid.cellCount()) {
            throw new IllegalArgumentException(
                    "window has " + window.length + " cells for a grid of " + grid.cellCount());
        }
        double[] density = params.mode() == KdeMode.EXACT ? exact(points, params) : fast(points, params);
        if (params.edgeCorrection()) {
            double[] inside = EdgeCorrection.kernelMassInside(params, window);
            for (int c = 0; c < density.length; c++) {
                // A cell whose kernel lies almost wholly outside would be inflated without limit; below 1% is no data.
                density[c] = inside[c] > 0.01 ? density[c] / inside[c] : Double.NaN;
            }
        }
        if (window != null) {
            for (int c = 0; c < density.length; c++) {
                if (!window[c]) {
                    density[c] = Double.NaN;
                }
            }
        }
        return new Surface(grid, density);
    }

    // ---- exact ----

    static double[] exact(WeightedPoints points, KdeParams params) {
        int n = points.size();
        int cells = params.grid().cellCount();
        if (RowPolynomials.applies(params.kernel())) {
            int[] rowStart = new int[params.grid().rows() + 3];
            // by row, and by column within a row: the chords then sweep each row in order, so the running sums are
            // written in cache order and the branches on where a chord ends repeat from one point to the next
            WeightedPoints sorted = byRow(byColumn(points, params.grid()), params.grid(), rowStart);
            boolean parallel = n >= PARALLEL_MIN_POINTS || cells >= PARALLEL_MIN_CELLS;
            return RowPolynomials.sum(sorted, rowStart, params, PER_KM2, parallel);
        }
        int tasks =
                n < PARALLEL_MIN_POINTS ? 1 : Math.min(ForkJoinPool.commonPool().getParallelism() + 1, 8);
        if (tasks <= 1) {
            double[] out = new double[cells];
            sumPoints(points, 0, n, params, out);
            return out;
        }
        // In row order, consecutive points write to the same few grid rows, which then stay in cache: on a million
        // points this halves the time against input order.
        WeightedPoints sorted =
                byRow(points, params.grid(), new int[params.grid().rows() + 3]);
        double[][] parts = new double[tasks][];
        IntStream.range(0, tasks).parallel().forEach(t -> {
            double[] out = new double[cells];
            sumPoints(sorted, (int) ((long) n * t / tasks), (int) ((long) n * (t + 1) / tasks), params, out);
            parts[t] = out;
        });
        double[] total = parts[0];
        for (int t = 1; t < tasks; t++) {
            double[] part = parts[t];
            for (int c = 0; c < cells; c++) {
                total[c] += part[c];
            }
        }
        return total;
    }

    /**
     * The points counting-sorted by the grid row they fall in (rows beyond the grid clamped to its edges); the sort is
     * stable, so points sorted by column first stay in column order within each row.
     *
     * @param rowStart filled with the index of each row's first point: bucket b holds row b − 1, so bucket 0 holds
     *                 the points south of the grid and bucket rows + 1 those north of it; its last entry is the count
     */
    static WeightedPoints byRow(WeightedPoints points, Grid grid, int[] rowStart) {
        int[] bucket = new int[points.size()];
        double[] ys = points.y();
        for (int p = 0; p < bucket.length; p++) {
            bucket[p] = grid.row(ys[p]) + 1;
        }
        return countingSort(points, bucket, grid.rows() + 2, rowStart);
    }

    /** The points counting-sorted by the grid column they fall in (columns beyond the grid clamped to its edges). */
    static WeightedPoints byColumn(WeightedPoints points, Grid grid) {
        int[] bucket = new int[points.size()];
        double[] xs = points.x();
        for (int p = 0; p < bucket.length; p++) {
            bucket[p] = grid.column(xs[p]) + 1;
        }
        return countingSort(points, bucket, grid.columns() + 2, new int[grid.columns() + 3]);
    }

    private static WeightedPoints countingSort(WeightedPoints points, int[] bucket, int buckets, int[] starts) {
        int n = points.size();
        int[] start = new int[buckets + 1];
        for (int p = 0; p < n; p++) {
            start[bucket[p] + 1]++;
        }
        for (int b = 0; b < buckets; b++) {
            start[b + 1] += start[b];
        }
        System.arraycopy(start, 0, starts, 0, buckets + 1);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int p = 0; p < n; p++) {
            int to = start[bucket[p]]++;
            x[to] = points.x()[p];
            y[to] = points.y()[p];
            w[to] = points.weight()[p];
        }
        return new WeightedPoints(x, y, w);
    }

    /** Adds points [from, to) into out, per km². The loops are written per kernel so each inner loop stays simple. */
    private static void sumPoints(WeightedPoints points, int from, int to, KdeParams params, double[] out) {
        Grid grid = params.grid();
        Kernel kernel = params.kernel();
        double h = params.bandwidthMetres();
        double r = kernel.supportRadius(h);
        double r2 = r * r;
        double h2 = h * h;
        double invH = 1 / h;
        double invH2 = 1 / h2;
        double invTwoH2 = 1 / (2 * h2);
        double norm = kernel.normalisation(h) * PER_KM2;
        double cell = grid.cellMetres();
        double minX = grid.minX();
        double minY = grid.minY();
        int columns = grid.columns();
        int rows = grid.rows();
        double[] xs = points.x();
        double[] ys = points.y();
        double[] ws = points.weight();
        double[] gaussX = kernel == Kernel.GAUSSIAN ? new double[columns] : null;
        double[] dx2s = new double[columns];
        for (int p = from; p < to; p++) {
            double w = ws[p] * norm;
            if (w == 0) {
                continue;
            }
            double px = xs[p];
            double py = ys[p];
            int j0 = Math.max(0, (int) Math.floor((py - r - minY) / cell - 0.5));
            int j1 = Math.min(rows - 1, (int) Math.ceil((py + r - minY) / cell - 0.5));
            int i0 = Math.max(0, (int) Math.floor((px - r - minX) / cell - 0.5));
            int i1 = Math.min(columns - 1, (int) Math.ceil((px + r - minX) / cell - 0.5));
            if (j0 > j1 || i0 > i1) {
                continue;
            }
            for (int i = i0; i <= i1; i++) {
                double dx = minX + (i + 0.5) * cell - px;
                dx2s[i] = dx * dx;
                if (gaussX != null) {
                    gaussX[i] = Math.exp(-dx * dx * invTwoH2);
                }
            }
            for (int j = j0; j <= j1; j++) {
                double dy = minY + (j + 0.5) * cell - py;
                double dy2 = dy * dy;
                if (dy2 >= r2) {
                    continue;
                }
                // every column of the support's square: working out each row's chord costs more (a square root
                // and two roundings per row) than the corner cells it saves; the clamps make those cells add zero
                int a = i0;
                int b = i1;
                int base = j * columns;
                switch (kernel) {
                    case QUARTIC -> {
                        for (int i = a; i <= b; i++) {
                            double t = Math.max(0, 1 - (dx2s[i] + dy2) * invH2);
                            out[base + i] += w * t * t;
                        }
                    }
                    case EPANECHNIKOV -> {
                        for (int i = a; i <= b; i++) {
                            out[base + i] += w * Math.max(0, 1 - (dx2s[i] + dy2) * invH2);
                        }
                    }
                    case TRIANGULAR -> {
                        for (int i = a; i <= b; i++) {
                            out[base + i] += w * Math.max(0, 1 - Math.sqrt(dx2s[i] + dy2) * invH);
                        }
                    }
                    case UNIFORM -> {
                        // a hard edge: the test must be exact, as in the direct sum
                        for (int i = a; i <= b; i++) {
                            if (dx2s[i] + dy2 < h2) {
                                out[base + i] += w;
                            }
                        }
                    }
                    case GAUSSIAN -> {
                        // exp(-(dx²+dy²)/2h²) = exp(-dx²/2h²)·exp(-dy²/2h²): one exp per row and column, not per cell
                        double wy = w * Math.exp(-dy2 * invTwoH2);
                        for (int i = a; i <= b; i++) {
                            if (dx2s[i] + dy2 < r2) {
                                out[base + i] += wy * gaussX[i];
                            }
                        }
                    }
                }
            }
        }
    }

    // ---- fast ----

    static double[] fast(WeightedPoints points, KdeParams params) {
        Grid grid = params.grid();
        int m = params.reachCells();
        Binned bins = Binned.linear(points, grid, m);
        double cellArea = grid.cellMetres() * grid.cellMetres();
        float[] out;
        if (params.kernel() == Kernel.GAUSSIAN) {
            double[] g = Convolution.gaussianLine(m, grid.cellMetres(), params.bandwidthMetres());
            double line = 0;
            for (double v : g) {
                line += v;
            }
            // sampled weights scaled so each binned incident still adds exactly 1 to the surface's integral
            out = Convolution.separable(
                    bins.values(), bins.columns(), bins.rows(), m, grid, g, PER_KM2 / (line * line * cellArea));
        } else {
            double[] stencil = stencil(params, m);
            double mass = 0;
            for (double v : stencil) {
                mass += v;
            }
            double scale = PER_KM2 / (mass * cellArea);
            float[] scaled = new float[stencil.length];
            for (int k = 0; k < stencil.length; k++) {
                scaled[k] = (float) (stencil[k] * scale);
            }
            out = new float[grid.cellCount()];
            Convolution.scatter(bins, scaled, m, grid.columns(), grid.rows(), out);
        }
        double[] density = new double[out.length];
        for (int c = 0; c < out.length; c++) {
            density[c] = out[c];
        }
        return density;
    }

    /** The kernel per m² at whole-cell offsets (di, dj) in [-m, m]², row-major; zero outside the support. */
    static double[] stencil(KdeParams params, int m) {
        Kernel kernel = params.kernel();
        double h = params.bandwidthMetres();
        double cell = params.grid().cellMetres();
        int side = 2 * m + 1;
        double[] s = new double[side * side];
        for (int dj = -m; dj <= m; dj++) {
            for (int di = -m; di <= m; di++) {
                double dx = di * cell;
                double dy = dj * cell;
                s[(dj + m) * side + (di + m)] = kernel.density(dx * dx + dy * dy, h);
            }
        }
        return s;
    }
}
