package org.safemap.pack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.time.Period;
import org.safemap.time.PeriodLimit;

/**
 * What a tasking pack covers.
 *
 * @param area       ONS code of a district, MSOA, ward or LSOA
 * @param period     the period reported on (a month, a quarter, any range)
 * @param top        how many hot spots to list, 1 to {@link #MAX_TOP}
 * @param categories taxonomy codes or groups; empty for all
 * @param feeds      feed names; empty for all
 */
public record PackRequest(
        String area, Period period, int top, List<String> categories, List<String> feeds, List<String> withheld) {
    public static final int DEFAULT_TOP = 10;
    public static final int MAX_TOP = 30;

    public PackRequest {
        categories = List.copyOf(categories);
        feeds = List.copyOf(feeds);
        withheld = List.copyOf(withheld);
        if (top < 1 || top > MAX_TOP) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "top must be 1 to " + MAX_TOP + " hot spots, got " + top);
        }
        if (area == null || !area.matches("[A-Za-z0-9_-]{1,40}")) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "area must be an ONS code such as E08000012, got '" + area + "'");
        }
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
            if (!List.of("area", "period", "top", "categories", "feeds", "format")
                    .contains(name)) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "unknown parameter '" + name + "'; a pack takes area, "
                                + "period, top, categories, feeds and format");
            }
        }
        String area = params.get("area");
        if (area == null || area.isBlank()) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "area is required, e.g. area=E08000012");
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
                area.trim().toUpperCase(Locale.ROOT),
                p,
                top,
                list(params.get("categories")),
                list(params.get("feeds")),
                List.of());
    }

    /**
     * The same pack over the feeds its reader may see record by record; {@code left} are those left out under the
     * data-sharing protocols, which the pack names.
     */
    public PackRequest withFeeds(List<String> allowed, List<String> left) {
        return new PackRequest(area, period, top, categories, allowed, left);
    }

    /** The same pack narrowed to these categories (a headline row, a hot spot's group). */
    PackRequest withCategories(List<String> only) {
        return new PackRequest(area, period, top, only, feeds, withheld);
    }

    /** The same pack narrowed to one feed (a hot spot's feed part). */
    PackRequest withFeedsOnly(String feed) {
        return new PackRequest(area, period, top, categories, List.of(feed), withheld);
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
