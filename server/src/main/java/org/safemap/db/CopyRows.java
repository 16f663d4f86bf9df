package org.safemap.db;

import java.io.IOException;
import java.time.Instant;

/**
 * Rows written into a COPY value by value, each typed as its column is, so one producer can send COPY's text format
 * ({@link CopyWriter}) or PostgreSQL's binary format ({@link BinaryCopyWriter}) and store the same rows: the text of a
 * value is what PostgreSQL's input function parses to the very value the binary form gives (an integer's digits, a
 * {@code float4}'s shortest round-trip digits, an instant at nanosecond precision rounded as the backend rounds it,
 * a geometry's EWKB in hex). Null is SQL NULL wherever a reference is taken.
 */
public interface CopyRows {
    /** A {@code text} value. */
    CopyRows value(String value) throws IOException;

    /** A {@code bigint} value. */
    CopyRows int8(long value) throws IOException;

    /** An {@code integer} value. */
    CopyRows int4(int value) throws IOException;

    /** A {@code smallint} value, or null. */
    CopyRows int2(Integer value) throws IOException;

    /** A {@code real} value. */
    CopyRows float4(float value) throws IOException;

    /** A {@code timestamptz} value, or null. */
    CopyRows timestamptz(Instant value) throws IOException;

    /** A {@code jsonb} value given as JSON text, or null. */
    CopyRows jsonb(String json) throws IOException;

    /** A {@code geometry} point with an SRID, as PostGIS's extended WKB (little-endian). */
    CopyRows point(int srid, double x, double y) throws IOException;

    /** Ends the row; every row must have the same number of values, the COPY's columns. */
    void endRow() throws IOException;
}
