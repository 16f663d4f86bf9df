package org.safemap.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.KdeMode;
import org.safemap.hotspot.KdeParams;
import org.safemap.hotspot.Kernel;
import org.safemap.hotspot.KernelDensity;
import org.safemap.hotspot.Surface;
import org.safemap.hotspot.WeightedPoints;

/**
 * The KDE target: 1,000,000 points onto a 1000 x 1000 grid of 25 m cells, 250 m quartic bandwidth, exact and
 * fast. Points are {@link #clustered}: crime-like clusters over a uniform background, fixed seed. Run by
 * server/src/bench/kde.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 7)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx4g"})
public class KdeBench {
    public static final Grid GRID = new Grid(330_000, 380_000, 25, 1000, 1000);

    @Param({"1000000"})
    public int points;

    @Param({"250"})
    public double bandwidth;

    private WeightedPoints data;

    @Setup
    public void setUp() {
        data = clustered(points, 1);
    }

    @Benchmark
    public Surface exact() {
        return KernelDensity.estimate(data, KdeParams.of(GRID, bandwidth));
    }

    @Benchmark
    public Surface fast() {
        return KernelDensity.estimate(data, KdeParams.of(GRID, bandwidth).with(KdeMode.FAST));
    }

    @Benchmark
    public Surface exactGaussian() {
        return KernelDensity.estimate(
                data, KdeParams.of(GRID, bandwidth / Math.sqrt(8)).with(Kernel.GAUSSIAN));
    }

    /**
     * 70% of points in 300 clusters of standard deviation 40 to 400 m (town centres, estates, transport hubs), 30%
     * uniform over the grid; coordinates rounded to the metre as recorded data are.
     */
    public static WeightedPoints clustered(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double size = GRID.columns() * GRID.cellMetres();
        int clusters = 300;
        double[] cx = new double[clusters];
        double[] cy = new double[clusters];
        double[] sd = new double[clusters];
        for (int c = 0; c < clusters; c++) {
            cx[c] = GRID.minX() + random.nextDouble() * size;
            cy[c] = GRID.minY() + random.nextDouble() * size;
            sd[c] = 40 + random.nextDouble() * 360;
        }
        double[] x = new double[n];
        double[] y = new double[n];
        java.util.Random gaussian = new java.util.Random(seed);
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < 0.7) {
                int c = random.nextInt(clusters);
                x[i] = Math.rint(cx[c] + gaussian.nextGaussian() * sd[c]);
                y[i] = Math.rint(cy[c] + gaussian.nextGaussian() * sd[c]);
            } else {
                x[i] = Math.rint(GRID.minX() + random.nextDouble() * size);
                y[i] = Math.rint(GRID.minY() + random.nextDouble() * size);
            }
        }
        return WeightedPoints.unweighted(x, y);
    }
}
