package org.safemap.runs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.areas.AreaIndex;
import org.safemap.areas.AreaLevel;
import org.safemap.db.Database;

/**
 * The areas of one level (newest vintage) a computation reports on: all loaded, or those whose point on surface lies
 * in the area of interest; with their size, residents, queen neighbours and boundaries.
 *
 * @param population residents (latest estimate; for MSOAs, wards and districts without their own, the sum over their
 *                   LSOAs; for custom areas, LSOA residents apportioned by overlap), -1 where unknown
 */
public record StudyAreas(
        String level,
        int vintage,
        String[] codes,
        String[] names,
        double[] areaKm2,
        int[] population,
        double[] x,
        double[] y,
        List<Geometry> geometries,
        int[] neighbourFrom,
        int[] neighbourTo) {

    private static final String AREAS = """
            WITH v AS (SELECT max(vintage) AS vintage FROM area WHERE level = ?)
            SELECT a.code, a.name, ST_Area(a.geom) / 1e6, ST_X(ST_PointOnSurface(a.geom)),
                   ST_Y(ST_PointOnSurface(a.geom)), ST_AsBinary(a.geom), v.vintage,
                   coalesce(
                     (SELECT p.population FROM area_population p
                      WHERE p.level = a.level AND p.vintage = a.vintage AND p.code = a.code
                      ORDER BY p.year DESC LIMIT 1),
                     (SELECT sum(pop.population)::int FROM area_parent ap JOIN area_population pop
                          ON pop.level = 'lsoa' AND pop.vintage = ap.vintage AND pop.code = ap.code
                      WHERE ap.level = 'lsoa' AND ap.parent_level = a.level AND ap.parent_code = a.code
                        AND pop.year = (SELECT max(year) FROM area_population WHERE level = 'lsoa')),
                     (SELECT round(sum(pop.population * o.share_of_lsoa))::int FROM area_overlap o
                          JOIN area_population pop ON pop.level = 'lsoa' AND pop.vintage = o.lsoa_vintage
                                                  AND pop.code = o.lsoa_code
                      WHERE o.level = a.level AND o.vintage = a.vintage AND o.code = a.code
                        AND pop.year = (SELECT max(year) FROM area_population WHERE level = 'lsoa')),
                     -1)
            FROM area a, v
            WHERE a.level = ? AND a.vintage = v.vintage AND %s
            ORDER BY a.code""";
    private static final String AOI_CODES = """
            EXISTS (SELECT 1 FROM area b
                    WHERE b.level = ? AND b.vintage = (SELECT max(vintage) FROM area WHERE level = b.level)
                      AND b.code = ANY(?::text[]) AND ST_Contains(b.geom, ST_PointOnSurface(a.geom)))""";
    private static final String AOI_POLYGON = "ST_Contains(ST_GeomFromText(?, 27700), ST_PointOnSurface(a.geom))";
    private static final String NEIGHBOURS =
            "SELECT code, neighbour_code FROM area_neighbour WHERE level = ? AND vintage = ?";

    public static StudyAreas load(DataSource dataSource, String level, Optional<Selection.AreaOfInterest> aoi) {
        AreaLevel.parse(level);
        String clause = aoi.isEmpty() ? "true" : aoi.get().wkt() != null ? AOI_POLYGON : AOI_CODES;
        List<String> codes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Geometry> geometries = new ArrayList<>();
        double[] size = new double[16];
        int[] population = new int[16];
        double[] x = new double[16];
        double[] y = new double[16];
        int vintage = 0;
        WKBReader wkb = new WKBReader();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = Database.binaryResults(c.prepareStatement(AREAS.formatted(clause)))) {
            ps.setString(1, level);
            ps.setString(2, level);
            if (aoi.isPresent()) {
                if (aoi.get().wkt() != null) {
                    ps.setString(3, aoi.get().wkt());
                } else {
                    ps.setString(3, aoi.get().level());
                    ps.setArray(4, c.createArrayOf("text", aoi.get().codes().toArray()));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int n = codes.size();
                    if (n == size.length) {
                        size = java.util.Arrays.copyOf(size, n * 2);
                        population = java.util.Arrays.copyOf(population, n * 2);
                        x = java.util.Arrays.copyOf(x, n * 2);
                        y = java.util.Arrays.copyOf(y, n * 2);
                    }
                    codes.add(rs.getString(1));
                    names.add(rs.getString(2));
                    size[n] = rs.getDouble(3);
                    x[n] = rs.getDouble(4);
                    y[n] = rs.getDouble(5);
                    geometries.add(wkb.read(rs.getBytes(6)));
                    vintage = rs.getInt(7);
                    population[n] = rs.getInt(8);
                }
            }
            if (codes.isEmpty()) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        aoi.isPresent()
                                ? "no " + level + " areas lie in the area of interest"
                                : "no " + level + " boundaries are loaded; load them with 'safemap areas load'");
            }
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < codes.size(); i++) {
                index.put(codes.get(i), i);
            }
            List<int[]> pairs = new ArrayList<>();
            try (PreparedStatement nb = c.prepareStatement(NEIGHBOURS)) {
                nb.setString(1, level);
                nb.setInt(2, vintage);
                try (ResultSet rs = nb.executeQuery()) {
                    while (rs.next()) {
                        Integer a = index.get(rs.getString(1));
                        Integer b = index.get(rs.getString(2));
                        if (a != null && b != null) {
                            pairs.add(new int[] {a, b});
                        }
                    }
                }
            }
            int n = codes.size();
            return new StudyAreas(
                    level,
                    vintage,
                    codes.toArray(String[]::new),
                    names.toArray(String[]::new),
                    java.util.Arrays.copyOf(size, n),
                    java.util.Arrays.copyOf(population, n),
                    java.util.Arrays.copyOf(x, n),
                    java.util.Arrays.copyOf(y, n),
                    geometries,
                    pairs.stream().mapToInt(p -> p[0]).toArray(),
                    pairs.stream().mapToInt(p -> p[1]).toArray());
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the " + level + " areas", e);
        } catch (ParseException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "unreadable boundary geometry", e);
        }
    }

    public int size() {
        return codes.length;
    }

    /** Code to position, for indexing points by their stored area code. */
    public Map<String, Integer> index() {
        Map<String, Integer> index = new HashMap<>(codes.length * 2);
        for (int i = 0; i < codes.length; i++) {
            index.put(codes[i], i);
        }
        return index;
    }

    /** {minX, minY, maxX, maxY} of all the areas. */
    public double[] envelope() {
        org.locationtech.jts.geom.Envelope e = new org.locationtech.jts.geom.Envelope();
        for (Geometry g : geometries) {
            e.expandToInclude(g.getEnvelopeInternal());
        }
        return new double[] {e.getMinX(), e.getMinY(), e.getMaxX(), e.getMaxY()};
    }

    /** A point-in-area index over these areas, answering with codes. */
    public AreaIndex areaIndex() {
        return new AreaIndex(AreaLevel.parse(level), vintage, List.of(codes), geometries);
    }
}
