package org.safemap.areas;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * Areas an analyst draws on the map (a polygon or a circle), turned into British National Grid and described the
 * way named areas are: size, residents and deprivation, estimated from the LSOAs they overlap.
 */
public final class DrawnAreas {
    /** Largest drawn area accepted, km²: a whole force area, not the country (profiles read every record inside). */
    public static final double MAX_KM2 = 5_000;
    /** Most vertices accepted in a drawn polygon. */
    public static final int MAX_POINTS = 10_000;

    private static final String FROM_GEOJSON = """
            SELECT ST_AsText(g), ST_Area(g) / 1e6, ST_NPoints(g), ST_IsValid(g), ST_IsValidReason(g),
                   GeometryType(g)
            FROM (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326), 27700) AS g) s""";
    /** A circle as a 64-sided polygon: within 0.05% of the true area. */
    private static final String CIRCLE = """
            SELECT ST_AsText(g), ST_Area(g) / 1e6
            FROM (SELECT ST_Buffer(ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 4326), 27700), ?, 16) AS g) s""";
    /** The newest LSOAs the drawn area overlaps, each with the share of its area inside, residents and IMD decile. */
    private static final String OVERLAPS = """
            WITH d AS (SELECT ST_GeomFromText(?, 27700) AS g),
            o AS (SELECT a.code, a.vintage, ST_Area(ST_Intersection(a.geom, d.g)) / ST_Area(a.geom) AS share
                  FROM area a, d
                  WHERE a.level = 'lsoa' AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
                    AND ST_Intersects(a.geom, d.g))
            SELECT o.code, o.share, p.population, p.year, dep.imd_decile
            FROM o
            LEFT JOIN LATERAL (SELECT population, year FROM area_population
                               WHERE level = 'lsoa' AND vintage = o.vintage AND code = o.code
                               ORDER BY year DESC LIMIT 1) p ON true
            LEFT JOIN LATERAL (SELECT imd_decile FROM lsoa_deprivation
                               WHERE code = o.code AND vintage = o.vintage
                               ORDER BY edition DESC LIMIT 1) dep ON true
            WHERE o.share > 0""";

    /**
     * A drawn area.
     *
     * @param wkt               its outline in EPSG:27700, for selections
     * @param areaKm2           its size
     * @param lsoas             LSOAs it overlaps
     * @param residents         residents apportioned by area: each LSOA's estimate times the share of its area
     *                          inside (null when no LSOA has an estimate)
     * @param populationYear    the newest estimate year used
     * @param residentsByDecile apportioned residents by IMD decile, index 0 = decile 1 (most deprived)
     */
    public record Drawn(
            String wkt, double areaKm2, int lsoas, Long residents, Integer populationYear, long[] residentsByDecile) {}

    private final DataSource dataSource;

    public DrawnAreas(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A GeoJSON Polygon or MultiPolygon geometry in WGS84 longitude/latitude. */
    public Drawn polygon(String geoJsonGeometry) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(FROM_GEOJSON)) {
            ps.setString(1, geoJsonGeometry);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String type = rs.getString(6);
                if (!"POLYGON".equals(type) && !"MULTIPOLYGON".equals(type)) {
                    throw bad("a drawn area must be a Polygon or MultiPolygon, not " + type);
                }
                if (rs.getInt(3) > MAX_POINTS) {
                    throw bad("a drawn area may have up to " + MAX_POINTS + " points, this one has " + rs.getInt(3));
                }
                if (!rs.getBoolean(4)) {
                    throw bad("the drawn area is not a valid polygon: " + rs.getString(5) + " (do its edges cross?)");
                }
                return describe(c, rs.getString(1), rs.getDouble(2));
            }
        } catch (SQLException e) {
            if ("XX000".equals(e.getSQLState()) || "22023".equals(e.getSQLState())) {
                throw bad("the drawn area is not GeoJSON geometry PostGIS can read: " + e.getMessage());
            }
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the drawn area", e);
        }
    }

    /** A circle around a WGS84 point, radius in metres on the ground. */
    public Drawn circle(double lon, double lat, double radiusM) {
        if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
            throw bad("the circle's centre must be [longitude, latitude] in degrees");
        }
        if (!(radiusM > 0 && radiusM <= 40_000)) {
            throw bad("the circle's radius must be more than 0 and at most 40,000 metres");
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(CIRCLE)) {
            ps.setDouble(1, lon);
            ps.setDouble(2, lat);
            ps.setDouble(3, radiusM);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return describe(c, rs.getString(1), rs.getDouble(2));
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not make the circle", e);
        }
    }

    private Drawn describe(Connection c, String wkt, double km2) throws SQLException {
        if (!(km2 > 0)) {
            throw bad("the drawn area is empty");
        }
        if (km2 > MAX_KM2) {
            throw bad(String.format("the drawn area is %.0f km²; profiles take areas up to %.0f km²", km2, MAX_KM2));
        }
        int lsoas = 0;
        double residents = 0;
        boolean anyPopulation = false;
        Integer year = null;
        double[] byDecile = new double[10];
        try (PreparedStatement ps = c.prepareStatement(OVERLAPS)) {
            ps.setString(1, wkt);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lsoas++;
                    double share = rs.getDouble(2);
                    Object population = rs.getObject(3);
                    if (population != null) {
                        double r = ((Number) population).doubleValue() * share;
                        residents += r;
                        anyPopulation = true;
                        int y = rs.getInt(4);
                        year = year == null ? y : Math.max(year, y);
                        Object decile = rs.getObject(5);
                        if (decile != null) {
                            byDecile[((Number) decile).intValue() - 1] += r;
                        }
                    }
                }
            }
        }
        long[] deciles = new long[10];
        for (int d = 0; d < 10; d++) {
            deciles[d] = Math.round(byDecile[d]);
        }
        return new Drawn(wkt, km2, lsoas, anyPopulation ? Math.round(residents) : null, year, deciles);
    }

    private static SafemapException bad(String message) {
        return new SafemapException(ErrorCode.BAD_REQUEST, message);
    }
}
