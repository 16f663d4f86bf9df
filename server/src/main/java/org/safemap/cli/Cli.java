package org.safemap.cli;

import ch.qos.logback.classic.Level;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.safemap.AppVersion;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.Services;
import org.safemap.config.Settings;
import org.safemap.config.TempFiles;
import org.safemap.db.Database;
import org.safemap.db.DatabaseSetup;
import org.safemap.files.SourceFile;
import org.safemap.ingest.FeedCatalog;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtocolCatalog;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code safemap} command: parses arguments, runs one subcommand, turns failures into one-line messages. */
@Command(
        name = "safemap",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        description = {"Multi-agency crime and anti-social-behaviour hotspot GIS server.", ""},
        commandListHeading = "%nCommands:%n",
        footer = {
            "",
            "Settings come from SAFEMAP_* environment variables and an optional safemap.conf; "
                    + "see docs/configuration.md.",
            "Run 'safemap <command> --help' for a command's options."
        })
public final class Cli implements Runnable {
    /** Exit codes: success, failure the user can act on, wrong usage, "not running" from db status. */
    public static final int OK = 0;

    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_RUNNING = 3;

    /**
     * The commands, in the order {@code safemap --help} lists them ({@code help} follows them). Picocli builds a
     * command's model (its options, by reflection over the class and its subcommands) when it is added, work a cold
     * process pays for every command it is not running; {@link #commandLine} adds only the one being run.
     */
    static final List<Class<?>> COMMANDS = List.of(
            DbCommand.class,
            ServeCommand.class,
            DemoCommand.class,
            IngestCommand.class,
            FeedsCommand.class,
            GeocodeCommand.class,
            AreasCommand.class,
            HotspotsCommand.class,
            EmergingCommand.class,
            EvaluateCommand.class,
            NearRepeatCommand.class,
            RepeatsCommand.class,
            PackCommand.class,
            ProtocolsCommand.class,
            PublishCommand.class,
            AuditCommand.class,
            RetentionCommand.class,
            UsersCommand.class,
            TokensCommand.class,
            KdeCommand.class,
            ExportCommand.class,
            TestCommand.class);

    private final Map<String, String> env;
    private final Terminal terminal;
    private Settings settings;
    private Services services;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Cli(Map<String, String> env, Terminal terminal) {
        this.env = env;
        this.terminal = terminal;
    }

    /** Runs the command line and returns the process exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Terminal terminal = new Terminal(out, err, out == System.out && Terminal.detectInteractive());
        Cli cli = new Cli(env, terminal);
        CommandLine cl = commandLine(cli, args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // The operator at the command line is shown every code and message, as the server's log would show them.
            if (e instanceof SafemapException s && s.code().fault() != ErrorCode.Fault.DEFECT) {
                err.println("safemap: " + s.code().wire() + ": " + s.getMessage());
                return FAILED;
            }
            String what = e instanceof SafemapException s ? s.getMessage() : "unexpected error";
            err.println("safemap: " + ErrorCode.INTERNAL_ERROR.wire() + ": " + what + " (reference "
                    + ErrorCode.newReference() + "; details follow)");
            e.printStackTrace(err);
            return FAILED;
        });
        try {
            return cl.execute(args);
        } finally {
            cli.close();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The command line for {@code args}: when the first argument names a command, the root with that command alone,
     * which parses, runs and explains that command exactly as the whole tree would; otherwise (no command, an option
     * such as {@code --help} or {@code --version}, {@code help}, or a word that is no command and may need the
     * others' names to suggest one) the root with every command.
     */
    static CommandLine commandLine(Cli cli, String[] args) {
        CommandLine cl = new CommandLine(cli);
        Class<?> named = args.length == 0 ? null : command(args[0]);
        if (named != null) {
            cl.addSubcommand(named);
        } else {
            COMMANDS.forEach(cl::addSubcommand);
            cl.addSubcommand(CommandLine.HelpCommand.class);
        }
        cl.setUsageHelpWidth(100);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /** The command called {@code name}, read from its annotation without building its model; null if none. */
    static Class<?> command(String name) {
        for (Class<?> command : COMMANDS) {
            if (command.getAnnotation(Command.class).name().equals(name)) {
                return command;
            }
        }
        return null;
    }

    /**
     * Records a command's access to restricted data in the audit log, as the server does for its answers: the
     * operator at the command line is audited under their login name.
     */
    void audit(Principal who, String action, String resource, Collection<String> feeds, long size) {
        if (services().policy().restricted(feeds)) {
            services()
                    .audit()
                    .record(AuditEvent.of(who, action, resource).feeds(feeds).resultSize(size));
        }
    }

    /**
     * Records an access to partners' records whatever their protocol (reading quarantine shows rows as sent), with
     * whether the partner's own references were shown.
     */
    void auditAlways(
            Principal who, String action, String resource, Collection<String> feeds, long size, boolean references) {
        services()
                .audit()
                .record(AuditEvent.of(who, action, resource)
                        .feeds(feeds)
                        .resultSize(size)
                        .detail("references", references));
    }

    /** The protocols in force (the one catalogue of this run's {@link Services}). */
    ProtocolCatalog protocols() {
        return services().protocols();
    }

    /** The settings, read on first use so that --help works even with a broken configuration. */
    Settings settings() {
        if (settings == null) {
            settings = Settings.from(env);
            settings.warnings().forEach(terminal::warn);
            Logging.setLevel(settings.logLevel());
            // Files a killed command left behind go now; this command's own go under var/tmp/PID.
            TempFiles.use(settings.varDir());
        }
        return settings;
    }

    Terminal terminal() {
        return terminal;
    }

    /** One environment variable of this run, or null (commands read their secrets from it, never from options). */
    String env(String name) {
        return env.get(name);
    }

    /**
     * This run's services, built once (the composition root), over the configured database brought up and migrated
     * on first use, with its progress lines on the terminal. Closed when the command ends.
     */
    synchronized Services services() {
        if (services == null) {
            services = Services.open(settings(), this::openMigrated, Services.Use.COMMAND);
        }
        return services;
    }

    /**
     * The services for a command that runs the server ({@code serve}, {@code demo}), under {@code settings} (the
     * command line's port and host applied), reading through the serving pool.
     */
    synchronized Services serverServices(Settings settings) {
        if (services != null) {
            throw new IllegalStateException("services already built for a command");
        }
        this.settings = settings;
        services = Services.open(settings, this::openMigrated, Services.Use.SERVER);
        return services;
    }

    private Database openMigrated() {
        return DatabaseSetup.openMigrated(settings(), terminal::line);
    }

    /** Closes this run's services (and so its database), if it built them. */
    synchronized void close() {
        if (services != null) {
            services.close();
        }
    }

    /** Loads one reference file and says what it did. */
    @FunctionalInterface
    interface FileLoad {
        String load(Database db, SourceFile file, LongConsumer progress);
    }

    /** Loads each file in turn into the database, with a progress bar and a summary line per file. */
    int loadEach(List<Path> files, FileLoad load) {
        Database db = services().database();
        for (Path path : files) {
            SourceFile file = SourceFile.of(path);
            terminal.done(file.name(), load.load(db, file, terminal.progress(file.name(), file.rawSize())));
        }
        return OK;
    }

    /** The built-in feeds and the partners' definitions in SAFEMAP_FEEDS_DIR. */
    FeedCatalog feeds() {
        return services().feeds();
    }

    /** A command that needs a subcommand was given none: say so, show its usage, exit 2. */
    static int usage(picocli.CommandLine.Model.CommandSpec spec, String message) {
        var err = spec.commandLine().getErr();
        err.println("safemap " + spec.name() + ": " + message);
        spec.commandLine().usage(err);
        return USAGE;
    }

    /** Reports the version for --version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"SafeMap " + AppVersion.current() + " (Java " + Runtime.version() + ")"};
        }
    }

    /** Sets the root log level from SAFEMAP_LOG_LEVEL. */
    static final class Logging {
        private Logging() {}

        static void setLevel(String level) {
            if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                    instanceof ch.qos.logback.classic.Logger root) {
                root.setLevel(Level.toLevel(level, Level.INFO));
            }
        }
    }
}
