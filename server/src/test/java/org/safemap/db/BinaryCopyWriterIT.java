package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.safemap.testing.TestDatabase;

/**
 * The binary COPY stores exactly what the text COPY stores, value by value, for the column types the loader writes:
 * the same rows through {@link CopyWriter#openPumpedText} and {@link BinaryCopyWriter#openPumped} into two tables of
 * the same shape read back as the same text. The rows hold what could differ: NULLs, empty strings, text that the text
 * format escapes, characters of every UTF-8 length, integers and floats at their limits, NaN, -0 and infinities,
 * instants before 1970 and past 2000 with nanoseconds that round up, down and half to even, and JSON with escapes.
 */
class BinaryCopyWriterIT {
    private static final String COLUMNS = "id, t, i8, i4, i2, f4, ts, j, g";
    private static final String SHAPE = "(id int, t text, i8 bigint, i4 integer, i2 smallint, f4 real, ts timestamptz, "
            + "j jsonb, g geometry(Point, 27700))";

    private record Row(String t, long i8, int i4, Integer i2, float f4, Instant ts, String j, double x, double y) {}

    private static final List<Row> ROWS = List.of(
            new Row(null, 0, 0, null, 0f, null, null, 0, 0),
            new Row("", 1, 1, 1, 1f, Instant.parse("2022-01-01T00:00:00Z"), "{}", 333_000.5, 390_000.25),
            new Row(
                    "tab\there, line\nbreak, cr\r, back\\slash, \\N, \\.",
                    Long.MAX_VALUE,
                    Integer.MAX_VALUE,
                    (int) Short.MAX_VALUE,
                    Float.MAX_VALUE,
                    Instant.parse("1900-01-01T00:00:00Z"),
                    "{\"a\": \"tab\\t \\\"quoted\\\" back\\\\slash\"}",
                    -0.0,
                    1e300),
            new Row(
                    "é ß ŉ — 漢字 € 😀 \uD83C\uDFF4",
                    Long.MIN_VALUE,
                    Integer.MIN_VALUE,
                    (int) Short.MIN_VALUE,
                    -Float.MIN_VALUE,
                    Instant.parse("1969-12-31T23:59:59.999999500Z"),
                    "{\"u\": \"\\u00e9 é 😀\", \"n\": [1, 2.5e10, null, true]}",
                    -1e-300,
                    Double.MAX_VALUE),
            new Row(
                    "\"quotes\", commas,; 'apostrophes'",
                    -1,
                    -1,
                    0,
                    Float.NaN,
                    Instant.parse("2022-03-27T01:00:00.000000500Z"),
                    "{\"b\": {\"c\": []}}",
                    1,
                    2),
            new Row(
                    " spaces ",
                    42,
                    42,
                    2021,
                    Float.POSITIVE_INFINITY,
                    Instant.parse("2022-10-30T01:30:00.000001500Z"),
                    "[]",
                    3,
                    4),
            new Row(
                    "x",
                    43,
                    43,
                    2011,
                    Float.NEGATIVE_INFINITY,
                    Instant.parse("1999-12-31T23:59:59.999999999Z"),
                    "\"just a string\"",
                    5,
                    6),
            new Row("y", 44, 44, -1, -0.0f, Instant.parse("2000-01-01T00:00:00.123456789Z"), "0", 7, 8),
            new Row("z", 45, 45, 7, 0.1f, Instant.parse("9999-12-31T23:59:59.999999Z"), "{\"k\": \"\"}", 9, 10),
            new Row("w", 46, 46, 8, 1.4e-45f, Instant.parse("2038-01-19T03:14:08.000000499Z"), "1e-7", 11, 12));

    @Test
    void binaryCopyStoresWhatTheTextCopyStores() throws Exception {
        Database db = TestDatabase.shared();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE copied_text " + SHAPE + " ON COMMIT DROP");
                s.execute("CREATE TEMP TABLE copied_binary " + SHAPE + " ON COMMIT DROP");
            }
            try (CopyWriter out = CopyWriter.openPumpedText(c, "COPY copied_text (" + COLUMNS + ") FROM STDIN")) {
                write(out);
            }
            try (BinaryCopyWriter out = BinaryCopyWriter.openPumped(
                    c, "COPY copied_binary (" + COLUMNS + ") FROM STDIN (FORMAT binary)", 9)) {
                write(out);
            }
            List<String> text = read(c, "copied_text");
            List<String> binary = read(c, "copied_binary");
            assertThat(text).hasSize(ROWS.size());
            assertThat(binary).containsExactlyElementsOf(text);
            // the text path itself is right: spot checks of what each type read back as
            assertThat(text.get(0)).isEqualTo("(0,,0,0,,0,,,0101000020346C0000" + "0".repeat(32) + ")");
            assertThat(text.get(1)).contains("2022-01-01 00:00:00+00");
            assertThat(text.get(7)).contains("2000-01-01 00:00:00.123457+00");
            c.rollback();
        }
    }

    private static void write(CopyRows out) throws IOException {
        for (int k = 0; k < ROWS.size(); k++) {
            Row r = ROWS.get(k);
            out.int4(k)
                    .value(r.t())
                    .int8(r.i8())
                    .int4(r.i4())
                    .int2(r.i2())
                    .float4(r.f4())
                    .timestamptz(r.ts())
                    .jsonb(r.j())
                    .point(27700, r.x(), r.y());
            out.endRow();
        }
    }

    /** Each row as PostgreSQL prints it, in UTC: every type's output is exact (floats at shortest round-trip). */
    private static List<String> read(Connection c, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL timezone = 'UTC'");
            try (ResultSet rs = s.executeQuery("SELECT r::text FROM " + table + " r ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }
}
