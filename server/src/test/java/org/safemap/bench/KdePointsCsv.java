package org.safemap.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.safemap.hotspot.WeightedPoints;

/** Writes the KDE benchmark's points as x,y CSV, so R spatstat can be timed on exactly the same input. */
public final class KdePointsCsv {
    public static void main(String[] args) throws IOException {
        int n = Integer.parseInt(args[1]);
        WeightedPoints p = KdeBench.clustered(n, 1);
        try (BufferedWriter w = Files.newBufferedWriter(Path.of(args[0]))) {
            w.write("x,y\n");
            for (int i = 0; i < n; i++) {
                w.write((long) p.x()[i] + "," + (long) p.y()[i] + "\n");
            }
        }
    }
}
