package org.safemap.cli;

import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.safemap.db.Database;
import org.safemap.sharing.RetentionPurge;
import org.safemap.time.Period;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap retention purge}: delete records whose protocol's retention has ended. */
@Command(
        name = "retention",
        mixinStandardHelpOptions = true,
        description = {"Records are deleted when their protocol's retention ends. See docs/audit-and-retention.md."},
        subcommands = {RetentionCommand.Purge.class})
final class RetentionCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.usage(spec, "say what to do");
    }

    @Command(
            name = "purge",
            mixinStandardHelpOptions = true,
            description = {
                "For every feed's protocol, delete the records past its retention (counted from the event's "
                        + "end or from the load, as the protocol says): whole batches are dropped with their quarantined "
                        + "rows, otherwise expired rows are deleted.",
                "Writes one audit entry per feed and a report for its custodian in var/reports/retention/.",
                "'safemap serve' runs this daily at SAFEMAP_RETENTION_HOUR."
            })
    static final class Purge implements Callable<Integer> {
        private static final DateTimeFormatter DAY =
                DateTimeFormatter.ofPattern("d MMM yyyy", Locale.UK).withZone(Period.LONDON);

        @ParentCommand
        RetentionCommand retention;

        @Option(names = "--dry-run", description = "Say what would be deleted; delete nothing, write nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            Terminal t = retention.cli.terminal();
            Database db = retention.cli.services().database();
            RetentionPurge purge = RetentionPurge.of(
                    retention.cli.settings(),
                    db.dataSource(),
                    retention.cli.protocols(),
                    retention.cli.services().audit());
            RetentionPurge.Result result = purge.run(AuditCommand.operator(), dryRun);
            for (RetentionPurge.FeedPurge f : result.feeds()) {
                t.line(line(f, dryRun));
            }
            t.line(String.format(
                    Locale.UK,
                    "%s: %,d records %s.",
                    dryRun ? "Dry run" : "Retention purge",
                    result.records(),
                    dryRun ? "would be deleted; nothing was deleted" : "deleted"));
            return Cli.OK;
        }

        private static String line(RetentionPurge.FeedPurge f, boolean dryRun) {
            String feed = f.protocol().feed();
            String rule = "retention " + f.protocol().retention() + " from "
                    + f.protocol().retentionFrom() + " (protocol v"
                    + f.protocol().version() + ")";
            RetentionPurge.Remaining r = f.remaining();
            String left = String.format(Locale.UK, "%,d remain", r.records())
                    + (r.nextExpiry() == null ? "" : ", next due to go " + DAY.format(r.nextExpiry()));
            if (f.batches().isEmpty()) {
                return feed + ": nothing expired under " + rule + "; " + left;
            }
            String what = String.format(
                    Locale.UK,
                    "%,d records from %d batches (%d whole, %,d quarantined rows)",
                    f.records(),
                    f.batches().size(),
                    f.wholeBatches(),
                    f.quarantined());
            if (dryRun) {
                return feed + ": would delete " + what + " under " + rule + "; " + left;
            }
            return feed + ": deleted " + what + " under " + rule + "; " + left + "; audit entry " + f.auditSeq()
                    + "; report " + (f.reports().isEmpty() ? "-" : f.reports().get(0));
        }
    }
}
