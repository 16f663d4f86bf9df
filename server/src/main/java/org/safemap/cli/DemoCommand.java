package org.safemap.cli;

import java.util.function.LongConsumer;
import org.safemap.ErrorCode;
import org.safemap.Services;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.demo.DemoData;
import org.safemap.demo.DemoLogins;
import org.safemap.files.SourceFile;
import org.safemap.sharing.PasswordHashing;
import org.safemap.sharing.Users;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap demo}: database up, bundled demo data in, server on. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Bring the database up, load the bundled demo dataset (Liverpool, police.uk crime, ASB and "
                    + "British Transport Police records for 2022-01 to 2022-07, with LSOA boundaries) and start the "
                    + "server. Data already loaded is not loaded again."
        })
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--load-only", description = "Load the demo data and exit without starting the server.")
    boolean loadOnly;

    @Option(names = "--port", description = "HTTP port (default: SAFEMAP_HTTP_PORT, else 8080).")
    Integer port;

    @Option(names = "--host", description = "Interface to listen on (default: SAFEMAP_HTTP_HOST, else 127.0.0.1).")
    String host;

    /** Creates the demo users that are missing and shows their passwords, this once. */
    private static void demoLogins(Settings settings, Database db, Terminal t) throws java.sql.SQLException {
        java.nio.file.Path file = settings.varDir().resolve("demo-logins.txt");
        var created = DemoLogins.ensure(new Users(db.dataSource(), PasswordHashing.standard()), file);
        if (created.isEmpty()) {
            t.line("Demo logins (demo-admin, demo-analyst, demo-police, demo-tasking): passwords in " + file);
            return;
        }
        t.line("Demo logins created; their passwords are shown now and kept in " + file + " (readable by you only):");
        for (DemoLogins.Created c : created) {
            t.line(String.format(
                    java.util.Locale.UK,
                    "  %-14s %s  (%s)",
                    c.login().login(),
                    c.password(),
                    c.login().role().key()
                            + (c.login().partner() == null
                                    ? ""
                                    : ", " + c.login().partner())));
        }
    }

    @Override
    public Integer call() {
        Services services = cli.serverServices(ServeCommand.withOverrides(cli.settings(), host, port));
        Settings settings = services.settings();
        Terminal t = cli.terminal();
        Database db = services.database();
        try {
            t.line("Loading the demo dataset into " + db.target().description() + " ...");
            DemoData.Result result = DemoData.load(db, services.loader(), new DemoData.Listener() {
                @Override
                public LongConsumer starting(SourceFile file, int index, int total) {
                    return t.progress("[" + index + "/" + total + "] " + file.name(), file.rawSize());
                }

                @Override
                public void finished(SourceFile file, String summary) {
                    t.done("  " + file.name(), summary);
                }
            });
            t.line(
                    result.filesLoaded() == 0
                            ? "Demo data was already loaded; nothing new."
                            : String.format(
                                    java.util.Locale.UK,
                                    "Demo data: %d files loaded (%,d records, %,d rows quarantined), %d already there.",
                                    result.filesLoaded(),
                                    result.incidents(),
                                    result.quarantined(),
                                    result.filesSkipped()));
            demoLogins(settings, db, t);
        } catch (RuntimeException | java.sql.SQLException e) {
            services.close();
            throw e instanceof RuntimeException r
                    ? r
                    : new org.safemap.SafemapException(ErrorCode.INTERNAL_ERROR, "creating the demo users failed", e);
        }
        if (loadOnly) {
            return Cli.OK; // the services close with the command
        }
        return ServerRunner.runUntilStopped(services, t);
    }
}
