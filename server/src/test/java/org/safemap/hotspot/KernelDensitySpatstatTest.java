package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.testing.RScript;

/**
 * SafeMap's surfaces against R spatstat's {@code density.ppp} on the same points, window, pixel grid and kernel
 * standard deviation. spatstat bins points to pixels and convolves by FFT, so it is itself accurate to about 0.1 to
 * 0.5% of the maximum; agreement within 1% of the maximum is what the issue asks.
 */
class KernelDensitySpatstatTest {
    private static final Grid GRID = new Grid(340_000, 390_000, 25, 100, 80);
    private static WeightedPoints points;
    private static Path pointsCsv;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writePoints() throws IOException {
        Random random = new Random(42);
        int n = 2_000;
        double[] x = new double[n];
        double[] y = new double[n];
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < n; i++) {
            boolean clustered = i % 3 != 0;
            double cx = clustered
                    ? GRID.minX() + 700 + random.nextGaussian() * 150
                    : GRID.minX() + random.nextDouble() * 2500;
            double cy = clustered
                    ? GRID.minY() + 1200 + random.nextGaussian() * 200
                    : GRID.minY() + random.nextDouble() * 2000;
            x[i] = Math.min(GRID.maxX() - 0.01, Math.max(GRID.minX() + 0.01, cx));
            y[i] = Math.min(GRID.maxY() - 0.01, Math.max(GRID.minY() + 0.01, cy));
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f%n", x[i], y[i]));
        }
        // the same rounded coordinates on both sides
        List<String> lines = csv.toString().lines().skip(1).toList();
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i).split(",");
            x[i] = Double.parseDouble(f[0]);
            y[i] = Double.parseDouble(f[1]);
        }
        points = WeightedPoints.unweighted(x, y);
        pointsCsv = dir.resolve("points.csv");
        Files.writeString(pointsCsv, csv, StandardCharsets.UTF_8);
    }

    private static double[] spatstat(String kernel, double sigma) throws IOException {
        Path out = dir.resolve("density-" + kernel + ".csv");
        String script = String.format(
                Locale.ROOT,
                """
                suppressPackageStartupMessages(library(spatstat))
                p <- read.csv('%s')
                X <- ppp(p$x, p$y, window = owin(c(%.3f, %.3f), c(%.3f, %.3f)))
                D <- density(X, sigma = %.17g, kernel = '%s', edge = FALSE, dimyx = c(%d, %d))
                write.table(D$v, '%s', sep = ',', row.names = FALSE, col.names = FALSE)
                """,
                pointsCsv,
                GRID.minX(),
                GRID.maxX(),
                GRID.minY(),
                GRID.maxY(),
                sigma,
                kernel,
                GRID.rows(),
                GRID.columns(),
                out);
        RScript.run(script);
        // spatstat's image rows run south to north, as SafeMap's grid
        List<String> rows = Files.readAllLines(out);
        assertThat(rows).hasSize(GRID.rows());
        double[] values = new double[GRID.cellCount()];
        for (int j = 0; j < GRID.rows(); j++) {
            String[] f = rows.get(j).split(",");
            assertThat(f).hasSize(GRID.columns());
            for (int i = 0; i < GRID.columns(); i++) {
                values[GRID.index(i, j)] = Double.parseDouble(f[i]) * 1e6;
            }
        }
        return values;
    }

    private static void assertAgree(Kernel kernel, double bandwidth, String spatstatKernel) throws IOException {
        assertAgree(kernel, bandwidth, spatstatKernel, 0.01);
    }

    private static void assertAgree(Kernel kernel, double bandwidth, String spatstatKernel, double tolerance)
            throws IOException {
        double[] theirs = spatstat(spatstatKernel, kernel.sigma(bandwidth));
        for (KdeMode mode : KdeMode.values()) {
            double[] ours = KernelDensity.estimate(points, new KdeParams(GRID, kernel, bandwidth, mode, false))
                    .densityPerKm2();
            double max = 0;
            double worst = 0;
            for (int c = 0; c < ours.length; c++) {
                max = Math.max(max, theirs[c]);
                worst = Math.max(worst, Math.abs(ours[c] - theirs[c]));
            }
            assertThat(max).as("spatstat produced a surface").isGreaterThan(100);
            assertThat(worst / max)
                    .as(kernel + " " + mode + " against spatstat, share of the maximum")
                    .isLessThan(tolerance);
        }
    }

    @Test
    void gaussianAgreesWithSpatstat() throws IOException {
        assertAgree(Kernel.GAUSSIAN, 100, "gaussian");
    }

    @Test
    void quarticAgreesWithSpatstatAtSigmaOfHOverRootEight() throws IOException {
        assertAgree(Kernel.QUARTIC, 300, "quartic");
    }

    @Test
    void epanechnikovAndUniformAgreeWithSpatstat() throws IOException {
        assertAgree(Kernel.EPANECHNIKOV, 300, "epanechnikov");
        // a disc has a hard edge, so spatstat's moving each point to its pixel centre (up to 12.5 m here) shifts whole
        // steps of the surface: 2.1% measured; SafeMap's exact mode equals a direct sum (KernelDensityTest)
        assertAgree(Kernel.UNIFORM, 300, "disc", 0.03);
    }

    @Test
    void scottRuleEqualsSpatstatBwScott() throws IOException {
        String r = RScript.run(
                String.format(Locale.ROOT, """
                suppressPackageStartupMessages(library(spatstat))
                p <- read.csv('%s')
                X <- ppp(p$x, p$y, window = owin(c(%.3f, %.3f), c(%.3f, %.3f)))
                cat(sprintf('%%.12f', bw.scott(X, isotropic = TRUE)))
                """, pointsCsv, GRID.minX(), GRID.maxX(), GRID.minY(), GRID.maxY()));
        double sigma = Double.parseDouble(r.trim());
        assertThat(BandwidthRule.SCOTT.bandwidth(points, Kernel.GAUSSIAN, null)).isCloseTo(sigma, within(1e-6));
        assertThat(BandwidthRule.SCOTT.bandwidth(points, Kernel.QUARTIC, null))
                .isCloseTo(sigma * Math.sqrt(8), within(1e-5));
    }

    @Test
    void likelihoodRuleEqualsSpatstatBwPpl() throws IOException {
        String r = RScript.run(
                String.format(Locale.ROOT, """
                suppressPackageStartupMessages(library(spatstat))
                p <- read.csv('%s')
                X <- ppp(p$x, p$y, window = owin(c(%.3f, %.3f), c(%.3f, %.3f)))
                cat(sprintf('%%.6f', as.numeric(bw.ppl(X, warn = FALSE))))
                """, pointsCsv, GRID.minX(), GRID.maxX(), GRID.minY(), GRID.maxY()));
        double theirs = Double.parseDouble(r.trim());
        double[] window = {GRID.minX(), GRID.minY(), GRID.maxX(), GRID.maxY()};
        double ours = BandwidthRule.PPL.bandwidth(points, Kernel.GAUSSIAN, window);
        // the same 16 candidates, the same edge-corrected likelihood: the same choice
        assertThat(ours / theirs)
                .as("SafeMap " + ours + " / spatstat " + theirs)
                .isCloseTo(1.0, within(0.01));
    }
}
