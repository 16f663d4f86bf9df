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
        int[] byScore = order(places.score());
        int[] byTest = order(densityOfTest);
        List<Row> rows = new ArrayList<>();
        double total = places.totalAreaKm2();
        for (double c : coveragesPercent) {
            if (!(c > 0 && c <= 100)) {
                throw new IllegalArgumentException("coverage must be above 0 and at most 100 percent, got " + c);
            }
            double[] got = select(places, places.score(), byScore, total * c / 100);
            double[] best = select(places, densityOfTest, byTest, total * c / 100);
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

    /** The whole curve, at every percent of coverage from 1 to 100. */
    public static List<Row> curve(Places places) {
        double[] c = new double[100];
        for (int i = 0; i < 100; i++) {
            c[i] = i + 1;
        }
        return at(places, c);
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

    /** Indexes by key descending (stable, so equal keys keep index order inside their group). */
    private static int[] order(double[] key) {
        Integer[] idx = new Integer[key.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(key[b], key[a]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }
}
