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
    /** bbox parameters are null when no bbox was asked for. Coordinates to 6 decimals (about 0.1 m). */
    private static final String FEATURE_COLLECTION = """
            SELECT json_build_object(
                'type', 'FeatureCollection',
                'features', coalesce(json_agg(json_build_object(
                    'type', 'Feature',
                    'id', code,
                    'properties', json_build_object('code', code, 'name', name, 'level', level, 'vintage', vintage),
                    'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 6)::json) ORDER BY code), '[]'::json))::text
            FROM area
            WHERE level = ? AND vintage = ?
              AND (?::float8 IS NULL OR geom && ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 4326), 27700))""";

    private final DataSource dataSource;

    public AreaQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The newest vintage loaded for the level, if any. */
    public Optional<Integer> latestVintage(AreaLevel level) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LATEST_VINTAGE)) {
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
     */
    public String featureCollection(AreaLevel level, int vintage, Optional<double[]> bbox) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FEATURE_COLLECTION)) {
            ps.setString(1, level.name());
            ps.setInt(2, vintage);
            if (bbox.isPresent()) {
                double[] b = bbox.get();
                ps.setDouble(3, b[0]);
                for (int i = 0; i < 4; i++) {
                    ps.setDouble(4 + i, b[i]);
                }
            } else {
                for (int i = 3; i <= 7; i++) {
                    ps.setNull(i, Types.DOUBLE);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
