package org.safemap.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.safemap.config.DatabaseTarget;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.db.DatabaseSetup;
import org.safemap.db.LocalCluster;

/**
 * Real PostGIS for tests: a fresh database per test run on the private cluster (or on the SAFEMAP_DB_URL
 * server), migrated, and dropped when the JVM exits. Never a mock; tests that need PostGIS name themselves *IT.
 */
public final class TestDatabase {
    private static final String PREFIX = "safemap_test_";
    /** Connections this run's databases may hold at once: the shared pool, a class's own and its servers' few. */
    private static final int MAX_HELD_CONNECTIONS = 40;

    private static Database shared;
    private static final List<String> created = new ArrayList<>();

    private TestDatabase() {}

    /** The run's shared database, migrated; created on first use. */
    public static synchronized Database shared() {
        if (shared == null) {
            shared = fresh("run");
        }
        return shared;
    }

    /** A new migrated database of its own, for a test that changes or destroys its database. */
    public static synchronized Database fresh(String purpose) {
        Database db = empty(purpose);
        db.migrate();
        return db;
    }

    /** A new database with nothing in it, not even migrations (for migration tests). */
    public static synchronized Database empty(String purpose) {
        DatabaseTarget admin = adminTarget();
        String name = PREFIX + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
                + ProcessHandle.current().pid() + "_" + purpose + "_" + created.size();
        if (created.isEmpty()) {
            if (Settings.fromEnvironment().externalDatabase().isEmpty()) {
                dropLeftovers(admin); // pids only mean something on this machine's own cluster
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropAll, "drop-test-databases"));
        }
        refuseLeakedPools(admin);
        execute(admin, "CREATE DATABASE " + name);
        created.add(name);
        return Database.open(admin.withDatabase(name), 4, "start it with ./safemap db up");
    }

    /**
     * Fails the test that asks for one more database while this run's databases hold more connections than a test run
     * needs: each pool keeps what it once used, so a class that does not close its database ({@code @AutoClose} on
     * the field) leaves connections behind until PostgreSQL's max_connections (100) is reached and a later, innocent
     * test fails with "too many clients". This names the databases still holding connections instead.
     */
    private static void refuseLeakedPools(DatabaseTarget admin) {
        String mine = PREFIX + "%\\_" + ProcessHandle.current().pid() + "\\_%";
        List<String> holders = new ArrayList<>();
        int total = 0;
        try (Connection c = Database.connect(admin);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT datname, count(*) FROM pg_stat_activity WHERE datname LIKE '"
                        + mine + "' GROUP BY datname ORDER BY count(*) DESC")) {
            while (rs.next()) {
                holders.add(rs.getString(1) + " " + rs.getInt(2));
                total += rs.getInt(2);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the test run's connections: " + e.getMessage(), e);
        }
        if (total > MAX_HELD_CONNECTIONS) {
            throw new IllegalStateException("this test run's databases hold " + total + " connections (" + holders
                    + "): a test class does not close the database it asked for; mark the field @AutoClose");
        }
    }

    /** Connection details of a database this run created, e.g. to hand to a launched process. */
    public static DatabaseTarget target(Database db) {
        return db.target();
    }

    /** Runs one statement on the server as the administrative role (CREATE/DROP DATABASE). */
    public static void execute(DatabaseTarget target, String sql) {
        try (Connection c = Database.connect(target);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test database setup failed on " + target + ": " + e.getMessage(), e);
        }
    }

    /** Where CREATE DATABASE runs: the private cluster's postgres database, or SAFEMAP_DB_URL's database. */
    public static DatabaseTarget adminTarget() {
        Settings settings = Settings.fromEnvironment();
        if (settings.externalDatabase().isPresent()) {
            return settings.externalDatabase().get();
        }
        LocalCluster cluster = DatabaseSetup.localCluster(settings, s -> {});
        if (cluster.status().state() != LocalCluster.State.RUNNING) {
            throw new IllegalStateException("tests need PostGIS: start the private cluster with ./safemap db up "
                    + "(./safemap test does this) or set SAFEMAP_DB_URL");
        }
        return cluster.target("postgres");
    }

    private static synchronized void dropAll() {
        if (shared != null) {
            shared.close();
        }
        if ("1".equals(System.getenv("SAFEMAP_TEST_KEEP_DB"))) {
            return;
        }
        DatabaseTarget admin = adminTarget();
        for (String name : created) {
            try {
                execute(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (RuntimeException ignored) {
                // best effort at exit; leftovers are dropped by the next run
            }
        }
    }

    /** Test databases of runs whose process is gone (killed runs) are dropped so they do not pile up. */
    private static void dropLeftovers(DatabaseTarget admin) {
        List<String> stale = new ArrayList<>();
        try (Connection c = Database.connect(admin);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX + "%'")) {
            while (rs.next()) {
                String name = rs.getString(1);
                String[] parts = name.substring(PREFIX.length()).split("_");
                if (parts.length > 2) {
                    try {
                        long pid = Long.parseLong(parts[2]);
                        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                            continue;
                        }
                    } catch (NumberFormatException ignored) {
                        // not ours to judge; leave it
                        continue;
                    }
                    stale.add(name);
                }
            }
        } catch (SQLException e) {
            return;
        }
        for (String name : stale) {
            try {
                execute(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (RuntimeException ignored) {
                // in use or gone: not our problem
            }
        }
    }
}
