package org.safemap.hotspot;

import java.util.Arrays;

/**
 * Benjamini-Hochberg false discovery rate control (Benjamini and Hochberg 1995): with m p-values sorted ascending,
 * the largest k with p(k) ≤ k·α/m makes the first k significant. Controls the expected share of false hot spots
 * among those declared, rather than the chance of any (which Bonferroni controls, at a great loss of power).
 */
public final class FalseDiscovery {
    private FalseDiscovery() {}

    /** Which p-values are significant at false discovery rate α; NaN never is. */
    public static boolean[] significant(double[] p, double alpha) {
        double[] adjusted = adjusted(p);
        boolean[] out = new boolean[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = adjusted[i] <= alpha;
        }
        return out;
    }

    /**
     * BH-adjusted p-values, as R's {@code p.adjust(p, "BH")}: p(k)·m/k made monotone from the largest down and capped
     * at 1; NaN stays NaN and does not count in m.
     */
    public static double[] adjusted(double[] p) {
        int m = 0;
        for (double v : p) {
            if (!Double.isNaN(v)) {
                if (v < 0 || v > 1) {
                    throw new IllegalArgumentException("p-value " + v + " is outside 0..1");
                }
                m++;
            }
        }
        Integer[] order = new Integer[m];
        int k = 0;
        for (int i = 0; i < p.length; i++) {
            if (!Double.isNaN(p[i])) {
                order[k++] = i;
            }
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[a], p[b]));
        double[] out = new double[p.length];
        Arrays.fill(out, Double.NaN);
        double running = 1;
        for (int r = m - 1; r >= 0; r--) {
            int i = order[r];
            running = Math.min(running, p[i] * m / (r + 1));
            out[i] = Math.min(1, running);
        }
        return out;
    }
}
