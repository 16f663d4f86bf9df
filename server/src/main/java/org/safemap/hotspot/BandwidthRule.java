package org.safemap.hotspot;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Documented rules for choosing a bandwidth from the points when the analyst does not set one. Each returns the
 * bandwidth for the requested kernel: rules stated as a Gaussian sigma are carried to other kernels by matching the
 * standard deviation ({@link Kernel#bandwidthForSigma}); the ArcGIS rule is stated as a quartic radius and is carried
 * the same way.
 */
public enum BandwidthRule {
    /**
     * ArcGIS Kernel Density's default (10.2.1 and later), a spatial Silverman rule for the quartic radius:
     * {@code 0.9 · min(SD, √(1/ln 2) · Dm) · n^−0.2}, SD the standard distance about the weighted mean centre, Dm the
     * weighted median distance to it, n the total weight.
     */
    ARCGIS,
    /**
     * spatstat {@code bw.scott(isotropic = TRUE)}: sigma = geometric mean over x and y of {@code sd · n^(−1/6)}, sd
     * with the n − 1 denominator.
     */
    SCOTT,
    /**
     * Likelihood cross-validation as spatstat {@code bw.ppl}: of 16 bandwidths spaced geometrically from the smallest
     * positive nearest-neighbour distance to half the diagonal of the window (both as sigma), the one maximising
     * {@code Σ log λ̂₋ᵢ(xᵢ) − ∫ λ̂}, with λ̂₋ᵢ the leave-one-out density at each point. Above
     * {@value #PPL_SAMPLE} points it runs on a fixed-seed random sample of that size and scales the result by
     * {@code (sample / n)^(1/6)}, the rate at which optimal bandwidths shrink with n in two dimensions.
     */
    PPL;

    public static final int PPL_SAMPLE = 3_000;
    private static final int PPL_CANDIDATES = 16;
    private static final long PPL_SEED = 20_240_101L;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BandwidthRule fromCode(String code) {
        for (BandwidthRule r : values()) {
            if (r.code().equalsIgnoreCase(code.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown bandwidth rule '" + code + "'; expected arcgis, scott or ppl");
    }

    /**
     * The bandwidth in metres for the kernel. The window (minX, minY, maxX, maxY) bounds the likelihood integral of
     * {@link #PPL}; the other rules ignore it.
     *
     * @throws IllegalArgumentException with fewer than two distinct locations, where no rule is defined
     */
    public double bandwidth(WeightedPoints points, Kernel kernel, double[] window) {
        if (points.size() < 2 || distinctLocations(points) < 2) {
            throw new IllegalArgumentException("a bandwidth rule needs at least two distinct locations, got "
                    + points.size() + " point(s); set the bandwidth explicitly");
        }
        return switch (this) {
            case ARCGIS -> kernel.bandwidthForSigma(Kernel.QUARTIC.sigma(arcgisRadius(points)));
            case SCOTT -> kernel.bandwidthForSigma(scottSigma(points));
            case PPL -> likelihoodCrossValidation(points, kernel, window);
        };
    }

    static double arcgisRadius(WeightedPoints p) {
        double total = p.totalWeight();
        double mx = 0;
        double my = 0;
        for (int i = 0; i < p.size(); i++) {
            mx += p.weight()[i] * p.x()[i];
            my += p.weight()[i] * p.y()[i];
        }
        mx /= total;
        my /= total;
        double ss = 0;
        double[] distance = new double[p.size()];
        for (int i = 0; i < p.size(); i++) {
            double dx = p.x()[i] - mx;
            double dy = p.y()[i] - my;
            ss += p.weight()[i] * (dx * dx + dy * dy);
            distance[i] = Math.sqrt(dx * dx + dy * dy);
        }
        double standardDistance = Math.sqrt(ss / total);
        double medianDistance = weightedMedian(distance, p.weight(), total);
        double spread = Math.min(standardDistance, Math.sqrt(1 / Math.log(2)) * medianDistance);
        return 0.9 * spread * Math.pow(total, -0.2);
    }

    static double scottSigma(WeightedPoints p) {
        int n = p.size();
        double factor = Math.pow(n, -1.0 / 6.0);
        return Math.sqrt(sd(p.x()) * factor * sd(p.y()) * factor);
    }

    private static double likelihoodCrossValidation(WeightedPoints all, Kernel kernel, double[] window) {
        WeightedPoints p = all.size() > PPL_SAMPLE ? sample(all, PPL_SAMPLE) : all;
        int n = p.size();
        double[] x = p.x();
        double[] y = p.y();
        double[] w = p.weight();
        double minNn = Double.POSITIVE_INFINITY;
        double[] nn = new double[n];
        Arrays.fill(nn, Double.POSITIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double d2 = sq(x[i] - x[j]) + sq(y[i] - y[j]);
                if (d2 > 0) {
                    nn[i] = Math.min(nn[i], d2);
                    nn[j] = Math.min(nn[j], d2);
                }
            }
        }
        for (double d2 : nn) {
            minNn = Math.min(minNn, Math.sqrt(d2));
        }
        double halfDiameter = Math.hypot(window[2] - window[0], window[3] - window[1]) / 2;
        double lo = kernel.bandwidthForSigma(minNn);
        double hi = kernel.bandwidthForSigma(Math.max(halfDiameter, minNn * 2));
        double[] candidates = new double[PPL_CANDIDATES];
        double[] looDensity = new double[PPL_CANDIDATES * n];
        for (int k = 0; k < PPL_CANDIDATES; k++) {
            candidates[k] = lo * Math.pow(hi / lo, k / (double) (PPL_CANDIDATES - 1));
        }
        // each pair's distance once, then every candidate: pairs × 16 kernel evaluations
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double d2 = sq(x[i] - x[j]) + sq(y[i] - y[j]);
                for (int k = 0; k < PPL_CANDIDATES; k++) {
                    double kv = kernel.density(d2, candidates[k]);
                    if (kv > 0) {
                        looDensity[k * n + i] += w[j] * kv;
                        looDensity[k * n + j] += w[i] * kv;
                    }
                }
            }
        }
        double best = Double.NEGATIVE_INFINITY;
        double bestH = candidates[PPL_CANDIDATES - 1];
        for (int k = 0; k < PPL_CANDIDATES; k++) {
            double logLik = 0;
            for (int i = 0; i < n; i++) {
                logLik += w[i] * Math.log(looDensity[k * n + i]);
            }
            double cv = logLik - integralInside(p, kernel, candidates[k], window);
            if (cv > best) {
                best = cv;
                bestH = candidates[k];
            }
        }
        return all.size() > n ? bestH * Math.pow((double) n / all.size(), 1.0 / 6.0) : bestH;
    }

    /** ∫ over the window of the density, estimated on a 128 × 128 grid as spatstat does on its default image. */
    private static double integralInside(WeightedPoints p, Kernel kernel, double h, double[] window) {
        double width = window[2] - window[0];
        double height = window[3] - window[1];
        double cell = Math.max(width, height) / 128;
        Grid grid = Grid.covering(window[0], window[1], window[0] + width, window[1] + height, cell);
        KdeParams params = new KdeParams(grid, kernel, h, KdeMode.FAST, false);
        return KernelDensity.estimate(p, params).integral();
    }

    private static WeightedPoints sample(WeightedPoints p, int size) {
        SplittableRandom random = new SplittableRandom(PPL_SEED);
        int[] index = new int[p.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(index.length - i);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        double[] x = new double[size];
        double[] y = new double[size];
        double[] w = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = p.x()[index[i]];
            y[i] = p.y()[index[i]];
            w[i] = p.weight()[index[i]];
        }
        return new WeightedPoints(x, y, w);
    }

    private static int distinctLocations(WeightedPoints p) {
        for (int i = 1; i < p.size(); i++) {
            if (p.x()[i] != p.x()[0] || p.y()[i] != p.y()[0]) {
                return 2;
            }
        }
        return 1;
    }

    private static double weightedMedian(double[] values, double[] weights, double total) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double cumulative = 0;
        for (Integer i : order) {
            cumulative += weights[i];
            if (cumulative >= total / 2) {
                return values[i];
            }
        }
        return values[order[order.length - 1]];
    }

    private static double sd(double[] v) {
        double mean = 0;
        for (double d : v) {
            mean += d;
        }
        mean /= v.length;
        double ss = 0;
        for (double d : v) {
            ss += (d - mean) * (d - mean);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    private static double sq(double v) {
        return v * v;
    }
}
