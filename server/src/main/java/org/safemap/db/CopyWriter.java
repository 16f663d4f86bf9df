package org.safemap.db;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Streams rows into PostgreSQL with {@code COPY ... FROM STDIN (FORMAT csv)}, the fastest way in.
 * Every non-null value is quoted, so an empty string stays an empty string and null stays NULL.
 */
public final class CopyWriter implements AutoCloseable {
    private final Writer out;
    private boolean rowStarted;

    private CopyWriter(Writer out) {
        this.out = out;
    }

    /** Starts the COPY; {@code copySql} must read {@code FROM STDIN (FORMAT csv)}. */
    public static CopyWriter open(Connection connection, String copySql) throws SQLException {
        PGCopyOutputStream stream = new PGCopyOutputStream(connection.unwrap(PGConnection.class), copySql, 1 << 16);
        return new CopyWriter(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16));
    }

    /** Appends one value to the current row; null is SQL NULL. */
    public CopyWriter value(String value) throws IOException {
        if (rowStarted) {
            out.write(',');
        }
        rowStarted = true;
        if (value == null) {
            return this;
        }
        out.write('"');
        for (int i = 0, n = value.length(); i < n; i++) {
            char ch = value.charAt(i);
            if (ch == '"') {
                out.write('"');
            }
            out.write(ch);
        }
        out.write('"');
        return this;
    }

    public CopyWriter value(long value) throws IOException {
        return value(Long.toString(value));
    }

    public CopyWriter value(double value) throws IOException {
        return value(Double.toString(value));
    }

    /** Appends {@code count} NULLs. */
    public CopyWriter nulls(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            value((String) null);
        }
        return this;
    }

    public void endRow() throws IOException {
        out.write('\n');
        rowStarted = false;
    }

    /** Sends the last rows and ends the COPY. */
    @Override
    public void close() throws IOException {
        out.close();
    }
}
