package org.safemap.areas;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** One area described: where it sits in the hierarchy, its residents, its deprivation, its neighbours. */
public final class AreaProfiles {
    /** Exact level/vintage when given; otherwise ONS levels before custom sets, newest vintage first. */
    private static final String AREA = """
            SELECT level, vintage, code, name, ST_Area(geom) / 1e6,
                   ST_X(p), ST_Y(p), ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
            FROM (SELECT level, vintage, code, name, geom,
                         ST_Transform(ST_PointOnSurface(geom), 4326) AS p,
                         ST_Transform(ST_Envelope(geom), 4326) AS b
                  FROM area
                  WHERE code = ? AND (level = ? OR ?::text IS NULL) AND (vintage = ? OR ?::int IS NULL)) a
            ORDER BY level LIKE 'custom:%', vintage DESC
            LIMIT 1""";

    private static final String PARENTS = """
            SELECT p.parent_level, p.parent_vintage, p.parent_code, coalesce(a.name, p.parent_name)
            FROM area_parent p
            LEFT JOIN area a ON a.level = p.parent_level AND a.vintage = p.parent_vintage AND a.code = p.parent_code
            WHERE p.level = ? AND p.vintage = ? AND p.code = ?
            ORDER BY p.parent_level = 'lad', p.parent_level""";
    private static final String CHILDREN = """
            SELECT p.level, p.vintage, p.code, a.name
            FROM area_parent p
            LEFT JOIN area a ON a.level = p.level AND a.vintage = p.vintage AND a.code = p.code
            WHERE p.parent_level = ? AND p.parent_code = ?
              AND p.level = CASE ?::text WHEN 'lad' THEN 'msoa' ELSE 'lsoa' END
            ORDER BY p.code""";
    /** Direct estimate, else the exact sum over child LSOAs when every child has one (nesting is exact). */
    private static final String POPULATION = """
            SELECT year, population, 'estimate' AS method, 1 AS areas FROM area_population
            WHERE level = ? AND vintage = ? AND code = ?
            UNION ALL
            SELECT pop.year, sum(pop.population), 'sum of LSOAs', count(*)
            FROM area_parent p JOIN area_population pop
                 ON pop.level = 'lsoa' AND pop.vintage = p.vintage AND pop.code = p.code
            WHERE p.level = 'lsoa' AND p.parent_level = ? AND p.parent_code = ?
            GROUP BY pop.year
            HAVING count(*) = (SELECT count(*) FROM area_parent c WHERE c.level = 'lsoa' AND c.parent_level = ?
                               AND c.parent_code = ?)
            ORDER BY 1 DESC, 4
            LIMIT 1""";
    /** For custom areas: each overlapped LSOA's residents in proportion to the share of its area inside. */
    private static final String APPORTIONED_POPULATION = """
            SELECT pop.year, round(sum(pop.population * o.share_of_lsoa)), count(*)
            FROM area_overlap o JOIN area_population pop
                 ON pop.level = 'lsoa' AND pop.vintage = o.lsoa_vintage AND pop.code = o.lsoa_code
            WHERE o.level = ? AND o.vintage = ? AND o.code = ?
            GROUP BY pop.year ORDER BY pop.year DESC LIMIT 1""";

    private static final String DEPRIVATION = """
            SELECT edition, imd_rank, imd_decile, imd_score, domains::text FROM lsoa_deprivation
            WHERE code = ? AND vintage = ? ORDER BY edition DESC LIMIT 1""";
    private static final String NEIGHBOURS = """
            SELECT n.neighbour_code, a.name, n.shared_boundary_m
            FROM area_neighbour n JOIN area a ON a.level = n.level AND a.vintage = n.vintage AND a.code = n.neighbour_code
            WHERE n.level = ? AND n.vintage = ? AND n.code = ?
            ORDER BY n.shared_boundary_m DESC, n.neighbour_code""";
    private static final String OVERLAPS = """
            SELECT lsoa_vintage, lsoa_code, share_of_area, share_of_lsoa FROM area_overlap
            WHERE level = ? AND vintage = ? AND code = ? ORDER BY share_of_area DESC""";

    /** Another area referred to. */
    public record AreaRef(String level, int vintage, String code, String name) {}

    /** @param method estimate, sum of LSOAs, or area-weighted (custom sets); @param areas areas it is built from */
    public record Population(int year, long residents, String method, int areas) {}

    /** IMD: rank and decile (1 = most deprived), score if loaded, domains as loaded (a JSON object). */
    public record Deprivation(
            int edition,
            int rank,
            int decile,
            Double score,
            @com.fasterxml.jackson.annotation.JsonRawValue String domains) {}

    public record Neighbour(String code, String name, double sharedBoundaryM) {}

    public record Overlap(int lsoaVintage, String lsoaCode, double shareOfArea, double shareOfLsoa) {}

    /**
     * @param centroid a point inside the area, {lon, lat}
     * @param bbox     {minLon, minLat, maxLon, maxLat}
     */
    public record Profile(
            String level,
            int vintage,
            String code,
            String name,
            double areaKm2,
            double[] centroid,
            double[] bbox,
            List<AreaRef> parents,
            List<AreaRef> children,
            Population population,
            Deprivation deprivation,
            List<Neighbour> neighbours,
            List<Overlap> lsoaOverlaps) {}

    private final DataSource dataSource;

    public AreaProfiles(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<Profile> profile(String code, Optional<AreaLevel> level, Optional<Integer> vintage)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String lvl;
            int v;
            String name;
            double km2;
            double[] centroid;
            double[] bbox;
            try (PreparedStatement ps = c.prepareStatement(AREA)) {
                ps.setString(1, code);
                ps.setString(2, level.map(AreaLevel::name).orElse(null));
                ps.setString(3, level.map(AreaLevel::name).orElse(null));
                ps.setObject(4, vintage.orElse(null), Types.INTEGER);
                ps.setObject(5, vintage.orElse(null), Types.INTEGER);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    lvl = rs.getString(1);
                    v = rs.getInt(2);
                    name = rs.getString(4);
                    km2 = rs.getDouble(5);
                    centroid = new double[] {rs.getDouble(6), rs.getDouble(7)};
                    bbox = new double[] {rs.getDouble(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11)};
                }
            }
            List<AreaRef> parents = refs(c, PARENTS, lvl, v, code);
            List<AreaRef> children =
                    lvl.equals("msoa") || lvl.equals("lad") ? refs(c, CHILDREN, lvl, code, lvl) : List.of();
            Population population =
                    lvl.startsWith("custom:") ? apportioned(c, lvl, v, code) : population(c, lvl, v, code);
            Deprivation deprivation = lvl.equals("lsoa") ? deprivation(c, code, v) : null;
            List<Neighbour> neighbours = new ArrayList<>();
            try (PreparedStatement ps = statement(c, NEIGHBOURS, lvl, v, code);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    neighbours.add(
                            new Neighbour(rs.getString(1), rs.getString(2), Math.round(rs.getDouble(3) * 10) / 10.0));
                }
            }
            List<Overlap> overlaps = new ArrayList<>();
            if (lvl.startsWith("custom:")) {
                try (PreparedStatement ps = statement(c, OVERLAPS, lvl, v, code);
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        overlaps.add(new Overlap(rs.getInt(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4)));
                    }
                }
            }
            return Optional.of(new Profile(
                    lvl,
                    v,
                    code,
                    name,
                    Math.round(km2 * 1000) / 1000.0,
                    centroid,
                    bbox,
                    parents,
                    children,
                    population,
                    deprivation,
                    neighbours,
                    overlaps));
        }
    }

    private static List<AreaRef> refs(Connection c, String sql, Object... params) throws SQLException {
        List<AreaRef> out = new ArrayList<>();
        try (PreparedStatement ps = statement(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new AreaRef(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)));
            }
        }
        return out;
    }

    private static Population population(Connection c, String level, int vintage, String code) throws SQLException {
        try (PreparedStatement ps = statement(c, POPULATION, level, vintage, code, level, code, level, code);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Population(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getInt(4)) : null;
        }
    }

    private static Population apportioned(Connection c, String level, int vintage, String code) throws SQLException {
        try (PreparedStatement ps = statement(c, APPORTIONED_POPULATION, level, vintage, code);
                ResultSet rs = ps.executeQuery()) {
            return rs.next()
                    ? new Population(rs.getInt(1), rs.getLong(2), "area-weighted from LSOAs", rs.getInt(3))
                    : null;
        }
    }

    private static Deprivation deprivation(Connection c, String code, int vintage) throws SQLException {
        try (PreparedStatement ps = statement(c, DEPRIVATION, code, vintage);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            double score = rs.getDouble(4);
            Double scoreOrNull = rs.wasNull() ? null : score;
            return new Deprivation(rs.getInt(1), rs.getInt(2), rs.getInt(3), scoreOrNull, rs.getString(5));
        }
    }

    private static PreparedStatement statement(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }
}
