package org.safemap.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.YearMonth;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

class PeriodLimitTest {
    private static final PeriodLimit DEMO =
            new PeriodLimit(120, () -> Optional.of(new YearMonth[] {YearMonth.of(2022, 1), YearMonth.of(2022, 7)}));

    @Test
    void aPeriodReachingBeyondTheDataIsClippedToIt() {
        Period p = DEMO.apply(Period.parse("1000-01..2022-07"));
        assertThat(p.label()).isEqualTo("2022-01..2022-07");
        assertThat(p)
                .isEqualTo(new Period(
                        Period.parse("2022-01..2022-07").from(),
                        Period.parse("2022-01..2022-07").to(),
                        "2022-01..2022-07"));
        assertThat(DEMO.apply(Period.parse("2021-08..2022-03")).label()).isEqualTo("2022-01..2022-03");
        assertThat(DEMO.apply(Period.parse("2022-07..2040-12")).label()).isEqualTo("2022-07");
        assertThat(DEMO.apply(Period.parse("2021-12-20..2022-01-10")).label()).isEqualTo("2022-01-01..2022-01-10");
    }

    @Test
    void aPeriodInsideTheDataIsLeftAsAsked() {
        Period asked = Period.parse("2022-02..2022-04");
        assertThat(DEMO.apply(asked)).isSameAs(asked);
    }

    @Test
    void aLongPeriodWhollyOutsideTheDataIsRefusedAndAShortOneKept() {
        assertThatThrownBy(() -> DEMO.apply(Period.parse("1000-01..1019-12")))
                .isInstanceOfSatisfying(
                        SafemapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("240 months")
                .hasMessageContaining("SAFEMAP_MAX_PERIOD_MONTHS");
        Period before = Period.parse("2020-01..2020-12");
        assertThat(DEMO.apply(before)).isSameAs(before);
    }

    @Test
    void withoutDataOnlyTheLengthCounts() {
        PeriodLimit empty = new PeriodLimit(12, Optional::empty);
        assertThat(empty.apply(Period.parse("2022")).label()).isEqualTo("2022");
        assertThatThrownBy(() -> empty.apply(Period.parse("2021-12..2022-12"))).hasMessageContaining("13 months");
        // A period over millennia is counted, not listed.
        assertThat(PeriodLimit.months(Period.parse("0001-01..9999-12"))).isEqualTo(9999L * 12);
        assertThat(PeriodLimit.NONE.apply(Period.parse("1000-01..2022-07")).label())
                .isEqualTo("1000-01..2022-07");
    }
}
