package org.safemap;

import io.javalin.Javalin;
import java.util.List;
import org.safemap.api.ApiServer;
import org.safemap.api.Authenticator;
import org.safemap.config.Settings;
import org.safemap.config.TempFiles;
import org.safemap.db.Database;
import org.safemap.runs.RunStore;
import org.safemap.sharing.AuditAnchoring;
import org.safemap.sharing.AuditAnchors;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.RetentionPurge;
import org.safemap.sharing.RetentionSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring only: settings and database in, a running HTTP server out. */
public final class App implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(App.class);

    private final Javalin server;
    private final RetentionSchedule retention;
    private final AuditAnchoring anchoring;

    private App(Javalin server, RetentionSchedule retention, AuditAnchoring anchoring) {
        this.server = server;
        this.retention = retention;
        this.anchoring = anchoring;
    }

    /**
     * Starts the HTTP server on the configured host and port (port 0: any free port) over a database the caller holds
     * and closes.
     */
    public static App start(Settings settings, Database db) {
        return start(settings, db, null);
    }

    /**
     * As {@link #start(Settings, Database)}, with who each request comes from decided by {@code authenticator} instead
     * of the server's sign-in (tests; null: the server's sign-in).
     */
    public static App start(Settings settings, Database db, Authenticator authenticator) {
        return start(Services.serving(settings, db), authenticator);
    }

    /**
     * Starts the HTTP server over the process's services (its settings say where to listen). Closing the app stops
     * the server and its schedules; the services stay open for their owner to close.
     */
    public static App start(Services services, Authenticator authenticator) {
        Settings settings = services.settings();
        Database db = services.database();
        recover(settings, db);
        Javalin server = ApiServer.create(services, authenticator);
        try {
            server.start(settings.httpHost(), settings.httpPort());
        } catch (RuntimeException e) {
            server.stop();
            if (causedByBind(e)) {
                throw new SafemapException(
                        ErrorCode.PORT_IN_USE,
                        "cannot listen on " + settings.httpHost() + ":" + settings.httpPort()
                                + " (already in use?); choose another port with --port or SAFEMAP_HTTP_PORT");
            }
            throw e;
        }
        LOG.info(
                "SafeMap {} listening on http://{}:{}/ (database {}, PostGIS {})",
                AppVersion.current(),
                settings.httpHost(),
                server.port(),
                db.target().description(),
                db.postgisVersion());
        // The schedules run outside any request, so they read through the plain pool, not the serving one.
        ProtocolCatalog protocols = services.protocols();
        AuditLog audit = AuditLog.open(settings, db.dataSource(), protocols);
        return new App(
                server,
                scheduleRetention(settings, db, protocols, audit),
                AuditAnchoring.schedule(settings, audit, AuditAnchors.of(settings, db.dataSource())));
    }

    /**
     * After a crash: runs left {@code running} by a process that has ended are marked failed with the reason, and
     * temporary files of stopped SafeMap processes (uploads on their way in among them) are removed. A load cut off
     * midway needs nothing: it is one transaction, so its batch, partition and quarantine rows were never committed.
     */
    private static void recover(Settings settings, Database db) {
        TempFiles.use(settings.varDir());
        List<Long> abandoned = new RunStore(db.dataSource()).failAbandoned();
        if (!abandoned.isEmpty()) {
            LOG.warn("marked {} run(s) failed that a stopped process left running: {}", abandoned.size(), abandoned);
        }
    }

    /** The daily retention purge (null when SAFEMAP_RETENTION_HOUR is -1). */
    private static RetentionSchedule scheduleRetention(
            Settings settings, Database db, ProtocolCatalog protocols, AuditLog audit) {
        RetentionPurge purge = RetentionPurge.of(settings, db.dataSource(), protocols, audit);
        // No hook to the map is needed: its data version counts purged rows, so the WMS and tiles notice a purge
        // within their one-second state check.
        return RetentionSchedule.daily(purge, settings.trust().retentionHour());
    }

    public int port() {
        return server.port();
    }

    /** Stops accepting requests and lets running ones finish (graceful shutdown). */
    @Override
    public void close() {
        if (retention != null) {
            retention.close();
        }
        if (anchoring != null) {
            anchoring.close();
        }
        server.stop();
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || t.getClass().getSimpleName().contains("Bind")) {
                return true;
            }
        }
        return false;
    }
}
