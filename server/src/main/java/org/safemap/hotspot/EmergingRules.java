package org.safemap.hotspot;

/**
 * The thresholds Emerging Hot Spot Analysis classifies with.
 *
 * @param alpha           a step is a significant hot (cold) spot when its Gi* p-value is strictly below this and its
 *                        z-score is positive (negative); 0 &lt; alpha &lt; 1
 * @param trendAlpha      the Mann-Kendall trend of the z-scores is significant when its two-sided p-value is strictly
 *                        below this; 0 &lt; trendAlpha &lt; 1
 * @param persistentShare the "ninety percent of the time-step intervals" of the published definitions: a location is
 *                        hot (cold) for most of the period when at least this share of its steps are significant hot
 *                        (cold) spots; more than 0.5 so that a location cannot be both, at most 1
 */
public record EmergingRules(double alpha, double trendAlpha, double persistentShare) {
    /** α = 0.05 for the steps and for the trend, 90% of steps for the persistent-type classes. */
    public static final EmergingRules DEFAULT = new EmergingRules(0.05, 0.05, 0.9);

    public EmergingRules {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be between 0 and 1 (exclusive), got " + alpha);
        }
        if (!(trendAlpha > 0 && trendAlpha < 1)) {
            throw new IllegalArgumentException("trend alpha must be between 0 and 1 (exclusive), got " + trendAlpha);
        }
        if (!(persistentShare > 0.5 && persistentShare <= 1)) {
            throw new IllegalArgumentException(
                    "persistent share must be more than 0.5 and at most 1, got " + persistentShare);
        }
    }

    /**
     * How many of {@code steps} steps make "at least {@code persistentShare} of the steps": the smallest whole count
     * c with c / steps ≥ persistentShare, i.e. ⌈persistentShare · steps⌉ (with the default 0.9: 9 of 10, 11 of 12,
     * 22 of 24, 108 of 120; every step when there are fewer than ten). A tolerance of 1e-9 absorbs binary rounding: 0.55 · 100
     * is 55.00000000000001 in floating point, and must give 55, not 56.
     */
    public int requiredSteps(int steps) {
        return (int) Math.ceil(persistentShare * steps - 1e-9);
    }
}
