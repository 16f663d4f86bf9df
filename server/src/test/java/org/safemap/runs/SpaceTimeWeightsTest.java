package org.safemap.runs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.safemap.hotspot.SpatialWeights;

/** The space-time neighbourhood of emerging hot spot analysis, worked by hand on a line of three areas. */
class SpaceTimeWeightsTest {
    @Test
    void eachBinSeesItsNeighboursNowAndInTheMonthsBefore() {
        // areas 0 - 1 - 2 in a line, 3 months; bin = month·3 + area
        SpatialWeights spatial =
                SpatialWeights.fromPairs(3, new int[] {0, 1}, new int[] {1, 2}).withSelf();
        SpatialWeights st = EmergingRunner.spaceTime(spatial, 3, 3, 1);
        assertThat(neighbours(st, 0)).containsExactly(0, 1); // month 0, area 0: itself and area 1
        assertThat(neighbours(st, 4)).containsExactly(0, 1, 2, 3, 4, 5); // month 1, area 1: all of months 0 and 1
        assertThat(neighbours(st, 8)).containsExactly(4, 5, 7, 8); // month 2, area 2: areas 1, 2 in months 1, 2
        // never forward in time
        assertThat(neighbours(st, 3)).doesNotContain(6, 7, 8);
        SpatialWeights twoBack = EmergingRunner.spaceTime(spatial, 3, 3, 2);
        assertThat(neighbours(twoBack, 6)).containsExactly(0, 1, 3, 4, 6, 7);
    }

    private static int[] neighbours(SpatialWeights w, int i) {
        return java.util.Arrays.copyOfRange(w.neighbours(), w.offsets()[i], w.offsets()[i + 1]);
    }
}
