package org.safemap.hotspot;

import java.util.stream.IntStream;

/**
 * Exact kernel density for the kernels that are polynomials along a grid row: quartic, Epanechnikov and uniform.
 *
 * <p>On row j a point at vertical distance dy reaches the cells whose centres lie on its chord, |dx| &lt; √(h²−dy²),
 * and its value there is a polynomial in the cell centre's x: with a = 1 − dy²/h² and u = dx/h, quartic (a − u²)²
 * (degree 4), Epanechnikov a − u² (degree 2), uniform 1 (degree 0). Instead of visiting every cell of the chord, each
 * point adds its polynomial's coefficients where its chord starts and takes them away after it ends; a running sum of
 * the coefficients along the row, evaluated at each cell centre, is then the sum of every point reaching that cell.
 * Per point and row the cost is constant, not the chord's length, so the work is points × rows reached plus cells.
 *
 * <p>Exactness: the chord's ends are found with the same comparison the direct sum uses for each cell, so the same
 * cells are reached; the polynomials are written in coordinates local to a segment of the row three bandwidths
 * wide, and the running sums restart at every segment, so rounding left by points that ended never travels further
 * than a segment. The surface equals the direct sum to about 10⁻¹² of its maximum on real and adversarial inputs
 * (KernelDensityTest).
 *
 * <p>Rows are split among the cores; each row is written by one task, so there is nothing to merge. Memory: the points
 * sorted by row (three arrays as long as the input) and one row of coefficients per task.
 */
final class RowPolynomials {
    /**
     * A segment's width in bandwidths: local coordinates then stay within 1.5 bandwidths of its middle and a point's
     * coefficients within about 300 times its peak, while a chord (at most two bandwidths) spans one or two segments.
     */
    private static final double SEGMENT_BANDWIDTHS = 3;

    /** A chord end this close to a cell centre, in cells, is settled by the direct sum's own test. */
    private static final double CLOSE = 1e-6;

    private RowPolynomials() {}

    /** Whether the kernel is a polynomial along a row, so that {@link #sum} applies. */
    static boolean applies(Kernel kernel) {
        return kernel == Kernel.QUARTIC || kernel == Kernel.EPANECHNIKOV || kernel == Kernel.UNIFORM;
    }

    /**
     * The density at every cell centre, per km².
     *
     * @param sorted   the points ordered by {@link Grid#row}, as {@link KernelDensity#byRow} leaves them
     * @param rowStart index of the first point of each row bucket: bucket b holds row b − 1 (−1 and rows for the points
     *                 south and north of the grid), and rowStart[rows + 2] is the number of points
     * @param parallel whether to split the rows over the common pool
     */
    static double[] sum(WeightedPoints sorted, int[] rowStart, KdeParams params, double perKm2, boolean parallel) {
        Grid grid = params.grid();
        int rows = grid.rows();
        int columns = grid.columns();
        double[] out = new double[grid.cellCount()];
        Row shape = new Row(params, perKm2);
        int chunks = parallel ? Math.min(rows, 64) : 1;
        IntStream range = IntStream.range(0, chunks);
        (parallel ? range.parallel() : range).forEach(c -> {
            double[] coefficients = new double[(columns + 1) * shape.terms];
            int from = (int) ((long) rows * c / chunks);
            int to = (int) ((long) rows * (c + 1) / chunks);
            for (int j = from; j < to; j++) {
                shape.row(j, sorted, rowStart, coefficients, out);
            }
        });
        return out;
    }

    /** One row's work; the fields are the parameters every row shares. */
    private static final class Row {
        final Kernel kernel;
        final int terms;
        final double h;
        final double h2;
        final double invH;
        final double invH2;
        final double norm;
        final double cell;
        final double minX;
        final double minY;
        final int columns;
        final int rows;
        final int reach;
        /** Cells per segment: about {@link #SEGMENT_BANDWIDTHS} bandwidths. */
        final int segment;
        /** The middle of each segment in metres, the origin of its local coordinate. */
        final double[] origins;

        final double invCell;

        Row(KdeParams params, double perKm2) {
            Grid grid = params.grid();
            kernel = params.kernel();
            terms = kernel == Kernel.QUARTIC ? 5 : kernel == Kernel.EPANECHNIKOV ? 3 : 1;
            h = params.bandwidthMetres();
            h2 = h * h;
            invH = 1 / h;
            invH2 = 1 / h2;
            norm = kernel.normalisation(h) * perKm2;
            cell = grid.cellMetres();
            minX = grid.minX();
            minY = grid.minY();
            columns = grid.columns();
            rows = grid.rows();
            reach = params.reachCells();
            segment = (int) Math.max(1, Math.min(columns, Math.floor(SEGMENT_BANDWIDTHS * h / cell)));
            invCell = 1 / cell;
            origins = new double[(columns + segment - 1) / segment];
            for (int s = 0; s < origins.length; s++) {
                int first = s * segment;
                int last = Math.min(columns, first + segment) - 1;
                origins[s] = minX + (first + last + 1) * 0.5 * cell;
            }
        }

        /** Whether the centre of column i is inside the support of a point at px, for this row's dy²: the direct sum's test. */
        private boolean inside(int i, double px, double dy2) {
            double dx = minX + (i + 0.5) * cell - px;
            return kernel == Kernel.UNIFORM ? dx * dx + dy2 < h2 : 1 - (dx * dx + dy2) * invH2 > 0;
        }

        void row(int j, WeightedPoints sorted, int[] rowStart, double[] coefficients, double[] out) {
            java.util.Arrays.fill(coefficients, 0);
            double[] xs = sorted.x();
            double[] ys = sorted.y();
            double[] ws = sorted.weight();
            double yc = minY + (j + 0.5) * cell;
            int fromBucket = Math.max(0, j + 1 - reach);
            int toBucket = Math.min(rows + 1, j + 1 + reach);
            int k = terms;
            for (int p = rowStart[fromBucket], end = rowStart[toBucket + 1]; p < end; p++) {
                double dy = yc - ys[p];
                double dy2 = dy * dy;
                if (dy2 >= h2 || ws[p] == 0) {
                    continue;
                }
                double px = xs[p];
                double half = Math.sqrt(h2 - dy2);
                // the chord's cells from the square root; where an end falls within rounding of a cell centre, the
                // direct sum's own test settles it
                double from = (px - half - minX) * invCell - 0.5;
                double to = (px + half - minX) * invCell - 0.5;
                double lo0 = Math.ceil(from);
                double hi0 = Math.floor(to);
                if (hi0 < -1 || lo0 > columns) {
                    continue;
                }
                int lo = (int) Math.max(-1, lo0);
                int hi = (int) Math.min(columns, hi0);
                if (lo0 - from < CLOSE || lo0 - from > 1 - CLOSE) {
                    while (lo > 0 && inside(lo - 1, px, dy2)) {
                        lo--;
                    }
                    while (lo <= hi && !inside(lo, px, dy2)) {
                        lo++;
                    }
                }
                if (to - hi0 < CLOSE || to - hi0 > 1 - CLOSE) {
                    while (hi < columns - 1 && inside(hi + 1, px, dy2)) {
                        hi++;
                    }
                    while (hi >= lo && !inside(hi, px, dy2)) {
                        hi--;
                    }
                }
                lo = Math.max(lo, 0);
                hi = Math.min(hi, columns - 1);
                if (lo > hi) {
                    continue;
                }
                double w = ws[p] * norm;
                double a = 1 - dy2 * invH2;
                for (int s = lo / segment, last = hi / segment; s <= last; s++) {
                    int first = s * segment;
                    int start = Math.max(lo, first);
                    int stop = hi + 1; // the first column after the chord
                    boolean endsHere = stop < Math.min(columns, first + segment);
                    double sl = (px - origins[s]) * invH;
                    int at = start * k;
                    int after = stop * k;
                    switch (kernel) {
                        case QUARTIC -> {
                            // (a − (t − sl)²)² in t = (x − origin)/h: q = −t² + 2·sl·t + c0, squared
                            double c0 = a - sl * sl;
                            double c1 = 2 * sl;
                            double t0 = w * c0 * c0;
                            double t1 = w * 2 * c1 * c0;
                            double t2 = w * (c1 * c1 - 2 * c0);
                            double t3 = -w * 2 * c1;
                            coefficients[at] += t0;
                            coefficients[at + 1] += t1;
                            coefficients[at + 2] += t2;
                            coefficients[at + 3] += t3;
                            coefficients[at + 4] += w;
                            if (endsHere) {
                                coefficients[after] -= t0;
                                coefficients[after + 1] -= t1;
                                coefficients[after + 2] -= t2;
                                coefficients[after + 3] -= t3;
                                coefficients[after + 4] -= w;
                            }
                        }
                        case EPANECHNIKOV -> {
                            double t0 = w * (a - sl * sl);
                            double t1 = w * 2 * sl;
                            coefficients[at] += t0;
                            coefficients[at + 1] += t1;
                            coefficients[at + 2] -= w;
                            if (endsHere) {
                                coefficients[after] -= t0;
                                coefficients[after + 1] -= t1;
                                coefficients[after + 2] += w;
                            }
                        }
                        default -> {
                            coefficients[at] += w;
                            if (endsHere) {
                                coefficients[after] -= w;
                            }
                        }
                    }
                }
            }
            // the running sums, restarted at each segment and evaluated at each centre in its local coordinate
            int base = j * columns;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
            double x0 = 0;
            for (int i = 0; i < columns; i++) {
                if (i % segment == 0) {
                    s0 = s1 = s2 = s3 = s4 = 0;
                    x0 = origins[i / segment];
                }
                int at = i * k;
                double t = (minX + (i + 0.5) * cell - x0) * invH;
                switch (kernel) {
                    case QUARTIC -> {
                        s0 += coefficients[at];
                        s1 += coefficients[at + 1];
                        s2 += coefficients[at + 2];
                        s3 += coefficients[at + 3];
                        s4 += coefficients[at + 4];
                        out[base + i] = (((s4 * t + s3) * t + s2) * t + s1) * t + s0;
                    }
                    case EPANECHNIKOV -> {
                        s0 += coefficients[at];
                        s1 += coefficients[at + 1];
                        s2 += coefficients[at + 2];
                        out[base + i] = (s2 * t + s1) * t + s0;
                    }
                    default -> {
                        s0 += coefficients[at];
                        out[base + i] = s0;
                    }
                }
            }
        }
    }
}
