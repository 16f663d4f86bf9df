package org.safemap.areas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

class AreaIndexTest {
    private static final GeometryFactory F = new GeometryFactory();

    /** A 4 x 4 grid of 100 m squares named by row and column; codes deliberately not in spatial order. */
    private static AreaIndex grid() {
        List<String> codes = new ArrayList<>();
        List<Geometry> squares = new ArrayList<>();
        for (int row = 0; row < 4; row++) {
            for (int col = 0; col < 4; col++) {
                codes.add("E01" + (9 - row) + "000" + col + col);
                squares.add(F.toGeometry(new Envelope(col * 100, col * 100 + 100, row * 100, row * 100 + 100)));
            }
        }
        return new AreaIndex(AreaLevel.parse("lsoa"), 2021, codes, squares);
    }

    @Test
    void interiorPointsGoToTheirSquareAndOutsidePointsToNone() {
        AreaIndex index = grid();
        assertThat(index.locate(50, 50)).isEqualTo("E01900000");
        assertThat(index.locate(150, 350)).isEqualTo("E01600011");
        assertThat(index.locate(-1, 50)).isNull();
        assertThat(index.locate(401, 50)).isNull();
    }

    @Test
    void pointsOnSharedEdgesAndCornersGoToTheSmallestCodeEveryTime() {
        AreaIndex index = grid();
        // Edge between (row 0, col 0) E01900000 and (row 0, col 1) E01900011.
        assertThat(index.locate(100, 50)).isEqualTo("E01900000");
        // Edge between row 0 (E019...) and row 1 (E018...): the row-1 code is smaller.
        assertThat(index.locate(50, 100)).isEqualTo("E01800000");
        // Corner shared by four squares: rows 1 and 2, cols 1 and 2 -> smallest is row 2 col 1.
        assertThat(index.locate(200, 200)).isEqualTo("E01700011");
        // The outer boundary still belongs to its one square.
        assertThat(index.locate(0, 50)).isEqualTo("E01900000");
    }

    @Test
    void overlappingAreasPreferInteriorsThenTheSmallestCode() {
        List<Geometry> g = List.of(
                F.toGeometry(new Envelope(0, 10, 0, 10)),
                F.toGeometry(new Envelope(5, 15, 0, 10)),
                F.toGeometry(new Envelope(10, 20, 0, 10)));
        AreaIndex index = new AreaIndex(AreaLevel.parse("custom:x"), 2024, List.of("C", "B", "A"), g);
        assertThat(index.locate(7, 5)).isEqualTo("B"); // interior of C and B
        assertThat(index.locate(10, 5)).isEqualTo("B"); // interior of B, boundary of C and A
        assertThat(index.locate(12, 5)).isEqualTo("A"); // interior of B and A
    }

    @Test
    void batchAssignmentInMortonOrderGivesTheSameAnswersAsOneByOne() {
        AreaAssigner assigner =
                AreaAssigner.ofLsoas(grid(), Map.of("E01900000", new String[] {"E02000001", "E08000012"}));
        Random random = new Random(3);
        int n = 50_000;
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            // a fifth of the points exactly on grid lines, the rest anywhere, some outside
            xs[i] = i % 5 == 0 ? 100 * random.nextInt(5) : -20 + random.nextDouble() * 440;
            ys[i] = -20 + random.nextDouble() * 440;
        }
        AreaAssigner.Assignment[] batch = assigner.assignAll(xs, ys, n);
        for (int i = 0; i < n; i++) {
            assertThat(batch[i]).isEqualTo(assigner.assign(xs[i], ys[i]));
        }
        assertThat(assigner.assign(50, 50).msoa()).isEqualTo("E02000001");
        assertThat(assigner.assign(50, 50).lad()).isEqualTo("E08000012");
        assertThat(assigner.assign(-5, 50).inside()).isFalse();
    }

    @Test
    void spreadsBitsForMortonOrder() {
        assertThat(AreaAssigner.spread(0b101)).isEqualTo(0b10001L);
        assertThat(AreaAssigner.spread(0x1fffff)).isEqualTo(0x0155_5555_5555L);
    }
}
