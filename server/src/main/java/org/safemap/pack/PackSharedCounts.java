package org.safemap.pack;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.safemap.map.WmsService;
import org.safemap.runs.Period;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtectedCounts;

/**
 * The pack's "Shared as counts" table: the area's counts of the feeds its reader sees only as aggregates (or reduced
 * points), which the pack's exact counts leave out. They come from the reader's protected tables, the very cells the
 * map's count layers and the area profile publish ({@link WmsService#countsTable}), so no two of them can be
 * differenced; a period is the sum of its months, suppressed if any month is.
 *
 * @param feeds       the feeds counted together
 * @param rule        the suppression rule, for readers
 * @param rows        by category group, then the total ({@code group} "all"); a null value is suppressed, and the
 *                    comparison columns are null too when the pack does not show that period
 * @param unavailable why there are no numbers (the area is of the middle level not counted, or the pack narrows
 *                    to categories short of a group), else empty
 */
record PackSharedCounts(List<String> feeds, String rule, List<Row> rows, Optional<String> unavailable) {
    record Row(String group, Double current, Double previous, Double yearEarlier) {
    }

    /** The section for {@code who}, or empty when they see every feed of the area's tables as points. */
    static Optional<PackSharedCounts> of(WmsService wms, Principal who, Pack p) {
        List<ProtectedCounts.Table> current = tables(wms, who, p.request().period());
        List<String> feeds = current.get(0).view().restricted().stream().sorted().toList();
        if (feeds.isEmpty()) {
            return Optional.empty();
        }
        String rule = current.get(0).rule().describe() + ", month by month";
        String code = p.area().code();
        List<String> categories = p.request().categories();
        if (!p.request().period().wholeMonths()) {
            return Optional.of(new PackSharedCounts(feeds, rule, List.of(),
                    Optional.of("the pack's period is not whole months, and these feeds are counted by month only")));
        }
        ProtectedCounts.Count total = ProtectedCounts.overMonths(current, code,
                new ProtectedCounts.Selection(feeds, categories));
        if (!total.withheld().isEmpty() || !current.get(0).covers(code)) {
            String middle = current.get(0).middleLevel().equals("msoa") ? "MSOA" : "ward";
            String why = current.get(0).node(code) < 0
                    ? "this installation counts these feeds by LSOA, " + middle + " and district only"
                    : "these feeds are counted by whole category group only";
            return Optional.of(new PackSharedCounts(feeds, rule, List.of(), Optional.of(why)));
        }
        List<ProtectedCounts.Table> previous = p.previousKnown() ? tables(wms, who, p.previous()) : null;
        List<ProtectedCounts.Table> yearEarlier = p.yearEarlierKnown() ? tables(wms, who, p.yearEarlier()) : null;
        List<Row> rows = new ArrayList<>();
        for (String g : current.get(0).groups()) {
            if (categories.isEmpty() || categories.contains(g)) {
                ProtectedCounts.Selection sel = new ProtectedCounts.Selection(feeds, List.of(g));
                rows.add(new Row(g, value(current, code, sel), value(previous, code, sel),
                        value(yearEarlier, code, sel)));
            }
        }
        ProtectedCounts.Selection all = new ProtectedCounts.Selection(feeds, categories);
        rows.add(new Row("all", total.value(), value(previous, code, all), value(yearEarlier, code, all)));
        return Optional.of(new PackSharedCounts(feeds, rule, rows, Optional.empty()));
    }

    private static List<ProtectedCounts.Table> tables(WmsService wms, Principal who, Period period) {
        List<ProtectedCounts.Table> out = new ArrayList<>();
        for (YearMonth m : period.months()) {
            out.add(wms.countsTable(who, Period.of(m)));
        }
        return out;
    }

    private static Double value(List<ProtectedCounts.Table> tables, String code, ProtectedCounts.Selection sel) {
        return tables == null ? null : ProtectedCounts.overMonths(tables, code, sel).value();
    }
}
