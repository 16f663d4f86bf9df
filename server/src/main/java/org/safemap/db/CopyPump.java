package org.safemap.db;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * A Writer whose text reaches a COPY on a thread of its own, so the producer (parsing, geocoding) and PostgreSQL
 * (parsing the COPY rows) work at the same time on different cores instead of taking turns. The producer hands
 * over 64 KB blocks through a small bounded queue, which bounds memory and applies back-pressure. Blocks are text
 * (encoded as UTF-8 on the pump's thread) or, for binary COPY, bytes already encoded ({@link #writeBytes}).
 */
final class CopyPump extends Writer {
    private static final char[] END = new char[0];

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(16);
    private final Thread thread;
    private volatile Throwable failure;

    private CopyPump(PGCopyOutputStream stream) {
        thread = new Thread(() -> pump(stream), "copy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    static CopyPump open(Connection connection, String copySql) throws SQLException {
        return new CopyPump(new PGCopyOutputStream(connection.unwrap(PGConnection.class), copySql, 1 << 16));
    }

    private void pump(PGCopyOutputStream stream) {
        try (Writer out = new OutputStreamWriter(stream, StandardCharsets.UTF_8)) {
            while (true) {
                Object block = queue.take();
                if (block == END) {
                    break;
                }
                if (block instanceof char[] chars) {
                    out.write(chars);
                } else {
                    stream.write((byte[]) block); // a pump carries text or bytes, never both
                }
            }
        } catch (Throwable t) {
            failure = t;
            queue.clear(); // unblock a producer waiting for room
        }
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        put(java.util.Arrays.copyOfRange(chars, offset, offset + length));
    }

    @Override
    public Writer append(CharSequence text) throws IOException {
        char[] block = new char[text.length()];
        text.toString().getChars(0, block.length, block, 0);
        put(block);
        return this;
    }

    /** Hands over bytes already in COPY's binary format; the caller must not change the array afterwards. */
    void writeBytes(byte[] block) throws IOException {
        put(block);
    }

    private void put(Object block) throws IOException {
        check();
        try {
            while (!queue.offer(block, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing to COPY", e);
        }
    }

    private void check() throws IOException {
        if (failure != null) {
            throw new IOException("COPY failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void flush() {
        // blocks go out as they are handed over
    }

    /** Sends the end of the data and waits until PostgreSQL has taken all of it. */
    @Override
    public void close() throws IOException {
        if (failure == null) {
            put(END);
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while finishing COPY", e);
        }
        check();
    }
}
