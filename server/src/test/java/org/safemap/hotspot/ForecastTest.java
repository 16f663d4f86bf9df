package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The forecast's rolling-origin fit on synthetic months whose answer is known. */
class ForecastTest {
    private static final Grid GRID = new Grid(0, 0, 100, 40, 40);

    /** Incidents: every month, 30 at five fixed "snap points" and 30 scattered at random; plus extra points. */
    private static Forecast.Training months(int months, List<double[]> extra) {
        Random random = new Random(11);
        List<double[]> pts = new ArrayList<>();
        double[][] hot = {{550, 550}, {1250, 2050}, {3050, 950}, {2050, 3350}, {3650, 3650}};
        for (int m = 0; m < months; m++) {
            for (int k = 0; k < 30; k++) {
                double[] h = hot[k % hot.length];
                pts.add(new double[] {h[0], h[1], m});
                pts.add(new double[] {random.nextDouble() * 4000, random.nextDouble() * 4000, m});
            }
        }
        pts.addAll(extra);
        double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = pts.stream().mapToDouble(p -> p[1]).toArray();
        int[] month = pts.stream().mapToInt(p -> (int) p[2]).toArray();
        int[] place = new int[x.length];
        for (int i = 0; i < place.length; i++) {
            place[i] = GRID.cellOf(x[i], y[i]);
        }
        double[] area = new double[GRID.cellCount()];
        Arrays.fill(area, GRID.cellAreaKm2());
        return new Forecast.Training(
                WeightedPoints.unweighted(x, y), month, months, place, area, GRID, Function.identity());
    }

    @Test
    void incidentsInOrAfterTheForecastMonthAreNeverRead() {
        Forecast.Training training = months(6, List.of());
        // a burst in the month being forecast (month 6) and later, where the test period lies
        List<double[]> future = new ArrayList<>();
        for (int k = 0; k < 500; k++) {
            future.add(new double[] {150, 3850, 6 + k % 2});
        }
        Forecast.Training leaked = months(6, future);
        Forecast.Fit fit = Forecast.fit(training);
        Forecast.Fit fitWithFuture = Forecast.fit(leaked);
        assertThat(fitWithFuture).isEqualTo(fit);
        assertThat(fit.validationMonths()).containsExactly(3, 4, 5);
        assertThat(Forecast.score(leaked, fit.params())).containsExactly(Forecast.score(training, fit.params()));
    }

    @Test
    void stableExactLocationsAreLearntAsTheCountBlend() {
        Forecast.Fit fit = Forecast.fit(months(6, List.of()));
        // the same five cells carry half of every month: the exact-place count predicts them best
        assertThat(fit.params().blend()).isGreaterThanOrEqualTo(0.75);
        assertThat(fit.validationPai()).isGreaterThan(10);
        assertThat(fit.candidates()).isEqualTo(120);
        double[] score = Forecast.score(months(6, List.of()), fit.params());
        int top = 0;
        for (int c = 1; c < score.length; c++) {
            top = score[c] > score[top] ? c : top;
        }
        assertThat(List.of(
                        GRID.cellOf(550, 550),
                        GRID.cellOf(1250, 2050),
                        GRID.cellOf(3050, 950),
                        GRID.cellOf(2050, 3350),
                        GRID.cellOf(3650, 3650)))
                .contains(top);
    }

    @Test
    void oneMonthHasNothingToValidateOnAndSaysSo() {
        Forecast.Fit fit = Forecast.fit(months(1, List.of()));
        assertThat(fit.params()).isEqualTo(Forecast.DEFAULT);
        assertThat(fit.validationMonths()).isEmpty();
        assertThat(fit.validationPai()).isNaN();
    }

    @Test
    void shrinkageIsTheGammaPoissonPosteriorMeanRate() {
        // n ~ Poisson(λ a), λ ~ Gamma(shape α, rate α / r): E[λ | n] = (α + n) / (α / r + a), worked by hand
        double[] got =
                Forecast.shrunk(new double[] {3, 0, 3}, new double[] {100, 100, 0}, new double[] {0.01, 0.01, 0.01}, 2);
        assertThat(got[0]).isCloseTo(5 / 0.03, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(got[1]).isCloseTo(2 / 0.03, org.assertj.core.api.Assertions.within(1e-9));
        // a place with no neighbourhood is all but dropped, however many incidents it holds alone
        assertThat(got[2]).isLessThan(1e-6);
        // the busier neighbourhood lifts the same count: what a fixed blend of scaled maps cannot do place by place
        double[] pair = Forecast.shrunk(new double[] {2, 2}, new double[] {50, 400}, new double[] {0.01, 0.01}, 2);
        assertThat(pair[1]).isGreaterThan(pair[0]);
    }
}
