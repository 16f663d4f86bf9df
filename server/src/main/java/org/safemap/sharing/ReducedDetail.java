package org.safemap.sharing;

import java.util.Locale;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * What a record shown at {@link DisclosureLevel#REDUCED} keeps besides its generalised point, as its protocol says:
 * its time to the month, the day or as recorded, and its category group or its category. Filters finer than this
 * (a range of days for a feed shown by month, a category inside a group) leave the feed out rather than tell the
 * reader which records match.
 *
 * @param time       how much of the record's time is shown
 * @param categories whether its category is shown (else only its group)
 */
public record ReducedDetail(Time time, boolean categories) {
    /** The protocol default: month and category group, as police.uk publishes crime. */
    public static final ReducedDetail DEFAULT = new ReducedDetail(Time.MONTH, false);

    /** How finely a reduced record's time is shown. */
    public enum Time {
        MONTH,
        DAY,
        TIME;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Whether a filter that selects records by {@code needed} (a range of whole months: MONTH; of days, or days of the
     * week: DAY; hours of the day or instants: TIME) may select this feed's records. A filter finer than what is
     * shown would tell the reader which of the shown records match, so callers leave the feed out instead.
     */
    public boolean allows(Time needed) {
        return time.compareTo(needed) >= 0;
    }

    /** From the protocol's {@code reduced_time} (month, day, time) and {@code reduced_category} (group, category). */
    public static ReducedDetail parse(String time, String category, String where) {
        Time t = null;
        for (Time x : Time.values()) {
            if (x.key().equals(time)) {
                t = x;
            }
        }
        if (t == null) {
            throw new SafemapException(
                    ErrorCode.BAD_PROTOCOL,
                    where + ": disclosure 'reduced_time' must be month, day or " + "time, not '" + time + "'");
        }
        if (!category.equals("group") && !category.equals("category")) {
            throw new SafemapException(
                    ErrorCode.BAD_PROTOCOL,
                    where + ": disclosure 'reduced_category' must be group or " + "category, not '" + category + "'");
        }
        return new ReducedDetail(t, category.equals("category"));
    }
}
