package org.safemap.runs;

import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/** A run's per-area table, ranked, as JSON, CSV or GeoJSON (boundaries in EPSG:4326, as RFC 7946 requires). */
public final class AreaResults {
    /** The per-area columns every area output shares (API, CSV, exports), over {@code hotspot_area_result r}. */
    public static final String COLUMNS = """
            r.rank, r.code, coalesce(a.name, r.code) AS name, r.level, r.vintage, r.incidents, r.records, r.population, r.rate_per_1000,
            r.kde_mean, r.kde_max, r.top_share, r.location_quotient, r.gi_z, r.gi_p, r.gi_bin, r.gi_class,
            r.emerging_class, r.trend_tau, r.trend_p, r.hot_steps, r.cold_steps, r.steps""";
    /**
     * The fields shown when the run read a feed the asker may see only as suppressed aggregates, in the API, exports
     * and the map alike: classes and rank, no counts, rates or statistics. Gi* z-scores and densities are functions
     * of the counts and, with the weights, would let the counts be solved for, so they go too. Population stays: it
     * is the published ONS estimate for the area, the same for every run and independent of any record, and without
     * the rate it reveals nothing about the counts.
     */
    public static final List<String> CLASS_FIELDS =
            List.of("rank", "code", "name", "level", "vintage", "gi_bin", "gi_class", "emerging_class", "population");
    /** {@link #CLASS_FIELDS} as columns over {@code hotspot_area_result r} and {@code area a}. */
    public static final String CLASS_COLUMNS = CLASS_FIELDS.stream()
            .map(f -> f.equals("name") ? "coalesce(a.name, r.code) AS name" : "r." + f)
            .collect(Collectors.joining(", "));

    private static final String ROWS = """
            SELECT %s FROM hotspot_area_result r
            LEFT JOIN area a ON a.level = r.level AND a.vintage = r.vintage AND a.code = r.code
            WHERE r.run_id = ? AND r.level = ? ORDER BY r.rank LIMIT ?""";
    private static final String JSON = """
            SELECT coalesce(json_agg(t ORDER BY t.rank), '[]'::json)::text FROM (%s) t""";
    private static final String GEOJSON = """
            SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
                       json_build_object('type', 'Feature', 'id', t.code,
                           'geometry', ST_AsGeoJSON(ST_Transform(l.geom, 4326), 6)::json,
                           'properties', to_jsonb(t)) ORDER BY t.rank), '[]'::json))::text
            FROM (%s) t JOIN hotspot_area_layer l ON l.run_id = ? AND l.level = t.level AND l.code = t.code""";

    private static String rows(boolean classesOnly) {
        return ROWS.formatted(classesOnly ? CLASS_COLUMNS : COLUMNS);
    }

    private static final String LEVELS = "SELECT DISTINCT level FROM hotspot_area_result WHERE run_id = ?";
    private static final String COUNT = "SELECT count(*) FROM hotspot_area_result WHERE run_id = ?";

    private final DataSource dataSource;

    public AreaResults(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @param classesOnly see {@link #CLASS_COLUMNS} */
    public String json(long runId, String level, int limit, boolean classesOnly) {
        return one(JSON.formatted(rows(classesOnly)), runId, level, limit);
    }

    public String geoJson(long runId, String level, int limit, boolean classesOnly) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(GEOJSON.formatted(rows(classesOnly)))) {
            bind(ps, runId, level, limit);
            ps.setLong(4, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read run " + runId, e);
        }
    }

    public void csv(long runId, String level, int limit, boolean classesOnly, Writer out) throws IOException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(rows(classesOnly))) {
            bind(ps, runId, level, limit);
            try (ResultSet rs = ps.executeQuery()) {
                // not closed: the writer belongs to the caller
                CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT);
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    csv.print(md.getColumnLabel(i));
                }
                csv.println();
                while (rs.next()) {
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        csv.print(v == null ? "" : v);
                    }
                    csv.println();
                }
                csv.flush();
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read run " + runId, e);
        }
    }

    /** How many per-area rows the run stored, at every level: an audit's result size. */
    public long count(long runId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(COUNT)) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read run " + runId, e);
        }
    }

    /** The levels the run has results for. */
    public java.util.List<String> levels(long runId) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LEVELS)) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read run " + runId, e);
        }
        return out;
    }

    private String one(String sql, long runId, String level, int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, runId, level, limit);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read run " + runId, e);
        }
    }

    private static void bind(PreparedStatement ps, long runId, String level, int limit) throws SQLException {
        ps.setLong(1, runId);
        ps.setString(2, level);
        ps.setInt(3, limit);
    }
}
