package org.safemap.runs;

import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.safemap.time.Period;

/**
 * Which records a computation reads: the filters every hotspot computation takes.
 *
 * @param period          records that happened in it (see {@link #aoristic})
 * @param categories      common taxonomy codes or group codes; empty for all
 * @param feeds           feed names; empty for all
 * @param hours           hours of the day (local time) to keep, 24 flags; null for all
 * @param weekdays        days to keep, Monday first, 7 flags; null for all
 * @param area            area of interest; absent for every area loaded
 * @param maxPrecisionM   drop records placed less precisely than this many metres; absent keeps all
 * @param aoristic        records known only to a time window count by the share of the window inside the period and
 *                        the chosen hours and days (Ratcliffe); otherwise a record counts fully when its start does
 * @param events          count one record per linked event (the most precisely placed), not every feed's record
 */
public record Selection(
        Period period,
        List<String> categories,
        List<String> feeds,
        boolean[] hours,
        boolean[] weekdays,
        Optional<AreaOfInterest> area,
        Optional<Double> maxPrecisionM,
        boolean aoristic,
        boolean events) {

    /** Areas of one level by code, or a polygon in EPSG:27700 as WKT. */
    public record AreaOfInterest(String level, List<String> codes, String wkt) {
        public static AreaOfInterest codes(String level, List<String> codes) {
            return new AreaOfInterest(level, List.copyOf(codes), null);
        }

        public static AreaOfInterest polygon(String wkt) {
            return new AreaOfInterest(null, List.of(), wkt);
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (wkt != null) {
                m.put("wkt", wkt);
            } else {
                m.put("level", level);
                m.put("codes", codes);
            }
            return m;
        }
    }

    public Selection {
        categories = List.copyOf(categories);
        feeds = List.copyOf(feeds);
        if (hours != null && hours.length != 24 || weekdays != null && weekdays.length != 7) {
            throw new IllegalArgumentException("hours need 24 flags and weekdays 7");
        }
    }

    public static Selection of(Period period) {
        return new Selection(period, List.of(), List.of(), null, null, Optional.empty(), Optional.empty(), true, true);
    }

    public Selection withPeriod(Period p) {
        return new Selection(p, categories, feeds, hours, weekdays, area, maxPrecisionM, aoristic, events);
    }

    public Selection withFeeds(List<String> f) {
        return new Selection(period, categories, f, hours, weekdays, area, maxPrecisionM, aoristic, events);
    }

    public Selection withCategories(List<String> c) {
        return new Selection(period, c, feeds, hours, weekdays, area, maxPrecisionM, aoristic, events);
    }

    public Selection withAoristic(boolean a) {
        return new Selection(period, categories, feeds, hours, weekdays, area, maxPrecisionM, a, events);
    }

    public boolean filtersTimeOfWeek() {
        return hours != null || weekdays != null;
    }

    /** Hours as analysts write them: "18-23,0-5" or "22,23,0,1" (a range may wrap past midnight: "22-2"). */
    public static boolean[] parseHours(String text) {
        boolean[] mask = new boolean[24];
        for (String part : text.split(",")) {
            String p = part.trim();
            String[] ends = p.split("-");
            try {
                int a = Integer.parseInt(ends[0].trim());
                int b = ends.length == 2 ? Integer.parseInt(ends[1].trim()) : a;
                if (ends.length > 2 || a < 0 || a > 23 || b < 0 || b > 23) {
                    throw new NumberFormatException();
                }
                for (int h = a; ; h = (h + 1) % 24) {
                    mask[h] = true;
                    if (h == b) {
                        break;
                    }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "hours '" + text + "': '" + p + "' is not an hour 0-23 or a range " + "like 18-23");
            }
        }
        return mask;
    }

    /** Weekdays as "mon-fri", "sat,sun" or "fri-sun". */
    public static boolean[] parseWeekdays(String text) {
        boolean[] mask = new boolean[7];
        for (String part : text.split(",")) {
            String[] ends = part.trim().split("-");
            if (ends.length > 2) {
                throw new IllegalArgumentException("weekdays '" + text + "': '" + part + "' is not a day or range");
            }
            int a = day(ends[0], text);
            int b = ends.length == 2 ? day(ends[1], text) : a;
            for (int d = a; ; d = (d + 1) % 7) {
                mask[d] = true;
                if (d == b) {
                    break;
                }
            }
        }
        return mask;
    }

    private static int day(String s, String whole) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (t.length() >= 3 && d.name().toLowerCase(Locale.ROOT).startsWith(t)) {
                return d.getValue() - 1;
            }
        }
        throw new IllegalArgumentException("weekdays '" + whole + "': '" + s.trim() + "' is not a day (mon, tue ...)");
    }

    /**
     * Hours as {@link #parseHours} reads them, in the shortest spelling: runs of hours as ranges, a run over midnight
     * as one wrapped range ("22-3"), so equal masks are spelt alike. Null for null; "all" for every hour.
     */
    public static String hoursText(boolean[] mask) {
        return ranges(mask, i -> String.valueOf(i), "all");
    }

    /** Weekdays as {@link #parseWeekdays} reads them ("fri-sun", "mon,wed"); null for null, "all" for every day. */
    public static String weekdaysText(boolean[] mask) {
        return ranges(mask, i -> DayOfWeek.of(i + 1).name().substring(0, 3).toLowerCase(Locale.ROOT), "all");
    }

    private static String ranges(boolean[] mask, java.util.function.IntFunction<String> name, String all) {
        if (mask == null) {
            return null;
        }
        int n = mask.length;
        int start = -1;
        for (int i = 0; i < n; i++) {
            if (mask[i] && !mask[(i + n - 1) % n]) {
                start = i; // the first hour of a run: a run over the end of the cycle is read whole from here
                break;
            }
        }
        if (start < 0) {
            return mask[0] ? all : "";
        }
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (mask[i] && !mask[(i + n - 1) % n]) {
                int j = i;
                while (mask[(j + 1) % n] && (j + 1) % n != i) {
                    j = (j + 1) % n;
                }
                parts.add(i == j ? name.apply(i) : name.apply(i) + "-" + name.apply(j));
            }
        }
        return String.join(",", parts);
    }

    /** Every filter written out, for the run's stored parameters. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("period", period.label());
        m.put("from", period.from().toString());
        m.put("to", period.to().toString());
        m.put("categories", categories);
        m.put("feeds", feeds);
        m.put("hours", hours == null ? null : indexes(hours));
        m.put(
                "weekdays",
                weekdays == null
                        ? null
                        : indexes(weekdays).stream()
                                .map(i -> DayOfWeek.of(i + 1)
                                        .name()
                                        .substring(0, 3)
                                        .toLowerCase(Locale.ROOT))
                                .toList());
        m.put("area", area.map(AreaOfInterest::describe).orElse(null));
        m.put("maxPrecisionM", maxPrecisionM.orElse(null));
        m.put("aoristic", aoristic);
        m.put("countEvents", events);
        return m;
    }

    private static List<Integer> indexes(boolean[] mask) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                out.add(i);
            }
        }
        return out;
    }
}
