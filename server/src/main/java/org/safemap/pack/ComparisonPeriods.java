package org.safemap.pack;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.safemap.time.Period;

/**
 * The periods a pack compares with: the one just before of equal length, and the same one a year earlier. Whole
 * months compare with whole months (June with July, not the 30 days before July), other ranges day for day.
 */
final class ComparisonPeriods {
    private ComparisonPeriods() {}

    static Period previous(Period p) {
        Optional<YearMonth[]> months = wholeMonths(p);
        if (months.isPresent()) {
            YearMonth first = months.get()[0];
            YearMonth last = months.get()[1];
            long n = ChronoUnit.MONTHS.between(first, last) + 1;
            return monthRange(first.minusMonths(n), last.minusMonths(n));
        }
        LocalDate from = local(p.from());
        LocalDate to = local(p.to());
        long days = ChronoUnit.DAYS.between(from, to);
        return dayRange(from.minusDays(days), from);
    }

    static Period yearEarlier(Period p) {
        Optional<YearMonth[]> months = wholeMonths(p);
        if (months.isPresent()) {
            return monthRange(months.get()[0].minusYears(1), months.get()[1].minusYears(1));
        }
        return dayRange(local(p.from()).minusYears(1), local(p.to()).minusYears(1));
    }

    /** The first and last months when the period is whole calendar months. */
    static Optional<YearMonth[]> wholeMonths(Period p) {
        LocalDate from = local(p.from());
        LocalDate to = local(p.to());
        if (from.getDayOfMonth() != 1 || to.getDayOfMonth() != 1) {
            return Optional.empty();
        }
        return Optional.of(
                new YearMonth[] {YearMonth.from(from), YearMonth.from(to).minusMonths(1)});
    }

    static Period monthRange(YearMonth first, YearMonth last) {
        String label = first.equals(last) ? first.toString() : first + ".." + last;
        return new Period(
                first.atDay(1).atStartOfDay(Period.LONDON).toInstant(),
                last.plusMonths(1).atDay(1).atStartOfDay(Period.LONDON).toInstant(),
                label);
    }

    private static Period dayRange(LocalDate from, LocalDate toExclusive) {
        return new Period(
                from.atStartOfDay(Period.LONDON).toInstant(),
                toExclusive.atStartOfDay(Period.LONDON).toInstant(),
                from + ".." + toExclusive.minusDays(1));
    }

    private static LocalDate local(java.time.Instant i) {
        return i.atZone(Period.LONDON).toLocalDate();
    }
}
