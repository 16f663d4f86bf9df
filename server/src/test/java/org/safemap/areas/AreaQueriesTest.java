package org.safemap.areas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AreaQueriesTest {
    @Test
    void choosesTheCoarsestToleranceBelowAPixel() {
        // At 53.5 degrees north a pixel is about 364 m at zoom 8, 23 m at zoom 12 and 5.7 m at zoom 14.
        assertThat(AreaQueries.toleranceFor(8, 53.5)).isEqualTo(100.0);
        assertThat(AreaQueries.toleranceFor(5, 53.5)).isEqualTo(500.0);
        assertThat(AreaQueries.toleranceFor(12, 53.5)).isEqualTo(20.0);
        assertThat(AreaQueries.toleranceFor(14, 53.5)).isNull();
        assertThat(AreaQueries.decimalsFor(Optional.of(8))).isEqualTo(4);
        assertThat(AreaQueries.decimalsFor(Optional.empty())).isEqualTo(6);
    }

    @Test
    void saysWhichZoomsShareASimplification() {
        assertThat(AreaQueries.zoomRange(12, 53.5)).isEqualTo("[10,12]");
        assertThat(AreaQueries.zoomRange(8, 53.5)).isEqualTo("[8,9]");
        assertThat(AreaQueries.zoomRange(16, 53.5)).isEqualTo("[14,24]");
        assertThat(AreaQueries.zoomRange(0, 53.5)).isEqualTo("[0,7]");
    }
}
