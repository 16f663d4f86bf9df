package org.safemap.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.PGConnection;

/**
 * What one thread is doing for one HTTP request, so it can be stopped: when the client has gone, when its time is up,
 * or when the server shuts down. Stopping is cooperative: every database connection the work opens registers here
 * and has its running statement cancelled, the next connection it asks for is refused, and long loops call
 * {@link #checkpoint()}. Code with no work on its thread (the CLI, background jobs) is never stopped this way.
 */
public final class Work {
    /** Why the work was stopped. */
    public enum Reason {
        CLIENT_GONE("the client closed the connection"),
        DEADLINE("the request ran out of time"),
        SHUTDOWN("the server is shutting down");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** Thrown at a checkpoint (or instead of a connection) once the work has been stopped. */
    public static final class Stopped extends RuntimeException {
        private final Reason reason;

        public Stopped(Reason reason) {
            super(reason.text(), null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private static final ThreadLocal<Work> CURRENT = new ThreadLocal<>();

    private final String label;
    private final long deadlineNanos;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile Reason stopped;
    private volatile boolean readsPrimary;

    private Work(String label, long deadlineNanos) {
        this.label = label;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Starts work on this thread.
     *
     * @param seconds the work is stopped this many seconds from now; 0 for never
     */
    public static Work begin(String label, long seconds) {
        Work w = new Work(label, seconds <= 0 ? Long.MAX_VALUE : System.nanoTime() + seconds * 1_000_000_000L);
        CURRENT.set(w);
        return w;
    }

    /** The work on this thread, if any. */
    public static Optional<Work> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * From now on this work reads from the primary, not a replica ({@link ReplicaReads}): it writes and then reads
     * what it wrote (a pack stores its runs, then draws them), or its client has seen a write the replica may lack.
     */
    public void readPrimary() {
        readsPrimary = true;
    }

    /** Whether {@link #readPrimary} was called. */
    public boolean readsPrimary() {
        return readsPrimary;
    }

    /** Throws {@link Stopped} when the work on this thread has been stopped or has run out of time. */
    public static void checkpoint() {
        Work w = CURRENT.get();
        if (w != null) {
            w.check();
        }
    }

    /**
     * Runs {@code task} outside this thread's work: its connections are not cancelled with the work and are given
     * even when the work has been stopped. For bookkeeping that must happen however a request ends (recording
     * that a run failed, releasing a run's lease).
     */
    public static <T, E extends Exception> T outside(Task<T, E> task) throws E {
        Work w = CURRENT.get();
        CURRENT.remove();
        try {
            return task.run();
        } finally {
            if (w != null) {
                CURRENT.set(w);
            }
        }
    }

    /**
     * {@code task} made to run on another thread as part of this thread's work: its connections are cancelled and its
     * checkpoints stop when this work is stopped, as if it ran here. For parts of one request computed side by side.
     */
    public static <T> java.util.function.Supplier<T> carried(java.util.function.Supplier<T> task) {
        Work w = CURRENT.get();
        return () -> {
            Work before = CURRENT.get();
            if (w == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(w);
            }
            try {
                return task.get();
            } finally {
                if (before == null) {
                    CURRENT.remove();
                } else {
                    CURRENT.set(before);
                }
            }
        };
    }

    /** A piece of work that may throw. */
    @FunctionalInterface
    public interface Task<T, E extends Exception> {
        T run() throws E;
    }

    /** Leaves this thread with no work, whatever an earlier request left behind. */
    public static void clear() {
        CURRENT.remove();
    }

    /** Ends the work on this thread (the request is answered). */
    public void end() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }

    public String label() {
        return label;
    }

    /** Why it was stopped, or null while it may go on. */
    public Reason stopped() {
        return stopped;
    }

    public boolean overdue() {
        return deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0;
    }

    /** Throws {@link Stopped} if stopped or overdue. */
    public void check() {
        if (stopped == null && overdue()) {
            stop(Reason.DEADLINE);
        }
        Reason r = stopped;
        if (r != null) {
            throw new Stopped(r);
        }
    }

    /**
     * Stops the work: the first reason given stays. The statement running on each of its connections is cancelled;
     * callers repeat this (the watchdog does) so a statement started after a cancel is cancelled too.
     */
    public void stop(Reason reason) {
        if (stopped == null) {
            stopped = reason;
        }
        cancelStatements();
    }

    /** Cancels whatever statement runs on the work's connections now (a no-op on an idle connection). */
    public void cancelStatements() {
        for (Connection c : connections) {
            try {
                c.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException | RuntimeException ignored) {
                // closed meanwhile, or the server is gone: nothing left to cancel
            }
        }
    }

    /** A connection opened for this work; {@link #detach} when it is closed. */
    public void attach(Connection c) {
        connections.add(c);
    }

    public void detach(Connection c) {
        connections.remove(c);
    }

    @Override
    public String toString() {
        return label + (stopped == null ? "" : " (stopped: " + stopped.text() + ")");
    }
}
