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

    /** Reads n locations into {@code out}. */
    public void read(double[] xs, double[] ys, int n, double[] out) {
        for (int k = 0; k < n; k++) {
            out[k] = at(xs[k], ys[k]);
        }
    }
}
