package org.safemap.map;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.List;

/** An SLD ColorMap ready for pixels: value to ARGB, as {@link SldStyle.ColorMap} defines it. */
final class ColorRamp {
    /** How values map to colours: SLD's ColorMap types, resolved once rather than compared per pixel. */
    private enum Type {
        RAMP,
        INTERVALS,
        VALUES
    }

    private final Type type;
    private final double[] quantity;
    private final int[] argb;

    ColorRamp(SldStyle.Raster raster) {
        List<SldStyle.ColorMap.Entry> entries = raster.colorMap().entries();
        this.type = switch (raster.colorMap().type()) {
            case "values" -> Type.VALUES;
            case "intervals" -> Type.INTERVALS;
            default -> Type.RAMP;
        };
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
            case VALUES -> {
                for (int k = 0; k < n; k++) {
                    if (v == quantity[k]) {
                        return argb[k];
                    }
                }
                return 0;
            }
            case INTERVALS -> {
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

    /** Colours every value; a run of equal values (the zeros around the data, mostly) is coloured once. */
    void paint(float[] values, int[] pixels) {
        float last = Float.NaN;
        int lastColour = 0;
        for (int k = 0; k < values.length; k++) {
            float v = values[k];
            if (v != last) { // NaN never equals, and is coloured by colour()
                last = v;
                lastColour = colour(v);
            }
            pixels[k] = lastColour;
        }
    }

    /**
     * Draws a surface over the view: one value per pixel, rows from the top, NaN left transparent. The colours are
     * written straight into the image's own pixel array: {@code setRGB} converts pixel by pixel through the colour
     * model, which cost as much as colouring them.
     */
    void draw(float[] values, MapView view, Graphics2D g) {
        BufferedImage image = new BufferedImage(view.width(), view.height(), BufferedImage.TYPE_INT_ARGB);
        paint(values, ((DataBufferInt) image.getRaster().getDataBuffer()).getData());
        g.drawImage(image, 0, 0, null);
    }
}
