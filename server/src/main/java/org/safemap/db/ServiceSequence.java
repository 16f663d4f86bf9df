package org.safemap.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The map services' update sequence: a number stored in the database that only ever increases, moved by one each
 * time the token of what the maps show ({@link DataVersion} with the protocols) differs from the one it last saw.
 * WMS and WMTS capabilities carry it as updateSequence; unlike the token it never goes down when batches are
 * purged, and it survives restarts. One statement, so concurrent servers move it once per change.
 */
public final class ServiceSequence {
    private static final String ADVANCE = """
            UPDATE service_sequence SET value = value + CASE WHEN token = ? THEN 0 ELSE 1 END, token = ?
            RETURNING value""";

    private ServiceSequence() {}

    /** The sequence number for {@code token}: the stored one when the token is the one last seen, else one more. */
    public static long advance(DataSource dataSource, String token) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(ADVANCE)) {
            ps.setString(1, token);
            ps.setString(2, token);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("service_sequence has no row (migration V13)");
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw new DatabaseUnavailableException("the database does not answer", e);
            }
            throw new IllegalStateException("update sequence query failed: " + e.getMessage(), e);
        }
    }
}
