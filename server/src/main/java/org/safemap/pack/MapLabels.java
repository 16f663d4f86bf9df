package org.safemap.pack;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.locationtech.jts.geom.Envelope;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * Street and place names for a pack map, from the geocoder's gazetteer (streets as police.uk's map points spell them,
 * venues and named places; what the demo loads: about 4,600 streets and 170 venues), placed greedily: the most important name first, each at the first of a few positions
 * around its point where its box, grown by its halo, overlaps no name already placed, no marker and no map furniture,
 * and inside the image; a name with no free position is left out. Drawn dark with a white halo, so they read over
 * any density colour.
 */
final class MapLabels {
    /**
     * Gazetteer entries of one kind within a box, long streets (their points spread wide) before short ones: a
     * longer street is the likelier landmark.
     */
    private static final String WITHIN = """
            SELECT name, kind, x, y FROM gazetteer
            WHERE kind = ? AND x BETWEEN ? AND ? AND y BETWEEN ? AND ?
            ORDER BY precision_m DESC, name, id LIMIT ?""";

    /** A name at a point in British National Grid. */
    record Place(String name, String kind, double x, double y) {}

    /** A name placed on the image: its text box in pixels (the halo included) and where its text starts. */
    record Placed(String name, Rectangle2D box, double textX, double baseline, double pointX, double pointY) {}

    static final int FONT_SIZE = 11;
    /** The halo's width in pixels, which every box includes, so halos do not overlap either. */
    static final double HALO = 2;
    /** Positions tried around the point, in pixels of the text's box: on it, above, below, right and left. */
    private static final double GAP = 3;

    private final DataSource dataSource;

    MapLabels(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The gazetteer's names inside {@code view}, most important first (at most {@code limit}): two streets, then a
     * place or venue, and so on, so a map names the streets to find its way by as well as the landmarks.
     */
    List<Place> within(Envelope view, int limit) {
        List<Place> streets = read(view, "street", limit);
        List<Place> places = new ArrayList<>(read(view, "place", limit));
        places.addAll(read(view, "venue", limit));
        List<Place> out = new ArrayList<>();
        for (int s = 0, p = 0; out.size() < limit && (s < streets.size() || p < places.size()); ) {
            for (int k = 0; k < 2 && s < streets.size(); k++) {
                out.add(streets.get(s++));
            }
            if (p < places.size()) {
                out.add(places.get(p++));
            }
        }
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    private List<Place> read(Envelope view, String kind, int limit) {
        List<Place> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(WITHIN)) {
            ps.setString(1, kind);
            ps.setDouble(2, view.getMinX());
            ps.setDouble(3, view.getMaxX());
            ps.setDouble(4, view.getMinY());
            ps.setDouble(5, view.getMaxY());
            ps.setInt(6, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Place(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4)));
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "reading the gazetteer for map labels failed", e);
        }
        return out;
    }

    static Font font() {
        return new Font(Font.SANS_SERIF, Font.PLAIN, FONT_SIZE);
    }

    /**
     * Places names greedily in the given order: each at the first free position, or not at all.
     *
     * @param places    the names, most important first, already in pixels ({@code x}, {@code y} of each)
     * @param obstacles boxes nothing may cover (markers, leader lines' ends, furniture)
     * @return the names placed, their boxes pairwise disjoint, disjoint from every obstacle and inside the image
     */
    static List<Placed> place(List<Place> places, List<Rectangle2D> obstacles, int width, int height, int max) {
        FontRenderContext frc = new FontRenderContext(new AffineTransform(), true, true);
        Font font = font();
        List<Placed> placed = new ArrayList<>();
        java.util.Set<String> named = new java.util.HashSet<>();
        for (Place p : places) {
            if (placed.size() == max) {
                break;
            }
            if (!named.add(p.name())) {
                continue; // one name once: two entries of one street (in two wards) would say it twice
            }
            Rectangle2D bounds = font.getStringBounds(p.name(), frc);
            double w = bounds.getWidth() + 2 * HALO;
            double h = bounds.getHeight() + 2 * HALO;
            double[][] at = {
                {p.x() - w / 2, p.y() - h / 2},
                {p.x() - w / 2, p.y() - h - GAP},
                {p.x() - w / 2, p.y() + GAP},
                {p.x() + GAP, p.y() - h / 2},
                {p.x() - w - GAP, p.y() - h / 2}
            };
            for (double[] xy : at) {
                Rectangle2D box = new Rectangle2D.Double(xy[0], xy[1], w, h);
                if (free(box, placed, obstacles, width, height)) {
                    placed.add(new Placed(
                            p.name(), box, xy[0] + HALO - bounds.getX(), xy[1] + HALO - bounds.getY(), p.x(), p.y()));
                    break;
                }
            }
        }
        return placed;
    }

    private static boolean free(
            Rectangle2D box, List<Placed> placed, List<Rectangle2D> obstacles, int width, int height) {
        if (box.getMinX() < 0 || box.getMinY() < 0 || box.getMaxX() > width || box.getMaxY() > height) {
            return false;
        }
        for (Placed q : placed) {
            if (q.box().intersects(box)) {
                return false;
            }
        }
        for (Rectangle2D o : obstacles) {
            if (o.intersects(box)) {
                return false;
            }
        }
        return true;
    }

    /** Draws the placed names: a white halo, then dark text. */
    static void draw(Graphics2D g, List<Placed> placed) {
        g.setFont(font());
        FontRenderContext frc = g.getFontRenderContext();
        for (Placed p : placed) {
            TextLayout t = new TextLayout(p.name(), font(), frc);
            java.awt.Shape outline = t.getOutline(AffineTransform.getTranslateInstance(p.textX(), p.baseline()));
            g.setColor(new Color(255, 255, 255, 235));
            g.setStroke(new BasicStroke((float) (2 * HALO), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(outline);
            g.setColor(new Color(25, 25, 25));
            g.fill(outline);
        }
    }
}
