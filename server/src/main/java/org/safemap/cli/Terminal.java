package org.safemap.cli;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Output for people: plain lines on standard output, and on a terminal a progress bar on standard error that
 * redraws in place. When output is redirected (scripts, CI) there is no bar, only the finished lines.
 */
final class Terminal {
    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    Terminal(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /** Standard output, for commands whose output is data (CSV, JSON) rather than messages. */
    PrintStream out() {
        return out;
    }

    /** Whether this JVM writes to a terminal (Java 22+ needs Console.isTerminal for redirected output). */
    static boolean detectInteractive() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 17-21: a non-null console is a terminal
        }
    }

    // Lines and bars may come from several threads (ingest --jobs): each is written whole.
    synchronized void line(String text) {
        out.println(text);
        out.flush();
    }

    void warn(String text) {
        err.println("safemap: warning: " + text);
    }

    /**
     * A progress callback for work measured in bytes; {@code total} below 1 shows a spinner-free label.
     * Call {@link #done} with the same label when finished.
     */
    LongConsumer progress(String label, long total) {
        if (!interactive) {
            return n -> {};
        }
        long[] lastDraw = {0};
        draw(label, 0, total);
        return n -> {
            long now = System.nanoTime();
            if (now - lastDraw[0] >= REDRAW_NANOS) {
                lastDraw[0] = now;
                draw(label, n, total);
            }
        };
    }

    /**
     * A progress bar for row-by-row work over a file: share of bytes done, rows so far, rows per second and the
     * time left at the current rate. Call {@link #done} with the same label when finished.
     */
    RowProgress rowProgress(String label, long totalBytes) {
        if (!interactive) {
            return (bytes, rows) -> {};
        }
        long started = System.nanoTime();
        long[] lastDraw = {0};
        draw(label, 0, totalBytes);
        return (bytes, rows) -> {
            long now = System.nanoTime();
            if (now - lastDraw[0] < REDRAW_NANOS) {
                return;
            }
            lastDraw[0] = now;
            double seconds = (now - started) / 1e9;
            StringBuilder text = new StringBuilder(String.format(Locale.UK, "%,d rows", rows));
            if (seconds > 0.5) {
                text.append(String.format(Locale.UK, ", %,.0f rows/s", rows / seconds));
                if (bytes > 0 && totalBytes > bytes) {
                    long left = Math.round(seconds * (totalBytes - bytes) / bytes);
                    text.append(String.format(Locale.UK, ", %d:%02d left", left / 60, left % 60));
                }
            }
            draw(label + "  " + text, bytes, totalBytes);
        };
    }

    /** Hears bytes and rows done so far. */
    @FunctionalInterface
    interface RowProgress {
        void update(long bytes, long rows);
    }

    /** Replaces the bar with the finished line. */
    synchronized void done(String label, String summary) {
        if (interactive) {
            err.print("\r\033[K");
            err.flush();
        }
        line(label + ": " + summary);
    }

    private synchronized void draw(String label, long done, long total) {
        StringBuilder bar = new StringBuilder("\r\033[K[");
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            bar.append("#".repeat(filled))
                    .append("-".repeat(BAR_WIDTH - filled))
                    .append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%", Math.round(fraction * 100)));
        } else {
            bar.append("-".repeat(BAR_WIDTH)).append("]     ");
        }
        bar.append("  ").append(label);
        err.print(bar);
        err.flush();
    }
}
