package org.safemap.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.Database;
import org.safemap.sharing.AuditAnchoring;
import org.safemap.sharing.AuditAnchors;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.AuditVerifier;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.UsageReport;
import org.safemap.sharing.UsageReports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap audit ...}: check the tamper-evident audit log, and report how a partner's data was used. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {"The audit log of every access to partners' data. See docs/audit-and-retention.md."},
        subcommands = {AuditCommand.Verify.class, AuditCommand.Anchor.class, AuditCommand.Report.class})
final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.usage(spec, "say what to do");
    }

    /** Who runs the command, for the audit: the operating-system user at the server's console. */
    static Principal operator() {
        return Principal.cli(System.getProperty("user.name", "unknown"), null, null);
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Walk the hash chain from the first entry to the last and check every link and hash.",
                "Exit 0 and 'N entries, chain intact, head HASH' when intact; exit 1 naming the first entry that "
                        + "does not check out and the tampering it implies (altered, deleted, inserted, reordered, "
                        + "rewritten).",
                "Every anchor in SAFEMAP_AUDIT_ANCHOR_DIR (written by the server each day, or by 'audit anchor') "
                        + "is checked too, so cutting entries off the end and moving the head back is caught; "
                        + "--anchor adds one recorded elsewhere."
            })
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Option(
                names = "--anchor",
                paramLabel = "SEQ:HASH",
                description = "An earlier 'audit verify' result recorded elsewhere: entry SEQ must still carry HASH "
                        + "(repeatable).")
        List<String> anchors = List.of();

        @Override
        public Integer call() {
            List<AuditVerifier.Anchor> parsed =
                    anchors.stream().map(AuditVerifier.Anchor::parse).toList();
            Terminal t = audit.cli.terminal();
            Database db = audit.cli.services().database();
            AuditLog log = audit.cli.services().audit();
            AuditAnchors anchors = AuditAnchors.of(audit.cli.settings(), db.dataSource());
            long total = log.count();
            LongConsumer progress = t.progress("audit log", total);
            AuditAnchoring.Outcome o = AuditAnchoring.check(log, anchors, parsed, operator(), false, progress);
            AuditVerifier.Verification v = o.verification();
            t.done("audit log", v.summary());
            t.line("Checked against " + o.anchorsChecked() + " anchor" + (o.anchorsChecked() == 1 ? "" : "s") + " ("
                    + anchors.file() + (parsed.isEmpty() ? "" : " and --anchor") + ").");
            if (v.intact()) {
                t.line("Anchor: 'safemap audit anchor' records the head in " + anchors.file() + "; to keep one "
                        + "elsewhere too, record " + v.headSeq() + ":" + v.headHash() + " and later run "
                        + "safemap audit verify --anchor " + v.headSeq() + ":" + v.headHash() + ".");
            }
            return v.intact() ? Cli.OK : Cli.FAILED;
        }
    }

    @Command(
            name = "anchor",
            mixinStandardHelpOptions = true,
            description = {
                "Check the chain as 'audit verify' does and, when it is intact, append the new head to the "
                        + "anchors in SAFEMAP_AUDIT_ANCHOR_DIR (and hand it to SAFEMAP_AUDIT_ANCHOR_COMMAND). The server "
                        + "does this by itself every SAFEMAP_AUDIT_ANCHOR_HOURS; this is for cron when it is not running.",
                "Exit 0 with the anchor written; exit 1, writing none, when the chain does not check out."
            })
    static final class Anchor implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Override
        public Integer call() {
            Terminal t = audit.cli.terminal();
            Database db = audit.cli.services().database();
            AuditLog log = audit.cli.services().audit();
            AuditAnchors anchors = AuditAnchors.of(audit.cli.settings(), db.dataSource());
            AuditAnchoring.Outcome o = AuditAnchoring.check(
                    log, anchors, List.of(), operator(), true, t.progress("audit log", log.count()));
            t.done("audit log", o.verification().summary());
            if (o.anchored() == null) {
                t.line("Not anchored: the chain does not check out against " + o.anchorsChecked() + " anchors in "
                        + anchors.file() + ".");
                return Cli.FAILED;
            }
            t.line("Anchored in " + anchors.file() + ": " + o.anchored());
            return Cli.OK;
        }
    }

    @Command(
            name = "report",
            mixinStandardHelpOptions = true,
            description = {
                "How has our data been used? For the feeds the partner's protocols name it as owner: "
                        + "accesses by user and role, by declared purpose, by action, by month and by feed; records "
                        + "returned; refusals; first and last access."
            })
    static final class Report implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Option(
                names = "--partner",
                required = true,
                paramLabel = "PARTNER",
                description = "Partner id as protocols name it (e.g. nhs-ed, ambulance, fire).")
        String partner;

        @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First day (UK time); default: the start.")
        String from;

        @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day, inclusive; default: today.")
        String to;

        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "text",
                description = "text, csv or json (default: ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() throws Exception {
            if (!List.of("text", "csv", "json").contains(format)) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST, "--format must be text, csv or json; got '" + format + "'");
            }
            LocalDate first = day(from, "--from");
            LocalDate last = day(to, "--to");
            Terminal t = audit.cli.terminal();
            Database db = audit.cli.services().database();
            ProtocolCatalog protocols = audit.cli.protocols();
            Policy policy = audit.cli.services().policy();
            if (policy.feedsOwnedBy(partner).isEmpty()) {
                throw new SafemapException(
                        ErrorCode.NOT_FOUND,
                        "no protocol names partner '" + partner + "' as the owner "
                                + "of a feed; partners with feeds: "
                                + String.join(
                                        ", ",
                                        protocols.all().stream()
                                                .map(p -> p.partner())
                                                .distinct()
                                                .sorted()
                                                .toList()));
            }
            AuditLog log = audit.cli.services().audit();
            UsageReport report =
                    new UsageReports(db.dataSource(), policy, Clock.systemUTC()).build(partner, first, last);
            log.record(AuditEvent.of(
                            operator(),
                            "audit.report",
                            "usage report partner=" + partner + (first == null ? "" : " from=" + first)
                                    + (last == null ? "" : " to=" + last))
                    .resultSize(report.totals().accesses())
                    .detail("partner", partner)
                    .detail("format", format));
            switch (format) {
                case "csv" -> t.out().print(report.toCsv());
                case "json" ->
                    t.out()
                            .println(new ObjectMapper()
                                    .registerModule(new JavaTimeModule())
                                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                                    .enable(SerializationFeature.INDENT_OUTPUT)
                                    .writeValueAsString(report));
                default -> t.out().print(report.toText());
            }
            t.out().flush();
            return Cli.OK;
        }

        private static LocalDate day(String text, String option) {
            if (text == null) {
                return null;
            }
            try {
                return LocalDate.parse(text.strip());
            } catch (DateTimeParseException e) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST, option + " must be a date as YYYY-MM-DD; got '" + text + "'");
            }
        }
    }
}
