package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.safemap.geo.Crs;
import org.safemap.hotspot.Kernel;

class DensityFieldTest {
    private static final MapCrs BNG = new MapCrs("EPSG:27700", Crs.BNG, false);
    private static final MapCrs MERCATOR = new MapCrs("EPSG:3857", Crs.WEB_MERCATOR, false);

    /** Random clustered points with weights, fixed seed. */
    private static double[][] points(int n, long seed) {
        Random r = new Random(seed);
        double[][] p = new double[3][n];
        for (int k = 0; k < n; k++) {
            boolean cluster = r.nextBoolean();
            p[0][k] = cluster ? 335_000 + r.nextGaussian() * 300 : 330_000 + r.nextDouble() * 10_000;
            p[1][k] = cluster ? 390_000 + r.nextGaussian() * 300 : 385_000 + r.nextDouble() * 10_000;
            p[2][k] = 0.5 + r.nextDouble();
        }
        return p;
    }

    private static double direct(double[][] p, Kernel kernel, double h, double x, double y) {
        double sum = 0;
        for (int k = 0; k < p[0].length; k++) {
            double dx = p[0][k] - x;
            double dy = p[1][k] - y;
            sum += p[2][k] * kernel.density(dx * dx + dy * dy, h);
        }
        return sum * 1e6;
    }

    @Test
    void everyKernelEqualsADirectSumOverAllPoints() {
        double[][] p = points(3000, 7);
        Random r = new Random(11);
        for (Kernel kernel : Kernel.values()) {
            double h = kernel == Kernel.GAUSSIAN ? 80 : 250;
            DensityField field = new DensityField(p[0], p[1], p[2], kernel, h, 1e6);
            for (int t = 0; t < 400; t++) {
                double x = 329_000 + r.nextDouble() * 12_000;
                double y = 384_000 + r.nextDouble() * 12_000;
                double expected = direct(p, kernel, h, x, y);
                assertThat(field.at(x, y))
                        .as(kernel + " at " + x + "," + y)
                        .isCloseTo(
                                expected, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(expected))));
            }
        }
    }

    @Test
    void aWindowIsReachedExactlyWhenTheDirectSumIsNotZeroSomewhereInIt() {
        double[][] p = points(300, 5);
        DensityField field = new DensityField(p[0], p[1], p[2], Kernel.QUARTIC, 250, 1e6);
        Random r = new Random(13);
        int reached = 0;
        int empty = 0;
        for (int t = 0; t < 300; t++) {
            double x = 326_000 + r.nextDouble() * 18_000;
            double y = 381_000 + r.nextDouble() * 18_000;
            double side = 50 + r.nextDouble() * 600;
            // The direct sum's answer: a point within the support (250 m) of the window, by distance to the box.
            boolean near = false;
            for (int k = 0; k < p[0].length && !near; k++) {
                double dx = Math.max(0, Math.max(x - p[0][k], p[0][k] - (x + side)));
                double dy = Math.max(0, Math.max(y - p[1][k], p[1][k] - (y + side)));
                near = dx * dx + dy * dy < 250 * 250;
            }
            boolean reaches = field.reaches(x, y, x + side, y + side);
            if (near) {
                assertThat(reaches).as("window at " + x + "," + y).isTrue();
                reached++;
            } else if (!reaches) {
                // Buckets are a whole support wide, so a miss is certain only beyond them: then the field is zero.
                assertThat(field.at(x + side / 2, y + side / 2)).isZero();
                empty++;
            }
        }
        assertThat(reached).isGreaterThan(20);
        assertThat(empty).isGreaterThan(20);
        assertThat(field.reaches(500_000, 100_000, 501_000, 101_000)).isFalse();
    }

    @Test
    void pixelsReadTheFieldAtTheirCentres() {
        double[][] p = points(2000, 3);
        DensityField field = new DensityField(p[0], p[1], p[2], Kernel.QUARTIC, 250, 1e6);
        // 150 m pixels: wider than the lattices serve, so each pixel is read exactly at its centre.
        MapView view = new MapView(BNG, 329_000, 384_000, 341_000, 396_000, 80, 80);
        assertThat(DensityRaster.level(field, view)).isEqualTo(-1);
        float[] values = DensityRaster.read(field, view);
        double peak = 0;
        for (float v : values) {
            peak = Math.max(peak, v);
        }
        // Rows are read as lines (DensityField.readLine): exact to rounding, and float pixels hold 7 digits.
        for (int j = 0; j < 80; j++) {
            for (int i = 0; i < 80; i++) {
                double exact = field.at(view.centreX(i), view.centreY(j));
                assertThat((double) values[j * 80 + i])
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-7 * exact + 1e-8 * peak));
                if (exact == 0) {
                    assertThat(values[j * 80 + i]).isZero();
                }
            }
        }
    }

    @Test
    void aLineReadGivesEachLocationItsPointReadForEveryKernel() {
        double[][] p = points(3000, 17);
        Random r = new Random(19);
        for (Kernel kernel : Kernel.values()) {
            double h = kernel == Kernel.GAUSSIAN ? 80 : 250;
            DensityField field = new DensityField(p[0], p[1], p[2], kernel, h, 1e6);
            double peak = 0;
            int zeros = 0;
            int positives = 0;
            for (int t = 0; t < 300; t++) {
                int n = 3 + r.nextInt(62);
                double step = 5 + r.nextDouble() * 200;
                double angle = r.nextDouble() * 2 * Math.PI;
                double x0 = 328_000 + r.nextDouble() * 14_000;
                double y0 = 383_000 + r.nextDouble() * 14_000;
                double dx = step * Math.cos(angle);
                double dy = t % 10 == 0 ? 0 : step * Math.sin(angle);
                double[] line = new double[n + 2];
                field.readLine(x0, y0, dx, dy, n, line, 1);
                assertThat(line[0]).isZero();
                assertThat(line[n + 1]).isZero();
                for (int k = 0; k < n; k++) {
                    double exact = field.at(x0 + k * dx, y0 + k * dy);
                    peak = Math.max(peak, exact);
                    if (exact == 0) {
                        assertThat(line[1 + k]).as(kernel + " out of reach").isZero();
                        zeros++;
                    } else {
                        assertThat(line[1 + k])
                                .as(kernel + " line " + t + " at " + k)
                                .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-8 * Math.max(1, peak)));
                        positives++;
                    }
                }
            }
            assertThat(zeros).as(kernel + " locations out of reach").isGreaterThan(100);
            assertThat(positives).as(kernel + " locations in reach").isGreaterThan(1000);
        }
    }

    @Test
    void webMercatorPixelsBeyondStreetScalesAreReadWithinTheStatedBoundOfTheirCentres() {
        double[][] p = points(4000, 23);
        DensityField field = new DensityField(p[0], p[1], p[2], Kernel.QUARTIC, 250, 1e6);
        double h = 250;
        double c = Kernel.QUARTIC.normalisation(h) * 1e6;
        Crs.Transform toBng = Crs.WEB_MERCATOR.to(Crs.BNG);
        for (int z : new int[] {8, 10, 11, 12}) {
            double span = 2 * TileService.ORIGIN / (1L << z);
            long tx = (long) ((-2.98 * 111_319.49 + TileService.ORIGIN) / span);
            long ty = (long) ((TileService.ORIGIN - 7_059_000) / span);
            double[] b = TileService.bounds(z, (int) tx, (int) ty);
            MapView view = new MapView(MERCATOR, b[0], b[1], b[2], b[3], 256, 256);
            assertThat(DensityRaster.level(field, view)).isEqualTo(-1);
            float[] values = DensityRaster.read(field, view);
            double[] bng = new double[2];
            int checked = 0;
            for (int j = 0; j < 256; j += 3) {
                for (int i = 0; i < 256; i++) {
                    toBng.apply(view.centreX(i), view.centreY(j), bng);
                    double exact = field.at(bng[0], bng[1]);
                    double nearby = 0;
                    for (int k = 0; k < p[0].length; k++) {
                        if (Math.hypot(p[0][k] - bng[0], p[1][k] - bng[1]) < h + 1) {
                            nearby += p[2][k];
                        }
                    }
                    // A shift of δ changes a quartic kernel by at most 1.54·δ/h of its peak; δ ≤ h/400 here.
                    double bound = c * 1.54 * DensityRaster.STRAIGHT_FRACTION * nearby + 1e-6 * exact + 1e-6;
                    assertThat(Math.abs(values[j * 256 + i] - exact))
                            .as("z" + z + " pixel " + i + "," + j)
                            .isLessThanOrEqualTo(bound);
                    checked += nearby > 0 ? 1 : 0;
                }
            }
            assertThat(checked).as("z" + z + " pixels near points").isGreaterThan(200);
        }
    }

    @Test
    void latticeBlocksHoldTheExactDensityAtTheirNodes() {
        double[][] p = points(3000, 13);
        for (Kernel kernel : Kernel.values()) {
            double h = kernel == Kernel.GAUSSIAN ? 80 : 250;
            DensityField field = new DensityField(p[0], p[1], p[2], kernel, h, 1e6);
            for (int level = 0; level < DensityField.LEVELS; level++) {
                double s = field.latticeSpacing(level);
                long bx = (long) Math.floor(335_000 / s / DensityField.BLOCK);
                long by = (long) Math.floor(390_000 / s / DensityField.BLOCK);
                for (long[] b : new long[][] {{bx, by}, {bx - 1, by + 1}}) {
                    float[] block = field.block(level, b[0], b[1]);
                    double peak = 0;
                    for (float v : block) {
                        peak = Math.max(peak, v);
                    }
                    assertThat(peak).isPositive();
                    for (int r = 0; r < DensityField.BLOCK; r += 3) {
                        for (int a = 0; a < DensityField.BLOCK; a += 5) {
                            double exact =
                                    field.at((b[0] * DensityField.BLOCK + a) * s, (b[1] * DensityField.BLOCK + r) * s);
                            assertThat((double) block[r * DensityField.BLOCK + a])
                                    .as(kernel + " level " + level)
                                    .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6 * peak));
                        }
                    }
                }
            }
        }
    }

    @Test
    void townAndStreetZoomsInterpolateTheLatticeWithinTheStatedBound() {
        double[][] p = points(2000, 5);
        DensityField field = new DensityField(p[0], p[1], p[2], Kernel.QUARTIC, 250, 1e6);
        // Two views: 0.5 m and 15 m pixels, both on the lattice.
        for (MapView view : new MapView[] {
            new MapView(BNG, 334_900, 389_900, 335_028, 390_028, 256, 256),
            new MapView(BNG, 333_000, 388_000, 336_840, 391_840, 256, 256)
        }) {
            assertThat(DensityRaster.level(field, view)).isNotNegative();
            assertBound(p, field, view);
        }
    }

    /**
     * Bilinear interpolation errs by at most s²/8 times the surface's largest second derivative in the cell; a
     * quartic's is 8c/h², so the error at a pixel is at most c·(s/h)² times the weight of the points within reach.
     */
    private static void assertBound(double[][] p, DensityField field, MapView view) {
        float[] values = DensityRaster.read(field, view);
        double s = field.latticeSpacing(DensityRaster.level(field, view));
        double h = 250;
        double c = Kernel.QUARTIC.normalisation(h) * 1e6;
        int checked = 0;
        for (int j = 0; j < view.height(); j += 9) {
            for (int i = 0; i < view.width(); i += 7) {
                double x = view.centreX(i);
                double y = view.centreY(j);
                double exact = field.at(x, y);
                double nearby = 0;
                for (int k = 0; k < p[0].length; k++) {
                    if (Math.hypot(p[0][k] - x, p[1][k] - y) < h + 2 * s) {
                        nearby += p[2][k];
                    }
                }
                assertThat(Math.abs(values[j * view.width() + i] - exact))
                        .as("pixel " + i + "," + j)
                        .isLessThanOrEqualTo(c * (s / h) * (s / h) * nearby + 1e-3 + 1e-6 * exact);
                checked += nearby > 0 ? 1 : 0;
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void aTileAndALargerImageCoveringItReadIdenticalValues() {
        double[][] p = points(5000, 9);
        DensityField field = new DensityField(p[0], p[1], p[2], Kernel.QUARTIC, 250, 1e6);
        for (int z : new int[] {9, 10, 12, 14, 17}) {
            // Web Mercator tiles around Liverpool: one 512 image and its four 256 tiles.
            double span = 2 * TileService.ORIGIN / (1L << z);
            long x0 = (long) ((-2.98 * 111_319.49 + TileService.ORIGIN) / span);
            long y0 = (long) ((TileService.ORIGIN - 7_059_000) / span);
            double[] big = TileService.bounds(z, (int) x0, (int) y0);
            MapView whole = new MapView(MERCATOR, big[0], big[1] - span, big[2] + span, big[3], 512, 512);
            float[] all = DensityRaster.read(field, whole);
            for (int ty = 0; ty < 2; ty++) {
                for (int tx = 0; tx < 2; tx++) {
                    double[] b = TileService.bounds(z, (int) x0 + tx, (int) y0 + ty);
                    float[] tile = DensityRaster.read(field, new MapView(MERCATOR, b[0], b[1], b[2], b[3], 256, 256));
                    for (int j = 0; j < 256; j++) {
                        for (int i = 0; i < 256; i++) {
                            assertThat(tile[j * 256 + i])
                                    .as("z" + z + " tile " + tx + "," + ty + " pixel " + i + "," + j)
                                    .isEqualTo(all[(ty * 256 + j) * 512 + tx * 256 + i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void noPointsGiveZeroEverywhere() {
        DensityField field = new DensityField(new double[0], new double[0], new double[0], Kernel.QUARTIC, 250, 1e6);
        assertThat(field.at(335_000, 390_000)).isZero();
        float[] v = DensityRaster.read(field, new MapView(BNG, 0, 0, 1000, 1000, 16, 16));
        for (float f : v) {
            assertThat(f).isZero();
        }
    }

    @Test
    void colourMapsFollowTheSldDefinitions() {
        SldStyle.ColorMap ramp = new SldStyle.ColorMap(
                "ramp",
                java.util.List.of(
                        new SldStyle.ColorMap.Entry("#000000", 0, 0, null),
                        new SldStyle.ColorMap.Entry("#FF0000", 1, 10, null),
                        new SldStyle.ColorMap.Entry("#0000FF", 1, 20, null)));
        ColorRamp r = new ColorRamp(new SldStyle.Raster(1, ramp));
        assertThat(r.colour(-5)).isEqualTo(0x00000000);
        assertThat(r.colour(5)).isEqualTo(0x80800000);
        assertThat(r.colour(10)).isEqualTo(0xFFFF0000);
        assertThat(r.colour(15)).isEqualTo(0xFF800080);
        assertThat(r.colour(1e9)).isEqualTo(0xFF0000FF);
        assertThat(r.colour(Double.NaN)).isZero();
        ColorRamp intervals =
                new ColorRamp(new SldStyle.Raster(0.5, new SldStyle.ColorMap("intervals", ramp.entries())));
        assertThat(intervals.colour(5)).isEqualTo(0x80FF0000);
        assertThat(intervals.colour(10)).isEqualTo(0x800000FF);
        assertThat(intervals.colour(25)).isEqualTo(0x800000FF);
        ColorRamp values = new ColorRamp(new SldStyle.Raster(1, new SldStyle.ColorMap("values", ramp.entries())));
        assertThat(values.colour(10)).isEqualTo(0xFFFF0000);
        assertThat(values.colour(11)).isZero();
    }
}
