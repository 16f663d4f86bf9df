package org.safemap.sharing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the retention purge once a day at a set hour (SAFEMAP_RETENTION_HOUR, server's UK time) while {@code serve}
 * runs. A single daemon thread looks at the clock every {@code checkEvery} and runs the purge when the next due time
 * has passed, so a clock change or a sleeping machine cannot skip a day silently: the purge runs at the first check
 * after its time. The first due time is the next occurrence of the hour after start.
 */
public final class RetentionSchedule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionSchedule.class);

    private final Runnable purge;
    private final int hour;
    private final Clock clock;
    private final ZoneId zone;
    private final ScheduledExecutorService executor;
    private Instant nextDue;

    /**
     * @param purge      what to run (errors are logged, and the next day's run still happens)
     * @param hour       hour of the day, 0 to 23
     * @param clock      the time (tests move it)
     * @param zone       whose hours
     * @param checkEvery how often to look at the clock
     */
    public RetentionSchedule(Runnable purge, int hour, Clock clock, ZoneId zone, Duration checkEvery) {
        if (hour < 0 || hour > 23) {
            throw new IllegalArgumentException("hour must be 0 to 23");
        }
        this.purge = purge;
        this.hour = hour;
        this.clock = clock;
        this.zone = zone;
        this.nextDue = nextOccurrence(clock.instant());
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "safemap-retention");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, checkEvery.toMillis());
        executor.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
        LOG.info("retention purge scheduled daily at {}:00; next at {}", hour, nextDue);
    }

    /** The server's schedule for {@code purge.run(SCHEDULE, false)}; null when {@code hour} is -1 (disabled). */
    public static RetentionSchedule daily(RetentionPurge purge, int hour) {
        if (hour < 0) {
            LOG.info("retention purge not scheduled (SAFEMAP_RETENTION_HOUR=-1): run safemap retention purge yourself");
            return null;
        }
        return new RetentionSchedule(
                () -> purge.run(RetentionPurge.SCHEDULE, false),
                hour,
                Clock.systemUTC(),
                org.safemap.time.Period.LONDON,
                Duration.ofMinutes(1));
    }

    /** When the purge will next run. */
    public synchronized Instant nextDue() {
        return nextDue;
    }

    /** Runs the purge if it is due; returns whether it ran. The executor calls this; tests may too. */
    public synchronized boolean tick() {
        Instant now = clock.instant();
        if (now.isBefore(nextDue)) {
            return false;
        }
        nextDue = nextOccurrence(now);
        try {
            purge.run();
        } catch (RuntimeException e) {
            LOG.error("scheduled retention purge failed; it runs again at {}: {}", nextDue, e.getMessage(), e);
        }
        return true;
    }

    /** The first {@code hour}:00 strictly after {@code now}. */
    Instant nextOccurrence(Instant now) {
        ZonedDateTime t = now.atZone(zone).toLocalDate().atTime(hour, 0).atZone(zone);
        while (!t.toInstant().isAfter(now)) {
            t = t.toLocalDate().plusDays(1).atTime(hour, 0).atZone(zone);
        }
        return t.toInstant();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
