package org.safemap.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The hour and day filters' syntax, read and spelt back: every spelling of one mask is spelt the same. */
class SelectionTest {
    @Test
    void hoursAreSpeltBackAsTheShortestRangesWrappingPastMidnight() {
        // each list: the spelling, then ways of writing it
        for (List<String> same : List.of(
                List.of("22-3", "22-3", "22,23,0,1,2,3", "0-3,22-23", "23,22,3,2,1,0"),
                List.of("18-5", "18-5", "0-5,18-23"),
                List.of("9-17", "9-17", "9,10,11,12,13,14,15,16,17"),
                List.of("1,3", "1,3", "3,1"),
                List.of("0", "0-0"),
                List.of("all", "0-23", "12-11"))) {
            for (String spelling : same.subList(1, same.size())) {
                assertThat(Selection.hoursText(Selection.parseHours(spelling)))
                        .as(spelling)
                        .isEqualTo(same.get(0));
            }
        }
        assertThat(Selection.hoursText(null)).isNull();
    }

    @Test
    void weekdaysAreSpeltBackAsRangesOfTheirShortNames() {
        for (List<String> same : List.of(
                List.of("fri-sun", "fri-sun", "fri,sat,sun", "sunday,friday,sat"),
                List.of("mon-fri", "mon-fri", "mon,tue,wed,thu,fri"),
                List.of("mon,wed", "mon,wed", "wed,mon"),
                List.of("sun-mon", "sun-mon", "mon,sun"),
                List.of("all", "mon-sun"))) {
            for (String spelling : same.subList(1, same.size())) {
                assertThat(Selection.weekdaysText(Selection.parseWeekdays(spelling)))
                        .as(spelling)
                        .isEqualTo(same.get(0));
            }
        }
    }

    @Test
    void badHoursAndDaysAreRefusedNamingThePart() {
        assertThatThrownBy(() -> Selection.parseHours("22-3,25"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'25'");
        assertThatThrownBy(() -> Selection.parseWeekdays("fri,someday"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'someday'");
    }
}
