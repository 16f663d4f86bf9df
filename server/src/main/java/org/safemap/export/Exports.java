package org.safemap.export;

import java.util.Map;
import javax.sql.DataSource;
import org.safemap.ingest.FeedCatalog;
import org.safemap.runs.Sources;

/**
 * SafeMap's exports, for the API and the CLI alike: a run's per-area results (CSV, GeoJSON, GeoPackage), its
 * surface (GeoTIFF) and incident points for a selection (CSV, GeoJSON, GeoPackage), each carrying its provenance
 * and its sources' attribution. See docs/exports.md.
 */
public final class Exports {
    /** Rows an area export holds at most, as GET /api/hotspots/{id}/areas. */
    public static final int MAX_AREAS = 100_000;

    private final RunExports runs;
    private final IncidentExports incidents;

    public Exports(DataSource dataSource, FeedCatalog feeds) {
        Sources sources = new Sources(dataSource, feeds);
        this.runs = new RunExports(dataSource, sources);
        this.incidents = new IncidentExports(dataSource, sources);
    }

    /** Run {@code runId}'s areas at {@code level} (null for the run's own), the best {@code limit} by rank. */
    public Export runAreas(long runId, String level, int limit, ExportFormat format) {
        return runs.areas(runId, level, Math.max(1, Math.min(limit, MAX_AREAS)), format);
    }

    /** Run {@code runId}'s density surface as GeoTIFF. */
    public Export runSurface(long runId) {
        return runs.surface(runId);
    }

    /** Incident records for the selection given as parameters (see {@link PointSelection}). */
    public Export incidents(Map<String, ?> selection, ExportFormat format) {
        return incidents.points(PointSelection.parse(selection), format);
    }
}
