package org.safemap.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.sharing.Principal;
import org.safemap.sharing.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@code safemap protocols reload} reaches the running server: through the database both already share, so it
 * needs no network path, credential or process id. The command adds a row to {@code catalogue_reload}; every running
 * server looks for new rows every {@link #POLL_SECONDS} seconds ({@link #poll}), reloads ({@link Catalogues#reload})
 * as the operator who asked, and writes the outcome on the row, which the command waits for and prints.
 */
public final class ReloadRequests {
    /** How often a server looks for requests: the longest a reload waits to take effect. */
    public static final int POLL_SECONDS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(ReloadRequests.class);
    private static final String INSERT = "INSERT INTO catalogue_reload (requested_by) VALUES (?) RETURNING id";
    private static final String LATEST = "SELECT coalesce(max(id), 0) FROM catalogue_reload";
    private static final String NEWER = """
            SELECT id, requested_by FROM catalogue_reload WHERE id > ? ORDER BY id DESC LIMIT 1""";
    private static final String OUTCOME =
            "SELECT outcome, message FROM catalogue_reload WHERE id = ? AND done_at IS NOT NULL";
    /** Requests that arrived together are answered by one reload; the first server to finish writes the outcome. */
    private static final String DONE = """
            UPDATE catalogue_reload SET done_at = now(), outcome = ?, message = ? WHERE id <= ? AND done_at IS NULL""";

    /** What a reload made of a request: reloaded, unchanged or refused, and the summary or the reason. */
    public record Outcome(String outcome, String message) {}

    private final DataSource dataSource;
    private long seen = -1;
    /** Whether the last look failed: an outage is logged once when it starts and once when it ends, not every look. */
    private boolean failing;

    public ReloadRequests(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Asks running servers to reload, for {@code by} (cli:&lt;os user&gt;); returns the request's number. */
    public long request(String by) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, by);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot record the reload request", e);
        }
    }

    /** The outcome a server wrote for request {@code id}, once one has. */
    public Optional<Outcome> outcome(long id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(OUTCOME)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Outcome(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot read the reload request", e);
        }
    }

    /**
     * One look for new requests (a server's scheduled task): the first call only notes where the table stands (a
     * starting server has just read the folders), later ones reload once for whatever arrived since. Never throws:
     * a database outage is logged and the next look tries again.
     */
    public synchronized void poll(Catalogues catalogues) {
        try (Connection c = dataSource.getConnection()) {
            if (seen < 0) {
                try (PreparedStatement ps = c.prepareStatement(LATEST);
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seen = rs.getLong(1);
                }
                recovered();
                return;
            }
            long id;
            String by;
            try (PreparedStatement ps = c.prepareStatement(NEWER)) {
                ps.setLong(1, seen);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        recovered();
                        return;
                    }
                    id = rs.getLong(1);
                    by = rs.getString(2);
                }
            }
            seen = id;
            recovered();
            Outcome outcome;
            try {
                Catalogues.Change change = catalogues.reload(new Principal(by, Role.ADMIN, null, null, "cli"));
                outcome = new Outcome(change.none() ? "unchanged" : "reloaded", change.describe());
            } catch (SafemapException e) {
                outcome = new Outcome("refused", e.getMessage());
            }
            try (PreparedStatement ps = c.prepareStatement(DONE)) {
                ps.setString(1, outcome.outcome());
                ps.setString(2, outcome.message());
                ps.setLong(3, id);
                ps.executeUpdate();
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                LOG.warn(
                        "cannot look for protocol reload requests (trying again every {} s): {}",
                        POLL_SECONDS,
                        e.getMessage());
            }
            failing = true;
        }
    }

    private void recovered() {
        if (failing) {
            LOG.info("looking for protocol reload requests again");
        }
        failing = false;
    }
}
