package org.safemap.map;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.safemap.hotspot.Kernel;
import org.safemap.hotspot.KernelCellMass;

/**
 * One month of one selection's density surface at small scales: the kernel mass of its records in every cell of a
 * pyramid of square British National Grid cells, {@link #baseCell} wide at level 0 and doubling with each level, all
 * anchored at the grid's origin. A cell holds exactly the integral of the month's surface over it (each record's mass
 * split between the cells its kernel reaches, {@link KernelCellMass}), so the mean density over a cell is its mass
 * over its area; a level is the level below summed in fours; a period of several months is the months' masses summed.
 *
 * <p>Where map pixels are at least a level-0 cell wide, a pixel shows the mean of the surface over the cell of the
 * finest level no wider than the pixel that holds the pixel's centre ({@link #read}): a mean over an area, where the
 * exact drawing ({@link DensityRaster}) samples the surface at the pixel's centre. At national scales a pixel is
 * wider than the kernel, and a sample at its centre tells mostly whether some record lies within a bandwidth of that
 * point; the mean tells how many records the pixel's neighbourhood holds (docs/wms.md, "Small scales").
 *
 * <p>Cells are kept in square blocks of {@link #BLOCK}², only where the month has records in reach; masses are summed
 * in double precision and kept as floats. Immutable once built; reads are thread-safe.
 */
final class DensityPyramid {
    /** Levels kept: cells from {@link #baseCell} to 128 times that (125 m to 16 km for a 250 m quartic). */
    static final int LEVELS = 8;
    /** Cells per block side. */
    static final int BLOCK = 32;

    private static final Map<String, KernelCellMass> MASSES = new ConcurrentHashMap<>();

    private final double base;
    private final List<Map<Long, float[]>> levels;
    private final double mass;
    private final int records;

    private DensityPyramid(double base, List<Map<Long, float[]>> levels, double mass, int records) {
        this.base = base;
        this.levels = levels;
        this.mass = mass;
        this.records = records;
    }

    /**
     * Level 0's cell, metres: half the kernel's support (125 m for the 250 m quartic), so a cell is a quarter of the
     * kernel's footprint across and the surface's shape within a bandwidth survives in the cells' means.
     */
    static double baseCell(Kernel kernel, double bandwidthMetres) {
        return kernel.supportRadius(bandwidthMetres) / 2;
    }

    /**
     * The level a view whose pixels are {@code pixelMetres} wide on the ground reads: the coarsest whose cells are
     * no wider than a pixel, or -1 where pixels are narrower than a level-0 cell (then the map is drawn exactly).
     */
    static int level(double pixelMetres, double base) {
        if (!(pixelMetres >= base)) {
            return -1;
        }
        int l = (int) Math.floor(Math.log(pixelMetres / base) / Math.log(2) + 1e-9);
        return Math.min(LEVELS - 1, Math.max(0, l));
    }

    private static long key(long bx, long by) {
        return (bx << 32) ^ (by & 0xFFFF_FFFFL);
    }

    /**
     * The pyramid of one month's locations (EPSG:27700 metres, each with its summed aoristic weight in that month).
     * Costs about 36 table reads per location and one pass over the cells per level.
     */
    static DensityPyramid build(MapData.Weighted points, Kernel kernel, double bandwidthMetres) {
        KernelCellMass cellMass = MASSES.computeIfAbsent(
                kernel.code() + "|" + bandwidthMetres, k -> new KernelCellMass(kernel, bandwidthMetres));
        double s = baseCell(kernel, bandwidthMetres);
        double r = cellMass.supportMetres();
        Map<Long, double[]> level0 = new HashMap<>();
        double[] x = points.x();
        double[] y = points.y();
        double[] w = points.w();
        double total = 0;
        double[] q = new double[64];
        long lastKey = Long.MIN_VALUE;
        double[] last = null;
        for (int k = 0; k < x.length; k++) {
            if (!(w[k] > 0)) {
                continue;
            }
            total += w[k];
            long i0 = (long) Math.floor((x[k] - r) / s);
            long i1 = (long) Math.floor((x[k] + r) / s);
            long j0 = (long) Math.floor((y[k] - r) / s);
            long j1 = (long) Math.floor((y[k] + r) / s);
            int ni = (int) (i1 - i0 + 2);
            int nj = (int) (j1 - j0 + 2);
            if (q.length < ni * nj) {
                q = new double[ni * nj];
            }
            // Quadrant masses at the cells' corners, each read once: a cell's mass is four of them.
            for (int b = 0; b < nj; b++) {
                double yb = (j0 + b) * s - y[k];
                for (int a = 0; a < ni; a++) {
                    q[b * ni + a] = cellMass.quadrant((i0 + a) * s - x[k], yb);
                }
            }
            for (int b = 0; b < nj - 1; b++) {
                long j = j0 + b;
                for (int a = 0; a < ni - 1; a++) {
                    double m = q[b * ni + a] - q[b * ni + a + 1] - q[(b + 1) * ni + a] + q[(b + 1) * ni + a + 1];
                    if (m <= 0) {
                        continue;
                    }
                    long i = i0 + a;
                    long bk = key(Math.floorDiv(i, BLOCK), Math.floorDiv(j, BLOCK));
                    if (bk != lastKey) {
                        last = level0.computeIfAbsent(bk, kk -> new double[BLOCK * BLOCK]);
                        lastKey = bk;
                    }
                    last[(int) Math.floorMod(j, BLOCK) * BLOCK + (int) Math.floorMod(i, BLOCK)] += w[k] * m;
                }
            }
        }
        List<Map<Long, float[]>> levels = new ArrayList<>(LEVELS);
        Map<Long, double[]> below = level0;
        for (int l = 0; l < LEVELS; l++) {
            levels.add(floats(below));
            if (l + 1 < LEVELS) {
                below = halve(below);
            }
        }
        return new DensityPyramid(s, List.copyOf(levels), total, x.length);
    }

    /** The next level: each cell the sum of the four below it. */
    private static Map<Long, double[]> halve(Map<Long, double[]> below) {
        Map<Long, double[]> up = new HashMap<>();
        int half = BLOCK / 2;
        for (Map.Entry<Long, double[]> e : below.entrySet()) {
            long bx = e.getKey() >> 32;
            long by = (int) (e.getKey() & 0xFFFF_FFFFL);
            double[] parent =
                    up.computeIfAbsent(key(Math.floorDiv(bx, 2), Math.floorDiv(by, 2)), k -> new double[BLOCK * BLOCK]);
            int ox = (int) Math.floorMod(bx, 2) * half;
            int oy = (int) Math.floorMod(by, 2) * half;
            double[] child = e.getValue();
            for (int j = 0; j < BLOCK; j++) {
                int row = (oy + j / 2) * BLOCK + ox;
                for (int i = 0; i < BLOCK; i++) {
                    parent[row + i / 2] += child[j * BLOCK + i];
                }
            }
        }
        return up;
    }

    private static Map<Long, float[]> floats(Map<Long, double[]> blocks) {
        Map<Long, float[]> out = new HashMap<>(blocks.size() * 2);
        for (Map.Entry<Long, double[]> e : blocks.entrySet()) {
            double[] d = e.getValue();
            float[] f = new float[d.length];
            for (int k = 0; k < d.length; k++) {
                f[k] = (float) d[k];
            }
            out.put(e.getKey(), f);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Level 0's cell width, metres. */
    double baseMetres() {
        return base;
    }

    /** The width of a level's cells, metres. */
    double cellMetres(int level) {
        return base * (1 << level);
    }

    /** The month's weight (incidents, aoristic) over all its records. */
    double mass() {
        return mass;
    }

    /** Locations it was built from. */
    int records() {
        return records;
    }

    /** Bytes held by its blocks. */
    long bytes() {
        long b = 0;
        for (Map<Long, float[]> l : levels) {
            b += l.size() * (4L * BLOCK * BLOCK + 64);
        }
        return b;
    }

    /**
     * Adds the masses of a level's cells {@code (i0 + c, j0 + r)}, for c in [0, cols) and r in [0, rows), into
     * {@code out[r·cols + c]} (cells counted from the grid's origin, rows from the south).
     */
    void addTo(int level, long i0, long j0, int cols, int rows, double[] out) {
        Map<Long, float[]> blocks = levels.get(level);
        long bx0 = Math.floorDiv(i0, BLOCK);
        long bx1 = Math.floorDiv(i0 + cols - 1, BLOCK);
        long by0 = Math.floorDiv(j0, BLOCK);
        long by1 = Math.floorDiv(j0 + rows - 1, BLOCK);
        if ((bx1 - bx0 + 1) * (by1 - by0 + 1) > blocks.size()) {
            for (Map.Entry<Long, float[]> e : blocks.entrySet()) {
                long bx = e.getKey() >> 32;
                long by = (int) (e.getKey() & 0xFFFF_FFFFL);
                if (bx >= bx0 && bx <= bx1 && by >= by0 && by <= by1) {
                    addBlock(bx, by, e.getValue(), i0, j0, cols, rows, out);
                }
            }
            return;
        }
        for (long by = by0; by <= by1; by++) {
            for (long bx = bx0; bx <= bx1; bx++) {
                float[] block = blocks.get(key(bx, by));
                if (block != null) {
                    addBlock(bx, by, block, i0, j0, cols, rows, out);
                }
            }
        }
    }

    private static void addBlock(long bx, long by, float[] block, long i0, long j0, int cols, int rows, double[] out) {
        long fromI = Math.max(i0, bx * BLOCK);
        long toI = Math.min(i0 + cols, bx * BLOCK + BLOCK);
        long fromJ = Math.max(j0, by * BLOCK);
        long toJ = Math.min(j0 + rows, by * BLOCK + BLOCK);
        for (long j = fromJ; j < toJ; j++) {
            int src = (int) ((j - by * BLOCK) * BLOCK - bx * BLOCK);
            int dst = (int) ((j - j0) * cols - i0);
            for (long i = fromI; i < toI; i++) {
                out[(int) (dst + i)] += block[(int) (src + i)];
            }
        }
    }

    /**
     * A view drawn from the pyramids of a period's months at {@code level}: at each pixel, the months' summed mass in
     * the level's cell holding the pixel's centre, over the cell's area, times {@code scale} (10⁶ per km², over the
     * months shown), row-major from the north-west corner. Null when the view is too wide for one window of cells.
     */
    static float[] read(List<DensityPyramid> months, MapView view, int level, double scale) {
        int w = view.width();
        int h = view.height();
        float[] out = new float[w * h];
        if (months.isEmpty()) {
            return out;
        }
        double s = months.get(0).cellMetres(level);
        double[] env = view.bngEnvelope();
        if (!(Double.isFinite(env[0])
                && Double.isFinite(env[1])
                && Double.isFinite(env[2])
                && Double.isFinite(env[3]))) {
            return null;
        }
        long i0 = (long) Math.floor(env[0] / s) - 1;
        long j0 = (long) Math.floor(env[1] / s) - 1;
        long cols = (long) Math.ceil(env[2] / s) + 2 - i0;
        long rows = (long) Math.ceil(env[3] / s) + 2 - j0;
        if (cols * rows > 16_000_000L) {
            return null;
        }
        double[] sum = new double[(int) (cols * rows)];
        for (DensityPyramid p : months) {
            p.addTo(level, i0, j0, (int) cols, (int) rows, sum);
        }
        double k = scale / (s * s);
        DensityRaster.Locations locations = new DensityRaster.Locations(view);
        double[] xs = new double[w];
        double[] ys = new double[w];
        for (int j = 0; j < h; j++) {
            locations.row(j, xs, ys);
            for (int i = 0; i < w; i++) {
                double ci = Math.floor(xs[i] / s) - i0;
                double cj = Math.floor(ys[i] / s) - j0;
                if (ci >= 0 && ci < cols && cj >= 0 && cj < rows) {
                    out[j * w + i] = (float) (sum[(int) cj * (int) cols + (int) ci] * k);
                }
            }
        }
        return out;
    }
}
