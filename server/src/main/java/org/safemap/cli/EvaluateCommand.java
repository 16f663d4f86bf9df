package org.safemap.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.Database;
import org.safemap.runs.EvaluateRunner;
import org.safemap.runs.HotspotRequests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap evaluate}: how well each method's map from one period predicts a later one. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train hotspot methods on one period and test them on a later one: hit rate, PAI (hit rate / "
                    + "share of the area), RRI (recapture), the best possible hit rate and PEI, at chosen coverages of "
                    + "the study area. Prints a table, writes CSV, stores the run with its curves.",
            "",
            "Example: safemap evaluate --train 2022-01..2022-04 --test 2022-05..2022-07 --method kde,count "
                    + "--level lsoa",
            "How to read it: docs/hotspots.md, 'Prediction accuracy'."
        })
final class EvaluateCommand implements Callable<Integer> {
    private static final List<String> COLUMNS = List.of(
            "method",
            "coverage",
            "hit_rate",
            "pai",
            "rri",
            "max_hit_rate",
            "pei",
            "area_share",
            "places",
            "bar_method",
            "bar_pai");

    @ParentCommand
    Cli cli;

    @Mixin
    SelectionOptions selection;

    @Option(names = "--train", required = true, paramLabel = "PERIOD", description = "Training period.")
    String train;

    @Option(names = "--test", required = true, paramLabel = "PERIOD", description = "Test period, later.")
    String test;

    @Option(
            names = "--method",
            split = ",",
            defaultValue = "kde",
            paramLabel = "METHOD",
            description = "kde, count, last-period, snap-point, gistar, prospective (comma-separated). The naive "
                    + "maps (count, last-period, snap-point) are always scored and the best is shown as the bar to "
                    + "beat. Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(
            names = "--level",
            defaultValue = "lsoa",
            paramLabel = "LEVEL",
            description = "grid, lsoa, msoa, ward, lad or custom:NAME. Default: ${DEFAULT-VALUE}.")
    String level;

    @Option(
            names = "--coverage",
            split = ",",
            paramLabel = "PCT",
            description = "Coverages in percent. Default: 1,2,5,10,20.")
    List<String> coverages;

    @Option(names = "--cell", paramLabel = "METRES", description = "Grid cell. Default: shorter side / 150.")
    Double cell;

    @Option(
            names = "--bandwidth",
            paramLabel = "METRES|RULE",
            defaultValue = "ppl",
            description = "KDE bandwidth or rule. Default: ${DEFAULT-VALUE}.")
    String bandwidth;

    @Option(
            names = "--format",
            defaultValue = "table",
            paramLabel = "FORMAT",
            description = "table, csv or json on standard output. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--out", paramLabel = "FILE.csv", description = "CSV file to write. Default: evaluate-RUN.csv.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!List.of("table", "csv", "json").contains(format)) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "--format must be table, csv or json, got '" + format + "'");
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("train", train);
        p.put("test", test);
        p.put("methods", methods);
        p.put("level", level);
        p.put("coverages", coverages);
        selection.putInto(p);
        p.put("cellM", cell);
        p.put("bandwidth", bandwidth);
        p.values().removeIf(java.util.Objects::isNull);
        EvaluateRunner.Request request = HotspotRequests.evaluate(p, "cli");
        Terminal terminal = cli.terminal();
        EvaluateRunner.Result result;
        Database db = cli.services().database();
        result = new EvaluateRunner(db.dataSource()).run(request, format.equals("table") ? terminal::line : s -> {});
        Path file = out != null ? out : Path.of("evaluate-" + result.runId() + ".csv");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            csv(result.rows(), w);
        }
        PrintStream stdout = terminal.out();
        switch (format) {
            case "json" ->
                stdout.println(new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(result.rows()));
            case "csv" -> {
                Writer w = new java.io.OutputStreamWriter(stdout, StandardCharsets.UTF_8);
                csv(result.rows(), w);
                w.flush();
            }
            default -> {
                terminal.line(String.format(
                        Locale.UK,
                        "%-12s %8s %9s %7s %6s %9s %6s",
                        "method",
                        "coverage",
                        "hit rate",
                        "PAI",
                        "RRI",
                        "best hit",
                        "PEI"));
                for (Map<String, Object> r : result.rows()) {
                    terminal.line(String.format(
                            Locale.UK,
                            "%-12s %7.0f%% %8.1f%% %7s %6s %8.1f%% %6s",
                            r.get("method"),
                            (Double) r.get("coverage"),
                            pct(r.get("hit_rate")),
                            fixed(r.get("pai"), 2),
                            fixed(r.get("rri"), 2),
                            pct(r.get("max_hit_rate")),
                            fixed(r.get("pei"), 2)));
                }
                for (Map<String, Object> b : result.bar()) {
                    terminal.line(String.format(
                            Locale.UK,
                            "bar to beat at %.0f%%: PAI %s (%s, the best naive map)",
                            (Double) b.get("coverage"),
                            fixed(b.get("pai"), 2),
                            b.get("method")));
                }
                terminal.line("run " + result.runId() + "; wrote " + file + " (curves: GET /api/hotspots/"
                        + result.runId() + ")");
            }
        }
        return Cli.OK;
    }

    private static void csv(List<Map<String, Object>> rows, Writer w) throws IOException {
        CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT);
        csv.printRecord(COLUMNS);
        for (Map<String, Object> r : rows) {
            csv.printRecord(
                    COLUMNS.stream().map(c -> r.get(c) == null ? "" : r.get(c)).toList());
        }
        csv.flush();
    }

    private static double pct(Object v) {
        return v == null ? Double.NaN : 100 * (Double) v;
    }

    private static String fixed(Object v, int digits) {
        return v == null ? "-" : String.format(Locale.UK, "%." + digits + "f", (Double) v);
    }
}
