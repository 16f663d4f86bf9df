package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AoristicTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final Aoristic AORISTIC = Aoristic.in(LONDON);

    private static long local(String isoLocal) {
        return LocalDateTime.parse(isoLocal).atZone(LONDON).toEpochSecond();
    }

    private static int bin(int isoWeekday, int hour) {
        return (isoWeekday - 1) * 24 + hour;
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
    }

    /** Ratcliffe's example (jratcliffe.net/aoristic-analysis): 08:00-16:00 gives 0.125 to each of the 8 hours. */
    @Test
    void ratcliffeEightHourWindowGivesAnEighthPerHour() {
        // Wednesday 10 January 2024 (GMT) and Wednesday 10 July 2024 (BST): local hours either way.
        for (String day : new String[] {"2024-01-10", "2024-07-10"}) {
            double[] w = AORISTIC.hourOfWeek(local(day + "T08:00"), local(day + "T16:00"));
            for (int k = 0; k < 168; k++) {
                boolean inside = k >= bin(3, 8) && k < bin(3, 16);
                assertThat(w[k]).as("%s bin %d", day, k).isEqualTo(inside ? 0.125 : 0.0);
            }
            assertThat(Aoristic.hourOfDay(w)[8]).isEqualTo(0.125);
            assertThat(Aoristic.hourOfDay(w)[16]).isZero();
            assertThat(Aoristic.dayOfWeek(w)).containsExactly(0, 0, 1, 0, 0, 0, 0);
        }
    }

    /** The worked example in docs/hotspots-aoristic.md: Friday 18:30 to Saturday 01:15 (BST), 405 minutes. */
    @Test
    void documentedWorkedExample() {
        long from = local("2024-07-12T18:30");
        long to = local("2024-07-13T01:15");
        double[] w = AORISTIC.hourOfWeek(from, to);

        assertThat(w[114]).isCloseTo(30.0 / 405, within(1e-15));
        for (int k = 115; k <= 120; k++) {
            assertThat(w[k]).isCloseTo(60.0 / 405, within(1e-15));
        }
        assertThat(w[121]).isCloseTo(15.0 / 405, within(1e-15));
        assertThat(Aoristic.dayOfWeek(w)[4]).isCloseTo(330.0 / 405, within(1e-15));
        assertThat(Aoristic.dayOfWeek(w)[5]).isCloseTo(75.0 / 405, within(1e-15));
        boolean[] evenings = new boolean[24];
        Arrays.fill(evenings, 18, 24, true);
        boolean[] everyDay = {true, true, true, true, true, true, true};
        assertThat(AORISTIC.share(from, to, evenings, everyDay)).isCloseTo(330.0 / 405, within(1e-15));
    }

    @Test
    void apportionsPartHoursToTheSecond() {
        double[] w = AORISTIC.hourOfWeek(local("2024-01-10T08:30"), local("2024-01-10T09:15"));
        assertThat(w[bin(3, 8)]).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(w[bin(3, 9)]).isCloseTo(1.0 / 3, within(1e-15));

        double[] odd = AORISTIC.hourOfWeek(local("2024-01-10T08:59:59"), local("2024-01-10T09:00:02"));
        assertThat(odd[bin(3, 8)]).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(odd[bin(3, 9)]).isCloseTo(2.0 / 3, within(1e-15));
    }

    @Test
    void windowAcrossMidnightAndTheWeekBoundary() {
        // Sunday 14 January 2024 22:00 to Monday 15 January 02:00.
        double[] w = AORISTIC.hourOfWeek(local("2024-01-14T22:00"), local("2024-01-15T02:00"));
        assertThat(w[166]).isEqualTo(0.25);
        assertThat(w[167]).isEqualTo(0.25);
        assertThat(w[0]).isEqualTo(0.25);
        assertThat(w[1]).isEqualTo(0.25);
        assertThat(sum(w)).isEqualTo(1.0);
        double[] days = Aoristic.dayOfWeek(w);
        assertThat(days[6]).isEqualTo(0.5);
        assertThat(days[0]).isEqualTo(0.5);
    }

    /** Spring forward: Sunday 30 March 2025, 01:00 GMT becomes 02:00 BST; the day has 23 hours. */
    @Test
    void springForwardDayHasTwentyThreeHours() {
        long from = local("2025-03-29T12:00");
        long to = local("2025-03-30T12:00");
        assertThat(to - from).isEqualTo(23 * 3600);

        double[] w = AORISTIC.hourOfWeek(from, to);

        assertThat(w[bin(7, 1)]).isZero(); // 01:00-01:59 does not exist that night
        for (int h = 12; h < 24; h++) {
            assertThat(w[bin(6, h)]).isCloseTo(1.0 / 23, within(1e-15));
        }
        assertThat(w[bin(7, 0)]).isCloseTo(1.0 / 23, within(1e-15));
        for (int h = 2; h < 12; h++) {
            assertThat(w[bin(7, h)]).isCloseTo(1.0 / 23, within(1e-15));
        }
        assertThat(sum(w)).isCloseTo(1.0, within(1e-12));
    }

    /** Fall back: Sunday 26 October 2025, 02:00 BST becomes 01:00 GMT; 01:00-01:59 happens twice. */
    @Test
    void autumnBackDayHasTwentyFiveHours() {
        long from = local("2025-10-25T12:00");
        long to = ZonedDateTime.parse("2025-10-26T12:00Z[Europe/London]").toEpochSecond();
        assertThat(to - from).isEqualTo(25 * 3600);

        double[] w = AORISTIC.hourOfWeek(from, to);

        assertThat(w[bin(7, 1)]).isCloseTo(2.0 / 25, within(1e-15));
        assertThat(w[bin(7, 0)]).isCloseTo(1.0 / 25, within(1e-15));
        assertThat(w[bin(7, 2)]).isCloseTo(1.0 / 25, within(1e-15));
        assertThat(w[bin(6, 12)]).isCloseTo(1.0 / 25, within(1e-15));
        assertThat(sum(w)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void pointInTimePutsTheWholeWeightInItsHour() {
        long t = local("2024-07-13T23:59:59"); // Saturday, BST
        double[] w = AORISTIC.hourOfWeek(t, t);
        assertThat(w[bin(6, 23)]).isEqualTo(1.0);
        assertThat(sum(w)).isEqualTo(1.0);

        double[] many = new double[168];
        assertThat(AORISTIC.addTo(many, t, t, 3.0)).isFalse();
        AORISTIC.addTo(many, t, t, 2.0);
        assertThat(many[bin(6, 23)]).isEqualTo(5.0);
        assertThat(AORISTIC.hourOfWeekBin(Instant.parse("2024-07-13T23:30:00Z").getEpochSecond()))
                .isEqualTo(bin(7, 0)); // 00:30 BST on Sunday
    }

    @Test
    void windowsOverTheCapAreSpreadUniformlyAndFlagged() {
        long from = local("2024-01-10T08:00");
        double[] eightDays = new double[168];
        assertThat(AORISTIC.addTo(eightDays, from, from + 8 * 86_400L, 1.0)).isTrue();
        assertThat(AORISTIC.exceedsCap(from, from + 8 * 86_400L)).isTrue();
        for (double v : eightDays) {
            assertThat(v).isEqualTo(1.0 / 168);
        }

        // Exactly seven days is apportioned, and in a week with no clock change every hour gets 1/168.
        double[] sevenDays = new double[168];
        assertThat(AORISTIC.addTo(sevenDays, from, from + 7 * 86_400L, 1.0)).isFalse();
        for (double v : sevenDays) {
            assertThat(v).isCloseTo(1.0 / 168, within(1e-15));
        }

        Aoristic oneDayCap = new Aoristic(LONDON, 86_400);
        double[] twoDays = new double[168];
        assertThat(oneDayCap.addTo(twoDays, from, from + 2 * 86_400L, 1.0)).isTrue();
        assertThat(twoDays[0]).isEqualTo(1.0 / 168);
    }

    @Test
    void weightsSumToOneForSeededWindows() {
        Random random = new Random(2024);
        long start = local("2019-01-01T00:00");
        for (int k = 0; k < 5000; k++) {
            long from = start + (long) (random.nextDouble() * 6 * 365 * 86_400L);
            long to = from + (long) (random.nextDouble() * 7 * 86_400L);
            double[] w = AORISTIC.hourOfWeek(from, to);
            assertThat(Math.abs(sum(w) - 1)).as("window %d", k).isLessThan(1e-12);
        }
    }

    /** Reference: count every second of the window with java.time's own zone conversion. */
    @Test
    void agreesWithSecondBySecondCountingAroundClockChanges() {
        Random random = new Random(77);
        long[] anchors = {
            local("2025-03-30T00:30"),
            local("2025-10-26T00:30"),
            local("2024-03-31T00:00"),
            local("2024-10-27T00:00"),
            local("2024-01-14T20:00"),
            local("1995-10-22T00:00")
        };
        for (int k = 0; k < 24; k++) {
            long from = anchors[k % anchors.length] - random.nextInt(20 * 3600);
            long to = from + 1 + random.nextInt(40 * 3600);
            double[] expected = new double[168];
            for (long s = from; s < to; s++) {
                ZonedDateTime at = Instant.ofEpochSecond(s).atZone(LONDON);
                expected[bin(at.getDayOfWeek().getValue(), at.getHour())] += 1.0;
            }
            for (int b = 0; b < 168; b++) {
                expected[b] /= (to - from);
            }
            double[] actual = AORISTIC.hourOfWeek(from, to);
            for (int b = 0; b < 168; b++) {
                assertThat(actual[b]).as("window %d bin %d", k, b).isCloseTo(expected[b], within(1e-12));
            }
        }
    }

    @Test
    void shareIsTheWeightInTheSelectedHoursAndDays() {
        boolean[] nineToNoon = new boolean[24];
        Arrays.fill(nineToNoon, 9, 12, true);
        boolean[] weekdays = {true, true, true, true, true, false, false};
        boolean[] weekend = {false, false, false, false, false, true, true};
        boolean[] allHours = new boolean[24];
        Arrays.fill(allHours, true);
        boolean[] allDays = new boolean[7];
        Arrays.fill(allDays, true);
        long from = local("2024-01-10T08:00");
        long to = local("2024-01-10T16:00");

        assertThat(AORISTIC.share(from, to, nineToNoon, weekdays)).isEqualTo(0.375);
        assertThat(AORISTIC.share(from, to, nineToNoon, weekend)).isZero();
        assertThat(AORISTIC.share(from, to, allHours, allDays)).isEqualTo(1.0);
        assertThat(AORISTIC.share(from + 3600, from + 3600, nineToNoon, weekdays))
                .isEqualTo(1.0);
        assertThat(AORISTIC.share(from, from, nineToNoon, weekdays)).isZero();
        assertThat(AORISTIC.share(from, from + 10 * 86_400L, allHours, weekdays))
                .isEqualTo(120.0 / 168);

        Random random = new Random(5);
        for (int k = 0; k < 500; k++) {
            long a = from + random.nextInt(400 * 86_400);
            long b = a + random.nextInt(6 * 86_400);
            boolean[] hours = new boolean[24];
            boolean[] days = new boolean[7];
            for (int h = 0; h < 24; h++) {
                hours[h] = random.nextBoolean();
            }
            for (int d = 0; d < 7; d++) {
                days[d] = random.nextBoolean();
            }
            double[] w = AORISTIC.hourOfWeek(a, b);
            double selected = 0;
            for (int bin = 0; bin < 168; bin++) {
                if (hours[bin % 24] && days[bin / 24]) {
                    selected += w[bin];
                }
            }
            assertThat(AORISTIC.share(a, b, hours, days)).isCloseTo(selected, within(1e-12));
        }
    }

    @Test
    void refusesBadInput() {
        long t = local("2024-01-10T08:00");
        assertThatThrownBy(() -> AORISTIC.hourOfWeek(t, t - 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before it starts");
        assertThatThrownBy(() -> AORISTIC.addTo(new double[24], t, t + 60, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("168");
        assertThatThrownBy(() -> AORISTIC.addTo(new double[168], t, t + 60, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AORISTIC.addTo(new double[168], t, t + 60, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AORISTIC.share(t, t + 60, new boolean[23], new boolean[7]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AORISTIC.hourOfWeek(Long.MIN_VALUE, Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Aoristic(LONDON, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AORISTIC.hourOfWeekBin(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void datesOutsideTheOffsetTableStillUseTheZoneRules() {
        // 2250 lies beyond the tabulated transitions; July is BST under the current rules.
        long summer = LocalDateTime.parse("2250-07-10T08:00").atZone(LONDON).toEpochSecond();
        double[] w = AORISTIC.hourOfWeek(summer, summer + 2 * 3600);
        int weekday = LocalDateTime.parse("2250-07-10T08:00").getDayOfWeek().getValue();
        assertThat(w[bin(weekday, 8)]).isEqualTo(0.5);
        assertThat(w[bin(weekday, 9)]).isEqualTo(0.5);
    }
}
