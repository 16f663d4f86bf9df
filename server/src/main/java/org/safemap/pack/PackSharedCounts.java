package org.safemap.pack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.SharedCounts;
import org.safemap.time.Period;

/**
 * The pack's "Shared as counts" table: the area's counts of the feeds its reader sees only as aggregates (or reduced
 * points), which the pack's exact counts leave out, for the period and its two comparisons. Each column is a
 * {@link SharedCounts} over the reader's protected tables ({@link ProtectedCounts#tables(Principal, Period)}), the very cells the map's
 * count layers and the area profile publish, so no two of them can be differenced.
 *
 * @param feeds       the feeds counted together
 * @param rule        the suppression rule, for readers
 * @param rows        by category group, then the total ({@code group} "all"); a null value is suppressed, and the
 *                    comparison columns are null too when the pack does not show that period
 * @param partners    the total partner by partner ({@code group} is the partner's name), as {@code rows}
 * @param unavailable why there are no numbers, else empty
 * @param hotspots    each hot spot's counts in the period, by its LSOA code, from the same tables (an LSOA is a
 *                    cell of them): partner by partner, suppressed cells null
 */
record PackSharedCounts(
        List<String> feeds,
        String rule,
        List<Row> rows,
        List<Row> partners,
        Optional<String> unavailable,
        Map<String, SharedCounts> hotspots) {
    record Row(String group, Double current, Double previous, Double yearEarlier) {}

    /** The section for {@code who}, or empty when they see every feed of the area's tables as points. */
    static Optional<PackSharedCounts> of(ProtectedCounts counts, Principal who, Pack p) {
        String code = p.area().code();
        List<String> categories = p.request().categories();
        Optional<SharedCounts> found = SharedCounts.of(
                p.request().period(), counts.tables(who, p.request().period()), code, categories);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        SharedCounts current = found.get();
        if (p.request().hours() != null || p.request().weekdays() != null) {
            // The published tables count whole months: a count for some hours or days would be a new, unprotected cell.
            return Optional.of(new PackSharedCounts(
                    current.feeds(),
                    current.rule(),
                    List.of(),
                    List.of(),
                    Optional.of("these feeds are counted by whole month only, not by hour or day of the week"),
                    Map.of()));
        }
        List<ProtectedCounts.Table> tables = counts.tables(who, p.request().period());
        Map<String, SharedCounts> hotspots = new LinkedHashMap<>();
        for (Pack.Hotspot h : p.hotspots()) {
            SharedCounts.of(p.request().period(), tables, h.code(), categories)
                    .ifPresent(c -> hotspots.put(h.code(), c));
        }
        if (!current.available()) {
            return Optional.of(new PackSharedCounts(
                    current.feeds(), current.rule(), List.of(), List.of(), current.reason(), hotspots));
        }
        SharedCounts previous = p.previousKnown() ? period(counts, who, p.previous(), code, categories) : null;
        SharedCounts yearEarlier = p.yearEarlierKnown() ? period(counts, who, p.yearEarlier(), code, categories) : null;
        List<Row> rows = new ArrayList<>();
        current.groups().forEach((g, n) -> rows.add(new Row(g, n, group(previous, g), group(yearEarlier, g))));
        rows.add(new Row(
                "all",
                current.records(),
                previous == null ? null : previous.records(),
                yearEarlier == null ? null : yearEarlier.records()));
        List<Row> partners = new ArrayList<>();
        for (int k = 0; k < current.partners().size(); k++) {
            SharedCounts.Partner c = current.partners().get(k);
            partners.add(new Row(
                    c.name(),
                    c.records(),
                    previous == null ? null : previous.partners().get(k).records(),
                    yearEarlier == null ? null : yearEarlier.partners().get(k).records()));
        }
        return Optional.of(
                new PackSharedCounts(current.feeds(), current.rule(), rows, partners, Optional.empty(), hotspots));
    }

    private static SharedCounts period(
            ProtectedCounts counts, Principal who, Period period, String code, List<String> categories) {
        return SharedCounts.of(period, counts.tables(who, period), code, categories)
                .orElseThrow();
    }

    private static Double group(SharedCounts c, String group) {
        return c == null ? null : c.groups().get(group);
    }
}
