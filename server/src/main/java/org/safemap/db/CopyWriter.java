package org.safemap.db;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;
import org.safemap.files.PgText;

/**
 * Streams rows into PostgreSQL with {@code COPY ... FROM STDIN}, the fastest way in, in COPY's csv format or its
 * text format. In csv, values are quoted only when they need it or are empty, so an empty string stays an empty
 * string and null stays NULL. Text format escapes every backslash and line break, so no value can end the COPY
 * early: csv cannot say a quoted value holds a line that is just {@code \.}, which PostgreSQL 15 takes for the end
 * of the data, so text format is the one for values nobody has checked (partners' rows). Values must be text
 * PostgreSQL can store ({@link PgText}) in either format.
 */
public final class CopyWriter implements CopyRows, AutoCloseable {
    /** Rows are built here and handed to the writer in large pieces: one call per 64 KB, not per character. */
    private static final int FLUSH_AT = 1 << 16;

    private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

    private final Writer out;
    private final boolean textFormat;
    private final StringBuilder row = new StringBuilder(FLUSH_AT + 4096);
    private final StringBuilder hex = new StringBuilder(64);
    private boolean rowStarted;

    private CopyWriter(Writer out, boolean textFormat) {
        this.out = out;
        this.textFormat = textFormat;
    }

    private CopyWriter(Writer out) {
        this(out, false);
    }

    /** Writes COPY csv lines to any writer (a spill file to COPY later). */
    public static CopyWriter to(Writer writer) {
        return new CopyWriter(writer);
    }

    /** Writes COPY text-format lines to any writer; the COPY must read {@code FROM STDIN} (text is the default). */
    public static CopyWriter textTo(Writer writer) {
        return new CopyWriter(writer, true);
    }

    /** As {@link #openPumped}, in COPY's text format: {@code copySql} must read {@code FROM STDIN} without csv. */
    public static CopyWriter openPumpedText(Connection connection, String copySql) throws SQLException {
        return new CopyWriter(CopyPump.open(connection, copySql), true);
    }

    /**
     * Starts a COPY fed from a thread of its own, so the caller's work and PostgreSQL's overlap (bulk loads).
     * The connection must not be used for anything else until {@link #close}.
     */
    public static CopyWriter openPumped(Connection connection, String copySql) throws SQLException {
        return new CopyWriter(CopyPump.open(connection, copySql));
    }

    /** Starts the COPY; {@code copySql} must read {@code FROM STDIN (FORMAT csv)}. */
    public static CopyWriter open(Connection connection, String copySql) throws SQLException {
        PGCopyOutputStream stream = new PGCopyOutputStream(connection.unwrap(PGConnection.class), copySql, 1 << 16);
        return new CopyWriter(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16));
    }

    /** Appends one value to the current row; null is SQL NULL. */
    @Override
    public CopyWriter value(String value) throws IOException {
        if (textFormat) {
            return textValue(value);
        }
        if (rowStarted) {
            row.append(',');
        }
        rowStarted = true;
        if (value == null) {
            return this;
        }
        int n = value.length();
        boolean plain = n > 0;
        for (int i = 0; i < n && plain; i++) {
            char ch = value.charAt(i);
            plain = ch != '"' && ch != ',' && ch != '\n' && ch != '\r';
        }
        if (plain) {
            // Unquoted is only ambiguous for the empty string (which COPY csv reads as NULL).
            row.append(value);
        } else {
            row.append('"');
            for (int i = 0; i < n; i++) {
                char ch = value.charAt(i);
                if (ch == '"') {
                    row.append('"');
                }
                row.append(ch);
            }
            row.append('"');
        }
        return this;
    }

    /** Text format: NULL is {@code \N}; a backslash, tab and line breaks are escaped, everything else is as it is. */
    private CopyWriter textValue(String value) {
        if (rowStarted) {
            row.append('\t');
        }
        rowStarted = true;
        if (value == null) {
            row.append("\\N");
            return this;
        }
        int n = value.length();
        int plain = 0;
        while (plain < n && !escaped(value.charAt(plain))) {
            plain++;
        }
        // most values need no escape: one bulk append instead of one per character
        row.append(value, 0, plain);
        for (int i = plain; i < n; i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> row.append("\\\\");
                case '\t' -> row.append("\\t");
                case '\n' -> row.append("\\n");
                case '\r' -> row.append("\\r");
                default -> row.append(ch);
            }
        }
        return this;
    }

    private static boolean escaped(char ch) {
        return ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r';
    }

    public CopyWriter value(long value) throws IOException {
        return value(Long.toString(value));
    }

    public CopyWriter value(double value) throws IOException {
        return value(Double.toString(value));
    }

    @Override
    public CopyWriter int8(long value) throws IOException {
        return value(Long.toString(value));
    }

    @Override
    public CopyWriter int4(int value) throws IOException {
        return value(Integer.toString(value));
    }

    @Override
    public CopyWriter int2(Integer value) throws IOException {
        return value(value == null ? null : value.toString());
    }

    /** The shortest digits that read back as the same float, which is what float4in gives back. */
    @Override
    public CopyWriter float4(float value) throws IOException {
        return value(Float.toString(value));
    }

    /** ISO 8601 in UTC with up to nine fraction digits; the backend rounds them to microseconds. */
    @Override
    public CopyWriter timestamptz(Instant value) throws IOException {
        return value(value == null ? null : value.toString());
    }

    @Override
    public CopyWriter jsonb(String json) throws IOException {
        return value(json);
    }

    /** Hex EWKB, which geometry's input function reads as the binary EWKB itself; written without a string per digit. */
    @Override
    public CopyWriter point(int srid, double x, double y) throws IOException {
        hex.setLength(0);
        appendHex(1, 1); // little-endian
        appendHex(0x20000001L, 4); // point, with an SRID
        appendHex(srid, 4);
        appendHex(Double.doubleToRawLongBits(x), 8);
        appendHex(Double.doubleToRawLongBits(y), 8);
        return value(hex.toString());
    }

    /** Appends the low {@code bytes} bytes of {@code bits}, least significant first, as upper-case hex. */
    private void appendHex(long bits, int bytes) {
        for (int i = 0; i < bytes; i++) {
            int b = (int) (bits >>> (8 * i)) & 0xff;
            hex.append(HEX_DIGITS[b >>> 4]).append(HEX_DIGITS[b & 0xf]);
        }
    }

    /** Appends {@code count} NULLs. */
    public CopyWriter nulls(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            value((String) null);
        }
        return this;
    }

    @Override
    public void endRow() throws IOException {
        row.append('\n');
        rowStarted = false;
        if (row.length() >= FLUSH_AT) {
            out.append(row);
            row.setLength(0);
        }
    }

    /** Sends the last rows and ends the COPY. */
    @Override
    public void close() throws IOException {
        out.append(row);
        row.setLength(0);
        out.close();
    }
}
