package org.safemap.map;

import java.util.Arrays;
import org.safemap.hotspot.Kernel;

/**
 * A kernel density surface that can be read at any location in British National Grid, for maps: incidents per km²
 * at that point, the exact sum over every point within the kernel's support (the definition in docs/hotspots.md).
 * Points are bucketed on a square grid as wide as the support, so a read visits the few buckets within reach.
 *
 * <p>The value at a location depends on nothing but the location, the points and the kernel: not on the request,
 * tile or image it is read for, which is what keeps tiles seamless and colours stable across zoom levels. Points
 * in a bucket are summed in a fixed order, so the same location always gives the same bits.
 */
public final class DensityField {
    private static final int MAX_BUCKET_CELLS = 4_000_000;
    /** Lattice nodes per block side. */
    public static final int BLOCK = 64;
    /**
     * Lattice levels kept. One: beyond street scales an exact read a line at a time ({@link #readLine}) costs no
     * more than computing a coarser lattice's blocks (measured: half as much at zoom 11), and it is exact.
     */
    public static final int LEVELS = 1;

    private static final int LATTICE_NODES_PER_SUPPORT = 16;
    /** Blocks kept per level (16 KB each). */
    private static final int MAX_BLOCKS = 4096;

    private final Kernel kernel;
    private final double bandwidthMetres;
    private final double support;
    private final double scale;
    private final double[] x;
    private final double[] y;
    private final double[] w;
    private final int[] start;
    private final double originX;
    private final double originY;
    private final double bucket;
    private final int cols;
    private final int rows;

    @SuppressWarnings("unchecked")
    private final java.util.Map<Long, float[]>[] blocks = new java.util.Map[LEVELS];

    /**
     * @param x, y   locations (EPSG:27700 metres); repeated locations should be merged with summed weights first
     * @param weight each location's weight (incidents)
     * @param scale  multiplies every value: 10⁶ for per km², divided by the months shown for per month
     */
    public DensityField(double[] x, double[] y, double[] weight, Kernel kernel, double bandwidthMetres, double scale) {
        this.kernel = kernel;
        this.bandwidthMetres = bandwidthMetres;
        this.support = kernel.supportRadius(bandwidthMetres);
        this.scale = scale;
        for (int l = 0; l < LEVELS; l++) {
            blocks[l] = new java.util.concurrent.ConcurrentHashMap<>();
        }
        int n = x.length;
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            minX = Math.min(minX, x[k]);
            minY = Math.min(minY, y[k]);
            maxX = Math.max(maxX, x[k]);
            maxY = Math.max(maxY, y[k]);
        }
        if (n == 0) {
            minX = minY = 0;
            maxX = maxY = 1;
        }
        double b = support;
        // A national extent at a small bandwidth would need too many buckets: widen them, reads then visit more points.
        while (((maxX - minX) / b + 1) * ((maxY - minY) / b + 1) > MAX_BUCKET_CELLS) {
            b *= 2;
        }
        this.bucket = b;
        this.originX = minX;
        this.originY = minY;
        this.cols = (int) ((maxX - minX) / b) + 1;
        this.rows = (int) ((maxY - minY) / b) + 1;
        int[] cell = new int[n];
        int[] counts = new int[cols * rows + 1];
        for (int k = 0; k < n; k++) {
            cell[k] = (int) ((y[k] - minY) / b) * cols + (int) ((x[k] - minX) / b);
            counts[cell[k] + 1]++;
        }
        for (int c = 0; c < cols * rows; c++) {
            counts[c + 1] += counts[c];
        }
        this.start = Arrays.copyOf(counts, counts.length);
        this.x = new double[n];
        this.y = new double[n];
        this.w = new double[n];
        for (int k = 0; k < n; k++) {
            int slot = counts[cell[k]]++;
            this.x[slot] = x[k];
            this.y[slot] = y[k];
            this.w[slot] = weight[k];
        }
    }

    /**
     * Whether any location lies within the kernel's reach of the envelope (EPSG:27700 metres): when none does, the
     * field is zero over all of it and a map of it draws nothing. Looks at the buckets under the envelope, so it
     * costs about nothing beside a read; a huge envelope is simply assumed reached.
     */
    public boolean reaches(double minX, double minY, double maxX, double maxY) {
        int c0 = (int) Math.max(0, Math.floor((minX - support - originX) / bucket));
        int r0 = (int) Math.max(0, Math.floor((minY - support - originY) / bucket));
        int c1 = (int) Math.min(cols - 1, Math.floor((maxX + support - originX) / bucket));
        int r1 = (int) Math.min(rows - 1, Math.floor((maxY + support - originY) / bucket));
        if (c0 > c1 || r0 > r1 || x.length == 0) {
            return false;
        }
        if ((long) (c1 - c0 + 1) * (r1 - r0 + 1) > 65_536) {
            return true;
        }
        for (int r = r0; r <= r1; r++) {
            if (start[r * cols + c1 + 1] > start[r * cols + c0]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Bytes held for the locations (coordinates, weights and bucket starts), which grow with the records drawn; the
     * lattice blocks read at street scales are bounded apart ({@link #MAX_BLOCKS}).
     */
    public long locationBytes() {
        return 24L * x.length + 4L * start.length;
    }

    public int locations() {
        return x.length;
    }

    public double bandwidthMetres() {
        return bandwidthMetres;
    }

    public Kernel kernel() {
        return kernel;
    }

    /** Distance beyond which a point adds nothing, metres. */
    public double supportMetres() {
        return support;
    }

    /** The density at one location, in the field's units. */
    public double at(double px, double py) {
        int c0 = Math.max(0, (int) Math.floor((px - support - originX) / bucket));
        int c1 = Math.min(cols - 1, (int) Math.floor((px + support - originX) / bucket));
        int r0 = Math.max(0, (int) Math.floor((py - support - originY) / bucket));
        int r1 = Math.min(rows - 1, (int) Math.floor((py + support - originY) / bucket));
        if (c0 > c1 || r0 > r1) {
            return 0;
        }
        double h = bandwidthMetres;
        double h2 = h * h;
        double r2 = support * support;
        double sum = 0;
        for (int r = r0; r <= r1; r++) {
            int from = start[r * cols + c0];
            int to = start[r * cols + c1 + 1];
            if (kernel == Kernel.QUARTIC) {
                for (int k = from; k < to; k++) {
                    double dx = x[k] - px;
                    double dy = y[k] - py;
                    double d2 = dx * dx + dy * dy;
                    if (d2 < h2) {
                        double u = 1 - d2 / h2;
                        sum += w[k] * u * u;
                    }
                }
            } else {
                for (int k = from; k < to; k++) {
                    double dx = x[k] - px;
                    double dy = y[k] - py;
                    double d2 = dx * dx + dy * dy;
                    if (d2 < r2) {
                        sum += w[k] * kernel.density(d2, h);
                    }
                }
            }
        }
        double value = kernel == Kernel.QUARTIC ? sum * kernel.normalisation(h) : sum;
        return value * scale;
    }

    /**
     * Spacing of lattice level {@code level}, metres: the kernel's support over 16 at level 0, doubling with each
     * level. Bilinear interpolation between exact lattice values is then within (spacing/bandwidth)² of a single
     * kernel's peak: 0.4% at level 0 (the quartic's curvature bound; docs/wms.md).
     */
    public double latticeSpacing(int level) {
        double base = kernel == Kernel.GAUSSIAN ? bandwidthMetres / 8 : support / LATTICE_NODES_PER_SUPPORT;
        return base * (1 << level);
    }

    /**
     * The exact density at every node of one block of a lattice level: nodes {@code (i, j)} at
     * {@code (i·s, j·s)} from the BNG origin, for i in {@code [bx·B, bx·B + B)} and j likewise, row-major from the
     * south, B = {@link #BLOCK}. Blocks are computed once and kept (up to {@link #MAX_BLOCKS} per field), so every
     * map that reads a node reads the same bits.
     */
    public float[] block(int level, long bx, long by) {
        Long key = (bx << 32) ^ (by & 0xFFFF_FFFFL);
        java.util.Map<Long, float[]> cache = blocks[level];
        float[] b = cache.get(key);
        if (b == null) {
            b = computeBlock(level, bx, by);
            if (cache.size() >= MAX_BLOCKS) {
                cache.clear(); // rare: a field read over a very wide area at street scale; recomputing is exact
            }
            float[] raced = cache.putIfAbsent(key, b);
            if (raced != null) {
                b = raced;
            }
        }
        return b;
    }

    private float[] computeBlock(int level, long bx, long by) {
        double s = latticeSpacing(level);
        double xb = bx * BLOCK * s;
        double yb = by * BLOCK * s;
        float[] out = new float[BLOCK * BLOCK];
        boolean polynomial = kernel == Kernel.QUARTIC || kernel == Kernel.EPANECHNIKOV || kernel == Kernel.UNIFORM;
        if (!polynomial) {
            for (int b = 0; b < BLOCK; b++) {
                for (int a = 0; a < BLOCK; a++) {
                    out[b * BLOCK + a] = (float) at(xb + a * s, yb + b * s);
                }
            }
            return out;
        }
        // Along one lattice row a point's kernel is a polynomial in the node index over the chord where d < h:
        // add its coefficients where the chord starts, subtract them after it ends, and a running sum along the
        // row gives every node its exact total. The cost is one pass over the nearby points per row crossed, not
        // one per node.
        int degree = kernel == Kernel.QUARTIC ? 4 : kernel == Kernel.EPANECHNIKOV ? 2 : 0;
        int nc = degree + 1;
        double[] diff = new double[BLOCK * (BLOCK + 1) * nc];
        double h = bandwidthMetres;
        double q2 = (s / h) * (s / h);
        double q4 = q2 * q2;
        int c0 = Math.max(0, (int) Math.floor((xb - h - originX) / bucket));
        int c1 = Math.min(cols - 1, (int) Math.floor((xb + (BLOCK - 1) * s + h - originX) / bucket));
        int r0 = Math.max(0, (int) Math.floor((yb - h - originY) / bucket));
        int r1 = Math.min(rows - 1, (int) Math.floor((yb + (BLOCK - 1) * s + h - originY) / bucket));
        double[] c = new double[nc];
        for (int r = r0; r <= r1 && c0 <= c1; r++) {
            for (int k = start[r * cols + c0]; k < start[r * cols + c1 + 1]; k++) {
                double u = (x[k] - xb) / s;
                double v = (y[k] - yb) / s;
                int b0 = Math.max(0, (int) Math.floor(v - h / s) + 1);
                int b1 = Math.min(BLOCK - 1, (int) Math.ceil(v + h / s) - 1);
                for (int b = b0; b <= b1; b++) {
                    double dy = (v - b) * s / h;
                    double a2 = 1 - dy * dy;
                    if (a2 <= 0) {
                        continue;
                    }
                    double half = Math.sqrt(a2) * h / s;
                    int a0 = Math.max(0, (int) Math.floor(u - half) + 1);
                    int a1 = Math.min(BLOCK - 1, (int) Math.ceil(u + half) - 1);
                    if (a0 > a1) {
                        continue;
                    }
                    double wk = w[k];
                    if (degree == 4) {
                        // (A − q²(a−u)²)² expanded in powers of a.
                        double u2 = u * u;
                        c[4] = wk * q4;
                        c[3] = wk * -4 * u * q4;
                        c[2] = wk * (6 * u2 * q4 - 2 * a2 * q2);
                        c[1] = wk * (-4 * u2 * u * q4 + 4 * a2 * q2 * u);
                        c[0] = wk * (u2 * u2 * q4 - 2 * a2 * q2 * u2 + a2 * a2);
                    } else if (degree == 2) {
                        c[2] = wk * -q2;
                        c[1] = wk * 2 * u * q2;
                        c[0] = wk * (a2 - q2 * u * u);
                    } else {
                        c[0] = wk;
                    }
                    int rowBase = b * (BLOCK + 1) * nc;
                    for (int n = 0; n < nc; n++) {
                        diff[rowBase + a0 * nc + n] += c[n];
                        diff[rowBase + (a1 + 1) * nc + n] -= c[n];
                    }
                }
            }
        }
        double norm = kernel.normalisation(h) * scale;
        double[] run = new double[nc];
        for (int b = 0; b < BLOCK; b++) {
            java.util.Arrays.fill(run, 0);
            int rowBase = b * (BLOCK + 1) * nc;
            for (int a = 0; a < BLOCK; a++) {
                double value = 0;
                double power = 1;
                for (int n = 0; n < nc; n++) {
                    run[n] += diff[rowBase + a * nc + n];
                    value += run[n] * power;
                    power *= a;
                }
                // Running sums leave ~1e-12 of rounding where every chord has ended: that is zero.
                out[b * BLOCK + a] = value > 1e-9 ? (float) (value * norm) : 0f;
            }
        }
        return out;
    }

    /** Whether {@link #readLine} sums a line in one pass (polynomial kernels) rather than location by location. */
    public boolean readsLines() {
        return kernel == Kernel.QUARTIC || kernel == Kernel.EPANECHNIKOV || kernel == Kernel.UNIFORM;
    }

    /**
     * The exact density at {@code n} equally spaced locations on a straight line, {@code (x0 + k·dx, y0 + k·dy)} for
     * k in [0, n), into {@code out[off, off + n)}: the same sums as {@link #at} at each location, to within 10⁻⁸ of
     * the largest value for n up to 64, and exactly zero where no point is in reach. Along a line a point's squared
     * distance is quadratic in k, so a polynomial kernel is a polynomial in k over the chord where the point is in
     * reach: its coefficients are added where the chord starts and taken off after it ends, and running sums give
     * every location its total. Each nearby point is visited once per line instead of once per location.
     * Polynomials are in k measured from the line's middle, which keeps their terms, and the rounding, small.
     */
    public void readLine(double x0, double y0, double dx, double dy, int n, double[] out, int off) {
        if (!readsLines() || n < 3) {
            for (int k = 0; k < n; k++) {
                out[off + k] = at(x0 + k * dx, y0 + k * dy);
            }
            return;
        }
        int degree = kernel == Kernel.QUARTIC ? 4 : kernel == Kernel.EPANECHNIKOV ? 2 : 0;
        int nc = degree + 1;
        double mid = (n - 1) / 2.0;
        double xc = x0 + mid * dx;
        double yc = y0 + mid * dy;
        double h = bandwidthMetres;
        double reachX = Math.abs(mid * dx) + h;
        double reachY = Math.abs(mid * dy) + h;
        int c0 = Math.max(0, (int) Math.floor((xc - reachX - originX) / bucket));
        int c1 = Math.min(cols - 1, (int) Math.floor((xc + reachX - originX) / bucket));
        int r0 = Math.max(0, (int) Math.floor((yc - reachY - originY) / bucket));
        int r1 = Math.min(rows - 1, (int) Math.floor((yc + reachY - originY) / bucket));
        double[] diff = new double[(n + 1) * nc];
        int[] active = new int[n + 1];
        double invH2 = 1 / (h * h);
        double a = (dx * dx + dy * dy) * invH2; // u(t) = d²/h² = a·t² + b·t + c, t = k − mid
        double inv2a = 0.5 / a;
        for (int r = r0; r <= r1 && c0 <= c1; r++) {
            for (int k = start[r * cols + c0]; k < start[r * cols + c1 + 1]; k++) {
                double ex = xc - x[k];
                double ey = yc - y[k];
                double b = 2 * (ex * dx + ey * dy) * invH2;
                double c = (ex * ex + ey * ey) * invH2;
                double disc = b * b - 4 * a * (c - 1);
                if (disc <= 0) {
                    continue;
                }
                double root = Math.sqrt(disc);
                int k0 = Math.max(0, (int) Math.floor((-b - root) * inv2a + mid) + 1);
                int k1 = Math.min(n - 1, (int) Math.ceil((-b + root) * inv2a + mid) - 1);
                if (k0 > k1) {
                    continue;
                }
                active[k0]++;
                active[k1 + 1]--;
                double wk = w[k];
                int lo = k0 * nc;
                int hi = (k1 + 1) * nc;
                if (degree == 4) {
                    // (1 − u)² with 1 − u = p − b·t − a·t², p = 1 − c.
                    double p = 1 - c;
                    add(diff, lo, hi, 0, wk * p * p);
                    add(diff, lo, hi, 1, wk * -2 * p * b);
                    add(diff, lo, hi, 2, wk * (b * b - 2 * p * a));
                    add(diff, lo, hi, 3, wk * 2 * a * b);
                    add(diff, lo, hi, 4, wk * a * a);
                } else if (degree == 2) {
                    add(diff, lo, hi, 0, wk * (1 - c));
                    add(diff, lo, hi, 1, wk * -b);
                    add(diff, lo, hi, 2, wk * -a);
                } else {
                    add(diff, lo, hi, 0, wk);
                }
            }
        }
        double norm = kernel.normalisation(h) * scale;
        double[] run = new double[nc];
        int inReach = 0;
        for (int k = 0; k < n; k++) {
            inReach += active[k];
            double t = k - mid;
            double value = 0;
            double power = 1;
            for (int m = 0; m < nc; m++) {
                run[m] += diff[k * nc + m];
                value += run[m] * power;
                power *= t;
            }
            // Where no chord is open the running sums hold only rounding: the density there is zero.
            out[off + k] = inReach > 0 && value > 0 ? value * norm : 0;
        }
    }

    private static void add(double[] diff, int lo, int hi, int m, double v) {
        diff[lo + m] += v;
        diff[hi + m] -= v;
    }

    /** Reads n locations into {@code out}. */
    public void read(double[] xs, double[] ys, int n, double[] out) {
        for (int k = 0; k < n; k++) {
            out[k] = at(xs[k], ys[k]);
        }
    }
}
