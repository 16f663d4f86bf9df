package org.safemap.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import mil.nga.sf.GeometryType;
import org.safemap.AppVersion;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.hotspot.Grid;
import org.safemap.hotspot.Surface;
import org.safemap.map.GeoTiff;
import org.safemap.runs.AreaResults;
import org.safemap.runs.RunStore;
import org.safemap.runs.Sources;

/**
 * Exports of a stored run: its per-area table with boundaries (hotspots and emerging runs, at any level, grid cells
 * included) and its density surface, each with the run's parameters and its sources' attribution.
 */
final class RunExports {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The area table in rank order, boundaries (or grid cells) as WKB in EPSG:27700 and GeoJSON in EPSG:4326. */
    private static final String AREAS = """
            SELECT %s,
                   CASE WHEN ? THEN ST_AsBinary(g.geom) END AS geom_wkb,
                   CASE WHEN ? THEN ST_AsGeoJSON(ST_Transform(g.geom, 4326), 6) END AS geom_json
            FROM hotspot_area_result r
            LEFT JOIN area a ON a.level = r.level AND a.vintage = r.vintage AND a.code = r.code
            CROSS JOIN LATERAL (SELECT ST_Multi(coalesce(r.cell_geom, a.geom)) AS geom) g
            WHERE r.run_id = ? AND r.level = ?
            ORDER BY r.rank
            LIMIT ?""";

    private static final String AREA_COUNT = "SELECT count(*) FROM hotspot_area_result WHERE run_id = ? AND level = ?";

    private final DataSource dataSource;
    private final RunStore store;
    private final AreaResults results;
    private final Sources sources;

    RunExports(DataSource dataSource, Sources sources) {
        this.dataSource = dataSource;
        this.store = new RunStore(dataSource);
        this.results = new AreaResults(dataSource);
        this.sources = sources;
    }

    /**
     * The run's areas at {@code level} (null: its first level), best rank first, at most {@code limit}.
     *
     * @throws SafemapException not_found for no such run, a run without per-area results or without that level
     */
    Export areas(long runId, String level, int limit, ExportFormat format, boolean classesOnly) {
        RunStore.Run run = run(runId);
        List<String> levels = results.levels(runId);
        if (levels.isEmpty()) {
            throw new SafemapException(
                    ErrorCode.NOT_FOUND,
                    "run " + runId + " (" + run.kind() + ", " + run.status()
                            + ") has no per-area results; area exports come from done hotspots and emerging runs");
        }
        String chosen =
                level == null || level.isBlank() ? levels.get(0) : level.trim().toLowerCase(Locale.ROOT);
        if (!levels.contains(chosen)) {
            throw new SafemapException(
                    ErrorCode.NOT_FOUND,
                    "run " + runId + " has no results at level '" + chosen + "'; it has " + levels);
        }
        long count = Math.min(limit, count(runId, chosen));
        String title = "SafeMap " + run.kind() + " run " + runId + ": " + chosen + " areas, ranked"
                + (classesOnly ? " (classes only: the run read a feed shared with you as aggregates)" : "");
        String sql = AREAS.formatted(classesOnly ? AreaResults.CLASS_COLUMNS : AreaResults.COLUMNS);
        Provenance p = provenance(
                "run-areas",
                title,
                run,
                count,
                format == ExportFormat.GEOJSON
                        ? "EPSG:4326"
                        : format == ExportFormat.GPKG ? "EPSG:27700" : "none (no geometry)");
        String slug = chosen.replace(':', '-');
        return new FeatureExport(
                format,
                p,
                "safemap-run-" + runId + "-" + slug + "-areas",
                "run_" + runId + "_" + slug.replace('-', '_') + "_areas",
                "code",
                GeometryType.MULTIPOLYGON) {
            @Override
            long withRows(boolean wkb, boolean json, LongConsumer progress, RowsUser user)
                    throws IOException, SQLException {
                try (Connection c = dataSource.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setFetchSize(1000);
                        ps.setBoolean(1, wkb);
                        ps.setBoolean(2, json);
                        ps.setLong(3, runId);
                        ps.setString(4, chosen);
                        ps.setInt(5, limit);
                        try (ResultSet rs = ps.executeQuery()) {
                            return user.use(new FeatureRows(rs, progress));
                        }
                    } finally {
                        c.commit();
                    }
                }
            }
        };
    }

    /**
     * The run's surface as a float32 GeoTIFF in EPSG:27700 (the run's own grid), description and GDAL metadata
     * carrying the provenance, and the band's unit.
     *
     * @throws SafemapException not_found for no such run or a run without a surface
     */
    Export surface(long runId) {
        RunStore.Run run = run(runId);
        Surface surface = store.surface(runId)
                .orElseThrow(() -> new SafemapException(
                        ErrorCode.NOT_FOUND,
                        "run " + runId + " (" + run.kind()
                                + ") has no surface; hotspots runs have one, emerging and evaluate runs do not"));
        String units = units(json(run.params()));
        Grid g = surface.grid();
        String title = String.format(
                Locale.ROOT,
                "SafeMap %s run %d: density surface in %s, %d x %d cells of %s m",
                run.kind(),
                runId,
                units,
                g.columns(),
                g.rows(),
                number(g.cellMetres()));
        Provenance p = provenance("run-surface", title, run, g.cellCount(), "EPSG:27700");
        return new Export(ExportFormat.GEOTIFF, p, "safemap-run-" + runId + "-surface") {
            @Override
            public long writeTo(OutputStream out, LongConsumer progress) throws IOException {
                StringBuilder xml = new StringBuilder(GeoPackageExport.gdalXml(p.metadataItems()));
                // band 1's unit and description, which gdalinfo prints and QGIS shows in the layer's properties
                xml.insert(
                        xml.lastIndexOf("</GDALMetadata>"),
                        "  <Item name=\"UNITTYPE\" sample=\"0\" "
                                + "role=\"unittype\">" + GeoPackageExport.xml(ascii(units)) + "</Item>\n"
                                + "  <Item name=\"DESCRIPTION\" sample=\"0\" role=\"description\">density</Item>\n");
                out.write(GeoTiff.bytes(surface, ascii(p.description()), ascii(xml.toString())));
                progress.accept(g.cellCount());
                return g.cellCount();
            }
        };
    }

    private RunStore.Run run(long runId) {
        return store.run(runId).orElseThrow(() -> new SafemapException(ErrorCode.NOT_FOUND, "no run " + runId));
    }

    private Provenance provenance(String export, String title, RunStore.Run run, long features, String crs) {
        JsonNode params = json(run.params());
        JsonNode version = json(run.dataVersion());
        long[] batches = new long[version.path("batches").size()];
        List<String> feeds = new java.util.ArrayList<>();
        for (int i = 0; i < batches.length; i++) {
            JsonNode b = version.path("batches").get(i);
            batches[i] = b.path("id").asLong();
            if (!feeds.contains(b.path("feed").asText())) {
                feeds.add(b.path("feed").asText());
            }
        }
        java.util.Collections.sort(feeds);
        String period =
                params.at("/selection/period").asText(params.path("period").asText(""));
        return new Provenance(
                export,
                title,
                run.id(),
                run.kind(),
                params,
                version,
                period,
                null,
                feeds,
                List.of(),
                features,
                crs,
                sources.of(batches),
                AppVersion.current(),
                Instant.now());
    }

    private long count(long runId, String level) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(AREA_COUNT)) {
            ps.setLong(1, runId);
            ps.setString(2, level);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read run " + runId, e);
        }
    }

    /** The surface's unit from the run's parameters: incidents per km², or the prospective method's score. */
    static String units(JsonNode params) {
        JsonNode s = params.path("surface");
        if ("prospective".equals(s.path("method").asText())) {
            return "prospective risk score";
        }
        return s.path("units").asText("incidents per km²");
    }

    /** TIFF text is 7-bit ASCII: ² and © and other marks become plain letters, anything else '?'. */
    static String ascii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128) {
                b.append(c);
            } else if (c == '²') {
                b.append('2');
            } else if (c == '©') {
                b.append("(c)");
            } else if (c == '–' || c == '—') {
                b.append('-');
            } else if (c == '‘' || c == '’') {
                b.append('\'');
            } else if (c == '“' || c == '”') {
                b.append('"');
            } else {
                b.append('?');
            }
        }
        return b.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("stored run JSON is not JSON: " + e.getMessage(), e);
        }
    }
}
