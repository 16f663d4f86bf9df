package org.safemap.bench;

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
 * Exact quartic KDE of {@link KdeBench#clustered}'s 1,000,000 points on the two set-ups the direct sum in R is timed
 * on by server/src/bench/kde-exact.sh: {@code columns:cellMetres:bandwidthMetres}, each grid's south-west corner at
 * (330,000, 380,000).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx2g"})
public class ExactKdeBench {
    @Param({"1000:25:250", "500:30:750"})
    public String setup;

    @Param({"1000000"})
    public int points;

    private WeightedPoints data;
    private KdeParams params;

    @Setup
    public void setUp() {
        data = KdeBench.clustered(points, 1);
        String[] part = setup.split(":");
        int side = Integer.parseInt(part[0]);
        Grid grid = new Grid(330_000, 380_000, Double.parseDouble(part[1]), side, side);
        params = new KdeParams(grid, Kernel.QUARTIC, Double.parseDouble(part[2]), KdeMode.EXACT, false);
    }

    @Benchmark
    public Surface exactQuartic() {
        return KernelDensity.estimate(data, params);
    }
}
