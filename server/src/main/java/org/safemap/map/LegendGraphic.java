package org.safemap.map;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * GetLegendGraphic: a legend image for a style. The layer's title heads it, and the style's title, which states
 * what is shown and in which units ("Incidents per 1,000 residents per month"), follows on a row of its own, so a
 * legend copied into a report still says what its numbers are. Feature styles then get one swatch per rule with its
 * title; raster styles their colour map with the entries' labels. Drawn on white, so a legend reads the same in any
 * client.
 */
final class LegendGraphic {
    private static final int SWATCH = 16;
    private static final int PAD = 6;
    private static final Font FONT = new Font("SansSerif", Font.PLAIN, 12);
    private static final Font TITLE = new Font("SansSerif", Font.BOLD, 12);
    /** Text colour. */
    static final Color INK = new Color(0x1E293B);
    /** Row height: a swatch and its gap. */
    static final int ROW = SWATCH + 4;

    /** Where the heading's rows start: the layer title's baseline, then the units' baseline one {@link #ROW} below. */
    static final int TITLE_X = PAD;

    static final int TITLE_BASELINE = PAD + 12;

    /** The font of the units row (and of the labels). */
    static Font unitsFont() {
        return FONT;
    }

    /** The font of the layer title. */
    static Font titleFont() {
        return TITLE;
    }

    /** The style's statement of what is shown and in which units, or null when it has none. */
    static String units(SldStyle style) {
        return style.title() == null || style.title().isBlank() ? null : style.title();
    }

    private LegendGraphic() {}

    static BufferedImage draw(String title, SldStyle style) {
        return draw(title, style, List.of());
    }

    /**
     * A legend with lines of its own under the heading: what this picture of the layer says beyond its style (a
     * forecast's validation, which depends on the data and period drawn).
     */
    static BufferedImage draw(String title, SldStyle style, List<String> notes) {
        List<String> labels = new ArrayList<>();
        List<Object> swatches = new ArrayList<>();
        SldStyle.Raster raster = style.raster();
        if (raster != null) {
            SldStyle.ColorMap.Entry previous = null;
            for (SldStyle.ColorMap.Entry e : raster.colorMap().entries()) {
                boolean ramp = raster.colorMap().type().equals("ramp");
                // A flat stretch of a ramp (the same colour at both ends) is one class, shown once: SLD 1.0 draws
                // classes that way (density-classes.sld)
                boolean flat = ramp
                        && previous != null
                        && previous.colour().equals(e.colour())
                        && previous.opacity() == e.opacity();
                previous = e;
                if (ramp && (e.opacity() == 0 || flat)) {
                    continue;
                }
                labels.add(e.label() != null ? e.label() : String.format(Locale.ROOT, "%,.6g", e.quantity()));
                swatches.add(e);
            }
        } else {
            for (SldStyle.Rule r : style.rules()) {
                SldStyle.Symbolizer s = r.symbolizers().get(0);
                if (s instanceof SldStyle.Text) {
                    continue;
                }
                labels.add(r.title() != null ? r.title() : r.name() != null ? r.name() : "");
                swatches.add(s);
            }
        }
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        Graphics2D pg = probe.createGraphics();
        int textWidth = pg.getFontMetrics(TITLE).stringWidth(title) - SWATCH - PAD;
        String units = units(style);
        int headRows = (units == null ? 1 : 2) + notes.size();
        if (units != null) {
            textWidth = Math.max(textWidth, pg.getFontMetrics(FONT).stringWidth(units) - SWATCH - PAD);
        }
        for (String n : notes) {
            textWidth = Math.max(textWidth, pg.getFontMetrics(FONT).stringWidth(n) - SWATCH - PAD);
        }
        for (String l : labels) {
            textWidth = Math.max(textWidth, pg.getFontMetrics(FONT).stringWidth(l));
        }
        pg.dispose();
        int rowHeight = ROW;
        int width = PAD * 3 + SWATCH + textWidth;
        int height = PAD * 2 + rowHeight * (labels.size() + headRows);
        BufferedImage image = new BufferedImage(Math.max(width, 60), height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), height);
        g.setColor(INK);
        g.setFont(TITLE);
        g.drawString(title, TITLE_X, TITLE_BASELINE);
        g.setFont(FONT);
        if (units != null) {
            g.drawString(units, TITLE_X, TITLE_BASELINE + ROW);
        }
        for (int k = 0; k < notes.size(); k++) {
            g.drawString(notes.get(k), TITLE_X, TITLE_BASELINE + ROW * (k + (units == null ? 1 : 2)));
        }
        for (int k = 0; k < labels.size(); k++) {
            int y = PAD + rowHeight * (k + headRows);
            Object s = swatches.get(k);
            if (s instanceof SldStyle.ColorMap.Entry e) {
                g.setColor(Colours.color(e.colour(), e.opacity() * raster.opacity()));
                g.fillRect(PAD, y, SWATCH, SWATCH);
            } else if (s instanceof SldStyle.Polygon p) {
                if (p.fill() != null) {
                    g.setColor(
                            Colours.color(p.fill().colour(), Math.max(p.fill().opacity(), 0.15)));
                    g.fillRect(PAD, y, SWATCH, SWATCH);
                }
                if (p.stroke() != null) {
                    g.setColor(Colours.color(
                            p.stroke().colour(), Math.max(p.stroke().opacity(), 0.5)));
                    g.setStroke(new BasicStroke(
                            (float) Math.max(1, Math.min(3, p.stroke().width()))));
                    g.drawRect(PAD, y, SWATCH - 1, SWATCH - 1);
                }
            } else if (s instanceof SldStyle.Line l) {
                g.setColor(Colours.color(l.stroke().colour(), l.stroke().opacity()));
                g.setStroke(new BasicStroke((float) Math.max(1, l.stroke().width())));
                g.drawLine(PAD, y + SWATCH / 2, PAD + SWATCH, y + SWATCH / 2);
            } else if (s instanceof SldStyle.Point p) {
                int d = (int) Math.min(SWATCH, Math.max(4, p.size()));
                int x0 = PAD + (SWATCH - d) / 2;
                int y0 = y + (SWATCH - d) / 2;
                if (p.fill() != null) {
                    g.setColor(Colours.color(p.fill().colour(), p.fill().opacity()));
                    if (p.mark().equals("circle")) {
                        g.fillOval(x0, y0, d, d);
                    } else {
                        g.fillRect(x0, y0, d, d);
                    }
                }
            }
            g.setColor(INK);
            g.drawString(labels.get(k), PAD * 2 + SWATCH, y + 12);
        }
        g.dispose();
        return image;
    }
}
