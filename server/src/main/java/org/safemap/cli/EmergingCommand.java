package org.safemap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.safemap.db.Database;
import org.safemap.runs.AreaResults;
import org.safemap.runs.EmergingRunner;
import org.safemap.runs.HotspotRequests;
import org.safemap.runs.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap emerging}: emerging hot spot classes per area from a monthly Gi* series and its trend. */
@Command(
        name = "emerging",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Classify every area as a new, consecutive, intensifying, persistent, diminishing, sporadic, "
                    + "oscillating or historical hot (or cold) spot, or no pattern, from Gi* per month over the period "
                    + "and a Mann-Kendall trend (ArcGIS Emerging Hot Spot Analysis's definitions). Stores a run.",
            "",
            "Example: safemap emerging --period 2022-01..2022-07 --category violence --level lsoa",
            "Rules: docs/hotspots.md, 'Emerging hot spots'."
        })
final class EmergingCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--period", required = true, paramLabel = "PERIOD", description = "At least 4 steps.")
    String period;

    @Mixin
    SelectionOptions selection;

    @Option(names = "--hours", paramLabel = "H-H", description = "Hours of day, e.g. 20-3.")
    String hours;

    @Option(names = "--weekdays", paramLabel = "DAYS", description = "e.g. fri-sun.")
    String weekdays;

    @Option(
            names = "--level",
            defaultValue = "lsoa",
            paramLabel = "LEVEL",
            description = "lsoa, msoa, ward, lad, custom:NAME, or grid. Default: ${DEFAULT-VALUE}.")
    String level;

    @Option(names = "--cell", paramLabel = "METRES", description = "Grid cell for --level grid. Default: 250.")
    Double cell;

    @Option(
            names = "--step",
            defaultValue = "month",
            paramLabel = "STEP",
            description = "month or week (ISO weeks, Monday first). Default: ${DEFAULT-VALUE}.")
    String step;

    @Option(
            names = "--neighbours",
            defaultValue = "queen",
            paramLabel = "RULE",
            description = "queen or distance:METRES. Default: ${DEFAULT-VALUE}.")
    String neighbours;

    @Option(
            names = "--time-neighbours",
            defaultValue = "1",
            paramLabel = "MONTHS",
            description = "Earlier steps in each bin's neighbourhood. Default: ${DEFAULT-VALUE}.")
    int timeNeighbours;

    @Option(
            names = "--alpha",
            defaultValue = "0.05",
            description = "Significance of a hot or cold month. " + "Default: ${DEFAULT-VALUE}.")
    double alpha;

    @Option(names = "--no-fdr", negatable = false, description = "No false discovery rate correction.")
    boolean noFdr;

    @Option(names = "--out", paramLabel = "FILE.csv", description = "Also write every area's class as CSV.")
    Path out;

    @Override
    public Integer call() throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("period", period);
        selection.putInto(p);
        p.put("hours", hours);
        p.put("weekdays", weekdays);
        p.put("level", level);
        p.put("cellM", cell);
        p.put("step", step);
        p.put("neighbours", neighbours);
        p.put("timeNeighbours", timeNeighbours);
        p.put("alpha", alpha);
        p.put("fdr", !noFdr);
        p.values().removeIf(java.util.Objects::isNull);
        EmergingRunner.Request request = HotspotRequests.emerging(p, "cli");
        Terminal terminal = cli.terminal();
        Database db = cli.services().database();
        long id = new EmergingRunner(db.dataSource()).run(request, terminal::line);
        JsonNode summary = new ObjectMapper()
                .readTree(new RunStore(db.dataSource()).run(id).orElseThrow().summary());
        terminal.line(String.format(
                Locale.UK,
                "run %d: %,d records over %d months in %,d areas",
                id,
                summary.path("records").asLong(),
                summary.path("steps").asInt(),
                summary.path("areas").asInt()));
        summary.path("classes")
                .fields()
                .forEachRemaining(e -> terminal.line(String.format(
                        Locale.UK, "  %-22s %,6d", e.getKey(), e.getValue().asInt())));
        AreaResults results = new AreaResults(db.dataSource());
        if (out != null) {
            try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                results.csv(id, level, Integer.MAX_VALUE, false, w);
            }
            terminal.line("wrote " + out);
        }
        terminal.line("areas: GET /api/hotspots/" + id + "/areas");
        return Cli.OK;
    }
}
