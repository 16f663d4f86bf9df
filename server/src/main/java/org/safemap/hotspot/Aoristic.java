package org.safemap.hotspot;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Arrays;

/**
 * Aoristic weighting (Ratcliffe): spreads an incident known only to have happened some time in [from, to) over the
 * 168 hours of the week, each hour getting the share of the window's elapsed time that falls in it.
 *
 * <p>Bins are local wall-clock hours in the configured zone (Europe/London by default), numbered from Monday 00:00 =
 * 0 to Sunday 23:00 = 167 (ISO weekdays): bin = (ISO weekday − 1) · 24 + hour. Weight of bin k = (seconds of the
 * window that fall in bin k) / (seconds in the window), apportioned to the second, so the weights sum to 1. Time is
 * elapsed time: on the spring-forward Sunday the 01:00 bin gets nothing (that hour does not exist) and on the
 * autumn-back Sunday it gets up to two hours (01:00 BST and 01:00 GMT both happen).
 *
 * <p>A point-in-time record ({@code from == to}) puts its whole weight in its own bin. A window longer than the cap
 * ({@link #DEFAULT_CAP_SECONDS}, seven days, by default; Andresen and Jenion 2004 warn that very long windows carry
 * almost no time-of-day information) is spread uniformly, 1/168 to each bin, and the methods report it so it can be
 * flagged. Windows of exactly the cap are apportioned normally.
 *
 * <p>Times are epoch seconds (UTC instants); {@code to} is exclusive. Instances are immutable and thread-safe.
 */
public final class Aoristic {
    public static final int HOURS_PER_WEEK = 168;
    public static final long DEFAULT_CAP_SECONDS = 7L * 24 * 3600;

    private static final long SECONDS_PER_HOUR = 3600;
    private static final long SECONDS_PER_DAY = 86_400;
    /** Offsets are tabulated for 1900-2200; outside that the zone rules are asked directly (slower, still right). */
    private static final long TABLE_FROM = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();

    private static final long TABLE_TO = Instant.parse("2200-01-01T00:00:00Z").getEpochSecond();

    private final ZoneId zone;
    private final ZoneRules rules;
    private final long capSeconds;
    /** Instants (epoch seconds) at which the offset changes, ascending, within the table range. */
    private final long[] transitionAt;
    /** offsetAfter[k]: UTC offset in seconds from transitionAt[k] until the next transition. */
    private final int[] offsetAfter;

    private final int offsetBeforeFirst;

    /** Hours and weekdays in {@code zone} (SafeMap's is {@code Period.LONDON}), with the default seven-day cap. */
    public static Aoristic in(ZoneId zone) {
        return new Aoristic(zone, DEFAULT_CAP_SECONDS);
    }

    /**
     * @param zone       zone whose wall clock defines hour of day and weekday
     * @param capSeconds windows longer than this many seconds are spread uniformly; at least one hour
     */
    public Aoristic(ZoneId zone, long capSeconds) {
        if (zone == null) {
            throw new IllegalArgumentException("a time zone is required, e.g. Europe/London");
        }
        if (capSeconds < SECONDS_PER_HOUR) {
            throw new IllegalArgumentException("aoristic cap must be at least one hour (3600 s), got " + capSeconds);
        }
        this.zone = zone;
        this.rules = zone.getRules();
        this.capSeconds = capSeconds;
        long[] at = new long[64];
        int[] after = new int[64];
        int count = 0;
        this.offsetBeforeFirst =
                rules.getOffset(Instant.ofEpochSecond(TABLE_FROM)).getTotalSeconds();
        ZoneOffsetTransition next = rules.nextTransition(Instant.ofEpochSecond(TABLE_FROM));
        while (next != null && next.toEpochSecond() < TABLE_TO) {
            if (count == at.length) {
                at = Arrays.copyOf(at, count * 2);
                after = Arrays.copyOf(after, count * 2);
            }
            at[count] = next.toEpochSecond();
            after[count] = next.getOffsetAfter().getTotalSeconds();
            count++;
            next = rules.nextTransition(next.getInstant());
        }
        this.transitionAt = Arrays.copyOf(at, count);
        this.offsetAfter = Arrays.copyOf(after, count);
    }

    public ZoneId zone() {
        return zone;
    }

    public long capSeconds() {
        return capSeconds;
    }

    /** True when the window [from, to) is longer than the cap and is therefore spread uniformly over the week. */
    public boolean exceedsCap(long fromEpochSecond, long toEpochSecond) {
        checkWindow(fromEpochSecond, toEpochSecond);
        return toEpochSecond - fromEpochSecond > capSeconds;
    }

    /** The hour-of-week bin (0 = Monday 00:00 local) an instant falls in. */
    public int hourOfWeekBin(long epochSecond) {
        checkWindow(epochSecond, epochSecond);
        return binOfLocal(epochSecond + offsetAt(epochSecond));
    }

    /**
     * Adds {@code weight} times the record's aoristic weights to {@code hourOfWeek} (168 bins, Monday 00:00 local =
     * 0). Many records can be accumulated into one array without allocating.
     *
     * @param weight how much the record counts (1 for one incident); finite and not negative
     * @return true when the window exceeded the cap and was spread uniformly (flag it)
     */
    public boolean addTo(double[] hourOfWeek, long fromEpochSecond, long toEpochSecond, double weight) {
        if (hourOfWeek == null || hourOfWeek.length != HOURS_PER_WEEK) {
            throw new IllegalArgumentException(
                    "hour-of-week array must have 168 bins, got " + (hourOfWeek == null ? "none" : hourOfWeek.length));
        }
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("weight must be a finite number not below 0, got " + weight);
        }
        checkWindow(fromEpochSecond, toEpochSecond);
        if (toEpochSecond == fromEpochSecond) {
            hourOfWeek[hourOfWeekBin(fromEpochSecond)] += weight;
            return false;
        }
        if (toEpochSecond - fromEpochSecond > capSeconds) {
            double each = weight / HOURS_PER_WEEK;
            for (int k = 0; k < HOURS_PER_WEEK; k++) {
                hourOfWeek[k] += each;
            }
            return true;
        }
        walk(fromEpochSecond, toEpochSecond, weight, hourOfWeek, null, null);
        return false;
    }

    /** The record's 168 hour-of-week weights, summing to 1 (a new array; use {@link #addTo} for many records). */
    public double[] hourOfWeek(long fromEpochSecond, long toEpochSecond) {
        double[] bins = new double[HOURS_PER_WEEK];
        addTo(bins, fromEpochSecond, toEpochSecond, 1.0);
        return bins;
    }

    /** {@link #hourOfWeek(long, long)} for java.time instants. */
    public double[] hourOfWeek(Instant from, Instant to) {
        if (from == null || to == null) {
            throw new IllegalArgumentException("both ends of the window are required");
        }
        return hourOfWeek(from.getEpochSecond(), to.getEpochSecond());
    }

    /**
     * The fraction of the window [from, to) that falls in the selected hours of the day on the selected weekdays: a
     * bin counts when {@code hourOfDayMask[hour]} and {@code weekdayMask[ISO weekday − 1]} are both true. This is the
     * weight a record with a time window gets under an "hour of day / day of week" filter; 1 or 0 for a point in
     * time, (selected bins) / 168 for a window over the cap.
     *
     * @param hourOfDayMask 24 flags, index 0 = 00:00-00:59 local
     * @param weekdayMask   7 flags, index 0 = Monday
     */
    public double share(long fromEpochSecond, long toEpochSecond, boolean[] hourOfDayMask, boolean[] weekdayMask) {
        if (hourOfDayMask == null || hourOfDayMask.length != 24) {
            throw new IllegalArgumentException("hour-of-day mask must have 24 flags, got "
                    + (hourOfDayMask == null ? "none" : hourOfDayMask.length));
        }
        if (weekdayMask == null || weekdayMask.length != 7) {
            throw new IllegalArgumentException("weekday mask must have 7 flags (Monday first), got "
                    + (weekdayMask == null ? "none" : weekdayMask.length));
        }
        checkWindow(fromEpochSecond, toEpochSecond);
        if (toEpochSecond == fromEpochSecond) {
            int bin = hourOfWeekBin(fromEpochSecond);
            return hourOfDayMask[bin % 24] && weekdayMask[bin / 24] ? 1.0 : 0.0;
        }
        if (toEpochSecond - fromEpochSecond > capSeconds) {
            int selected = 0;
            for (int k = 0; k < HOURS_PER_WEEK; k++) {
                if (hourOfDayMask[k % 24] && weekdayMask[k / 24]) {
                    selected++;
                }
            }
            return selected / (double) HOURS_PER_WEEK;
        }
        return walk(fromEpochSecond, toEpochSecond, 1.0, null, hourOfDayMask, weekdayMask);
    }

    /** The 24 hour-of-day totals of a 168-bin hour-of-week array (index 0 = 00:00 local). */
    public static double[] hourOfDay(double[] hourOfWeek) {
        checkWeek(hourOfWeek);
        double[] out = new double[24];
        for (int k = 0; k < HOURS_PER_WEEK; k++) {
            out[k % 24] += hourOfWeek[k];
        }
        return out;
    }

    /** The 7 weekday totals of a 168-bin hour-of-week array (index 0 = Monday). */
    public static double[] dayOfWeek(double[] hourOfWeek) {
        checkWeek(hourOfWeek);
        double[] out = new double[7];
        for (int k = 0; k < HOURS_PER_WEEK; k++) {
            out[k / 24] += hourOfWeek[k];
        }
        return out;
    }

    /**
     * Walks [from, to) in pieces that each lie in one local hour at one UTC offset, adding weight·seconds/length to
     * {@code bins} when given and returning the share that falls in the masked bins when masks are given.
     */
    private double walk(long from, long to, double weight, double[] bins, boolean[] hourMask, boolean[] dayMask) {
        double perSecond = weight / (double) (to - from);
        double selectedSeconds = 0;
        long t = from;
        while (t < to) {
            int offset = offsetAt(t);
            long local = t + offset;
            long nextLocalHour = Math.floorDiv(local, SECONDS_PER_HOUR) * SECONDS_PER_HOUR + SECONDS_PER_HOUR;
            long end = Math.min(to, Math.min(nextLocalHour - offset, nextTransitionAfter(t)));
            int bin = binOfLocal(local);
            long seconds = end - t;
            if (bins != null) {
                bins[bin] += seconds * perSecond;
            }
            if (hourMask != null && hourMask[bin % 24] && dayMask[bin / 24]) {
                selectedSeconds += seconds;
            }
            t = end;
        }
        return selectedSeconds / (double) (to - from);
    }

    private static int binOfLocal(long localEpochSecond) {
        long day = Math.floorDiv(localEpochSecond, SECONDS_PER_DAY);
        // 1970-01-01 was a Thursday, ISO weekday 4, so Monday-based index 3.
        int weekday = (int) Math.floorMod(day + 3, 7L);
        int hour = (int) (Math.floorMod(localEpochSecond, SECONDS_PER_DAY) / SECONDS_PER_HOUR);
        return weekday * 24 + hour;
    }

    private int offsetAt(long epochSecond) {
        if (epochSecond < TABLE_FROM || epochSecond >= TABLE_TO) {
            return rules.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
        }
        int k = Arrays.binarySearch(transitionAt, epochSecond);
        int last = k >= 0 ? k : -k - 2; // index of the last transition at or before epochSecond
        return last < 0 ? offsetBeforeFirst : offsetAfter[last];
    }

    /** The first instant after {@code epochSecond} at which the offset changes, or Long.MAX_VALUE. */
    private long nextTransitionAfter(long epochSecond) {
        if (epochSecond < TABLE_FROM || epochSecond >= TABLE_TO) {
            ZoneOffsetTransition next = rules.nextTransition(Instant.ofEpochSecond(epochSecond));
            return next == null ? Long.MAX_VALUE : next.toEpochSecond();
        }
        int k = Arrays.binarySearch(transitionAt, epochSecond + 1);
        int first = k >= 0 ? k : -k - 1; // first transition at or after epochSecond + 1
        return first < transitionAt.length ? transitionAt[first] : TABLE_TO;
    }

    private static void checkWindow(long from, long to) {
        if (from < Instant.MIN.getEpochSecond()
                || from > Instant.MAX.getEpochSecond()
                || to < Instant.MIN.getEpochSecond()
                || to > Instant.MAX.getEpochSecond()) {
            throw new IllegalArgumentException(
                    "time window " + from + ".." + to + " (epoch seconds) is outside the " + "range of dates");
        }
        if (to < from) {
            throw new IllegalArgumentException("time window ends (" + Instant.ofEpochSecond(to) + ") before it starts ("
                    + Instant.ofEpochSecond(from) + ")");
        }
    }

    private static void checkWeek(double[] hourOfWeek) {
        if (hourOfWeek == null || hourOfWeek.length != HOURS_PER_WEEK) {
            throw new IllegalArgumentException(
                    "hour-of-week array must have 168 bins, got " + (hourOfWeek == null ? "none" : hourOfWeek.length));
        }
    }
}
