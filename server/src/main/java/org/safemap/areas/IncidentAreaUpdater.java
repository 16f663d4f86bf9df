package org.safemap.areas;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.CopyWriter;
import org.safemap.db.IncidentCounts;

/**
 * Gives stored incidents their areas again after boundaries or the hierarchy change, with the same
 * {@link AreaAssigner} ingest uses. Works through the table in slices of ids, one transaction each, so a national
 * table never needs one huge transaction and progress can be shown; only rows whose areas change are written.
 */
public final class IncidentAreaUpdater {
    private static final int SLICE = 50_000;

    private static final String ID_RANGE = "SELECT coalesce(min(id), 0), coalesce(max(id), -1), count(*) FROM incident";
    private static final String POINTS = "SELECT id, ST_X(geom), ST_Y(geom) FROM incident WHERE id BETWEEN ? AND ?";
    private static final String CREATE_STAGE = """
            CREATE TEMP TABLE area_update (id bigint, lsoa_vintage smallint, lsoa_code text, msoa_code text,
                lad_code text, ward_vintage smallint, ward_code text, custom_areas jsonb, area_match text) ON COMMIT DROP""";
    private static final String COPY = "COPY area_update FROM STDIN (FORMAT csv)";
    private static final String APPLY = """
            UPDATE incident i SET lsoa_vintage = u.lsoa_vintage, lsoa_code = u.lsoa_code, msoa_code = u.msoa_code,
                   lad_code = u.lad_code, ward_vintage = u.ward_vintage, ward_code = u.ward_code,
                   custom_areas = u.custom_areas, area_match = u.area_match
            FROM area_update u
            WHERE i.id = u.id
              AND (i.lsoa_vintage, i.lsoa_code, i.msoa_code, i.lad_code, i.ward_vintage, i.ward_code, i.custom_areas,
                   i.area_match)
                  IS DISTINCT FROM (u.lsoa_vintage, u.lsoa_code, u.msoa_code, u.lad_code, u.ward_vintage, u.ward_code,
                                    u.custom_areas, u.area_match)""";

    /**
     * What re-assignment did.
     *
     * @param incidents incidents examined
     * @param changed   incidents whose areas changed
     * @param outside   incidents in no LSOA
     */
    public record Result(long incidents, long changed, long outside) {}

    private final DataSource dataSource;

    public IncidentAreaUpdater(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** How many incidents there are to examine, for a progress bar. */
    public long count() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(ID_RANGE)) {
            rs.next();
            return rs.getLong(3);
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.DATABASE_UNAVAILABLE, "cannot count incidents: " + e.getMessage(), e);
        }
    }

    /** @param done hears how many incidents have been examined so far */
    public Result reassignAll(AreaAssigner assigner, LongConsumer done) {
        long examined = 0;
        long changed = 0;
        long outside = 0;
        try (Connection c = dataSource.getConnection()) {
            long min;
            long max;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(ID_RANGE)) {
                rs.next();
                min = rs.getLong(1);
                max = rs.getLong(2);
            }
            c.setAutoCommit(false);
            long[] ids = new long[SLICE];
            double[] xs = new double[SLICE];
            double[] ys = new double[SLICE];
            for (long from = min; from <= max; from += SLICE) {
                try (Statement s = c.createStatement()) {
                    s.execute(CREATE_STAGE);
                }
                int n = 0;
                try (PreparedStatement ps = c.prepareStatement(POINTS)) {
                    ps.setLong(1, from);
                    ps.setLong(2, from + SLICE - 1);
                    ps.setFetchSize(10_000);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids[n] = rs.getLong(1);
                            xs[n] = rs.getDouble(2);
                            ys[n] = rs.getDouble(3);
                            n++;
                        }
                    }
                }
                AreaAssigner.Assignment[] assigned = assigner.assignAll(xs, ys, n);
                try (CopyWriter out = CopyWriter.open(c, COPY)) {
                    for (int i = 0; i < n; i++) {
                        out.value(ids[i]);
                        assigner.write(assigned[i], out);
                        out.endRow();
                        if (assigner.lsoaVintage().isPresent() && !assigned[i].inside()) {
                            outside++;
                        }
                    }
                }
                examined += n;
                IncidentCounts.move(c, "area_update");
                try (Statement s = c.createStatement()) {
                    changed += s.executeUpdate(APPLY);
                }
                c.commit();
                done.accept(examined);
            }
            return new Result(examined, changed, outside);
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "assigning incidents to areas failed", e);
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "assigning incidents to areas failed", e);
        }
    }
}
