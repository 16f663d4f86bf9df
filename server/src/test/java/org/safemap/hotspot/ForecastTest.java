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
        // whichever terms the fit chose, each of them reads nothing from the forecast month on
        Forecast.Params every =
                fit.params().with(new Forecast.SecondScale(800, 0.25)).with(new Forecast.NearRepeat(1, 200, 0.25));
        assertThat(Forecast.score(leaked, every)).containsExactly(Forecast.score(training, every));
        assertThat(Forecast.score(training, every)).isNotEqualTo(Forecast.score(training, fit.params()));
    }

    @Test
    void stableExactLocationsAreLearntAsTheCountBlend() {
        Forecast.Fit fit = Forecast.fit(months(6, List.of()));
        // the same five cells carry half of every month: the exact-place count predicts them best
        assertThat(fit.params().blend()).isGreaterThanOrEqualTo(0.75);
        assertThat(fit.validationPai()).isGreaterThan(10);
        assertThat(fit.candidates()).isEqualTo(138);
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

    /**
     * Incidents that follow last month's: every month 40 incidents at random, and next month one within 150 m of each
     * of them (the near repeats), so where crime was last month says where it will be, and older months say little.
     */
    private static Forecast.Training nearRepeats(int months, List<double[]> extra) {
        Random random = new Random(5);
        List<double[]> pts = new ArrayList<>();
        List<double[]> previous = new ArrayList<>();
        for (int m = 0; m < months; m++) {
            List<double[]> now = new ArrayList<>();
            for (double[] q : previous) {
                double angle = random.nextDouble() * 2 * Math.PI;
                double r = 50 + random.nextDouble() * 100;
                now.add(new double[] {q[0] + r * Math.cos(angle), q[1] + r * Math.sin(angle), m});
            }
            for (int k = 0; k < 40; k++) {
                now.add(new double[] {200 + random.nextDouble() * 3600, 200 + random.nextDouble() * 3600, m});
            }
            pts.addAll(now);
            previous = now.subList(now.size() - 40, now.size());
        }
        pts.addAll(extra);
        return training(pts, months);
    }

    private static Forecast.Training training(List<double[]> pts, int months) {
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

    /**
     * On months where each month's incidents follow the last month's within 150 m, whatever the fit chooses (the
     * first stage's surfaces with τ 1 month describe such months about as well as the near-repeat term, so which wins
     * is a matter of a few incidents) reads nothing from the forecast month on, and neither does any term forced in.
     */
    @Test
    void nearRepeatFitsNeverReadTheForecastMonth() {
        Forecast.Training training = nearRepeats(6, List.of());
        Forecast.Fit fit = Forecast.fit(training);
        assertThat(fit.candidates()).isEqualTo(138);
        // a burst in the forecast month and after, next to last month's incidents, where the uplift looks
        List<double[]> future = new ArrayList<>();
        for (int k = 0; k < 400; k++) {
            double[] q = {
                training.points().x()[training.points().size() - 1 - k % 40],
                training.points().y()[training.points().size() - 1 - k % 40]
            };
            future.add(new double[] {q[0] + 60, q[1], 6 + k % 2});
        }
        Forecast.Training leaked = nearRepeats(6, future);
        assertThat(Forecast.fit(leaked)).isEqualTo(fit);
        assertThat(Forecast.score(leaked, fit.params())).containsExactly(Forecast.score(training, fit.params()));
        Forecast.Params uplifted = fit.params().with(new Forecast.NearRepeat(0.5, 100, 0.5));
        assertThat(Forecast.score(leaked, uplifted)).containsExactly(Forecast.score(training, uplifted));
        // and the uplift itself, from any origin, reads nothing from that origin on
        for (int origin = 1; origin <= 6; origin++) {
            assertThat(Forecast.nearRepeat(leaked, origin, 1, 100))
                    .containsExactly(Forecast.nearRepeat(training, origin, 1, 100));
        }
    }

    @Test
    void nearRepeatUpliftIsTheDirectSumOverRecentIncidents() {
        // two incidents: one a month old at a cell centre, one two months old 250 m east of it
        List<double[]> pts = List.of(new double[] {2050, 2050, 3}, new double[] {2300, 2050, 2});
        Forecast.Training t = training(pts, 4);
        double[] got = Forecast.nearRepeat(t, 4, 1, 100);
        for (int c = 0; c < GRID.cellCount(); c++) {
            double cx = GRID.centreX(c % GRID.columns());
            double cy = GRID.centreY(c / GRID.columns());
            double want = 0;
            double d1 = Math.hypot(cx - 2050, cy - 2050);
            double d2 = Math.hypot(cx - 2300, cy - 2050);
            want += d1 <= 400 ? Math.exp(-d1 / 100) : 0;
            want += d2 <= 400 ? Math.exp(-1.0) * Math.exp(-d2 / 100) : 0;
            assertThat(got[c]).as("cell %d", c).isCloseTo(want, org.assertj.core.api.Assertions.within(1e-12));
        }
        // seen from month 3, the month-3 incident is the forecast month's and adds nothing
        assertThat(Forecast.nearRepeat(t, 3, 1, 100)[GRID.cellOf(2050, 2050)])
                .isCloseTo(Math.exp(-250.0 / 100), org.assertj.core.api.Assertions.within(1e-12));
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
