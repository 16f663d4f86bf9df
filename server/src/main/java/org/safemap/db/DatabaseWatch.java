package org.safemap.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.safemap.config.DatabaseTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database answers, known without waiting: one connection of its own outside the pool, checked when a
 * request finds the pool cannot connect, when {@code /health} asks, and every {@link #DOWN_PROBE_MS} while the
 * database is down, so requests fail at once during an outage and go back to normal as soon as it ends. Its own
 * connection also means {@code /health} answers however busy the pool is.
 */
public final class DatabaseWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseWatch.class);
    /** While the database is down it is tried this often, so recovery is noticed within this time. */
    static final long DOWN_PROBE_MS = 250;
    /** A check this recent stands (a flood of /health costs one query per this long). */
    private static final long FRESH_MS = 100;
    /** Seconds a probe may take to connect or to answer: the bound on how long an outage takes to notice. */
    private static final int PROBE_TIMEOUT_S = 1;

    private final DatabaseTarget target;
    private final ScheduledExecutorService timer;
    private Connection probe;
    private volatile boolean up = true;
    private volatile String reason = "";
    private volatile long checkedAt;

    DatabaseWatch(DatabaseTarget target) {
        this.target = target;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "database-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(
                () -> {
                    if (!up) {
                        check();
                    }
                },
                DOWN_PROBE_MS,
                DOWN_PROBE_MS,
                TimeUnit.MILLISECONDS);
    }

    /** The last known state; never waits. */
    public boolean up() {
        return up;
    }

    /** Why the database was last found down (one line, no secrets). */
    public String reason() {
        return reason;
    }

    /** Checks now (or returns a check under {@value #FRESH_MS} ms old); waits at most about a second. */
    public synchronized boolean check() {
        if (System.currentTimeMillis() - checkedAt < FRESH_MS) {
            return up;
        }
        boolean ok;
        try {
            if (probe == null || !probe.isValid(PROBE_TIMEOUT_S)) {
                closeProbe();
                probe = connect();
            }
            ok = true;
        } catch (SQLException e) {
            closeProbe();
            reason = Database.reason(e, target);
            ok = false;
        }
        checkedAt = System.currentTimeMillis();
        if (ok != up) {
            if (ok) {
                LOG.info("database {} answers again", target.description());
            } else {
                LOG.warn(
                        "database {} does not answer ({}); requests get 503 until it does",
                        target.description(),
                        reason);
            }
        }
        up = ok;
        return ok;
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        if (target.user() != null) {
            props.setProperty("user", target.user());
        }
        if (target.password() != null) {
            props.setProperty("password", target.password());
        }
        props.setProperty("connectTimeout", String.valueOf(PROBE_TIMEOUT_S));
        props.setProperty("socketTimeout", String.valueOf(PROBE_TIMEOUT_S + 1));
        props.setProperty("ApplicationName", "safemap-watch");
        return DriverManager.getConnection(target.jdbcUrl(), props);
    }

    private void closeProbe() {
        if (probe != null) {
            try {
                probe.close();
            } catch (SQLException ignored) {
                // already broken
            }
            probe = null;
        }
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        closeProbe();
    }
}
