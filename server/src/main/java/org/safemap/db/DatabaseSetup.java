package org.safemap.db;

import java.util.function.Consumer;
import org.safemap.config.Settings;

/**
 * Gets from settings to a migrated database: SAFEMAP_DB_URL when set, otherwise the private cluster, brought
 * up (installed, created, started) as needed.
 */
public final class DatabaseSetup {
    private DatabaseSetup() {}

    public static LocalCluster localCluster(Settings settings, Consumer<String> out) {
        return new LocalCluster(settings.localClusterDir(), settings.localPasswordFile(), settings.localDbPort(), out);
    }

    /** Opens and migrates the database, provisioning the private cluster first when it is the one in use. */
    public static Database openMigrated(Settings settings, Consumer<String> out) {
        Database db = open(settings, out, true);
        try {
            db.migrate();
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Opens the database without migrating.
     *
     * @param provision bring the private cluster up first (false: report it as down instead)
     */
    public static Database open(Settings settings, Consumer<String> out, boolean provision) {
        if (settings.externalDatabase().isPresent()) {
            Database db =
                    Database.open(settings.externalDatabase().get(), settings.dbPoolSize(), "check SAFEMAP_DB_URL");
            settings.readReplica().ifPresent(replica -> db.withReadReplica(replica, settings.dbPoolSize()));
            return db;
        }
        LocalCluster cluster = localCluster(settings, out);
        if (provision) {
            // Most commands find the cluster running and its database in place, and bringing it up would only confirm
            // that: pg_ctl status in a subprocess (through runuser as root) and two more connections, each a SCRAM
            // exchange that a cold JVM takes 40 to 150 ms over. So a running cluster's database is opened straight
            // away, and brought up (created, started, given PostGIS) only when that fails.
            if (cluster.pidFileAlive()) {
                try {
                    return Database.open(cluster.target(LocalCluster.DATABASE), settings.dbPoolSize(), "");
                } catch (DatabaseUnavailableException e) {
                    // not ready as it is: up() below says what is wrong or puts it right
                }
            }
            cluster.up();
        }
        // The target is read after up(): on a new machine up() creates the cluster and writes its password file, and
        // a target read before it has no password (the first ./safemap demo failed with SCRAM's "no password").
        return Database.open(
                cluster.target(LocalCluster.DATABASE), settings.dbPoolSize(), "start it with ./safemap db up");
    }
}
