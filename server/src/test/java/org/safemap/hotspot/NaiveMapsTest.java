package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The naive maps on inputs small enough to work out by hand. */
class NaiveMapsTest {
    /**
     * Two areas: A of 10 km² with 20 incidents, B of 1 km² with 5. By raw count A ranks first; per km² B does (5 against
     * 2). At 1/11 of the area (B's whole area) the test month's 4 incidents in B of 10 give hit rate 0.4 and PAI 4.4,
     * where ranking by raw count would take a tenth of A: 0.6 of its test incidents' 6 × 0.1 = 0.06 hit, PAI 0.66.
     */
    @Test
    void countRanksByIncidentsPerSquareKilometre() {
        double[] area = {10, 1};
        double[] train = {20, 5};
        double[] test = {6, 4};
        double[] score = NaiveMaps.perKm2(train, area);
        assertThat(score).containsExactly(2.0, 5.0);
        List<PredictionAccuracy.Row> rows = PredictionAccuracy.at(
                new PredictionAccuracy.Places(score, area, train, test, 25, 10), new double[] {100.0 / 11});
        assertThat(rows.get(0).hitRate()).isCloseTo(0.4, within(1e-12));
        assertThat(rows.get(0).pai()).isCloseTo(4.4, within(1e-12));
        List<PredictionAccuracy.Row> raw = PredictionAccuracy.at(
                new PredictionAccuracy.Places(train, area, train, test, 25, 10), new double[] {100.0 / 11});
        assertThat(raw.get(0).pai()).isCloseTo(0.66, within(1e-12));
    }

    @Test
    void lastPeriodCountsOnlyIncidentsFromTheCutOn() {
        // three incidents in place 0 (two before the cut), one in place 1 after it, one in no place
        int[] place = {0, 0, 0, 1, -1};
        double[] weight = {1, 1, 1, 1, 1};
        long[] when = {100, 199, 200, 300, 300};
        double[] score = NaiveMaps.recentPerKm2(place, weight, when, 200, new double[] {0.5, 2});
        assertThat(score).containsExactly(2.0, 0.5);
    }

    @Test
    void snapPointRanksByTheBusiestLocationThenByDensity() {
        // place 0: four incidents at four locations (busiest 1); place 1: three at one location (busiest 3);
        // place 2: three at one location too, but twice the area; place 3: nothing
        double[] x = {0, 10, 20, 30, 500, 500, 500, 900, 900, 900};
        double[] y = new double[10];
        int[] place = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
        double[] area = {1, 1, 2, 1};
        double[] score = NaiveMaps.busiestLocation(place, WeightedPoints.unweighted(x, y), area);
        assertThat(score[1]).isGreaterThan(score[2]);
        assertThat(score[2]).isGreaterThan(score[0]);
        assertThat(score[0]).isGreaterThan(score[3]);
        assertThat(Math.floor(score[1])).isEqualTo(3);
        assertThat(Math.floor(score[2])).isEqualTo(3);
        assertThat(Math.floor(score[0])).isEqualTo(1);
        assertThat(score[3]).isZero();
    }
}
