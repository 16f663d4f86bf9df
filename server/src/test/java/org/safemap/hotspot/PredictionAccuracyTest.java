package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PredictionAccuracyTest {
    @Test
    void tenEqualCellsByHand() {
        // ten 1 km² cells; the map ranks cell 0 hottest, then 1 ...
        double[] score = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        double[] area = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        double[] train = {8, 4, 2, 2, 1, 1, 1, 1, 0, 0};
        double[] test = {6, 1, 3, 2, 2, 2, 1, 1, 1, 1};
        PredictionAccuracy.Places places = new PredictionAccuracy.Places(score, area, train, test, 20, 25);
        List<PredictionAccuracy.Row> rows = PredictionAccuracy.at(places, new double[] {10, 20, 15});
        // 10%: cell 0 alone: 6 of 25 test incidents (five of them outside the places, as the totals say)
        PredictionAccuracy.Row ten = rows.get(0);
        assertThat(ten.hitRate()).isCloseTo(6 / 25.0, within(1e-12));
        assertThat(ten.pai()).isCloseTo((6 / 25.0) / 0.1, within(1e-12));
        // RRI = (n2/n1)/(N2/N1) = (6/8)/(25/20)
        assertThat(ten.rri()).isCloseTo((6 / 8.0) / (25 / 20.0), within(1e-12));
        // the best cell had 6 too
        assertThat(ten.maxHitRate()).isCloseTo(6 / 25.0, within(1e-12));
        assertThat(ten.pei()).isCloseTo(1, within(1e-12));
        // 20%: cells 0 and 1: 7 hits; the best two cells are 0 and 2: 9
        assertThat(rows.get(1).hitRate()).isCloseTo(7 / 25.0, within(1e-12));
        assertThat(rows.get(1).maxHitRate()).isCloseTo(9 / 25.0, within(1e-12));
        // 15%: cell 0 and half of cell 1
        assertThat(rows.get(2).hitRate()).isCloseTo(6.5 / 25.0, within(1e-12));
        assertThat(rows.get(2).areaShare()).isCloseTo(0.15, within(1e-12));
        assertThat(rows.get(2).places()).isEqualTo(2);
    }

    @Test
    void unequalAreasCountByAreaNotByPlace() {
        // a small hot area and a big cool one: 10% of 10 km² is all of the small area
        double[] score = {5, 1};
        double[] area = {1, 9};
        PredictionAccuracy.Places p =
                new PredictionAccuracy.Places(score, area, new double[] {4, 6}, new double[] {5, 5}, 10, 10);
        PredictionAccuracy.Row r = PredictionAccuracy.at(p, new double[] {10}).get(0);
        assertThat(r.hitRate()).isCloseTo(0.5, within(1e-12));
        assertThat(r.pai()).isCloseTo(5, within(1e-12));
    }

    @Test
    void tiesAreTakenTogetherInProportion() {
        // four tied cells: 25% coverage takes a quarter of each, whatever their order
        double[] score = {1, 1, 1, 1};
        double[] test = {8, 0, 0, 0};
        PredictionAccuracy.Places p =
                new PredictionAccuracy.Places(score, new double[] {1, 1, 1, 1}, new double[] {1, 1, 1, 1}, test, 4, 8);
        assertThat(PredictionAccuracy.at(p, new double[] {25}).get(0).hitRate()).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void noTrainingIncidentsInTheHotspotLeavesRriUndefined() {
        PredictionAccuracy.Places p = new PredictionAccuracy.Places(
                new double[] {2, 1}, new double[] {1, 1}, new double[] {0, 3}, new double[] {1, 1}, 3, 2);
        assertThat(PredictionAccuracy.at(p, new double[] {50}).get(0).rri()).isNaN();
    }

    @Test
    void aRandomMapHasPaiNearOneAndNoMapBeatsTheOracle() {
        Random random = new Random(17);
        int n = 2000;
        double[] score = new double[n];
        double[] area = new double[n];
        double[] train = new double[n];
        double[] test = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            score[i] = random.nextDouble();
            area[i] = 1;
            test[i] = random.nextInt(5);
            train[i] = random.nextInt(5);
            total += test[i];
        }
        PredictionAccuracy.Places p = new PredictionAccuracy.Places(score, area, train, test, 1e4, total);
        for (PredictionAccuracy.Row r : PredictionAccuracy.curve(p)) {
            assertThat(r.hitRate()).isLessThanOrEqualTo(r.maxHitRate() + 1e-12);
            if (r.coverage() >= 20) {
                assertThat(r.pai()).as("coverage " + r.coverage()).isCloseTo(1.0, within(0.15));
            }
        }
        assertThat(PredictionAccuracy.curve(p)).hasSize(100);
        assertThat(PredictionAccuracy.curve(p).get(99).hitRate()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void primitiveOrderEqualsAStableBoxedSortDescending() {
        Random random = new Random(5);
        double[] key = new double[50_000];
        for (int i = 0; i < key.length; i++) {
            // many ties, negatives, both zeros and an infinity-sized value, as scores and test densities have
            int pick = random.nextInt(10);
            key[i] = pick == 0 ? -0.0 : pick == 1 ? 0.0 : pick == 2 ? Double.MAX_VALUE : random.nextInt(200) - 50;
        }
        Integer[] boxed = new Integer[key.length];
        for (int i = 0; i < key.length; i++) {
            boxed[i] = i;
        }
        // the reference: the boxed comparator sort the primitive one replaced, with == ties (0.0 equals -0.0)
        java.util.Arrays.sort(boxed, (a, b) -> key[a] == key[b] ? 0 : Double.compare(key[b], key[a]));
        assertThat(PredictionAccuracy.order(key))
                .containsExactly(java.util.Arrays.stream(boxed)
                        .mapToInt(Integer::intValue)
                        .toArray());
    }

    @Test
    void paiAloneEqualsThePaiOfTheFullRow() {
        Random random = new Random(9);
        int n = 3000;
        double[] score = new double[n];
        double[] area = new double[n];
        double[] test = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            score[i] = random.nextInt(40);
            area[i] = 0.5 + random.nextDouble();
            test[i] = random.nextInt(3);
            total += test[i];
        }
        PredictionAccuracy.Places p = new PredictionAccuracy.Places(score, area, new double[n], test, 1, total);
        assertThat(PredictionAccuracy.pai(score, area, test, 5))
                .isCloseTo(PredictionAccuracy.at(p, new double[] {5}).get(0).pai(), within(1e-12));
        // equal areas (grid cells) take the sort-free path: the same answer at several coverages, ties straddling
        double[] cells = new double[n];
        java.util.Arrays.fill(cells, 0.01);
        PredictionAccuracy.Places grid = new PredictionAccuracy.Places(score, cells, new double[n], test, 1, total);
        for (double c : new double[] {0.01, 1, 5, 33.3, 100}) {
            assertThat(PredictionAccuracy.pai(score, cells, test, c))
                    .isCloseTo(
                            PredictionAccuracy.at(grid, new double[] {c}).get(0).pai(), within(1e-9));
        }
    }
}
