package org.safemap.sharing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safemap.time.Period;

/**
 * One area's counts of the feeds its reader sees only below points, over a period, as area profiles and tasking
 * packs show them: cells of the published tables ({@link ProtectedCounts}), the very ones the map's count layers
 * publish, summed over the period's months ({@link ProtectedCounts#overMonths}), partner by partner
 * ({@link SharingGroup}) and in total. Or, when the tables cannot answer, the reason.
 *
 * @param feeds    the feeds counted
 * @param rule     the suppression rules, for readers
 * @param records  the period's count over every partner; null when any part is suppressed (or unavailable)
 * @param groups   the count by category group (those asked for, or all); null values suppressed
 * @param monthly  each month's count, in order; null values suppressed
 * @param partners the same, partner by partner
 * @param reason   why there are no numbers, or empty
 */
public record SharedCounts(
        List<String> feeds,
        String rule,
        Double records,
        Map<String, Double> groups,
        List<Double> monthly,
        List<Partner> partners,
        Optional<String> reason) {

    /**
     * One partner's (one sharing group's) counts.
     *
     * @param partner the partner id
     * @param name    the partner's name
     * @param feeds   its feeds
     * @param rule    its protocol's rule, in words
     * @param records the period's count, null when suppressed
     * @param groups  by category group, null values suppressed
     * @param monthly by month, null values suppressed
     */
    public record Partner(
            String partner,
            String name,
            List<String> feeds,
            String rule,
            Double records,
            Map<String, Double> groups,
            List<Double> monthly) {}

    /**
     * The shared counts of {@code code} over {@code period}, whose months' tables are {@code months}, narrowed to
     * {@code categories} (empty: all); empty when the reader sees no feed below points.
     */
    public static Optional<SharedCounts> of(
            Period period, List<ProtectedCounts.Table> months, String code, List<String> categories) {
        ProtectedCounts.Table first = months.get(0);
        List<SharingGroup> sharing = first.sharingGroups();
        if (sharing.isEmpty()) {
            return Optional.empty();
        }
        List<String> feeds =
                sharing.stream().flatMap(g -> g.feeds().stream()).sorted().toList();
        String rule = rules(sharing) + ", month by month";
        String middle = first.middleLevel().equals("msoa") ? "MSOA" : "ward";
        String reason = null;
        if (!period.wholeMonths()) {
            reason = "the period is not whole months, and these feeds are counted by month only";
        } else if (!first.covers(code)) {
            reason = "these feeds are counted by LSOA, " + middle + " and district, and " + code + " is none of them";
        } else if (!first.isNode(code)) {
            reason = "this installation counts these feeds per " + middle + ", not per "
                    + (middle.equals("MSOA") ? "ward" : "MSOA");
        } else if (!first.area(code, new ProtectedCounts.Selection(feeds, categories))
                .withheld()
                .isEmpty()) {
            reason = "these feeds are counted by whole category group only";
        }
        if (reason != null) {
            return Optional.of(
                    new SharedCounts(feeds, rule, null, Map.of(), List.of(), List.of(), Optional.of(reason)));
        }
        List<Partner> partners = new ArrayList<>();
        for (SharingGroup g : sharing) {
            partners.add(new Partner(
                    g.partner(),
                    g.name(),
                    g.feeds(),
                    g.rule().describe(),
                    sum(months, code, g.feeds(), categories),
                    byGroup(first.groups(), categories, c -> sum(months, code, g.feeds(), c)),
                    byMonth(months, m -> sum(List.of(m), code, g.feeds(), categories))));
        }
        return Optional.of(new SharedCounts(
                feeds,
                rule,
                sum(months, code, feeds, categories),
                byGroup(first.groups(), categories, c -> sum(months, code, feeds, c)),
                byMonth(months, m -> sum(List.of(m), code, feeds, categories)),
                partners,
                Optional.empty()));
    }

    /** The rules of these groups, for readers: "Fire and rescue (fire-irs): counts 1 to 3 are suppressed ...". */
    public static String rules(List<SharingGroup> groups) {
        List<String> out = new ArrayList<>();
        for (SharingGroup g : groups) {
            out.add(g.name() + " (" + String.join(", ", g.feeds()) + "): "
                    + g.rule().describe());
        }
        return String.join("; ", out);
    }

    public boolean available() {
        return reason.isEmpty();
    }

    private static Double sum(
            List<ProtectedCounts.Table> months, String code, List<String> feeds, List<String> categories) {
        return ProtectedCounts.overMonths(months, code, new ProtectedCounts.Selection(feeds, categories))
                .value();
    }

    private static Map<String, Double> byGroup(
            List<String> groups, List<String> asked, java.util.function.Function<List<String>, Double> count) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String g : groups) {
            if (asked.isEmpty() || asked.contains(g)) {
                out.put(g, count.apply(List.of(g)));
            }
        }
        return out;
    }

    private static List<Double> byMonth(
            List<ProtectedCounts.Table> months, java.util.function.Function<ProtectedCounts.Table, Double> count) {
        List<Double> out = new ArrayList<>();
        for (ProtectedCounts.Table t : months) {
            out.add(count.apply(t));
        }
        return out;
    }
}
