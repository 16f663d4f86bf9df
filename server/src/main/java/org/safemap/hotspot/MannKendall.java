package org.safemap.hotspot;

import java.util.Arrays;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The Mann-Kendall test for a monotonic trend in an evenly spaced series (Mann 1945; Kendall 1975; Gilbert 1987,
 * ch. 16): the test Emerging Hot Spot Analysis runs on each location's series of Gi* z-scores.
 *
 * <p>Contract: values are in time order, oldest first, one per step. Every value must be finite: a missing step is
 * the caller's decision (drop it, or give it a neutral value) because silently skipping it would change what "a
 * trend over these steps" means; NaN and infinities are refused with {@link IllegalArgumentException}. Fewer than
 * three values cannot show a trend: S, Var(S) and tau are still reported but z = 0 and p = 1. The p-value is the
 * normal approximation at every n (Gilbert tabulates exact probabilities for n ≤ 10; we do not use them, so small
 * series are approximate, as in R's {@code cor.test(exact = FALSE)}).
 *
 * <p>Cost: O(n²) comparisons in primitive loops plus one sort of a copy for the ties; a 520-step series is 134,940
 * comparisons.
 */
public final class MannKendall {
    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    private MannKendall() {}

    /** Tests {@code series} (oldest first) for a monotonic trend; see the class comment for the contract. */
    public static MannKendallResult test(double[] series) {
        if (series == null || series.length == 0) {
            throw new IllegalArgumentException("Mann-Kendall needs at least one value, got none");
        }
        int n = series.length;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(series[i])) {
                throw new IllegalArgumentException("Mann-Kendall needs finite values; step " + i + " is " + series[i]);
            }
        }
        long s = 0;
        for (int i = 0; i < n - 1; i++) {
            double xi = series[i];
            for (int j = i + 1; j < n; j++) {
                double d = series[j] - xi;
                // Branches rather than Math.signum so that S stays an exact integer count.
                if (d > 0) {
                    s++;
                } else if (d < 0) {
                    s--;
                }
            }
        }

        // Tie groups: runs of equal values in a sorted copy. -0.0 and 0.0 compare equal here, as they do in x_j - x_i.
        double[] sorted = series.clone();
        Arrays.sort(sorted);
        double tieVariance = 0;
        double tiedPairs = 0;
        int run = 1;
        for (int i = 1; i <= n; i++) {
            if (i < n && sorted[i] == sorted[i - 1]) {
                run++;
                continue;
            }
            if (run > 1) {
                double t = run;
                tieVariance += t * (t - 1) * (2 * t + 5);
                tiedPairs += t * (t - 1) / 2;
            }
            run = 1;
        }
        double nd = n;
        double varianceS = (nd * (nd - 1) * (2 * nd + 5) - tieVariance) / 18.0;
        double pairs = nd * (nd - 1) / 2;
        double tau = n < 2 ? 0 : s / pairs;
        double tauDenominator = Math.sqrt((pairs - tiedPairs) * pairs);
        double tauB = tauDenominator > 0 ? s / tauDenominator : 0;

        double z = 0;
        if (n >= 3 && varianceS > 0) {
            double sd = Math.sqrt(varianceS);
            z = s > 0 ? (s - 1) / sd : s < 0 ? (s + 1) / sd : 0;
        }
        double p = n >= 3 ? Math.min(1.0, 2 * STANDARD_NORMAL.cumulativeProbability(-Math.abs(z))) : 1.0;
        return new MannKendallResult(n, s, varianceS, z, p, tau, tauB);
    }
}
