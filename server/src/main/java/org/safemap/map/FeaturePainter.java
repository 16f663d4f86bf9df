package org.safemap.map;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.locationtech.jts.algorithm.InteriorPointArea;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Polygon;

/**
 * Draws features with SLD rules onto a Java2D canvas, anti-aliased. Geometries are in the view's CRS (x first).
 * Rules apply in file order; an ElseFilter rule draws features no filtered rule matched. Labels are placed after
 * every feature, at the interior point of each area, with a halo, and skipped where they would overlap a label
 * already placed or cross the image edge (so a label never appears cut in half on a tile).
 */
final class FeaturePainter {
    /** A feature: geometry in the view's CRS and its properties. */
    record Feature(Geometry geometry, Map<String, Object> properties) {}

    private final Graphics2D g;
    private final MapView view;
    private final List<Rectangle2D> placed = new ArrayList<>();
    private final List<Runnable> labels = new ArrayList<>();

    FeaturePainter(Graphics2D g, MapView view) {
        this.g = g;
        this.view = view;
    }

    /**
     * The style classes of a set of areas: {@code classOf[a]} is the class of area {@code a} (its index in its
     * set), -1 for an area not drawn at all; {@code matched.get(c)} the rules ({@link #matching}) class {@code c}'s
     * properties select.
     */
    record Classes(int[] classOf, List<BitSet> matched) {}

    void paint(SldStyle style, List<Feature> features) {
        double scale = view.scaleDenominator();
        if (!anyActive(style, view)) {
            return;
        }
        for (Feature f : features) {
            for (int r : drawing(style, scale, matching(style, f.properties()::get))) {
                draw(style.rules().get(r), f);
            }
        }
        labels.forEach(Runnable::run);
        labels.clear();
    }

    /**
     * The rules (by index in the style) a feature with these properties matches, whatever the scale: every rule that
     * is not an ElseFilter rule and has no filter or a filter the properties pass.
     */
    static BitSet matching(SldStyle style, Function<String, Object> properties) {
        BitSet out = new BitSet();
        List<SldStyle.Rule> rules = style.rules();
        for (int r = 0; r < rules.size(); r++) {
            SldStyle.Rule rule = rules.get(r);
            if (!rule.elseFilter() && (rule.filter() == null || rule.filter().test(properties))) {
                out.set(r);
            }
        }
        return out;
    }

    /**
     * The rules that draw a feature matching {@code matched} at a scale, in drawing order: the active rules it
     * matches, in file order; then, when none of them has a filter, the active ElseFilter rules.
     */
    static int[] drawing(SldStyle style, double scale, BitSet matched) {
        List<SldStyle.Rule> rules = style.rules();
        int[] out = new int[rules.size()];
        int n = 0;
        boolean filtered = false;
        for (int r = matched.nextSetBit(0); r >= 0; r = matched.nextSetBit(r + 1)) {
            if (rules.get(r).activeAt(scale)) {
                out[n++] = r;
                filtered |= rules.get(r).filter() != null;
            }
        }
        if (!filtered) {
            for (int r = 0; r < rules.size(); r++) {
                if (rules.get(r).elseFilter() && rules.get(r).activeAt(scale)) {
                    out[n++] = r;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Whether every symbolizer of the style fills or strokes (no marks, no labels), so that areas can be drawn by
     * their classes alone ({@link #paint(SldStyle, LayerData.Outlines, int[], Classes)}).
     */
    static boolean fillsAndStrokes(SldStyle style) {
        return style.rules().stream()
                .flatMap(r -> r.symbolizers().stream())
                .allMatch(s -> s instanceof SldStyle.Polygon || s instanceof SldStyle.Line);
    }

    /**
     * Draws areas of a set, in the order given, by their classes: what {@link #paint(SldStyle, List)} draws for the
     * same areas and properties, pixel for pixel, without a properties map, a filter test, a colour or a stroke made
     * per area. For styles that only fill and stroke ({@link #fillsAndStrokes}).
     */
    void paint(SldStyle style, LayerData.Outlines outlines, int[] areas, Classes classes) {
        double scale = view.scaleDenominator();
        int[][] rulesOf = new int[classes.matched().size()][];
        for (int c = 0; c < rulesOf.length; c++) {
            rulesOf[c] = drawing(style, scale, classes.matched().get(c));
        }
        List<SldStyle.Rule> rules = style.rules();
        Pen[][] pens = new Pen[rules.size()][];
        for (int r = 0; r < pens.length; r++) {
            pens[r] = rules.get(r).symbolizers().stream().map(Pen::of).toArray(Pen[]::new);
        }
        for (int a : areas) {
            int c = classes.classOf()[a];
            if (c < 0 || rulesOf[c].length == 0) {
                continue;
            }
            Path2D.Double path = outlines.path(a, view);
            for (int r : rulesOf[c]) {
                for (Pen pen : pens[r]) {
                    pen.draw(g, path);
                }
            }
        }
    }

    /**
     * {@link #paint(SldStyle, LayerData.Outlines, int[], Classes)} in {@code bands} horizontal bands of the view drawn
     * at once on the common pool, each through its own copy of {@code g} clipped to the band and drawing the areas
     * that reach it, in the same order: a pixel is drawn by the same areas in the same order as in one pass, so the
     * picture is the same; a map of thousands of areas takes both cores. 1 band: one pass on this thread.
     */
    static void paint(
            Graphics2D g,
            MapView view,
            SldStyle style,
            LayerData.ShapeSet set,
            int[] areas,
            Classes classes,
            int bands) {
        if (bands <= 1) {
            new FeaturePainter(g, view).paint(style, set.outlines(), areas, classes);
            return;
        }
        // how far a stroke reaches beyond an outline, pixels, with a pixel for anti-aliasing
        double reach = 1
                + style.rules().stream()
                        .flatMap(r -> r.symbolizers().stream())
                        .mapToDouble(s -> {
                            SldStyle.Stroke k =
                                    s instanceof SldStyle.Polygon p ? p.stroke() : ((SldStyle.Line) s).stroke();
                            return k == null ? 0 : k.width();
                        })
                        .max()
                        .orElse(0);
        double[] top = new double[areas.length];
        double[] bottom = new double[areas.length];
        for (int k = 0; k < areas.length; k++) {
            org.locationtech.jts.geom.Envelope e =
                    set.shapes().get(areas[k]).geometry().getEnvelopeInternal();
            top[k] = (view.maxY() - e.getMaxY()) / view.resY() - reach;
            bottom[k] = (view.maxY() - e.getMinY()) / view.resY() + reach;
        }
        int h = view.height();
        java.util.stream.IntStream.range(0, bands).parallel().forEach(b -> {
            int y0 = (int) ((long) h * b / bands);
            int y1 = (int) ((long) h * (b + 1) / bands);
            int[] mine = new int[areas.length];
            int n = 0;
            for (int k = 0; k < areas.length; k++) {
                if (bottom[k] >= y0 && top[k] <= y1) {
                    mine[n++] = areas[k];
                }
            }
            Graphics2D band = (Graphics2D) g.create();
            try {
                band.clipRect(0, y0, view.width(), y1 - y0);
                new FeaturePainter(band, view).paint(style, set.outlines(), Arrays.copyOf(mine, n), classes);
            } finally {
                band.dispose();
            }
        });
    }

    /** A fill or stroke symbolizer's colours and stroke, made once per map. */
    private record Pen(Color fill, Color line, BasicStroke stroke) {
        static Pen of(SldStyle.Symbolizer s) {
            SldStyle.Fill fill = s instanceof SldStyle.Polygon p ? p.fill() : null;
            SldStyle.Stroke stroke = s instanceof SldStyle.Polygon p ? p.stroke() : ((SldStyle.Line) s).stroke();
            boolean stroked = stroke != null && stroke.width() > 0;
            return new Pen(
                    fill == null ? null : Colours.color(fill.colour(), fill.opacity()),
                    stroked ? Colours.color(stroke.colour(), stroke.opacity()) : null,
                    stroked
                            ? new BasicStroke((float) stroke.width(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                            : null);
        }

        void draw(Graphics2D g, Shape path) {
            if (fill != null) {
                g.setColor(fill);
                g.fill(path);
            }
            if (stroke != null) {
                g.setColor(line);
                g.setStroke(stroke);
                g.draw(path);
            }
        }
    }

    /** True when some rule of the style is active at this view's scale (no need to read features otherwise). */
    static boolean anyActive(SldStyle style, MapView view) {
        double scale = view.scaleDenominator();
        return style.rules().stream().anyMatch(r -> r.activeAt(scale));
    }

    private void draw(SldStyle.Rule rule, Feature f) {
        for (SldStyle.Symbolizer s : rule.symbolizers()) {
            if (s instanceof SldStyle.Polygon p) {
                Shape shape = path(f.geometry(), true);
                if (p.fill() != null) {
                    g.setColor(Colours.color(p.fill().colour(), p.fill().opacity()));
                    g.fill(shape);
                }
                stroke(shape, p.stroke());
            } else if (s instanceof SldStyle.Line l) {
                stroke(path(f.geometry(), false), l.stroke());
            } else if (s instanceof SldStyle.Point p) {
                mark(f.geometry(), p);
            } else if (s instanceof SldStyle.Text t) {
                labels.add(() -> label(f, t));
            }
        }
    }

    private void stroke(Shape shape, SldStyle.Stroke stroke) {
        if (stroke == null || stroke.width() <= 0) {
            return;
        }
        g.setColor(Colours.color(stroke.colour(), stroke.opacity()));
        g.setStroke(new BasicStroke((float) stroke.width(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(shape);
    }

    private void mark(Geometry geometry, SldStyle.Point p) {
        Coordinate c = geometry.getCoordinate();
        if (c == null) {
            return;
        }
        double px = (c.x - view.minX()) / view.resX();
        double py = (view.maxY() - c.y) / view.resY();
        double r = p.size() / 2;
        Shape shape = switch (p.mark()) {
            case "circle" -> new Ellipse2D.Double(px - r, py - r, 2 * r, 2 * r);
            case "triangle" -> polygon(px, py, r, 3, 0);
            case "star" -> star(px, py, r);
            case "cross" -> cross(px, py, r, 0);
            case "x" -> cross(px, py, r, Math.PI / 4);
            default -> new Rectangle2D.Double(px - r, py - r, 2 * r, 2 * r);
        };
        if (p.fill() != null) {
            g.setColor(Colours.color(p.fill().colour(), p.fill().opacity()));
            g.fill(shape);
        }
        stroke(shape, p.stroke());
    }

    private void label(Feature f, SldStyle.Text t) {
        Object value = f.properties().get(t.property());
        if (value == null || value.toString().isBlank()) {
            return;
        }
        Coordinate at = f.geometry() instanceof Polygon || f.geometry().getDimension() == 2
                ? InteriorPointArea.getInteriorPoint(f.geometry())
                : f.geometry().getCoordinate();
        if (at == null) {
            return;
        }
        Font font = new Font(t.fontFamily(), t.bold() ? Font.BOLD : Font.PLAIN, (int) Math.round(t.fontSize()));
        FontRenderContext frc = g.getFontRenderContext();
        GlyphVector glyphs = font.createGlyphVector(frc, value.toString());
        Rectangle2D bounds = glyphs.getVisualBounds();
        double px = (at.x - view.minX()) / view.resX() - bounds.getWidth() / 2 - bounds.getX();
        double py = (view.maxY() - at.y) / view.resY() + bounds.getHeight() / 2;
        double pad = t.haloRadius() + 2;
        Rectangle2D box = new Rectangle2D.Double(
                px + bounds.getX() - pad,
                py + bounds.getY() - pad,
                bounds.getWidth() + 2 * pad,
                bounds.getHeight() + 2 * pad);
        if (box.getMinX() < 0 || box.getMinY() < 0 || box.getMaxX() > view.width() || box.getMaxY() > view.height()) {
            return;
        }
        for (Rectangle2D other : placed) {
            if (other.intersects(box)) {
                return;
            }
        }
        placed.add(box);
        Shape outline = glyphs.getOutline((float) px, (float) py);
        if (t.haloRadius() > 0 && t.halo() != null) {
            g.setColor(Colours.color(t.halo().colour(), t.halo().opacity()));
            g.setStroke(new BasicStroke((float) (2 * t.haloRadius()), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(outline);
        }
        g.setColor(Colours.color(t.fill().colour(), t.fill().opacity()));
        g.fill(outline);
    }

    /** A geometry as a Java2D path in pixel space; polygons with holes fill even-odd. */
    private Shape path(Geometry geometry, boolean closed) {
        Path2D.Double path = new Path2D.Double(Path2D.WIND_EVEN_ODD);
        for (int k = 0; k < geometry.getNumGeometries(); k++) {
            Geometry part = geometry.getGeometryN(k);
            if (part instanceof Polygon p) {
                ring(path, p.getExteriorRing().getCoordinates(), true);
                for (int h = 0; h < p.getNumInteriorRing(); h++) {
                    ring(path, p.getInteriorRingN(h).getCoordinates(), true);
                }
            } else if (part instanceof LineString l) {
                ring(path, l.getCoordinates(), closed && l.isClosed());
            }
        }
        return path;
    }

    private void ring(Path2D.Double path, Coordinate[] cs, boolean close) {
        if (cs.length == 0) {
            return;
        }
        double rx = view.resX();
        double ry = view.resY();
        path.moveTo((cs[0].x - view.minX()) / rx, (view.maxY() - cs[0].y) / ry);
        for (int k = 1; k < cs.length; k++) {
            path.lineTo((cs[k].x - view.minX()) / rx, (view.maxY() - cs[k].y) / ry);
        }
        if (close) {
            path.closePath();
        }
    }

    private static Shape polygon(double cx, double cy, double r, int sides, double rotation) {
        Path2D.Double p = new Path2D.Double();
        for (int k = 0; k < sides; k++) {
            double a = rotation - Math.PI / 2 + 2 * Math.PI * k / sides;
            if (k == 0) {
                p.moveTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
            } else {
                p.lineTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
            }
        }
        p.closePath();
        return p;
    }

    private static Shape star(double cx, double cy, double r) {
        Path2D.Double p = new Path2D.Double();
        for (int k = 0; k < 10; k++) {
            double a = -Math.PI / 2 + Math.PI * k / 5;
            double rr = k % 2 == 0 ? r : r * 0.45;
            if (k == 0) {
                p.moveTo(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
            } else {
                p.lineTo(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
            }
        }
        p.closePath();
        return p;
    }

    private static Shape cross(double cx, double cy, double r, double rotation) {
        double t = r * 0.3;
        Path2D.Double p = new Path2D.Double();
        p.append(new Rectangle2D.Double(cx - r, cy - t, 2 * r, 2 * t), false);
        p.append(new Rectangle2D.Double(cx - t, cy - r, 2 * t, 2 * r), false);
        return AffineTransform.getRotateInstance(rotation, cx, cy).createTransformedShape(p);
    }
}
