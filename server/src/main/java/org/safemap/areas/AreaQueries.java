package org.safemap.areas;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads boundaries for the API, as GeoJSON in EPSG:4326 built by PostGIS. */
public final class AreaQueries {
    private static final String LATEST_VINTAGE = "SELECT max(vintage) FROM area WHERE level = ?";
    /**
     * Boundaries at the display tolerance chosen for the zoom (full detail when the tolerance is null), with
     * coordinates to as many decimals as that detail deserves. bbox parameters are null when none was asked for.
     */
    private static final String FEATURE_COLLECTION = """
            SELECT json_build_object(
                'type', 'FeatureCollection',
                'toleranceM', ?::real,
                'zoomRange', ?::json,
                'features', coalesce(json_agg(json_build_object(
                    'type', 'Feature',
                    'id', a.code,
                    'properties', json_build_object('code', a.code, 'name', a.name, 'level', a.level, 'vintage', a.vintage),
                    'geometry', ST_AsGeoJSON(ST_Transform(coalesce(d.geom, a.geom), 4326), ?)::json) ORDER BY a.code),
                    '[]'::json))::text
            FROM area a
            LEFT JOIN area_display d ON d.level = a.level AND d.vintage = a.vintage AND d.code = a.code
                                    AND d.tolerance_m = ?::real
            WHERE a.level = ? AND a.vintage = ?
              AND (?::float8 IS NULL OR a.geom && ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 4326), 27700))""";

    /** Metres per pixel of a Web Mercator tile at zoom 0 on the equator. */
    private static final double EQUATOR_METRES_PER_PIXEL = 156_543.033_92;

    private final DataSource dataSource;

    public AreaQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The newest vintage loaded for the level, if any. */
    public Optional<Integer> latestVintage(AreaLevel level) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LATEST_VINTAGE)) {
            ps.setString(1, level.name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int v = rs.getInt(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(v);
            }
        }
    }

    /**
     * Boundaries of one level and vintage as a GeoJSON FeatureCollection.
     *
     * @param bbox {minLon, minLat, maxLon, maxLat}, or empty for all
     * @param zoom web map zoom the boundaries are for, or empty for full detail
     */
    public String featureCollection(AreaLevel level, int vintage, Optional<double[]> bbox, Optional<Integer> zoom)
            throws SQLException {
        double latitude = bbox.map(b -> (b[1] + b[3]) / 2).orElse(53.5);
        Double tolerance = zoom.map(z -> toleranceFor(z, latitude)).orElse(null);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(FEATURE_COLLECTION)) {
            ps.setObject(1, tolerance, Types.REAL);
            ps.setString(2, zoom.map(z -> zoomRange(z, latitude)).orElse(null));
            ps.setInt(3, decimalsFor(zoom));
            ps.setObject(4, tolerance, Types.REAL);
            ps.setString(5, level.name());
            ps.setInt(6, vintage);
            if (bbox.isPresent()) {
                double[] b = bbox.get();
                ps.setDouble(7, b[0]);
                for (int i = 0; i < 4; i++) {
                    ps.setDouble(8 + i, b[i]);
                }
            } else {
                for (int i = 7; i <= 11; i++) {
                    ps.setNull(i, Types.DOUBLE);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /**
     * The coarsest stored display tolerance no bigger than one screen pixel at the zoom and latitude, so the
     * simplification never shows; null (full detail) when even the finest is bigger than a pixel.
     */
    static Double toleranceFor(int zoom, double latitude) {
        double pixel = EQUATOR_METRES_PER_PIXEL * Math.cos(Math.toRadians(latitude)) / Math.pow(2, zoom);
        Double chosen = null;
        for (double t : AreaDerivatives.DISPLAY_TOLERANCES_M) {
            if (t <= pixel) {
                chosen = t;
            }
        }
        return chosen;
    }

    /**
     * The zooms ("[min, max]" as JSON) that would get the same tolerance and decimals as {@code zoom}, so a client
     * knows when it must fetch again.
     */
    static String zoomRange(int zoom, double latitude) {
        Double t = toleranceFor(zoom, latitude);
        int d = decimalsFor(Optional.of(zoom));
        int min = zoom;
        int max = zoom;
        while (min > 0
                && java.util.Objects.equals(toleranceFor(min - 1, latitude), t)
                && decimalsFor(Optional.of(min - 1)) == d) {
            min--;
        }
        while (max < 24
                && java.util.Objects.equals(toleranceFor(max + 1, latitude), t)
                && decimalsFor(Optional.of(max + 1)) == d) {
            max++;
        }
        return "[" + min + "," + max + "]";
    }

    /** Decimal places of degrees worth sending: about a tenth of a pixel (6 places is 0.1 m). */
    static int decimalsFor(Optional<Integer> zoom) {
        return zoom.map(z -> z >= 14 ? 6 : z >= 10 ? 5 : 4).orElse(6);
    }
}
