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
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.Database;
import org.safemap.runs.AreaResults;
import org.safemap.runs.HotspotRequests;
import org.safemap.runs.HotspotRunner;
import org.safemap.runs.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap hotspots}: a stored hotspot run over the loaded records, with the same parameters as the API. */
@Command(
        name = "hotspots",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compute and store a hotspot run: a density surface over the study areas and, per area, "
                    + "counts, rates per 1,000 residents, density mean and maximum, location quotient and Getis-Ord Gi* "
                    + "with false discovery rate classes. Prints the run id and the top areas; the API serves the run "
                    + "(GET /api/hotspots/ID).",
            "",
            "Example: safemap hotspots --period 2022-01..2022-06 --category violence --hours 20-3 --level lsoa",
            "Methods and defaults: docs/hotspots.md."
        })
final class HotspotsCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(
            names = "--period",
            required = true,
            paramLabel = "PERIOD",
            description = "2024-03, 2024-01..2024-09 or 2024-01-15..2024-02-14 (inclusive).")
    String period;

    @Mixin
    SelectionOptions selection;

    @Option(names = "--hours", paramLabel = "H-H", description = "Hours of day, e.g. 20-3 or 22,23,0.")
    String hours;

    @Option(names = "--weekdays", paramLabel = "DAYS", description = "e.g. fri-sun or mon,tue.")
    String weekdays;

    @Option(names = "--area-wkt", paramLabel = "WKT", description = "Area of interest as an EPSG:27700 polygon.")
    String areaWkt;

    @Option(
            names = "--max-precision",
            paramLabel = "METRES",
            description = "Leave out records placed less precisely than this.")
    Double maxPrecision;

    @Option(
            names = "--no-aoristic",
            negatable = false,
            description = "Count a record fully by its start time instead of spreading its time window.")
    boolean noAoristic;

    @Option(names = "--count-records", description = "Count every feed's record of a linked event, not the event once.")
    boolean countRecords;

    @Option(
            names = "--level",
            defaultValue = "lsoa",
            paramLabel = "LEVEL",
            description = "lsoa, msoa, ward, lad or custom:NAME. Default: ${DEFAULT-VALUE}.")
    String level;

    @Option(
            names = "--cell",
            paramLabel = "METRES",
            description = "Cell size. Default: the shorter side / 150, at most half the bandwidth.")
    Double cell;

    @Option(
            names = "--bandwidth",
            paramLabel = "METRES|RULE",
            defaultValue = "ppl",
            description = "Metres, or a rule: ppl, scott, arcgis. Default: ${DEFAULT-VALUE}.")
    String bandwidth;

    @Option(
            names = "--kernel",
            defaultValue = "quartic",
            paramLabel = "NAME",
            description = "Default: ${DEFAULT-VALUE}.")
    String kernel;

    @Option(names = "--mode", defaultValue = "exact", paramLabel = "MODE", description = "exact or fast.")
    String mode;

    @Option(names = "--edge-correction", description = "Correct densities near the study area's edge.")
    boolean edgeCorrection;

    @Option(
            names = "--neighbours",
            defaultValue = "queen",
            paramLabel = "RULE",
            description = "Gi* neighbours: queen, or distance:METRES. Default: ${DEFAULT-VALUE}.")
    String neighbours;

    @Option(
            names = "--no-fdr",
            negatable = false,
            description = "Classify Gi* without false discovery rate correction.")
    boolean noFdr;

    @Option(
            names = "--top-percent",
            defaultValue = "10",
            paramLabel = "PCT",
            description = "Cells counted as top for each area's top share. Default: ${DEFAULT-VALUE}.")
    double topPercent;

    @Option(
            names = "--surface",
            defaultValue = "kde",
            paramLabel = "METHOD",
            description = "kde (incidents per km²) or prospective (Bowers-Johnson near-repeat risk at the period's "
                    + "end, for burglary). Default: ${DEFAULT-VALUE}.")
    String surface;

    @Option(names = "--space-bandwidth", paramLabel = "METRES", description = "Prospective: default 400.")
    Double spaceBandwidth;

    @Option(names = "--time-bandwidth", paramLabel = "WEEKS", description = "Prospective: default 8.")
    Integer timeBandwidth;

    @Option(
            names = "--show",
            defaultValue = "10",
            paramLabel = "N",
            description = "Areas to print. Default: ${DEFAULT-VALUE}.")
    int show;

    @Option(names = "--out", paramLabel = "FILE.csv", description = "Also write every area's results as CSV.")
    Path out;

    @Override
    public Integer call() throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("period", period);
        selection.putInto(p);
        p.put("hours", hours);
        p.put("weekdays", weekdays);
        p.put("areaWkt", areaWkt);
        p.put("maxPrecisionM", maxPrecision);
        p.put("aoristic", !noAoristic);
        p.put("countEvents", !countRecords);
        p.put("level", level);
        p.put("cellM", cell);
        p.put("bandwidth", bandwidth);
        p.put("kernel", kernel);
        p.put("mode", mode);
        p.put("edgeCorrection", edgeCorrection);
        p.put("neighbours", neighbours);
        p.put("fdr", !noFdr);
        p.put("topPercent", topPercent);
        p.put("surface", surface);
        p.put("spaceBandwidthM", spaceBandwidth);
        p.put("timeBandwidthWeeks", timeBandwidth);
        p.values().removeIf(java.util.Objects::isNull);
        HotspotRunner.Request request = HotspotRequests.parse(p, "cli");
        Terminal terminal = cli.terminal();
        try {
            Database db = cli.services().database();
            long id = new HotspotRunner(db.dataSource()).run(request, terminal::line);
            RunStore.Run run = new RunStore(db.dataSource()).run(id).orElseThrow();
            JsonNode summary = new ObjectMapper().readTree(run.summary());
            terminal.line(String.format(
                    Locale.UK,
                    "run %d: %,d records (%,.1f incidents) in %,d %s areas; "
                            + "bandwidth %.0f m, cell %.0f m; %d hot and %d cold areas",
                    id,
                    summary.path("records").asLong(),
                    summary.path("incidents").asDouble(),
                    summary.path("areas").asLong(),
                    level,
                    summary.path("bandwidthM").asDouble(),
                    summary.path("cellM").asDouble(),
                    summary.path("hotAreas").asLong(),
                    summary.path("coldAreas").asLong()));
            for (JsonNode w : summary.path("warnings")) {
                terminal.warn(w.asText());
            }
            AreaResults results = new AreaResults(db.dataSource());
            JsonNode rows = new ObjectMapper().readTree(results.json(id, level, Math.max(1, show), false));
            terminal.line(String.format(
                    Locale.UK,
                    "%4s  %-10s %-28s %9s %9s %8s %7s  %s",
                    "rank",
                    "code",
                    "name",
                    "incidents",
                    "per 1000",
                    "Gi* z",
                    "LQ",
                    "class"));
            for (JsonNode r : rows) {
                terminal.line(String.format(
                        Locale.UK,
                        "%4d  %-10s %-28s %9.1f %9s %8.2f %7s  %s",
                        r.path("rank").asInt(),
                        r.path("code").asText(),
                        clip(r.path("name").asText(), 28),
                        r.path("incidents").asDouble(),
                        number(r.path("rate_per_1000")),
                        r.path("gi_z").asDouble(),
                        number(r.path("location_quotient")),
                        r.path("gi_class").asText()));
            }
            if (out != null) {
                try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                    results.csv(id, level, Integer.MAX_VALUE, false, w);
                }
                terminal.line("wrote " + out);
            }
            terminal.line("details: GET /api/hotspots/" + id + " (surface: /api/hotspots/" + id + "/surface)");
        } catch (IllegalArgumentException e) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, e.getMessage(), e);
        }
        return Cli.OK;
    }

    private static String number(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? "-" : String.format(Locale.UK, "%.2f", n.asDouble());
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
