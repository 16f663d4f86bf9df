package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one reading of a bandwidth the CLI and the API take: metres, or a rule's code. */
class BandwidthChoiceTest {
    @Test
    void readsMetresOrARuleAndNothingAsTheDefaultRule() {
        assertThat(BandwidthChoice.parse("300")).isEqualTo(new BandwidthChoice(Optional.of(300.0), BandwidthRule.PPL));
        assertThat(BandwidthChoice.parse(" 100000 ").metres()).contains(100_000.0);
        assertThat(BandwidthChoice.parse("SCOTT").rule()).isEqualTo(BandwidthRule.SCOTT);
        assertThat(BandwidthChoice.parse("arcgis").metres()).isEmpty();
        assertThat(BandwidthChoice.parse(null)).isEqualTo(BandwidthChoice.DEFAULT);
        assertThat(BandwidthChoice.parse("")).isEqualTo(BandwidthChoice.DEFAULT);
        assertThat(BandwidthChoice.parse("250").source()).isEqualTo("given");
        assertThat(BandwidthChoice.parse("scott").source()).isEqualTo("rule scott");
    }

    @Test
    void refusesBandwidthsOutsideTheLimitAndUnknownRules() {
        for (String bad : new String[] {"0", "-5", "100000.5", "NaN", "Infinity"}) {
            assertThatThrownBy(() -> BandwidthChoice.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bandwidth must be a positive number of metres up to 100000");
        }
        assertThatThrownBy(() -> BandwidthChoice.parse("wide")).hasMessageContaining("unknown bandwidth rule 'wide'");
    }

    @Test
    void aGivenBandwidthIsUsedAsItIsAndARuleIsAskedOtherwise() {
        WeightedPoints points =
                WeightedPoints.unweighted(new double[] {0, 100, 200, 50}, new double[] {0, 80, 10, 300});
        double[] window = {-100, -100, 400, 400};
        assertThat(BandwidthChoice.parse("123").metres(points, Kernel.QUARTIC, window))
                .isEqualTo(123.0);
        assertThat(BandwidthChoice.parse("scott").metres(points, Kernel.QUARTIC, window))
                .isEqualTo(BandwidthRule.SCOTT.bandwidth(points, Kernel.QUARTIC, window));
    }
}
