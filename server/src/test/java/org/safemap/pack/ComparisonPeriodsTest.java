package org.safemap.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.safemap.SafemapException;
import org.safemap.time.Period;

class ComparisonPeriodsTest {
    @Test
    void monthsCompareWithTheMonthsJustBeforeAndAYearEarlier() {
        assertThat(ComparisonPeriods.previous(Period.parse("2022-07")).label()).isEqualTo("2022-06");
        assertThat(ComparisonPeriods.previous(Period.parse("2022-01")).label()).isEqualTo("2021-12");
        assertThat(ComparisonPeriods.previous(Period.parse("2022-05..2022-07")).label())
                .isEqualTo("2022-02..2022-04");
        assertThat(ComparisonPeriods.yearEarlier(Period.parse("2022-05..2022-07"))
                        .label())
                .isEqualTo("2021-05..2021-07");
        // March has 31 days and February 28: whole months still compare with a whole month
        Period feb = ComparisonPeriods.previous(Period.parse("2022-03"));
        assertThat(feb.from()).isEqualTo(Period.parse("2022-02").from());
        assertThat(feb.to()).isEqualTo(Period.parse("2022-02").to());
    }

    @Test
    void daysCompareDayForDay() {
        assertThat(ComparisonPeriods.previous(Period.parse("2022-07-01..2022-07-14"))
                        .label())
                .isEqualTo("2022-06-17..2022-06-30");
        assertThat(ComparisonPeriods.yearEarlier(Period.parse("2022-07-01..2022-07-14"))
                        .label())
                .isEqualTo("2021-07-01..2021-07-14");
    }

    @Test
    void requestRefusesWhatItCannotUse() {
        assertThat(PackRequest.parse(Map.of("area", "e08000012", "period", "2022-07"))
                        .area())
                .isEqualTo("E08000012");
        assertThatThrownBy(() -> PackRequest.parse(Map.of("area", "E08000012", "period", "2022-07", "top", "31")))
                .isInstanceOf(SafemapException.class)
                .hasMessage("top must be 1 to 30 hot spots, got 31");
        assertThatThrownBy(() -> PackRequest.parse(Map.of("area", "E08000012", "period", "2022-07", "kernal", "x")))
                .hasMessageStartingWith("unknown parameter 'kernal'");
        assertThatThrownBy(() -> PackRequest.parse(Map.of("area", "E08'; --", "period", "2022-07")))
                .hasMessageStartingWith("area must be an ONS code");
    }
}
