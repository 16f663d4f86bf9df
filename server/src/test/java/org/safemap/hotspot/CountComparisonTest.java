package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.safemap.testing.RScript;

/** The exact conditional test of two counts against R's poisson.test, over equal and unequal exposures. */
class CountComparisonTest {
    @Test
    void pValuesAndRatiosAgreeWithRsPoissonTest() throws Exception {
        Random random = new Random(19);
        List<long[]> cases = new ArrayList<>();
        cases.add(new long[] {12, 3, 3, 3});
        cases.add(new long[] {5, 5, 1, 1});
        cases.add(new long[] {0, 7, 2, 2});
        cases.add(new long[] {40, 0, 1, 1});
        cases.add(new long[] {250, 180, 6, 6});
        cases.add(new long[] {9, 4, 3, 1});
        for (int i = 0; i < 60; i++) {
            cases.add(
                    new long[] {random.nextInt(200), random.nextInt(200), 1 + random.nextInt(12), 1 + random.nextInt(12)
                    });
        }
        StringBuilder r = new StringBuilder();
        for (long[] c : cases) {
            r.append(String.format(
                    Locale.ROOT,
                    "t <- poisson.test(c(%d, %d), c(%d, %d)); cat(sprintf('%%.17g %%.17g\\n', t$p.value, t$estimate))\n",
                    c[1],
                    c[0],
                    c[3],
                    c[2]));
        }
        String[] rows = RScript.run(r.toString()).strip().split("\n");
        assertThat(rows).hasSize(cases.size());
        for (int k = 0; k < rows.length; k++) {
            long[] c = cases.get(k);
            String[] f = rows[k].trim().split("\\s+");
            CountComparison.Result got = CountComparison.compare(c[0], c[2], c[1], c[3], 0.05);
            double p = Double.parseDouble(f[0]);
            assertThat(got.pValue())
                    .as("p for %s", java.util.Arrays.toString(c))
                    .isCloseTo(p, org.assertj.core.api.Assertions.within(1e-12));
            if (c[0] > 0) {
                assertThat(got.rateRatio())
                        .isCloseTo(Double.parseDouble(f[1]), org.assertj.core.api.Assertions.within(1e-12));
            }
            CountComparison.Direction expected = p >= 0.05
                    ? CountComparison.Direction.NO_CHANGE
                    : got.rateRatio() < 1 ? CountComparison.Direction.FEWER : CountComparison.Direction.MORE;
            assertThat(got.direction()).isEqualTo(expected);
        }
    }

    @Test
    void aHalvingOfThirtyIsFewerAndTwoToOneIsNoChange() {
        assertThat(CountComparison.compare(30, 3, 12, 3, 0.05).direction()).isEqualTo(CountComparison.Direction.FEWER);
        assertThat(CountComparison.compare(2, 1, 1, 1, 0.05).direction())
                .isEqualTo(CountComparison.Direction.NO_CHANGE);
        assertThat(CountComparison.compare(0, 1, 0, 1, 0.05).pValue()).isEqualTo(1);
        assertThatThrownBy(() -> CountComparison.compare(1, 0, 1, 1, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
