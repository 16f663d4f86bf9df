package org.safemap.areas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequenceFilter;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.index.strtree.STRtree;

/**
 * The areas of one level and vintage as a polygonal coverage (British National Grid), and what follows from it:
 * vertex snapping, queen neighbours with shared boundary lengths.
 *
 * <p>Published boundary files are rarely exact coverages once converted: the ONS generalised boundaries in WGS84
 * put a shared vertex at positions up to a micrometre apart in its two polygons, so neighbours neither touch nor
 * share edges. {@link #snap} merges vertices within {@link #SNAP_TOLERANCE_M} of each other across the whole
 * level, which makes neighbours share vertices and edges exactly without moving anything visibly.
 */
final class Coverage {
    /** Vertices closer than this are the same vertex: far above conversion noise, far below any real detail. */
    static final double SNAP_TOLERANCE_M = 0.001;

    private final List<String> codes;
    private final Geometry[] geometries;

    Coverage(List<String> codes, Geometry[] geometries) {
        this.codes = codes;
        this.geometries = geometries;
    }

    List<String> codes() {
        return codes;
    }

    Geometry[] geometries() {
        return geometries;
    }

    /**
     * Merges vertices within the tolerance across all areas (the first one seen stands for the rest) and fixes
     * any polygon the merge made invalid.
     *
     * @return codes of areas whose geometry had to be fixed after snapping
     */
    List<String> snap() {
        VertexSnapper snapper = new VertexSnapper(SNAP_TOLERANCE_M);
        List<String> fixed = new ArrayList<>();
        for (int i = 0; i < geometries.length; i++) {
            Geometry g = geometries[i].copy();
            g.apply(snapper);
            g.geometryChanged();
            if (!g.isValid()) {
                g = GeometryFixer.fix(g);
                fixed.add(codes.get(i));
            }
            geometries[i] = g;
        }
        return fixed;
    }

    /** A pair of neighbouring areas, by index, with the length of boundary they share (0 at a corner). */
    record Neighbours(int a, int b, double sharedBoundaryM) {}

    /**
     * Queen contiguity: pairs of areas that meet (prepared-geometry intersection on candidates from an R-tree),
     * with shared boundary length from the segments both rings contain, which after snapping are identical.
     */
    List<Neighbours> neighbours() {
        STRtree tree = new STRtree();
        for (int i = 0; i < geometries.length; i++) {
            tree.insert(geometries[i].getEnvelopeInternal(), i);
        }
        Map<Long, Double> shared = sharedSegmentLengths();
        List<Neighbours> pairs = new ArrayList<>();
        for (int i = 0; i < geometries.length; i++) {
            PreparedGeometry prepared = PreparedGeometryFactory.prepare(geometries[i]);
            for (Object item : tree.query(geometries[i].getEnvelopeInternal())) {
                int j = (Integer) item;
                if (j > i && prepared.intersects(geometries[j])) {
                    pairs.add(new Neighbours(i, j, shared.getOrDefault(pairKey(i, j), 0.0)));
                }
            }
        }
        return pairs;
    }

    /** Sum of segment lengths shared by two areas' rings, by pair. */
    private Map<Long, Double> sharedSegmentLengths() {
        Map<Segment, Integer> firstOwner = new HashMap<>();
        Map<Long, Double> shared = new HashMap<>();
        for (int i = 0; i < geometries.length; i++) {
            for (int p = 0; p < geometries[i].getNumGeometries(); p++) {
                Polygon polygon = (Polygon) geometries[i].getGeometryN(p);
                List<LineString> rings = new ArrayList<>();
                rings.add(polygon.getExteriorRing());
                for (int h = 0; h < polygon.getNumInteriorRing(); h++) {
                    rings.add(polygon.getInteriorRingN(h));
                }
                for (LineString ring : rings) {
                    CoordinateSequence seq = ring.getCoordinateSequence();
                    for (int k = 0; k + 1 < seq.size(); k++) {
                        Segment s = Segment.of(seq.getX(k), seq.getY(k), seq.getX(k + 1), seq.getY(k + 1));
                        Integer other = firstOwner.putIfAbsent(s, i);
                        if (other != null && other != i) {
                            double length = Math.hypot(s.x2 - s.x1, s.y2 - s.y1);
                            shared.merge(pairKey(Math.min(other, i), Math.max(other, i)), length, Double::sum);
                        }
                    }
                }
            }
        }
        return shared;
    }

    private static long pairKey(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    /** An undirected segment, endpoints ordered, so both rings that use it produce the same key. */
    private record Segment(double x1, double y1, double x2, double y2) {
        static Segment of(double ax, double ay, double bx, double by) {
            boolean ordered = ax < bx || ax == bx && ay <= by;
            return ordered ? new Segment(ax, ay, bx, by) : new Segment(bx, by, ax, ay);
        }
    }

    /** Replaces each vertex by the first vertex seen within the tolerance (grid hash, 3 x 3 cell search). */
    private static final class VertexSnapper implements CoordinateSequenceFilter {
        private final double tolerance;
        private final Map<Long, List<Coordinate>> cells = new HashMap<>();

        VertexSnapper(double tolerance) {
            this.tolerance = tolerance;
        }

        @Override
        public void filter(CoordinateSequence seq, int i) {
            double x = seq.getX(i);
            double y = seq.getY(i);
            long cx = (long) Math.floor(x / tolerance);
            long cy = (long) Math.floor(y / tolerance);
            for (long dx = -1; dx <= 1; dx++) {
                for (long dy = -1; dy <= 1; dy++) {
                    List<Coordinate> reps = cells.get(key(cx + dx, cy + dy));
                    if (reps == null) {
                        continue;
                    }
                    for (Coordinate rep : reps) {
                        if (Math.hypot(rep.x - x, rep.y - y) <= tolerance) {
                            seq.setOrdinate(i, 0, rep.x);
                            seq.setOrdinate(i, 1, rep.y);
                            return;
                        }
                    }
                }
            }
            cells.computeIfAbsent(key(cx, cy), k -> new ArrayList<>(1)).add(new Coordinate(x, y));
        }

        private static long key(long cx, long cy) {
            return cx * 0x9E3779B97F4A7C15L ^ cy;
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public boolean isGeometryChanged() {
            return true;
        }
    }
}
