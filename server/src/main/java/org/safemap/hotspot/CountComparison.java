package org.safemap.hotspot;

import org.apache.commons.statistics.distribution.BinomialDistribution;

/**
 * Whether a count changed between two periods beyond chance: the exact conditional test of two Poisson counts. If
 * {@code before} and {@code after} are Poisson with rates proportional to their exposures (months, days), then given
 * their sum n, {@code after} is Binomial(n, e_after / (e_before + e_after)) when the rate did not change (Przyborowski
 * and Wilenski 1940; Lehmann and Romano, Testing Statistical Hypotheses, 4.5). The two-sided p-value sums the
 * probabilities of every outcome no more likely than the one seen, as R's {@code binom.test} and
 * {@code poisson.test} do (with their relative tolerance of 1e-7 for ties). Pure, thread-safe; cost O(n).
 */
public final class CountComparison {
    /** R's tolerance for outcomes as likely as the observed one (binom.test's relErr). */
    private static final double RELATIVE_TIE = 1 + 1e-7;

    private CountComparison() {}

    /** Which way the rate moved, and whether the move is significant at {@code alpha}. */
    public enum Direction {
        FEWER("fewer"),
        MORE("more"),
        NO_CHANGE("no change");

        private final String words;

        Direction(String words) {
            this.words = words;
        }

        /** For people: "fewer", "more", "no change". */
        public String words() {
            return words;
        }
    }

    /**
     * @param rateRatio after's rate over before's (NaN when before is 0 and after is 0; infinite when only before is 0)
     * @param pValue    two-sided exact p-value, 1 when both counts are 0
     * @param direction {@link Direction#NO_CHANGE} unless {@code pValue < alpha}
     */
    public record Result(long before, long after, double rateRatio, double pValue, Direction direction) {}

    /**
     * Compares two counts over exposures of any unit (the same for both).
     *
     * @param before         events in the earlier period, at least 0
     * @param exposureBefore its length, positive
     * @param after          events in the later period, at least 0
     * @param exposureAfter  its length, positive
     * @param alpha          significance level for {@link Result#direction}, in (0, 1)
     */
    public static Result compare(long before, double exposureBefore, long after, double exposureAfter, double alpha) {
        if (before < 0 || after < 0) {
            throw new IllegalArgumentException("counts must be at least 0: " + before + ", " + after);
        }
        if (!(exposureBefore > 0) || !(exposureAfter > 0)) {
            throw new IllegalArgumentException("exposures must be positive: " + exposureBefore + ", " + exposureAfter);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
        }
        long n = before + after;
        double ratio = (after / exposureAfter) / (before / exposureBefore);
        if (n == 0) {
            return new Result(0, 0, Double.NaN, 1, Direction.NO_CHANGE);
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("counts too large for an exact test: " + n);
        }
        double p0 = exposureAfter / (exposureBefore + exposureAfter);
        BinomialDistribution b = BinomialDistribution.of((int) n, p0);
        double observed = b.probability((int) after);
        double limit = observed * RELATIVE_TIE;
        double p = 0;
        for (int k = 0; k <= n; k++) {
            double pk = b.probability(k);
            if (pk <= limit) {
                p += pk;
            }
        }
        p = Math.min(1, p);
        Direction d = p >= alpha ? Direction.NO_CHANGE : ratio < 1 ? Direction.FEWER : Direction.MORE;
        return new Result(before, after, ratio, p, d);
    }
}
