package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KernelDensityTest {

    /** The formulas typed out again, independently of {@link Kernel}, per m². */
    private static double reference(Kernel kernel, double d, double h) {
        double pi = Math.PI;
        return switch (kernel) {
            case QUARTIC -> d < h ? 3 / (pi * h * h) * Math.pow(1 - d * d / (h * h), 2) : 0;
            case EPANECHNIKOV -> d < h ? 2 / (pi * h * h) * (1 - d * d / (h * h)) : 0;
            case TRIANGULAR -> d < h ? 3 / (pi * h * h) * (1 - d / h) : 0;
            case UNIFORM -> d < h ? 1 / (pi * h * h) : 0;
            case GAUSSIAN -> d < 7 * h ? 1 / (2 * pi * h * h) * Math.exp(-d * d / (2 * h * h)) : 0;
        };
    }

    /** Every cell centre against every point, the slow and obvious way. */
    private static double[] directSum(WeightedPoints points, Grid grid, Kernel kernel, double h) {
        double[] out = new double[grid.cellCount()];
        for (int j = 0; j < grid.rows(); j++) {
            for (int i = 0; i < grid.columns(); i++) {
                double cx = grid.minX() + (i + 0.5) * grid.cellMetres();
                double cy = grid.minY() + (j + 0.5) * grid.cellMetres();
                double sum = 0;
                for (int p = 0; p < points.size(); p++) {
                    double d = Math.hypot(cx - points.x()[p], cy - points.y()[p]);
                    sum += points.weight()[p] * reference(kernel, d, h);
                }
                out[j * grid.columns() + i] = sum * 1e6;
            }
        }
        return out;
    }

    /**
     * The same sum taken point by point over the cells of each point's bounding square (every other cell is beyond its
     * reach), for inputs too large for {@link #directSum}.
     */
    private static double[] directSumNear(WeightedPoints points, Grid grid, Kernel kernel, double h) {
        double[] out = new double[grid.cellCount()];
        double reach = kernel.supportRadius(h);
        double cell = grid.cellMetres();
        for (int p = 0; p < points.size(); p++) {
            double px = points.x()[p];
            double py = points.y()[p];
            int i0 = Math.max(0, (int) Math.floor((px - reach - grid.minX()) / cell) - 1);
            int i1 = Math.min(grid.columns() - 1, (int) Math.ceil((px + reach - grid.minX()) / cell) + 1);
            int j0 = Math.max(0, (int) Math.floor((py - reach - grid.minY()) / cell) - 1);
            int j1 = Math.min(grid.rows() - 1, (int) Math.ceil((py + reach - grid.minY()) / cell) + 1);
            for (int j = j0; j <= j1; j++) {
                double cy = grid.minY() + (j + 0.5) * cell;
                for (int i = i0; i <= i1; i++) {
                    double cx = grid.minX() + (i + 0.5) * cell;
                    double d = Math.sqrt((cx - px) * (cx - px) + (cy - py) * (cy - py));
                    out[j * grid.columns() + i] += points.weight()[p] * reference(kernel, d, h) * 1e6;
                }
            }
        }
        return out;
    }

    private static WeightedPoints randomPoints(
            int n, long seed, double minX, double minY, double size, boolean weighted) {
        Random random = new Random(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            // a cluster and a background, some points beyond the grid so off-grid contributions are exercised
            boolean clustered = random.nextDouble() < 0.5;
            x[i] = clustered
                    ? minX + size * 0.3 + random.nextGaussian() * size * 0.05
                    : minX - 200 + random.nextDouble() * (size + 400);
            y[i] = clustered
                    ? minY + size * 0.6 + random.nextGaussian() * size * 0.05
                    : minY - 200 + random.nextDouble() * (size + 400);
            w[i] = weighted ? 1 + random.nextInt(5) : 1;
        }
        return new WeightedPoints(x, y, w);
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void everyKernelIntegratesToOne(Kernel kernel) {
        double h = 100;
        double reach = kernel.supportRadius(h);
        double cell = h / 200;
        int n = (int) Math.ceil(2 * reach / cell);
        // cells centred on the point, so the midpoint rule is symmetric about it
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double dy = -reach + (j + 0.5) * cell;
            for (int i = 0; i < n; i++) {
                double dx = -reach + (i + 0.5) * cell;
                sum += kernel.density(dx * dx + dy * dy, h);
            }
        }
        assertThat(sum * cell * cell).as(kernel + " integral").isCloseTo(1.0, within(2e-4));
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void kernelValuesAreTheDocumentedFormulas(Kernel kernel) {
        double h = 250;
        for (double d : new double[] {0, 1, 50, 125, 249.9, 250, 300, 1700, 1760}) {
            assertThat(kernel.density(d * d, h))
                    .as(kernel + " at " + d)
                    .isCloseTo(reference(kernel, d, h), within(1e-15));
        }
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void exactModeEqualsDirectSummation(Kernel kernel) {
        Grid grid = new Grid(333_000, 390_000, 25, 48, 37);
        WeightedPoints points = randomPoints(400, 7, grid.minX(), grid.minY(), 1000, true);
        double h = kernel == Kernel.GAUSSIAN ? 60 : 180;
        double[] expected = directSum(points, grid, kernel, h);
        Surface surface = KernelDensity.estimate(points, new KdeParams(grid, kernel, h, KdeMode.EXACT, false));
        assertEqualToPeak(surface.densityPerKm2(), expected, 1e-9);
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void exactModeEqualsDirectSummationWherePointsSitOnChordEnds(Kernel kernel) {
        // points on the lattice of cell centres shifted by whole cells: with h = 50 m and 10 m cells, distances of
        // exactly 50 m (0-50, 30-40) occur on every row, so each chord end is decided by the support's boundary itself
        Grid grid = new Grid(0, 0, 10, 40, 30);
        int n = 0;
        double[] x = new double[60 * 50];
        double[] y = new double[60 * 50];
        for (int b = -10; b < 40; b += 3) {
            for (int a = -10; a < 50; a += 2) {
                x[n] = 5 + 10 * a;
                y[n] = 5 + 10 * b;
                n++;
            }
        }
        WeightedPoints points = WeightedPoints.unweighted(java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
        double h = kernel == Kernel.GAUSSIAN ? 50 / 7.0 : 50;
        double[] expected = directSum(points, grid, kernel, h);
        Surface surface = KernelDensity.estimate(points, new KdeParams(grid, kernel, h, KdeMode.EXACT, false));
        assertEqualToPeak(surface.densityPerKm2(), expected, 1e-9);
    }

    @ParameterizedTest
    @EnumSource(
            value = Kernel.class,
            names = {"QUARTIC", "EPANECHNIKOV", "UNIFORM"})
    void exactModeEqualsDirectSummationAtTheFarNorthOfTheNationalGrid(Kernel kernel) {
        // Shetland: coordinates near 1.2 million metres, fractional, a cell much smaller than the bandwidth
        Grid grid = new Grid(445_000.5, 1_210_000.25, 7, 90, 70);
        WeightedPoints points = randomPoints(3_000, 13, grid.minX(), grid.minY(), 630, true);
        double[] expected = directSum(points, grid, kernel, 333.3);
        Surface surface = KernelDensity.estimate(points, new KdeParams(grid, kernel, 333.3, KdeMode.EXACT, false));
        assertEqualToPeak(surface.densityPerKm2(), expected, 1e-9);
    }

    @ParameterizedTest
    @EnumSource(
            value = Kernel.class,
            names = {"QUARTIC", "EPANECHNIKOV", "UNIFORM"})
    void exactModeEqualsDirectSummationForAMillionPoints(Kernel kernel) {
        // a dense clump, a uniform background and a band of points just beyond the support of the grid's top row's
        // neighbours, whose chords there are slivers: the case where running sums cancel the most
        Grid grid = new Grid(530_000, 180_000, 20, 150, 120);
        // a million for the quartic; the same mix at a fifth of the size for the others keeps the test's time sane
        int n = kernel == Kernel.QUARTIC ? 1_000_000 : 200_000;
        Random random = new Random(17);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        double h = 240;
        for (int i = 0; i < n; i++) {
            double kind = random.nextDouble();
            if (kind < 0.5) {
                x[i] = 531_000 + random.nextGaussian() * 60;
                y[i] = 181_000 + random.nextGaussian() * 60;
            } else if (kind < 0.8) {
                x[i] = 529_700 + random.nextDouble() * 3_600;
                y[i] = 179_700 + random.nextDouble() * 3_000;
            } else {
                x[i] = 529_700 + random.nextDouble() * 3_600;
                y[i] = grid.maxY() - 10 + h * (1 - 1e-4 * random.nextDouble());
            }
            w[i] = 1 + random.nextInt(3);
        }
        WeightedPoints points = new WeightedPoints(x, y, w);
        double[] expected = directSumNear(points, grid, kernel, h);
        Surface surface = KernelDensity.estimate(points, new KdeParams(grid, kernel, h, KdeMode.EXACT, false));
        assertEqualToPeak(surface.densityPerKm2(), expected, 1e-9);
    }

    @Test
    void exactModeSplitOverCoresEqualsDirectSummation() {
        Grid grid = new Grid(0, 0, 50, 24, 20);
        WeightedPoints points = randomPoints(30_000, 11, 0, 0, 1100, false);
        double[] expected = directSum(points, grid, Kernel.QUARTIC, 150);
        Surface surface = KernelDensity.estimate(points, KdeParams.of(grid, 150));
        assertEqualToPeak(surface.densityPerKm2(), expected, 1e-9);
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void onePointFarFromTheEdgeIntegratesToOneIncident(Kernel kernel) {
        Grid grid = new Grid(0, 0, 10, 300, 300);
        WeightedPoints one = WeightedPoints.unweighted(new double[] {1503}, new double[] {1497});
        double h = kernel == Kernel.GAUSSIAN ? 80 : 250;
        for (KdeMode mode : KdeMode.values()) {
            Surface s = KernelDensity.estimate(one, new KdeParams(grid, kernel, h, mode, false));
            assertThat(s.integral())
                    .as(kernel + " " + mode)
                    .isCloseTo(1.0, within(kernel == Kernel.UNIFORM ? 5e-3 : 1e-3));
        }
    }

    @Test
    void quarticPeakOfOnePointIsThreeOverPiHSquaredPerKm2() {
        // a cell centre exactly on the point: 3/(π·0.25²) = 15.28 incidents per km² for h = 250 m
        Grid grid = new Grid(-12.5, -12.5, 25, 1, 1);
        Surface s = KernelDensity.estimate(
                WeightedPoints.unweighted(new double[] {0}, new double[] {0}), KdeParams.of(grid, 250));
        assertThat(s.at(0, 0)).isCloseTo(3 / (Math.PI * 0.0625), within(1e-9));
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void fastModeIsCloseToExact(Kernel kernel) {
        Grid grid = new Grid(100_000, 200_000, 25, 120, 100);
        WeightedPoints points = randomPoints(5_000, 3, grid.minX(), grid.minY(), 2800, true);
        double h = kernel == Kernel.GAUSSIAN ? 100 : 250;
        KdeParams params = new KdeParams(grid, kernel, h, KdeMode.EXACT, false);
        double[] exact = KernelDensity.estimate(points, params).densityPerKm2();
        double[] fast =
                KernelDensity.estimate(points, params.with(KdeMode.FAST)).densityPerKm2();
        double max = 0;
        double worst = 0;
        for (int c = 0; c < exact.length; c++) {
            max = Math.max(max, exact[c]);
            worst = Math.max(worst, Math.abs(fast[c] - exact[c]));
        }
        // the bound documented in docs/hotspots.md for cells of a tenth of the bandwidth
        double bound = kernel == Kernel.UNIFORM ? 0.05 : 0.005;
        assertThat(worst / max)
                .as(kernel + " worst error relative to the maximum")
                .isLessThan(bound);
    }

    @Test
    void weightsScaleTheDensity() {
        Grid grid = new Grid(0, 0, 20, 30, 30);
        WeightedPoints points = randomPoints(200, 5, 0, 0, 600, false);
        double[] w = new double[points.size()];
        java.util.Arrays.fill(w, 3.0);
        double[] once = KernelDensity.estimate(points, KdeParams.of(grid, 120)).densityPerKm2();
        double[] thrice = KernelDensity.estimate(new WeightedPoints(points.x(), points.y(), w), KdeParams.of(grid, 120))
                .densityPerKm2();
        for (int c = 0; c < once.length; c++) {
            assertThat(thrice[c]).isCloseTo(3 * once[c], within(1e-9 * Math.max(1, once[c])));
        }
    }

    @Test
    void edgeCorrectionLiftsTheEdgesOfAnEvenPatternToTheInteriorLevel() {
        // points on a fine lattice over exactly the window: the true intensity is the same everywhere
        Grid grid = new Grid(0, 0, 20, 50, 50);
        int side = 200;
        double[] x = new double[side * side];
        double[] y = new double[side * side];
        for (int j = 0; j < side; j++) {
            for (int i = 0; i < side; i++) {
                x[j * side + i] = (i + 0.5) * 5;
                y[j * side + i] = (j + 0.5) * 5;
            }
        }
        WeightedPoints lattice = WeightedPoints.unweighted(x, y);
        double intensity = lattice.size() / 1.0; // 40,000 points on 1 km²
        for (KdeMode mode : KdeMode.values()) {
            KdeParams params = new KdeParams(grid, Kernel.QUARTIC, 150, mode, false);
            Surface raw = KernelDensity.estimate(lattice, params);
            Surface corrected = KernelDensity.estimate(lattice, params.withEdgeCorrection(true));
            assertThat(raw.at(0, 0)).as("uncorrected corner is about a quarter").isLessThan(0.4 * intensity);
            assertThat(corrected.at(0, 0)).as(mode + " corner").isCloseTo(intensity, within(0.03 * intensity));
            assertThat(corrected.at(0, 25)).as(mode + " edge").isCloseTo(intensity, within(0.03 * intensity));
            assertThat(corrected.at(25, 25)).as(mode + " interior unchanged").isCloseTo(raw.at(25, 25), within(1e-9));
        }
    }

    @Test
    void windowMasksCellsOutsideAsNoData() {
        Grid grid = new Grid(0, 0, 100, 4, 4);
        boolean[] window = new boolean[16];
        window[5] = true;
        window[6] = true;
        Surface s = KernelDensity.estimate(
                WeightedPoints.unweighted(new double[] {150}, new double[] {150}), KdeParams.of(grid, 300), window);
        assertThat(s.densityPerKm2()[5]).isPositive();
        assertThat(s.densityPerKm2()[0]).isNaN();
        assertThat(s.max()).isEqualTo(s.densityPerKm2()[5]);
    }

    @Test
    void noPointsGiveAnEmptySurfaceAndIdenticalPointsStack() {
        Grid grid = new Grid(0, 0, 50, 10, 10);
        Surface empty = KernelDensity.estimate(
                WeightedPoints.unweighted(new double[0], new double[0]), KdeParams.of(grid, 100));
        assertThat(empty.max()).isZero();
        double[] same = {251, 251, 251};
        Surface stacked = KernelDensity.estimate(WeightedPoints.unweighted(same, same), KdeParams.of(grid, 100));
        Surface single = KernelDensity.estimate(
                WeightedPoints.unweighted(new double[] {251}, new double[] {251}), KdeParams.of(grid, 100));
        assertThat(stacked.max()).isCloseTo(3 * single.max(), within(1e-9));
    }

    @Test
    void refusesAbsurdParameters() {
        Grid grid = new Grid(0, 0, 25, 10, 10);
        assertThatThrownBy(() -> KdeParams.of(grid, 0)).hasMessageContaining("bandwidth must be a positive");
        assertThatThrownBy(() -> KdeParams.of(grid, Double.NaN)).hasMessageContaining("bandwidth must be a positive");
        assertThatThrownBy(() -> KdeParams.of(grid, 5e6)).hasMessageContaining("bandwidths are in metres");
        assertThatThrownBy(() -> Grid.covering(0, 0, 2_500_000, 2_500_000, 25))
                .hasMessageContaining("100000 x 100000 cells");
        assertThatThrownBy(() -> Grid.covering(10, 0, 0, 10, 25)).hasMessageContaining("minx < maxx");
        assertThatThrownBy(() -> WeightedPoints.unweighted(new double[] {Double.NaN}, new double[] {0}))
                .hasMessageContaining("point 1");
        assertThatThrownBy(() -> Kernel.fromCode("biweight")).hasMessageContaining("unknown kernel 'biweight'");
    }

    /** Every cell within tolerance × the surface's maximum of the reference: what "exact" promises. */
    private static void assertEqualToPeak(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        int nonZero = 0;
        double peak = 0;
        for (double e : expected) {
            peak = Math.max(peak, Math.abs(e));
            if (e != 0) {
                nonZero++;
            }
        }
        double worst = 0;
        for (int c = 0; c < expected.length; c++) {
            worst = Math.max(worst, Math.abs(actual[c] - expected[c]));
        }
        assertThat(worst / peak)
                .as("worst difference from the direct sum over its maximum")
                .isLessThan(tolerance);
        assertThat(nonZero).as("cells with density").isGreaterThan(expected.length / 4);
    }
}
