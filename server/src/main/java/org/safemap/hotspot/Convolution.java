package org.safemap.hotspot;

import java.util.stream.IntStream;

/**
 * Spreading binned weights with a kernel stencil onto grid cells, split over the cores by bands of output rows. In
 * single precision, which doubles the SIMD width and halves the memory traffic; the relative rounding (about 10⁻⁷) is
 * far below the binning error.
 */
final class Convolution {
    private static final int MIN_ROWS_PER_BAND = 16;

    private Convolution() {}

    /**
     * Adds, for every non-zero bin, its weight times the stencil centred on it into out. Each band of output rows is
     * written by one task, which reads the bins that can reach it, so no two tasks write the same cell.
     *
     * @param stencil (2m+1)² values, row-major, for offsets −m..m
     */
    static void scatter(Binned bins, float[] stencil, int m, int columns, int rows, float[] out) {
        int side = 2 * m + 1;
        int occupied = 0;
        for (float v : bins.values()) {
            if (v != 0) {
                occupied++;
            }
        }
        int[] lo = new int[side];
        int[] hi = new int[side];
        for (int r = 0; r < side; r++) {
            lo[r] = side;
            hi[r] = -1;
            for (int k = 0; k < side; k++) {
                if (stencil[r * side + k] != 0) {
                    lo[r] = Math.min(lo[r], k);
                    hi[r] = Math.max(hi[r], k);
                }
            }
        }
        int bands = bandCount(rows);
        // Scattering visits only occupied bins but runs short inner loops, one per stencil row per bin; gathering
        // visits every cell with whole-row inner loops that vectorise well. Past about a quarter occupied, gather wins.
        boolean gather = occupied * 4L > bins.values().length;
        IntStream.range(0, bands).parallel().forEach(b -> {
            int r0 = (int) ((long) rows * b / bands);
            int r1 = (int) ((long) rows * (b + 1) / bands);
            if (gather) {
                gatherBand(bins, stencil, lo, hi, m, columns, r0, r1, out);
            } else {
                scatterBand(bins, stencil, lo, hi, m, columns, r0, r1, out);
            }
        });
    }

    /**
     * out(i, j) = Σ stencil(di, dj) · bin(i + m + di, j + m + dj): the same sum as scattering, the stencil being
     * symmetric. The symmetry also folds the work: rows dj and −dj, and columns di and −di, share a weight, so the
     * four bins are added first and multiplied once, a quarter of the multiplications and inner loops.
     */
    private static void gatherBand(
            Binned bins, float[] stencil, int[] lo, int[] hi, int m, int columns, int r0, int r1, float[] out) {
        int side = 2 * m + 1;
        int binColumns = bins.columns();
        float[] values = bins.values();
        for (int j = r0; j < r1; j++) {
            int outBase = j * columns;
            for (int sr = 0; sr <= m; sr++) {
                int upper = (j + sr) * binColumns;
                int lower = (j + 2 * m - sr) * binColumns;
                boolean middleRow = sr == m;
                for (int k = Math.max(lo[sr], 0); k <= Math.min(hi[sr], m); k++) {
                    float s = stencil[sr * side + k];
                    if (s == 0) {
                        continue;
                    }
                    int mirror = 2 * m - k;
                    if (k == m && middleRow) {
                        for (int i = 0; i < columns; i++) {
                            out[outBase + i] += s * values[upper + k + i];
                        }
                    } else if (k == m) {
                        for (int i = 0; i < columns; i++) {
                            out[outBase + i] += s * (values[upper + k + i] + values[lower + k + i]);
                        }
                    } else if (middleRow) {
                        for (int i = 0; i < columns; i++) {
                            out[outBase + i] += s * (values[upper + k + i] + values[upper + mirror + i]);
                        }
                    } else {
                        for (int i = 0; i < columns; i++) {
                            out[outBase + i] += s
                                    * (values[upper + k + i]
                                            + values[upper + mirror + i]
                                            + values[lower + k + i]
                                            + values[lower + mirror + i]);
                        }
                    }
                }
            }
        }
    }

    private static void scatterBand(
            Binned bins, float[] stencil, int[] lo, int[] hi, int m, int columns, int r0, int r1, float[] out) {
        int side = 2 * m + 1;
        int binColumns = bins.columns();
        float[] values = bins.values();
        // A bin in extended row J sits on grid row J − m and reaches grid rows J − 2m .. J.
        int firstBinRow = Math.max(0, r0);
        int lastBinRow = Math.min(bins.rows() - 1, r1 - 1 + 2 * m);
        for (int bj = firstBinRow; bj <= lastBinRow; bj++) {
            int binRowBase = bj * binColumns;
            int djLow = Math.max(-m, r0 - (bj - m));
            int djHigh = Math.min(m, r1 - 1 - (bj - m));
            for (int bi = 0; bi < binColumns; bi++) {
                float v = values[binRowBase + bi];
                if (v == 0) {
                    continue;
                }
                int gi = bi - m;
                for (int dj = djLow; dj <= djHigh; dj++) {
                    int sr = dj + m;
                    // stencil column k lands on grid column gi + k − m
                    int kLow = Math.max(lo[sr], m - gi);
                    int kHigh = Math.min(hi[sr], columns - 1 - gi + m);
                    if (kLow > kHigh) {
                        continue;
                    }
                    int outBase = (bj - m + dj) * columns + gi - m;
                    int stencilBase = sr * side;
                    for (int k = kLow; k <= kHigh; k++) {
                        out[outBase + k] += v * stencil[stencilBase + k];
                    }
                }
            }
        }
    }

    /**
     * The Gaussian is separable, so spreading it costs 2·(2m+1) operations per cell instead of (2m+1)²: rows first,
     * then columns. Offsets are truncated to the square of half-side m cells.
     */
    static float[] separable(float[] bins, int binColumns, int binRows, int m, Grid grid, double[] line, double norm) {
        int columns = grid.columns();
        int rows = grid.rows();
        int side = 2 * m + 1;
        float[] g = new float[side];
        for (int k = 0; k < side; k++) {
            g[k] = (float) line[k];
        }
        float[] across = new float[binRows * columns];
        IntStream.range(0, binRows).parallel().forEach(bj -> {
            int in = bj * binColumns;
            int outBase = bj * columns;
            boolean empty = true;
            for (int i = 0; i < binColumns && empty; i++) {
                empty = bins[in + i] == 0;
            }
            if (empty) {
                return;
            }
            for (int k = 0; k < side; k++) {
                float gk = g[k];
                // output column i reads bin column i + k (bin column i + m is the cell itself)
                int src = in + k;
                for (int i = 0; i < columns; i++) {
                    across[outBase + i] += gk * bins[src + i];
                }
            }
        });
        float[] out = new float[rows * columns];
        IntStream.range(0, rows).parallel().forEach(j -> {
            int outBase = j * columns;
            for (int k = 0; k < side; k++) {
                float gk = (float) (g[k] * norm);
                int src = (j + k) * columns;
                for (int i = 0; i < columns; i++) {
                    out[outBase + i] += gk * across[src + i];
                }
            }
        });
        return out;
    }

    /** exp(−d²/2σ²) at whole-cell offsets −m..m. */
    static double[] gaussianLine(int m, double cellMetres, double sigma) {
        double[] g = new double[2 * m + 1];
        for (int k = -m; k <= m; k++) {
            double d = k * cellMetres;
            g[k + m] = Math.exp(-d * d / (2 * sigma * sigma));
        }
        return g;
    }

    static int bandCount(int rows) {
        int cores = Runtime.getRuntime().availableProcessors();
        return Math.max(1, Math.min(cores * 4, rows / MIN_ROWS_PER_BAND));
    }
}
