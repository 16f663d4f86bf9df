package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Knox near-repeat test: labels, counts against brute force, and a planted pattern found. */
class NearRepeatsTest {
    private static final KnoxTest.Params PARAMS = new KnoxTest.Params(
            new double[] {0, 100, 200, 400}, new double[] {0, 7, 14, 28}, KnoxTest.Metric.EUCLIDEAN, true, 99, 42);

    @Test
    void labelsSayExactlyWhatIsCounted() {
        assertThat(KnoxTest.labels(new double[] {0, 100, 200}, "m", true))
                .containsExactly("same location (0 m)", ">0 to <100 m", "100 to <200 m", "200 m or more");
        assertThat(KnoxTest.labels(new double[] {0, 7, 14}, "days", false))
                .containsExactly("0 to <7 days", "7 to <14 days", "14 days or more");
    }

    @Test
    void observedCountsEqualBruteForce() {
        Random random = new Random(8);
        int n = 300;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.rint(random.nextDouble() * 2000);
            y[i] = Math.rint(random.nextDouble() * 2000);
            t[i] = random.nextDouble() * 120;
        }
        x[1] = x[0];
        y[1] = y[0];
        KnoxTest.Result r = KnoxTest.run(x, y, t, PARAMS);
        long[][] expected = new long[5][4];
        double[] sEdges = {0, 100, 200, 400};
        double[] tEdges = {0, 7, 14, 28};
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double d = Math.hypot(x[i] - x[j], y[i] - y[j]);
                int s = d == 0 ? 0 : d < 100 ? 1 : d < 200 ? 2 : d < 400 ? 3 : 4;
                double gap = Math.abs(t[i] - t[j]);
                int c = gap < 7 ? 0 : gap < 14 ? 1 : gap < 28 ? 2 : 3;
                expected[s][c]++;
            }
        }
        for (int s = 0; s < 5; s++) {
            assertThat(r.observed()[s]).as(r.spaceLabels().get(s)).containsExactly(expected[s]);
        }
        assertThat(r.pairs()).isEqualTo((long) n * (n - 1) / 2);
        assertThat(sEdges).hasSize(4);
        assertThat(tEdges).hasSize(4);
    }

    @Test
    void plantedNearRepeatsAreFoundAndRandomDataIsNot() {
        Random random = new Random(3);
        int seeds = 150;
        int n = seeds * 3;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] t = new double[n];
        for (int k = 0; k < seeds; k++) {
            double bx = random.nextDouble() * 5000;
            double by = random.nextDouble() * 5000;
            double bt = random.nextDouble() * 365;
            for (int m = 0; m < 3; m++) {
                // each burglary followed by two more within 80 m and 6 days
                int i = k * 3 + m;
                x[i] = bx + (m == 0 ? 0 : random.nextDouble() * 55);
                y[i] = by + (m == 0 ? 0 : random.nextDouble() * 55);
                t[i] = bt + (m == 0 ? 0 : random.nextDouble() * 6);
            }
        }
        KnoxTest.Result planted = KnoxTest.run(x, y, t, PARAMS);
        // ">0 to <100 m" and "0 to <7 days"
        assertThat(planted.knoxRatio()[1][0]).isGreaterThan(5);
        assertThat(planted.p()[1][0]).isEqualTo(0.01);

        double[] shuffledTimes = t.clone();
        for (int i = 0; i < n; i++) {
            shuffledTimes[i] = random.nextDouble() * 365;
        }
        KnoxTest.Result chance = KnoxTest.run(x, y, shuffledTimes, PARAMS);
        assertThat(chance.knoxRatio()[3][1]).isBetween(0.7, 1.3);
        assertThat(chance.p()[1][0]).isGreaterThan(0.01);
        // reproducible with the seed
        assertThat(KnoxTest.run(x, y, t, PARAMS).expected()[1][0]).isEqualTo(planted.expected()[1][0]);
    }

    @Test
    void snappedPointsAreRecognisedAndRepeatsListed() {
        double[] x = {10, 10, 10, 50, 50, 90};
        double[] y = {20, 20, 20, 60, 60, 95};
        RepeatLocations.Snapping s = RepeatLocations.snapping(x, y);
        assertThat(s.distinctLocations()).isEqualTo(3);
        assertThat(s.snapped()).isTrue();
        assertThat(s.describe())
                .contains("6 incidents sit on 3 distinct points")
                .contains("83%");
        List<RepeatLocations.Location> repeats =
                RepeatLocations.find(WeightedPoints.unweighted(x, y), new long[] {5, 1, 9, 2, 3, 4}, 0, 2);
        assertThat(repeats).hasSize(2);
        assertThat(repeats.get(0).count()).isEqualTo(3);
        assertThat(repeats.get(0).first()).isEqualTo(1);
        assertThat(repeats.get(0).last()).isEqualTo(9);
        assertThat(repeats.get(0).members()).containsExactly(0, 1, 2);
        List<RepeatLocations.Location> near = RepeatLocations.find(
                WeightedPoints.unweighted(new double[] {0, 3, 100}, new double[] {0, 4, 0}),
                new long[] {1, 2, 3},
                5,
                2);
        assertThat(near).hasSize(1);
        assertThat(near.get(0).members()).containsExactly(0, 1);
    }

    @Test
    void refusesWhatItCannotAnswer() {
        assertThatThrownBy(() -> new KnoxTest.Params(
                        new double[] {10, 20}, new double[] {0, 7}, KnoxTest.Metric.EUCLIDEAN, false, 99, 1))
                .hasMessageContaining("starting at 0");
        assertThatThrownBy(() -> KnoxTest.run(new double[] {1, 2}, new double[] {1, 2}, new double[] {1, 2}, PARAMS))
                .hasMessageContaining("at least 3 incidents");
    }

    @Test
    void observedTableEqualsBaseRDistAndCutForBothMetrics(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        int n = 400;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] days = new double[n];
        StringBuilder csv = new StringBuilder("x,y,t\n");
        for (int i = 0; i < n; i++) {
            x[i] = 530_000 + random.nextInt(1500);
            y[i] = 180_000 + random.nextInt(1500);
            if (i % 10 == 0 && i > 0) {
                // some exact repeats, for the same-location band
                x[i] = x[i - 1];
                y[i] = y[i - 1];
            }
            days[i] = 19_000 + random.nextInt(90);
            csv.append((long) x[i])
                    .append(',')
                    .append((long) y[i])
                    .append(',')
                    .append((long) days[i])
                    .append('\n');
        }
        java.nio.file.Path data = dir.resolve("events.csv");
        java.nio.file.Files.writeString(data, csv);
        for (KnoxTest.Metric metric : KnoxTest.Metric.values()) {
            // integer coordinates: R's band [0, 0.5) is exactly "same location"
            String out = org.safemap.testing.RScript.run(String.format(
                    java.util.Locale.ROOT, """
                    d <- read.csv('%s')
                    s <- dist(cbind(d$x, d$y), method = '%s')
                    t <- dist(d$t)
                    tab <- table(cut(s, c(0, 0.5, 100, 200, 400, Inf), right = FALSE),
                                 cut(t, c(0, 7, 14, 21, Inf), right = FALSE))
                    write.table(unclass(tab), sep = ',', row.names = FALSE, col.names = FALSE)
                    """, data, metric.name().toLowerCase(java.util.Locale.ROOT)));
            KnoxTest.Result r = KnoxTest.run(
                    x,
                    y,
                    days,
                    new KnoxTest.Params(
                            new double[] {0, 100, 200, 400}, new double[] {0, 7, 14, 21}, metric, true, 19, 1));
            String[] rows = out.trim().split("\n");
            assertThat(rows).hasSize(5);
            for (int b = 0; b < 5; b++) {
                long[] fromR = java.util.Arrays.stream(rows[b].trim().split(","))
                        .mapToLong(Long::parseLong)
                        .toArray();
                assertThat(r.observed()[b])
                        .as(metric + " " + r.spaceLabels().get(b))
                        .containsExactly(fromR);
            }
        }
    }

    @Test
    void aPairExactlyOnABandEdgeFallsInTheBandStartingThere() {
        // 100 m and 7 days apart: "100 to <200 m" and "7 to <14 days", not the bands below
        KnoxTest.Result r = KnoxTest.run(
                new double[] {0, 100, 5000},
                new double[] {0, 0, 5000},
                new double[] {0, 7, 300},
                new KnoxTest.Params(
                        new double[] {0, 100, 200}, new double[] {0, 7, 14}, KnoxTest.Metric.EUCLIDEAN, false, 19, 1));
        assertThat(r.spaceLabels().get(1)).isEqualTo("100 to <200 m");
        assertThat(r.timeLabels().get(1)).isEqualTo("7 to <14 days");
        assertThat(r.observed()[1][1]).isEqualTo(1);
        assertThat(r.observed()[0][0]).isZero();
    }
}
