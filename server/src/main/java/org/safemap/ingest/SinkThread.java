package org.safemap.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RowSink} that hands what an adapter reads to another sink running on a thread of its own, in file order,
 * so reading and splitting the file (the adapter, on the caller's thread) and geocoding, assigning and writing COPY
 * text (the load's pipeline, on this thread) use both cores. Rows go over in blocks of {@link #BLOCK} through a
 * queue of {@link #QUEUED} blocks, which bounds memory and holds the reader back when the pipeline is slower.
 *
 * <p>The downstream sink is only ever called from this thread, so it needs no locking of its own; what the caller
 * shares with it must be safe to publish through the queue (records are immutable). A failure downstream stops the
 * reader at its next block and is rethrown by {@link #close}.
 */
final class SinkThread implements RowSink, AutoCloseable {
    static final int BLOCK = 2_000;
    static final int QUEUED = 4;
    private static final List<Object> END = List.of();

    private final RowSink downstream;
    private final BlockingQueue<List<Object>> queue = new ArrayBlockingQueue<>(QUEUED);
    private final Thread thread;
    private List<Object> block = new ArrayList<>(BLOCK);
    private volatile Throwable failure;
    private boolean closed;

    SinkThread(RowSink downstream, String name) {
        this.downstream = downstream;
        this.thread = new Thread(this::drain, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void accept(IncidentRecord record) throws IOException {
        add(record);
    }

    @Override
    public void reject(Rejection rejection) throws IOException {
        add(rejection);
    }

    private void add(Object item) throws IOException {
        block.add(item);
        if (block.size() == BLOCK) {
            put(block);
            block = new ArrayList<>(BLOCK);
        }
    }

    private void drain() {
        try {
            while (true) {
                List<Object> items = queue.take();
                if (items == END) {
                    return;
                }
                for (Object item : items) {
                    if (item instanceof IncidentRecord r) {
                        downstream.accept(r);
                    } else {
                        downstream.reject((Rejection) item);
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
            queue.clear(); // unblock a reader waiting for room
        }
    }

    private void put(List<Object> items) throws IOException {
        rethrow();
        try {
            while (!queue.offer(items, 100, TimeUnit.MILLISECONDS)) {
                rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while handing rows to the load", e);
        }
    }

    /**
     * Hands over the last rows and waits until the downstream sink has taken every row, rethrowing what failed
     * there. After a failure on the caller's side, call {@link #abandon} instead.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (failure == null) {
            if (!block.isEmpty()) {
                put(block);
            }
            put(END);
        }
        join();
        rethrow();
    }

    /** Stops the thread without waiting for queued rows (the load failed and rolls back). */
    void abandon() {
        if (closed) {
            return;
        }
        closed = true;
        thread.interrupt();
        join();
    }

    private void join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t == null) {
            return;
        }
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new UncheckedIOException(new IOException(t));
    }
}
