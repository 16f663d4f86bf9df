package org.safemap.ingest;

import java.io.IOException;
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
import org.safemap.areas.AreaAssigner;
import org.safemap.areas.AreaAssigners;
import org.safemap.db.CopyWriter;
import org.safemap.db.JsonText;
import org.safemap.db.LoadBatches;
import org.safemap.geo.Crs;
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
    private static final int SAMPLE_REJECTIONS = 5;

    private static final String FIND_BATCH =
            "SELECT id, rows_loaded, rows_quarantined FROM load_batch WHERE kind = 'incidents' AND feed = ? AND source_sha256 = ?";
    private static final String CREATE_STAGE = """
            CREATE TEMP TABLE incident_stage (
                line_no integer, reject_field text, reject_reason text, raw_record text,
                feed text, source_ref text, source_category text, category text,
                event_from timestamptz, event_to timestamptz, location_text text,
                x double precision, y double precision,
                geocode_method text, precision_m real, stated_lsoa_code text, attributes jsonb,
                lsoa_vintage smallint, lsoa_code text, msoa_code text, lad_code text,
                ward_vintage smallint, ward_code text, custom_areas jsonb, area_match text
            ) ON COMMIT DROP""";
    private static final String COPY_STAGE = "COPY incident_stage FROM STDIN (FORMAT csv)";
    /** Points arrive in EPSG:27700, transformed and assigned to areas in Java (geo.Crs, areas.AreaAssigner). */
    private static final String MOVE_ACCEPTED = """
            INSERT INTO incident (batch_id, line_no, feed, source_ref, source_category, category, event_from, event_to,
                                  location_text, geom, geocode_method, precision_m, stated_lsoa_code, attributes,
                                  lsoa_vintage, lsoa_code, msoa_code, lad_code, ward_vintage, ward_code, custom_areas,
                                  area_match)
            SELECT ?, line_no, feed, source_ref, source_category, category, event_from, event_to, location_text,
                   ST_SetSRID(ST_MakePoint(x, y), 27700), geocode_method, precision_m, stated_lsoa_code, attributes,
                   lsoa_vintage, lsoa_code, msoa_code, lad_code, ward_vintage, ward_code, custom_areas, area_match
            FROM incident_stage WHERE reject_reason IS NULL""";
    private static final String MOVE_REJECTED = """
            INSERT INTO quarantine (batch_id, line_no, field, reason, raw_record)
            SELECT ?, line_no, reject_field, reject_reason, raw_record FROM incident_stage WHERE reject_reason IS NOT NULL""";

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
    private final AreaAssigners areas;

    public IncidentLoader(DataSource dataSource) {
        this.dataSource = dataSource;
        this.areas = new AreaAssigners(dataSource);
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
                Result result = loadNew(c, file, feed, sha, adapter, areas.current(), rawBytesRead);
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
                                  AreaAssigner assigner, LongConsumer rawBytesRead) throws SQLException, IOException {
        long batchId = LoadBatches.start(c, "incidents", feed, file.name(), sha, 0, 0);
        try (Statement s = c.createStatement()) {
            s.execute(CREATE_STAGE);
        }
        StagingSink sink;
        try (CopyWriter out = CopyWriter.open(c, COPY_STAGE)) {
            sink = new StagingSink(out, assigner);
            adapter.read(file, feed, sink, rawBytesRead);
        }
        int loaded = update(c, MOVE_ACCEPTED, batchId);
        int quarantined = update(c, MOVE_REJECTED, batchId);
        if (loaded != sink.accepted || quarantined != sink.rejectedCount()) {
            throw new IllegalStateException("staged " + sink.accepted + "/" + sink.rejectedCount() + " rows but moved "
                    + loaded + "/" + quarantined);
        }
        LoadBatches.finish(c, batchId, loaded, quarantined);
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

    /**
     * Writes rows as COPY csv lines: points moved to British National Grid and given their areas; keeps the first
     * few rejections for the summary.
     */
    private static final class StagingSink implements RowSink {
        private final CopyWriter out;
        private final AreaAssigner assigner;
        private final Crs.Transform fromWgs84 = Crs.WGS84.to(Crs.BNG);
        private final double[] bng = new double[2];
        private final List<Rejection> rejected = new ArrayList<>();
        private int moreRejected;
        private int accepted;

        StagingSink(CopyWriter out, AreaAssigner assigner) {
            this.out = out;
            this.assigner = assigner;
        }

        int rejectedCount() {
            return rejected.size() + moreRejected;
        }

        @Override
        public void accept(IncidentRecord r) throws IOException {
            accepted++;
            if (r.srid() == Crs.BNG.epsg()) {
                bng[0] = r.x();
                bng[1] = r.y();
            } else if (r.srid() == Crs.WGS84.epsg()) {
                fromWgs84.apply(r.x(), r.y(), bng);
            } else {
                Crs.ofEpsg(r.srid()).to(Crs.BNG).apply(r.x(), r.y(), bng);
            }
            out.value(r.lineNo()).nulls(3)
                    .value(r.feed()).value(r.sourceRef()).value(r.sourceCategory()).value(r.category())
                    .value(r.eventFrom().toString()).value(r.eventTo().toString()).value(r.locationText())
                    .value(bng[0]).value(bng[1])
                    .value(r.geocodeMethod()).value(Float.toString(r.precisionMetres())).value(r.statedLsoaCode())
                    .value(JsonText.object(r.attributes()));
            assigner.write(assigner.assign(bng[0], bng[1]), out);
            out.endRow();
        }

        @Override
        public void reject(Rejection r) throws IOException {
            if (rejected.size() < SAMPLE_REJECTIONS) {
                rejected.add(r);
            } else {
                moreRejected++;
            }
            out.value(r.lineNo()).value(r.field()).value(r.reason()).value(r.rawRecord()).nulls(21);
            out.endRow();
        }
    }
}
