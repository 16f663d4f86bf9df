package org.safemap.cli;

import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.db.DatabaseSetup;
import org.safemap.db.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code safemap db up|down|status}: the private PostGIS cluster, or a check of SAFEMAP_DB_URL. */
@Command(
        name = "db",
        mixinStandardHelpOptions = true,
        description = {
            "Manage the database.",
            "Without SAFEMAP_DB_URL, SafeMap runs a private PostgreSQL + PostGIS cluster in ./var/postgis on "
                    + "127.0.0.1:55432, installing PostgreSQL and PostGIS with apt-get when it runs as root on "
                    + "Debian or Ubuntu. With SAFEMAP_DB_URL it uses that database and provisions nothing."
        },
        subcommandsRepeatable = false)
final class DbCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** {@code safemap db} alone: say what the choices are. */
    @Override
    public Integer call() {
        return Cli.usage(spec, "say what to do: up, down or status");
    }

    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = {
                "Install (if needed), create (if needed) and start the private cluster, create the "
                        + "safemap database with PostGIS, and apply schema migrations. Changes nothing when all is in place.",
                "With SAFEMAP_DB_URL: check that database and apply migrations."
            })
    int up() {
        Settings settings = cli.settings();
        Terminal t = cli.terminal();
        if (settings.externalDatabase().isPresent()) {
            t.line("SAFEMAP_DB_URL is set: using "
                    + settings.externalDatabase().get().description() + "; there is nothing to provision.");
        } else {
            LocalCluster cluster = DatabaseSetup.localCluster(settings, t::line);
            if (!cluster.up()) {
                t.line("The private cluster is already running on 127.0.0.1:" + cluster.port() + "; nothing changed.");
            }
        }
        try (Database db = DatabaseSetup.open(settings, t::line, false)) {
            String before = db.schemaVersion();
            String after = db.migrate();
            t.line("Database " + db.target().description() + " ready: PostgreSQL " + db.serverVersion() + ", PostGIS "
                    + db.postgisVersion() + ", schema version " + after
                    + (before.equals(after) ? "." : " (migrated from " + before + ")."));
        }
        return Cli.OK;
    }

    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description = "Stop the private cluster (data is kept in ./var/postgis). Does nothing with SAFEMAP_DB_URL.")
    int down() {
        Settings settings = cli.settings();
        Terminal t = cli.terminal();
        if (settings.externalDatabase().isPresent()) {
            t.line("SAFEMAP_DB_URL is set: SafeMap did not start "
                    + settings.externalDatabase().get().description() + " and will not stop it.");
            return Cli.OK;
        }
        LocalCluster cluster = DatabaseSetup.localCluster(settings, t::line);
        t.line(
                cluster.down()
                        ? "Stopped the private cluster in " + cluster.dataDir() + "."
                        : "The private cluster is not running; nothing to stop.");
        return Cli.OK;
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Say which database SafeMap uses, whether it runs, and its versions.",
                "Exit code 0 when the database is up, 3 when it is not."
            })
    int status() {
        Settings settings = cli.settings();
        Terminal t = cli.terminal();
        if (settings.externalDatabase().isEmpty()) {
            LocalCluster cluster = DatabaseSetup.localCluster(settings, t::line);
            LocalCluster.Status status = cluster.status();
            t.line("Database: private cluster in " + cluster.dataDir());
            switch (status.state()) {
                case NOT_CREATED -> {
                    t.line("  state: not created yet (run ./safemap db up)");
                    return Cli.NOT_RUNNING;
                }
                case STOPPED -> {
                    t.line("  state: stopped (PostgreSQL "
                            + status.majorVersion().orElse(0) + "; run ./safemap db up)");
                    return Cli.NOT_RUNNING;
                }
                case RUNNING ->
                    t.line("  state: running"
                            + status.pid().map(p -> " (pid " + p + ")").orElse("") + " on 127.0.0.1:" + cluster.port());
            }
        } else {
            t.line("Database: " + settings.externalDatabase().get().description() + " (from SAFEMAP_DB_URL)");
        }
        try (Database db = DatabaseSetup.open(settings, t::line, false)) {
            t.line("  PostgreSQL " + db.serverVersion() + ", PostGIS " + db.postgisVersion() + ", schema version "
                    + db.schemaVersion());
            return Cli.OK;
        } catch (org.safemap.db.DatabaseUnavailableException e) {
            t.line("  unreachable: " + e.getMessage());
            return Cli.NOT_RUNNING;
        }
    }
}
