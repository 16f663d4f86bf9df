package org.safemap.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.DataVersion;
import org.safemap.db.Work;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.Surface;

/** Stores runs, their per-area results and surfaces in the hotspot_* tables, and reads them back. */
public final class RunStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** First key of the runs' advisory locks ("SfRn"), apart from any other lock in the database. */
    private static final int LOCK_NAMESPACE = 0x5366526e;
    /** The connection holding each running run's lock in this process. */
    private static final Map<Long, Connection> LEASES = new ConcurrentHashMap<>();
    /** Each running run's records token ({@link DataVersion#loads}) as it started, kept in its data version. */
    private static final Map<Long, String> LOADS = new ConcurrentHashMap<>();

    private static final String INSERT_RUN =
            "INSERT INTO hotspot_run (kind, params, created_by) VALUES (?, ?::jsonb, ?) RETURNING id";
    private static final String FINISH_RUN = """
            UPDATE hotspot_run SET status = 'done', params = ?::jsonb, data_version = ?::jsonb, summary = ?::jsonb,
                finished_at = now()
            WHERE id = ?""";
    private static final String FAIL_RUN =
            "UPDATE hotspot_run SET status = 'failed', message = ?, finished_at = now() WHERE id = ?";
    /**
     * A running run's process holds this session lock (namespace, run id) on a connection of its own until the run
     * ends, so a run whose lock anyone can take has lost its process.
     */
    private static final String LOCK_RUN = "SELECT pg_advisory_lock(" + LOCK_NAMESPACE + ", (? & 2147483647)::int)";

    private static final String UNLOCK_RUN = "SELECT pg_advisory_unlock(" + LOCK_NAMESPACE + ", (? & 2147483647)::int)";
    private static final String FAIL_ABANDONED = "UPDATE hotspot_run SET status = 'failed', finished_at = now(), "
            + "message = 'stopped before it finished: the process running it ended (a crash, a kill or a power cut); "
            + "nothing of it was stored; run it again' "
            + "WHERE status = 'running' AND pg_try_advisory_xact_lock(" + LOCK_NAMESPACE + ", (id & 2147483647)::int) "
            + "RETURNING id";
    /**
     * The newest finished run of a kind by one maker whose parameters have the given top-level values and contain
     * the given ones, made over the records stored now.
     */
    private static final String REUSABLE = """
            SELECT r.id FROM hotspot_run r
            WHERE r.kind = ? AND r.created_by = ? AND r.status = 'done' AND r.data_version->>'loads' = ?
              AND r.params @> ?::jsonb
              AND NOT EXISTS (SELECT 1 FROM jsonb_each(?::jsonb) e WHERE r.params->e.key IS DISTINCT FROM e.value)
            ORDER BY r.id DESC LIMIT 1""";

    private static final String BATCHES = """
            SELECT id, feed, source_name, source_sha256, rows_loaded FROM load_batch
            WHERE id = ANY(?::bigint[]) ORDER BY id""";
    private static final String INSERT_AREA = """
            INSERT INTO hotspot_area_result (run_id, level, vintage, code, incidents, records, population,
                rate_per_1000, kde_mean, kde_max, top_share, location_quotient, gi_z, gi_p, gi_bin, gi_class,
                emerging_class, trend_tau, trend_p, hot_steps, cold_steps, steps, rank, cell_geom)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                    CASE WHEN ?::float8 IS NULL THEN NULL ELSE ST_MakeEnvelope(?, ?, ?, ?, 27700) END)""";
    private static final String INSERT_SURFACE = """
            INSERT INTO hotspot_surface (run_id, min_x, min_y, cell_m, columns, rows, kernel, bandwidth_m,
                max_density, density)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String SURFACE = """
            SELECT min_x, min_y, cell_m, columns, rows, density FROM hotspot_surface WHERE run_id = ?""";
    private static final String RUN = """
            SELECT id, kind, status, params::text, data_version::text, summary::text, message, created_at,
                   finished_at, created_by FROM hotspot_run WHERE id = ?""";

    /** A stored run as the API shows it. */
    public record Run(
            long id,
            String kind,
            String status,
            String params,
            String dataVersion,
            String summary,
            String message,
            String createdAt,
            String finishedAt,
            String createdBy) {
        /** The feeds whose files the run read (its data version), sorted: what decides who may see its numbers. */
        public java.util.List<String> feeds() {
            java.util.TreeSet<String> out = new java.util.TreeSet<>();
            try {
                for (com.fasterxml.jackson.databind.JsonNode b :
                        JSON.readTree(dataVersion == null ? "{}" : dataVersion).path("batches")) {
                    out.add(b.path("feed").asText());
                }
            } catch (java.io.IOException e) {
                throw new SafemapException(
                        ErrorCode.INTERNAL_ERROR, "run " + id + " has an unreadable data version", e);
            }
            return java.util.List.copyOf(out);
        }
    }

    /**
     * One area's results, in the order of the insert columns.
     *
     * @param cell a grid cell's bounds for a run at grid level; null for an area, whose boundary is joined from
     *     {@code area}
     */
    public record AreaRow(
            String code,
            double incidents,
            int records,
            Integer population,
            Double ratePer1000,
            Double kdeMean,
            Double kdeMax,
            Double topShare,
            Double locationQuotient,
            Double giZ,
            Double giP,
            Integer giBin,
            String giClass,
            Emerging emerging,
            int rank,
            double[] cell) {}

    /** An emerging run's columns for one area. */
    public record Emerging(
            String emergingClass, double trendTau, double trendP, int hotSteps, int coldSteps, int steps) {}

    private final DataSource dataSource;

    public RunStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records a new run as running, and takes its lock on a connection kept until {@link #finish} or {@link #fail}
     * (outside the request's work, so stopping the request cannot leave the lock behind). The row becomes visible
     * with the lock already held, so {@link #failAbandoned} never mistakes a starting run for an abandoned one.
     */
    public long start(String kind, Map<String, Object> params, String createdBy) {
        Connection lease = null;
        try {
            lease = Work.outside(dataSource::getConnection);
            lease.setAutoCommit(false);
            long id;
            try (PreparedStatement ps = lease.prepareStatement(INSERT_RUN)) {
                ps.setString(1, kind);
                ps.setString(2, JSON.writeValueAsString(params));
                ps.setString(3, createdBy);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = lease.prepareStatement(LOCK_RUN)) {
                ps.setLong(1, id);
                ps.execute();
            }
            // read before the run reads a record: a load that lands meanwhile leaves the run with an older token,
            // so it is never taken for a computation over the newer records
            LOADS.put(id, DataVersion.loads(lease));
            lease.commit();
            lease.setAutoCommit(true);
            LEASES.put(id, lease);
            return id;
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            closeQuietly(lease);
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not record the run", e);
        } catch (RuntimeException e) {
            closeQuietly(lease);
            throw e;
        }
    }

    /**
     * A finished run that {@code kind} and {@code createdBy} made over exactly the records stored now, whose
     * parameters' top-level entries equal {@code equal}'s and which contain {@code contains} (nested values whose
     * other entries the run derived), the newest; empty when the computation must be made.
     */
    public Optional<Long> reusable(
            String kind, String createdBy, Map<String, Object> equal, Map<String, Object> contains) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(REUSABLE)) {
            ps.setString(1, kind);
            ps.setString(2, createdBy);
            ps.setString(3, DataVersion.loads(c));
            ps.setString(4, JSON.writeValueAsString(contains));
            ps.setString(5, JSON.writeValueAsString(equal));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not look for a stored run", e);
        }
    }

    /** Records the run as failed with {@code message}, even when the request it ran for has been stopped. */
    public void fail(long runId, String message) {
        try {
            Work.outside(() -> {
                try (Connection c = dataSource.getConnection();
                        PreparedStatement ps = c.prepareStatement(FAIL_RUN)) {
                    ps.setString(1, message);
                    ps.setLong(2, runId);
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not record the failed run", e);
        } finally {
            release(runId);
        }
    }

    /**
     * Marks failed, with the reason, every run left {@code running} by a process that has ended (its lock is free);
     * runs still going in this or another process keep their status. Returns the runs marked.
     */
    public List<Long> failAbandoned() {
        List<Long> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(FAIL_ABANDONED);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not mark abandoned runs failed", e);
        }
        return ids;
    }

    /** Gives up the run's lock and its connection. */
    private static void release(long runId) {
        LOADS.remove(runId);
        Connection lease = LEASES.remove(runId);
        if (lease == null) {
            return;
        }
        try (PreparedStatement ps = lease.prepareStatement(UNLOCK_RUN)) {
            ps.setLong(1, runId);
            ps.execute();
        } catch (SQLException e) {
            // The session (and with it the lock) is ended rather than returned to the pool holding it.
            try {
                lease.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // already gone
            }
        }
        closeQuietly(lease);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to do
            }
        }
    }

    /**
     * Stores the results and marks the run done, in one transaction, so a run is either complete or has no results.
     *
     * @param params  every parameter, now including the values rules chose (bandwidth, cell, grid)
     * @param batches the load batches the selection read, written into the run's data version with their file hashes
     */
    public void finish(
            long runId,
            Map<String, Object> params,
            long[] batches,
            Map<String, Object> areas,
            Map<String, Object> summary,
            String level,
            int vintage,
            Iterable<AreaRow> rows,
            Optional<Surface> surface,
            String kernel,
            double bandwidthMetres) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            ObjectNode version = JSON.createObjectNode();
            ArrayNode list = version.putArray("batches");
            try (PreparedStatement ps = c.prepareStatement(BATCHES)) {
                ps.setArray(
                        1,
                        c.createArrayOf(
                                "bigint",
                                java.util.Arrays.stream(batches).boxed().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.addObject()
                                .put("id", rs.getLong(1))
                                .put("feed", rs.getString(2))
                                .put("file", rs.getString(3))
                                .put("sha256", rs.getString(4))
                                .put("rows", rs.getLong(5));
                    }
                }
            }
            version.set("areas", JSON.valueToTree(areas));
            String loads = LOADS.get(runId);
            if (loads != null) {
                version.put("loads", loads);
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT_AREA)) {
                int pending = 0;
                for (AreaRow r : rows) {
                    int k = 1;
                    ps.setLong(k++, runId);
                    ps.setString(k++, level);
                    ps.setInt(k++, vintage);
                    ps.setString(k++, r.code());
                    ps.setDouble(k++, r.incidents());
                    ps.setInt(k++, r.records());
                    setInt(ps, k++, r.population());
                    setDouble(ps, k++, r.ratePer1000());
                    setDouble(ps, k++, r.kdeMean());
                    setDouble(ps, k++, r.kdeMax());
                    setDouble(ps, k++, r.topShare());
                    setDouble(ps, k++, r.locationQuotient());
                    setDouble(ps, k++, r.giZ());
                    setDouble(ps, k++, r.giP());
                    setInt(ps, k++, r.giBin());
                    ps.setString(k++, r.giClass());
                    Emerging e = r.emerging();
                    ps.setString(k++, e == null ? null : e.emergingClass());
                    setDouble(ps, k++, e == null ? null : e.trendTau());
                    setDouble(ps, k++, e == null ? null : e.trendP());
                    setInt(ps, k++, e == null ? null : e.hotSteps());
                    setInt(ps, k++, e == null ? null : e.coldSteps());
                    setInt(ps, k++, e == null ? null : e.steps());
                    ps.setInt(k++, r.rank());
                    double[] cell = r.cell();
                    setDouble(ps, k++, cell == null ? null : cell[0]);
                    for (int q = 0; q < 4; q++) {
                        setDouble(ps, k++, cell == null ? null : cell[q]);
                    }
                    ps.addBatch();
                    if (++pending == 1000) {
                        ps.executeBatch();
                        pending = 0;
                    }
                }
                ps.executeBatch();
            }
            if (surface.isPresent()) {
                Surface s = surface.get();
                Grid g = s.grid();
                try (PreparedStatement ps = c.prepareStatement(INSERT_SURFACE)) {
                    ps.setLong(1, runId);
                    ps.setDouble(2, g.minX());
                    ps.setDouble(3, g.minY());
                    ps.setDouble(4, g.cellMetres());
                    ps.setInt(5, g.columns());
                    ps.setInt(6, g.rows());
                    ps.setString(7, kernel);
                    ps.setDouble(8, bandwidthMetres);
                    ps.setDouble(9, s.max());
                    ps.setBytes(10, floats(s.densityPerKm2()));
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(FINISH_RUN)) {
                ps.setString(1, JSON.writeValueAsString(params));
                ps.setString(2, JSON.writeValueAsString(version));
                ps.setString(3, JSON.writeValueAsString(summary));
                ps.setLong(4, runId);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not store the run's results", e);
        }
        release(runId);
    }

    public Optional<Run> run(long id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(RUN)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Run(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        String.valueOf(rs.getObject(8)),
                        rs.getObject(9) == null ? null : String.valueOf(rs.getObject(9)),
                        rs.getString(10)));
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read run " + id, e);
        }
    }

    public Optional<Surface> surface(long runId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SURFACE)) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Grid g = new Grid(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getInt(4), rs.getInt(5));
                ByteBuffer b = ByteBuffer.wrap(rs.getBytes(6)).order(ByteOrder.LITTLE_ENDIAN);
                double[] v = new double[g.cellCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.getFloat();
                }
                return Optional.of(new Surface(g, v));
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the surface of run " + runId, e);
        }
    }

    private static byte[] floats(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putFloat((float) v);
        }
        return b.array();
    }

    private static void setDouble(PreparedStatement ps, int k, Double v) throws SQLException {
        if (v == null || v.isNaN() || v.isInfinite()) {
            ps.setNull(k, Types.DOUBLE);
        } else {
            ps.setDouble(k, v);
        }
    }

    private static void setInt(PreparedStatement ps, int k, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(k, Types.INTEGER);
        } else {
            ps.setInt(k, v);
        }
    }
}
