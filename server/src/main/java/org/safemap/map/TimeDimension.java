package org.safemap.map;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import org.safemap.time.Period;

/**
 * The TIME dimension of density, count and point layers, in whole months: {@code 2024-03}, a range
 * {@code 2024-01/2024-03} (both months included, an optional {@code /P1M} resolution ignored), {@code current}
 * for the latest month with data, or ISO dates and date-times, which stand for the month they fall in (what QGIS
 * and GDAL send). Values outside the months with data are refused, as WMS asks (InvalidDimensionValue).
 *
 * @param first  first month shown
 * @param last   last month shown (inclusive)
 */
public record TimeDimension(YearMonth first, YearMonth last) {
    /** Longest range one request may ask for. */
    public static final int MAX_MONTHS = 120;

    public int months() {
        return (int) ChronoUnit.MONTHS.between(first, last) + 1;
    }

    public Period period() {
        return new Period(
                first.atDay(1).atStartOfDay(Period.LONDON).toInstant(),
                last.plusMonths(1).atDay(1).atStartOfDay(Period.LONDON).toInstant(),
                text());
    }

    /** How capabilities, legends and feature info write it. */
    public String text() {
        return first.equals(last) ? first.toString() : first + "/" + last;
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
            return new TimeDimension(dataLast, dataLast);
        }
        String[] parts = value.trim().split("/", -1);
        if (parts.length > 3
                || parts.length == 3 && !parts[2].trim().toUpperCase().startsWith("P")) {
            throw invalid(value, "should be a month (2024-03) or a range of months (2024-01/2024-03)");
        }
        YearMonth first = month(parts[0], value);
        YearMonth last = parts.length >= 2 ? month(parts[1], value) : first;
        if (last.isBefore(first)) {
            throw invalid(value, "ends before it starts");
        }
        if (ChronoUnit.MONTHS.between(first, last) + 1 > MAX_MONTHS) {
            throw invalid(value, "spans more than " + MAX_MONTHS + " months");
        }
        if (last.isBefore(dataFirst) || first.isAfter(dataLast)) {
            throw invalid(value, "is outside the data, which runs from " + dataFirst + " to " + dataLast);
        }
        return new TimeDimension(first, last);
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
            return YearMonth.from(OffsetDateTime.parse(t).atZoneSameInstant(Period.LONDON));
        } catch (DateTimeException e) {
            throw invalid(whole, "should be a month (2024-03) or a range of months (2024-01/2024-03)");
        }
    }

    private static OgcException invalid(String value, String why) {
        return new OgcException("InvalidDimensionValue", "TIME", "TIME " + value + " " + why);
    }
}
