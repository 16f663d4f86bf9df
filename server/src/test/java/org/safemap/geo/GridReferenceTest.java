package org.safemap.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Grid references against places whose references OS publishes. */
class GridReferenceTest {
    @Test
    void lettersAndDigitsMatchOrdnanceSurveyReferences() {
        assertThat(GridReference.of(334_235, 390_483)).isEqualTo("SJ 34235 90483"); // Liverpool
        assertThat(GridReference.of(216_667, 771_285)).isEqualTo("NN 16667 71285"); // Ben Nevis summit
        assertThat(GridReference.of(530_047, 180_422)).isEqualTo("TQ 30047 80422"); // Charing Cross
        assertThat(GridReference.of(0, 0)).isEqualTo("SV 00000 00000"); // the grid's false origin
        assertThat(GridReference.of(651_409.9, 313_177.3)).isEqualTo("TG 51409 13177"); // Lowestoft area
    }

    @Test
    void refusesPointsOffTheGrid() {
        assertThatThrownBy(() -> GridReference.of(-1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GridReference.of(700_000, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
