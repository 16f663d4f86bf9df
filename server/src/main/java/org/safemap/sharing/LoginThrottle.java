package org.safemap.sharing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Slows password guessing: after {@link #MAX_FAILURES} failed sign-ins for one login, or from one client address,
 * within {@link #WINDOW}, further attempts for it are refused until the oldest failure leaves the window, whether or
 * not the password is right (otherwise guessing would simply go on).
 *
 * <p>Kept in memory: a restart forgets it, and several server processes would each count on their own. That is
 * enough against online guessing at one server; a shared store would be needed behind a load balancer.
 */
public final class LoginThrottle {
    public static final int MAX_FAILURES = 5;
    public static final Duration WINDOW = Duration.ofMinutes(15);
    /** Beyond this many tracked keys the oldest idle ones are dropped, so a flood of logins cannot exhaust memory. */
    private static final int MAX_KEYS = 50_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    public LoginThrottle() {
        this(Clock.systemUTC());
    }

    /** How long until {@code login} from {@code address} may try again; empty if it may try now. */
    public synchronized Optional<Duration> wait(String login, String address) {
        Instant now = clock.instant();
        Duration a = waitFor(loginKey(login), now);
        Duration b = waitFor(addressKey(address), now);
        Duration longer = a.compareTo(b) >= 0 ? a : b;
        return longer.isZero() ? Optional.empty() : Optional.of(longer);
    }

    /** Counts a failed sign-in against the login and the address. */
    public synchronized void failed(String login, String address) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_KEYS) {
            sweep(now);
        }
        failures.computeIfAbsent(loginKey(login), k -> new ArrayDeque<>()).addLast(now);
        failures.computeIfAbsent(addressKey(address), k -> new ArrayDeque<>()).addLast(now);
    }

    /**
     * Forgets the login's failures after a successful sign-in. The address keeps its count: one good account must
     * not reset the count of an address guessing at others.
     */
    public synchronized void succeeded(String login) {
        failures.remove(loginKey(login));
    }

    private Duration waitFor(String key, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Duration.ZERO;
        }
        prune(times, now);
        if (times.isEmpty()) {
            failures.remove(key);
            return Duration.ZERO;
        }
        if (times.size() < MAX_FAILURES) {
            return Duration.ZERO;
        }
        // the attempt becomes possible when enough failures have aged out to leave MAX_FAILURES - 1
        Instant freed = times.stream()
                .skip(times.size() - MAX_FAILURES)
                .findFirst()
                .orElseThrow()
                .plus(WINDOW);
        return Duration.between(now, freed);
    }

    private static void prune(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().plus(WINDOW).isAfter(now)) {
            times.removeFirst();
        }
    }

    private void sweep(Instant now) {
        for (Iterator<Map.Entry<String, Deque<Instant>>> it =
                        failures.entrySet().iterator();
                it.hasNext(); ) {
            Deque<Instant> times = it.next().getValue();
            prune(times, now);
            if (times.isEmpty()) {
                it.remove();
            }
        }
        if (failures.size() >= MAX_KEYS) {
            failures.clear(); // under a flood of distinct keys, forgetting beats running out of memory
        }
    }

    private static String loginKey(String login) {
        return "login:" + (login == null ? "" : login.strip().toLowerCase(java.util.Locale.ROOT));
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }
}
