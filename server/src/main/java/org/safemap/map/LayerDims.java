package org.safemap.map;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.safemap.runs.Selection;
import org.safemap.sharing.FeedView;

/**
 * The dimension values one layer is drawn with. WMS clients send TIME, DIM_CATEGORY, DIM_FEED, DIM_HOURS,
 * DIM_WEEKDAYS and DIM_RUN; tile URLs send time, category, feed, hours, weekdays and run; both arrive here as the same
 * upper-case keys.
 *
 * @param time       days shown, most often whole months (null for layers without time)
 * @param categories category or group codes asked for (empty: the layer's own)
 * @param feeds      feeds drawn: the layer's own, narrowed by DIM_FEED
 * @param run        the stored run drawn (run-areas), or null when there is none yet
 * @param view       the requester's level for each feed that shapes this layer's picture (none for layers without
 *                   partner data), so principals who see the same share cached pictures and others never do
 * @param baseline   the earlier period a change layer compares {@code time} with (DIM_BASELINE), or null for layers
 *                   that compare nothing
 * @param hours      hours of the day drawn (24 flags, UK local time; DIM_HOURS), or null for every hour and for layers
 *                   that do not take them ({@link LayerKind#timeOfWeek})
 * @param weekdays   days drawn (7 flags, Monday first; DIM_WEEKDAYS), or null for every day, as {@code hours}
 */
public record LayerDims(
        TimeDimension time,
        List<String> categories,
        List<String> feeds,
        Long run,
        FeedView view,
        TimeDimension baseline,
        boolean[] hours,
        boolean[] weekdays) {
    static final FeedView NO_FEEDS = new FeedView(Map.of());
    /** DIM_BASELINE's default, spelt out for WMTS (whose dimensions must name one): as many months just before TIME. */
    static final String PREVIOUS = "previous";

    /** The cache key part: everything that changes the picture. */
    String key() {
        return (time == null ? "" : time.text()) + "|" + String.join(",", categories) + "|" + String.join(",", feeds)
                + "|" + (run == null ? "" : run) + "|" + view.key() + "|" + (baseline == null ? "" : baseline.text())
                + "|" + (hours == null ? "" : hoursText()) + "|" + (weekdays == null ? "" : weekdaysText());
    }

    LayerDims withView(FeedView v) {
        return new LayerDims(time, categories, feeds, run, v, baseline, hours, weekdays);
    }

    /** The same dimensions drawn over every hour and day: for layers whose data have no hours. */
    LayerDims everyHour() {
        return new LayerDims(time, categories, feeds, run, view, baseline, null, null);
    }

    /** The same selection over the baseline period, comparing nothing: what the change is measured from. */
    LayerDims atBaseline() {
        return new LayerDims(baseline, categories, feeds, run, view, null, hours, weekdays);
    }

    /** The same selection over the compared (later) period, comparing nothing. */
    LayerDims atTime() {
        return new LayerDims(time, categories, feeds, run, view, null, hours, weekdays);
    }

    /** Whether hours or days narrow the records drawn. */
    boolean filtersTimeOfWeek() {
        return hours != null || weekdays != null;
    }

    /**
     * Whether the selection is finer than restricted feeds are published at (whole months, every hour and day): part
     * of a month, or some hours or days of the week.
     */
    boolean finerThanPublished() {
        return time != null && !time.wholeMonths() || filtersTimeOfWeek();
    }

    /** The hours drawn as the API writes them ("22-3"), "all" for every hour. */
    String hoursText() {
        return hours == null ? "all" : Selection.hoursText(hours);
    }

    /** The days drawn as the API writes them ("fri-sun"), "all" for every day. */
    String weekdaysText() {
        return weekdays == null ? "all" : Selection.weekdaysText(weekdays);
    }

    /** The dimensions of a layer that takes none. */
    static final LayerDims NONE = new LayerDims(null, List.of(), List.of(), null, NO_FEEDS, null, null, null);

    /**
     * DIM_RUN of a run layer: the run asked for, or the newest.
     *
     * @param runs completed runs of the layer, newest first
     */
    static LayerDims run(LayerCatalogue.Layer layer, Map<String, String> params, List<Long> runs) {
        String asked = dim(params, "RUN");
        if (asked == null || asked.isBlank() || asked.equalsIgnoreCase("latest")) {
            return new LayerDims(
                    null, List.of(), List.of(), runs.isEmpty() ? null : runs.get(0), NO_FEEDS, null, null, null);
        }
        try {
            long id = Long.parseLong(asked.trim());
            if (!runs.contains(id)) {
                throw new OgcException(
                        "InvalidDimensionValue",
                        "DIM_RUN",
                        "run " + asked + " is not a completed "
                                + layer.source().runKind() + " run with "
                                + layer.source().level() + " results; "
                                + (runs.isEmpty() ? "there is none yet" : "the default is " + runs.get(0)));
            }
            return new LayerDims(null, List.of(), List.of(), id, NO_FEEDS, null, null, null);
        } catch (NumberFormatException e) {
            throw new OgcException("InvalidDimensionValue", "DIM_RUN", "DIM_RUN " + asked + " is not a run id");
        }
    }

    /**
     * TIME, DIM_CATEGORY and DIM_FEED of a layer of incidents.
     *
     * @param params request parameters, keys upper-case
     */
    static LayerDims timed(LayerCatalogue.Layer layer, Map<String, String> params, MapState state) {
        String asked = params.get("TIME");
        TimeDimension time = !state.hasRecords()
                ? null
                : asked == null || asked.isBlank()
                        ? layer.kind().defaultTime(state)
                        : TimeDimension.parse(asked, state.firstMonth(), state.lastMonth());
        if (time == null && params.get("TIME") != null && !params.get("TIME").isBlank()) {
            throw new OgcException(
                    "InvalidDimensionValue",
                    "TIME",
                    "TIME " + params.get("TIME") + " is outside the data: no records are loaded yet");
        }
        if (time != null && !time.wholeMonths() && !layer.kind().drawsDays()) {
            // Drawing the whole months instead would show more than was asked under the days' name.
            throw new OgcException(
                    "InvalidDimensionValue",
                    "TIME",
                    "TIME " + asked + " is part of a month, and layer " + layer.name() + " draws whole months only"
                            + " (" + layer.kind().code() + "); ask for "
                            + time.touchedMonths().text());
        }
        List<String> categories = list(dim(params, "CATEGORY"));
        Set<String> known = categories(layer, state);
        for (String c : categories) {
            if (!known.contains(c)) {
                throw new OgcException(
                        "InvalidDimensionValue",
                        "DIM_CATEGORY",
                        (state.names("category").contains(c)
                                                || state.names("group").contains(c)
                                        ? "layer " + layer.name() + " does not draw category " + c
                                        : "category " + c + " is not a category or group code")
                                + "; its values are " + String.join(",", known));
            }
        }
        List<String> feeds = list(dim(params, "FEED"));
        List<String> allowed = layer.source().feeds();
        for (String f : feeds) {
            if (!state.names("feed").contains(f) && !allowed.contains(f)) {
                throw new OgcException("InvalidDimensionValue", "DIM_FEED", "feed " + f + " is not a loaded feed");
            }
            if (!allowed.isEmpty() && !allowed.contains(f)) {
                throw new OgcException(
                        "InvalidDimensionValue",
                        "DIM_FEED",
                        "layer " + layer.name() + " draws only from " + String.join(", ", allowed));
            }
        }
        return new LayerDims(
                time,
                categories,
                feeds.isEmpty() ? allowed : feeds,
                null,
                NO_FEEDS,
                null,
                mask(params, "HOURS", Selection::parseHours),
                mask(params, "WEEKDAYS", Selection::parseWeekdays));
    }

    /**
     * DIM_HOURS or DIM_WEEKDAYS in the API's syntax ({@link Selection#parseHours}, {@link Selection#parseWeekdays}),
     * or null for "all", none, or a value that keeps every hour (the same picture, so the same cached one).
     */
    private static boolean[] mask(
            Map<String, String> params, String name, java.util.function.Function<String, boolean[]> parse) {
        String asked = dim(params, name);
        if (asked == null || asked.isBlank() || asked.trim().equalsIgnoreCase("all")) {
            return null;
        }
        boolean[] mask;
        try {
            mask = parse.apply(asked);
        } catch (IllegalArgumentException e) {
            throw new OgcException("InvalidDimensionValue", "DIM_" + name, e.getMessage());
        }
        for (boolean b : mask) {
            if (!b) {
                return mask;
            }
        }
        return null;
    }

    /**
     * A change layer's dimensions: those of {@link #timed} (TIME is the later period) and DIM_BASELINE, the earlier
     * period, in TIME's spelling. Without DIM_BASELINE the baseline is the run of months of the same length just
     * before TIME (of days, when TIME is days), as "this quarter against last quarter" is the usual question.
     */
    static LayerDims compared(LayerCatalogue.Layer layer, Map<String, String> params, MapState state) {
        LayerDims d = timed(layer, params, state);
        if (d.time() == null) {
            return d;
        }
        String asked = dim(params, "BASELINE");
        TimeDimension baseline;
        if (asked == null || asked.isBlank() || asked.equalsIgnoreCase(PREVIOUS)) {
            if (d.time().from().isBefore(state.firstMonth().atDay(2))) {
                throw new OgcException(
                        "InvalidDimensionValue",
                        "DIM_BASELINE",
                        "TIME " + d.time().text() + " starts with the data, so there is no earlier period to compare "
                                + "it with; give DIM_BASELINE");
            }
            if (d.time().wholeMonths()) {
                int months = d.time().months();
                java.time.YearMonth last = d.time().firstMonth().minusMonths(1);
                java.time.YearMonth first = last.minusMonths(months - 1);
                baseline = TimeDimension.months(first.isBefore(state.firstMonth()) ? state.firstMonth() : first, last);
            } else {
                // as many days just before, from the data's first day at the earliest
                java.time.LocalDate last = d.time().from().minusDays(1);
                java.time.LocalDate first = last.minusDays(d.time().days() - 1);
                java.time.LocalDate dataFirst = state.firstMonth().atDay(1);
                baseline = new TimeDimension(first.isBefore(dataFirst) ? dataFirst : first, last);
            }
        } else {
            try {
                baseline = TimeDimension.parse(asked, state.firstMonth(), state.lastMonth());
            } catch (OgcException e) {
                throw new OgcException(
                        "InvalidDimensionValue", "DIM_BASELINE", e.getMessage().replaceFirst("^TIME", "DIM_BASELINE"));
            }
            if (!baseline.wholeMonths() && !layer.kind().drawsDays()) {
                throw new OgcException(
                        "InvalidDimensionValue",
                        "DIM_BASELINE",
                        "DIM_BASELINE " + asked + " is part of a month, and layer " + layer.name()
                                + " compares whole months only; ask for "
                                + baseline.touchedMonths().text());
            }
        }
        return new LayerDims(d.time(), d.categories(), d.feeds(), null, NO_FEEDS, baseline, d.hours(), d.weekdays());
    }

    /**
     * The category dimension's values of a layer: groups, then categories, sorted. A density or points layer draws
     * only its own groups (every group when it names none), so only those groups and their categories draw; a
     * count layer takes DIM_CATEGORY in place of its groups, so every code.
     */
    static Set<String> categories(LayerCatalogue.Layer layer, MapState state) {
        List<String> groups = layer.source().groups();
        Set<String> out = new LinkedHashSet<>();
        if (groups.isEmpty() || layer.kind().categoriesReplaceGroups()) {
            out.addAll(new java.util.TreeSet<>(state.names("group")));
            out.addAll(new java.util.TreeSet<>(state.names("category")));
            return out;
        }
        java.util.TreeSet<String> categories = new java.util.TreeSet<>();
        for (String g : new java.util.TreeSet<>(groups)) {
            if (state.names("group").contains(g)) {
                out.add(g);
                categories.addAll(state.names("group:" + g));
            }
        }
        out.addAll(categories);
        return out;
    }

    /** A custom dimension: DIM_NAME in WMS, NAME in tile URLs. */
    private static String dim(Map<String, String> params, String name) {
        String v = params.get("DIM_" + name);
        return v != null ? v : params.get(name);
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String part : value.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.equals("all")) {
                return new ArrayList<>(); // the advertised default: no narrowing
            }
            if (!p.isEmpty() && !out.contains(p)) {
                out.add(p);
            }
        }
        out.sort(String::compareTo);
        return out;
    }
}
