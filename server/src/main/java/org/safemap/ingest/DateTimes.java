package org.safemap.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Locale;
import org.safemap.time.Period;

/**
 * Dates and times as partners write them: ISO (2022-03-05, 2022-03-05T23:40, 2022-03-05 23:40:00), UK day-first
 * (05/03/2022 23:40) and LFB style (05 Mar 2022). Impossible dates (31/02/2022) are refused, never rolled over.
 * Local times are UK local time.
 */
public final class DateTimes {
    private static final List<DateTimeFormatter> DATES = List.of(
            strict("uuuu-MM-dd"),
            strict("dd/MM/uuuu"),
            strict("d/M/uuuu"),
            strict("dd MMM uuuu"),
            strict("d MMM uuuu"),
            strict("dd-MMM-uuuu"),
            strict("uuuuMMdd"));
    private static final List<DateTimeFormatter> TIMES =
            List.of(strict("HH:mm:ss"), strict("HH:mm"), strict("H:mm"), strict("HHmm"));

    private DateTimes() {}

    private static DateTimeFormatter strict(String pattern) {
        return new DateTimeFormatterBuilder()
                .parseCaseInsensitive()
                .appendPattern(pattern)
                .toFormatter(Locale.UK)
                .withResolverStyle(ResolverStyle.STRICT);
    }

    /** A date in any accepted form. */
    public static LocalDate date(String text, String field) {
        String t = text.strip();
        for (DateTimeFormatter f : DATES) {
            try {
                return LocalDate.parse(t, f);
            } catch (DateTimeParseException ignored) {
                // try the next form
            }
        }
        throw new RowProblem(field, "'" + text + "' is not a date (expected e.g. 2022-03-05 or 05/03/2022)");
    }

    /** A time of day in any accepted form. */
    public static LocalTime time(String text, String field) {
        String t = text.strip();
        for (DateTimeFormatter f : TIMES) {
            try {
                return LocalTime.parse(t, f);
            } catch (DateTimeParseException ignored) {
                // try the next form
            }
        }
        throw new RowProblem(field, "'" + text + "' is not a time of day (expected e.g. 23:40)");
    }

    /** A date and time in one field: a date, then a space or T, then a time. */
    public static LocalDateTime dateTime(String text, String field) {
        String t = text.strip();
        int split = Math.max(t.indexOf('T'), t.lastIndexOf(' '));
        if (split < 0) {
            throw new RowProblem(field, "'" + text + "' is not a date and time (expected e.g. 2022-03-05 23:40)");
        }
        try {
            return LocalDateTime.of(date(t.substring(0, split), field), time(t.substring(split + 1), field));
        } catch (RowProblem e) {
            throw new RowProblem(field, "'" + text + "' is not a date and time (expected e.g. 2022-03-05 23:40)");
        }
    }

    /** UK local time to an instant; in the autumn's repeated hour the earlier one, in spring's gap the later. */
    public static Instant uk(LocalDateTime local) {
        return local.atZone(Period.LONDON).toInstant();
    }

    /** The whole local day, [midnight, next midnight). */
    public static Instant[] day(LocalDate date) {
        return new Instant[] {
            date.atStartOfDay(Period.LONDON).toInstant(),
            date.plusDays(1).atStartOfDay(Period.LONDON).toInstant()
        };
    }
}
