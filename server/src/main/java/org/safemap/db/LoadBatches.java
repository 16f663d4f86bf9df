package org.safemap.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Records a load of one file in {@code load_batch}, so every stored row can be traced to its file. */
public final class LoadBatches {
    private static final String INSERT =
            "INSERT INTO load_batch (kind, feed, source_name, source_sha256, rows_read, rows_loaded, rows_quarantined) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
    private static final String FINISH =
            "UPDATE load_batch SET rows_read = ?, rows_loaded = ?, rows_quarantined = ? WHERE id = ?";

    private LoadBatches() {}

    /** Inserts the batch row and returns its id; counts may be set later with {@link #finish}. */
    public static long start(
            Connection c, String kind, String feed, String sourceName, String sha256, int rowsRead, int rowsLoaded)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, kind);
            ps.setString(2, feed);
            ps.setString(3, sourceName);
            ps.setString(4, sha256);
            ps.setInt(5, rowsRead);
            ps.setInt(6, rowsLoaded);
            ps.setInt(7, rowsRead - rowsLoaded);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public static void finish(Connection c, long batchId, int rowsLoaded, int rowsQuarantined) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FINISH)) {
            ps.setInt(1, rowsLoaded + rowsQuarantined);
            ps.setInt(2, rowsLoaded);
            ps.setInt(3, rowsQuarantined);
            ps.setLong(4, batchId);
            ps.executeUpdate();
        }
    }
}
