package org.safemap.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.safemap.db.Database;
import org.safemap.runs.HotspotRequests;
import org.safemap.runs.NearRepeats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap repeats}: the locations where incidents recur, most first. */
@Command(
        name = "repeats",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Repeat locations: incidents at the same point (or within --tolerance metres), ranked by "
                    + "count, with first and last dates. On police.uk data a location is an anonymous snap point.",
            "",
            "Example: safemap repeats --period 2022-01..2022-07 --category burglary --top 20"
        })
final class RepeatsCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--period", required = true, paramLabel = "PERIOD")
    String period;

    @Mixin
    SelectionOptions selection;

    @Option(names = "--tolerance", defaultValue = "0", paramLabel = "METRES", description = "Default: exact points.")
    double tolerance;

    @Option(names = "--min", defaultValue = "2", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    double min;

    @Option(names = "--top", defaultValue = "20", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int top;

    @Override
    public Integer call() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("period", period);
        selection.putInto(p);
        p.values().removeIf(java.util.Objects::isNull);
        Terminal t = cli.terminal();
        Database db = cli.services().database();
        NearRepeats.Outcome o =
                new NearRepeats(db.dataSource()).repeats(HotspotRequests.selection(p), tolerance, min, top, "cli");
        Map<String, Object> r = o.result();
        t.line(String.format(
                Locale.UK,
                "run %d: %,d incidents, %,d repeat locations",
                o.runId(),
                r.get("incidents"),
                r.get("locations")));
        t.line(String.format(
                Locale.UK,
                "%4s %9s %9s %10s %11s  %-10s %-10s",
                "rank",
                "x",
                "y",
                "incidents",
                "lat,lon",
                "first",
                "last"));
        for (Object row : (List<?>) r.get("top")) {
            Map<?, ?> m = (Map<?, ?>) row;
            t.line(String.format(
                    Locale.UK,
                    "%4s %9.0f %9.0f %10.1f %s,%s  %-10s %-10s",
                    m.get("rank"),
                    (Double) m.get("x"),
                    (Double) m.get("y"),
                    (Double) m.get("incidents"),
                    m.get("lat"),
                    m.get("lon"),
                    String.valueOf(m.get("first")).substring(0, 10),
                    String.valueOf(m.get("last")).substring(0, 10)));
        }
        ((List<?>) r.get("warnings")).forEach(w -> t.warn(String.valueOf(w)));
        return Cli.OK;
    }
}
