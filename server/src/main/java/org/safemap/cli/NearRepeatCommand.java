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

/** {@code safemap near-repeat}: the Knox test of whether incidents close in space are also close in time. */
@Command(
        name = "near-repeat",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Knox near-repeat test: observed pairs per space band and time band against Monte Carlo "
                    + "permutations of the times; Knox ratio and p per cell. Refuses snapped points (police.uk) unless "
                    + "--allow-snapped. Bands are right-open and labelled as computed.",
            "",
            "Example: safemap near-repeat --period 2022-01..2022-06 --category burglary --feed fire-irs",
            "docs/hotspots.md, 'Near repeats'."
        })
final class NearRepeatCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--period", required = true, paramLabel = "PERIOD")
    String period;

    @Mixin
    SelectionOptions selection;

    @Option(
            names = "--space",
            defaultValue = "0,100,200,300,400",
            paramLabel = "M,M,...",
            description = "Space band edges in metres. Default: ${DEFAULT-VALUE}.")
    String space;

    @Option(
            names = "--time",
            defaultValue = "0,7,14,21,28",
            paramLabel = "D,D,...",
            description = "Time band edges in days. Default: ${DEFAULT-VALUE}.")
    String time;

    @Option(names = "--metric", defaultValue = "euclidean", description = "euclidean or manhattan.")
    String metric;

    @Option(names = "--permutations", defaultValue = "99", description = "Default: ${DEFAULT-VALUE}.")
    int permutations;

    @Option(names = "--allow-snapped", description = "Run even on snapped points, with a warning.")
    boolean allowSnapped;

    @Override
    public Integer call() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("period", period);
        selection.putInto(p);
        p.put("space", space);
        p.put("time", time);
        p.put("metric", metric);
        p.put("permutations", permutations);
        p.values().removeIf(java.util.Objects::isNull);
        Terminal t = cli.terminal();
        Database db = cli.services().database();
        NearRepeats.Outcome o = new NearRepeats(db.dataSource())
                .knox(
                        HotspotRequests.selection(HotspotRequests.selectionPart(p, HotspotRequests.NEAR_REPEAT_NAMES)),
                        HotspotRequests.knox(p),
                        allowSnapped,
                        "cli");
        Map<String, Object> r = o.result();
        t.line(String.format(
                Locale.UK,
                "run %d: %,d incidents, %,d pairs; %s",
                o.runId(),
                r.get("incidents"),
                r.get("pairs"),
                r.get("snapping")));
        @SuppressWarnings("unchecked")
        List<String> spaceBands = (List<String>) r.get("spaceBands");
        @SuppressWarnings("unchecked")
        List<String> timeBands = (List<String>) r.get("timeBands");
        long[][] observed = (long[][]) r.get("observed");
        double[][] pv = (double[][]) r.get("p");
        Object[] ratio = (Object[]) r.get("knoxRatio");
        StringBuilder head = new StringBuilder(String.format(Locale.UK, "%-22s", "Knox ratio (p)"));
        timeBands.forEach(b -> head.append(String.format(Locale.UK, " %18s", b)));
        t.line(head.toString());
        for (int s = 0; s < spaceBands.size(); s++) {
            StringBuilder line = new StringBuilder(String.format(Locale.UK, "%-22s", spaceBands.get(s)));
            Double[] row = (Double[]) ratio[s];
            for (int c = 0; c < timeBands.size(); c++) {
                line.append(String.format(
                        Locale.UK,
                        " %18s",
                        row[c] == null
                                ? "-"
                                : String.format(Locale.UK, "%.2f (%.3f) n=%d", row[c], pv[s][c], observed[s][c])));
            }
            t.line(line.toString());
        }
        ((List<?>) r.get("warnings")).forEach(w -> t.warn(String.valueOf(w)));
        return Cli.OK;
    }
}
