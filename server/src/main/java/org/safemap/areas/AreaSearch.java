package org.safemap.areas;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Areas of the newest vintage of each level found by code or name, whole or in part: "E01006512", "060C" (the
 * end of "Liverpool 060C"), "Riverside", "E08000012". For the viewer's search box. Thread-safe.
 */
public final class AreaSearch {
    /**
     * One area found.
     *
     * @param level  lsoa, msoa, ward, lad or custom:...
     * @param code   its code
     * @param name   its name
     * @param bounds {west, south, east, north}, degrees (EPSG:4326)
     */
    public record Area(String level, String code, String name, double[] bounds) {}

    /**
     * Exact code first, then codes and names that start with the text, then those that hold it; coarser levels
     * before finer at equal match, so "Liverpool" finds the district before its 298 LSOAs.
     */
    private static final String FIND = """
            WITH latest AS (SELECT level, max(vintage) AS vintage FROM area GROUP BY level),
            hit AS (
                SELECT a.level, a.code, a.name, a.geom,
                       CASE WHEN upper(a.code) = upper(?) THEN 0
                            WHEN upper(a.code) LIKE upper(?) || '%' OR a.name ILIKE ? || '%' THEN 1
                            ELSE 2 END AS rank
                FROM area a JOIN latest l USING (level, vintage)
                WHERE a.code ILIKE '%' || ? || '%' OR a.name ILIKE '%' || ? || '%'
                ORDER BY rank, array_position(ARRAY['lad', 'ward', 'msoa', 'lsoa'], a.level) NULLS LAST, a.name, a.code
                LIMIT ?)
            SELECT level, code, name, ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
            FROM (SELECT *, box2d(ST_Transform(geom, 4326)) AS b FROM hit) h
            ORDER BY rank, array_position(ARRAY['lad', 'ward', 'msoa', 'lsoa'], level) NULLS LAST, name, code""";
    /** The LSOA of the newest vintage holding a point (EPSG:27700). */
    private static final String CONTAINING = """
            SELECT level, code, name FROM area
            WHERE level = 'lsoa' AND vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
              AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 27700))
            LIMIT 1""";

    private final DataSource dataSource;

    public AreaSearch(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Areas whose code or name holds the text (at least two characters), best match first; at most limit. */
    public List<Area> find(String text, int limit) throws SQLException {
        String t = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        List<Area> out = new ArrayList<>();
        if (t.length() < 2) {
            return out;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(FIND)) {
            for (int i = 1; i <= 5; i++) {
                ps.setString(i, t);
            }
            ps.setInt(6, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Area(rs.getString(1), rs.getString(2), rs.getString(3), new double[] {
                        rs.getDouble(4), rs.getDouble(5), rs.getDouble(6), rs.getDouble(7)
                    }));
                }
            }
        }
        return out;
    }

    /** The LSOA a point (EPSG:27700) lies in, if one is loaded there. */
    public Optional<Area> lsoaAt(double x, double y) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(CONTAINING)) {
            ps.setDouble(1, x);
            ps.setDouble(2, y);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Area(rs.getString(1), rs.getString(2), rs.getString(3), null))
                        : Optional.empty();
            }
        }
    }
}
