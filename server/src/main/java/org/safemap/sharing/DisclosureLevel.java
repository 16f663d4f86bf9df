package org.safemap.sharing;

import java.util.Locale;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * How much of a feed an audience may see, from least to most. Each level includes everything below it: whoever
 * may see reduced-precision points may also see suppressed aggregates.
 */
public enum DisclosureLevel {
    /** Nothing: the feed is invisible, not even counted. */
    NONE,
    /** Counts by LSOA, MSOA or ward with small numbers suppressed (and secondary suppression) and optional rounding. */
    AGGREGATES,
    /** Points generalised to the centre of a grid square (100 m or coarser), with no free text or references. */
    REDUCED,
    /** Records at their stored location, with their attributes. */
    POINTS;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(DisclosureLevel other) {
        return compareTo(other) >= 0;
    }

    public static DisclosureLevel min(DisclosureLevel a, DisclosureLevel b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public static DisclosureLevel parse(String key, String where) {
        for (DisclosureLevel l : values()) {
            if (l.key().equalsIgnoreCase(key == null ? "" : key.strip())) {
                return l;
            }
        }
        throw new SafemapException(
                ErrorCode.BAD_PROTOCOL,
                where + ": unknown disclosure level '" + key + "'; levels are none, aggregates, reduced, points");
    }
}
