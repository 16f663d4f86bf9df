package org.safemap.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.safemap.db.Database;
import org.safemap.ingest.FeedDefinition;
import org.safemap.ingest.ReloadRequests;
import org.safemap.sharing.Protocol;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.ProtocolRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code safemap protocols ...}: the data-sharing protocols in force, their history, and a check of new ones. */
@Command(
        name = "protocols",
        mixinStandardHelpOptions = true,
        description = {
            "The data-sharing protocol each feed runs under: who may see what, why, and for how long.",
            "Protocols are JSON files, one per feed, in SAFEMAP_PROTOCOLS_DIR (default ./protocols); built-in "
                    + "examples cover the built-in feeds until you replace them. See docs/data-sharing.md."
        },
        subcommands = {
            ProtocolsCommand.ListProtocols.class,
            ProtocolsCommand.Show.class,
            ProtocolsCommand.Check.class,
            ProtocolsCommand.Reload.class
        })
final class ProtocolsCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.usage(spec, "say what to do");
    }

    ProtocolCatalog catalog() {
        return cli.protocols();
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Every feed with its protocol's version, partner, retention, review date and audiences; "
                    + "feeds without a protocol are flagged (their files are refused).")
    static final class ListProtocols implements Callable<Integer> {
        @ParentCommand
        ProtocolsCommand parent;

        @Override
        public Integer call() {
            Terminal t = parent.cli.terminal();
            ProtocolCatalog catalog = parent.catalog();
            t.line(String.format(
                    Locale.UK,
                    "%-12s %-4s %-12s %-9s %-11s %s",
                    "FEED",
                    "VER",
                    "PARTNER",
                    "RETAIN",
                    "REVIEW BY",
                    "OWNER/ANALYST/TASKING/PUBLIC"));
            for (FeedDefinition f : parent.cli.feeds().all()) {
                Protocol p = catalog.find(f.name()).orElse(null);
                if (p == null) {
                    t.line(String.format(Locale.UK, "%-12s %s", f.name(), "NO PROTOCOL: its files are refused"));
                    continue;
                }
                String due = p.reviewDate().isBefore(LocalDate.now()) ? " (review overdue)" : "";
                t.line(String.format(
                        Locale.UK,
                        "%-12s %-4d %-12s %-9s %-11s %s/%s/%s/%s%s",
                        p.feed(),
                        p.version(),
                        p.partner(),
                        p.retention(),
                        p.reviewDate(),
                        p.audiences().owner().key(),
                        p.audiences().analyst().key(),
                        p.audiences().tasking().key(),
                        p.audiences().pub().key(),
                        due));
            }
            return Cli.OK;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "One feed's protocol in full, and every version SafeMap has run under.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ProtocolsCommand parent;

        @Parameters(paramLabel = "FEED", description = "The feed, e.g. istv-ae.")
        String feed;

        @Override
        public Integer call() {
            Terminal t = parent.cli.terminal();
            Protocol p = parent.catalog().require(feed);
            t.line(p.text().strip());
            t.line("");
            t.line("(from " + p.origin() + ", sha256 " + p.sha256() + ")");
            Database db = parent.cli.services().database();
            List<ProtocolRegistry.Version> history = new ProtocolRegistry(db.dataSource()).history(feed);
            t.line(history.isEmpty() ? "No load has run under any version yet." : "Versions SafeMap has run under:");
            for (ProtocolRegistry.Version v : history) {
                t.line(String.format(
                        Locale.UK,
                        "  version %d, first used %s, sha256 %s",
                        v.version(),
                        v.firstSeen().toLocalDate(),
                        v.sha256()));
            }
            return Cli.OK;
        }
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Reads every protocol in a folder (default SAFEMAP_PROTOCOLS_DIR) and reports the first "
                    + "problem with its file and field; exit 0 when all are sound.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        ProtocolsCommand parent;

        @Parameters(paramLabel = "DIR", arity = "0..1", description = "Folder to check.")
        Path dir;

        @Override
        public Integer call() {
            Terminal t = parent.cli.terminal();
            ProtocolCatalog catalog = ProtocolCatalog.load(
                    dir != null ? dir : parent.cli.settings().trust().protocolsDir());
            for (Protocol p : catalog.all()) {
                t.line(String.format(Locale.UK, "%-12s version %d: sound (%s)", p.feed(), p.version(), p.origin()));
            }
            return Cli.OK;
        }
    }

    @Command(
            name = "reload",
            mixinStandardHelpOptions = true,
            description = {
                "Put changed protocol and feed files in force in the running server, without a restart.",
                "Checks SAFEMAP_PROTOCOLS_DIR and SAFEMAP_FEEDS_DIR here first, then asks the server (through the "
                        + "database) to re-read them, and prints what it changed. The server refuses a protocol "
                        + "whose text changed under the same version number, and then changes nothing. Every "
                        + "reload is audited. Admins can do the same with POST /api/protocols/reload."
            },
            footer = {
                "",
                "Exit status: 0 when the server reloaded (or nothing had changed, or no server is running: "
                        + "one reads the files when it starts), 1 when the files or the server refused."
            })
    static final class Reload implements Callable<Integer> {
        @ParentCommand
        ProtocolsCommand parent;

        @picocli.CommandLine.Option(
                names = "--wait",
                paramLabel = "SECONDS",
                defaultValue = "15",
                description = "How long to wait for a running server to answer (default: ${DEFAULT-VALUE}).")
        int waitSeconds;

        @Override
        public Integer call() throws InterruptedException {
            Terminal t = parent.cli.terminal();
            // A bad file stops here, named, before any server is asked.
            ProtocolCatalog catalog = parent.catalog();
            int feeds = parent.cli.feeds().all().size();
            t.line(String.format(
                    Locale.UK,
                    "%d protocols and %d feeds read without a problem.",
                    catalog.all().size(),
                    feeds));
            Database db = parent.cli.services().database();
            ReloadRequests requests = new ReloadRequests(db.dataSource());
            long id = requests.request(ActingAs.operator().user());
            long until = System.nanoTime() + waitSeconds * 1_000_000_000L;
            while (System.nanoTime() < until) {
                java.util.Optional<ReloadRequests.Outcome> o = requests.outcome(id);
                if (o.isPresent()) {
                    t.line("Server: " + o.get().outcome() + ": " + o.get().message());
                    return o.get().outcome().equals("refused") ? Cli.FAILED : Cli.OK;
                }
                Thread.sleep(200);
            }
            t.line("No running server answered within " + waitSeconds + " s. A server reads these files when it "
                    + "starts; a running one looks for requests every " + ReloadRequests.POLL_SECONDS + " s.");
            return Cli.OK;
        }
    }
}
