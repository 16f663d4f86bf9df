package org.safemap.map;

import java.util.stream.IntStream;
import org.safemap.geo.Crs;

/**
 * Reads a {@link DensityField} at the centre of every pixel of a map view.
 *
 * <p>Pixel centres are carried into British National Grid exactly for EPSG:27700 views and, for the others,
 * through a mesh of exactly transformed nodes every {@link #MESH_PIXELS} pixels, bilinearly interpolated (under a
 * millimetre at street zooms). Mesh nodes sit at multiples of the mesh spacing from the CRS origin, not from the
 * image corner, so a tile and a larger image covering it read the same locations.
 *
 * <p>Where pixels are no wider than the lattice's spacing (street scales, zoom 13 and in), pixels are
 * interpolated bilinearly from that level's lattice of exact values ({@link DensityField#block}), anchored at the
 * BNG origin and cached, which makes a tile's cost nearly independent of how many incidents lie under it; the
 * interpolation is within (spacing/bandwidth)² of one kernel's peak (0.4% at level 0). Coarser pixels read the
 * field exactly at their centres, a line of pixels at a time ({@link DensityField#readLine}).
 */
public final class DensityRaster {
    static final int MESH_PIXELS = 8;
    /** The longest run of pixels read as one line (numerically, lines of up to 64 stay within 10⁻⁸). */
    static final int RUN_PIXELS = 64;
    /** How far from a line, as a fraction of the kernel's support, a pixel centre may be to be read on it. */
    static final double STRAIGHT_FRACTION = 1.0 / 400;

    private DensityRaster() {}

    /** Density per pixel, row-major from the north-west corner. */
    public static float[] read(DensityField field, MapView view) {
        return read(field, view, false);
    }

    /**
     * The field at every pixel centre read exactly, never interpolated from the lattice: what a rule that counts
     * records in reach of each pixel centre needs (see {@link GuardedDensity}).
     */
    static float[] readExact(DensityField field, MapView view) {
        return read(field, view, true);
    }

    private static float[] read(DensityField field, MapView view, boolean exactOnly) {
        int w = view.width();
        int h = view.height();
        float[] out = new float[w * h];
        Locations locations = new Locations(view);
        int level = exactOnly ? -1 : level(locations, field);
        Window grid = level < 0 ? null : Window.of(field, level, view.bngEnvelope());
        IntStream rows = IntStream.range(0, h);
        // Exact reads are costly enough to share with every core; lattice reads only on large images.
        if (level < 0 || (long) w * h > 512 * 512) {
            rows = rows.parallel();
        }
        rows.forEach(j -> {
            double[] xs = new double[w];
            double[] ys = new double[w];
            locations.row(j, xs, ys);
            if (grid != null) {
                for (int i = 0; i < w; i++) {
                    out[j * w + i] = (float) grid.at(xs[i], ys[i]);
                }
                return;
            }
            double[] values = new double[w];
            readExact(field, locations, xs, ys, values);
            for (int i = 0; i < w; i++) {
                out[j * w + i] = (float) values[i];
            }
        });
        return out;
    }

    /**
     * Exact reads along one row, a run of pixels at a time: pixel centres that lie equally spaced on a straight
     * line are summed in one pass over the nearby points by {@link DensityField#readLine}. Runs are up to
     * {@link #RUN_PIXELS} pixels, fixed by global pixel positions, so a tile and a larger image covering it read
     * the same runs. In British National Grid every run is straight. In other CRSs a row is a gentle curve in BNG,
     * straight only within a mesh cell: a run is read as one line where no pixel centre lies further than
     * {@link #STRAIGHT_FRACTION} of the kernel's support from it (for the quartic, a change of at most 0.4% of one
     * kernel's peak), otherwise it is halved, down to single mesh cells, which are straight.
     */
    private static void readExact(DensityField field, Locations locations, double[] xs, double[] ys, double[] out) {
        if (!field.readsLines()) {
            for (int i = 0; i < xs.length; i++) {
                out[i] = field.at(xs[i], ys[i]);
            }
            return;
        }
        readRuns(field, locations, xs, ys, out, 0, xs.length, RUN_PIXELS, field.supportMetres() * STRAIGHT_FRACTION);
    }

    private static void readRuns(
            DensityField field,
            Locations locations,
            double[] xs,
            double[] ys,
            double[] out,
            int from,
            int to,
            int size,
            double tolerance) {
        int i = from;
        while (i < to) {
            long run = locations.run(i, size);
            int end = i + 1;
            while (end < to && locations.run(end, size) == run) {
                end++;
            }
            int n = end - i;
            double dx = n > 1 ? (xs[end - 1] - xs[i]) / (n - 1) : 0;
            double dy = n > 1 ? (ys[end - 1] - ys[i]) / (n - 1) : 0;
            if (size > MESH_PIXELS && !straight(xs, ys, i, n, dx, dy, tolerance)) {
                readRuns(field, locations, xs, ys, out, i, end, size / 2, tolerance);
            } else {
                field.readLine(xs[i], ys[i], dx, dy, n, out, i);
            }
            i = end;
        }
    }

    private static boolean straight(double[] xs, double[] ys, int from, int n, double dx, double dy, double tolerance) {
        for (int k = 1; k < n - 1; k++) {
            double ex = xs[from + k] - (xs[from] + k * dx);
            double ey = ys[from + k] - (ys[from] + k * dy);
            if (!(ex * ex + ey * ey <= tolerance * tolerance)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The size of a view's pixel on the ground, metres (roughly, for choosing how to read), without the mesh of
     * transformed nodes a {@link Locations} builds.
     */
    static double bngPixelMetres(MapView view) {
        if (view.crs().crs() == Crs.BNG) {
            return Math.min(Locations.canonical(view.resX()), Locations.canonical(view.resY()));
        }
        double[] env = view.bngEnvelope();
        return Math.min((env[2] - env[0]) / view.width(), (env[3] - env[1]) / view.height());
    }

    /** Which way a view is read: the lattice level, or -1 for exact reads at pixel centres. */
    static int level(DensityField field, MapView view) {
        return level(new Locations(view), field);
    }

    /** Level 0 where pixels are no wider than its spacing (street scales); exact line reads beyond. */
    private static int level(Locations locations, DensityField field) {
        double pixel = locations.bngPixelMetres();
        return pixel <= field.latticeSpacing(0) ? 0 : -1;
    }

    /**
     * Pixel centres in BNG, row by row. Resolutions are rounded to 12 significant digits and, where the view's
     * corner lies on a whole number of pixels from the CRS origin (tiles always do), centres are computed from that
     * global pixel index: a tile and a larger image covering it then compute bit-identical coordinates, where
     * {@code minX + (i + 0.5)·res} would differ in the last bits.
     */
    static final class Locations {
        private final MapView view;
        private final boolean identity;
        private final double resX;
        private final double resY;
        private final boolean alignedX;
        private final boolean alignedY;
        private final long indexX;
        private final long indexY;
        private final double stepX;
        private final double stepY;
        private final long kx0;
        private final long ky0;
        private final int nx;
        private final int ny;
        private final double[] nodeX;
        private final double[] nodeY;

        Locations(MapView view) {
            this.view = view;
            this.identity = view.crs().crs() == Crs.BNG;
            this.resX = canonical(view.resX());
            this.resY = canonical(view.resY());
            this.indexX = Math.round(view.minX() / resX);
            this.indexY = Math.round(view.maxY() / resY);
            this.alignedX = Math.abs(view.minX() / resX - indexX) < 1e-3;
            this.alignedY = Math.abs(view.maxY() / resY - indexY) < 1e-3;
            if (identity) {
                stepX = stepY = 0;
                kx0 = ky0 = 0;
                nx = ny = 0;
                nodeX = nodeY = null;
                return;
            }
            stepX = MESH_PIXELS * resX;
            stepY = MESH_PIXELS * resY;
            kx0 = (long) Math.floor(centreX(0) / stepX);
            long kx1 = (long) Math.floor(centreX(view.width() - 1) / stepX) + 1;
            ky0 = (long) Math.floor(centreY(view.height() - 1) / stepY);
            long ky1 = (long) Math.floor(centreY(0) / stepY) + 1;
            nx = (int) (kx1 - kx0 + 1);
            ny = (int) (ky1 - ky0 + 1);
            nodeX = new double[nx * ny];
            nodeY = new double[nx * ny];
            Crs.Transform t = view.crs().crs().to(Crs.BNG);
            double[] p = new double[2];
            for (int b = 0; b < ny; b++) {
                double wy = (ky0 + b) * stepY;
                if (view.crs().degrees()) {
                    wy = Math.max(-89.99, Math.min(89.99, wy));
                }
                for (int a = 0; a < nx; a++) {
                    try {
                        t.apply((kx0 + a) * stepX, wy, p);
                    } catch (RuntimeException e) {
                        p[0] = p[1] = Double.NaN; // far outside any projection's domain: nothing is drawn there
                    }
                    nodeX[b * nx + a] = p[0];
                    nodeY[b * nx + a] = p[1];
                }
            }
        }

        /** From the global pixel index when aligned: one rounding, the same for every image holding the pixel. */
        double centreX(int i) {
            return alignedX ? ((indexX + i) + 0.5) * resX : view.minX() + (i + 0.5) * resX;
        }

        double centreY(int j) {
            return alignedY ? ((indexY - j - 1) + 0.5) * resY : view.maxY() - (j + 0.5) * resY;
        }

        /** The size of a pixel on the ground, metres (roughly, for choosing how to read). */
        double bngPixelMetres() {
            return DensityRaster.bngPixelMetres(view);
        }

        /**
         * Which run of {@code size} pixels (a power of two, at least {@link #MESH_PIXELS}) column i belongs to,
         * counted from the CRS origin where the view is aligned (see readExact). Runs of MESH_PIXELS are the mesh
         * cells, whose pixel centres are interpolated along one straight line.
         */
        long run(int i, int size) {
            if (identity) {
                return alignedX ? Math.floorDiv(indexX + i, size) : i / size;
            }
            return (long) Math.floor(centreX(i) / (stepX * (size / MESH_PIXELS)));
        }

        void row(int j, double[] xs, double[] ys) {
            double cy = centreY(j);
            if (identity) {
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = centreX(i);
                    ys[i] = cy;
                }
                return;
            }
            double gy = Math.floor(cy / stepY);
            double ty = cy / stepY - gy;
            int b = (int) Math.min(ny - 2, Math.max(0, (long) gy - ky0));
            // The row's line through the mesh, interpolated between node rows b and b + 1 once per node column;
            // each pixel is then interpolated along it. Every weight comes from global positions, so a tile and a
            // larger image covering it still compute the same bits.
            double[] lineX = new double[nx];
            double[] lineY = new double[nx];
            for (int a = 0; a < nx; a++) {
                int n0 = b * nx + a;
                lineX[a] = nodeX[n0] * (1 - ty) + nodeX[n0 + nx] * ty;
                lineY[a] = nodeY[n0] * (1 - ty) + nodeY[n0 + nx] * ty;
            }
            for (int i = 0; i < xs.length; i++) {
                double cx = centreX(i);
                double gx = Math.floor(cx / stepX);
                double tx = cx / stepX - gx;
                int a = (int) Math.min(nx - 2, Math.max(0, (long) gx - kx0));
                xs[i] = lineX[a] * (1 - tx) + lineX[a + 1] * tx;
                ys[i] = lineY[a] * (1 - tx) + lineY[a + 1] * tx;
            }
        }

        private static double canonical(double v) {
            return new java.math.BigDecimal(v)
                    .round(new java.math.MathContext(12))
                    .doubleValue();
        }
    }

    /** The lattice nodes a view needs, copied from the field's cached blocks, read by bilinear interpolation. */
    private record Window(double spacing, long i0, long j0, int cols, int rows, float[] values) {
        static Window of(DensityField field, int level, double[] env) {
            double s = field.latticeSpacing(level);
            long i0 = (long) Math.floor(env[0] / s) - 1;
            long j0 = (long) Math.floor(env[1] / s) - 1;
            int cols = (int) ((long) Math.ceil(env[2] / s) + 2 - i0);
            int rows = (int) ((long) Math.ceil(env[3] / s) + 2 - j0);
            float[] values = new float[cols * rows];
            int b = DensityField.BLOCK;
            long bx0 = Math.floorDiv(i0, b);
            long by0 = Math.floorDiv(j0, b);
            int nbx = (int) (Math.floorDiv(i0 + cols - 1, b) - bx0 + 1);
            int nby = (int) (Math.floorDiv(j0 + rows - 1, b) - by0 + 1);
            // Blocks not yet computed are computed side by side: on a quiet server one map uses every core.
            IntStream.range(0, nbx * nby).parallel().forEach(k -> field.block(level, bx0 + k % nbx, by0 + k / nbx));
            for (long by = by0; by < by0 + nby; by++) {
                for (long bx = bx0; bx < bx0 + nbx; bx++) {
                    float[] block = field.block(level, bx, by);
                    for (int r = 0; r < b; r++) {
                        long j = by * b + r;
                        if (j < j0 || j >= j0 + rows) {
                            continue;
                        }
                        long from = Math.max(i0, bx * b);
                        long to = Math.min(i0 + cols, bx * b + b);
                        if (from < to) {
                            System.arraycopy(
                                    block,
                                    (int) (r * b + from - bx * b),
                                    values,
                                    (int) ((j - j0) * cols + from - i0),
                                    (int) (to - from));
                        }
                    }
                }
            }
            return new Window(s, i0, j0, cols, rows, values);
        }

        /** Interpolation weights from global lattice positions, so they do not depend on this window's corner. */
        double at(double x, double y) {
            double gx = Math.floor(x / spacing);
            double gy = Math.floor(y / spacing);
            double tx = x / spacing - gx;
            double ty = y / spacing - gy;
            int c = (int) Math.min(cols - 2, Math.max(0, (long) gx - i0));
            int r = (int) Math.min(rows - 2, Math.max(0, (long) gy - j0));
            int k = r * cols + c;
            return bilinear(values[k], values[k + 1], values[k + cols], values[k + cols + 1], tx, ty);
        }
    }

    private static double bilinear(double v00, double v10, double v01, double v11, double tx, double ty) {
        return (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
    }
}
