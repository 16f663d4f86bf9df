package org.safemap.pack;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * Finds a pack's area by its code at any ONS level: an LSOA, MSOA or ward loaded as a boundary, or a district (or
 * MSOA) known only as the parent of loaded LSOAs in the ONS lookup, as the demo's Liverpool is.
 */
final class PackAreas {
    private static final String BOUNDARY = """
            SELECT level, name FROM area
            WHERE code = ? AND level IN ('lsoa', 'msoa', 'ward', 'lad') ORDER BY vintage DESC LIMIT 1""";
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

    /** The area with this code; 404 (not_found) when no boundary or lookup knows it. */
    PackArea find(String code) {
        try (Connection c = dataSource.getConnection()) {
            String level = null;
            String name = null;
            boolean ownBoundary = false;
            try (PreparedStatement ps = c.prepareStatement(BOUNDARY)) {
                ps.setString(1, code);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        level = rs.getString(1);
                        name = rs.getString(2);
                        ownBoundary = true;
                    }
                }
            }
            if (level == null) {
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
                        "no area with code '" + code + "': give the ONS code of a loaded "
                                + "district, MSOA, ward or LSOA (GET /api/areas lists them)");
            }
            int vintage = integer(c, LSOA_VINTAGE);
            List<String> lsoas = switch (level) {
                case "lsoa" -> List.of(code);
                case "ward" -> codes(c, LSOAS_INSIDE, code, level, vintage);
                default ->
                    ownBoundary && !hasChildren(c, vintage, level, code)
                            ? codes(c, LSOAS_INSIDE, code, level, vintage)
                            : codes(c, CHILD_LSOAS, vintage, level, code);
            };
            if (lsoas.isEmpty()) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "no LSOA boundaries lie in " + code + "; the pack reports "
                                + "on LSOAs, so load them first ('safemap areas load')");
            }
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
            byte[] outline;
            if (ownBoundary) {
                outline = bytes(c, OWN_OUTLINE, code, level);
            } else {
                outline = bytes(c, OUTLINE, vintage, c.createArrayOf("text", lsoas.toArray()));
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
                    name == null ? code : name,
                    vintage,
                    lsoas,
                    contextCode,
                    contextName == null ? contextCode : contextName,
                    context,
                    new WKBReader().read(outline),
                    residents);
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read area " + code, e);
        } catch (ParseException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "unreadable boundary of " + code, e);
        }
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
