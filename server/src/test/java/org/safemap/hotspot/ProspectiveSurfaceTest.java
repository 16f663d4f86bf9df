package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ProspectiveSurfaceTest {
    private static final long WEEK = 7L * 24 * 3600;

    @Test
    void oneBurglaryByHand() {
        Grid grid = new Grid(0, 0, 50, 5, 5);
        // in cell (2, 2), ten days (one whole week) before the prediction time
        WeightedPoints p = WeightedPoints.unweighted(new double[] {125}, new double[] {125});
        double[] r = new ProspectiveSurface(3, 8).risk(grid, p, new long[] {0}, 10 * 24 * 3600);
        assertThat(r[grid.index(2, 2)]).isCloseTo(1 / (1.0 * 2), within(1e-12));
        assertThat(r[grid.index(3, 3)]).isCloseTo(1 / (2.0 * 2), within(1e-12));
        assertThat(r[grid.index(4, 2)]).isCloseTo(1 / (3.0 * 2), within(1e-12));
        assertThat(r[grid.index(0, 0)]).isCloseTo(1 / (3.0 * 2), within(1e-12));
    }

    @Test
    void equalsBruteForceAndIgnoresTheFutureAndTheOld() {
        Grid grid = new Grid(1000, 2000, 50, 30, 20);
        Random random = new Random(2);
        int n = 300;
        double[] x = new double[n];
        double[] y = new double[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1000 + random.nextDouble() * 1500;
            y[i] = 2000 + random.nextDouble() * 1000;
            t[i] = (long) (random.nextDouble() * 12 * WEEK);
        }
        long at = 10 * WEEK;
        ProspectiveSurface s = ProspectiveSurface.DEFAULT;
        double[] r = s.risk(grid, WeightedPoints.unweighted(x, y), t, at);
        for (int j = 0; j < grid.rows(); j++) {
            for (int i = 0; i < grid.columns(); i++) {
                double expected = 0;
                for (int k = 0; k < n; k++) {
                    long weeks = (at - t[k]) / WEEK;
                    int d = Math.max(Math.abs(grid.column(x[k]) - i), Math.abs(grid.row(y[k]) - j));
                    if (t[k] <= at && weeks < 8 && d < 8) {
                        expected += 1.0 / ((1 + d) * (1.0 + weeks));
                    }
                }
                assertThat(r[grid.index(i, j)]).isCloseTo(expected, within(1e-9));
            }
        }
    }
}
