package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.safemap.testing.RScript;

class MannKendallTest {

    /**
     * Gilbert, R. O. (1987), Statistical Methods for Environmental Pollution Monitoring, Van Nostrand Reinhold,
     * ch. 16, p. 212: the worked example of the normal approximation with tied values (22 values; 20 six times, 23,
     * 26 and 30 twice each). The book reports Z = 3.1 (to one decimal). S = 111 was counted pair by pair (also in
     * R); VAR(S) from the tie formula by hand: [22·21·49 − (6·5·17 + 3·2·1·9)]/18 = 22074/18.
     */
    @Test
    void matchesGilbertsWorkedExampleWithTies() {
        double[] x = {20, 20, 20, 20, 15, 20, 20, 30, 27, 26, 23, 35, 25, 28, 70, 26, 24, 34, 32, 23, 50, 30};

        MannKendallResult r = MannKendall.test(x);

        assertThat(r.n()).isEqualTo(22);
        assertThat(r.s()).isEqualTo(111);
        assertThat(r.varianceS()).isCloseTo(22074.0 / 18, within(1e-9));
        assertThat(r.z()).isCloseTo(3.1, within(0.05)); // the book's rounded value
        assertThat(r.z()).isCloseTo(110 / Math.sqrt(22074.0 / 18), within(1e-12));
        assertThat(r.pValue()).isCloseTo(0.001682869, within(1e-8)); // 2·(1 − Φ(3.141148))
        assertThat(r.direction()).isEqualTo(TrendDirection.INCREASING);
        assertThat(r.significantDirection(0.05)).isEqualTo(TrendDirection.INCREASING);
    }

    /**
     * Hollander, M. and Wolfe, D. A. (1973), Nonparametric Statistical Methods, p. 187f: Hunter L lightness against
     * panel scores for nine lots of canned tuna (also the example in R's ?cor.test). The book's statistic is K = 16
     * (26 concordant, 10 discordant pairs), tau = 16/36. Ordering the scores by lightness makes it a trend series.
     */
    @Test
    void matchesHollanderAndWolfeKendallExample() {
        double[] lightness = {44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1};
        double[] score = {2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8};
        double[] series = new double[9];
        boolean[] used = new boolean[9];
        for (int k = 0; k < 9; k++) {
            int best = -1;
            for (int i = 0; i < 9; i++) {
                if (!used[i] && (best < 0 || lightness[i] < lightness[best])) {
                    best = i;
                }
            }
            used[best] = true;
            series[k] = score[best];
        }

        MannKendallResult r = MannKendall.test(series);

        assertThat(r.s()).isEqualTo(16);
        assertThat(r.tau()).isCloseTo(16.0 / 36, within(1e-15));
        assertThat(r.varianceS()).isCloseTo(9 * 8 * 23 / 18.0, within(1e-12)); // 92, no ties
        assertThat(r.z()).isCloseTo(15 / Math.sqrt(92), within(1e-12));
        assertThat(r.pValue()).isCloseTo(0.1179, within(1e-4)); // R: cor.test(exact = FALSE, continuity = TRUE)
    }

    /**
     * Worked by hand, comparing each value with every later one:
     * 1 → (2 +, 2 +, 3 +, 1 0) = +3; 2 → (2 0, 3 +, 1 −) = 0; 2 → (3 +, 1 −) = 0; 3 → (1 −) = −1; S = 2.
     * Two tie groups of two (the 1s and the 2s): Var(S) = (5·4·15 − 2·(2·1·9))/18 = 264/18.
     * tau-a = 2/10; tau-b = 2/√((10 − 2)·10).
     */
    @Test
    void handlesTiesAsWorkedByHand() {
        MannKendallResult r = MannKendall.test(new double[] {1, 2, 2, 3, 1});

        assertThat(r.s()).isEqualTo(2);
        assertThat(r.varianceS()).isCloseTo(264.0 / 18, within(1e-12));
        assertThat(r.z()).isCloseTo(1 / Math.sqrt(264.0 / 18), within(1e-12));
        assertThat(r.pValue()).isCloseTo(0.7940027, within(1e-7));
        assertThat(r.tau()).isCloseTo(0.2, within(1e-15));
        assertThat(r.tauB()).isCloseTo(2 / Math.sqrt(80), within(1e-15));
    }

    /**
     * The hand-worked example at mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt: 14 values, one tied
     * pair (12.9), 72 increases and 18 decreases, S = 54, V = 14·13·33/18 − 2·1·9/18, Z ≈ 2.9058, one-sided
     * p ≈ 0.0018 (we report two-sided).
     */
    @Test
    void matchesPublishedHandExampleWithOneTie() {
        double[] x = {12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7};

        MannKendallResult r = MannKendall.test(x);

        assertThat(r.s()).isEqualTo(54);
        assertThat(r.varianceS()).isCloseTo(14 * 13 * 33 / 18.0 - 1, within(1e-12));
        assertThat(r.z()).isCloseTo(2.9058, within(1e-4));
        assertThat(r.pValue() / 2).isCloseTo(0.0018, within(1e-4));
    }

    /** The tie-corrected variance is the exact variance of S over every ordering of the same values (H0). */
    @Test
    void varianceEqualsExactPermutationVarianceWithTies() {
        double[] values = {1, 1, 1, 2, 2, 3, 4};
        double sumSquares = 0;
        int count = 0;
        List<double[]> orderings = new ArrayList<>();
        permute(values, 0, orderings);
        for (double[] ordering : orderings) {
            long s = MannKendall.test(ordering).s();
            sumSquares += (double) s * s;
            count++;
        }
        assertThat(count).isEqualTo(5040);

        double exactVariance = sumSquares / count; // E[S] = 0 by symmetry
        assertThat(MannKendall.test(values).varianceS()).isCloseTo(exactVariance, within(1e-9));
        // 7·6·19/18 − (3·2·11 + 2·1·9)/18 = (798 − 84)/18
        assertThat(exactVariance).isCloseTo(714.0 / 18, within(1e-9));
    }

    @Test
    void reversingTheSeriesFlipsSButKeepsP() {
        Random random = new Random(42);
        double[] x = new double[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(random.nextGaussian() * 3 + i * 0.1);
        }
        double[] negated = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            negated[i] = -x[i];
        }

        MannKendallResult up = MannKendall.test(x);
        MannKendallResult down = MannKendall.test(negated);

        assertThat(up.s()).isNotZero();
        assertThat(down.s()).isEqualTo(-up.s());
        assertThat(down.z()).isEqualTo(-up.z());
        assertThat(down.pValue()).isEqualTo(up.pValue());
        assertThat(down.direction()).isEqualTo(TrendDirection.DECREASING);
    }

    @Test
    void fewerThanThreeValuesHaveNoTrend() {
        MannKendallResult one = MannKendall.test(new double[] {5});
        MannKendallResult two = MannKendall.test(new double[] {1, 9});

        assertThat(one.s()).isZero();
        assertThat(one.pValue()).isEqualTo(1.0);
        assertThat(one.z()).isZero();
        assertThat(one.tau()).isZero();
        assertThat(two.s()).isEqualTo(1);
        assertThat(two.pValue()).isEqualTo(1.0);
        assertThat(two.z()).isZero();
        assertThat(two.significantDirection(0.5)).isEqualTo(TrendDirection.NONE);
    }

    @Test
    void constantSeriesHasNoTrend() {
        MannKendallResult r = MannKendall.test(new double[] {2, 2, 2, 2, 2, 2});

        assertThat(r.s()).isZero();
        assertThat(r.varianceS()).isZero();
        assertThat(r.z()).isZero();
        assertThat(r.pValue()).isEqualTo(1.0);
        assertThat(r.tauB()).isZero();
        assertThat(r.direction()).isEqualTo(TrendDirection.NONE);
    }

    @Test
    void perfectlyIncreasingSeriesIsHighlySignificant() {
        double[] x = new double[100];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        MannKendallResult r = MannKendall.test(x);

        assertThat(r.s()).isEqualTo(4950);
        assertThat(r.varianceS()).isEqualTo(112750.0);
        assertThat(r.tau()).isEqualTo(1.0);
        assertThat(r.pValue()).isLessThan(1e-40);
    }

    @Test
    void refusesMissingAndNonFiniteValues() {
        assertThatThrownBy(() -> MannKendall.test(new double[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MannKendall.test(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MannKendall.test(new double[] {1, Double.NaN, 3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step 1");
        assertThatThrownBy(() -> MannKendall.test(new double[] {1, 2, Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step 2");
    }

    /**
     * R's {@code cor.test(x, time, method = "kendall", exact = FALSE, continuity = TRUE)} has z = S_cc / √Var with
     * Var = (v0 − vt − vu)/18 + v1/(2n(n−1)) + v2/(9n(n−1)(n−2)); time has no ties, so vu = v1 = v2 = 0 and Var is the
     * Mann-Kendall tie-corrected variance: the same z and p with or without ties in the values, and its tau is
     * tau-b. Checked here on 200 seeded series of 3 to 520 steps, half with heavy ties.
     */
    @Test
    void agreesWithRCorTestKendall() throws IOException {
        Random random = new Random(20240611);
        List<double[]> series = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            int n = k < 20 ? 3 + k : 3 + random.nextInt(518);
            double[] x = new double[n];
            double slope = random.nextGaussian() * 0.02;
            boolean ties = k % 2 == 0;
            for (int i = 0; i < n; i++) {
                double v = random.nextGaussian() * 2 + slope * i;
                x[i] = ties ? Math.round(v) : v;
            }
            x[0] += 0.5; // never all tied
            series.add(x);
        }
        StringBuilder data = new StringBuilder();
        for (double[] x : series) {
            StringJoiner line = new StringJoiner(",");
            for (double v : x) {
                line.add(String.format(Locale.ROOT, "%.17g", v));
            }
            data.append(line).append('\n');
        }
        Path file = Files.createTempFile("mk-", ".csv");
        try {
            Files.writeString(file, data);
            String out = RScript.run("""
                    lines <- readLines('%s')
                    for (l in lines) {
                      x <- as.numeric(strsplit(l, ',')[[1]])
                      r <- suppressWarnings(cor.test(x, seq_along(x), method = 'kendall', exact = FALSE,
                                                     continuity = TRUE))
                      cat(sprintf('%%.17g %%.17g %%.17g\\n', r$statistic, r$p.value, r$estimate))
                    }
                    """.formatted(file.toString().replace("\\", "/")));
            String[] rows = out.strip().split("\n");
            assertThat(rows).hasSize(series.size());
            double worstZ = 0;
            double worstP = 0;
            double worstTau = 0;
            for (int k = 0; k < rows.length; k++) {
                String[] f = rows[k].trim().split("\\s+");
                MannKendallResult r = MannKendall.test(series.get(k));
                worstZ = Math.max(worstZ, Math.abs(r.z() - Double.parseDouble(f[0])));
                worstP = Math.max(worstP, Math.abs(r.pValue() - Double.parseDouble(f[1])));
                worstTau = Math.max(worstTau, Math.abs(r.tauB() - Double.parseDouble(f[2])));
            }
            assertThat(worstZ).isLessThan(1e-9);
            assertThat(worstP).isLessThan(1e-12);
            assertThat(worstTau).isLessThan(1e-12);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void permute(double[] a, int k, List<double[]> out) {
        if (k == a.length) {
            out.add(a.clone());
            return;
        }
        for (int i = k; i < a.length; i++) {
            double t = a[k];
            a[k] = a[i];
            a[i] = t;
            permute(a, k + 1, out);
            a[i] = a[k];
            a[k] = t;
        }
    }
}
