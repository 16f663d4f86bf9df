package org.safemap.testing;

import org.safemap.App;
import org.safemap.db.Database;

/**
 * The server most HTTP tests ask of: the shared demo database ({@link TestData#demoDatabase}) behind the default
 * settings, each request's principal named by the test header ({@link TestPrincipals#fromHeader}), on a free port.
 * Closing it stops the server; the shared database stays for the other tests.
 *
 * @param base the server's root address, {@code http://127.0.0.1:port}
 */
public record DemoServer(Database db, App app, String base) implements AutoCloseable {
    /** Starts a server on the demo database, loading the demo first if this run has not yet. */
    public static DemoServer start() {
        Database db = TestData.demoDatabase();
        App app = App.start(TestSettings.defaults(), db, TestPrincipals.fromHeader());
        return new DemoServer(db, app, "http://127.0.0.1:" + app.port());
    }

    @Override
    public void close() {
        app.close();
    }
}
