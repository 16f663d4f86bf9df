package org.safemap.areas;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.safemap.SafemapException;
import org.safemap.db.CopyWriter;
import org.safemap.ingest.InputFormatException;
import org.safemap.ingest.SourceFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a boundary file as one vintage of one level, replacing that vintage atomically: a bad file leaves the
 * previous boundaries untouched, and re-loading the same content changes nothing. Geometries are moved to
 * EPSG:27700; invalid ones are repaired with ST_MakeValid and reported.
 */
public final class AreaLoader {
    private static final Logger LOG = LoggerFactory.getLogger(AreaLoader.class);
    private static final String CURRENT_SOURCE = """
            SELECT DISTINCT b.source_sha256 FROM area a JOIN load_batch b ON b.id = a.batch_id
            WHERE a.level = ? AND a.vintage = ?""";
    private static final String INSERT_BATCH =
            "INSERT INTO load_batch (kind, feed, source_name, source_sha256, rows_read, rows_loaded, rows_quarantined) "
                    + "VALUES ('areas', ?, ?, ?, ?, ?, 0) RETURNING id";
    private static final String CREATE_STAGE =
            "CREATE TEMP TABLE area_stage (feature_no integer, code text, name text, geojson text) ON COMMIT DROP";
    private static final String COPY_STAGE = "COPY area_stage FROM STDIN (FORMAT csv)";
    /** Parse, project to British National Grid and note validity, once per feature. */
    private static final String PROJECT = """
            CREATE TEMP TABLE area_projected ON COMMIT DROP AS
            SELECT feature_no, code, name, g, ST_IsValid(g) AS was_valid
            FROM (SELECT feature_no, code, name,
                         CASE WHEN ? = 27700 THEN ST_SetSRID(ST_GeomFromGeoJSON(geojson), 27700)
                              ELSE ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(geojson), ?), 27700) END AS g
                  FROM area_stage) parsed""";
    private static final String REPAIR = """
            UPDATE area_projected SET g = ST_CollectionExtract(ST_MakeValid(g), 3) WHERE NOT was_valid""";
    private static final String REPAIRED_OR_EMPTY =
            "SELECT code, was_valid, ST_IsEmpty(g) FROM area_projected WHERE NOT was_valid OR ST_IsEmpty(g) ORDER BY feature_no";
    private static final String REPLACE_DELETE = "DELETE FROM area WHERE level = ? AND vintage = ?";
    private static final String REPLACE_INSERT = """
            INSERT INTO area (level, vintage, code, name, batch_id, geom)
            SELECT ?, ?, code, name, ?, ST_Multi(g) FROM area_projected""";

    /**
     * What a load did.
     *
     * @param batchId       batch of the boundaries now in place (0 when unchanged)
     * @param unchanged     the same content was already the current vintage; nothing changed
     * @param areas         boundaries in the file
     * @param repairedCodes codes whose invalid geometry was repaired
     * @param srid          CRS found in the file
     * @param codeField     property the codes came from
     * @param nameField     property the names came from
     */
    public record Result(long batchId, boolean unchanged, int areas, List<String> repairedCodes, int srid,
                         String codeField, String nameField) {
    }

    private final DataSource dataSource;

    public AreaLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Loads the file as {@code level} boundaries of {@code vintage}.
     *
     * @param codeField property holding the code, or null to detect ONS names (LSOA11CD ...)
     * @param nameField property holding the name, or null to detect
     */
    public Result load(SourceFile file, AreaLevel level, int vintage, String codeField, String nameField,
                       LongConsumer rawBytesRead) {
        String sha = file.sha256();
        try (Connection c = dataSource.getConnection()) {
            if (alreadyCurrent(c, level, vintage, sha)) {
                return new Result(0, true, countCurrent(c, level, vintage), List.of(), 0, codeField, nameField);
            }
            c.setAutoCommit(false);
            try {
                long started = System.nanoTime();
                Result result = replace(c, file, sha, level, vintage, codeField, nameField, rawBytesRead);
                c.commit();
                LOG.info("batch {}: {} as {} {}: {} areas, {} repaired, in {} ms", result.batchId(), file.name(), level,
                        vintage, result.areas(), result.repairedCodes().size(), (System.nanoTime() - started) / 1_000_000);
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SafemapException("load_failed", "loading boundaries from " + file.name() + " failed: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new SafemapException("load_failed", "cannot read " + file.name() + ": " + e.getMessage(), e);
        }
    }

    private static Result replace(Connection c, SourceFile file, String sha, AreaLevel level, int vintage,
                                  String codeField, String nameField, LongConsumer rawBytesRead)
            throws SQLException, IOException {
        try (Statement s = c.createStatement()) {
            s.execute(CREATE_STAGE);
        }
        GeoJsonBoundaryReader reader = new GeoJsonBoundaryReader(file, level, codeField, nameField);
        Map<String, Integer> firstSeen = new HashMap<>();
        GeoJsonBoundaryReader.Summary summary;
        try (CopyWriter out = CopyWriter.open(c, COPY_STAGE)) {
            summary = reader.read(f -> {
                Integer earlier = firstSeen.putIfAbsent(f.code(), f.featureNo());
                if (earlier != null) {
                    throw new InputFormatException(file.name(), 0, null, "features " + earlier + " and " + f.featureNo()
                            + " both have code " + f.code() + "; codes must be unique within a vintage");
                }
                out.value(f.featureNo()).value(f.code()).value(f.name()).value(f.geometryJson());
                out.endRow();
            }, rawBytesRead);
        }
        try (PreparedStatement ps = c.prepareStatement(PROJECT)) {
            ps.setInt(1, summary.srid());
            ps.setInt(2, summary.srid());
            ps.execute();
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate(REPAIR);
        }
        List<String> repaired = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(REPAIRED_OR_EMPTY)) {
            while (rs.next()) {
                if (rs.getBoolean(3)) {
                    throw new InputFormatException(file.name(), 0, "geometry", "area " + rs.getString(1)
                            + " has no area left after repairing its geometry");
                }
                repaired.add(rs.getString(1));
            }
        }
        long batchId;
        try (PreparedStatement ps = c.prepareStatement(INSERT_BATCH)) {
            ps.setString(1, level + ":" + vintage);
            ps.setString(2, file.name());
            ps.setString(3, sha);
            ps.setInt(4, summary.features());
            ps.setInt(5, summary.features());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                batchId = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(REPLACE_DELETE)) {
            ps.setString(1, level.name());
            ps.setInt(2, vintage);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(REPLACE_INSERT)) {
            ps.setString(1, level.name());
            ps.setInt(2, vintage);
            ps.setLong(3, batchId);
            ps.executeUpdate();
        }
        return new Result(batchId, false, summary.features(), List.copyOf(repaired), summary.srid(),
                summary.codeField(), summary.nameField());
    }

    private static boolean alreadyCurrent(Connection c, AreaLevel level, int vintage, String sha) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CURRENT_SOURCE)) {
            ps.setString(1, level.name());
            ps.setInt(2, vintage);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> shas = new ArrayList<>();
                while (rs.next()) {
                    shas.add(rs.getString(1));
                }
                return shas.equals(List.of(sha));
            }
        }
    }

    private static int countCurrent(Connection c, AreaLevel level, int vintage) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM area WHERE level = ? AND vintage = ?")) {
            ps.setString(1, level.name());
            ps.setInt(2, vintage);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
