package org.safemap.hotspot;

/**
 * The Mann-Kendall trend test of one series, oldest value first.
 *
 * @param n         number of values tested
 * @param s         Mann-Kendall S = Σ_{i&lt;j} sign(x_j − x_i): concordant minus discordant pairs with time
 * @param varianceS variance of S under "no trend", tie-corrected: [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18
 * @param z         normal score with continuity correction: (S−1)/√Var if S &gt; 0, (S+1)/√Var if S &lt; 0, else 0;
 *                  0 when n &lt; 3 or Var(S) = 0
 * @param pValue    two-sided p = 2Φ(−|z|) (normal approximation at every n); 1 when n &lt; 3
 * @param tau       Kendall's tau-a = S / (n(n−1)/2), ignoring ties; 0 when n &lt; 2
 * @param tauB      Kendall's tau-b = S / √((n0 − n1)·n0), n0 = n(n−1)/2, n1 = Σ_t t(t−1)/2 (ties in the values;
 *                  time has none); what R's {@code cor.test} and {@code Kendall::MannKendall} report as tau;
 *                  0 when every value is tied
 */
public record MannKendallResult(int n, long s, double varianceS, double z, double pValue, double tau, double tauB) {

    /** The sign of S, whatever its significance. */
    public TrendDirection direction() {
        return s > 0 ? TrendDirection.INCREASING : s < 0 ? TrendDirection.DECREASING : TrendDirection.NONE;
    }

    /** True when the two-sided p-value is strictly below {@code alpha}. */
    public boolean significantAt(double alpha) {
        return pValue < alpha;
    }

    /** The direction of S when the trend is significant at {@code alpha} (p &lt; alpha), else {@link TrendDirection#NONE}. */
    public TrendDirection significantDirection(double alpha) {
        return significantAt(alpha) ? direction() : TrendDirection.NONE;
    }
}
