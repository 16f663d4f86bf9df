package org.safemap.sharing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safemap.runs.Period;

/**
 * One area's counts of the feeds its reader sees only below points, over a period, as area profiles and tasking
 * packs show them: cells of the reader's monthly protected tables ({@link ProtectedCounts}), the very ones the map's
 * count layers publish, summed over the period's months ({@link ProtectedCounts#overMonths}). Or, when the tables
 * cannot answer, the reason.
 *
 * @param feeds   the feeds counted together
 * @param rule    the suppression rule, for readers
 * @param records the period's count; null when suppressed (or unavailable)
 * @param groups  the count by category group (those asked for, or all); null values suppressed
 * @param monthly each month's count, in order; null values suppressed
 * @param reason  why there are no numbers, or empty
 */
public record SharedCounts(List<String> feeds, String rule, Double records, Map<String, Double> groups,
                           List<Double> monthly, Optional<String> reason) {

    /**
     * The shared counts of {@code code} over {@code period}, whose months' tables are {@code months}, narrowed to
     * {@code categories} (empty: all); empty when the reader sees every feed of the tables as points.
     */
    public static Optional<SharedCounts> of(Period period, List<ProtectedCounts.Table> months, String code,
                                            List<String> categories) {
        ProtectedCounts.Table first = months.get(0);
        List<String> feeds = first.view().restricted().stream().sorted().toList();
        if (feeds.isEmpty()) {
            return Optional.empty();
        }
        String rule = first.rule().describe() + ", month by month";
        String middle = first.middleLevel().equals("msoa") ? "MSOA" : "ward";
        ProtectedCounts.Selection all = new ProtectedCounts.Selection(feeds, categories);
        String reason = null;
        if (!period.wholeMonths()) {
            reason = "the period is not whole months, and these feeds are counted by month only";
        } else if (!first.covers(code)) {
            reason = "these feeds are counted by LSOA, " + middle + " and district, and " + code + " is none of them";
        } else if (!first.area(code, all).withheld().isEmpty()) {
            reason = first.node(code) < 0
                    ? "this installation counts these feeds per " + middle + ", not per "
                    + (middle.equals("MSOA") ? "ward" : "MSOA")
                    : "these feeds are counted by whole category group only";
        }
        if (reason != null) {
            return Optional.of(new SharedCounts(feeds, rule, null, Map.of(), List.of(), Optional.of(reason)));
        }
        Map<String, Double> groups = new LinkedHashMap<>();
        for (String g : first.groups()) {
            if (categories.isEmpty() || categories.contains(g)) {
                groups.put(g, ProtectedCounts.overMonths(months, code,
                        new ProtectedCounts.Selection(feeds, List.of(g))).value());
            }
        }
        List<Double> monthly = new ArrayList<>();
        for (ProtectedCounts.Table t : months) {
            monthly.add(ProtectedCounts.overMonths(List.of(t), code, all).value());
        }
        return Optional.of(new SharedCounts(feeds, rule, ProtectedCounts.overMonths(months, code, all).value(),
                groups, monthly, Optional.empty()));
    }

    public boolean available() {
        return reason.isEmpty();
    }
}
