package org.safemap.pack;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKTReader;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.areas.DrawnAreas;

/**
 * Finds a pack's area by its code at any ONS level: an LSOA, MSOA or ward loaded as a boundary, or a district (or
 * MSOA) known only as the parent of loaded LSOAs in the ONS lookup, as the demo's Liverpool is.
 */
final class PackAreas {
    private static final String BOUNDARY = """
            SELECT level, name FROM area
            WHERE code = ? AND level IN ('lsoa', 'msoa', 'ward', 'lad') ORDER BY vintage DESC LIMIT 1""";
    private static final String BOUNDARY_AT = """
            SELECT level, name FROM area WHERE code = ? AND level = ? ORDER BY vintage DESC LIMIT 1""";
    /** LSOAs a small area overlaps, when none has its point on surface inside it. */
    private static final String LSOAS_TOUCHED = """
            SELECT l.code FROM area l
            JOIN area b ON b.code = ? AND b.level = ?
                       AND b.vintage = (SELECT max(vintage) FROM area WHERE level = b.level AND code = b.code)
            WHERE l.level = 'lsoa' AND l.vintage = ? AND ST_Intersects(b.geom, l.geom)
              AND NOT ST_Touches(b.geom, l.geom)
            ORDER BY l.code""";
    /** LSOAs whose point on surface lies in a drawn shape (EPSG:27700 WKT), else those it overlaps. */
    private static final String LSOAS_IN_SHAPE = """
            WITH d AS (SELECT ST_GeomFromText(?, 27700) AS g),
            l AS (SELECT a.code, ST_Contains(d.g, ST_PointOnSurface(a.geom)) AS inside FROM area a, d
                  WHERE a.level = 'lsoa' AND a.vintage = ? AND ST_Intersects(a.geom, d.g)
                    AND NOT ST_Touches(a.geom, d.g))
            SELECT code FROM l WHERE inside OR NOT EXISTS (SELECT 1 FROM l WHERE inside) ORDER BY code""";

    private static final String PARENT = """
            SELECT parent_level, max(parent_name) FROM area_parent
            WHERE parent_code = ? AND parent_level IN ('msoa', 'lad') GROUP BY parent_level LIMIT 1""";
    private static final String LSOA_VINTAGE = "SELECT max(vintage) FROM area WHERE level = 'lsoa'";
    /** LSOAs nested in an MSOA or district by the lookup. */
    private static final String CHILD_LSOAS = """
            SELECT code FROM area_parent
            WHERE level = 'lsoa' AND vintage = ? AND parent_level = ? AND parent_code = ? ORDER BY code""";
    /** LSOAs whose point on surface lies in the boundary (wards do not nest in LSOAs' hierarchy). */
    private static final String LSOAS_INSIDE = """
            SELECT l.code FROM area l
            JOIN area b ON b.code = ? AND b.level = ?
                       AND b.vintage = (SELECT max(vintage) FROM area WHERE level = b.level AND code = b.code)
            WHERE l.level = 'lsoa' AND l.vintage = ? AND ST_Contains(b.geom, ST_PointOnSurface(l.geom))
            ORDER BY l.code""";
    /** The district of the area's LSOAs (the one most of them lie in) and all its LSOAs. */
    private static final String DISTRICT = """
            SELECT parent_code, max(parent_name) FROM area_parent
            WHERE level = 'lsoa' AND vintage = ? AND parent_level = 'lad' AND code = ANY(?::text[])
            GROUP BY parent_code ORDER BY count(*) DESC, parent_code LIMIT 1""";

    private static final String OUTLINE = """
            SELECT ST_AsBinary(ST_Union(geom)) FROM area WHERE level = 'lsoa' AND vintage = ? AND code = ANY(?::text[])""";
    private static final String OWN_OUTLINE = """
            SELECT ST_AsBinary(geom) FROM area WHERE code = ? AND level = ? ORDER BY vintage DESC LIMIT 1""";
    private static final String RESIDENTS = """
            SELECT sum(p.population) FROM area_population p
            WHERE p.level = 'lsoa' AND p.vintage = ? AND p.code = ANY(?::text[])
              AND p.year = (SELECT max(year) FROM area_population WHERE level = 'lsoa')""";

    private final DataSource dataSource;

    PackAreas(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A drawn area: a GeoJSON polygon in WGS84 or {@code circle:LON,LAT,RADIUS_M}, checked as the viewer's drawn
     * profile checks it. The pack counts by LSOA, so it reports on the LSOAs whose point on surface lies in the shape
     * (the best fit, as for wards), or, for a shape too small to hold one, the LSOAs it overlaps.
     */
    PackArea drawn(String shape) {
        DrawnAreas drawn = new DrawnAreas(dataSource);
        DrawnAreas.Drawn d;
        String name;
        if (shape.startsWith("circle:")) {
            String[] v = shape.substring("circle:".length()).split(",");
            d = drawn.circle(Double.parseDouble(v[0]), Double.parseDouble(v[1]), Double.parseDouble(v[2]));
            name = String.format(Locale.UK, "Circle of %.0f m around %s, %s", Double.parseDouble(v[2]), v[1], v[0]);
        } else {
            d = drawn.polygon(shape);
            name = String.format(Locale.UK, "Drawn area of %.2f km\u00b2", d.areaKm2());
        }
        try (Connection c = dataSource.getConnection()) {
            int vintage = integer(c, LSOA_VINTAGE);
            List<String> lsoas = codes(c, LSOAS_IN_SHAPE, d.wkt(), vintage);
            if (lsoas.isEmpty()) {
                throw new SafemapException(ErrorCode.BAD_REQUEST, "the drawn area overlaps no loaded LSOA");
            }
            return assemble(c, "drawn", PackRequest.DRAWN, name, vintage, lsoas, new WKTReader().read(d.wkt()));
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the drawn area's LSOAs", e);
        } catch (ParseException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "unreadable drawn area", e);
        }
    }

    /**
     * The area with this code (bare, or with its level: {@code ward:E05000886}, {@code custom:beats:B12}); 404
     * (not_found) when no boundary or lookup knows it.
     */
    PackArea find(String asked) {
        String code = asked;
        String atLevel = null;
        int colon = asked.lastIndexOf(':');
        if (colon > 0) {
            atLevel = asked.substring(0, colon);
            code = asked.substring(colon + 1);
        }
        try (Connection c = dataSource.getConnection()) {
            String level = null;
            String name = null;
            boolean ownBoundary = false;
            try (PreparedStatement ps = c.prepareStatement(atLevel == null ? BOUNDARY : BOUNDARY_AT)) {
                ps.setString(1, code);
                if (atLevel != null) {
                    ps.setString(2, atLevel);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        level = rs.getString(1);
                        name = rs.getString(2);
                        ownBoundary = true;
                    }
                }
            }
            if (level == null && (atLevel == null || atLevel.equals("msoa") || atLevel.equals("lad"))) {
                try (PreparedStatement ps = c.prepareStatement(PARENT)) {
                    ps.setString(1, code);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            level = rs.getString(1);
                            name = rs.getString(2);
                        }
                    }
                }
            }
            if (level == null) {
                throw new SafemapException(
                        ErrorCode.NOT_FOUND,
                        "no area with code '" + asked + "': give the ONS code of a loaded "
                                + "district, MSOA, ward or LSOA, or a custom area as custom:SET:CODE "
                                + "(GET /api/areas lists them)");
            }
            int vintage = integer(c, LSOA_VINTAGE);
            List<String> lsoas = switch (level) {
                case "lsoa" -> List.of(code);
                case "ward" -> codes(c, LSOAS_INSIDE, code, level, vintage);
                case "msoa", "lad" ->
                    ownBoundary && !hasChildren(c, vintage, level, code)
                            ? codes(c, LSOAS_INSIDE, code, level, vintage)
                            : codes(c, CHILD_LSOAS, vintage, level, code);
                default -> { // a custom area: best fit, or the LSOAs a small one overlaps
                    List<String> inside = codes(c, LSOAS_INSIDE, code, level, vintage);
                    yield inside.isEmpty() ? codes(c, LSOAS_TOUCHED, code, level, vintage) : inside;
                }
            };
            if (lsoas.isEmpty()) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "no LSOA boundaries lie in " + code + "; the pack reports "
                                + "on LSOAs, so load them first ('safemap areas load')");
            }
            byte[] outline = ownBoundary
                    ? bytes(c, OWN_OUTLINE, code, level)
                    : bytes(c, OUTLINE, vintage, c.createArrayOf("text", lsoas.toArray()));
            return assemble(c, level, code, name == null ? code : name, vintage, lsoas, new WKBReader().read(outline));
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read area " + code, e);
        } catch (ParseException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "unreadable boundary of " + code, e);
        }
    }

    /** The area with its district (where most of its LSOAs lie: hot spots are judged against it) and residents. */
    private static PackArea assemble(
            Connection c, String level, String code, String name, int vintage, List<String> lsoas, Geometry outline)
            throws SQLException {
        String contextCode = code;
        String contextName = name;
        List<String> context = lsoas;
        try (PreparedStatement ps = c.prepareStatement(DISTRICT)) {
            ps.setInt(1, vintage);
            ps.setArray(2, c.createArrayOf("text", lsoas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    contextCode = rs.getString(1);
                    contextName = rs.getString(2);
                    context = codes(c, CHILD_LSOAS, vintage, "lad", contextCode);
                }
            }
        }
        long residents;
        try (PreparedStatement ps = c.prepareStatement(RESIDENTS)) {
            ps.setInt(1, vintage);
            ps.setArray(2, c.createArrayOf("text", lsoas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                residents = rs.wasNull() ? -1 : v;
            }
        }
        return new PackArea(
                level,
                code,
                name,
                vintage,
                lsoas,
                contextCode,
                contextName == null ? contextCode : contextName,
                context,
                outline,
                residents);
    }

    private static boolean hasChildren(Connection c, int vintage, String level, String code) throws SQLException {
        return !codes(c, CHILD_LSOAS, vintage, level, code).isEmpty();
    }

    private static List<String> codes(Connection c, String sql, Object... params) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = bind(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static int integer(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static byte[] bytes(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = bind(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBytes(1);
        }
    }

    private static PreparedStatement bind(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }
}
