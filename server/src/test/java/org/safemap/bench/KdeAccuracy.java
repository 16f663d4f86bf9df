package org.safemap.bench;

import java.util.Locale;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.KdeMode;
import org.safemap.hotspot.KdeParams;
import org.safemap.hotspot.Kernel;
import org.safemap.hotspot.KernelDensity;
import org.safemap.hotspot.WeightedPoints;

/**
 * Measures fast mode's error against exact mode: the worst cell's difference as a share of the surface's maximum,
 * for each kernel and several bandwidth-to-cell ratios, on the benchmark's clustered points. For docs/hotspots.md.
 */
public final class KdeAccuracy {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        WeightedPoints points = KdeBench.clustered(n, 7);
        System.out.println("kernel        h/cell  worst |fast-exact| / max   mean |fast-exact| / max");
        for (Kernel kernel : Kernel.values()) {
            for (double ratio : new double[] {2, 4, 10, 20}) {
                double cell = 25;
                double h = kernel == Kernel.GAUSSIAN ? ratio * cell / Math.sqrt(8) * 1 : ratio * cell;
                Grid grid = new Grid(KdeBench.GRID.minX(), KdeBench.GRID.minY(), cell, 1000, 1000);
                KdeParams p = new KdeParams(grid, kernel, h, KdeMode.EXACT, false);
                double[] exact = KernelDensity.estimate(points, p).densityPerKm2();
                double[] fast =
                        KernelDensity.estimate(points, p.with(KdeMode.FAST)).densityPerKm2();
                double max = 0;
                double worst = 0;
                double sum = 0;
                for (int c = 0; c < exact.length; c++) {
                    max = Math.max(max, exact[c]);
                    double d = Math.abs(fast[c] - exact[c]);
                    worst = Math.max(worst, d);
                    sum += d;
                }
                System.out.printf(
                        Locale.ROOT,
                        "%-13s %6.0f  %22.5f  %22.6f%n",
                        kernel.code(),
                        ratio,
                        worst / max,
                        sum / exact.length / max);
            }
        }
    }
}
