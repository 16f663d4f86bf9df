package org.safemap.time;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A half-open period [from, to) in local time (Europe/London), written as analysts write them: {@code 2024-03} (a
 * month), {@code 2024-01..2024-09} (January to September inclusive), {@code 2024-01-15..2024-02-14} (days, both
 * inclusive) or {@code 2024} (a year).
 */
public record Period(Instant from, Instant to, String label) {
    public static final ZoneId LONDON = ZoneId.of("Europe/London");

    public Period {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("period '" + label + "' ends before it starts");
        }
    }

    public static Period parse(String text) {
        String t = text.trim();
        String[] ends = t.split("\\.\\.", -1);
        if (ends.length > 2 || ends[0].isBlank() || ends.length == 2 && ends[1].isBlank()) {
            throw new IllegalArgumentException(
                    "period '" + text + "' should look like 2024-03, 2024-01..2024-09 or " + "2024-01-15..2024-02-14");
        }
        LocalDate start = start(ends[0].trim(), text);
        LocalDate endExclusive = endExclusive(ends.length == 2 ? ends[1].trim() : ends[0].trim(), text);
        if (!endExclusive.isAfter(start)) {
            throw new IllegalArgumentException("period '" + text + "' ends before it starts");
        }
        return new Period(
                start.atStartOfDay(LONDON).toInstant(),
                endExclusive.atStartOfDay(LONDON).toInstant(),
                t);
    }

    /** The calendar months the period covers (a partial month counts), oldest first. */
    public List<YearMonth> months() {
        List<YearMonth> months = new ArrayList<>();
        YearMonth m = YearMonth.from(from.atZone(LONDON));
        YearMonth last = YearMonth.from(to.minusNanos(1).atZone(LONDON));
        for (; !m.isAfter(last); m = m.plusMonths(1)) {
            months.add(m);
        }
        return months;
    }

    /**
     * The ISO weeks (Monday 00:00 local to the next Monday) the period touches, each labelled like 2024-W03; the
     * first and last may reach outside the period (callers clip them).
     */
    public List<Period> weeks() {
        List<Period> weeks = new ArrayList<>();
        LocalDate day = from.atZone(LONDON).toLocalDate().with(java.time.DayOfWeek.MONDAY);
        while (day.atStartOfDay(LONDON).toInstant().isBefore(to)) {
            LocalDate next = day.plusWeeks(1);
            String label = String.format(
                    java.util.Locale.ROOT,
                    "%d-W%02d",
                    day.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR),
                    day.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            weeks.add(new Period(
                    day.atStartOfDay(LONDON).toInstant(),
                    next.atStartOfDay(LONDON).toInstant(),
                    label));
            day = next;
        }
        return weeks;
    }

    /** Whether the period starts and ends on month boundaries (UK time). */
    public boolean wholeMonths() {
        List<YearMonth> m = months();
        return from.equals(of(m.get(0)).from())
                && to.equals(of(m.get(m.size() - 1)).to());
    }

    public static Period of(YearMonth month) {
        return new Period(
                month.atDay(1).atStartOfDay(LONDON).toInstant(),
                month.plusMonths(1).atDay(1).atStartOfDay(LONDON).toInstant(),
                month.toString());
    }

    private static LocalDate start(String s, String whole) {
        try {
            return switch (s.length()) {
                case 4 -> LocalDate.of(Integer.parseInt(s), 1, 1);
                case 7 -> YearMonth.parse(s).atDay(1);
                default -> LocalDate.parse(s);
            };
        } catch (DateTimeException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    "period '" + whole + "': '" + s + "' is not a year, month (2024-03) " + "or day (2024-03-15)");
        }
    }

    private static LocalDate endExclusive(String s, String whole) {
        try {
            return switch (s.length()) {
                case 4 -> LocalDate.of(Integer.parseInt(s) + 1, 1, 1);
                case 7 -> YearMonth.parse(s).plusMonths(1).atDay(1);
                default -> LocalDate.parse(s).plusDays(1);
            };
        } catch (DateTimeException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    "period '" + whole + "': '" + s + "' is not a year, month (2024-03) " + "or day (2024-03-15)");
        }
    }
}
