package org.safemap.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.KdeMode;
import org.safemap.hotspot.KdeParams;
import org.safemap.hotspot.Kernel;
import org.safemap.hotspot.KernelDensity;
import org.safemap.hotspot.WeightedPoints;

/**
 * Measures fast mode's error against exact mode: the worst cell's difference as a share of the surface's maximum,
 * for each kernel and several bandwidth-to-cell ratios, on several point patterns (the error depends on where points
 * fall against the cell centres and how sharply the surface peaks), then the worst over the patterns. For
 * docs/hotspots.md.
 */
public final class KdeAccuracy {
    private static final double CELL = 25;

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Map<String, WeightedPoints> patterns = new LinkedHashMap<>();
        patterns.put("clustered", KdeBench.clustered(n, 7));
        patterns.put("random", random(n, 11));
        patterns.put("snapped", snapped(n, 13));
        patterns.put("cell-edges", cellEdges(n, 17));
        patterns.put("one-tight-cluster", tight(n, 19));
        Map<String, Double> worstOverPatterns = new LinkedHashMap<>();
        System.out.println(
                "pattern            kernel        h/cell  worst |fast-exact| / max   mean |fast-exact| / max");
        for (Map.Entry<String, WeightedPoints> e : patterns.entrySet()) {
            for (Kernel kernel : Kernel.values()) {
                for (double ratio : new double[] {2, 4, 10, 20}) {
                    double h = kernel == Kernel.GAUSSIAN ? ratio * CELL / Math.sqrt(8) : ratio * CELL;
                    Grid grid = new Grid(KdeBench.GRID.minX(), KdeBench.GRID.minY(), CELL, 1000, 1000);
                    KdeParams p = new KdeParams(grid, kernel, h, KdeMode.EXACT, false);
                    double[] exact = KernelDensity.estimate(e.getValue(), p).densityPerKm2();
                    double[] fast = KernelDensity.estimate(e.getValue(), p.with(KdeMode.FAST))
                            .densityPerKm2();
                    double max = 0;
                    double worst = 0;
                    double sum = 0;
                    for (int c = 0; c < exact.length; c++) {
                        max = Math.max(max, exact[c]);
                        double d = Math.abs(fast[c] - exact[c]);
                        worst = Math.max(worst, d);
                        sum += d;
                    }
                    worstOverPatterns.merge(kernel.code() + " " + (int) ratio, worst / max, Math::max);
                    System.out.printf(
                            Locale.ROOT,
                            "%-18s %-13s %6.0f  %22.5f  %22.6f%n",
                            e.getKey(),
                            kernel.code(),
                            ratio,
                            worst / max,
                            sum / exact.length / max);
                }
            }
        }
        System.out.println("worst over the patterns (kernel h/cell: worst |fast-exact| / max)");
        worstOverPatterns.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-18s %.5f%n", k, v));
    }

    /** Complete spatial randomness over the grid. */
    static WeightedPoints random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double size = KdeBench.GRID.columns() * CELL;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = KdeBench.GRID.minX() + r.nextDouble() * size;
            y[i] = KdeBench.GRID.minY() + r.nextDouble() * size;
        }
        return WeightedPoints.unweighted(x, y);
    }

    /** police.uk-like: every point on one of 2,000 snap points, popular ones taking many (a Zipf-like share). */
    static WeightedPoints snapped(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        WeightedPoints sites = random(2_000, seed + 1);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            int s = (int) Math.min(1_999, Math.floor(Math.pow(r.nextDouble(), 3) * 2_000));
            x[i] = sites.x()[s];
            y[i] = sites.y()[s];
        }
        return WeightedPoints.unweighted(x, y);
    }

    /** Every point half way between two cell centres, where linear binning splits it most. */
    static WeightedPoints cellEdges(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = KdeBench.GRID.minX() + (r.nextInt(999) + 1) * CELL;
            y[i] = KdeBench.GRID.minY() + (r.nextInt(999) + 1) * CELL;
        }
        return WeightedPoints.unweighted(x, y);
    }

    /** One cluster with a standard deviation of a single cell: the sharpest peak. */
    static WeightedPoints tight(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double cx = KdeBench.GRID.minX() + 500.3 * CELL;
        double cy = KdeBench.GRID.minY() + 500.7 * CELL;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double a = r.nextDouble() * 2 * Math.PI;
            double d = CELL * Math.sqrt(-2 * Math.log(1 - r.nextDouble()));
            x[i] = cx + d * Math.cos(a);
            y[i] = cy + d * Math.sin(a);
        }
        return WeightedPoints.unweighted(x, y);
    }
}
