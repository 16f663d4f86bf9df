package org.safemap.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.safemap.config.DatabaseTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears every change to what maps show, whichever server made it: the primary announces each load, purge and run on
 * channel {@value #CHANNEL} (triggers on {@code load_batch} and {@code hotspot_run}, migration V19), and this listener
 * calls back with the primary's WAL position just after the change committed, so the map service re-keys its
 * caches at once and {@link ReplicaReads} reads nothing older. Several SafeMap servers over one primary each hold
 * one; a hot standby cannot LISTEN, so it is always on the primary.
 *
 * <p>One connection of its own outside the pool. When it breaks (restart, outage) it reconnects every
 * {@link #RETRY_MS} and calls back once on reconnecting, since changes may have passed unheard meanwhile.
 */
public final class DataChanges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataChanges.class);
    /** The channel the V19 triggers notify on. */
    public static final String CHANNEL = "safemap_data";

    private static final long RETRY_MS = 1_000;
    private static final int WAIT_MS = 500;

    private final DatabaseTarget primary;
    private final LongConsumer onChange;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;

    private DataChanges(DatabaseTarget primary, LongConsumer onChange) {
        this.primary = primary;
        this.onChange = onChange;
        this.thread = new Thread(this::run, "data-changes");
        this.thread.setDaemon(true);
    }

    /**
     * Starts listening on {@code primary}; {@code onChange} receives the primary's WAL position after each change
     * (several changes committed close together may come as one call), on the listener's own thread.
     */
    public static DataChanges listen(DatabaseTarget primary, LongConsumer onChange) {
        DataChanges d = new DataChanges(primary, onChange);
        d.thread.start();
        return d;
    }

    private void run() {
        boolean first = true;
        while (!closed) {
            try (Connection c = Database.connect(primary)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                if (!first) {
                    LOG.info("listening for data changes again");
                    changed(c);
                }
                first = false;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] heard = pg.getNotifications(WAIT_MS);
                    if (heard != null && heard.length > 0) {
                        changed(c);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!first) {
                    LOG.warn("lost the primary's data-change channel ({}); retrying", e.getMessage());
                }
                first = false;
                try {
                    Thread.sleep(RETRY_MS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void changed(Connection c) throws SQLException {
        long lsn;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            lsn = ReplicaReads.parseLsn(rs.getString(1));
        }
        try {
            onChange.accept(lsn);
        } catch (RuntimeException e) {
            // The map service could not re-read its state (an outage): its own timer will.
            LOG.warn("a data change could not be applied at once: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
