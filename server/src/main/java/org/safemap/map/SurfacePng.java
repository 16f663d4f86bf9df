package org.safemap.map;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.Surface;

/**
 * A density surface as a PNG picture with its legend, for people who would rather look than read: north up, cells
 * drawn as squares, colours on a square-root scale from zero to the surface's maximum (so a city centre's peak does
 * not wash out the rest), cells with no incident in reach light grey, no-data cells transparent, and a legend in
 * incidents per km² beneath whose ticks sit where their colours are.
 */
public final class SurfacePng {
    /** Yellow to dark red, as the density SLD in layers/ (sequential, colour-blind safe: ColorBrewer YlOrRd). */
    private static final Color[] RAMP = {
        new Color(0xffffb2), new Color(0xfecc5c), new Color(0xfd8d3c), new Color(0xf03b20), new Color(0xbd0026)
    };

    private static final int LEGEND_HEIGHT = 56;
    private static final int NOTHING_NEAR = 0xffeeeeee;
    private static final int MAX_SIDE = 2048;

    private SurfacePng() {}

    public static byte[] render(Surface surface, String title) throws IOException {
        return render(surface, title, "incidents per km²");
    }

    /** @param units what the values are, for the legend ("incidents per km²", "risk score") */
    public static byte[] render(Surface surface, String title, String units) throws IOException {
        Grid g = surface.grid();
        int scale = Math.max(
                1,
                Math.min(
                        MAX_SIDE / Math.max(g.columns(), g.rows()),
                        600 / Math.max(1, Math.min(g.columns(), g.rows()))));
        int width = Math.max(g.columns() * scale, 360);
        int mapHeight = g.rows() * scale;
        BufferedImage image = new BufferedImage(width, mapHeight + LEGEND_HEIGHT, BufferedImage.TYPE_INT_ARGB);
        double max = surface.max();
        double[] v = surface.densityPerKm2();
        for (int j = 0; j < g.rows(); j++) {
            int top = (g.rows() - 1 - j) * scale;
            for (int i = 0; i < g.columns(); i++) {
                double d = v[g.index(i, j)];
                if (Double.isNaN(d)) {
                    continue;
                }
                int argb = d <= 0 || max <= 0
                        ? NOTHING_NEAR
                        : colour(Math.sqrt(d / max)).getRGB();
                for (int y = top; y < top + scale; y++) {
                    for (int x = i * scale; x < (i + 1) * scale; x++) {
                        image.setRGB(x, y, argb);
                    }
                }
            }
        }
        Graphics2D gr = image.createGraphics();
        gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        gr.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        gr.setColor(Color.WHITE);
        gr.fillRect(0, mapHeight, width, LEGEND_HEIGHT);
        int barX = 10;
        int barW = width - 20;
        for (int x = 0; x < barW; x++) {
            gr.setColor(colour(x / (double) (barW - 1)));
            gr.fillRect(barX + x, mapHeight + 8, 1, 14);
        }
        gr.setColor(Color.DARK_GRAY);
        gr.setStroke(new BasicStroke(1));
        gr.drawRect(barX, mapHeight + 8, barW - 1, 14);
        gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int t = 0; t <= 4; t++) {
            // position t/4 along the bar has colour sqrt(value / max) = t/4
            String label = String.format(Locale.UK, "%.1f", max * (t / 4.0) * (t / 4.0));
            int x = barX + (int) ((barW - 1) * t / 4.0);
            int w = gr.getFontMetrics().stringWidth(label);
            gr.drawString(label, Math.max(2, Math.min(width - w - 2, x - w / 2)), mapHeight + 35);
        }
        String caption = (title == null ? "" : title + " - ") + units + " (square-root colour scale; "
                + "grey: none within reach)";
        gr.drawString(caption, barX, mapHeight + 50);
        gr.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** The ramp colour at share t of the maximum (0..1), interpolated between the five stops. */
    static Color colour(double t) {
        double p = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
        int a = (int) Math.floor(p);
        int b = Math.min(RAMP.length - 1, a + 1);
        double f = p - a;
        Color ca = RAMP[a];
        Color cb = RAMP[b];
        return new Color(
                (int) Math.round(ca.getRed() + f * (cb.getRed() - ca.getRed())),
                (int) Math.round(ca.getGreen() + f * (cb.getGreen() - ca.getGreen())),
                (int) Math.round(ca.getBlue() + f * (cb.getBlue() - ca.getBlue())),
                230);
    }
}
