package org.safemap.areas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.algorithm.locate.SimplePointInAreaLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.io.WKTReader;

/** The flat point-in-area test against JTS's robust locator (the reference) on the same points. */
class FlatPolygonTest {
    private static final GeometryFactory F = new GeometryFactory();

    @Test
    void agreesWithJtsOnEveryVertexEdgeAndRandomPoint() throws Exception {
        // Integer coordinates: exact arithmetic, so every on-edge point is exactly on the edge for both methods.
        Geometry g = new WKTReader()
                .read("MULTIPOLYGON (((0 0, 100 0, 100 60, 60 60, 60 100, 0 100, 0 0), "
                        + "(20 20, 40 20, 40 40, 20 40, 20 20)), ((200 0, 260 30, 200 60, 230 30, 200 0)))");
        FlatPolygon flat = new FlatPolygon(g);
        SimplePointInAreaLocator jts = new SimplePointInAreaLocator(g);
        int boundary = 0;
        for (int x = -10; x <= 270; x++) {
            for (int y = -10; y <= 110; y++) {
                int expected = jts.locate(new Coordinate(x, y));
                assertThat(flat.locate(x, y)).as("(%d, %d)", x, y).isEqualTo(expected);
                if (expected == Location.BOUNDARY) {
                    boundary++;
                }
            }
        }
        assertThat(boundary).isGreaterThan(400);
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            double x = -10 + random.nextDouble() * 280;
            double y = -10 + random.nextDouble() * 120;
            assertThat(flat.locate(x, y)).isEqualTo(jts.locate(new Coordinate(x, y)));
        }
    }

    @Test
    void aPointOnASharedEdgeIsInsideExactlyOneNeighbourWhateverTheRounding() throws Exception {
        // Two triangles sharing a slanted edge with awkward coordinates; points near the edge in floating point.
        Geometry a = new WKTReader()
                .read("POLYGON ((334000.123 390000.456, 334777.891 390555.777, 333900.5 390700.25, "
                        + "334000.123 390000.456))");
        Geometry b = new WKTReader()
                .read("POLYGON ((334000.123 390000.456, 334900.75 390100.125, 334777.891 390555.777, "
                        + "334000.123 390000.456))");
        FlatPolygon fa = new FlatPolygon(a);
        FlatPolygon fb = new FlatPolygon(b);
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            double t = random.nextDouble();
            double x = 334000.123 + t * (334777.891 - 334000.123);
            double y = 390000.456 + t * (390555.777 - 390000.456);
            int la = fa.locate(x, y);
            int lb = fb.locate(x, y);
            boolean bothBoundary = la == Location.BOUNDARY && lb == Location.BOUNDARY;
            boolean exactlyOneInterior = (la == Location.INTERIOR) != (lb == Location.INTERIOR)
                    && la != Location.BOUNDARY
                    && lb != Location.BOUNDARY;
            assertThat(bothBoundary || exactlyOneInterior)
                    .as("t=%s gave %d and %d", t, la, lb)
                    .isTrue();
        }
    }

    @Test
    void handlesPointsBeyondEveryPart() {
        FlatPolygon flat = new FlatPolygon(F.toGeometry(new org.locationtech.jts.geom.Envelope(0, 1, 0, 1)));
        assertThat(flat.locate(5, 5)).isEqualTo(Location.EXTERIOR);
        assertThat(flat.locate(0.5, 0.5)).isEqualTo(Location.INTERIOR);
        assertThat(flat.locate(1, 0.5)).isEqualTo(Location.BOUNDARY);
    }
}
