package org.safemap.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.safemap.SafemapException;
import org.safemap.sharing.LinkageSeal;

/**
 * Reads back a batch's quarantined rows, so custodians can see exactly what was kept and why. For a feed whose
 * protocol hashes linkage identifiers, everyone reads the rows with the hashes in place; the feed's own custodians
 * (and admins) read them as sent, opened from their sealed copy ({@link LinkageSeal}).
 */
public final class Quarantine {
    private static final String BATCH_EXISTS = "SELECT 1 FROM load_batch WHERE id = ? AND kind = 'incidents'";
    private static final String ROWS =
            "SELECT line_no, field, reason, raw_record, raw_sealed FROM quarantine WHERE batch_id = ? ORDER BY line_no";

    private final DataSource dataSource;

    public Quarantine(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Writes {@code line,field,reason,raw} CSV lines (with a header), in file order; streams, so any size works. */
    public void writeCsv(long batchId, Consumer<String> out) throws SQLException {
        writeCsv(batchId, out, null);
    }

    /**
     * As {@link #writeCsv(long, Consumer)}; with {@code reveal}, rows kept sealed are shown as sent (the caller has
     * checked that the reader is the feed's custodian). A sealed copy that does not open (changed in the database,
     * or a different linkage key) is not hidden: the row is shown with its hashes and the reason says why.
     */
    public void writeCsv(long batchId, Consumer<String> out, LinkageSeal reveal) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(BATCH_EXISTS)) {
                ps.setLong(1, batchId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SafemapException("not_found", "there is no incident batch " + batchId
                                + " ('safemap feeds report' lists them)");
                    }
                }
            }
            c.setAutoCommit(false); // lets the driver fetch in pieces instead of all at once
            try (PreparedStatement ps = c.prepareStatement(ROWS)) {
                ps.setFetchSize(1000);
                ps.setLong(1, batchId);
                out.accept("line,field,reason,raw");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String reason = rs.getString(3);
                        String raw = rs.getString(4);
                        String sealed = rs.getString(5);
                        if (reveal != null && sealed != null) {
                            try {
                                raw = reveal.open(LinkageSeal.quarantinePlace(batchId, rs.getInt(1)), sealed);
                            } catch (SafemapException e) {
                                reason = reason + " [" + e.getMessage() + "]";
                            }
                        }
                        out.accept(rs.getInt(1) + "," + csv(rs.getString(2)) + "," + csv(reason) + "," + csv(raw));
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }

    private static String csv(String value) {
        if (value == null) {
            return "";
        }
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
