package org.safemap.areas;

import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.geom.Polygon;

/**
 * A polygonal area as flat coordinate arrays, with a crossing-number point-in-area test: the hot loop of
 * assigning millions of points, with no object per point or per segment.
 *
 * <p>Each segment is evaluated with its endpoints in a canonical order (lower y first, then lower x), so two
 * neighbours that share an edge compute bit-for-bit the same cross product for a point near it: the point is
 * inside exactly one of them, or on the boundary of both, never inside both or neither.
 */
final class FlatPolygon {
    /** Ring i occupies xs/ys[start[i] .. start[i+1]); rings are closed (last vertex repeats the first). */
    private final double[] xs;

    private final double[] ys;
    private final int[] start;
    /** Per polygon part: its first ring (the shell) and one past its last ring; and the part's envelope. */
    private final int[] partFirstRing;

    private final double[] partBox;

    FlatPolygon(Geometry polygonal) {
        int parts = polygonal.getNumGeometries();
        int rings = 0;
        for (int p = 0; p < parts; p++) {
            rings += 1 + ((Polygon) polygonal.getGeometryN(p)).getNumInteriorRing();
        }
        xs = new double[polygonal.getNumPoints()];
        ys = new double[xs.length];
        start = new int[rings + 1];
        partFirstRing = new int[parts + 1];
        partBox = new double[parts * 4];
        int ring = 0;
        int k = 0;
        for (int p = 0; p < parts; p++) {
            Polygon polygon = (Polygon) polygonal.getGeometryN(p);
            partFirstRing[p] = ring;
            var env = polygon.getEnvelopeInternal();
            partBox[p * 4] = env.getMinX();
            partBox[p * 4 + 1] = env.getMinY();
            partBox[p * 4 + 2] = env.getMaxX();
            partBox[p * 4 + 3] = env.getMaxY();
            for (int r = -1; r < polygon.getNumInteriorRing(); r++) {
                LineString line = r < 0 ? polygon.getExteriorRing() : polygon.getInteriorRingN(r);
                CoordinateSequence seq = line.getCoordinateSequence();
                start[ring++] = k;
                for (int i = 0; i < seq.size(); i++) {
                    xs[k] = seq.getX(i);
                    ys[k] = seq.getY(i);
                    k++;
                }
            }
        }
        start[ring] = k;
        partFirstRing[parts] = ring;
    }

    /** {@link Location#INTERIOR}, {@link Location#BOUNDARY} or {@link Location#EXTERIOR}. */
    int locate(double px, double py) {
        for (int p = 0; p + 1 < partFirstRing.length; p++) {
            int b = p * 4;
            if (px < partBox[b] || py < partBox[b + 1] || px > partBox[b + 2] || py > partBox[b + 3]) {
                continue;
            }
            int shell = ring(partFirstRing[p], px, py);
            if (shell == Location.EXTERIOR) {
                continue;
            }
            if (shell == Location.BOUNDARY) {
                return Location.BOUNDARY;
            }
            int inHole = Location.EXTERIOR;
            for (int r = partFirstRing[p] + 1; r < partFirstRing[p + 1] && inHole == Location.EXTERIOR; r++) {
                inHole = ring(r, px, py);
            }
            if (inHole == Location.BOUNDARY) {
                return Location.BOUNDARY;
            }
            if (inHole == Location.EXTERIOR) {
                return Location.INTERIOR;
            }
        }
        return Location.EXTERIOR;
    }

    /** Crossing number of a ray towards +x, with exact on-segment detection. */
    private int ring(int r, double px, double py) {
        boolean inside = false;
        for (int i = start[r], end = start[r + 1] - 1; i < end; i++) {
            double x1 = xs[i];
            double y1 = ys[i];
            double x2 = xs[i + 1];
            double y2 = ys[i + 1];
            if (y1 > y2 || y1 == y2 && x1 > x2) {
                double t = x1;
                x1 = x2;
                x2 = t;
                t = y1;
                y1 = y2;
                y2 = t;
            }
            if (py < y1 || py > y2) {
                continue;
            }
            if (y1 == y2) {
                if (px >= x1 && px <= x2) {
                    return Location.BOUNDARY;
                }
                continue;
            }
            double cross = (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1);
            if (cross == 0) {
                if (px >= Math.min(x1, x2) && px <= Math.max(x1, x2)) {
                    return Location.BOUNDARY;
                }
                continue;
            }
            // Half-open in y so a ray through a vertex counts once; left of the upward edge means crossing.
            if (py < y2 && cross > 0) {
                inside = !inside;
            }
        }
        return inside ? Location.INTERIOR : Location.EXTERIOR;
    }
}
