package org.safemap.areas;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Keeps the current {@link AreaAssigner} for a database and rebuilds it only when boundaries or the hierarchy
 * change, so loading many files does not re-read national boundaries each time.
 */
public final class AreaAssigners {
    private static final String VERSION =
            "SELECT coalesce(max(id), 0) FROM load_batch WHERE kind IN ('areas', 'hierarchy')";

    private final DataSource dataSource;
    private long version = -1;
    private AreaAssigner current;

    public AreaAssigners(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * An assigner for the boundaries as they are now, for one thread: the boundaries are read once per version and
     * shared, but each caller gets its own query buffers. Two loads at once (two partners uploading together) shared
     * one assigner before, and about 2% of their points were given the other load's areas (AreaAssignersIT).
     */
    public synchronized AreaAssigner current() {
        long now = version();
        if (current == null || now != version) {
            current = AreaAssigner.load(dataSource);
            version = now;
        }
        return current.copyForThread();
    }

    private long version() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(VERSION)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new org.safemap.db.DatabaseUnavailableException(
                    "cannot read the boundaries' version: " + e.getMessage(), e);
        }
    }
}
