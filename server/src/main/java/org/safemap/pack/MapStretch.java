package org.safemap.pack;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;

/**
 * A local colour stretch for a pack map: the density's classes follow the values of the ground the map is about (the
 * pack's area, or a hot spot map's own view), so its structure shows where the viewer's fixed scale paints a busy
 * district solid dark red. The ground is read as square cells; the classes' limits are percentiles of those cells'
 * densities (nearest rank), so the darkest colour is the top 1% of cells there. A stretched map's colours do not
 * compare with another map's, which every statement of the stretch says.
 *
 * @param where      the ground in words ("Liverpool", "this map")
 * @param cellMetres the cells' side, metres
 * @param cells      how many cells the ground holds
 * @param breaks     the density (incidents per km² per month) at each of {@link #PERCENTILES}, ascending
 */
record MapStretch(String where, double cellMetres, int cells, double[] breaks) {
    /** Upper percentiles of the classes but the last: eight classes, the darkest the top 1% of cells. */
    static final double[] PERCENTILES = {20, 40, 60, 75, 85, 93, 99};
    /** The viewer's density colours (layers/styles/density.sld), palest first, so a stretched map reads alike. */
    static final String[] COLOURS = {
        "#FFFFB2", "#FED976", "#FEB24C", "#FD8D3C", "#FC4E2A", "#E31A1C", "#B10026", "#67000D"
    };
    /** About this many cells are read over the ground: enough for a steady top 1% at any area's size. */
    static final int TARGET_CELLS = 10_000;

    /** The colours over the density's, as the viewer's density layer is drawn, so the boundaries read through. */
    private static final double OPACITY = 0.85;

    MapStretch {
        breaks = breaks.clone();
    }

    /** The cell side for ground of this extent: about {@link #TARGET_CELLS} cells, whole metres, at least 10 m. */
    static double cellFor(double widthMetres, double heightMetres) {
        return Math.max(10, Math.ceil(Math.sqrt(widthMetres * heightMetres / TARGET_CELLS)));
    }

    /** The stretch of the cells' densities {@code inside} (any order; not changed). */
    static MapStretch of(String where, double cellMetres, float[] inside) {
        float[] sorted = inside.clone();
        Arrays.sort(sorted);
        double[] breaks = new double[PERCENTILES.length];
        for (int k = 0; k < breaks.length; k++) {
            breaks[k] = sorted.length == 0 ? 0 : sorted[rank(PERCENTILES[k], sorted.length)];
        }
        return new MapStretch(where, cellMetres, sorted.length, breaks);
    }

    /** The nearest-rank percentile's index among n sorted values: the smallest value with p% of values at or below. */
    static int rank(double percentile, int n) {
        return Math.max(0, (int) Math.ceil(percentile / 100 * n) - 1);
    }

    /** Whether the ground has any density at all; a map of nothing keeps its empty colours. */
    boolean empty() {
        return breaks[breaks.length - 1] <= 0;
    }

    /**
     * An SLD_BODY drawing {@code densityLayer} in this stretch's classes (zero stays transparent) and
     * {@code boundaryLayer} as thin lines without names, so the pack's own labels are the only text on the map.
     */
    String sld(String densityLayer, String boundaryLayer) {
        StringBuilder b = new StringBuilder("<StyledLayerDescriptor version=\"1.0.0\" "
                + "xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\">");
        b.append("<NamedLayer><Name>")
                .append(densityLayer)
                .append("</Name><UserStyle><Name>local-stretch</Name><FeatureTypeStyle><Rule><RasterSymbolizer>")
                .append("<Opacity>")
                .append(OPACITY)
                .append("</Opacity><ColorMap type=\"intervals\">");
        // intervals: a value takes the first entry whose quantity is above it, else the last entry
        double q = 1e-9;
        entry(b, COLOURS[0], 0, q);
        for (int k = 0; k < breaks.length; k++) {
            q = Math.max(q, breaks[k]);
            entry(b, COLOURS[k], 1, q);
        }
        entry(b, COLOURS[COLOURS.length - 1], 1, q);
        b.append("</ColorMap></RasterSymbolizer></Rule></FeatureTypeStyle></UserStyle></NamedLayer>");
        b.append("<NamedLayer><Name>")
                .append(boundaryLayer)
                .append("</Name><UserStyle><Name>lines</Name><FeatureTypeStyle><Rule><PolygonSymbolizer><Stroke>")
                .append("<CssParameter name=\"stroke\">#334155</CssParameter>")
                .append("<CssParameter name=\"stroke-width\">0.8</CssParameter>")
                .append("<CssParameter name=\"stroke-opacity\">0.6</CssParameter>")
                .append("</Stroke></PolygonSymbolizer></Rule></FeatureTypeStyle></UserStyle></NamedLayer>")
                .append("</StyledLayerDescriptor>");
        return b.toString();
    }

    private static void entry(StringBuilder b, String colour, double opacity, double quantity) {
        b.append("<ColorMapEntry color=\"")
                .append(colour)
                .append("\" opacity=\"")
                .append(opacity)
                .append("\" quantity=\"")
                .append(String.format(Locale.ROOT, "%.9g", quantity))
                .append("\"/>");
    }

    /** The short statement drawn on the map itself. */
    String onMap() {
        return "Colours stretched to " + where + ": darkest = top 1% of cells here";
    }

    /** The statement printed under the map, with the values the classes start at. */
    String statement() {
        if (empty()) {
            return "No incidents within the kernel's reach of " + where + ": the map shows no density.";
        }
        return "Colours stretched to " + where + ": darkest = top 1% of cells here (at least "
                + density(breaks[breaks.length - 1]) + " incidents per km\u00b2 per month), then the next 6%, 8%, 10%, "
                + "15%, 20%, 20% and the lowest 20% (the " + String.format(Locale.UK, "%,d", cells) + " cells of "
                + trim(cellMetres) + " m inside it, ranked by density). The colours do not compare with other maps "
                + "or the viewer's fixed scale.";
    }

    /** Which cells class {@code k} (0 palest) holds, and from what density. */
    String classLabel(int k) {
        String share = k == COLOURS.length - 1
                ? "top 1%"
                : k == 0
                        ? "lowest " + trim(PERCENTILES[0]) + "%"
                        : trim(PERCENTILES[k - 1]) + "-" + trim(PERCENTILES[k]) + "%";
        return share + (k == 0 ? ": below " + density(breaks[0]) : ": from " + density(breaks[k - 1]));
    }

    static String density(double v) {
        return v >= 100
                ? String.format(Locale.UK, "%,d", Math.round(v))
                : v >= 10 ? String.format(Locale.UK, "%.0f", v) : String.format(Locale.UK, "%.1f", v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** The legend: each class's colour, its share of the cells and the density it starts at. */
    BufferedImage legend() {
        int width = 250;
        int row = 24;
        int height = 30 + row * COLOURS.length + 8;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = PackMaps.graphics(img);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Density: stretched colours", 4, 16);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        FontMetrics m = g.getFontMetrics();
        for (int k = COLOURS.length - 1, y = 28; k >= 0; k--, y += row) {
            Color c = Color.decode(COLOURS[k]);
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), (int) Math.round(255 * OPACITY)));
            g.fillRect(4, y, 26, row - 4);
            g.setColor(new Color(120, 120, 120));
            g.drawRect(4, y, 26, row - 4);
            g.setColor(Color.BLACK);
            g.drawString(classLabel(k), 38, y + (row - 4 + m.getAscent()) / 2 - 1);
        }
        g.dispose();
        return img;
    }
}
