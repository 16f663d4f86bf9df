package org.safemap.cli;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.safemap.App;
import org.safemap.Services;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.sharing.PasswordHashing;
import org.safemap.sharing.Users;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the HTTP server in the foreground until Ctrl-C or SIGTERM, then shuts down gracefully. */
final class ServerRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRunner.class);

    /** SIGTERM to exit, at the most (see {@link #haltAfter}). */
    private static final long HALT_AFTER_MS = 9_500;

    private ServerRunner() {}

    /**
     * Starts the server over {@code services} and waits. On SIGTERM the server drains and stops first (its requests
     * still use the services), then the services close (the database last).
     */
    static int runUntilStopped(Services services, Terminal terminal) {
        Settings settings = services.settings();
        Database db = services.database();
        warnIfNoAdmin(db);
        warnOfUnknownPartners(services);
        App app = App.start(services, null);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            haltAfter(HALT_AFTER_MS);
                            try {
                                app.close();
                            } catch (RuntimeException e) {
                                LOG.warn("the HTTP server did not stop cleanly: {}", e.toString());
                            }
                            services.close();
                            stopped.countDown();
                        },
                        "safemap-shutdown"));
        String host = settings.httpHost().equals("0.0.0.0") ? "localhost" : settings.httpHost();
        terminal.line("SafeMap is running: open http://" + host + ":" + app.port() + "/ (press Ctrl-C to stop)");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Cli.OK;
    }

    /** Users whose partner no protocol names see only what any partner's analyst sees: say so at start. */
    private static void warnOfUnknownPartners(Services services) {
        try {
            Set<String> partners = services.protocols().partners();
            List<String> unknown = new Users(services.database().dataSource(), PasswordHashing.standard())
                    .list().stream()
                            .filter(u -> !u.disabled() && u.partner() != null && !partners.contains(u.partner()))
                            .map(Users.User::login)
                            .toList();
            if (!unknown.isEmpty()) {
                LOG.warn(UnknownPartners.warning(unknown, partners));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not check users' partners against the protocols: {}", e.getMessage());
        }
    }

    /**
     * The promise to a service manager: gone within 10 s of SIGTERM. The graceful path (drain, stop what still runs,
     * close) fits well inside it; this is the backstop for a request stuck where it cannot be stopped.
     */
    private static void haltAfter(long ms) {
        Thread t = new Thread(
                () -> {
                    try {
                        Thread.sleep(ms);
                    } catch (InterruptedException e) {
                        return;
                    }
                    LOG.warn("still stopping after {} ms; exiting now", ms);
                    Runtime.getRuntime().halt(1);
                },
                "safemap-halt");
        t.setDaemon(true);
        t.start();
    }

    /** Without an admin nobody can manage users or tokens over HTTP: say how to make one. */
    private static void warnIfNoAdmin(Database db) {
        try {
            if (!new Users(db.dataSource(), PasswordHashing.standard()).anyAdmin()) {
                LOG.warn("no enabled admin user exists, so nobody can manage users or tokens over HTTP; create one "
                        + "with: ./safemap users add LOGIN --role admin [--partner PARTNER] (docs/users.md)");
            }
        } catch (SQLException e) {
            LOG.warn("could not check for an admin user: {}", e.getMessage());
        }
    }
}
