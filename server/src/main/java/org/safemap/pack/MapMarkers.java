package org.safemap.pack;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Numbered hot spot markers that never overlap: each disc sits on its hot spot's point when that is free, else at the
 * nearest free place on rings around it, joined to the point by a leader line. Where many crowd, the map shows their
 * part enlarged in an inset instead ({@link #crowds}, {@link #insets}), one per crowd up to a maximum, and their
 * markers are placed there.
 */
final class MapMarkers {
    /** A hot spot's point on the image, in pixels. */
    record Anchor(int number, double x, double y) {}

    /**
     * A placed marker: its disc's centre and radius, and its anchor (the hot spot's point), which a leader line joins
     * when they differ.
     */
    record Marker(int number, double x, double y, double radius, double anchorX, double anchorY) {
        boolean offset() {
            return Math.hypot(x - anchorX, y - anchorY) > 0.5;
        }

        Rectangle2D box() {
            return new Rectangle2D.Double(x - radius, y - radius, 2 * radius, 2 * radius);
        }
    }

    /** White space kept between two discs, pixels. */
    static final double GAP = 2;

    private static final Color RING = new Color(0, 70, 200);

    private MapMarkers() {}

    /** The disc's radius for numbers up to two digits at this font size. */
    static double radius(int fontSize) {
        return fontSize * 0.62 + 5;
    }

    /**
     * Places the markers in the given order (the first keeps its point whenever it can): each disc at its anchor or
     * at the nearest free position on rings around it, inside the image and clear of the obstacles and of every
     * disc already placed. A marker with no free position within the rings keeps its anchor, overlapping: never in
     * practice with ten hot spots, as the rings reach far.
     *
     * @return the markers, discs pairwise at least {@link #GAP} apart
     */
    static List<Marker> place(List<Anchor> anchors, double radius, int width, int height, List<Rectangle2D> obstacles) {
        List<Marker> placed = new ArrayList<>();
        for (Anchor a : anchors) {
            Marker chosen = null;
            search:
            for (int ring = 0; ring <= 12; ring++) {
                double d = ring == 0 ? 0 : radius * (1.6 + ring * 0.9);
                int steps = ring == 0 ? 1 : 12 + 4 * ring;
                for (int s = 0; s < steps; s++) {
                    double angle = -Math.PI / 4 + 2 * Math.PI * s / steps; // up and to the right first
                    Marker m = new Marker(
                            a.number(), a.x() + d * Math.cos(angle), a.y() - d * Math.sin(angle), radius, a.x(), a.y());
                    if (free(m, placed, anchors, width, height, obstacles)) {
                        chosen = m;
                        break search;
                    }
                }
            }
            placed.add(chosen != null ? chosen : new Marker(a.number(), a.x(), a.y(), radius, a.x(), a.y()));
        }
        return placed;
    }

    private static boolean free(
            Marker m, List<Marker> placed, List<Anchor> anchors, int width, int height, List<Rectangle2D> obstacles) {
        Rectangle2D box = m.box();
        if (box.getMinX() < 1 || box.getMinY() < 1 || box.getMaxX() > width - 1 || box.getMaxY() > height - 1) {
            return false;
        }
        for (Marker q : placed) {
            if (Math.hypot(q.x() - m.x(), q.y() - m.y()) < q.radius() + m.radius() + GAP) {
                return false;
            }
        }
        // a disc does not hide another hot spot's point, where that one's leader line would start
        for (Anchor a : anchors) {
            if (a.number() != m.number() && Math.hypot(a.x() - m.x(), a.y() - m.y()) < m.radius() + 3) {
                return false;
            }
        }
        for (Rectangle2D o : obstacles) {
            if (new Ellipse2D.Double(box.getX(), box.getY(), box.getWidth(), box.getHeight()).intersects(o)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The crowds: groups of anchors linked (single linkage) by being closer than {@code reach} pixels, each of at
     * least {@code min}; the largest first (ties: the one holding the lowest number first), numbers ascending.
     */
    static List<List<Integer>> crowds(List<Anchor> anchors, double reach, int min) {
        int n = anchors.size();
        int[] group = new int[n];
        for (int i = 0; i < n; i++) {
            group[i] = i;
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (Math.hypot(
                                anchors.get(i).x() - anchors.get(j).x(),
                                anchors.get(i).y() - anchors.get(j).y())
                        < reach) {
                    int from = group[j];
                    int to = group[i];
                    for (int k = 0; k < n; k++) {
                        if (group[k] == from) {
                            group[k] = to;
                        }
                    }
                }
            }
        }
        List<List<Integer>> out = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            List<Integer> members = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                if (group[k] == g) {
                    members.add(anchors.get(k).number());
                }
            }
            if (members.size() >= min) {
                out.add(members.stream().sorted().toList());
            }
        }
        out.sort(Comparator.<List<Integer>>comparingInt(List::size).reversed().thenComparing(c -> c.get(0)));
        return out;
    }

    /** The largest crowd ({@link #crowds}), or an empty list when there is none. */
    static List<Integer> crowd(List<Anchor> anchors, double reach, int min) {
        List<List<Integer>> all = crowds(anchors, reach, min);
        return all.isEmpty() ? List.of() : all.get(0);
    }

    /** A crowd to enlarge: its numbers and the frame around its part of the map, in the map's pixels. */
    record Crowd(List<Integer> numbers, Rectangle2D frame) {}

    /**
     * A crowd shown enlarged: {@code at} is where its inset sits on the map (pixels), {@code frame} the part of the
     * map it enlarges; {@code label} tells insets apart ("" when there is only one, else A, B, C).
     */
    record Inset(String label, List<Integer> numbers, Rectangle2D frame, Rectangle2D at) {}

    /** White space kept between an inset and other insets, frames or markers, pixels. */
    static final double INSET_GAP = 6;

    /**
     * Where the crowds' insets go, at most {@code max} of them, the first crowds first: each in the corner of the
     * map (top left, bottom right, bottom left, top right) that {@code hides} least of (the ground under a box, in
     * any unit), and never over any crowd's frame, another inset, the obstacles' bottom band nor outside the map. A
     * corner over a marker outside its crowd is taken only when no other is free. One inset takes 40% of the map's
     * width; two or more take 30% each, so that they fit beside each other. A crowd beyond {@code max}, or for which
     * no corner is free, gets no inset: its markers stay on the map, offset with leader lines ({@link #place}).
     *
     * @param bottom the lowest pixel row an inset may reach (above the scale bar and the credit strip)
     * @return the insets, pairwise at least {@link #INSET_GAP} apart and clear of every frame
     */
    static List<Inset> insets(
            List<Crowd> crowds,
            int max,
            List<Anchor> anchors,
            int width,
            int height,
            double bottom,
            List<Rectangle2D> obstacles,
            ToDoubleFunction<Rectangle2D> hides) {
        int count = Math.min(max, crowds.size());
        double share = count <= 1 ? 0.4 : 0.3;
        List<Inset> out = new ArrayList<>();
        for (Crowd crowd : crowds) {
            if (out.size() == count) {
                break;
            }
            Rectangle2D f = crowd.frame();
            double iw = Math.round(width * share);
            double ih = Math.round(Math.max(
                    height * (count <= 1 ? 0.32 : 0.26),
                    Math.min(height * (count <= 1 ? 0.5 : 0.42), iw * f.getHeight() / Math.max(1, f.getWidth()))));
            double m = 8;
            double low = Math.min(height - ih - m, bottom - ih);
            Rectangle2D[] corners = {
                new Rectangle2D.Double(m, m, iw, ih),
                new Rectangle2D.Double(width - iw - m, low, iw, ih),
                new Rectangle2D.Double(m, low, iw, ih),
                new Rectangle2D.Double(width - iw - 60, m, iw, ih) // left of the north arrow
            };
            Rectangle2D best = null;
            double bestScore = Double.POSITIVE_INFINITY;
            for (Rectangle2D c : corners) {
                if (c.getMinY() < 0 || c.getMinX() < 0 || c.getMaxX() > width || c.getMaxY() > height) {
                    continue;
                }
                Rectangle2D clear = grow(c, INSET_GAP);
                boolean blocked = crowds.stream().anyMatch(o -> clear.intersects(o.frame()))
                        || out.stream().anyMatch(o -> clear.intersects(o.at()));
                if (blocked) {
                    continue;
                }
                double score = hides.applyAsDouble(c);
                for (Anchor a : anchors) {
                    if (!crowd.numbers().contains(a.number()) && grow(c, 20).contains(a.x(), a.y())) {
                        score += 1e14;
                    }
                }
                for (Rectangle2D o : obstacles) {
                    if (o.intersects(c)) {
                        score += 1e13;
                    }
                }
                if (score < bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            if (best != null) {
                out.add(new Inset("", crowd.numbers(), f, best));
            }
        }
        if (out.size() > 1) {
            List<Inset> lettered = new ArrayList<>();
            for (int k = 0; k < out.size(); k++) {
                Inset i = out.get(k);
                lettered.add(new Inset(String.valueOf((char) ('A' + k)), i.numbers(), i.frame(), i.at()));
            }
            return lettered;
        }
        return out;
    }

    /**
     * The anchors of an inset's crowd moved into the inset's own pixels: its frame scaled to fill the inset about
     * the frame's centre (the inset may show more ground than the frame on one axis, never less).
     */
    static List<Anchor> enlarged(List<Anchor> anchors, Inset inset) {
        Rectangle2D f = inset.frame();
        Rectangle2D at = inset.at();
        double scale = Math.min(at.getWidth() / f.getWidth(), at.getHeight() / f.getHeight());
        List<Anchor> out = new ArrayList<>();
        for (Anchor a : anchors) {
            if (inset.numbers().contains(a.number())) {
                out.add(new Anchor(
                        a.number(),
                        at.getWidth() / 2 + (a.x() - f.getCenterX()) * scale,
                        at.getHeight() / 2 + (a.y() - f.getCenterY()) * scale));
            }
        }
        return out;
    }

    /** Hot spot numbers (ascending) as people write them: runs of three or more as a range, "1–4, 6, 8, 9". */
    static String numbers(List<Integer> numbers) {
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < numbers.size(); ) {
            int end = k;
            while (end + 1 < numbers.size() && numbers.get(end + 1) == numbers.get(end) + 1) {
                end++;
            }
            if (end - k >= 2) {
                parts.add(numbers.get(k) + "\u2013" + numbers.get(end));
            } else {
                for (int i = k; i <= end; i++) {
                    parts.add(String.valueOf(numbers.get(i)));
                }
            }
            k = end + 1;
        }
        return String.join(", ", parts);
    }

    static Rectangle2D grow(Rectangle2D r, double by) {
        return new Rectangle2D.Double(r.getX() - by, r.getY() - by, r.getWidth() + 2 * by, r.getHeight() + 2 * by);
    }

    /** Leader lines first (a dot on the hot spot's point), then the discs: a white disc, blue ring, black number. */
    static void draw(Graphics2D g, List<Marker> markers, int fontSize) {
        for (Marker m : markers) {
            if (m.offset()) {
                double dx = m.x() - m.anchorX();
                double dy = m.y() - m.anchorY();
                double len = Math.hypot(dx, dy);
                double ex = m.x() - dx / len * m.radius();
                double ey = m.y() - dy / len * m.radius();
                g.setColor(Color.WHITE);
                g.setStroke(new BasicStroke(3.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(new Line2D.Double(m.anchorX(), m.anchorY(), ex, ey));
                g.setColor(RING);
                g.setStroke(new BasicStroke(1.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(new Line2D.Double(m.anchorX(), m.anchorY(), ex, ey));
                g.fill(new Ellipse2D.Double(m.anchorX() - 3, m.anchorY() - 3, 6, 6));
            }
        }
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, fontSize);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        for (Marker m : markers) {
            Ellipse2D disc =
                    new Ellipse2D.Double(m.x() - m.radius(), m.y() - m.radius(), 2 * m.radius(), 2 * m.radius());
            g.setColor(Color.WHITE);
            g.fill(disc);
            g.setColor(RING);
            g.setStroke(new BasicStroke(2f));
            g.draw(disc);
            g.setColor(Color.BLACK);
            String text = String.valueOf(m.number());
            g.drawString(
                    text, (float) (m.x() - fm.stringWidth(text) / 2.0), (float) (m.y() + fm.getAscent() / 2.0 - 1.5));
        }
    }
}
