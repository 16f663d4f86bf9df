package org.safemap.hotspot;

/**
 * Gi* results as the classes analysts read, like ArcGIS's Gi_Bin: +3, +2, +1 hot spot at 99, 95 and 90% confidence,
 * −3, −2, −1 cold spot, 0 not significant. With false discovery rate correction, Benjamini-Hochberg is applied
 * separately at α = 0.01, 0.05 and 0.10, and a location gets the strongest level at which it is significant.
 */
public final class HotspotBins {
    private static final double[] ALPHAS = {0.01, 0.05, 0.10};
    private static final int[] LEVELS = {3, 2, 1};

    private HotspotBins() {}

    public static int[] classify(GiStarResult r, boolean fdr) {
        int n = r.z().length;
        int[] bins = new int[n];
        double[] adjusted = fdr ? FalseDiscovery.adjusted(r.p()) : r.p();
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < ALPHAS.length; a++) {
                if (adjusted[i] <= ALPHAS[a] && r.z()[i] != 0) {
                    bins[i] = r.z()[i] > 0 ? LEVELS[a] : -LEVELS[a];
                    break;
                }
            }
        }
        return bins;
    }

    /** A stable label: hot_99, hot_95, hot_90, none, cold_90, cold_95, cold_99. */
    public static String label(int bin) {
        return switch (bin) {
            case 3 -> "hot_99";
            case 2 -> "hot_95";
            case 1 -> "hot_90";
            case -1 -> "cold_90";
            case -2 -> "cold_95";
            case -3 -> "cold_99";
            case 0 -> "none";
            default -> throw new IllegalArgumentException("no Gi* bin " + bin);
        };
    }
}
