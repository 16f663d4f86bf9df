package org.safemap.hotspot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How well a hotspot map made from one period predicts where incidents happen in a later one, at a chosen share of
 * the study area (the coverage): hit rate, the Predictive Accuracy Index (Chainey, Tompson and Uhlig 2008), the
 * Recapture Rate Index (Levine 2008), the best hit rate any map could have had, and the Predictive Efficiency Index.
 *
 * <p>Places (grid cells or areas, which may differ in size) are taken hottest first until their area reaches the
 * coverage. Places with equal scores are taken together as one group, and the group that straddles the coverage
 * boundary is taken in the proportion needed to reach it exactly, its incidents with it: the expected result over
 * every order the tie could have been broken in, so no arbitrary tie-break (cell order, code) moves the answer.
 */
public final class PredictionAccuracy {
    /** The coverages the issue and most published evaluations report, in percent. */
    public static final double[] DEFAULT_COVERAGES = {1, 2, 5, 10, 20};

    /**
     * The places and their counts.
     *
     * @param score      the prediction from the training period, higher is hotter
     * @param areaKm2    each place's area
     * @param trainCount incidents in the training period in each place
     * @param testCount  incidents in the test period in each place
     * @param trainTotal all training incidents in the study area (at least the sum over places)
     * @param testTotal  all test incidents in the study area
     */
    public record Places(
            double[] score,
            double[] areaKm2,
            double[] trainCount,
            double[] testCount,
            double trainTotal,
            double testTotal) {
        public Places {
            int n = score.length;
            if (areaKm2.length != n || trainCount.length != n || testCount.length != n) {
                throw new IllegalArgumentException("score, area and count arrays differ in length");
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(score[i])) {
                    throw new IllegalArgumentException("place " + i + " has no score");
                }
                if (!(areaKm2[i] >= 0)) {
                    throw new IllegalArgumentException("place " + i + " has area " + areaKm2[i]);
                }
            }
        }

        public double totalAreaKm2() {
            double a = 0;
            for (double v : areaKm2) {
                a += v;
            }
            return a;
        }
    }

    /**
     * One coverage's figures. PAI = hit rate / area share; RRI = (n₂/n₁) / (N₂/N₁), NaN when the selected places had
     * no training incidents; PEI = hit rate / best hit rate (= PAI / best PAI at the same area).
     *
     * @param coverage   percent of the study area selected
     * @param hitRate    share of test incidents in the selected places (0..1)
     * @param places     places wholly or partly selected
     */
    public record Row(
            double coverage,
            double hitRate,
            double pai,
            double rri,
            double maxHitRate,
            double pei,
            double areaShare,
            int places) {}

    private PredictionAccuracy() {}

    public static List<Row> at(Places places, double[] coveragesPercent) {
        double[] densityOfTest = new double[places.score().length];
        for (int i = 0; i < densityOfTest.length; i++) {
            densityOfTest[i] = places.areaKm2()[i] > 0
                    ? places.testCount()[i] / places.areaKm2()[i]
                    : places.testCount()[i] > 0 ? Double.MAX_VALUE : 0;
        }
        Groups byScore = new Groups(places, places.score());
        Groups byTest = new Groups(places, densityOfTest);
        List<Row> rows = new ArrayList<>();
        double total = places.totalAreaKm2();
        for (double c : coveragesPercent) {
            if (!(c > 0 && c <= 100)) {
                throw new IllegalArgumentException("coverage must be above 0 and at most 100 percent, got " + c);
            }
            double[] got = byScore.select(total * c / 100);
            double[] best = byTest.select(total * c / 100);
            double hit = places.testTotal() > 0 ? got[1] / places.testTotal() : Double.NaN;
            double maxHit = places.testTotal() > 0 ? best[1] / places.testTotal() : Double.NaN;
            double areaShare = total > 0 ? got[0] / total : Double.NaN;
            double pai = areaShare > 0 ? hit / areaShare : Double.NaN;
            double rri = got[2] > 0 && places.testTotal() > 0 && places.trainTotal() > 0
                    ? (got[1] / got[2]) / (places.testTotal() / places.trainTotal())
                    : Double.NaN;
            double pei = maxHit > 0 ? hit / maxHit : Double.NaN;
            rows.add(new Row(c, hit, pai, rri, maxHit, pei, areaShare, (int) got[3]));
        }
        return rows;
    }

    /**
     * PAI alone at one coverage, the total of {@code testCount} as the denominator: what {@link #at} reports, without
     * ordering the test counts for the best possible map (a fit that scores many maps against one month needs only
     * this). NaN when nothing was selected or nothing happened.
     */
    public static double pai(double[] score, double[] areaKm2, double[] testCount, double coveragePercent) {
        double testTotal = 0;
        for (double v : testCount) {
            testTotal += v;
        }
        double[] none = new double[score.length];
        Places p = new Places(score, areaKm2, none, testCount, 1, testTotal);
        double total = p.totalAreaKm2();
        double target = total * coveragePercent / 100;
        double[] got = equalAreas(areaKm2) ? selectEqualAreas(p, target) : select(p, score, order(score), target);
        double areaShare = total > 0 ? got[0] / total : Double.NaN;
        return testTotal > 0 && areaShare > 0 ? got[1] / testTotal / areaShare : Double.NaN;
    }

    private static boolean equalAreas(double[] areaKm2) {
        for (double a : areaKm2) {
            if (a != areaKm2[0] || !(a > 0)) {
                return false;
            }
        }
        return areaKm2.length > 0;
    }

    /**
     * {@link #select}'s area and test incidents when every place has the same area (grid cells): the group that
     * straddles the target is the one holding the k-th highest score, k the number of places the target area needs,
     * so a selection (expected linear time) finds it without ordering the places.
     */
    private static double[] selectEqualAreas(Places p, double targetArea) {
        double[] score = p.score();
        int n = score.length;
        double cellArea = p.areaKm2()[0];
        int k = (int) Math.min(n, Math.max(1, Math.ceil(targetArea / cellArea - 1e-9)));
        double threshold = kthSmallest(score.clone(), n - k);
        double aboveArea = 0;
        double aboveTest = 0;
        double tieArea = 0;
        double tieTest = 0;
        for (int i = 0; i < n; i++) {
            if (score[i] > threshold) {
                aboveArea += cellArea;
                aboveTest += p.testCount()[i];
            } else if (score[i] == threshold) {
                tieArea += cellArea;
                tieTest += p.testCount()[i];
            }
        }
        double share = Math.min(1, Math.max(0, (targetArea - aboveArea) / tieArea));
        return new double[] {aboveArea + share * tieArea, aboveTest + share * tieTest};
    }

    /** The value that would stand at index {@code k} if {@code a} were sorted ascending (Hoare's select); reorders a. */
    static double kthSmallest(double[] a, int k) {
        int lo = 0;
        int hi = a.length - 1;
        java.util.SplittableRandom random = new java.util.SplittableRandom(k);
        while (lo < hi) {
            double pivot = a[lo + random.nextInt(hi - lo + 1)];
            // three-way partition: [lo, lt) below, [lt, gt] equal, (gt, hi] above; ties end the search at once
            int lt = lo;
            int gt = hi;
            int i = lo;
            while (i <= gt) {
                if (a[i] < pivot) {
                    swap(a, lt++, i++);
                } else if (a[i] > pivot) {
                    swap(a, i, gt--);
                } else {
                    i++;
                }
            }
            if (k < lt) {
                hi = lt - 1;
            } else if (k > gt) {
                lo = gt + 1;
            } else {
                return pivot;
            }
        }
        return a[k];
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** The whole curve, at every percent of coverage from 1 to 100. */
    public static List<Row> curve(Places places) {
        double[] c = new double[100];
        for (int i = 0; i < 100; i++) {
            c[i] = i + 1;
        }
        return at(places, c);
    }

    /**
     * The places in groups of equal key, hottest first, with running totals after each group, so that any number of
     * coverages are answered by a binary search each (the curve asks for a hundred) instead of a walk from the top.
     * Gives {@link #select}'s answer.
     */
    private static final class Groups {
        private final double[] area;
        private final double[] test;
        private final double[] train;
        private final int[] placesAfter;
        private final int groups;

        Groups(Places p, double[] key) {
            int[] order = order(key);
            int n = order.length;
            area = new double[n + 1];
            test = new double[n + 1];
            train = new double[n + 1];
            placesAfter = new int[n + 1];
            int g = 0;
            int k = 0;
            while (k < n) {
                int end = k;
                double groupArea = 0;
                double groupTest = 0;
                double groupTrain = 0;
                while (end < n && key[order[end]] == key[order[k]]) {
                    int i = order[end];
                    groupArea += p.areaKm2()[i];
                    groupTest += p.testCount()[i];
                    groupTrain += p.trainCount()[i];
                    end++;
                }
                area[g + 1] = area[g] + groupArea;
                test[g + 1] = test[g] + groupTest;
                train[g + 1] = train[g] + groupTrain;
                placesAfter[g + 1] = end;
                g++;
                k = end;
            }
            groups = g;
        }

        /** {area taken, test incidents taken, training incidents taken, places touched} up to the target area. */
        double[] select(double targetArea) {
            if (!(targetArea > 0)) {
                return new double[4];
            }
            // the first group whose running area reaches the target; every group before it is taken whole
            int lo = 1;
            int hi = groups;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (area[mid] >= targetArea) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            if (groups == 0 || area[groups] < targetArea) {
                return new double[] {area[groups], test[groups], train[groups], placesAfter[groups]};
            }
            int g = lo;
            double groupArea = area[g] - area[g - 1];
            double share = groupArea <= 0 ? 1 : Math.min(1, (targetArea - area[g - 1]) / groupArea);
            return new double[] {
                area[g - 1] + share * groupArea,
                test[g - 1] + share * (test[g] - test[g - 1]),
                train[g - 1] + share * (train[g] - train[g - 1]),
                placesAfter[g]
            };
        }
    }

    /** {area taken, test incidents taken, training incidents taken, places touched} up to the target area. */
    private static double[] select(Places p, double[] key, int[] order, double targetArea) {
        double area = 0;
        double test = 0;
        double train = 0;
        int touched = 0;
        int k = 0;
        while (k < order.length && area < targetArea) {
            // one group of equal keys
            int end = k;
            double groupArea = 0;
            double groupTest = 0;
            double groupTrain = 0;
            while (end < order.length && key[order[end]] == key[order[k]]) {
                int i = order[end];
                groupArea += p.areaKm2()[i];
                groupTest += p.testCount()[i];
                groupTrain += p.trainCount()[i];
                end++;
            }
            double share = groupArea <= 0 ? 1 : Math.min(1, (targetArea - area) / groupArea);
            area += share * groupArea;
            test += share * groupTest;
            train += share * groupTrain;
            touched += end - k;
            k = end;
        }
        return new double[] {area, test, train, touched};
    }

    /**
     * Indexes by key descending (stable, so equal keys keep index order inside their group). Primitive sorts only: each
     * key's rank among the distinct keys goes in the high half of a long and its index in the low half, so one
     * {@link Arrays#parallelSort(long[])} orders by key, then index. A boxed comparator sort took most of an
     * evaluation's time on a 100 m grid (docs/performance.md).
     */
    static int[] order(double[] key) {
        int n = key.length;
        double[] distinct = key.clone();
        Arrays.parallelSort(distinct);
        int unique = 0;
        for (int i = 0; i < n; i++) {
            // == groups 0.0 with -0.0, as select() does
            if (unique == 0 || distinct[i] != distinct[unique - 1]) {
                distinct[unique++] = distinct[i];
            }
        }
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            int rank = Arrays.binarySearch(distinct, 0, unique, key[i]);
            if (rank < 0 || distinct[rank] != key[i]) {
                // -0.0 against a stored 0.0 (or the reverse): the neighbour that compares equal
                rank = rank < 0 ? -rank - 1 : rank;
                rank = rank < unique && distinct[rank] == key[i] ? rank : rank - 1;
            }
            packed[i] = ((long) (unique - 1 - rank) << 32) | i;
        }
        Arrays.parallelSort(packed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) packed[i];
        }
        return out;
    }
}
