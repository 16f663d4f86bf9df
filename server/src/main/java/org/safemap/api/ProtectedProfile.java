package org.safemap.api;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safemap.runs.Selection;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.SharedCounts;

/**
 * The part of a named area's profile drawn from feeds its reader sees only as aggregates (and reduced points): their
 * count for the area, by category group and by month, read from the reader's protected tables, the very cells the
 * map's count layers publish ({@link ProtectedCounts#tables(Principal, org.safemap.time.Period)}). So the profile shows nothing the map does not, and
 * the two cannot be differenced against each other ({@link SharedCounts}).
 *
 * <p>The tables count those feeds together, by area, month and whole category group only: a profile narrowed by
 * feed, hour, weekday or a category short of its group gets the reason instead of numbers.
 */
final class ProtectedProfile {
    private final ProtectedCounts counts;

    ProtectedProfile(ProtectedCounts counts) {
        this.counts = counts;
    }

    /**
     * The section for {@code code} under {@code s}, or null when the reader sees no feed as aggregates only.
     *
     * @return feeds, available (and if not, reason), rule, records, suppressed, groups, months
     */
    Map<String, Object> of(Principal who, String code, Selection s) {
        List<YearMonth> months = s.period().months();
        Optional<SharedCounts> shared =
                SharedCounts.of(s.period(), counts.tables(who, s.period()), code, s.categories());
        if (shared.isEmpty()) {
            return null;
        }
        SharedCounts c = shared.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("feeds", c.feeds());
        Optional<String> reason = Optional.ofNullable(narrowing(s)).or(c::reason);
        if (reason.isPresent()) {
            out.put("available", false);
            out.put("reason", reason.get());
            return out;
        }
        out.put("available", true);
        out.put("rule", c.rule());
        out.put("records", c.records());
        out.put("suppressed", c.records() == null);
        out.put("groups", c.groups());
        List<Map<String, Object>> byMonth = new ArrayList<>();
        for (int k = 0; k < months.size(); k++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("month", months.get(k).toString());
            m.put("records", c.monthly().get(k));
            byMonth.add(m);
        }
        out.put("months", byMonth);
        List<Map<String, Object>> partners = new ArrayList<>();
        for (SharedCounts.Partner p : c.partners()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("partner", p.partner());
            m.put("name", p.name());
            m.put("feeds", p.feeds());
            m.put("rule", p.rule());
            m.put("records", p.records());
            m.put("groups", p.groups());
            List<Map<String, Object>> pm = new ArrayList<>();
            for (int k = 0; k < months.size(); k++) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("month", months.get(k).toString());
                one.put("records", p.monthly().get(k));
                pm.add(one);
            }
            m.put("months", pm);
            partners.add(m);
        }
        out.put("partners", partners);
        return out;
    }

    /** Why a selection cannot be answered from the tables (which are by area, month and group), or null. */
    private static String narrowing(Selection s) {
        if (!s.feeds().isEmpty()) {
            return "a feed filter is set, and these feeds are counted only partner by partner, each partner's feeds "
                    + "together";
        }
        if (!all(s.hours()) || !all(s.weekdays())) {
            return "an hour or weekday filter is set, and these feeds are counted by month only";
        }
        return null;
    }

    private static boolean all(boolean[] flags) {
        if (flags == null) {
            return true;
        }
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }
}
