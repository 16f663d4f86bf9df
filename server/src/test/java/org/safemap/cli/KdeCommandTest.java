package org.safemap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.KdeParams;
import org.safemap.hotspot.KernelDensity;
import org.safemap.hotspot.WeightedPoints;
import org.safemap.testing.CliRun;

/** {@code safemap kde} on an analyst's CSV, read back by GDAL, which is what QGIS and ArcGIS users will open it with. */
class KdeCommandTest {
    @TempDir
    Path dir;

    private Path points(int n) throws IOException {
        Random random = new Random(9);
        StringBuilder csv = new StringBuilder("easting,northing,weight\n");
        for (int i = 0; i < n; i++) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%.1f,%.1f,%d%n",
                    335_000 + random.nextGaussian() * 300,
                    390_000 + random.nextGaussian() * 300,
                    1 + random.nextInt(3)));
        }
        Path file = dir.resolve("points.csv");
        Files.writeString(file, csv);
        return file;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void geoTiffOpensInGdalWithBritishNationalGridAndTheCsvValues() throws Exception {
        Path csvIn = points(500);
        Path tif = dir.resolve("density.tif");
        Path csvOut = dir.resolve("density.csv");
        String extent = "334000,389000,336000,391500";
        CliRun.Result r = CliRun.run(
                Map.of(),
                "kde",
                "--points",
                csvIn.toString(),
                "--extent",
                extent,
                "--cell",
                "50",
                "--bandwidth",
                "250",
                "--out",
                tif.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("500 points")
                .contains("grid 40 x 50 cells of 50.0 m")
                .contains("bandwidth 250.0 m (given)");
        assertThat(CliRun.run(
                                Map.of(),
                                "kde",
                                "--points",
                                csvIn.toString(),
                                "--extent",
                                extent,
                                "--cell",
                                "50",
                                "--bandwidth",
                                "250",
                                "--out",
                                csvOut.toString())
                        .code())
                .isZero();

        JsonNode info = new ObjectMapper().readTree(run("gdalinfo", "-json", "-stats", tif.toString()));
        assertThat(info.at("/size/0").asInt()).isEqualTo(40);
        assertThat(info.at("/size/1").asInt()).isEqualTo(50);
        assertThat(info.at("/coordinateSystem/wkt").asText())
                .contains("British National Grid")
                .contains("ID[\"EPSG\",27700]");
        assertThat(info.at("/geoTransform/0").asDouble()).isEqualTo(334_000);
        assertThat(info.at("/geoTransform/1").asDouble()).isEqualTo(50);
        assertThat(info.at("/geoTransform/3").asDouble()).isEqualTo(391_500);
        assertThat(info.at("/geoTransform/5").asDouble()).isEqualTo(-50);
        assertThat(info.at("/bands/0/type").asText()).isEqualTo("Float32");
        assertThat(info.at("/bands/0/noDataValue").asText()).isEqualTo("NaN");

        // every cell as GDAL reads it equals the CSV output's cell at the same centre
        Path xyz = dir.resolve("density.xyz");
        run("gdal_translate", "-q", "-of", "XYZ", tif.toString(), xyz.toString());
        List<String> gdalCells = Files.readAllLines(xyz);
        List<String> csvCells = Files.readAllLines(csvOut);
        assertThat(csvCells.get(0)).isEqualTo("x,y,density_per_km2");
        assertThat(csvCells).hasSize(2001);
        assertThat(gdalCells).hasSize(2000);
        Map<String, Double> byCentre = new java.util.HashMap<>();
        for (String line : csvCells.subList(1, csvCells.size())) {
            String[] f = line.split(",");
            byCentre.put(f[0] + " " + f[1], Double.parseDouble(f[2]));
        }
        double max = 0;
        for (String line : gdalCells) {
            String[] f = line.trim().split("\\s+");
            String key = (long) Double.parseDouble(f[0]) + " " + (long) Double.parseDouble(f[1]);
            double v = Double.parseDouble(f[2]);
            assertThat(byCentre).containsKey(key);
            assertThat(v).as(key).isCloseTo(byCentre.get(key), within(1e-5 * Math.max(1, v)));
            max = Math.max(max, v);
        }
        // and the surface is the engine's: first cell centre (334025, 389025)
        assertThat(csvCells.get(1)).startsWith("334025,389025,");
        assertThat(max).isGreaterThan(100);
    }

    @Test
    void chosenBandwidthAndDefaultGridAreReported() throws IOException {
        Path csvIn = points(300);
        CliRun.Result r = CliRun.run(
                Map.of(),
                "kde",
                "--points",
                csvIn.toString(),
                "--bandwidth",
                "scott",
                "--kernel",
                "gaussian",
                "--mode",
                "fast",
                "--out",
                dir.resolve("d.csv").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("gaussian kernel").contains("(rule scott)").contains("fast mode");
    }

    @Test
    void badRowNamesFileLineAndField() throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "x,y\n335000,390000\n335100,north\n");
        CliRun.Result r = CliRun.run(
                Map.of(),
                "kde",
                "--points",
                file.toString(),
                "--bandwidth",
                "200",
                "--out",
                dir.resolve("o.tif").toString());
        assertThat(r.code()).isEqualTo(Cli.FAILED);
        assertThat(r.err()).contains("bad.csv line 3, field y: 'north' is not a number");
        assertThat(dir.resolve("o.tif")).doesNotExist();
    }

    @Test
    void absurdRequestsAreRefusedInOneLine() throws IOException {
        Path csvIn = points(10);
        String out = dir.resolve("o.tif").toString();
        CliRun.Result huge = CliRun.run(
                Map.of(),
                "kde",
                "--points",
                csvIn.toString(),
                "--extent",
                "0,0,2500000,2500000",
                "--cell",
                "25",
                "--bandwidth",
                "250",
                "--out",
                out);
        assertThat(huge.code()).isEqualTo(Cli.FAILED);
        assertThat(huge.err()).contains("100000 x 100000 cells is more than");
        CliRun.Result zero =
                CliRun.run(Map.of(), "kde", "--points", csvIn.toString(), "--bandwidth", "0", "--out", out);
        assertThat(zero.err()).contains("bandwidth must be a positive number of metres");
        CliRun.Result format = CliRun.run(
                Map.of(),
                "kde",
                "--points",
                csvIn.toString(),
                "--bandwidth",
                "9",
                "--out",
                dir.resolve("o.png").toString());
        assertThat(format.err()).contains("--out must end in .tif, .tiff or .csv");
        Path one = dir.resolve("one.csv");
        Files.writeString(one, "335000,390000\n");
        CliRun.Result single = CliRun.run(Map.of(), "kde", "--points", one.toString(), "--out", out);
        assertThat(single.err()).contains("needs at least two distinct locations");
        assertThat(CliRun.run(Map.of(), "kde", "--points", one.toString(), "--bandwidth", "100", "--out", out)
                        .code())
                .isZero();
    }

    @Test
    void helpExplainsTheOptions() {
        CliRun.Result r = CliRun.run(Map.of(), "kde", "--help");
        assertThat(r.out())
                .contains("--points")
                .contains("--bandwidth")
                .contains("ppl")
                .contains("--edge-correction");
    }

    /** Keeps the engine reachable from this test so the expected grid above stays the engine's own definition. */
    @Test
    void gridOfTheExampleIsFortyByFifty() {
        Grid g = Grid.covering(334000, 389000, 336000, 391500, 50);
        assertThat(g.columns()).isEqualTo(40);
        assertThat(KernelDensity.estimate(WeightedPoints.unweighted(new double[0], new double[0]), KdeParams.of(g, 250))
                        .max())
                .isZero();
    }
}
