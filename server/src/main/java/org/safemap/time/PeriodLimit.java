package org.safemap.time;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Supplier;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * What period one request may ask for. Much of a request's work is done month by month (the protected tables, the
 * profile's months, emerging steps), so a period is first clipped to the months that hold data (asking for
 * 1000-01..2022-07 costs what 2022-01..2022-07 costs, and answers the same), then refused if still longer than
 * {@code maxMonths}. A period wholly outside the data is left as it is (its answer is empty) but still capped.
 *
 * @param maxMonths  the most calendar months a period may touch
 * @param dataMonths the first and last month holding records, or empty when none are loaded
 */
public record PeriodLimit(int maxMonths, Supplier<Optional<YearMonth[]>> dataMonths) {
    /** No limit: the command line, where the operator decides. */
    public static final PeriodLimit NONE = new PeriodLimit(Integer.MAX_VALUE, Optional::empty);

    /** The period as a request may have it; a SafemapException {@code bad_request} when it is too long. */
    public Period apply(Period asked) {
        Period p = asked;
        Optional<YearMonth[]> data = dataMonths.get();
        if (data.isPresent()) {
            Period range = new Period(
                    Period.of(data.get()[0]).from(), Period.of(data.get()[1]).to(), "data");
            if (p.from().isBefore(range.to())
                    && p.to().isAfter(range.from())
                    && (p.from().isBefore(range.from()) || p.to().isAfter(range.to()))) {
                p = clip(p, range);
            }
        }
        long months = months(p);
        if (months > maxMonths) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "period '" + asked.label() + "' covers " + months + " months"
                            + (p == asked ? "" : " of data (" + p.label() + ")") + "; a request may cover at most "
                            + maxMonths + " (SAFEMAP_MAX_PERIOD_MONTHS)");
        }
        return p;
    }

    /** Calendar months the period touches, counted without listing them (a period may span millennia). */
    static long months(Period p) {
        YearMonth first = YearMonth.from(p.from().atZone(Period.LONDON));
        YearMonth last = YearMonth.from(p.to().minusNanos(1).atZone(Period.LONDON));
        return ChronoUnit.MONTHS.between(first, last) + 1;
    }

    /** The part of {@code p} inside {@code range}, labelled as analysts write periods. */
    private static Period clip(Period p, Period range) {
        Period inside = new Period(
                p.from().isBefore(range.from()) ? range.from() : p.from(),
                p.to().isAfter(range.to()) ? range.to() : p.to(),
                "clipped");
        LocalDate first = inside.from().atZone(Period.LONDON).toLocalDate();
        LocalDate last = inside.to().atZone(Period.LONDON).toLocalDate().minusDays(1);
        String label;
        if (inside.wholeMonths()) {
            YearMonth a = YearMonth.from(first);
            YearMonth b = YearMonth.from(last);
            label = a.equals(b) ? a.toString() : a + ".." + b;
        } else {
            label = first.equals(last) ? first.toString() : first + ".." + last;
        }
        return new Period(inside.from(), inside.to(), label);
    }
}
