package org.safemap.map;

import java.util.List;

/** An SLD ColorMap ready for pixels: value to ARGB, as {@link SldStyle.ColorMap} defines it. */
final class ColorRamp {
    private final String type;
    private final double[] quantity;
    private final int[] argb;

    ColorRamp(SldStyle.Raster raster) {
        List<SldStyle.ColorMap.Entry> entries = raster.colorMap().entries();
        this.type = raster.colorMap().type();
        this.quantity = new double[entries.size()];
        this.argb = new int[entries.size()];
        for (int k = 0; k < entries.size(); k++) {
            SldStyle.ColorMap.Entry e = entries.get(k);
            quantity[k] = e.quantity();
            argb[k] = Colours.argb(e.colour(), e.opacity() * raster.opacity());
        }
    }

    int colour(double v) {
        if (Double.isNaN(v)) {
            return 0;
        }
        int n = quantity.length;
        switch (type) {
            case "values" -> {
                for (int k = 0; k < n; k++) {
                    if (v == quantity[k]) {
                        return argb[k];
                    }
                }
                return 0;
            }
            case "intervals" -> {
                for (int k = 0; k < n; k++) {
                    if (v < quantity[k]) {
                        return argb[k];
                    }
                }
                return argb[n - 1];
            }
            default -> {
                if (v <= quantity[0]) {
                    return argb[0];
                }
                for (int k = 1; k < n; k++) {
                    if (v < quantity[k]) {
                        double t = (v - quantity[k - 1]) / (quantity[k] - quantity[k - 1]);
                        return Colours.mix(argb[k - 1], argb[k], t);
                    }
                }
                return argb[n - 1];
            }
        }
    }

    void paint(float[] values, int[] pixels) {
        for (int k = 0; k < values.length; k++) {
            pixels[k] = colour(values[k]);
        }
    }
}
