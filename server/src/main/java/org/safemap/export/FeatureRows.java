package org.safemap.export;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Rows an export writes, read from a forward-only cursor one at a time so no export holds its rows in memory: the
 * attribute columns first, then {@code geom_wkb} (the geometry as WKB in EPSG:27700, or null) and {@code geom_json}
 * (GeoJSON geometry in EPSG:4326, or null), of which a query fills only what its format needs.
 */
public final class FeatureRows {
    /** The kind of value a column holds, which decides its GeoPackage type and its GeoJSON and CSV writing. */
    public enum Kind {
        TEXT,
        INTEGER,
        REAL,
        DATETIME
    }

    /** An attribute column. */
    public record Column(String name, Kind kind) {}

    private static final String WKB = "geom_wkb";
    private static final String GEOJSON = "geom_json";
    private static final long PROGRESS_EVERY = 1000;
    /** The GeoPackage DATETIME form (ISO 8601 in UTC, milliseconds), which GDAL, QGIS and Excel all parse. */
    private static final DateTimeFormatter ISO_UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ResultSet rs;
    private final List<Column> columns;
    private final LongConsumer progress;
    private long read;

    /**
     * @param rs       the cursor, positioned before the first row
     * @param progress hears the rows read so far, every thousand rows and at the end
     */
    public FeatureRows(ResultSet rs, LongConsumer progress) throws SQLException {
        this.rs = rs;
        this.progress = progress;
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        if (n < 2
                || !md.getColumnLabel(n - 1).equals(WKB)
                || !md.getColumnLabel(n).equals(GEOJSON)) {
            throw new IllegalArgumentException("an export query ends with geom_wkb and geom_json");
        }
        List<Column> list = new ArrayList<>();
        for (int i = 1; i <= n - 2; i++) {
            list.add(new Column(md.getColumnLabel(i), kind(md, i)));
        }
        this.columns = List.copyOf(list);
    }

    public List<Column> columns() {
        return columns;
    }

    /** Moves to the next row; false at the end. */
    public boolean next() throws SQLException {
        if (!rs.next()) {
            progress.accept(read);
            return false;
        }
        if (++read % PROGRESS_EVERY == 0) {
            progress.accept(read);
        }
        return true;
    }

    /** Rows read so far. */
    public long read() {
        return read;
    }

    /** Column {@code i} (0-based) of the current row: a Long, Double or String (DATETIME as ISO 8601 in UTC), or null. */
    public Object value(int i) throws SQLException {
        if (columns.get(i).kind() == Kind.DATETIME) {
            OffsetDateTime t = rs.getObject(i + 1, OffsetDateTime.class);
            return t == null ? null : ISO_UTC.format(t);
        }
        Object v = rs.getObject(i + 1);
        if (v == null) {
            return null;
        }
        return switch (columns.get(i).kind()) {
            case INTEGER -> ((Number) v).longValue();
            case REAL -> ((Number) v).doubleValue();
            case TEXT, DATETIME -> v.toString();
        };
    }

    /** The geometry as WKB in EPSG:27700, or null. */
    public byte[] wkb() throws SQLException {
        return rs.getBytes(columns.size() + 1);
    }

    /** The geometry as GeoJSON text in EPSG:4326, or null. */
    public String geoJson() throws SQLException {
        return rs.getString(columns.size() + 2);
    }

    private static Kind kind(ResultSetMetaData md, int i) throws SQLException {
        return switch (md.getColumnType(i)) {
            case Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.TINYINT -> Kind.INTEGER;
            case Types.REAL, Types.FLOAT, Types.DOUBLE, Types.NUMERIC, Types.DECIMAL -> Kind.REAL;
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> Kind.DATETIME;
            default -> Kind.TEXT;
        };
    }
}
