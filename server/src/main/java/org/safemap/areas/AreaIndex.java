package org.safemap.areas;

import java.util.List;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.index.strtree.STRtree;

/**
 * The areas of one level and vintage in memory, for finding which area a point (EPSG:27700) falls in.
 *
 * <p>The rule, which SQL cross-checks in the tests: a point goes to the area whose interior contains it; a point
 * exactly on a boundary shared by several areas (or in an overlap of bad data) goes to the candidate with the
 * smallest code in ordinal string order, preferring interiors to boundaries. So every point gets one area, always
 * the same one, or none when it lies outside them all.
 *
 * <p>Queries reuse buffers: one instance answers one thread at a time; {@link #copyForThread} shares the index.
 */
public final class AreaIndex {
    private final AreaLevel level;
    private final int vintage;
    private final String[] codes;
    private final FlatPolygon[] polygons;
    private final STRtree tree;
    private double x;
    private double y;
    private final Envelope probeBox = new Envelope();
    private final Visitor visitor = new Visitor();

    /** @param codes and geometries in the same order; geometries in EPSG:27700 */
    public AreaIndex(AreaLevel level, int vintage, List<String> codes, List<Geometry> geometries) {
        this.level = level;
        this.vintage = vintage;
        this.codes = codes.toArray(String[]::new);
        this.polygons = new FlatPolygon[this.codes.length];
        this.tree = new STRtree();
        for (int i = 0; i < this.codes.length; i++) {
            Geometry g = geometries.get(i);
            polygons[i] = new FlatPolygon(g);
            tree.insert(g.getEnvelopeInternal(), i);
        }
        tree.build();
    }

    private AreaIndex(AreaIndex shared) {
        this.level = shared.level;
        this.vintage = shared.vintage;
        this.codes = shared.codes;
        this.polygons = shared.polygons;
        this.tree = shared.tree;
    }

    /** Another handle on the same index with its own buffers, for a second thread. */
    public AreaIndex copyForThread() {
        return new AreaIndex(this);
    }

    public AreaLevel level() {
        return level;
    }

    public int vintage() {
        return vintage;
    }

    public int size() {
        return codes.length;
    }

    /** The code of the area the point falls in, by the rule above, or null when it is outside every area. */
    public String locate(double x, double y) {
        this.x = x;
        this.y = y;
        probeBox.init(x, x, y, y);
        visitor.reset();
        tree.query(probeBox, visitor);
        return visitor.best;
    }

    private final class Visitor implements org.locationtech.jts.index.ItemVisitor {
        String best;
        boolean bestInterior;

        void reset() {
            best = null;
            bestInterior = false;
        }

        @Override
        public void visitItem(Object item) {
            int i = (Integer) item;
            int where = polygons[i].locate(x, y);
            if (where == Location.EXTERIOR) {
                return;
            }
            boolean interior = where == Location.INTERIOR;
            if (best == null || interior && !bestInterior || interior == bestInterior && codes[i].compareTo(best) < 0) {
                best = codes[i];
                bestInterior = interior;
            }
        }
    }
}
