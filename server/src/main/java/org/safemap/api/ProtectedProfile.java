package org.safemap.api;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.map.WmsService;
import org.safemap.runs.Period;
import org.safemap.runs.Selection;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtectedCounts;

/**
 * The part of a named area's profile drawn from feeds its reader sees only as aggregates (and reduced points): their
 * count for the area, by category group and by month, read from the reader's protected tables, the very cells the
 * map's count layers publish ({@link WmsService#countsTable}). So the profile shows nothing the map does not, and
 * the two cannot be differenced against each other. A month's suppressed cell makes every sum over it suppressed,
 * as a range of months on the map is.
 *
 * <p>The tables count those feeds together, by area, month and whole category group only: a profile narrowed by
 * feed, hour, weekday or a category short of its group gets the reason instead of numbers.
 */
final class ProtectedProfile {
    private final WmsService wms;

    ProtectedProfile(WmsService wms) {
        this.wms = wms;
    }

    /**
     * The section for {@code code} under {@code s}, or null when the reader sees no feed as aggregates only.
     *
     * @return feeds, available (and if not, reason), rule, records, suppressed, groups, months
     */
    Map<String, Object> of(Principal who, String code, Selection s) {
        List<YearMonth> months = s.period().months();
        List<ProtectedCounts.Table> tables = new ArrayList<>();
        for (YearMonth m : months) {
            tables.add(wms.countsTable(who, Period.of(m)));
        }
        List<String> restricted = tables.get(0).view().restricted().stream().sorted().toList();
        if (restricted.isEmpty()) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("feeds", restricted);
        String reason = narrowing(s);
        if (reason == null && !tables.get(0).covers(code)) {
            reason = "these feeds are counted by LSOA, " + (tables.get(0).middleLevel().equals("msoa") ? "MSOA"
                    : "ward") + " and district, and " + code + " is none of them";
        }
        ProtectedCounts.Selection all = new ProtectedCounts.Selection(restricted, s.categories());
        Sum total = reason == null ? sum(tables, code, all) : null;
        if (total != null && total.withheld) {
            String middle = tables.get(0).middleLevel();
            reason = tables.get(0).node(code) < 0
                    ? "this installation counts these feeds per " + (middle.equals("msoa") ? "MSOA, not per ward"
                    : "ward, not per MSOA")
                    : "these feeds are counted by whole category group only";
        }
        if (reason != null) {
            out.put("available", false);
            out.put("reason", reason);
            return out;
        }
        out.put("available", true);
        out.put("rule", tables.get(0).rule().describe() + ", month by month");
        out.put("records", total.value);
        out.put("suppressed", total.value == null);
        Map<String, Object> groups = new LinkedHashMap<>();
        for (String g : tables.get(0).groups()) {
            if (s.categories().isEmpty() || s.categories().contains(g)) {
                groups.put(g, sum(tables, code, new ProtectedCounts.Selection(restricted, List.of(g))).value);
            }
        }
        out.put("groups", groups);
        List<Map<String, Object>> byMonth = new ArrayList<>();
        for (int k = 0; k < months.size(); k++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("month", months.get(k).toString());
            m.put("records", sum(List.of(tables.get(k)), code, all).value);
            byMonth.add(m);
        }
        out.put("months", byMonth);
        return out;
    }

    /** Why a selection cannot be answered from the tables, or null. */
    private static String narrowing(Selection s) {
        if (!s.feeds().isEmpty()) {
            return "a feed filter is set, and these feeds are counted only together";
        }
        if (!all(s.hours()) || !all(s.weekdays())) {
            return "an hour or weekday filter is set, and these feeds are counted by month only";
        }
        if (!s.period().wholeMonths()) {
            return "the period is not whole months, and these feeds are counted by month only";
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

    /** A published sum over months: null when any month's cell is suppressed. */
    private record Sum(Double value, boolean withheld) {
    }

    private static Sum sum(List<ProtectedCounts.Table> tables, String code, ProtectedCounts.Selection sel) {
        ProtectedCounts.Count c = ProtectedCounts.overMonths(tables, code, sel);
        return new Sum(c.value(), !c.withheld().isEmpty());
    }
}
