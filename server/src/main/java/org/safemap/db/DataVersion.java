package org.safemap.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A token that changes whenever a load, a purge or a finished run changes what maps and count tables show (one cheap
 * query), and the feeds loads have brought in. Every cache of data read from the store is keyed by it.
 */
public final class DataVersion {
    /** The loads' part: changes with every load, removal and purge of records, and with nothing else. */
    private static final String LOADS = """
            SELECT coalesce(max(id), 0) || '.' || count(*) || '.' || coalesce(sum(rows_loaded), 0)
                   || '.' || coalesce(sum(rows_purged), 0) FROM load_batch""";

    private static final String VERSION = "SELECT (" + LOADS + ") || '-' || "
            + "(SELECT coalesce(max(id), 0) || '.' || count(*) FROM hotspot_run WHERE status = 'done')";

    private static final String LOADED_FEEDS = "SELECT DISTINCT feed FROM load_batch WHERE kind = 'incidents'";

    private DataVersion() {}

    /** The current token. */
    public static String read(DataSource dataSource) {
        List<String> out = strings(dataSource, VERSION);
        return out.get(0);
    }

    /**
     * The records' token alone, on {@code c}: equal tokens mean the same records are stored (no load, removal or
     * purge in between), so a computation over them can be reused.
     */
    public static String loads(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOADS);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Every feed a load has brought records into. */
    public static List<String> loadedFeeds(DataSource dataSource) {
        return strings(dataSource, LOADED_FEEDS);
    }

    private static List<String> strings(DataSource dataSource, String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw new DatabaseUnavailableException("the database does not answer", e);
            }
            throw new IllegalStateException("data version query failed: " + e.getMessage(), e);
        }
    }
}
