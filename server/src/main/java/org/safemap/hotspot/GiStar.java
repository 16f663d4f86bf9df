package org.safemap.hotspot;

import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Getis-Ord Gi* (Getis and Ord 1992; Ord and Getis 1995) as R spdep's {@code localG} computes it with binary weights
 * that include each location itself:
 * {@code z_i = (Σ_j w_ij x_j − x̄ W_i) / sqrt(s² (n S1_i − W_i²) / (n − 1))}, with x̄ the mean, s² = Σ(x − x̄)²/n,
 * W_i = Σ_j w_ij and S1_i = Σ_j w_ij². p is two-sided from the standard normal.
 *
 * <p>Where the statistic is undefined it is 0 with p = 1: when every value is equal (s = 0), and for a location whose
 * neighbourhood is the whole set (the denominator is 0).
 */
public final class GiStar {
    private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

    private GiStar() {}

    /** @param w weights including self ({@link SpatialWeights#withSelf}) */
    public static GiStarResult compute(double[] x, SpatialWeights w) {
        int n = x.length;
        if (w.size() != n) {
            throw new IllegalArgumentException("weights are for " + w.size() + " locations, values for " + n);
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException("value " + (i + 1) + " is not a finite number");
            }
            mean += x[i];
        }
        mean /= n;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        double s2 = ss / n;
        double[] z = new double[n];
        double[] p = new double[n];
        int[] counts = new int[n];
        int[] offsets = w.offsets();
        int[] nb = w.neighbours();
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int wi = offsets[i + 1] - offsets[i];
            for (int q = offsets[i]; q < offsets[i + 1]; q++) {
                sum += x[nb[q]];
            }
            counts[i] = wi;
            // binary weights: S1_i = W_i
            double variance = s2 * ((double) n * wi - (double) wi * wi) / (n - 1);
            if (!(variance > 0)) {
                z[i] = 0;
                p[i] = 1;
                continue;
            }
            z[i] = (sum - mean * wi) / Math.sqrt(variance);
            p[i] = 2 * NORMAL.cumulativeProbability(-Math.abs(z[i]));
        }
        return new GiStarResult(z, p, counts);
    }
}
