package org.safemap.db;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * The pool as the HTTP server uses it. Three things differ from the bare pool:
 * <ul>
 *   <li>during a database outage a connection is refused at once ({@link DatabaseUnavailableException}), not after
 *       the pool's patience runs out, and a pool that cannot connect has the {@link DatabaseWatch} check at once;</li>
 *   <li>a request that finds every connection busy waits at most {@code waitMs}, then gets {@code busy};</li>
 *   <li>a connection opened for a request's {@link Work} is registered with it, so stopping the work cancels the
 *       statement running on it, and a stopped work gets no new connection.</li>
 * </ul>
 */
public final class ServingDataSource implements DataSource {
    /** One wait in the pool: short, so an outage that starts while a request waits is noticed within it. */
    private static final long SLICE_MS = 250;

    private final HikariDataSource pool;
    private final DatabaseWatch watch;
    private final long waitMs;

    ServingDataSource(HikariDataSource pool, DatabaseWatch watch, long waitMs) {
        this.pool = pool;
        this.watch = watch;
        this.waitMs = waitMs;
    }

    public DatabaseWatch watch() {
        return watch;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Work work = Work.current().orElse(null);
        long end = System.nanoTime() + waitMs * 1_000_000L;
        Connection c;
        while (true) {
            if (work != null) {
                work.check();
            }
            if (!watch.up()) {
                throw unavailable();
            }
            try {
                c = ((HikariPool) pool.getHikariPoolMXBean()).getConnection(SLICE_MS);
                break;
            } catch (SQLTransientConnectionException e) {
                if (e.getCause() != null && !watch.check()) {
                    // The pool could not open a connection, and the database does not answer: an outage.
                    throw unavailable();
                }
                if (System.nanoTime() - end > 0) {
                    throw new SafemapException(
                            ErrorCode.BUSY, "every database connection is in use; try again shortly");
                }
            }
        }
        if (work == null) {
            return c;
        }
        work.attach(c);
        return track(c, work);
    }

    private DatabaseUnavailableException unavailable() {
        return new DatabaseUnavailableException(
                "the database does not answer (" + watch.reason() + "); try again " + "shortly");
    }

    /** The connection, which leaves the work's register when it is closed. */
    static Connection track(Connection c, Work work) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        work.detach(c);
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's own credentials are used");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || pool.isWrapperFor(iface);
    }
}
