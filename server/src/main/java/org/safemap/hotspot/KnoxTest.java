package org.safemap.hotspot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The Knox test for near repeats (Knox 1964; Townsley, Homel and Chaseling 2003; Ratcliffe's Near Repeat
 * Calculator): are pairs of incidents close in space also close in time more often than chance? Every pair is
 * counted in one space band and one time band; the expected table comes from Monte Carlo permutations of the times
 * among the incidents, which keeps where things happened and when things happened but breaks the link between them.
 *
 * <p>Bands are right-open, [a, b), and are labelled with exactly the numbers used ("100 to &lt;200 m"): Ratcliffe's
 * calculator labels a band "a to b" but computes [a − 1, b), an off-by-one its users cannot see. An optional first
 * band holds pairs at exactly the same place; the last band of each axis holds everything beyond the last edge.
 *
 * <p>Only pairs within the last space edge are visited per permutation: the time gaps over all pairs do not change
 * when times are permuted, so the "beyond" column is the fixed total less the near bands.
 */
public final class KnoxTest {
    /** Pairs are counted in full; beyond this many incidents the test is refused rather than run for hours. */
    public static final int MAX_INCIDENTS = 50_000;

    public enum Metric {
        EUCLIDEAN,
        MANHATTAN
    }

    /**
     * @param spaceEdges      ascending band edges in metres, starting at 0 (e.g. 0, 100, 200, 300, 400)
     * @param timeEdges       ascending band edges in days, starting at 0 (e.g. 0, 7, 14, 21, 28)
     * @param sameLocation    a separate first band for pairs at distance 0
     * @param permutations    Monte Carlo permutations (99 gives p down to 0.01; 999 to 0.001)
     */
    public record Params(
            double[] spaceEdges, double[] timeEdges, Metric metric, boolean sameLocation, int permutations, long seed) {
        public Params {
            check(spaceEdges, "space");
            check(timeEdges, "time");
            if (permutations < 19 || permutations > 9999) {
                throw new IllegalArgumentException("permutations must be 19 to 9999, got " + permutations);
            }
        }

        private static void check(double[] edges, String what) {
            if (edges.length < 2 || edges[0] != 0) {
                throw new IllegalArgumentException(what + " bands need at least two edges starting at 0");
            }
            for (int i = 1; i < edges.length; i++) {
                if (!(edges[i] > edges[i - 1])) {
                    throw new IllegalArgumentException(what + " band edges must increase: " + Arrays.toString(edges));
                }
            }
        }
    }

    /**
     * The tables, [space band][time band], with labels in the same order.
     *
     * @param knoxRatio observed / mean of the permutations (NaN where that mean is 0)
     * @param p         (permutations with a count at least the observed + 1) / (permutations + 1)
     */
    public record Result(
            List<String> spaceLabels,
            List<String> timeLabels,
            long[][] observed,
            double[][] expected,
            double[][] knoxRatio,
            double[][] p,
            long pairs,
            int permutations) {}

    private KnoxTest() {}

    /** @param days each incident's time in days (any origin) */
    public static Result run(double[] x, double[] y, double[] days, Params params) {
        int n = x.length;
        if (y.length != n || days.length != n) {
            throw new IllegalArgumentException("x, y and time arrays differ in length");
        }
        if (n < 3) {
            throw new IllegalArgumentException("the Knox test needs at least 3 incidents, got " + n);
        }
        if (n > MAX_INCIDENTS) {
            throw new IllegalArgumentException("the Knox test counts every pair; " + n + " incidents is more than the "
                    + MAX_INCIDENTS + " allowed: narrow the area or period");
        }
        List<String> spaceLabels = labels(params.spaceEdges(), "m", params.sameLocation());
        List<String> timeLabels = labels(params.timeEdges(), "days", false);
        int spaceBands = spaceLabels.size();
        int timeBands = timeLabels.size();
        double maxSpace = params.spaceEdges()[params.spaceEdges().length - 1];

        // the pairs within the last space edge, and their space band, found through a bucket grid
        int[][] near = nearPairs(x, y, maxSpace, params);
        int[] pi = near[0];
        int[] pj = near[1];
        int[] band = near[2];
        long totalPairs = (long) n * (n - 1) / 2;
        long[] allByTime = pairsByTimeBand(days, params.timeEdges());

        long[][] observed = table(pi, pj, band, days, params.timeEdges(), spaceBands, timeBands, allByTime);
        double[][] sum = new double[spaceBands][timeBands];
        long[][] atLeast = new long[spaceBands][timeBands];
        double[] shuffled = days.clone();
        SplittableRandom random = new SplittableRandom(params.seed());
        for (int k = 0; k < params.permutations(); k++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                double t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
            }
            long[][] sim = table(pi, pj, band, shuffled, params.timeEdges(), spaceBands, timeBands, allByTime);
            for (int s = 0; s < spaceBands; s++) {
                for (int t = 0; t < timeBands; t++) {
                    sum[s][t] += sim[s][t];
                    if (sim[s][t] >= observed[s][t]) {
                        atLeast[s][t]++;
                    }
                }
            }
        }
        double[][] expected = new double[spaceBands][timeBands];
        double[][] ratio = new double[spaceBands][timeBands];
        double[][] p = new double[spaceBands][timeBands];
        for (int s = 0; s < spaceBands; s++) {
            for (int t = 0; t < timeBands; t++) {
                expected[s][t] = sum[s][t] / params.permutations();
                ratio[s][t] = expected[s][t] > 0 ? observed[s][t] / expected[s][t] : Double.NaN;
                p[s][t] = (atLeast[s][t] + 1.0) / (params.permutations() + 1.0);
            }
        }
        return new Result(spaceLabels, timeLabels, observed, expected, ratio, p, totalPairs, params.permutations());
    }

    /** "same location (0 m)", "0 to <100 m" (or ">0 to <100 m" after a same-location band), ..., "400 m or more". */
    static List<String> labels(double[] edges, String unit, boolean sameLocation) {
        List<String> out = new ArrayList<>();
        if (sameLocation) {
            out.add("same location (0 " + unit + ")");
        }
        for (int i = 0; i + 1 < edges.length; i++) {
            String from = (i == 0 && sameLocation ? ">" : "") + number(edges[i]);
            out.add(from + " to <" + number(edges[i + 1]) + " " + unit);
        }
        out.add(number(edges[edges.length - 1]) + " " + unit + " or more");
        return out;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    private static long[][] table(
            int[] pi,
            int[] pj,
            int[] band,
            double[] days,
            double[] timeEdges,
            int spaceBands,
            int timeBands,
            long[] allByTime) {
        long[][] t = new long[spaceBands][timeBands];
        for (int k = 0; k < pi.length; k++) {
            t[band[k]][timeBand(Math.abs(days[pi[k]] - days[pj[k]]), timeEdges)]++;
        }
        // the last space band ("or more") is every pair less the near ones
        for (int c = 0; c < timeBands; c++) {
            long nearTotal = 0;
            for (int s = 0; s < spaceBands - 1; s++) {
                nearTotal += t[s][c];
            }
            t[spaceBands - 1][c] = allByTime[c] - nearTotal;
        }
        return t;
    }

    private static int timeBand(double gap, double[] edges) {
        for (int i = 1; i < edges.length; i++) {
            if (gap < edges[i]) {
                return i - 1;
            }
        }
        return edges.length - 1;
    }

    /** Pairs per time band over all pairs: sorted times and a moving pointer per edge. */
    private static long[] pairsByTimeBand(double[] days, double[] edges) {
        double[] sorted = days.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        long[] below = new long[edges.length];
        for (int e = 1; e < edges.length; e++) {
            long count = 0;
            int j = 0;
            for (int i = 0; i < n; i++) {
                if (j < i + 1) {
                    j = i + 1;
                }
                while (j < n && sorted[j] - sorted[i] < edges[e]) {
                    j++;
                }
                count += j - i - 1;
            }
            below[e] = count;
        }
        long total = (long) n * (n - 1) / 2;
        long[] out = new long[edges.length];
        for (int b = 0; b + 1 < edges.length; b++) {
            out[b] = below[b + 1] - below[b];
        }
        out[edges.length - 1] = total - below[edges.length - 1];
        return out;
    }

    private static int[][] nearPairs(double[] x, double[] y, double maxSpace, Params params) {
        int n = x.length;
        double minX = Arrays.stream(x).min().getAsDouble();
        double minY = Arrays.stream(y).min().getAsDouble();
        double size = Math.max(maxSpace, 1e-9);
        java.util.Map<Long, List<Integer>> buckets = new java.util.HashMap<>();
        long[] key = new long[n];
        for (int i = 0; i < n; i++) {
            long c = (long) Math.floor((x[i] - minX) / size);
            long r = (long) Math.floor((y[i] - minY) / size);
            key[i] = c << 32 | r;
            buckets.computeIfAbsent(key[i], k -> new ArrayList<>()).add(i);
        }
        int[] a = new int[1024];
        int[] b = new int[1024];
        int[] s = new int[1024];
        int count = 0;
        for (int i = 0; i < n; i++) {
            long c = key[i] >> 32;
            long r = key[i] & 0xffffffffL;
            for (long dc = -1; dc <= 1; dc++) {
                for (long dr = -1; dr <= 1; dr++) {
                    List<Integer> cell = buckets.get((c + dc) << 32 | (r + dr));
                    if (cell == null) {
                        continue;
                    }
                    for (int j : cell) {
                        if (j <= i) {
                            continue;
                        }
                        double dx = Math.abs(x[i] - x[j]);
                        double dy = Math.abs(y[i] - y[j]);
                        double d = params.metric() == Metric.MANHATTAN ? dx + dy : Math.sqrt(dx * dx + dy * dy);
                        int spaceBand = spaceBand(d, params);
                        if (spaceBand < 0) {
                            continue;
                        }
                        if (count == a.length) {
                            a = Arrays.copyOf(a, count * 2);
                            b = Arrays.copyOf(b, count * 2);
                            s = Arrays.copyOf(s, count * 2);
                        }
                        a[count] = i;
                        b[count] = j;
                        s[count] = spaceBand;
                        count++;
                    }
                }
            }
        }
        return new int[][] {Arrays.copyOf(a, count), Arrays.copyOf(b, count), Arrays.copyOf(s, count)};
    }

    /** The space band of a distance, or -1 for the last ("or more") band, which is counted by difference. */
    private static int spaceBand(double d, Params params) {
        double[] edges = params.spaceEdges();
        int offset = 0;
        if (params.sameLocation()) {
            if (d == 0) {
                return 0;
            }
            offset = 1;
        }
        for (int i = 1; i < edges.length; i++) {
            if (d < edges[i]) {
                return i - 1 + offset;
            }
        }
        return -1;
    }
}
