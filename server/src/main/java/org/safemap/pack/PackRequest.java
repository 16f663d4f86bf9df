package org.safemap.pack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.runs.Selection;
import org.safemap.time.Period;
import org.safemap.time.PeriodLimit;

/**
 * What a tasking pack covers.
 *
 * @param area       ONS code of a district, MSOA, ward or LSOA, the same with its level ({@code lsoa:E01006512}), a
 *                   custom area ({@code custom:beats:B12}), or {@link #DRAWN} with {@code shape}
 * @param period     the period reported on (a month, a quarter, any range)
 * @param top        how many hot spots to list, 1 to {@link #MAX_TOP}
 * @param categories taxonomy codes or groups; empty for all
 * @param feeds      feed names; empty for all
 * @param hours      hours of the day as the viewer writes them ("18-23,0-5"), null for all
 * @param weekdays   days as the viewer writes them ("fri-sun"), null for all
 * @param shape      a drawn area: a GeoJSON Polygon in WGS84, or {@code circle:LON,LAT,RADIUS_M}; null otherwise
 */
public record PackRequest(
        String area,
        Period period,
        int top,
        List<String> categories,
        List<String> feeds,
        List<String> withheld,
        String hours,
        String weekdays,
        String shape) {
    /** The area code of a pack for a drawn shape. */
    public static final String DRAWN = "drawn";

    public static final int DEFAULT_TOP = 10;
    public static final int MAX_TOP = 30;

    public PackRequest {
        categories = List.copyOf(categories);
        feeds = List.copyOf(feeds);
        withheld = List.copyOf(withheld);
        if (top < 1 || top > MAX_TOP) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "top must be 1 to " + MAX_TOP + " hot spots, got " + top);
        }
        if (area == null || !area.matches("[A-Za-z0-9_:-]{1,80}")) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "area must be an ONS code such as E08000012, got '" + area + "'");
        }
        if (area.equals(DRAWN) != (shape != null)) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "a drawn area's pack takes shape (GeoJSON) or circle (lon,lat,radius in metres) instead of area");
        }
        try {
            if (hours != null) {
                Selection.parseHours(hours);
            }
            if (weekdays != null) {
                Selection.parseWeekdays(weekdays);
            }
        } catch (IllegalArgumentException e) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, e.getMessage(), e);
        }
    }

    /** The hours kept, 24 flags, or null for all. */
    boolean[] hourMask() {
        return hours == null ? null : Selection.parseHours(hours);
    }

    /** The days kept, 7 flags Monday first, or null for all. */
    boolean[] weekdayMask() {
        return weekdays == null ? null : Selection.parseWeekdays(weekdays);
    }

    /**
     * Reads the parameters the API and the command line share: area, period, top, categories, feeds (lists comma
     * separated). Unknown names are refused so a misspelt filter is not silently ignored.
     */
    public static PackRequest parse(Map<String, String> params) {
        return parse(params, PeriodLimit.NONE);
    }

    /** As {@link #parse(Map)}, the period held to {@code limit} (an HTTP request's). */
    public static PackRequest parse(Map<String, String> params, PeriodLimit limit) {
        for (String name : params.keySet()) {
            if (!List.of(
                            "area",
                            "period",
                            "top",
                            "categories",
                            "feeds",
                            "hours",
                            "weekdays",
                            "shape",
                            "circle",
                            "format")
                    .contains(name)) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "unknown parameter '" + name + "'; a pack takes area (or shape or circle), "
                                + "period, top, categories, feeds, hours, weekdays and format");
            }
        }
        String area = params.get("area");
        String shape = blankToNull(params.get("shape"));
        String circle = blankToNull(params.get("circle"));
        if (shape != null && circle != null) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "give a drawn area's shape or its circle, not both");
        }
        if (circle != null) {
            if (!circle.matches("\\s*-?[0-9.]+\\s*,\\s*-?[0-9.]+\\s*,\\s*[0-9.]+\\s*")) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "circle must be LON,LAT,RADIUS_M, e.g. -2.98,53.40,500; got '" + circle + "'");
            }
            shape = "circle:" + circle.replace(" ", "");
        }
        if (shape != null) {
            if (area != null && !area.isBlank() && !area.equalsIgnoreCase(DRAWN)) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST, "a drawn area's pack takes shape or circle instead of area, not both");
            }
            area = DRAWN;
        }
        if (area == null || area.isBlank()) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "area is required, e.g. area=E08000012 (or shape or circle for a drawn area)");
        }
        String period = params.get("period");
        if (period == null || period.isBlank()) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "period is required, e.g. period=2022-07 or 2022-05..2022-07");
        }
        Period p;
        try {
            p = limit.apply(Period.parse(period));
        } catch (IllegalArgumentException e) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, e.getMessage(), e);
        }
        int top = DEFAULT_TOP;
        String t = params.get("top");
        if (t != null && !t.isBlank()) {
            try {
                top = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST, "top must be a whole number of hot spots, got '" + t + "'");
            }
        }
        return new PackRequest(
                area(area.trim()),
                p,
                top,
                list(params.get("categories")),
                list(params.get("feeds")),
                List.of(),
                blankToNull(params.get("hours")),
                blankToNull(params.get("weekdays")),
                shape);
    }

    /** ONS codes upper case, with or without their level ({@code lsoa:E01006512}); custom codes as given. */
    private static String area(String a) {
        if (a.equalsIgnoreCase(DRAWN)) {
            return DRAWN;
        }
        int colon = a.indexOf(':');
        if (colon < 0) {
            return a.toUpperCase(Locale.ROOT);
        }
        String level = a.substring(0, colon).toLowerCase(Locale.ROOT);
        return level.equals("custom")
                ? level + a.substring(colon)
                : level + ":" + a.substring(colon + 1).toUpperCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /**
     * The same pack over the feeds its reader may see record by record; {@code left} are those left out under the
     * data-sharing protocols, which the pack names.
     */
    public PackRequest withFeeds(List<String> allowed, List<String> left) {
        return new PackRequest(area, period, top, categories, allowed, left, hours, weekdays, shape);
    }

    /** The same pack narrowed to these categories (a headline row, a hot spot's group). */
    PackRequest withCategories(List<String> only) {
        return new PackRequest(area, period, top, only, feeds, withheld, hours, weekdays, shape);
    }

    /** The same pack narrowed to one feed (a hot spot's feed part). */
    PackRequest withFeedsOnly(String feed) {
        return new PackRequest(area, period, top, categories, List.of(feed), withheld, hours, weekdays, shape);
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String s : value.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }
}
