package org.safemap.map;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.Surface;

/**
 * A density surface as CSV: a header {@code x,y,density_per_km2} and one row per cell, the cell centre in EPSG:27700
 * metres, south-west first, west to east then south to north; no-data cells have an empty density.
 */
public final class SurfaceCsv {
    private SurfaceCsv() {}

    public static void write(Surface surface, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        Grid grid = surface.grid();
        double[] values = surface.densityPerKm2();
        w.write("x,y,density_per_km2\n");
        StringBuilder line = new StringBuilder(64);
        for (int j = 0; j < grid.rows(); j++) {
            String y = number(grid.centreY(j));
            for (int i = 0; i < grid.columns(); i++) {
                double v = values[grid.index(i, j)];
                line.setLength(0);
                line.append(number(grid.centreX(i))).append(',').append(y).append(',');
                if (!Double.isNaN(v)) {
                    line.append(v == 0 ? "0" : Double.toString(v));
                }
                line.append('\n');
                w.append(line);
            }
        }
        w.flush();
    }

    /** Coordinates without a trailing ".0", at most millimetres. */
    private static String number(double v) {
        double rounded = Math.round(v * 1000) / 1000.0;
        return rounded == Math.rint(rounded) ? Long.toString((long) rounded) : Double.toString(rounded);
    }
}
