package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.testing.RScript;

/** Gi*, spatial weights and the false discovery rate against hand working, brute force and R spdep. */
class GiStarTest {
    @TempDir
    Path dir;

    @Test
    void fiveLocationsOnALineByHand() {
        // x = 1, 2, 3, 10, 4; each location's neighbours are the ones beside it, plus itself.
        // mean 4, s² = (9+4+1+36+0)/5 = 10. Location 4 (value 10): W = 3 (3, 10, 4), sum 17,
        // z = (17 − 4·3) / sqrt(10 · (5·3 − 9) / 4) = 5 / sqrt(15) = 1.2909944
        double[] x = {1, 2, 3, 10, 4};
        SpatialWeights w = SpatialWeights.fromPairs(5, new int[] {0, 1, 2, 3}, new int[] {1, 2, 3, 4})
                .withSelf();
        GiStarResult r = GiStar.compute(x, w);
        assertThat(r.z()[3]).isCloseTo(5 / Math.sqrt(15), within(1e-12));
        // location 1 (value 1): W = 2 (1, 2), sum 3: z = (3 − 8)/sqrt(10·(10 − 4)/4) = −5/sqrt(15)
        assertThat(r.z()[0]).isCloseTo(-5 / Math.sqrt(15), within(1e-12));
        assertThat(r.p()[3]).isCloseTo(0.19670560, within(1e-8));
        assertThat(r.neighbourCounts()).containsExactly(2, 3, 3, 3, 2);
    }

    @Test
    void equalsBruteForceOnRandomDistanceBands() {
        Random random = new Random(3);
        int n = 400;
        double[] px = new double[n];
        double[] py = new double[n];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            px[i] = random.nextDouble() * 5000;
            py[i] = random.nextDouble() * 5000;
            x[i] = random.nextInt(20);
        }
        double band = 600;
        GiStarResult r =
                GiStar.compute(x, SpatialWeights.distanceBand(px, py, band).withSelf());
        double mean = java.util.Arrays.stream(x).average().orElseThrow();
        double s2 = java.util.Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / n;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int wi = 0;
            for (int j = 0; j < n; j++) {
                if (Math.hypot(px[i] - px[j], py[i] - py[j]) <= band) {
                    sum += x[j];
                    wi++;
                }
            }
            double z = (sum - mean * wi) / Math.sqrt(s2 * (n * wi - wi * (double) wi) / (n - 1));
            assertThat(r.z()[i]).as("location " + i).isCloseTo(z, within(1e-12));
        }
    }

    @Test
    void gridQueenDistanceBandAndGiStarAgreeWithSpdep() throws IOException {
        int columns = 30;
        int rows = 20;
        Random random = new Random(5);
        double[] x = new double[columns * rows];
        StringBuilder values = new StringBuilder("x\n");
        for (int c = 0; c < x.length; c++) {
            x[c] = random.nextInt(6) + (c % columns > 20 && c / columns < 6 ? 8 : 0);
            values.append((int) x[c]).append('\n');
        }
        Path file = dir.resolve("x.csv");
        Files.writeString(file, values);
        SpatialWeights queen = SpatialWeights.gridQueen(columns, rows);
        GiStarResult ours = GiStar.compute(x, queen.withSelf());
        // spdep's cell2nb numbers cells row-major with columns varying fastest, as SafeMap's grid
        String out = RScript.run(String.format(Locale.ROOT, """
                suppressPackageStartupMessages(library(spdep))
                x <- read.csv('%s')$x
                nb <- cell2nb(%d, %d, type = 'queen')
                cat(sapply(nb, length), '\\n')
                g <- localG(x, nb2listw(include.self(nb), style = 'B'))
                cat(sprintf('%%.15g', as.numeric(g)), '\\n')
                set.seed(1); pts <- cbind(runif(300, 0, 3000), runif(300, 0, 2000))
                write.csv(data.frame(x = pts[, 1], y = pts[, 2]), '%s', row.names = FALSE)
                d <- dnearneigh(pts, 0, 400)
                cat(sapply(d, function(v) if (length(v) == 1 && v[1] == 0) 0 else length(v)), '\\n')
                p <- c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269,
                       0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986)
                cat(sprintf('%%.15g', p.adjust(p, 'BH')), '\\n')
                """, file, rows, columns, dir.resolve("pts.csv")));
        String[] lines = out.trim().split("\n");
        String[] counts = lines[0].trim().split("\\s+");
        String[] z = lines[1].trim().split("\\s+");
        for (int c = 0; c < x.length; c++) {
            assertThat(queen.neighbourCount(c)).as("neighbours of cell " + c).isEqualTo(Integer.parseInt(counts[c]));
            assertThat(ours.z()[c]).as("Gi* of cell " + c).isCloseTo(Double.parseDouble(z[c]), within(1e-9));
        }
        java.util.List<String> pts = Files.readAllLines(dir.resolve("pts.csv"));
        double[] px = new double[300];
        double[] py = new double[300];
        for (int i = 0; i < 300; i++) {
            String[] f = pts.get(i + 1).split(",");
            px[i] = Double.parseDouble(f[0]);
            py[i] = Double.parseDouble(f[1]);
        }
        SpatialWeights band = SpatialWeights.distanceBand(px, py, 400);
        String[] bandCounts = lines[2].trim().split("\\s+");
        for (int i = 0; i < 300; i++) {
            assertThat(band.neighbourCount(i))
                    .as("distance-band neighbours of " + i)
                    .isEqualTo(Integer.parseInt(bandCounts[i]));
        }
        double[] p = {
            0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269, 0.275, 0.34,
            0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986
        };
        String[] bh = lines[3].trim().split("\\s+");
        double[] adjusted = FalseDiscovery.adjusted(p);
        for (int i = 0; i < p.length; i++) {
            assertThat(adjusted[i]).isCloseTo(Double.parseDouble(bh[i]), within(1e-12));
        }
        // Benjamini and Hochberg's worked example (1995, section 4.1): 15 p-values, at q = 0.05 the first four go
        double[] example = {
            0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528,
            0.7590, 1.000
        };
        boolean[] rejected = FalseDiscovery.significant(example, 0.05);
        for (int i = 0; i < example.length; i++) {
            assertThat(rejected[i]).as("p = " + example[i]).isEqualTo(i < 4);
        }
    }

    @Test
    void binsUseTheStrongestLevelAndFdrIsStricter() {
        double[] z = {3.5, 2.2, 1.8, 0.3, -2.7, -1.7};
        double[] p = new double[z.length];
        org.apache.commons.statistics.distribution.NormalDistribution normal =
                org.apache.commons.statistics.distribution.NormalDistribution.of(0, 1);
        for (int i = 0; i < z.length; i++) {
            p[i] = 2 * normal.cumulativeProbability(-Math.abs(z[i]));
        }
        GiStarResult r = new GiStarResult(z, p, new int[z.length]);
        assertThat(HotspotBins.classify(r, false)).containsExactly(3, 2, 1, 0, -3, -1);
        int[] fdr = HotspotBins.classify(r, true);
        for (int i = 0; i < z.length; i++) {
            assertThat(Math.abs(fdr[i])).isLessThanOrEqualTo(Math.abs(HotspotBins.classify(r, false)[i]));
        }
        assertThat(HotspotBins.label(3)).isEqualTo("hot_99");
        assertThat(HotspotBins.label(-1)).isEqualTo("cold_90");
    }

    @Test
    void degenerateCasesAreDefined() {
        GiStarResult flat = GiStar.compute(
                new double[] {2, 2, 2}, SpatialWeights.gridQueen(3, 1).withSelf());
        assertThat(flat.z()).containsExactly(0, 0, 0);
        assertThat(flat.p()).containsExactly(1, 1, 1);
        // everyone neighbours everyone: the denominator is zero
        GiStarResult all = GiStar.compute(
                new double[] {1, 5}, SpatialWeights.gridQueen(2, 1).withSelf());
        assertThat(all.p()).containsExactly(1, 1);
        assertThatThrownBy(() -> GiStar.compute(new double[] {1, Double.NaN}, SpatialWeights.gridQueen(2, 1)))
                .hasMessageContaining("not a finite number");
        assertThat(SpatialWeights.gridQueen(3, 3).neighbourCount(4)).isEqualTo(8);
        assertThat(SpatialWeights.gridRook(3, 3).neighbourCount(4)).isEqualTo(4);
        assertThat(SpatialWeights.fromPairs(3, new int[] {0}, new int[] {1}).islands())
                .containsExactly(2);
    }

    @Test
    void thirtyFiveThousandAreasTakeWellUnderASecond() {
        // not a timing assertion (that is the benchmark's job): the shape of a national LSOA run completes
        int columns = 250;
        int rows = 140;
        double[] x = new double[columns * rows];
        Random random = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(30);
        }
        SpatialWeights w = SpatialWeights.gridQueen(columns, rows).withSelf();
        GiStarResult r = GiStar.compute(x, w);
        assertThat(r.z()).hasSize(35_000);
    }
}
