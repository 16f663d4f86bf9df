package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    /** A clock the test moves by hand. */
    private static final class Hand extends Clock {
        Instant now = Instant.parse("2026-01-01T09:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theSixthTryForOneLoginWaitsUntilTheFirstFailureIsFifteenMinutesOld() {
        Hand clock = new Hand();
        LoginThrottle t = new LoginThrottle(clock);
        for (int i = 0; i < 5; i++) {
            assertThat(t.wait("jsmith", "10.0.0." + i)).isEmpty();
            t.failed("jsmith", "10.0.0." + i); // five addresses: only the login's count reaches five
            clock.now = clock.now.plusSeconds(60);
        }
        // first failure at 09:00, now 09:05: free again at 09:15
        assertThat(t.wait("JSmith ", "10.0.0.9")).contains(Duration.ofMinutes(10));
        assertThat(t.wait("other", "10.0.0.9")).isEmpty();
        clock.now = Instant.parse("2026-01-01T09:15:00Z");
        assertThat(t.wait("jsmith", "10.0.0.9")).isEmpty();
    }

    @Test
    void oneAddressGuessingAtManyLoginsIsHeldBackAndASuccessDoesNotFreeIt() {
        Hand clock = new Hand();
        LoginThrottle t = new LoginThrottle(clock);
        for (int i = 0; i < 5; i++) {
            t.failed("user" + i, "192.0.2.7");
        }
        assertThat(t.wait("someone-else", "192.0.2.7")).isPresent();
        t.succeeded("user0");
        assertThat(t.wait("someone-else", "192.0.2.7")).isPresent();
        assertThat(t.wait("someone-else", "192.0.2.8")).isEmpty();
    }

    @Test
    void aSuccessClearsTheLoginsOwnCount() {
        LoginThrottle t = new LoginThrottle(new Hand());
        for (int i = 0; i < 4; i++) {
            t.failed("jsmith", "10.1.1." + i);
        }
        t.succeeded("jsmith");
        t.failed("jsmith", "10.1.1.9");
        assertThat(t.wait("jsmith", "10.1.1.10")).isEmpty();
    }
}
