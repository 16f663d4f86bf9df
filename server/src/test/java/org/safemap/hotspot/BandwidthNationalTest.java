package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The default {@code ppl} rule over England and Wales' extent: chosen from the data's local scale (per 40 km square),
 * not from the extent, on small synthetic national patterns with a known local scale.
 */
class BandwidthNationalTest {
    /** England and Wales' extent in British National Grid metres, as the synthetic national LSOAs use. */
    private static final double[] NATIONAL = {140_000, 10_000, 655_000, 660_000};

    private static final double TOWN_SD = 1_500;

    /** 60 towns at random over the extent, 150 points each (Gaussian, sd 1.5 km), and 10% of points anywhere. */
    private static WeightedPoints towns(long seed, List<double[]> centres) {
        Random random = new Random(seed);
        List<double[]> xy = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            double cx = NATIONAL[0] + 30_000 + random.nextDouble() * (NATIONAL[2] - NATIONAL[0] - 60_000);
            double cy = NATIONAL[1] + 30_000 + random.nextDouble() * (NATIONAL[3] - NATIONAL[1] - 60_000);
            centres.add(new double[] {cx, cy});
            for (int i = 0; i < 150; i++) {
                xy.add(new double[] {cx + random.nextGaussian() * TOWN_SD, cy + random.nextGaussian() * TOWN_SD});
            }
        }
        for (int i = 0; i < 1_000; i++) {
            xy.add(anywhere(random));
        }
        return points(xy);
    }

    private static double[] anywhere(Random random) {
        return new double[] {
            NATIONAL[0] + random.nextDouble() * (NATIONAL[2] - NATIONAL[0]),
            NATIONAL[1] + random.nextDouble() * (NATIONAL[3] - NATIONAL[1])
        };
    }

    private static WeightedPoints points(List<double[]> xy) {
        return WeightedPoints.unweighted(
                xy.stream().mapToDouble(p -> p[0]).toArray(),
                xy.stream().mapToDouble(p -> p[1]).toArray());
    }

    @Test
    void nationalChoiceIsTheScaleADistrictRunWouldChoose() {
        List<double[]> centres = new ArrayList<>();
        WeightedPoints all = towns(7, centres);
        double sigma = Kernel.QUARTIC.sigma(BandwidthRule.PPL.bandwidth(all, Kernel.QUARTIC, NATIONAL));

        // the same rule as a district analyst runs it: one town's 40 km square as the window, its points only
        double[] district = new double[centres.size()];
        for (int t = 0; t < centres.size(); t++) {
            double[] c = centres.get(t);
            double[] window = {c[0] - 20_000, c[1] - 20_000, c[0] + 20_000, c[1] + 20_000};
            List<double[]> inside = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (all.x()[i] >= window[0]
                        && all.x()[i] < window[2]
                        && all.y()[i] >= window[1]
                        && all.y()[i] < window[3]) {
                    inside.add(new double[] {all.x()[i], all.y()[i]});
                }
            }
            district[t] = Kernel.QUARTIC.sigma(BandwidthRule.PPL.bandwidth(points(inside), Kernel.QUARTIC, window));
        }
        Arrays.sort(district);
        double median = district[district.length / 2];

        assertThat(sigma).isBetween(median / 1.5, median * 1.5);
        // and the towns' own scale, not the spacing of towns (tens of kilometres)
        assertThat(sigma).isBetween(TOWN_SD / 10, 2 * TOWN_SD);
    }

    @Test
    void patternWithoutLocalStructureStillGetsABandwidthARunAccepts() {
        // points anywhere: every scale fits as well, and the whole extent's likelihood picks the largest candidate,
        // half the extent's diagonal: a radius refused by every run. Locally it is at most half a square's diagonal.
        Random random = new Random(3);
        List<double[]> xy = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            xy.add(anywhere(random));
        }
        WeightedPoints uniform = points(xy);
        double whole = BandwidthRule.pplSigma(uniform, NATIONAL, BandwidthRule.PPL_SAMPLE);
        assertThat(Kernel.QUARTIC.bandwidthForSigma(whole)).isGreaterThan(KdeParams.MAX_BANDWIDTH_METRES);

        double sigma = Kernel.QUARTIC.sigma(BandwidthRule.PPL.bandwidth(uniform, Kernel.QUARTIC, NATIONAL));
        assertThat(sigma).isLessThanOrEqualTo(BandwidthRule.LOCAL_TILE_METRES * Math.sqrt(2) / 2 + 1e-6);
        for (Kernel k : Kernel.values()) {
            // every kernel's radius for that sigma is one a run accepts
            assertThat(k.bandwidthForSigma(sigma)).isLessThanOrEqualTo(KdeParams.MAX_BANDWIDTH_METRES);
        }
    }

    @Test
    void districtExtentIsUnchanged() {
        // below twice the square's side the rule is spatstat's bw.ppl over the whole window, as before
        List<double[]> centres = new ArrayList<>();
        WeightedPoints all = towns(5, centres);
        double[] c = centres.get(0);
        double[] window = {c[0] - 40_000, c[1] - 40_000, c[0] + 40_000, c[1] + 40_000};
        List<double[]> inside = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.x()[i] >= window[0]
                    && all.x()[i] < window[2]
                    && all.y()[i] >= window[1]
                    && all.y()[i] < window[3]) {
                inside.add(new double[] {all.x()[i], all.y()[i]});
            }
        }
        WeightedPoints district = points(inside);
        assertThat(Kernel.QUARTIC.sigma(BandwidthRule.PPL.bandwidth(district, Kernel.QUARTIC, window)))
                .isCloseTo(BandwidthRule.pplSigma(district, window, BandwidthRule.PPL_SAMPLE), within(1e-9));
    }
}
