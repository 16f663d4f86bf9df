package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EmergingHotspotsTest {
    private static final NormalDistribution N01 = NormalDistribution.of(0, 1);
    private static final EmergingRules RULES = EmergingRules.DEFAULT;

    /** Two-sided Gi* p-values for the z-scores, as the Gi* step reports them: significant at 0.05 iff |z| > 1.96. */
    private static double[] p(double[] z) {
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = 2 * N01.cumulativeProbability(-Math.abs(z[i]));
        }
        return p;
    }

    private static double[] negate(double[] z) {
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = -z[i];
        }
        return out;
    }

    private static double[] ramp(int n, double from, double to) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = from + (to - from) * i / (n - 1);
        }
        return out;
    }

    private static double[] concat(double[] a, double... b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One hand-built series per hot class, oldest first; |z| > 1.96 is significant at α = 0.05. */
    static Stream<Arguments> hotSeries() {
        return Stream.of(
                Arguments.of("new: hot only in the final step", EmergingClass.NEW_HOT, new double[] {
                    0.1, -0.5, 0.3, 1.0, 0.2, -1.0, 0.5, 0.0, 1.2, 3.0
                }),
                Arguments.of("consecutive: one run of three at the end", EmergingClass.CONSECUTIVE_HOT, new double[] {
                    0.1, -0.5, 0.3, 1.0, 0.2, -1.0, 0.5, 2.5, 2.8, 3.1
                }),
                Arguments.of("consecutive: a run of exactly two", EmergingClass.CONSECUTIVE_HOT, new double[] {
                    0.1, -0.5, 0.3, 1.0, 0.2, -1.0, 0.5, 1.5, 2.8, 3.1
                }),
                Arguments.of(
                        "intensifying: hot every step, rising", EmergingClass.INTENSIFYING_HOT, ramp(10, 2.1, 3.9)),
                Arguments.of("persistent: hot every step, no trend", EmergingClass.PERSISTENT_HOT, new double[] {
                    3.0, 2.5, 2.9, 2.6, 3.1, 2.4, 2.8, 2.7, 3.0, 2.5
                }),
                Arguments.of("diminishing: hot every step, falling", EmergingClass.DIMINISHING_HOT, ramp(10, 3.9, 2.1)),
                Arguments.of("sporadic: on and off, never cold", EmergingClass.SPORADIC_HOT, new double[] {
                    3.0, 0.2, 0.1, 2.5, 0.3, -1.5, 0.0, 0.4, 0.2, 2.7
                }),
                Arguments.of(
                        "sporadic: a run at the end after an earlier hot step",
                        EmergingClass.SPORADIC_HOT,
                        new double[] {0.1, 2.5, 0.3, 1.0, 0.2, -1.0, 0.5, 2.5, 2.8, 3.1}),
                Arguments.of("oscillating: hot now, cold before", EmergingClass.OSCILLATING_HOT, new double[] {
                    -3.0, 0.1, 2.5, 0.3, 1.0, 0.2, -1.0, 0.5, 0.4, 2.5
                }),
                Arguments.of("historical: hot 9 of 10, not now", EmergingClass.HISTORICAL_HOT, new double[] {
                    3, 3, 3, 3, 3, 3, 3, 3, 3, 0.5
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hotSeries")
    void classifiesHandBuiltHotSeries(String description, EmergingClass expected, double[] z) {
        assertThat(EmergingHotspots.classify(z, p(z), RULES)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "cold mirror of {0}")
    @MethodSource("hotSeries")
    void classifiesTheirColdMirrors(String description, EmergingClass expected, double[] z) {
        EmergingClass cold = EmergingHotspots.classify(negate(z), p(z), RULES);
        assertThat(cold).isEqualTo(expected.mirror());
        assertThat(cold.isCold()).isTrue();
    }

    @Test
    void handBuiltSeriesCoverAllSeventeenClasses() {
        Set<EmergingClass> seen = EnumSet.noneOf(EmergingClass.class);
        hotSeries().forEach(a -> {
            double[] z = (double[]) a.get()[2];
            seen.add(EmergingHotspots.classify(z, p(z), RULES));
            seen.add(EmergingHotspots.classify(negate(z), p(z), RULES));
        });
        double[] quiet = {0.1, -0.5, 0.3, 1.0, 0.2, -1.0, 0.5, 0.0, 1.2, 1.9};
        seen.add(EmergingHotspots.classify(quiet, p(quiet), RULES));
        assertThat(seen).containsExactlyInAnyOrder(EmergingClass.values());
    }

    @Test
    void noPatternWhenNeverSignificantOrWhenAnOldHotSpotHasFaded() {
        double[] quiet = {0.1, -0.5, 0.3, 1.0, 0.2, -1.0, 0.5, 0.0, 1.2, 1.9};
        double[] faded = {3, 3, 3, 3, 3, 0.2, 0.1, 0.3, 0.2, 0.1}; // hot 5 of 10, not now: not historical
        assertThat(EmergingHotspots.classify(quiet, p(quiet), RULES)).isEqualTo(EmergingClass.NO_PATTERN);
        assertThat(EmergingHotspots.classify(faded, p(faded), RULES)).isEqualTo(EmergingClass.NO_PATTERN);
    }

    @Test
    void historicalBeatsPersistentAndTrendWhenTheFinalStepIsNotHot() {
        // Hot in 9 of 10 steps with a significant falling trend, final step not significant.
        double[] z = concat(ramp(9, 4.0, 2.2), 1.0);
        assertThat(MannKendall.test(z).significantDirection(0.05)).isEqualTo(TrendDirection.DECREASING);
        assertThat(EmergingHotspots.classify(z, p(z), RULES)).isEqualTo(EmergingClass.HISTORICAL_HOT);
    }

    @Test
    void aMostlyHotLocationThatTurnsColdIsOscillatingCold() {
        double[] z = {3, 3, 3, 3, 3, 3, 3, 3, 3, -2.5};
        assertThat(EmergingHotspots.classify(z, p(z), RULES)).isEqualTo(EmergingClass.OSCILLATING_COLD);
    }

    @Test
    void coldHistoryMakesOscillatingRatherThanNewOrConsecutive() {
        double[] once = {-3.0, 0.1, 0.2, 0.3, 0.1, 0.2, 0.1, 0.4, 0.1, 2.5};
        double[] run = {-3.0, 0.1, 0.2, 0.3, 0.1, 0.2, 0.1, 2.4, 2.6, 2.5};
        assertThat(EmergingHotspots.classify(once, p(once), RULES)).isEqualTo(EmergingClass.OSCILLATING_HOT);
        assertThat(EmergingHotspots.classify(run, p(run), RULES)).isEqualTo(EmergingClass.OSCILLATING_HOT);
    }

    @Test
    void ninetyPercentOfTwelveStepsMeansElevenNotTen() {
        assertThat(RULES.requiredSteps(12)).isEqualTo(11);
        assertThat(RULES.requiredSteps(10)).isEqualTo(9);
        assertThat(RULES.requiredSteps(30)).isEqualTo(27);
        assertThat(RULES.requiredSteps(120)).isEqualTo(108);
        assertThat(RULES.requiredSteps(9)).isEqualTo(9);
        assertThat(new EmergingRules(0.05, 0.05, 0.55).requiredSteps(100)).isEqualTo(55); // 55.00000000000001
        // Hot in the last 10 of 12 steps (83%), rising: one run that started late, so consecutive.
        double[] ten = concat(new double[] {0.5, 0.4}, ramp(10, 2.1, 3.9));
        // Hot in the last 11 of 12 steps (92%), rising significantly: intensifying.
        double[] eleven = concat(new double[] {0.5}, ramp(11, 2.1, 3.9));
        assertThat(EmergingHotspots.classify(ten, p(ten), RULES)).isEqualTo(EmergingClass.CONSECUTIVE_HOT);
        assertThat(EmergingHotspots.classify(eleven, p(eleven), RULES)).isEqualTo(EmergingClass.INTENSIFYING_HOT);
    }

    @Test
    void exactlyNinetyPercentCountsAsNinetyPercent() {
        double[] z = concat(new double[] {0.5}, ramp(9, 2.1, 3.9)); // 9 of 10
        assertThat(EmergingHotspots.classify(z, p(z), RULES)).isEqualTo(EmergingClass.INTENSIFYING_HOT);
    }

    @Test
    void trendAlphaDecidesBetweenIntensifyingAndPersistent() {
        double[] z = {2.2, 2.5, 2.3, 2.6, 2.4, 2.7, 2.5, 2.8, 2.6, 2.9};
        double trendP = MannKendall.test(z).pValue();
        assertThat(trendP).isBetween(0.001, 0.05);
        assertThat(EmergingHotspots.classify(z, p(z), RULES)).isEqualTo(EmergingClass.INTENSIFYING_HOT);
        EmergingRules strict = new EmergingRules(0.05, 0.001, 0.9);
        assertThat(EmergingHotspots.classify(z, p(z), strict)).isEqualTo(EmergingClass.PERSISTENT_HOT);
    }

    @Test
    void significanceIsStrictlyBelowAlphaAndUsesTheGivenPValues() {
        double[] z = {0, 0, 0, 3};
        assertThat(EmergingHotspots.classify(z, new double[] {1, 1, 1, 0.05}, RULES))
                .isEqualTo(EmergingClass.NO_PATTERN);
        assertThat(EmergingHotspots.classify(z, new double[] {1, 1, 1, 0.0499}, RULES))
                .isEqualTo(EmergingClass.NEW_HOT);
        // A large z whose (say, FDR-adjusted) p is not significant is not a hot spot.
        assertThat(EmergingHotspots.classify(z, new double[] {1, 1, 1, 0.2}, RULES))
                .isEqualTo(EmergingClass.NO_PATTERN);
        // At α = 0.10 (ArcGIS's 90% confidence bins) the same step is hot.
        assertThat(EmergingHotspots.classify(z, new double[] {1, 1, 1, 0.08}, new EmergingRules(0.10, 0.05, 0.9)))
                .isEqualTo(EmergingClass.NEW_HOT);
    }

    @Test
    void twoStepSeries() {
        double[][] cases = {{0, 3}, {3, 3}, {3, 0}, {-3, 3}};
        EmergingClass[] expected = {
            EmergingClass.NEW_HOT, EmergingClass.PERSISTENT_HOT, EmergingClass.NO_PATTERN, EmergingClass.OSCILLATING_HOT
        };
        for (int i = 0; i < cases.length; i++) {
            assertThat(EmergingHotspots.classify(cases[i], p(cases[i]), RULES))
                    .as("case %d", i)
                    .isEqualTo(expected[i]);
        }
    }

    @Test
    void refusesBadInput() {
        double[] ok = {1, 2, 3};
        assertThatThrownBy(() -> EmergingHotspots.classify(new double[] {3}, new double[] {0.01}, RULES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 time steps");
        assertThatThrownBy(() -> EmergingHotspots.classify(ok, new double[] {0.1, 0.1}, RULES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 z-scores but 2 p-values");
        assertThatThrownBy(() -> EmergingHotspots.classify(new double[] {1, Double.NaN, 3}, p(ok), RULES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step 1");
        assertThatThrownBy(() -> EmergingHotspots.classify(ok, new double[] {0.1, 1.5, 0.1}, RULES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step 1");
        assertThatThrownBy(() -> EmergingHotspots.classify(ok, p(ok), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmergingRules(0, 0.05, 0.9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmergingRules(0.05, 1, 0.9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmergingRules(0.05, 0.05, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classesHaveStableCodesAndPublishedLabels() {
        assertThat(EmergingClass.values()).hasSize(17);
        assertThat(EmergingClass.NEW_HOT.code()).isEqualTo("new_hot");
        assertThat(EmergingClass.NEW_HOT.label()).isEqualTo("New Hot Spot");
        assertThat(EmergingClass.OSCILLATING_COLD.code()).isEqualTo("oscillating_cold");
        assertThat(EmergingClass.OSCILLATING_COLD.label()).isEqualTo("Oscillating Cold Spot");
        assertThat(EmergingClass.NO_PATTERN.label()).isEqualTo("No Pattern Detected");
        Set<String> codes = new HashSet<>();
        for (EmergingClass c : EmergingClass.values()) {
            assertThat(codes.add(c.code())).isTrue();
            assertThat(EmergingClass.ofCode(c.code())).isEqualTo(c);
            assertThat(c.mirror().mirror()).isEqualTo(c);
            assertThat(c.label().replace("Hot", "Cold"))
                    .isEqualTo(c.isHot() ? c.mirror().label() : c.label());
        }
    }

    @Test
    void assessReportsCountsAndTrend() {
        double[] z = ramp(10, 2.1, 3.9);
        EmergingAssessment a = EmergingHotspots.assess(z, p(z), RULES);
        assertThat(a.emergingClass()).isEqualTo(EmergingClass.INTENSIFYING_HOT);
        assertThat(a.hotSteps()).isEqualTo(10);
        assertThat(a.coldSteps()).isZero();
        assertThat(a.steps()).isEqualTo(10);
        assertThat(a.trend().s()).isEqualTo(45);
    }

    @Test
    void classifyAllReadsTimeSlicesAndMatchesOneByOne() {
        Random random = new Random(7);
        int locations = 300;
        int steps = 24;
        double[] z = new double[locations * steps];
        for (int i = 0; i < locations; i++) {
            double[] series = randomSeries(random, steps);
            for (int t = 0; t < steps; t++) {
                z[t * locations + i] = series[t];
            }
        }
        double[] p = p(z);
        EmergingClass[] all = EmergingHotspots.classifyAll(z, p, locations, steps, RULES);
        for (int i = 0; i < locations; i++) {
            double[] zs = new double[steps];
            double[] ps = new double[steps];
            for (int t = 0; t < steps; t++) {
                zs[t] = z[t * locations + i];
                ps[t] = p[t * locations + i];
            }
            assertThat(all[i]).isEqualTo(EmergingHotspots.classify(zs, ps, RULES));
        }
        assertThatThrownBy(() -> EmergingHotspots.classifyAll(z, p, locations + 1, steps, RULES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Negating every z-score (same p-values) gives the mirrored class, for 20,000 seeded series of 2-60 steps. */
    @Test
    void mirroredSeriesGetMirroredClass() {
        Random random = new Random(12345);
        Set<EmergingClass> seen = EnumSet.noneOf(EmergingClass.class);
        for (int k = 0; k < 20_000; k++) {
            double[] z = randomSeries(random, 2 + random.nextInt(59));
            double[] p = p(z);
            EmergingClass c = EmergingHotspots.classify(z, p, RULES);
            seen.add(c);
            assertThat(EmergingHotspots.classify(negate(z), p, RULES))
                    .as("series %d", k)
                    .isEqualTo(c.mirror());
        }
        assertThat(seen).containsExactlyInAnyOrder(EmergingClass.values()); // the property was tested on every class
    }

    /**
     * The class returned satisfies the published ArcGIS definition of that class, read literally, and NO_PATTERN is
     * returned only when no definition applies; checked on 20,000 seeded series.
     */
    @Test
    void everyClassSatisfiesItsLiteralPublishedDefinition() {
        Random random = new Random(99);
        for (int k = 0; k < 20_000; k++) {
            double[] z = randomSeries(random, 2 + random.nextInt(59));
            double[] p = p(z);
            EmergingClass c = EmergingHotspots.classify(z, p, RULES);
            if (c == EmergingClass.NO_PATTERN) {
                for (EmergingClass other : EmergingClass.values()) {
                    if (other != EmergingClass.NO_PATTERN) {
                        assertThat(literal(other, z, p))
                                .as("series %d matches %s", k, other)
                                .isFalse();
                    }
                }
            } else {
                assertThat(literal(c, z, p)).as("series %d as %s", k, c).isTrue();
            }
        }
    }

    /** The published definitions as written (hot side; cold by mirroring), with "ninety percent" as count/T ≥ 0.9. */
    private static boolean literal(EmergingClass c, double[] z, double[] p) {
        if (c.isCold()) {
            return literal(c.mirror(), negate(z), p);
        }
        int n = z.length;
        boolean[] hot = new boolean[n];
        boolean[] cold = new boolean[n];
        int hotCount = 0;
        for (int t = 0; t < n; t++) {
            hot[t] = p[t] < 0.05 && z[t] > 0;
            cold[t] = p[t] < 0.05 && z[t] < 0;
            hotCount += hot[t] ? 1 : 0;
        }
        boolean ninety = hotCount >= 0.9 * n - 1e-9;
        boolean finalHot = hot[n - 1];
        boolean anyCold = false;
        for (boolean b : cold) {
            anyCold |= b;
        }
        int runStart = n;
        while (runStart > 0 && hot[runStart - 1]) {
            runStart--;
        }
        boolean hotBeforeRun = false;
        for (int t = 0; t < runStart; t++) {
            hotBeforeRun |= hot[t];
        }
        MannKendallResult mk = MannKendall.test(z);
        boolean trend = mk.pValue() < 0.05;
        return switch (c) {
            case NEW_HOT -> finalHot && hotCount == 1;
            case CONSECUTIVE_HOT -> finalHot && n - runStart >= 2 && !hotBeforeRun && !ninety;
            case INTENSIFYING_HOT -> ninety && finalHot && trend && mk.s() > 0;
            case PERSISTENT_HOT -> ninety && !trend;
            case DIMINISHING_HOT -> ninety && finalHot && trend && mk.s() < 0;
            case SPORADIC_HOT -> finalHot && hotBeforeRun && !ninety && !anyCold;
            case OSCILLATING_HOT -> finalHot && anyCold && !ninety;
            case HISTORICAL_HOT -> !finalHot && ninety;
            default -> throw new AssertionError(c);
        };
    }

    /** Series that reach every class: mostly-hot, mostly-cold, on/off and quiet regimes, with and without a ramp. */
    private static double[] randomSeries(Random random, int n) {
        double[] z = new double[n];
        int regime = random.nextInt(6);
        double slope = random.nextBoolean() ? 0 : random.nextGaussian() * 0.15;
        double hotChance = switch (regime) {
            case 0 -> 0.97;
            case 1 -> 0.03;
            case 2 -> 0.5;
            default -> 0.2;
        };
        double coldChance = switch (regime) {
            case 1 -> 0.94;
            case 2 -> 0.2;
            case 3 -> 0.0;
            default -> 0.05;
        };
        for (int t = 0; t < n; t++) {
            double u = random.nextDouble();
            double base;
            if (u < hotChance) {
                base = 2.3 + random.nextDouble();
            } else if (u < hotChance + coldChance) {
                base = -2.3 - random.nextDouble();
            } else {
                base = random.nextGaussian() * 0.8;
            }
            double drift = slope * (t - n / 2.0);
            // Keep the ramp from flipping a step's sign or significance, so the regime decides the pattern.
            z[t] = Math.abs(base) > 1.96 ? Math.copySign(Math.max(2.0, Math.abs(base) + drift), base) : base;
        }
        if (random.nextInt(4) == 0) {
            z[n - 1] = random.nextGaussian() * 0.5; // final step quiet: historical or no pattern
        }
        return z;
    }
}
