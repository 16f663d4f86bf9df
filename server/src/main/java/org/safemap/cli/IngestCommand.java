package org.safemap.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;
import org.safemap.ingest.FeedDefinition;
import org.safemap.ingest.FeedReports;
import org.safemap.ingest.IncidentLoader;
import org.safemap.ingest.Rejection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

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

    @Spec
    CommandSpec spec;

    @Option(
            names = "--feed",
            required = true,
            paramLabel = "NAME",
            description = "The feed the files belong to, e.g. police-uk, btp, istv-ae, ambulance, fire-irs.")
    String feedName;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files to load (.csv, .geojson; optionally .gz).")
    List<Path> files;

    @Option(
            names = "--jobs",
            paramLabel = "N",
            description = "Files loaded at once, each still its own batch; results are printed in the order the files "
                    + "were given (default: half the cores, at least 1; 1 loads them one after another).")
    Integer jobs;

    @Override
    public Integer call() {
        Terminal t = cli.terminal();
        FeedDefinition feed = cli.feeds().get(feedName);
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new SafemapException(ErrorCode.NOT_FOUND, file + ": no such file");
            }
        }
        if (jobs != null && jobs < 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--jobs must be at least 1, not " + jobs);
        }
        // A load holds one connection and briefly takes a second (geocoder, boundaries' version, its report): more
        // loads than half the pool would wait on each other for connections until the pool's timeout.
        int poolShare = Math.max(1, cli.settings().dbPoolSize() / 2);
        // One load keeps about two cores busy (reading and the pipeline on two threads, PostgreSQL's backend taking the
        // COPY): on 2 idle cores two loads at once were no faster than one (docs/performance.md).
        int wanted = jobs != null ? jobs : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        int n = Math.min(Math.min(wanted, poolShare), files.size());
        if (jobs != null && jobs > poolShare) {
            t.warn("--jobs " + jobs + " needs two database connections per load; SAFEMAP_DB_POOL_SIZE is "
                    + cli.settings().dbPoolSize() + ", so " + poolShare + " at once");
        }
        IncidentLoader loader = cli.services().loader();
        FeedReports reports = new FeedReports(cli.services().database().dataSource());
        Progress progress = n == 1 ? null : new Progress(t, files);
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread thread = new Thread(r, "ingest-file");
            thread.setDaemon(true);
            return thread;
        });
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Outcome>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < files.size(); i++) {
                int index = i;
                outcomes.add(pool.submit(() -> stop.get() ? null : loadOne(t, loader, reports, feed, index, progress)));
            }
            // Each file's lines wait until the files before it are printed, so the output reads as if loaded in turn.
            int refused = 0;
            RuntimeException fatal = null;
            for (Future<Outcome> future : outcomes) {
                Outcome o;
                try {
                    o = future.get();
                } catch (ExecutionException e) {
                    // Not a refused file but a failure of the whole command (database gone): start no more files.
                    stop.set(true);
                    if (fatal == null) {
                        fatal = e.getCause() instanceof RuntimeException re
                                ? re
                                : new SafemapException(ErrorCode.INTERNAL_ERROR, "loading failed", e.getCause());
                    }
                    continue;
                }
                if (o == null) {
                    continue;
                }
                if (o.result() != null) {
                    // on this thread, in the files' order: the audit log is a chain
                    cli.audit(
                            ActingAs.operator(),
                            "ingest.cli",
                            "safemap ingest " + o.name(),
                            java.util.List.of(feed.name()),
                            o.result().rowsLoaded());
                }
                t.done(o.name(), o.summary());
                o.lines().forEach(t::line);
                if (o.refused()) {
                    refused++;
                }
            }
            if (fatal != null) {
                throw fatal;
            }
            return refused == 0 ? Cli.OK : Cli.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "interrupted", e);
        } finally {
            stop.set(true);
            pool.shutdown();
        }
    }

    /** What one file's load printed: its summary line and the lines under it; {@code result} null when refused. */
    private record Outcome(String name, String summary, List<String> lines, IncidentLoader.Result result) {
        boolean refused() {
            return result == null;
        }
    }

    private Outcome loadOne(
            Terminal t, IncidentLoader loader, FeedReports reports, FeedDefinition feed, int index, Progress total) {
        SourceFile file = SourceFile.of(files.get(index));
        Terminal.RowProgress progress =
                total == null ? t.rowProgress(file.name(), file.rawSize()) : total.forFile(index);
        long started = System.nanoTime();
        IncidentLoader.Result r;
        try {
            r = loader.load(file, feed, progress::update, ActingAs.loader());
        } catch (SafemapException e) {
            return new Outcome(
                    file.name(),
                    (e instanceof InputFormatException ? "refused, nothing loaded: " : "failed, nothing loaded: ")
                            + e.getMessage()
                            // the operator is shown what a client would find only in the log
                            + (e.code().shownToClient() || e.getCause() == null
                                    ? ""
                                    : " (" + e.getCause().getMessage() + ")"),
                    List.of(),
                    null);
        }
        if (r.alreadyLoaded()) {
            return new Outcome(
                    file.name(),
                    String.format(
                            Locale.UK,
                            "already loaded into %s as batch %d (%,d records); " + "nothing changed",
                            feed.name(),
                            r.batchId(),
                            r.rowsLoaded()),
                    List.of(),
                    r);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String summary = String.format(
                        Locale.UK,
                        "batch %d: %,d rows read, %,d loaded, %,d quarantined " + "in %.1f s (%,.0f rows/s)",
                        r.batchId(),
                        r.rowsRead(),
                        r.rowsLoaded(),
                        r.rowsQuarantined(),
                        seconds,
                        r.rowsRead() / Math.max(seconds, 1e-3))
                + (r.rowsRead() == 0 ? "; the file holds a header and no rows" : "");
        List<String> lines = new ArrayList<>();
        try {
            describe(lines::add, "  ", reports.batch(r.batchId()), r.sampleRejections());
        } catch (java.sql.SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "reading the batch report failed", e);
        }
        return new Outcome(file.name(), summary, lines, r);
    }

    /** One bar for several files loading at once: their bytes and rows added up against all the files' size. */
    private static final class Progress {
        private final long[] bytes;
        private final long[] rows;
        private final Terminal.RowProgress bar;

        Progress(Terminal t, List<Path> files) {
            long size = 0;
            for (Path p : files) {
                size += SourceFile.of(p).rawSize();
            }
            bytes = new long[files.size()];
            rows = new long[files.size()];
            bar = t.rowProgress(files.size() + " files", size);
        }

        Terminal.RowProgress forFile(int index) {
            return (b, r) -> {
                synchronized (this) {
                    bytes[index] = b;
                    rows[index] = r;
                    bar.update(LongStream.of(bytes).sum(), LongStream.of(rows).sum());
                }
            };
        }
    }

    /** The lines under a loaded file: how records were located, where they fell, why rows were quarantined. */
    static void describe(Consumer<String> t, String indent, FeedReports.BatchReport report, List<Rejection> samples) {
        if (report == null) {
            return;
        }
        if (!report.geocodeMethods().isEmpty()) {
            t.accept(indent + "located by: " + shares(report.geocodeMethods(), report.accepted()));
        }
        if (report.areaMatchRate() != null) {
            t.accept(
                    indent + String.format(Locale.UK, "inside the loaded LSOAs: %.1f%%", 100 * report.areaMatchRate()));
        }
        if (report.outsideArea() > 0) {
            t.accept(indent
                    + String.format(
                            Locale.UK,
                            "outside the partnership's area (in no loaded LSOA), kept: %,d, " + "line %s",
                            report.outsideArea(),
                            report.outsideAreaLineText()));
        }
        if (report.linked() > 0) {
            t.accept(indent
                    + String.format(
                            Locale.UK, "linked to other feeds' records of the same event: %,d", report.linked()));
        }
        report.reasons().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e ->
                        t.accept(indent + String.format(Locale.UK, "quarantined %,d: %s", e.getValue(), e.getKey())));
        for (Rejection r : samples) {
            t.accept(indent + "  e.g. line " + r.lineNo() + (r.field() == null ? "" : ", field '" + r.field() + "'")
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
