package org.safemap.map;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
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

    /** Draws a surface over the view: one value per pixel, rows from the top, NaN left transparent. */
    void draw(float[] values, MapView view, Graphics2D g) {
        int[] pixels = new int[values.length];
        paint(values, pixels);
        BufferedImage image = new BufferedImage(view.width(), view.height(), BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, view.width(), view.height(), pixels, 0, view.width());
        g.drawImage(image, 0, 0, null);
    }
}
