package org.safemap.map;

import java.awt.BasicStroke;
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
import java.util.List;
import java.util.Map;
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

    void paint(SldStyle style, List<Feature> features) {
        double scale = view.scaleDenominator();
        List<SldStyle.Rule> active =
                style.rules().stream().filter(r -> r.activeAt(scale)).toList();
        if (active.isEmpty()) {
            return;
        }
        for (Feature f : features) {
            boolean matched = false;
            for (SldStyle.Rule rule : active) {
                if (rule.elseFilter()) {
                    continue;
                }
                if (rule.filter() == null || rule.filter().test(f.properties()::get)) {
                    matched |= rule.filter() != null;
                    draw(rule, f);
                }
            }
            if (!matched) {
                for (SldStyle.Rule rule : active) {
                    if (rule.elseFilter()) {
                        draw(rule, f);
                    }
                }
            }
        }
        labels.forEach(Runnable::run);
        labels.clear();
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
