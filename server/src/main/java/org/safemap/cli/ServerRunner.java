package org.safemap.cli;

import java.util.concurrent.CountDownLatch;
import org.safemap.App;
import org.safemap.config.Settings;
import org.safemap.db.Database;

/** Runs the HTTP server in the foreground until Ctrl-C or SIGTERM, then shuts down gracefully. */
final class ServerRunner {
    private ServerRunner() {
    }

    static int runUntilStopped(Settings settings, Database db, Terminal terminal) {
        App app = App.start(settings, db);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            db.close();
            stopped.countDown();
        }, "safemap-shutdown"));
        String host = settings.httpHost().equals("0.0.0.0") ? "localhost" : settings.httpHost();
        terminal.line("SafeMap is running: open http://" + host + ":" + app.port() + "/ (press Ctrl-C to stop)");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Cli.OK;
    }
}
