package org.safemap.export;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import mil.nga.sf.GeometryType;
import org.safemap.AppVersion;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.runs.PointSelector;
import org.safemap.runs.Selection;
import org.safemap.runs.Sources;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.time.Period;

/**
 * Exports of incident records (points) for a {@link PointSelection}, only of the feeds {@link PointDisclosure}
 * allows. The records are counted by load batch first (for the provenance's sources and the progress bar) and then
 * streamed by id, both in one repeatable-read snapshot, so the file holds exactly what its provenance describes even
 * while new batches load.
 */
final class IncidentExports {
    /** The filters shared by the count and the rows; {@code %s} is the area-of-interest condition. */
    private static final String WHERE = """
            WHERE i.event_from < ? AND i.event_to >= ? AND (i.event_to > ? OR i.event_to = i.event_from)
              AND i.feed = ANY(?::text[])
              AND (cardinality(?::text[]) = 0 OR i.category = ANY(?::text[]) OR c.group_code = ANY(?::text[]))
              AND (?::float8 IS NULL OR i.precision_m <= ?)
              AND (?::float8 IS NULL OR i.geom && ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 4326), 27700))
              AND %s""";

    private static final String BY_BATCH = """
            SELECT i.batch_id, count(*) FROM incident i JOIN category c ON c.code = i.category
            """ + WHERE + " GROUP BY i.batch_id";
    /** The same properties as GET /api/incidents, in snake case, with the point in both reference systems. */
    private static final String ROWS = """
            SELECT i.id, i.feed, i.batch_id AS batch, i.category, c.group_code AS category_group,
                   i.source_category, i.event_from, i.event_to,
                   to_char(i.event_from AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month,
                   i.location_text AS location, i.geocode_method, i.precision_m::float8 AS precision_m,
                   i.lsoa_code AS lsoa, i.msoa_code AS msoa, i.ward_code AS ward, i.lad_code AS lad, i.event_id,
                   round(ST_X(i.geom)::numeric, 2)::float8 AS easting, round(ST_Y(i.geom)::numeric, 2)::float8 AS northing,
                   round(ST_X(w.p)::numeric, 6)::float8 AS lon, round(ST_Y(w.p)::numeric, 6)::float8 AS lat,
                   CASE WHEN ? THEN ST_AsBinary(i.geom) END AS geom_wkb,
                   CASE WHEN ? THEN ST_AsGeoJSON(w.p, 6) END AS geom_json
            FROM incident i JOIN category c ON c.code = i.category
            CROSS JOIN LATERAL (SELECT ST_Transform(i.geom, 4326) AS p) w
            """ + WHERE + " ORDER BY i.id";

    private static final String KNOWN_CATEGORY = "SELECT 1 FROM category WHERE code = ? OR group_code = ? LIMIT 1";

    private final DataSource dataSource;
    private final PointDisclosure disclosure;
    private final Sources sources;

    IncidentExports(DataSource dataSource, Sources sources, Policy policy) {
        this.dataSource = dataSource;
        this.disclosure = new PointDisclosure(dataSource, policy);
        this.sources = sources;
    }

    /**
     * The records of {@code selection}, in a snapshot that the returned export holds until it is closed.
     *
     * @throws SafemapException bad_request for unknown feeds or categories
     */
    Export points(PointSelection selection, ExportFormat format, Principal who) {
        Selection s = selection.selection();
        PointDisclosure.Decision decision = disclosure.feedsForPoints(s.feeds(), who);
        Connection c = null;
        try {
            c = dataSource.getConnection();
            checkCategories(c, s.categories());
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            List<Long> batches = new ArrayList<>();
            long count = 0;
            try (PreparedStatement ps = c.prepareStatement(BY_BATCH.formatted(PointSelector.aoiClause(s)))) {
                bind(ps, 1, selection, decision.included());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batches.add(rs.getLong(1));
                        count += rs.getLong(2);
                    }
                }
            }
            String period = s.period().label();
            String title = "SafeMap incident records, " + period + ", feeds " + String.join(", ", decision.included())
                    + (s.categories().isEmpty() ? "" : ", categories " + String.join(", ", s.categories()));
            Provenance p = new Provenance(
                    "incidents",
                    title,
                    null,
                    null,
                    null,
                    null,
                    period,
                    selection.describe(decision.included()),
                    decision.included(),
                    decision.withheld(),
                    count,
                    format == ExportFormat.GEOJSON
                            ? "EPSG:4326"
                            : format == ExportFormat.GPKG
                                    ? "EPSG:27700"
                                    : "none (easting, northing in EPSG:27700; lon, lat in EPSG:4326)",
                    sources.of(batches.stream().mapToLong(Long::longValue).toArray()),
                    AppVersion.current(),
                    Instant.now());
            Connection snapshot = c;
            c = null;
            return new FeatureExport(
                    format, p, baseName(s, decision.included()), "incidents", "id", GeometryType.POINT) {
                @Override
                long withRows(boolean wkb, boolean json, LongConsumer progress, RowsUser user)
                        throws IOException, SQLException {
                    try (PreparedStatement ps = snapshot.prepareStatement(ROWS.formatted(PointSelector.aoiClause(s)))) {
                        ps.setFetchSize(10_000);
                        ps.setBoolean(1, wkb);
                        ps.setBoolean(2, json);
                        bind(ps, 3, selection, decision.included());
                        try (ResultSet rs = ps.executeQuery()) {
                            return user.use(new FeatureRows(rs, progress));
                        }
                    }
                }

                @Override
                public void close() {
                    try {
                        snapshot.rollback();
                        snapshot.close();
                    } catch (SQLException ignored) {
                        // read-only snapshot: nothing to lose; the pool discards a broken connection
                    }
                }
            };
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not select the records", e);
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // already failing
                }
            }
        }
    }

    private static int bind(PreparedStatement ps, int k, PointSelection selection, List<String> feeds)
            throws SQLException {
        Selection s = selection.selection();
        Connection c = ps.getConnection();
        ps.setObject(k++, OffsetDateTime.ofInstant(s.period().to(), Period.LONDON));
        ps.setObject(k++, OffsetDateTime.ofInstant(s.period().from(), Period.LONDON));
        ps.setObject(k++, OffsetDateTime.ofInstant(s.period().from(), Period.LONDON));
        ps.setArray(k++, c.createArrayOf("text", feeds.toArray()));
        Array categories = c.createArrayOf("text", s.categories().toArray());
        ps.setArray(k++, categories);
        ps.setArray(k++, categories);
        ps.setArray(k++, categories);
        if (s.maxPrecisionM().isPresent()) {
            ps.setDouble(k++, s.maxPrecisionM().get());
            ps.setDouble(k++, s.maxPrecisionM().get());
        } else {
            ps.setNull(k++, Types.DOUBLE);
            ps.setNull(k++, Types.DOUBLE);
        }
        if (selection.bbox().isPresent()) {
            double[] b = selection.bbox().get();
            ps.setDouble(k++, b[0]);
            for (double v : b) {
                ps.setDouble(k++, v);
            }
        } else {
            for (int i = 0; i < 5; i++) {
                ps.setNull(k++, Types.DOUBLE);
            }
        }
        return PointSelector.bindAoi(ps, k, s);
    }

    private static void checkCategories(Connection c, List<String> categories) throws SQLException {
        for (String category : categories) {
            try (PreparedStatement ps = c.prepareStatement(KNOWN_CATEGORY)) {
                ps.setString(1, category);
                ps.setString(2, category);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SafemapException(
                                ErrorCode.BAD_REQUEST,
                                "unknown category '" + category + "'; "
                                        + "GET /api/incidents/summary lists the codes and groups");
                    }
                }
            }
        }
    }

    /** e.g. safemap-incidents-2022-06-police-uk, safemap-incidents-2022-01-to-2022-03-violence-4-feeds. */
    private static String baseName(Selection s, List<String> feeds) {
        StringBuilder b = new StringBuilder("safemap-incidents-")
                .append(s.period().label().replace("..", "-to-"));
        if (!s.categories().isEmpty()) {
            b.append('-')
                    .append(
                            s.categories().size() <= 2
                                    ? String.join("-", s.categories())
                                    : s.categories().size() + "-categories");
        }
        if (!s.feeds().isEmpty()) {
            b.append('-').append(feeds.size() <= 2 ? String.join("-", feeds) : feeds.size() + "-feeds");
        }
        return b.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
    }
}
