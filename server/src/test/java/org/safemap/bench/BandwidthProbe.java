package org.safemap.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.safemap.geo.Crs;
import org.safemap.hotspot.BandwidthRule;
import org.safemap.hotspot.Kernel;
import org.safemap.hotspot.WeightedPoints;

/**
 * What each bandwidth rule chooses for the records of police.uk CSV files (every file under a folder), over their
 * own extent, and how long it takes: {@code java -cp ... org.safemap.bench.BandwidthProbe DIR}.
 */
public final class BandwidthProbe {
    private BandwidthProbe() {}

    public static void main(String[] args) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of(args[0]))) {
            files = s.filter(p -> p.toString().endsWith("-street.csv")).sorted().toList();
        }
        Crs.Transform t = Crs.WGS84.to(Crs.BNG);
        double[] p = new double[2];
        List<double[]> xy = new ArrayList<>();
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f)) {
                r.readLine();
                for (String line; (line = r.readLine()) != null; ) {
                    String[] c = line.split(",", -1);
                    if (c[4].isEmpty()) {
                        continue;
                    }
                    t.apply(Double.parseDouble(c[4]), Double.parseDouble(c[5]), p);
                    xy.add(new double[] {p[0], p[1]});
                }
            }
        }
        double[] x = new double[xy.size()];
        double[] y = new double[xy.size()];
        double[] w = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < x.length; i++) {
            x[i] = xy.get(i)[0];
            y[i] = xy.get(i)[1];
            w[0] = Math.min(w[0], x[i]);
            w[1] = Math.min(w[1], y[i]);
            w[2] = Math.max(w[2], x[i]);
            w[3] = Math.max(w[3], y[i]);
        }
        WeightedPoints points = WeightedPoints.unweighted(x, y);
        System.out.printf(Locale.ROOT, "%,d points, extent %.0f x %.0f m%n", x.length, w[2] - w[0], w[3] - w[1]);
        for (BandwidthRule rule : BandwidthRule.values()) {
            long start = System.nanoTime();
            double h = rule.bandwidth(points, Kernel.QUARTIC, w);
            System.out.printf(
                    Locale.ROOT,
                    "%s: quartic radius %.0f m in %.2f s%n",
                    rule.code(),
                    h,
                    (System.nanoTime() - start) / 1e9);
        }
    }
}
