package org.safemap.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
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
    // The primary key (batch_id, line_no) serves both: a page costs its offset in index entries, not a sort.
    private static final String COUNT = "SELECT count(*) FROM quarantine WHERE batch_id = ?";
    private static final String PAGE = ROWS + " OFFSET ? LIMIT ?";

    /**
     * One quarantined row.
     *
     * @param line   the line in the source file (the header is line 1)
     * @param field  the field to blame, or null when the row as a whole failed
     * @param reason why it was quarantined
     * @param row    the row as stored (keyed hashes in place of linkage references) or, when revealed, as sent
     */
    public record Row(int line, String field, String reason, String row) {}

    /**
     * A page of a batch's quarantined rows, in file order.
     *
     * @param total  rows the batch has in quarantine now (the retention purge deletes them with the batch's records)
     * @param offset rows skipped before this page
     * @param limit  most rows the page could hold
     */
    public record Page(long total, long offset, int limit, List<Row> rows) {}

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
            requireBatch(c, batchId);
            c.setAutoCommit(false); // lets the driver fetch in pieces instead of all at once
            try (PreparedStatement ps = c.prepareStatement(ROWS)) {
                ps.setFetchSize(1000);
                ps.setLong(1, batchId);
                out.accept("line,field,reason,raw");
                read(
                        ps,
                        batchId,
                        reveal,
                        r -> out.accept(r.line() + "," + csv(r.field()) + "," + csv(r.reason()) + "," + csv(r.row())));
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * Up to {@code limit} of the batch's quarantined rows from {@code offset} on, in file order, with the total; rows
     * are revealed as {@link #writeCsv(long, Consumer, LinkageSeal)} reveals them.
     */
    public Page page(long batchId, long offset, int limit, LinkageSeal reveal) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            requireBatch(c, batchId);
            long total;
            try (PreparedStatement ps = c.prepareStatement(COUNT)) {
                ps.setLong(1, batchId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(PAGE)) {
                ps.setLong(1, batchId);
                ps.setLong(2, offset);
                ps.setInt(3, limit);
                read(ps, batchId, reveal, rows::add);
            }
            return new Page(total, offset, limit, rows);
        }
    }

    private static void requireBatch(Connection c, long batchId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BATCH_EXISTS)) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SafemapException(
                            ErrorCode.NOT_FOUND,
                            "there is no incident batch " + batchId + " ('safemap feeds report' lists them)");
                }
            }
        }
    }

    /**
     * Each row of the query, opened from its sealed copy when {@code reveal} is given. A sealed copy that does not
     * open is not hidden: the row keeps its hashes and the reason says why.
     */
    private static void read(PreparedStatement ps, long batchId, LinkageSeal reveal, Consumer<Row> out)
            throws SQLException {
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
                out.accept(new Row(rs.getInt(1), rs.getString(2), reason, raw));
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
