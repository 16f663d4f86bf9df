package org.safemap.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.safemap.config.DatabaseTarget;
import org.slf4j.LoggerFactory;

/**
 * Reads from a PostgreSQL streaming replica, falling back to the primary. A connection comes from the replica only
 * when the replica answers and has replayed the primary's WAL up to the newest write this server must show (its
 * {@link #require required LSN}: raised when the primary announces a change ({@link DataChanges}) and when a client
 * shows it has seen a write); otherwise, and for a request's {@link Work} that {@link Work#readPrimary reads the
 * primary}, it comes from the primary. So a reader never sees data older than a change this server has been told
 * of, and an uploader reads its own writes on any node.
 *
 * <p>A replica that cannot be reached (restarting, gone) is left alone for {@link #DOWN_MS} and reads go to the
 * primary meanwhile. Nothing written goes through here: writers hold the primary's pool ({@link #primaryOf}).
 * Thread-safe.
 */
public final class ReplicaReads implements DataSource, AutoCloseable {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(ReplicaReads.class);
    /** How long reads stay on the primary after the replica failed to give a connection. */
    static final long DOWN_MS = 2_000;
    /** How soon a lagging replica's replay position is asked again (one query), so lag costs little. */
    private static final long LAG_RECHECK_MS = 20;

    // A server not in recovery holds everything committed: NULL. pg_last_wal_replay_lsn alone would not say so, since
    // after a crash recovery or a promotion it stays at the last record that recovery replayed.
    private static final String REPLAYED = "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() END";

    private final DataSource primary;
    private final HikariDataSource replica;
    private final AtomicLong required = new AtomicLong();
    private volatile long replayed = -1;
    private volatile long replayCheckedAt;
    private volatile long downUntil;
    private volatile boolean down;

    ReplicaReads(DataSource primary, HikariDataSource replica) {
        this.primary = primary;
        this.replica = replica;
    }

    /** A small pool on the replica that never holds a request for long when the replica is away. */
    static HikariDataSource pool(DatabaseTarget target, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(target.jdbcUrl());
        config.setUsername(target.user());
        config.setPassword(target.password());
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setPoolName("safemap-replica");
        config.setReadOnly(true);
        // A replica that is down at start must not stop the server: reads go to the primary until it answers.
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(500);
        config.setValidationTimeout(500);
        config.addDataSourceProperty("ApplicationName", "safemap-replica");
        config.addDataSourceProperty("connectTimeout", "1");
        config.addDataSourceProperty("options", Database.SESSION_OPTIONS);
        return new HikariDataSource(config);
    }

    /** The data source writes must use: the primary behind {@code reads} when it is a replica router, else itself. */
    public static DataSource primaryOf(DataSource reads) {
        return reads instanceof ReplicaReads r ? r.primary : reads;
    }

    /** Reads after this call show at least what the primary had written at {@code lsn} (a WAL position). */
    public void require(long lsn) {
        required.accumulateAndGet(lsn, Math::max);
    }

    /** Whether the replica is known to have replayed up to {@code lsn} (false while unknown or down). */
    public boolean caughtUp(long lsn) {
        return !down && replayed >= lsn;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Work work = Work.current().orElse(null);
        if ((work != null && work.readsPrimary()) || System.currentTimeMillis() < downUntil) {
            return primary.getConnection();
        }
        if (work != null) {
            work.check();
        }
        Connection c;
        try {
            c = replica.getConnection();
        } catch (SQLException e) {
            markDown(e);
            return primary.getConnection();
        }
        try {
            if (!current(c)) {
                c.close();
                return primary.getConnection();
            }
        } catch (SQLException e) {
            closeQuietly(c);
            markDown(e);
            return primary.getConnection();
        }
        if (down) {
            down = false;
            LOG.info("read replica answers again; map reads go to it");
        }
        if (work == null) {
            return c;
        }
        work.attach(c);
        return ServingDataSource.track(c, work);
    }

    /** Whether the replica has replayed what this server must show; asks it only when that is in doubt. */
    private boolean current(Connection c) throws SQLException {
        long need = required.get();
        if (replayed >= need) {
            return true;
        }
        long now = System.currentTimeMillis();
        if (now - replayCheckedAt < LAG_RECHECK_MS) {
            return false;
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(REPLAYED)) {
            rs.next();
            String lsn = rs.getString(1);
            // NULL: not in recovery, so it is a primary and holds everything committed.
            long at = lsn == null ? Long.MAX_VALUE : parseLsn(lsn);
            replayed = Math.max(replayed, at);
            replayCheckedAt = now;
        }
        return replayed >= need;
    }

    private void markDown(SQLException e) {
        downUntil = System.currentTimeMillis() + DOWN_MS;
        if (!down) {
            down = true;
            LOG.warn("read replica does not answer ({}); map reads go to the primary", e.getMessage());
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    /** A WAL position as PostgreSQL prints it ({@code 16/B374D848}) as one number. */
    public static long parseLsn(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a WAL position: " + text);
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    /** The form PostgreSQL prints a WAL position in ({@link #parseLsn} reads it back). */
    public static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    /** The primary's current WAL position: every change committed so far lies before it. */
    public static long primaryLsn(DataSource primary) {
        try (Connection c = primary.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            return parseLsn(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the primary's WAL position: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        replica.close();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pools' own credentials are used");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return primary.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        primary.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        primary.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return primary.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return primary.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : primary.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || primary.isWrapperFor(iface);
    }
}
