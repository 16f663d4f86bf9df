package org.safemap.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.safemap.ErrorCode;
import org.safemap.config.DatabaseTarget;

/**
 * The PostGIS store: a checked connection pool plus the schema migrations.
 * {@link #open} fails fast with one clear sentence when the database cannot be used, so callers never see a
 * driver stack trace for a wrong URL, a stopped server, a bad password or a database without PostGIS.
 */
public final class Database implements AutoCloseable {
    /** The oldest PostGIS SafeMap supports; operators with older servers get a clear refusal. */
    static final int[] MIN_POSTGIS = {3, 1};

    private final DatabaseTarget target;
    private final HikariDataSource pool;
    private final String serverVersion;
    private final String postgisVersion;
    private ServingDataSource serving;
    private DatabaseTarget replicaTarget;
    private int replicaPoolSize;
    private ReplicaReads reads;

    private Database(DatabaseTarget target, HikariDataSource pool, String serverVersion, String postgisVersion) {
        this.target = target;
        this.pool = pool;
        this.serverVersion = serverVersion;
        this.postgisVersion = postgisVersion;
    }

    /**
     * Connects, checks PostgreSQL and PostGIS (creating the extension when allowed), and builds the pool.
     *
     * @param hint what the user should do if the server cannot be reached at all
     */
    public static Database open(DatabaseTarget target, int poolSize, String hint) {
        String serverVersion;
        String postgisVersion;
        Connection checked;
        try {
            checked = connect(target);
        } catch (SQLException e) {
            throw unavailable(target, hint, e);
        }
        try {
            serverVersion = scalar(checked, "SHOW server_version");
            postgisVersion = ensurePostgis(checked, target);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(checked);
            throw e instanceof SQLException sql ? unavailable(target, hint, sql) : (RuntimeException) e;
        }
        HikariConfig config = new HikariConfig();
        // The pool starts with the connection just checked rather than a new one: a connection is a SCRAM exchange
        // and a new server process, a noticeable part of a short command's start.
        config.setDataSource(new Connector(target, checked));
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setPoolName("safemap");
        config.setConnectionTimeout(10_000);
        // A pooled connection is checked before use; a dead server must not hold a request for long.
        config.setValidationTimeout(1_000);
        return new Database(target, new HikariDataSource(config), serverVersion, postgisVersion);
    }

    private static DatabaseUnavailableException unavailable(DatabaseTarget target, String hint, SQLException e) {
        return new DatabaseUnavailableException(
                "cannot connect to PostgreSQL at " + target + ": " + reason(e, target)
                        + (hint.isEmpty() ? "" : "; " + hint),
                e);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the failure being reported matters more
        }
    }

    /**
     * Options every SafeMap session starts with (PostgreSQL's {@code options} startup parameter). JIT off: over the
     * national data's thousands of batch partitions, PostgreSQL compiled each partition's expressions for any query
     * its cost model calls expensive, so the map's extent query (a coalesce whose fallback over incident is planned
     * but not run) took 40 s instead of 0.2 s, and a year's selection for a hot spot run 7 to 10 s instead of 5 to 7
     * (docs/performance.md, "JIT off").
     */
    public static final String SESSION_OPTIONS = "-c jit=off";

    /**
     * Asks for {@code ps}'s results in PostgreSQL's binary format from its first execution. The driver reads results
     * as text until a statement has run five times, and a bytea in text is hex: twice the bytes to send and a decode
     * of each. Reads of many geometries as WKB (a coverage of boundaries) are where it shows: 35,000 LSOAs, 24 MB of
     * WKB, took 0.94 to 2.34 s as text and 0.85 to 1.43 s in binary (docs/performance.md, "Boundaries in binary").
     */
    public static PreparedStatement binaryResults(PreparedStatement ps) throws SQLException {
        ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
        return ps;
    }

    /** One plain connection outside any pool (checks, administration); 10 s connect timeout. */
    public static Connection connect(DatabaseTarget target) throws SQLException {
        Properties props = new Properties();
        if (target.user() != null) {
            props.setProperty("user", target.user());
        }
        if (target.password() != null) {
            props.setProperty("password", target.password());
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "safemap");
        props.setProperty("reWriteBatchedInserts", "true");
        props.setProperty("options", SESSION_OPTIONS);
        return DriverManager.getConnection(target.jdbcUrl(), props);
    }

    /**
     * The pool's source of connections: first the connection {@link #open} checked, then new ones made as
     * {@link #connect} makes them.
     */
    private static final class Connector implements DataSource {
        private final DatabaseTarget target;
        private Connection first;
        private int loginTimeoutSeconds;

        Connector(DatabaseTarget target, Connection first) {
            this.target = target;
            this.first = first;
        }

        @Override
        public synchronized Connection getConnection() throws SQLException {
            Connection c = first;
            first = null;
            return c != null && !c.isClosed() ? c : connect(target);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // the driver logs through java.util.logging; nothing to write here
        }

        @Override
        public void setLoginTimeout(int seconds) {
            loginTimeoutSeconds = seconds;
        }

        @Override
        public int getLoginTimeout() {
            return loginTimeoutSeconds;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            throw new SQLException("not a wrapper for " + type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return type.isInstance(this);
        }
    }

    /**
     * Applies pending migrations from db/migration, then syncs the shipped reference data (taxonomy), and returns
     * the schema version now in place. When the schema history already holds exactly the migrations this build ships
     * ({@link ShippedMigrations}), Flyway is not run at all: it would change nothing, and loading it is over a second
     * of every cold command. Otherwise Flyway migrates, validating as before.
     */
    public String migrate() {
        ShippedMigrations shipped = ShippedMigrations.onClassPath();
        String current = null;
        try (Connection c = pool.getConnection()) {
            current = shipped.applied(c) ? shipped.latestVersion() : null;
        } catch (SQLException e) {
            // Flyway below reports the same trouble in its own words
        }
        if (current != null) {
            ReferenceData.sync(pool);
            return current;
        }
        MigrateResult result;
        try {
            result = flyway().migrate();
        } catch (org.flywaydb.core.api.FlywayException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            int cut = message.indexOf('\n', message.indexOf("ERROR:") + 1);
            String first = message.contains("ERROR:")
                    ? message.substring(message.indexOf("ERROR:"), cut > 0 ? cut : message.length())
                    : firstLine(message);
            throw new org.safemap.SafemapException(
                    ErrorCode.MIGRATION_FAILED,
                    "the schema migration of " + target + " failed and was rolled back: " + first.strip());
        }
        ReferenceData.sync(pool);
        return result.targetSchemaVersion != null ? result.targetSchemaVersion : schemaVersion();
    }

    /** The applied schema version, or "none" before the first migration. */
    public String schemaVersion() {
        MigrationInfo current = flyway().info().current();
        return current == null ? "none" : current.getVersion().getVersion();
    }

    private Flyway flyway() {
        return Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load();
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * The pool as the HTTP server uses it ({@link ServingDataSource}): outages refused at once, waits for a free
     * connection bounded by {@code waitMs}, connections registered with the request's work. Made once.
     */
    public synchronized ServingDataSource serving(long waitMs) {
        if (serving == null) {
            serving = new ServingDataSource(pool, new DatabaseWatch(target), waitMs);
        }
        return serving;
    }

    /**
     * Reads of the map service go to this streaming replica of the database ({@link #reads}); call before the
     * server starts. The replica need not be up yet.
     */
    public synchronized Database withReadReplica(DatabaseTarget replica, int poolSize) {
        this.replicaTarget = replica;
        this.replicaPoolSize = poolSize;
        return this;
    }

    /** Whether a read replica is configured. */
    public synchronized boolean hasReadReplica() {
        return replicaTarget != null;
    }

    /**
     * Where the server's map reads go: the read replica behind {@link ReplicaReads} when one is configured, else the
     * serving pool itself. Made once.
     */
    public synchronized DataSource reads(long waitMs) {
        if (replicaTarget == null) {
            return serving(waitMs);
        }
        if (reads == null) {
            reads = new ReplicaReads(serving(waitMs), ReplicaReads.pool(replicaTarget, replicaPoolSize));
        }
        return reads;
    }

    public DatabaseTarget target() {
        return target;
    }

    public String serverVersion() {
        return serverVersion;
    }

    public String postgisVersion() {
        return postgisVersion;
    }

    /** Whether the server answers now (for /health); never throws. */
    public boolean reachable() {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.setQueryTimeout(5);
            return s.execute("SELECT 1");
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (serving != null) {
                serving.watch().close();
            }
            if (reads != null) {
                reads.close();
            }
        }
        pool.close();
    }

    private static String ensurePostgis(Connection c, DatabaseTarget target) throws SQLException {
        String installed = scalar(c, "SELECT extversion FROM pg_extension WHERE extname = 'postgis'");
        if (installed == null) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION postgis");
            } catch (SQLException e) {
                throw new DatabaseUnavailableException(
                        "database " + target + " has no PostGIS extension and SafeMap "
                                + "may not create it (" + firstLine(e.getMessage()) + "); ask its administrator to run "
                                + "CREATE EXTENSION postgis; in it",
                        e);
            }
        }
        String version = scalar(c, "SELECT postgis_lib_version()");
        if (!atLeast(version, MIN_POSTGIS)) {
            throw new DatabaseUnavailableException(
                    "database " + target + " has PostGIS " + version + "; SafeMap needs PostGIS 3.1 or newer");
        }
        return version;
    }

    static boolean atLeast(String version, int[] minimum) {
        String[] parts = version.split("[^0-9]+");
        for (int i = 0; i < minimum.length; i++) {
            int have = i < parts.length && !parts[i].isEmpty() ? Integer.parseInt(parts[i]) : 0;
            if (have != minimum[i]) {
                return have > minimum[i];
            }
        }
        return true;
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** A short human reason for a failed connection, without the driver's boilerplate. */
    static String reason(SQLException e, DatabaseTarget target) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused (is PostgreSQL running there?)";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SocketTimeoutException) {
                return "timed out";
            }
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "28P01", "28000" -> "login refused for user '" + target.user() + "' (wrong user or password)";
            case "3D000" -> "database '" + target.database() + "' does not exist";
            case "57P03" -> "it is starting up or shutting down";
            case "53300" -> "it has no connection to spare (too many clients)";
            default -> firstLine(e.getMessage()).replaceFirst("^(FATAL|ERROR|PANIC): ", "");
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
