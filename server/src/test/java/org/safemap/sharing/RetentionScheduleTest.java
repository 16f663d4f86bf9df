package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.safemap.testing.MutableClock;

class RetentionScheduleTest {
    @Test
    void runsOnceWhenTheHourComesThenWaitsForTheNextDayInUkTime() {
        MutableClock clock = new MutableClock(Instant.parse("2024-06-15T00:30:00Z")); // 01:30 BST
        AtomicInteger runs = new AtomicInteger();
        try (RetentionSchedule s = new RetentionSchedule(
                runs::incrementAndGet, 2, clock, org.safemap.time.Period.LONDON, Duration.ofHours(1))) {
            assertThat(s.nextDue()).isEqualTo(Instant.parse("2024-06-15T01:00:00Z"));
            assertThat(s.tick()).isFalse();
            clock.advance(Duration.ofMinutes(31));
            assertThat(s.tick()).isTrue();
            assertThat(s.tick()).isFalse();
            assertThat(runs.get()).isEqualTo(1);
            assertThat(s.nextDue()).isEqualTo(Instant.parse("2024-06-16T01:00:00Z"));
            // a machine asleep for three days runs it once on waking, not three times
            clock.set(Instant.parse("2024-06-19T09:00:00Z"));
            assertThat(s.tick()).isTrue();
            assertThat(s.tick()).isFalse();
            assertThat(runs.get()).isEqualTo(2);
            assertThat(s.nextDue()).isEqualTo(Instant.parse("2024-06-20T01:00:00Z"));
        }
    }

    @Test
    void theHourIsUkTimeInWinterToo() {
        MutableClock clock = new MutableClock(Instant.parse("2024-12-01T03:00:00Z"));
        try (RetentionSchedule s =
                new RetentionSchedule(() -> {}, 2, clock, org.safemap.time.Period.LONDON, Duration.ofHours(1))) {
            assertThat(s.nextDue()).isEqualTo(Instant.parse("2024-12-02T02:00:00Z"));
        }
    }

    @Test
    void theExecutorRunsItWhenDueAndAFailureDoesNotStopTheNextDay() throws InterruptedException {
        MutableClock clock = new MutableClock(Instant.parse("2024-06-15T00:59:00Z"));
        CountDownLatch ran = new CountDownLatch(2);
        try (RetentionSchedule s = new RetentionSchedule(
                () -> {
                    ran.countDown();
                    throw new IllegalStateException("database down");
                },
                2,
                clock,
                org.safemap.time.Period.LONDON,
                Duration.ofMillis(10))) {
            Thread.sleep(100);
            assertThat(ran.getCount()).isEqualTo(2);
            clock.advance(Duration.ofMinutes(2));
            assertThat(waitUntil(() -> ran.getCount() == 1)).isTrue();
            clock.advance(Duration.ofDays(1));
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void disabledWithMinusOne() {
        assertThat(RetentionSchedule.daily(null, -1)).isNull();
    }

    private static boolean waitUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 1000 && !done.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        return done.getAsBoolean();
    }
}
