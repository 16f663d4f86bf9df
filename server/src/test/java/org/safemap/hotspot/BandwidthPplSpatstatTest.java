package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.geo.Crs;
import org.safemap.testing.RScript;

/**
 * The {@code ppl} rule against R spatstat's {@code bw.ppl} (its defaults: Gaussian kernel, 16 sigmas from the
 * smallest positive nearest-neighbour distance to half the window's diameter, edge-corrected likelihood) on the
 * bundled police.uk data, and the equal-standard-deviation conversion to the compact kernels.
 */
class BandwidthPplSpatstatTest {
    private static final Path CRIME = Path.of("/work/shared/data/merseyside/crime");

    @TempDir
    Path dir;

    /** One crime type's points for the months, in British National Grid metres rounded to the millimetre. */
    private static WeightedPoints merseyside(String crimeType, String... months) throws IOException {
        Crs.Transform t = Crs.WGS84.to(Crs.BNG);
        double[] out = new double[2];
        List<double[]> xy = new ArrayList<>();
        for (String m : months) {
            try (Reader r = Files.newBufferedReader(CRIME.resolve(m + "-merseyside-street.csv"))) {
                for (CSVRecord rec : CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .build()
                        .parse(r)) {
                    if (!rec.get("Crime type").equals(crimeType)
                            || rec.get("Longitude").isEmpty()) {
                        continue;
                    }
                    t.apply(Double.parseDouble(rec.get("Longitude")), Double.parseDouble(rec.get("Latitude")), out);
                    xy.add(new double[] {Math.rint(out[0] * 1000) / 1000, Math.rint(out[1] * 1000) / 1000});
                }
            }
        }
        double[] x = xy.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = xy.stream().mapToDouble(p -> p[1]).toArray();
        return WeightedPoints.unweighted(x, y);
    }

    private double spatstatBwPpl(WeightedPoints p, double[] window) throws IOException {
        Path csv = dir.resolve("points.csv");
        StringBuilder s = new StringBuilder("x,y\n");
        for (int i = 0; i < p.size(); i++) {
            s.append(String.format(Locale.ROOT, "%.3f,%.3f%n", p.x()[i], p.y()[i]));
        }
        Files.writeString(csv, s, StandardCharsets.UTF_8);
        String r = RScript.run(String.format(Locale.ROOT, """
                suppressPackageStartupMessages(library(spatstat))
                p <- read.csv('%s')
                X <- ppp(p$x, p$y, window = owin(c(%.3f, %.3f), c(%.3f, %.3f)))
                cat(sprintf('%%.6f', as.numeric(bw.ppl(X, warn = FALSE))))
                """, csv, window[0], window[2], window[1], window[3]));
        // R warns about duplicated points (police.uk snap points) before the answer
        List<String> lines = r.strip().lines().toList();
        return Double.parseDouble(lines.get(lines.size() - 1).trim());
    }

    private static double[] around(WeightedPoints p) {
        double[] b = p.bounds();
        return new double[] {b[0] - 500, b[1] - 500, b[2] + 500, b[3] + 500};
    }

    @Test
    void merseysideBurglaryMatchesBwPpl() throws IOException {
        WeightedPoints p = merseyside("Burglary", "2022-01", "2022-02", "2022-03");
        assertThat(p.size()).isBetween(1_000, BandwidthRule.PPL_SAMPLE);
        double[] window = around(p);
        double theirs = spatstatBwPpl(p, window);
        double ours = BandwidthRule.PPL.bandwidth(p, Kernel.GAUSSIAN, window);
        assertThat(ours / theirs).as("SafeMap %s / spatstat %s", ours, theirs).isCloseTo(1.0, within(0.01));
        // the compact kernels get the same standard deviation, never their own cross-validation
        assertThat(BandwidthRule.PPL.bandwidth(p, Kernel.QUARTIC, window)).isCloseTo(ours * Math.sqrt(8), within(1e-6));
        assertThat(BandwidthRule.PPL.bandwidth(p, Kernel.EPANECHNIKOV, window))
                .isCloseTo(ours * Math.sqrt(6), within(1e-6));
    }

    @Test
    void merseysideAsbAndVehicleCrimeMatchBwPpl() throws IOException {
        for (String type : List.of("Anti-social behaviour", "Vehicle crime")) {
            WeightedPoints p =
                    type.startsWith("Anti") ? merseyside(type, "2022-02") : merseyside(type, "2022-01", "2022-02");
            assertThat(p.size()).isBetween(1_000, BandwidthRule.PPL_SAMPLE);
            double[] window = around(p);
            double theirs = spatstatBwPpl(p, window);
            double ours = BandwidthRule.PPL.bandwidth(p, Kernel.GAUSSIAN, window);
            assertThat(ours / theirs)
                    .as("%s: SafeMap %s / spatstat %s", type, ours, theirs)
                    .isCloseTo(1.0, within(0.01));
        }
    }

    @Test
    void quarticRadiusIsNoLongerKilometres() throws IOException {
        // the compact-kernel cross-validation this replaces chose 2.7 km for Merseyside burglary
        WeightedPoints p = merseyside("Burglary", "2022-01", "2022-02", "2022-03");
        assertThat(BandwidthRule.PPL.bandwidth(p, Kernel.QUARTIC, around(p))).isLessThan(1_500);
    }

    /**
     * The conversion factors derived: a 2-D kernel's per-coordinate variance is half its mean squared radius. Quartic
     * 3/(πh²)(1−r²/h²)²: E r² = h²/4, so σ = h/√8; Epanechnikov 2/(πh²)(1−r²/h²): E r² = h²/3, σ = h/√6; uniform
     * disc E r² = h²/2, σ = h/2. (√7 and √5 are the one-dimensional biweight and Epanechnikov factors.) Checked by
     * sampling each kernel.
     */
    @Test
    void equalStandardDeviationFactorsAreTheTwoDimensionalOnes() {
        assertThat(Kernel.QUARTIC.bandwidthForSigma(1)).isCloseTo(Math.sqrt(8), within(1e-12));
        assertThat(Kernel.EPANECHNIKOV.bandwidthForSigma(1)).isCloseTo(Math.sqrt(6), within(1e-12));
        assertThat(Kernel.UNIFORM.bandwidthForSigma(1)).isCloseTo(2, within(1e-12));
        Random random = new Random(7);
        for (Kernel k : List.of(Kernel.QUARTIC, Kernel.EPANECHNIKOV, Kernel.UNIFORM, Kernel.TRIANGULAR)) {
            // rejection sampling in the unit disc against the kernel's peak, h = 1
            double peak = k.density(0, 1);
            double sumX2 = 0;
            int n = 0;
            while (n < 400_000) {
                double x = 2 * random.nextDouble() - 1;
                double y = 2 * random.nextDouble() - 1;
                if (random.nextDouble() * peak < k.density(x * x + y * y, 1)) {
                    sumX2 += x * x;
                    n++;
                }
            }
            assertThat(Math.sqrt(sumX2 / n)).as(k.code()).isCloseTo(k.sigma(1), within(0.003));
        }
    }
}
