package org.safemap.cli;

import java.util.function.LongConsumer;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.db.DatabaseSetup;
import org.safemap.demo.DemoData;
import org.safemap.ingest.IncidentLoader;
import org.safemap.ingest.SourceFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap demo}: database up, bundled demo data in, server on. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Bring the database up, load the bundled demo dataset (Liverpool, police.uk crime, ASB and "
                + "British Transport Police records for 2022-01 to 2022-07, with LSOA boundaries) and start the "
                + "server. Data already loaded is not loaded again."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--load-only", description = "Load the demo data and exit without starting the server.")
    boolean loadOnly;

    @Option(names = "--port", description = "HTTP port (default: SAFEMAP_HTTP_PORT, else 8080).")
    Integer port;

    @Option(names = "--host", description = "Interface to listen on (default: SAFEMAP_HTTP_HOST, else 127.0.0.1).")
    String host;

    @Override
    public Integer call() {
        Settings settings = ServeCommand.withOverrides(cli.settings(), host, port);
        Terminal t = cli.terminal();
        Database db = DatabaseSetup.openMigrated(settings, t::line);
        try {
            t.line("Loading the demo dataset into " + db.target().description() + " ...");
            DemoData.Result result = DemoData.load(db, IncidentLoader.configured(db.dataSource(), settings),
                    new DemoData.Listener() {
                @Override
                public LongConsumer starting(SourceFile file, int index, int total) {
                    return t.progress("[" + index + "/" + total + "] " + file.name(), file.rawSize());
                }

                @Override
                public void finished(SourceFile file, String summary) {
                    t.done("  " + file.name(), summary);
                }
            });
            t.line(result.filesLoaded() == 0
                    ? "Demo data was already loaded; nothing new."
                    : String.format(java.util.Locale.UK, "Demo data: %d files loaded (%,d records, %,d rows quarantined), %d already there.",
                    result.filesLoaded(), result.incidents(), result.quarantined(), result.filesSkipped()));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        if (loadOnly) {
            db.close();
            return Cli.OK;
        }
        return ServerRunner.runUntilStopped(settings, db, t);
    }
}
