package org.safemap.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.Database;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;
import org.safemap.ingest.FeedDefinition;
import org.safemap.ingest.FeedReports;
import org.safemap.ingest.IncidentLoader;
import org.safemap.ingest.Rejection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code safemap ingest --feed NAME FILE...}: loads partners' files, each as one all-or-nothing batch. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Load incident files into a feed. Each file is one batch, loaded whole or not at all; a file "
                    + "already loaded into the feed (same content) is skipped. Rows that cannot be used are kept in "
                    + "quarantine with their line and reason; 'safemap feeds report' lists them by batch.",
            "Feeds: 'safemap feeds list'. Formats and fields: docs/feeds.md."
        },
        footer = {"", "Exit status: 0 when every file loaded (or was already loaded), 1 when any file was refused."})
final class IngestCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(
            names = "--feed",
            required = true,
            paramLabel = "NAME",
            description = "The feed the files belong to, e.g. police-uk, btp, istv-ae, ambulance, fire-irs.")
    String feedName;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files to load (.csv, .geojson; optionally .gz).")
    List<Path> files;

    @Override
    public Integer call() {
        Terminal t = cli.terminal();
        FeedDefinition feed = cli.feeds().get(feedName);
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new SafemapException(ErrorCode.NOT_FOUND, file + ": no such file");
            }
        }
        int refused = 0;
        try {
            Database db = cli.services().database();
            IncidentLoader loader = cli.services().loader();
            FeedReports reports = new FeedReports(db.dataSource());
            for (Path path : files) {
                SourceFile file = SourceFile.of(path);
                Terminal.RowProgress progress = t.rowProgress(file.name(), file.rawSize());
                long started = System.nanoTime();
                IncidentLoader.Result r;
                try {
                    r = loader.load(file, feed, progress::update, ActingAs.loader());
                } catch (SafemapException e) {
                    t.done(
                            file.name(),
                            (e instanceof InputFormatException
                                            ? "refused, nothing loaded: "
                                            : "failed, nothing loaded: ")
                                    + e.getMessage()
                                    // the operator is shown what a client would find only in the log
                                    + (e.code().shownToClient() || e.getCause() == null
                                            ? ""
                                            : " (" + e.getCause().getMessage() + ")"));
                    refused++;
                    continue;
                }
                cli.audit(
                        ActingAs.operator(),
                        "ingest.cli",
                        "safemap ingest " + file.name(),
                        java.util.List.of(feed.name()),
                        r.rowsLoaded());
                if (r.alreadyLoaded()) {
                    t.done(
                            file.name(),
                            String.format(
                                    Locale.UK,
                                    "already loaded into %s as batch %d (%,d records); " + "nothing changed",
                                    feed.name(),
                                    r.batchId(),
                                    r.rowsLoaded()));
                    continue;
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                t.done(
                        file.name(),
                        String.format(
                                        Locale.UK,
                                        "batch %d: %,d rows read, %,d loaded, %,d quarantined "
                                                + "in %.1f s (%,.0f rows/s)",
                                        r.batchId(),
                                        r.rowsRead(),
                                        r.rowsLoaded(),
                                        r.rowsQuarantined(),
                                        seconds,
                                        r.rowsRead() / Math.max(seconds, 1e-3))
                                + (r.rowsRead() == 0 ? "; the file holds a header and no rows" : ""));
                describe(t, "  ", reports.batch(r.batchId()), r.sampleRejections());
            }
        } catch (java.sql.SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "reading the batch report failed", e);
        }
        return refused == 0 ? Cli.OK : Cli.FAILED;
    }

    /** The lines under a loaded file: how records were located, where they fell, why rows were quarantined. */
    static void describe(Terminal t, String indent, FeedReports.BatchReport report, List<Rejection> samples) {
        if (report == null) {
            return;
        }
        if (!report.geocodeMethods().isEmpty()) {
            t.line(indent + "located by: " + shares(report.geocodeMethods(), report.accepted()));
        }
        if (report.areaMatchRate() != null) {
            t.line(indent + String.format(Locale.UK, "inside the loaded LSOAs: %.1f%%", 100 * report.areaMatchRate()));
        }
        if (report.outsideArea() > 0) {
            t.line(indent
                    + String.format(
                            Locale.UK,
                            "outside the partnership's area (in no loaded LSOA), kept: %,d, " + "line %s",
                            report.outsideArea(),
                            report.outsideAreaLineText()));
        }
        if (report.linked() > 0) {
            t.line(indent
                    + String.format(
                            Locale.UK, "linked to other feeds' records of the same event: %,d", report.linked()));
        }
        report.reasons().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e ->
                        t.line(indent + String.format(Locale.UK, "quarantined %,d: %s", e.getValue(), e.getKey())));
        for (Rejection r : samples) {
            t.line(indent + "  e.g. line " + r.lineNo() + (r.field() == null ? "" : ", field '" + r.field() + "'")
                    + ": " + r.reason());
        }
    }

    private static String shares(Map<String, Long> counts, long total) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format(Locale.UK, "%s %.1f%%", e.getKey(), 100.0 * e.getValue() / Math.max(total, 1)))
                .collect(Collectors.joining(", "));
    }
}
