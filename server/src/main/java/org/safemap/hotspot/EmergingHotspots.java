package org.safemap.hotspot;

/**
 * Classifies each location's series of Gi* results into one of the seventeen Emerging Hot Spot Analysis patterns
 * (ArcGIS Pro, "How Emerging Hot Spot Analysis works"), following the published definitions and a written-down
 * precedence where two definitions could both apply.
 *
 * <p>Input per location: the Gi* z-score and p-value of each of T time steps, oldest first. A step is a significant
 * hot spot when p &lt; α and z &gt; 0, a significant cold spot when p &lt; α and z &lt; 0 (α =
 * {@link EmergingRules#alpha()}). "Most of the time" means at least {@link EmergingRules#requiredSteps(int)} of the T
 * steps. The trend is the Mann-Kendall test of the z-score series, significant when its p &lt;
 * {@link EmergingRules#trendAlpha()}. Multiple-testing correction of the Gi* p-values (ArcGIS applies FDR) is the
 * caller's: pass Benjamini-Hochberg adjusted p-values to reproduce it.
 *
 * <p>Decision order (hot side; the cold side is the same with hot and cold, increasing and decreasing swapped):
 * <ol>
 *   <li>Final step not significant: HISTORICAL when hot in at least the required share of steps, else NO_PATTERN.</li>
 *   <li>Final step hot and hot in at least the required share of steps: INTENSIFYING when the trend is significant
 *       and increasing, DIMINISHING when significant and decreasing, else PERSISTENT.</li>
 *   <li>Final step hot, fewer hot steps than required, and a cold step before: OSCILLATING.</li>
 *   <li>Otherwise (never cold): NEW when the final step is the only hot step; CONSECUTIVE when all hot steps form one
 *       unbroken run of two or more ending at the final step; else SPORADIC.</li>
 * </ol>
 * So a location hot for 90% of the period whose final step is a significant cold spot is OSCILLATING_COLD, not
 * HISTORICAL_HOT: every class except historical is decided by the final step, and "now a significant cold spot" says
 * more than "now not hot". At least two time steps are required.
 */
public final class EmergingHotspots {
    private EmergingHotspots() {}

    /** The pattern of one location; the Mann-Kendall test is only run when the class depends on it. */
    public static EmergingClass classify(double[] z, double[] p, EmergingRules rules) {
        validate(z, p, rules);
        return classifyValid(z, p, rules);
    }

    /** The pattern of one location with the counts and the Mann-Kendall trend of its z-scores (always computed). */
    public static EmergingAssessment assess(double[] z, double[] p, EmergingRules rules) {
        validate(z, p, rules);
        int hot = 0;
        int cold = 0;
        for (int t = 0; t < z.length; t++) {
            int state = state(z[t], p[t], rules.alpha());
            if (state > 0) {
                hot++;
            } else if (state < 0) {
                cold++;
            }
        }
        return new EmergingAssessment(classifyValid(z, p, rules), MannKendall.test(z), hot, cold, z.length);
    }

    /**
     * The patterns of many locations at once. {@code z} and {@code p} hold {@code steps} time slices one after the
     * other, oldest first, each slice {@code locations} long: the value of location i at step t is at index
     * {@code t·locations + i} (the layout one Gi* run per time step produces).
     *
     * @return one class per location, in location order
     */
    public static EmergingClass[] classifyAll(double[] z, double[] p, int locations, int steps, EmergingRules rules) {
        if (locations < 1 || steps < 1) {
            throw new IllegalArgumentException(
                    "need at least one location and one step, got " + locations + " locations and " + steps + " steps");
        }
        if (z == null || p == null) {
            throw new IllegalArgumentException("z-scores and p-values are required");
        }
        long expected = (long) locations * steps;
        if (z.length != expected || p.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " values (" + locations + " locations x "
                    + steps + " steps), got " + z.length + " z-scores and " + p.length + " p-values");
        }
        EmergingClass[] out = new EmergingClass[locations];
        double[] zSeries = new double[steps];
        double[] pSeries = new double[steps];
        for (int i = 0; i < locations; i++) {
            for (int t = 0; t < steps; t++) {
                zSeries[t] = z[t * locations + i];
                pSeries[t] = p[t * locations + i];
            }
            try {
                validate(zSeries, pSeries, rules);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("location " + i + ": " + e.getMessage(), e);
            }
            out[i] = classifyValid(zSeries, pSeries, rules);
        }
        return out;
    }

    private static EmergingClass classifyValid(double[] z, double[] p, EmergingRules rules) {
        int steps = z.length;
        double alpha = rules.alpha();
        int hot = 0;
        int cold = 0;
        for (int t = 0; t < steps; t++) {
            int state = state(z[t], p[t], alpha);
            if (state > 0) {
                hot++;
            } else if (state < 0) {
                cold++;
            }
        }
        int required = rules.requiredSteps(steps);
        int last = state(z[steps - 1], p[steps - 1], alpha);
        if (last == 0) {
            // Historical: the most recent step is not hot (cold), but most steps were.
            if (hot >= required) {
                return EmergingClass.HISTORICAL_HOT;
            }
            if (cold >= required) {
                return EmergingClass.HISTORICAL_COLD;
            }
            return EmergingClass.NO_PATTERN;
        }
        boolean isHot = last > 0;
        int same = isHot ? hot : cold;
        int opposite = isHot ? cold : hot;
        EmergingClass result;
        if (same >= required) {
            TrendDirection trend = MannKendall.test(z).significantDirection(rules.trendAlpha());
            if (trend == TrendDirection.NONE) {
                result = EmergingClass.PERSISTENT_HOT;
            } else {
                // Hot spots intensify as z rises; cold spots intensify as z falls.
                boolean rising = trend == TrendDirection.INCREASING;
                result = rising == isHot ? EmergingClass.INTENSIFYING_HOT : EmergingClass.DIMINISHING_HOT;
            }
        } else if (opposite > 0) {
            result = EmergingClass.OSCILLATING_HOT;
        } else if (same == 1) {
            result = EmergingClass.NEW_HOT;
        } else {
            int run = 0;
            for (int t = steps - 1; t >= 0 && state(z[t], p[t], alpha) == last; t--) {
                run++;
            }
            result = run == same ? EmergingClass.CONSECUTIVE_HOT : EmergingClass.SPORADIC_HOT;
        }
        return isHot ? result : result.mirror();
    }

    /** +1 significant hot spot, -1 significant cold spot, 0 neither. */
    private static int state(double z, double p, double alpha) {
        if (!(p < alpha)) {
            return 0;
        }
        return z > 0 ? 1 : z < 0 ? -1 : 0;
    }

    private static void validate(double[] z, double[] p, EmergingRules rules) {
        if (rules == null) {
            throw new IllegalArgumentException("rules are required (EmergingRules.DEFAULT for the defaults)");
        }
        if (z == null || p == null) {
            throw new IllegalArgumentException("z-scores and p-values are required");
        }
        if (z.length != p.length) {
            throw new IllegalArgumentException("got " + z.length + " z-scores but " + p.length + " p-values");
        }
        if (z.length < 2) {
            throw new IllegalArgumentException("emerging hot spot classes need at least 2 time steps, got " + z.length);
        }
        for (int t = 0; t < z.length; t++) {
            if (!Double.isFinite(z[t])) {
                throw new IllegalArgumentException("z-score of step " + t + " is " + z[t] + "; every step needs a "
                        + "finite z-score (give a step with no variation z = 0, p = 1)");
            }
            if (!(p[t] >= 0 && p[t] <= 1)) {
                throw new IllegalArgumentException("p-value of step " + t + " is " + p[t] + "; must be in [0, 1]");
            }
        }
    }
}
