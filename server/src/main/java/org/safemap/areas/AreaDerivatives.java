package org.safemap.areas;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.locationtech.jts.coverage.CoverageSimplifier;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.io.WKBWriter;
import org.safemap.db.CopyWriter;

/**
 * What SafeMap derives from a level's boundaries when they are loaded, in the same transaction: queen
 * neighbours, display geometry simplified as a coverage at several tolerances, and, for custom sets, the
 * area-weighted overlap with LSOAs.
 */
final class AreaDerivatives {
    /**
     * Simplification tolerances in metres, ascending; the API picks the largest one no bigger than a screen pixel
     * at the requested zoom, and full detail above zoom 13.
     */
    static final double[] DISPLAY_TOLERANCES_M = {20, 100, 500};

    private static final String COPY_NEIGHBOURS =
            "COPY area_neighbour (level, vintage, code, neighbour_code, shared_boundary_m) FROM STDIN (FORMAT csv)";
    private static final String COPY_DISPLAY =
            "COPY area_display (level, vintage, tolerance_m, code, geom) FROM STDIN (FORMAT csv)";
    private static final String DELETE_OVERLAPS_OF_LSOAS = "DELETE FROM area_overlap WHERE lsoa_vintage = ?";
    /** Overlaps below 1 m² are slivers of generalised boundaries, not real overlap. */
    private static final String OVERLAPS = """
            INSERT INTO area_overlap (level, vintage, code, lsoa_vintage, lsoa_code, overlap_m2, share_of_area, share_of_lsoa)
            SELECT c.level, c.vintage, c.code, l.vintage, l.code, x.overlap,
                   x.overlap / ST_Area(c.geom), x.overlap / ST_Area(l.geom)
            FROM area c
            JOIN area l ON l.level = 'lsoa' AND c.geom && l.geom
            CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(c.geom, l.geom)) AS overlap) x
            WHERE c.level LIKE 'custom:%' AND (c.level = ? OR ? IS NULL) AND (l.vintage = ? OR ? IS NULL)
              AND ST_Intersects(c.geom, l.geom) AND x.overlap >= 1""";

    private AreaDerivatives() {}

    /** Rebuilds everything derived from the level's boundaries (the old rows went with them, by cascade). */
    static void rebuild(Connection c, AreaLevel level, int vintage, Coverage coverage, AreaLoader.Phases phases)
            throws SQLException, IOException {
        neighbours(c, level, vintage, coverage);
        phases.done("neighbours");
        display(c, level, vintage, coverage);
        phases.done("display geometry");
        if (level.name().equals("lsoa")) {
            try (PreparedStatement ps = c.prepareStatement(DELETE_OVERLAPS_OF_LSOAS)) {
                ps.setInt(1, vintage);
                ps.executeUpdate();
            }
            overlaps(c, null, vintage);
        } else if (level.name().startsWith("custom:")) {
            overlaps(c, level.name(), null);
        }
        phases.done("overlaps");
    }

    private static void neighbours(Connection c, AreaLevel level, int vintage, Coverage coverage)
            throws SQLException, IOException {
        List<String> codes = coverage.codes();
        try (CopyWriter out = CopyWriter.open(c, COPY_NEIGHBOURS)) {
            for (Coverage.Neighbours n : coverage.neighbours()) {
                for (int k = 0; k < 2; k++) {
                    out.value(level.name())
                            .value(vintage)
                            .value(codes.get(k == 0 ? n.a() : n.b()))
                            .value(codes.get(k == 0 ? n.b() : n.a()))
                            .value(n.sharedBoundaryM());
                    out.endRow();
                }
            }
        }
    }

    private static void overlaps(Connection c, String customLevel, Integer lsoaVintage) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OVERLAPS)) {
            ps.setString(1, customLevel);
            ps.setString(2, customLevel);
            ps.setObject(3, lsoaVintage, Types.INTEGER);
            ps.setObject(4, lsoaVintage, Types.INTEGER);
            ps.executeUpdate();
        }
    }

    /**
     * Simplifies the level as one coverage (JTS CoverageSimplifier, Visvalingam-Whyatt on the coverage's edges:
     * each shared edge is simplified once, so neighbours keep sharing it and no gaps or overlaps open). Each
     * tolerance starts from the previous, already simpler result, which keeps national loads fast.
     */
    private static void display(Connection c, AreaLevel level, int vintage, Coverage coverage)
            throws SQLException, IOException {
        Geometry[] full = coverage.geometries();
        Geometry[] current = full;
        WKBWriter writer = new WKBWriter(2, true);
        GeometryFactory factory = new GeometryFactory(new PrecisionModel(), 27700);
        try (CopyWriter out = CopyWriter.open(c, COPY_DISPLAY)) {
            for (double tolerance : DISPLAY_TOLERANCES_M) {
                Geometry[] simplified = CoverageSimplifier.simplify(current, tolerance);
                for (int i = 0; i < simplified.length; i++) {
                    Geometry g = simplified[i];
                    // A shape the simplifier could not keep valid is kept at the previous level of detail.
                    if (g == null || g.isEmpty() || !g.isValid()) {
                        simplified[i] = current[i];
                    }
                    out.value(level.name())
                            .value(vintage)
                            .value(tolerance)
                            .value(coverage.codes().get(i))
                            .value(WKBWriter.toHex(writer.write(multi(simplified[i], factory))));
                    out.endRow();
                }
                current = simplified;
            }
        }
    }

    private static MultiPolygon multi(Geometry g, GeometryFactory factory) {
        MultiPolygon m = g instanceof MultiPolygon mp ? mp : factory.createMultiPolygon(new Polygon[] {(Polygon) g});
        m.setSRID(27700);
        return m;
    }
}
