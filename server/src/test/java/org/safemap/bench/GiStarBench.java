package org.safemap.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.safemap.hotspot.GiStar;
import org.safemap.hotspot.GiStarResult;
import org.safemap.hotspot.HotspotBins;
import org.safemap.hotspot.SpatialWeights;

/**
 * The Gi* target: 35,000 areas (England and Wales's LSOAs) with queen contiguity. A 250 × 140 lattice has the
 * same count and about eight neighbours each, more than real LSOAs' five to six. Weights built from the pairs, Gi*,
 * and FDR classes, as a run does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
public class GiStarBench {
    private double[] counts;
    private int[] from;
    private int[] to;

    @Setup
    public void setUp() {
        SpatialWeights queen = SpatialWeights.gridQueen(250, 140);
        from = new int[queen.neighbours().length];
        to = new int[queen.neighbours().length];
        for (int i = 0, k = 0; i < queen.size(); i++) {
            for (int q = queen.offsets()[i]; q < queen.offsets()[i + 1]; q++, k++) {
                from[k] = i;
                to[k] = queen.neighbours()[q];
            }
        }
        SplittableRandom random = new SplittableRandom(1);
        counts = new double[queen.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = random.nextInt(40);
        }
    }

    @Benchmark
    public int[] queenWeightsGiStarAndFdrClasses() {
        SpatialWeights w = SpatialWeights.fromPairs(counts.length, from, to).withSelf();
        GiStarResult r = GiStar.compute(counts, w);
        return HotspotBins.classify(r, true);
    }
}
