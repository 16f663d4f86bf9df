package org.safemap.db;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;

/**
 * Streams rows into PostgreSQL with {@code COPY ... FROM STDIN (FORMAT binary)}: each value goes in the form the
 * backend keeps it (an integer's bytes, an instant as microseconds since 2000, a geometry's EWKB), so the backend
 * copies it rather than parsing its text, which is most of what a text COPY costs it (docs/performance.md, "Fewer
 * per-file costs, binary COPY"). Only {@code text}, which is checked as UTF-8, and {@code jsonb}, which is parsed
 * from its JSON text either way, cost the backend what they did.
 *
 * <p>The format is PostgreSQL's (the COPY page of its manual, "Binary Format"): a header, then per row the number
 * of values and each value's length (-1 for NULL) and bytes, big-endian, then a trailer. Values must be text
 * PostgreSQL can store ({@code files.PgText}), as for the text format; an unpaired surrogate is sent as {@code ?}, as
 * Java's UTF-8 encoder sends it for the text format. Not thread-safe.
 */
public final class BinaryCopyWriter implements CopyRows, AutoCloseable {
    /** Rows are built here and handed over in blocks of about this size. */
    private static final int FLUSH_AT = 1 << 16;
    /** Signature, flags (no OIDs), header extension length. */
    private static final byte[] HEADER = {
        'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
    };
    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in seconds since 1970. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;

    private static final byte JSONB_VERSION = 1;

    private final Sink out;
    private final int columns;
    private byte[] buf = new byte[FLUSH_AT + 4096];
    private int pos;
    /** Values written in the current row; -1 before its first. */
    private int values = -1;

    /** Where finished blocks go: a pumped COPY, or any stream. */
    private interface Sink {
        void write(byte[] block) throws IOException;

        void close() throws IOException;
    }

    private BinaryCopyWriter(Sink out, int columns) {
        this.out = out;
        this.columns = columns;
        System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
        pos = HEADER.length;
    }

    /**
     * Starts a binary COPY fed from a thread of its own, as {@link CopyWriter#openPumped}: {@code copySql} must read
     * {@code FROM STDIN (FORMAT binary)} into {@code columns} columns. The connection must not be used for anything
     * else until {@link #close}.
     */
    public static BinaryCopyWriter openPumped(Connection connection, String copySql, int columns) throws SQLException {
        CopyPump pump = CopyPump.open(connection, copySql);
        return new BinaryCopyWriter(
                new Sink() {
                    @Override
                    public void write(byte[] block) throws IOException {
                        pump.writeBytes(block);
                    }

                    @Override
                    public void close() throws IOException {
                        pump.close();
                    }
                },
                columns);
    }

    /** Writes the binary COPY data to a stream (closed with this writer), for a COPY to read later. */
    public static BinaryCopyWriter to(OutputStream stream, int columns) {
        return new BinaryCopyWriter(
                new Sink() {
                    @Override
                    public void write(byte[] block) throws IOException {
                        stream.write(block);
                    }

                    @Override
                    public void close() throws IOException {
                        stream.close();
                    }
                },
                columns);
    }

    @Override
    public BinaryCopyWriter value(String value) {
        return utf8(value, false);
    }

    /** jsonb's binary form is a version byte, then the JSON text, which the backend parses as jsonb_in does. */
    @Override
    public BinaryCopyWriter jsonb(String json) {
        return utf8(json, true);
    }

    private BinaryCopyWriter utf8(String value, boolean jsonb) {
        if (value == null) {
            return nullValue();
        }
        int n = value.length();
        ensure(5 + 3 * n); // a UTF-16 unit is at most 3 bytes of UTF-8 (a pair of them 4)
        int lengthAt = startValue();
        int p = pos + 4;
        byte[] b = buf;
        if (jsonb) {
            b[p++] = JSONB_VERSION;
        }
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            if (ch < 0x80) {
                b[p++] = (byte) ch;
            } else if (ch < 0x800) {
                b[p++] = (byte) (0xc0 | ch >> 6);
                b[p++] = (byte) (0x80 | ch & 0x3f);
            } else if (Character.isSurrogate(ch)) {
                if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    int cp = Character.toCodePoint(ch, value.charAt(++i));
                    b[p++] = (byte) (0xf0 | cp >> 18);
                    b[p++] = (byte) (0x80 | cp >> 12 & 0x3f);
                    b[p++] = (byte) (0x80 | cp >> 6 & 0x3f);
                    b[p++] = (byte) (0x80 | cp & 0x3f);
                } else {
                    b[p++] = '?';
                }
            } else {
                b[p++] = (byte) (0xe0 | ch >> 12);
                b[p++] = (byte) (0x80 | ch >> 6 & 0x3f);
                b[p++] = (byte) (0x80 | ch & 0x3f);
            }
        }
        putInt(lengthAt, p - lengthAt - 4);
        pos = p;
        return this;
    }

    @Override
    public BinaryCopyWriter int8(long value) {
        ensure(12);
        startValue();
        putInt(pos, 8);
        putLong(pos + 4, value);
        pos += 12;
        return this;
    }

    @Override
    public BinaryCopyWriter int4(int value) {
        ensure(8);
        startValue();
        putInt(pos, 4);
        putInt(pos + 4, value);
        pos += 8;
        return this;
    }

    @Override
    public BinaryCopyWriter int2(Integer value) {
        if (value == null) {
            return nullValue();
        }
        if (value != value.shortValue()) {
            throw new IllegalArgumentException("not a smallint: " + value);
        }
        ensure(6);
        startValue();
        putInt(pos, 2);
        buf[pos + 4] = (byte) (value >> 8);
        buf[pos + 5] = (byte) (int) value;
        pos += 6;
        return this;
    }

    /** The float's bits, with every NaN as the one NaN float4in gives for "NaN". */
    @Override
    public BinaryCopyWriter float4(float value) {
        ensure(8);
        startValue();
        putInt(pos, 4);
        putInt(pos + 4, Float.floatToIntBits(value));
        pos += 8;
        return this;
    }

    /**
     * Microseconds since 2000-01-01 UTC. Nanoseconds beyond the microsecond are rounded as the backend rounds the
     * fraction of a text timestamp (the text path writes {@link Instant#toString}): the fraction read as a double,
     * times a million, rounded half to even ({@code rint}).
     */
    @Override
    public BinaryCopyWriter timestamptz(Instant value) {
        if (value == null) {
            return nullValue();
        }
        ensure(12);
        startValue();
        putInt(pos, 8);
        putLong(pos + 4, pgMicros(value));
        pos += 12;
        return this;
    }

    /** The instant a {@link #pgMicros} value stands for. */
    static Instant pgInstant(long micros) {
        return Instant.ofEpochSecond(
                PG_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    static long pgMicros(Instant value) {
        int nanos = value.getNano();
        long micros = nanos / 1000;
        if (nanos % 1000 != 0) {
            micros = (long) Math.rint(Double.parseDouble("0." + String.format("%09d", nanos)) * 1_000_000);
        }
        return Math.addExact(Math.multiplyExact(value.getEpochSecond() - PG_EPOCH_SECONDS, 1_000_000L), micros);
    }

    @Override
    public BinaryCopyWriter point(int srid, double x, double y) {
        ensure(4 + 25);
        startValue();
        putInt(pos, 25);
        int p = pos + 4;
        buf[p] = 1; // little-endian
        putIntLittle(p + 1, 0x20000001); // point, with an SRID
        putIntLittle(p + 5, srid);
        putLongLittle(p + 9, Double.doubleToRawLongBits(x));
        putLongLittle(p + 17, Double.doubleToRawLongBits(y));
        pos = p + 25;
        return this;
    }

    @Override
    public void endRow() throws IOException {
        if (values != columns) {
            throw new IllegalStateException("a row of " + Math.max(values, 0) + " values for " + columns + " columns");
        }
        values = -1;
        if (pos >= FLUSH_AT) {
            out.write(Arrays.copyOf(buf, pos));
            pos = 0;
        }
    }

    /** Sends the last rows and the trailer, and ends the COPY. */
    @Override
    public void close() throws IOException {
        ensure(2);
        buf[pos++] = (byte) 0xff;
        buf[pos++] = (byte) 0xff;
        out.write(Arrays.copyOf(buf, pos));
        pos = 0;
        out.close();
    }

    private BinaryCopyWriter nullValue() {
        ensure(4);
        startValue();
        putInt(pos, -1);
        pos += 4;
        return this;
    }

    /** Counts the value, writing the row's value count before its first; gives where the value's length goes. */
    private int startValue() {
        if (values < 0) {
            buf[pos++] = (byte) (columns >> 8);
            buf[pos++] = (byte) columns;
            values = 0;
        }
        values++;
        return pos;
    }

    /** Room for {@code n} more bytes and a row's value count. */
    private void ensure(int n) {
        if (pos + n + 2 > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n + 2));
        }
    }

    private void putInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    private void putLong(int at, long v) {
        putInt(at, (int) (v >>> 32));
        putInt(at + 4, (int) v);
    }

    private void putIntLittle(int at, int v) {
        buf[at] = (byte) v;
        buf[at + 1] = (byte) (v >>> 8);
        buf[at + 2] = (byte) (v >>> 16);
        buf[at + 3] = (byte) (v >>> 24);
    }

    private void putLongLittle(int at, long v) {
        putIntLittle(at, (int) v);
        putIntLittle(at + 4, (int) (v >>> 32));
    }
}
