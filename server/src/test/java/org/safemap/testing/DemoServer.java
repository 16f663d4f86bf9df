package org.safemap.testing;

import org.safemap.App;
import org.safemap.api.Authenticator;
import org.safemap.db.Database;
import org.safemap.sharing.Principal;

/**
 * The server most HTTP tests ask of: the shared demo database ({@link TestData#demoDatabase}) behind the default
 * settings, on a free port, each request's principal named by the test header ({@link TestPrincipals#fromHeader}) or
 * one principal for every request ({@link #startAs}).
 * Closing it stops the server; the shared database stays for the other tests.
 *
 * @param base the server's root address, {@code http://127.0.0.1:port}
 */
public record DemoServer(Database db, App app, String base) implements AutoCloseable {
    /** Starts a server on the demo database, loading the demo first if this run has not yet. */
    public static DemoServer start() {
        return start(TestPrincipals.fromHeader());
    }

    /** Starts a server on the demo database that takes every request as {@code who}'s, whatever it sends. */
    public static DemoServer startAs(Principal who) {
        return start(TestPrincipals.fixed(who));
    }

    private static DemoServer start(Authenticator authenticator) {
        Database db = TestData.demoDatabase();
        App app = App.start(TestSettings.defaults(), db, authenticator);
        return new DemoServer(db, app, "http://127.0.0.1:" + app.port());
    }

    @Override
    public void close() {
        app.close();
    }
}
