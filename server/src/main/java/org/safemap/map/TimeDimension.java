package org.safemap.map;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import org.safemap.time.Period;

/**
 * The TIME dimension of density, count and point layers: a run of whole UK days, which is most often whole months.
 * The one home of the rule a TIME value follows:
 *
 * <ul>
 *   <li>{@code 2024-03} is a month, {@code 2024-01/2024-03} months (both included); {@code current} or no value the
 *       latest month with data; a resolution after a second slash ({@code /P1M}, {@code /P1D}) is ignored;
 *   <li>{@code 2024-03-15} is one day, {@code 2024-03-01/2024-03-14} days (both included), and a month may end a
 *       range of days or start one ({@code 2024-03-10/2024-04});
 *   <li>a date-time in a range stands for the UK day it falls in, except an end at midnight exactly (UK time, or UTC
 *       as QGIS's temporal controller writes its frames), which is where the range stops: that day is left out;
 *   <li>a date-time alone stands for the month it falls in, as it always has: it is what QGIS and GDAL send for a
 *       layer whose capabilities advertise months, and reading it as one day would draw a thirtieth of the picture.
 * </ul>
 *
 * Days that cover whole months are those months ({@code 2024-03-01/2024-03-31} is {@code 2024-03}), so one
 * selection has one spelling in cache keys, legends and feature info. Values outside the months with data are
 * refused, as WMS asks (InvalidDimensionValue).
 *
 * @param from first day shown
 * @param to   last day shown (inclusive)
 */
public record TimeDimension(LocalDate from, LocalDate to) {
    /** Longest range one request may ask for, in calendar months touched. */
    public static final int MAX_MONTHS = 120;

    /** The mean Gregorian month in days: a run of days is this many months long for "per month" rates. */
    static final double DAYS_PER_MONTH = 365.2425 / 12;

    private static final String SHAPE = "should be a month (2024-03), a day (2024-03-15) or a range of them "
            + "(2024-01/2024-03, 2024-03-01/2024-03-14)";

    /** Whole months {@code first} to {@code last}, both included. */
    public static TimeDimension months(YearMonth first, YearMonth last) {
        return new TimeDimension(first.atDay(1), last.atEndOfMonth());
    }

    public YearMonth firstMonth() {
        return YearMonth.from(from);
    }

    public YearMonth lastMonth() {
        return YearMonth.from(to);
    }

    /** Whether it starts on a month's first day and ends on a month's last. */
    public boolean wholeMonths() {
        return from.getDayOfMonth() == 1 && to.equals(YearMonth.from(to).atEndOfMonth());
    }

    /** The calendar months it touches (a part month counts). */
    public int months() {
        return (int) ChronoUnit.MONTHS.between(firstMonth(), lastMonth()) + 1;
    }

    public int days() {
        return (int) ChronoUnit.DAYS.between(from, to) + 1;
    }

    /**
     * Its length in months, the divisor of "per month" rates: whole months count as themselves, a run of days as
     * its days over the mean month ({@value #DAYS_PER_MONTH} days), so a fortnight's density is on the month's scale.
     */
    public double monthsLong() {
        return wholeMonths() ? months() : days() / DAYS_PER_MONTH;
    }

    /** The whole months it touches: what a layer that draws only months could show for it. */
    public TimeDimension touchedMonths() {
        return months(firstMonth(), lastMonth());
    }

    /** The exact days as a half-open period in UK time. */
    public Period period() {
        return new Period(
                from.atStartOfDay(Period.LONDON).toInstant(),
                to.plusDays(1).atStartOfDay(Period.LONDON).toInstant(),
                text());
    }

    /**
     * How capabilities, legends, feature info and cache keys write it: months as months ({@code 2024-03},
     * {@code 2024-01/2024-03}), anything else as days ({@code 2024-03-15}, {@code 2024-03-01/2024-03-14}).
     */
    public String text() {
        if (wholeMonths()) {
            return months() == 1 ? firstMonth().toString() : firstMonth() + "/" + lastMonth();
        }
        return from.equals(to) ? from.toString() : from + "/" + to;
    }

    /**
     * How capabilities advertise a month as a value: its first instant in UTC, {@code 2024-03-01T00:00:00Z}. QGIS 3.22
     * reads a WMS time extent only at day or finer precision (a month value, {@code 2024-03}, leaves its temporal
     * controller without a range), and a date-time alone stands for the UK month it falls in (above), so the value
     * selects the month when sent back. UTC midnight on the first is always inside the UK month: London is at UTC or
     * one hour ahead of it.
     */
    public static String monthValue(YearMonth month) {
        return month.atDay(1) + "T00:00:00Z";
    }

    /**
     * The time extent of capabilities: every month with data, {@code first/last/P1M} in {@link #monthValue} form, a
     * valid WMS 1.3.0 (Annex C) and ISO 8601 interval with resolution that QGIS, GDAL and OWSLib read.
     */
    public static String monthsExtent(YearMonth first, YearMonth last) {
        return monthValue(first) + "/" + monthValue(last) + "/P1M";
    }

    /** A default in the extent's spelling: one month as {@link #monthValue}; several (a forecast's window) as text. */
    public String capabilitiesText() {
        return wholeMonths() && months() == 1 ? monthValue(firstMonth()) : text();
    }

    /**
     * Parses a TIME value against the months with data.
     *
     * @param value     as requested; null or blank for the default, the latest month
     * @param dataFirst first month with data
     * @param dataLast  last month with data
     */
    public static TimeDimension parse(String value, YearMonth dataFirst, YearMonth dataLast) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("current")) {
            return months(dataLast, dataLast);
        }
        String[] parts = value.trim().split("/", -1);
        if (parts.length > 3
                || parts.length == 3 && !parts[2].trim().toUpperCase().startsWith("P")) {
            throw invalid(value, SHAPE);
        }
        TimeDimension time;
        if (parts.length == 1) {
            String t = parts[0].trim();
            time = t.matches("\\d{4}-\\d{2}-\\d{2}")
                    ? new TimeDimension(day(t, value), day(t, value))
                    : months(month(t, value), month(t, value));
        } else {
            time = new TimeDimension(start(parts[0], value), end(parts[1], value));
        }
        if (time.to.isBefore(time.from)) {
            throw invalid(value, "ends before it starts");
        }
        if (time.months() > MAX_MONTHS) {
            throw invalid(value, "spans more than " + MAX_MONTHS + " months");
        }
        if (time.lastMonth().isBefore(dataFirst) || time.firstMonth().isAfter(dataLast)) {
            throw invalid(value, "is outside the data, which runs from " + dataFirst + " to " + dataLast);
        }
        return time;
    }

    /** A range's first day: a month's first, a date, or the UK day of a date-time. */
    private static LocalDate start(String text, String whole) {
        String t = text.trim();
        if (t.matches("\\d{4}-\\d{2}")) {
            return month(t, whole).atDay(1);
        }
        if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
            return day(t, whole);
        }
        return instant(t, whole).withZoneSameInstant(Period.LONDON).toLocalDate();
    }

    /** A range's last day: a month's last, a date, or the UK day of a date-time (the day before, at midnight). */
    private static LocalDate end(String text, String whole) {
        String t = text.trim();
        if (t.matches("\\d{4}-\\d{2}")) {
            return month(t, whole).atEndOfMonth();
        }
        if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
            return day(t, whole);
        }
        ZonedDateTime at = instant(t, whole);
        ZonedDateTime uk = at.withZoneSameInstant(Period.LONDON);
        ZonedDateTime utc = at.withZoneSameInstant(ZoneOffset.UTC);
        if (uk.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return uk.toLocalDate().minusDays(1);
        }
        if (utc.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            // 00:00 UTC in summer is 01:00 in London, still the day the range stops before
            return utc.toLocalDate().minusDays(1);
        }
        return uk.toLocalDate();
    }

    private static YearMonth month(String text, String whole) {
        String t = text.trim();
        try {
            if (t.matches("\\d{4}-\\d{2}")) {
                return YearMonth.parse(t);
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return YearMonth.from(LocalDate.parse(t));
            }
            return YearMonth.from(instant(t, whole).withZoneSameInstant(Period.LONDON));
        } catch (DateTimeException e) {
            throw invalid(whole, SHAPE);
        }
    }

    private static LocalDate day(String text, String whole) {
        try {
            return LocalDate.parse(text.trim());
        } catch (DateTimeException e) {
            throw invalid(whole, SHAPE);
        }
    }

    private static ZonedDateTime instant(String text, String whole) {
        try {
            return OffsetDateTime.parse(text.trim()).toZonedDateTime();
        } catch (DateTimeException e) {
            throw invalid(whole, SHAPE);
        }
    }

    private static OgcException invalid(String value, String why) {
        return new OgcException("InvalidDimensionValue", "TIME", "TIME " + value + " " + why);
    }
}
