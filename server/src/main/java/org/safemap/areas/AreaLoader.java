package org.safemap.areas;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKBWriter;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.CopyWriter;
import org.safemap.db.Database;
import org.safemap.db.LoadBatches;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;
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
    private static final String CREATE_STAGE =
            "CREATE TEMP TABLE area_stage (feature_no integer, code text, name text, geojson text, wkb bytea) ON COMMIT DROP";
    private static final String COPY_STAGE = "COPY area_stage FROM STDIN (FORMAT csv)";
    /** Parse, project to British National Grid and note validity, once per feature. */
    private static final String PROJECT = """
            CREATE TEMP TABLE area_projected ON COMMIT DROP AS
            SELECT feature_no, code, name, g, ST_IsValid(g) AS was_valid
            FROM (SELECT feature_no, code, name,
                         CASE WHEN ? = 27700 THEN ST_SetSRID(coalesce(ST_GeomFromWKB(wkb), ST_GeomFromGeoJSON(geojson)), 27700)
                              ELSE ST_Transform(ST_SetSRID(coalesce(ST_GeomFromWKB(wkb), ST_GeomFromGeoJSON(geojson)), ?), 27700)
                         END AS g
                  FROM area_stage) parsed""";
    /** British National Grid's extent with a margin: anything beyond is a wrong or missing CRS, not Great Britain. */
    private static final String OUTSIDE_GREAT_BRITAIN = """
            SELECT code, ST_XMin(g), ST_YMin(g) FROM area_projected
            WHERE ST_XMin(g) < -100000 OR ST_XMax(g) > 800000 OR ST_YMin(g) < -100000 OR ST_YMax(g) > 1400000
            ORDER BY feature_no LIMIT 1""";

    private static final String REPAIR = """
            UPDATE area_projected SET g = ST_CollectionExtract(ST_MakeValid(g), 3) WHERE NOT was_valid""";
    private static final String REPAIRED_OR_EMPTY =
            "SELECT code, was_valid, ST_IsEmpty(g) FROM area_projected WHERE NOT was_valid OR ST_IsEmpty(g) ORDER BY feature_no";
    private static final String PROJECTED = "SELECT code, ST_AsBinary(g) FROM area_projected ORDER BY code";
    private static final String CREATE_FINAL = "CREATE TEMP TABLE area_final (code text, geom geometry) ON COMMIT DROP";
    private static final String COPY_FINAL = "COPY area_final (code, geom) FROM STDIN (FORMAT csv)";
    private static final String REPLACE_DELETE = "DELETE FROM area WHERE level = ? AND vintage = ?";
    private static final String REPLACE_INSERT = """
            INSERT INTO area (level, vintage, code, name, batch_id, geom)
            SELECT ?, ?, p.code, p.name, ?, ST_Multi(f.geom) FROM area_projected p JOIN area_final f USING (code)""";

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
    public record Result(
            long batchId,
            boolean unchanged,
            int areas,
            List<String> repairedCodes,
            int srid,
            String codeField,
            String nameField) {}

    private final DataSource dataSource;

    public AreaLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Loads a GeoJSON file (the bundled demo data) as {@code level} boundaries of {@code vintage}. */
    public Result load(
            SourceFile file,
            AreaLevel level,
            int vintage,
            String codeField,
            String nameField,
            LongConsumer rawBytesRead) {
        return load(
                BoundaryFiles.geoJson(file, new BoundaryOptions(level, null, codeField, nameField, null)),
                level,
                vintage,
                rawBytesRead);
    }

    /** Loads an opened boundary file (see {@link BoundaryFiles#open}) as {@code level} boundaries of {@code vintage}. */
    public Result load(BoundaryFiles.Opened opened, AreaLevel level, int vintage, LongConsumer rawBytesRead) {
        SourceFile file = opened.file();
        String sha = file.sha256();
        try (Connection c = dataSource.getConnection()) {
            if (alreadyCurrent(c, level, vintage, sha)) {
                return new Result(0, true, countCurrent(c, level, vintage), List.of(), 0, null, null);
            }
            c.setAutoCommit(false);
            try {
                long started = System.nanoTime();
                Result result = replace(c, file, opened.reader(), sha, level, vintage, rawBytesRead);
                c.commit();
                LOG.info(
                        "batch {}: {} as {} {}: {} areas, {} repaired, in {} ms",
                        result.batchId(),
                        file.name(),
                        level,
                        vintage,
                        result.areas(),
                        result.repairedCodes().size(),
                        (System.nanoTime() - started) / 1_000_000);
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SafemapException(
                    ErrorCode.INTERNAL_ERROR, "loading boundaries from " + file.name() + " failed", e);
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot read " + file.name(), e);
        }
    }

    private static Result replace(
            Connection c,
            SourceFile file,
            BoundaryReader reader,
            String sha,
            AreaLevel level,
            int vintage,
            LongConsumer rawBytesRead)
            throws SQLException, IOException {
        Phases phases = new Phases(file.name());
        try (Statement s = c.createStatement()) {
            s.execute(CREATE_STAGE);
        }
        Map<String, Integer> firstSeen = new HashMap<>();
        BoundaryReader.Summary summary;
        try (CopyWriter out = CopyWriter.open(c, COPY_STAGE)) {
            summary = reader.read(
                    f -> {
                        Integer earlier = firstSeen.putIfAbsent(f.code(), f.featureNo());
                        if (earlier != null) {
                            throw new InputFormatException(
                                    file.name(),
                                    0,
                                    null,
                                    "features " + earlier + " and " + f.featureNo() + " both have code " + f.code()
                                            + "; codes must be unique within a vintage");
                        }
                        out.value(f.featureNo())
                                .value(f.code())
                                .value(f.name())
                                .value(f.geometryJson())
                                .value(
                                        f.wkb() == null
                                                ? null
                                                : "\\x" + HexFormat.of().formatHex(f.wkb()));
                        out.endRow();
                    },
                    rawBytesRead);
        }
        phases.done("read and stage");
        try (PreparedStatement ps = c.prepareStatement(PROJECT)) {
            ps.setInt(1, summary.srid());
            ps.setInt(2, summary.srid());
            ps.execute();
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(OUTSIDE_GREAT_BRITAIN)) {
            if (rs.next()) {
                throw new InputFormatException(
                        file.name(),
                        0,
                        "geometry",
                        "area " + rs.getString(1) + " lies at "
                                + Math.round(rs.getDouble(2)) + ", " + Math.round(rs.getDouble(3))
                                + " in British National Grid, "
                                + "outside Great Britain; the coordinates were read as EPSG:" + summary.srid()
                                + ", is that their CRS?");
            }
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate(REPAIR);
        }
        List<String> repaired = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(REPAIRED_OR_EMPTY)) {
            while (rs.next()) {
                if (rs.getBoolean(3)) {
                    throw new InputFormatException(
                            file.name(),
                            0,
                            "geometry",
                            "area " + rs.getString(1) + " has no area left after repairing its geometry");
                }
                repaired.add(rs.getString(1));
            }
        }
        phases.done("project, check and repair");
        Coverage coverage = readProjected(c);
        for (String code : coverage.snap()) {
            if (!repaired.contains(code)) {
                repaired.add(code);
            }
        }
        phases.done("snap");
        writeFinal(c, coverage);
        long batchId = LoadBatches.start(
                c, "areas", level + ":" + vintage, file.name(), sha, summary.features(), summary.features());
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
        phases.done("store");
        AreaDerivatives.rebuild(c, level, vintage, coverage, phases);
        return new Result(
                batchId,
                false,
                summary.features(),
                List.copyOf(repaired),
                summary.srid(),
                summary.codeField(),
                summary.nameField());
    }

    /** Logs how long each phase of a load took, at debug level, for profiling big files. */
    static final class Phases {
        private final String file;
        private long last = System.nanoTime();

        Phases(String file) {
            this.file = file;
        }

        void done(String phase) {
            long now = System.nanoTime();
            LOG.debug("{}: {} took {} ms", file, phase, (now - last) / 1_000_000);
            last = now;
        }
    }

    /** The projected, repaired geometries as a coverage in memory, for snapping and what is derived from it. */
    private static Coverage readProjected(Connection c) throws SQLException {
        List<String> codes = new ArrayList<>();
        List<Geometry> geometries = new ArrayList<>();
        WKBReader wkb = new WKBReader();
        try (PreparedStatement ps = Database.binaryResults(c.prepareStatement(PROJECTED));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                codes.add(rs.getString(1));
                geometries.add(wkb.read(rs.getBytes(2)));
            }
        } catch (ParseException e) {
            throw new IllegalStateException("PostGIS returned unreadable WKB", e);
        }
        return new Coverage(List.copyOf(codes), geometries.toArray(Geometry[]::new));
    }

    private static void writeFinal(Connection c, Coverage coverage) throws SQLException, IOException {
        try (Statement s = c.createStatement()) {
            s.execute(CREATE_FINAL);
        }
        WKBWriter writer = new WKBWriter(2, true);
        try (CopyWriter out = CopyWriter.open(c, COPY_FINAL)) {
            for (int i = 0; i < coverage.geometries().length; i++) {
                Geometry g = coverage.geometries()[i];
                g.setSRID(27700);
                out.value(coverage.codes().get(i)).value(WKBWriter.toHex(writer.write(g)));
                out.endRow();
            }
        }
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
