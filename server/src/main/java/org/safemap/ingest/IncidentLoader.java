package org.safemap.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.safemap.SafemapException;
import org.safemap.db.CopyWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one source file of incidents as one batch: parse with the feed's adapter, stream every row (accepted
 * or rejected) into a staging table with COPY, then move accepted rows to {@code incident} and rejected ones
 * to {@code quarantine} in the same transaction. A file already loaded into the feed is skipped, so loads are
 * idempotent; a file-level error loads nothing.
 */
public final class IncidentLoader {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentLoader.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SAMPLE_REJECTIONS = 5;

    private static final String FIND_BATCH =
            "SELECT id, rows_loaded, rows_quarantined FROM load_batch WHERE kind = 'incidents' AND feed = ? AND source_sha256 = ?";
    private static final String INSERT_BATCH =
            "INSERT INTO load_batch (kind, feed, source_name, source_sha256, rows_read, rows_loaded, rows_quarantined) "
                    + "VALUES ('incidents', ?, ?, ?, 0, 0, 0) RETURNING id";
    private static final String CREATE_STAGE = """
            CREATE TEMP TABLE incident_stage (
                line_no integer, reject_field text, reject_reason text, raw_record text,
                feed text, source_ref text, source_category text, category text,
                event_from timestamptz, event_to timestamptz, location_text text,
                x double precision, y double precision, srid integer,
                geocode_method text, precision_m real, stated_lsoa_code text, attributes jsonb
            ) ON COMMIT DROP""";
    private static final String COPY_STAGE = "COPY incident_stage FROM STDIN (FORMAT csv)";
    private static final String MOVE_ACCEPTED = """
            INSERT INTO incident (batch_id, line_no, feed, source_ref, source_category, category, event_from, event_to,
                                  location_text, geom, geocode_method, precision_m, stated_lsoa_code, attributes)
            SELECT ?, line_no, feed, source_ref, source_category, category, event_from, event_to, location_text,
                   CASE WHEN srid = 27700 THEN ST_SetSRID(ST_MakePoint(x, y), 27700)
                        ELSE ST_Transform(ST_SetSRID(ST_MakePoint(x, y), srid), 27700) END,
                   geocode_method, precision_m, stated_lsoa_code, attributes
            FROM incident_stage WHERE reject_reason IS NULL""";
    private static final String MOVE_REJECTED = """
            INSERT INTO quarantine (batch_id, line_no, field, reason, raw_record)
            SELECT ?, line_no, reject_field, reject_reason, raw_record FROM incident_stage WHERE reject_reason IS NOT NULL""";
    private static final String FINISH_BATCH =
            "UPDATE load_batch SET rows_read = ?, rows_loaded = ?, rows_quarantined = ? WHERE id = ?";

    /**
     * What a load did.
     *
     * @param batchId         the batch holding the rows (the earlier one when already loaded)
     * @param alreadyLoaded   true when the same content was loaded into this feed before; nothing changed
     * @param rowsLoaded      records stored
     * @param rowsQuarantined rows kept in quarantine
     * @param sampleRejections the first few rejections, for the summary a user sees
     */
    public record Result(long batchId, boolean alreadyLoaded, int rowsLoaded, int rowsQuarantined,
                         List<Rejection> sampleRejections) {
        public int rowsRead() {
            return rowsLoaded + rowsQuarantined;
        }
    }

    private final DataSource dataSource;

    public IncidentLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Loads the file into the feed with the adapter; see the class comment. */
    public Result load(SourceFile file, String feed, FeedAdapter adapter, LongConsumer rawBytesRead) {
        String sha = file.sha256();
        try (Connection c = dataSource.getConnection()) {
            Optional<Result> earlier = findBatch(c, feed, sha);
            if (earlier.isPresent()) {
                return earlier.get();
            }
            c.setAutoCommit(false);
            try {
                long started = System.nanoTime();
                Result result = loadNew(c, file, feed, sha, adapter, rawBytesRead);
                c.commit();
                LOG.info("batch {}: {} into feed {}: {} loaded, {} quarantined in {} ms", result.batchId(), file.name(),
                        feed, result.rowsLoaded(), result.rowsQuarantined(), (System.nanoTime() - started) / 1_000_000);
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                if (e instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                    // Another process loaded the same file meanwhile; report its batch.
                    c.setAutoCommit(true);
                    return findBatch(c, feed, sha).orElseThrow(() -> new IllegalStateException(e));
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new SafemapException("load_failed", "loading " + file.name() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SafemapException("load_failed", "cannot read " + file.name() + ": " + e.getMessage(), e);
        }
    }

    private static Result loadNew(Connection c, SourceFile file, String feed, String sha, FeedAdapter adapter,
                                  LongConsumer rawBytesRead) throws SQLException, IOException {
        long batchId;
        try (PreparedStatement ps = c.prepareStatement(INSERT_BATCH)) {
            ps.setString(1, feed);
            ps.setString(2, file.name());
            ps.setString(3, sha);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                batchId = rs.getLong(1);
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute(CREATE_STAGE);
        }
        StagingSink sink;
        try (CopyWriter out = CopyWriter.open(c, COPY_STAGE)) {
            sink = new StagingSink(out);
            adapter.read(file, feed, sink, rawBytesRead);
        }
        int loaded = update(c, MOVE_ACCEPTED, batchId);
        int quarantined = update(c, MOVE_REJECTED, batchId);
        if (loaded != sink.accepted || quarantined != sink.rejectedCount()) {
            throw new IllegalStateException("staged " + sink.accepted + "/" + sink.rejectedCount() + " rows but moved "
                    + loaded + "/" + quarantined);
        }
        try (PreparedStatement ps = c.prepareStatement(FINISH_BATCH)) {
            ps.setInt(1, loaded + quarantined);
            ps.setInt(2, loaded);
            ps.setInt(3, quarantined);
            ps.setLong(4, batchId);
            ps.executeUpdate();
        }
        return new Result(batchId, false, loaded, quarantined, List.copyOf(sink.rejected));
    }

    private static Optional<Result> findBatch(Connection c, String feed, String sha) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND_BATCH)) {
            ps.setString(1, feed);
            ps.setString(2, sha);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Result(rs.getLong(1), true, rs.getInt(2), rs.getInt(3), List.of()));
            }
        }
    }

    private static int update(Connection c, String sql, long batchId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, batchId);
            return ps.executeUpdate();
        }
    }

    /** Writes rows as COPY csv lines; keeps the first few rejections for the summary. */
    private static final class StagingSink implements RowSink {
        private final CopyWriter out;
        private final List<Rejection> rejected = new ArrayList<>();
        private int moreRejected;
        private int accepted;

        StagingSink(CopyWriter out) {
            this.out = out;
        }

        int rejectedCount() {
            return rejected.size() + moreRejected;
        }

        @Override
        public void accept(IncidentRecord r) throws IOException {
            accepted++;
            out.value(r.lineNo()).nulls(3)
                    .value(r.feed()).value(r.sourceRef()).value(r.sourceCategory()).value(r.category())
                    .value(r.eventFrom().toString()).value(r.eventTo().toString()).value(r.locationText())
                    .value(r.x()).value(r.y()).value(r.srid())
                    .value(r.geocodeMethod()).value(Float.toString(r.precisionMetres())).value(r.statedLsoaCode())
                    .value(json(r));
            out.endRow();
        }

        @Override
        public void reject(Rejection r) throws IOException {
            if (rejected.size() < SAMPLE_REJECTIONS) {
                rejected.add(r);
            } else {
                moreRejected++;
            }
            out.value(r.lineNo()).value(r.field()).value(r.reason()).value(r.rawRecord()).nulls(14);
            out.endRow();
        }

        private static String json(IncidentRecord r) {
            try {
                return JSON.writeValueAsString(r.attributes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
