package org.safemap.cli;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.Database;
import org.safemap.ingest.FeedDefinition;
import org.safemap.ingest.FeedReports;
import org.safemap.ingest.Quarantine;
import org.safemap.sharing.Keys;
import org.safemap.sharing.LinkageSeal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap feeds ...}: the feeds SafeMap knows and what each load of them found. */
@Command(
        name = "feeds",
        mixinStandardHelpOptions = true,
        description = {"The feeds SafeMap accepts and what their loads found. See docs/feeds.md."},
        subcommands = {FeedsCommand.ListFeeds.class, FeedsCommand.Report.class, FeedsCommand.Quarantined.class})
final class FeedsCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.usage(spec, "say what to do");
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "The feeds: built-in ones and partners' definitions from SAFEMAP_FEEDS_DIR.")
    static final class ListFeeds implements Callable<Integer> {
        @ParentCommand
        FeedsCommand feeds;

        @Override
        public Integer call() {
            Terminal t = feeds.cli.terminal();
            t.line(String.format(Locale.UK, "%-12s %-15s %s", "FEED", "FORMAT", "WHAT"));
            for (FeedDefinition f : feeds.cli.feeds().all()) {
                t.line(String.format(Locale.UK, "%-12s %-15s %s", f.name(), f.format(), f.title()));
                t.line(String.format(
                        Locale.UK,
                        "%-12s %-15s from %s; categories mapped by '%s'",
                        "",
                        "",
                        f.partner(),
                        f.categories()));
            }
            return Cli.OK;
        }
    }

    @Command(
            name = "report",
            mixinStandardHelpOptions = true,
            description = {
                "Per feed and batch, oldest first: rows read, accepted, quarantined by reason, how records "
                        + "were located and how many fell inside the loaded LSOAs.",
                "Rows read always equal accepted plus quarantined."
            })
    static final class Report implements Callable<Integer> {
        @ParentCommand
        FeedsCommand feeds;

        @Option(names = "--feed", paramLabel = "NAME", description = "Only this feed's batches.")
        String feed;

        @Option(
                names = "--format",
                paramLabel = "text|json",
                defaultValue = "text",
                description = "json: an array of batches with feed, file, rows_read, accepted, quarantined, reasons, "
                        + "geocode_methods, area_match, area_match_rate, linked (default: ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() throws SQLException {
            if (!format.equals("text") && !format.equals("json")) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST, "--format must be text or json; got '" + format + "'");
            }
            if (feed != null) {
                feeds.cli.feeds().get(feed); // a typo gets "no such feed", not an empty report
            }
            Terminal t = feeds.cli.terminal();
            Database db = feeds.cli.services().database();
            List<FeedReports.BatchReport> reports = new FeedReports(db.dataSource()).batches(feed);
            if (format.equals("json")) {
                t.line(FeedReports.toJson(reports));
                return Cli.OK;
            }
            if (reports.isEmpty()) {
                t.line("No incident files are loaded" + (feed == null ? "" : " into " + feed) + ".");
                return Cli.OK;
            }
            Map<String, List<FeedReports.BatchReport>> byFeed = reports.stream()
                    .collect(Collectors.groupingBy(
                            FeedReports.BatchReport::feed, java.util.TreeMap::new, Collectors.toList()));
            byFeed.forEach((name, batches) -> {
                long read = batches.stream()
                        .mapToLong(FeedReports.BatchReport::rowsRead)
                        .sum();
                long accepted = batches.stream()
                        .mapToLong(FeedReports.BatchReport::accepted)
                        .sum();
                t.line(String.format(
                        Locale.UK,
                        "%s: %d batches, %,d rows read, %,d accepted, %,d quarantined",
                        name,
                        batches.size(),
                        read,
                        accepted,
                        read - accepted));
                for (FeedReports.BatchReport b : batches) {
                    t.line(String.format(
                            Locale.UK,
                            "  batch %d  %s  %s: %,d read, %,d accepted, %,d quarantined; " + "loaded by %s",
                            b.batch(),
                            b.loadedAt().toLocalDate(),
                            b.file(),
                            b.rowsRead(),
                            b.accepted(),
                            b.quarantined(),
                            loader(b)));
                    IngestCommand.describe(t::line, "    ", b, List.of());
                }
            });
            return Cli.OK;
        }
    }

    /** Who loaded a batch, for people. */
    static String loader(FeedReports.BatchReport b) {
        return b.loadedBy() == null
                ? "(not recorded)"
                : b.loadedBy()
                        + (b.loadedVia() == null || b.loadedVia().equals("cli") ? "" : " (" + b.loadedVia() + ")");
    }

    @Command(
            name = "quarantine",
            mixinStandardHelpOptions = true,
            description = {
                "The rows of one batch that were kept in quarantine, as CSV: line, field, reason and the "
                        + "row as it was, so a custodian can correct and resend them.",
                "For a feed whose protocol hashes linkage identifiers the rows show the hashes; --references "
                        + "shows them as the partner sent them (opened with the linkage key; the reading is audited)."
            })
    static final class Quarantined implements Callable<Integer> {
        @ParentCommand
        FeedsCommand feeds;

        @Option(names = "--batch", required = true, paramLabel = "ID", description = "The batch (see 'feeds report').")
        long batch;

        @Option(
                names = "--references",
                description = "Show rows as sent, with the partner's own references, for "
                        + "the custodian who must correct them.")
        boolean references;

        @Override
        public Integer call() throws SQLException {
            Terminal t = feeds.cli.terminal();
            Database db = feeds.cli.services().database();
            FeedReports.BatchReport b = new FeedReports(db.dataSource()).batch(batch);
            if (b == null) {
                throw new SafemapException(
                        ErrorCode.NOT_FOUND,
                        "there is no incident batch " + batch + " ('safemap feeds report' lists them)");
            }
            // The operator reads a partner's rows as sent: recorded like any other access to them.
            feeds.cli.auditAlways(
                    ActingAs.operator(),
                    "cli.quarantine",
                    "safemap feeds quarantine --batch " + batch + (references ? " --references" : ""),
                    List.of(b.feed()),
                    b.quarantined(),
                    references);
            new Quarantine(db.dataSource())
                    .writeCsv(batch, t::line, references ? new LinkageSeal(Keys.linkage(feeds.cli.settings())) : null);
            return Cli.OK;
        }
    }
}
