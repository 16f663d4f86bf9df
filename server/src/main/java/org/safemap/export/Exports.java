package org.safemap.export;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.ingest.FeedCatalog;
import org.safemap.runs.RunStore;
import org.safemap.runs.Sources;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.time.PeriodLimit;

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

    private final Policy policy;
    private final RunStore store;

    public Exports(DataSource dataSource, FeedCatalog feeds, Policy policy) {
        Sources sources = new Sources(dataSource, feeds);
        this.runs = new RunExports(dataSource, sources);
        this.incidents = new IncidentExports(dataSource, sources, policy);
        this.policy = policy;
        this.store = new RunStore(dataSource);
    }

    /**
     * Run {@code runId}'s areas at {@code level} (null for the run's own), the best {@code limit} by rank. When the
     * run read a feed {@code who} may see only below points level, the file holds classes, not counts or statistics
     * (as {@code GET /api/hotspots/{id}/areas}).
     */
    public Export runAreas(long runId, String level, int limit, ExportFormat format, Principal who) {
        return runs.areas(runId, level, Math.max(1, Math.min(limit, MAX_AREAS)), format, classesOnly(runId, who));
    }

    /** Run {@code runId}'s density surface as GeoTIFF; withheld when the run read a feed {@code who} sees below points. */
    public Export runSurface(long runId, Principal who) {
        if (classesOnly(runId, who)) {
            List<String> below = new java.util.ArrayList<>();
            for (String f : store.run(runId).orElseThrow().feeds()) {
                if (!policy.level(who, f).atLeast(org.safemap.sharing.DisclosureLevel.POINTS)) {
                    below.add(f);
                }
            }
            throw new org.safemap.sharing.FeedRefusal(
                    ErrorCode.WITHHELD,
                    "run " + runId + " read a feed shared with "
                            + who.describe()
                            + " as aggregates only; its raw surface could show single records, so it is not "
                            + "exported",
                    below);
        }
        return runs.surface(runId);
    }

    /** Incident records for the selection given as parameters (see {@link PointSelection}), as {@code who} may. */
    public Export incidents(Map<String, ?> selection, ExportFormat format, Principal who) {
        return incidents(selection, format, who, PeriodLimit.NONE);
    }

    /** As {@link #incidents(Map, ExportFormat, Principal)}, the period held to {@code limit}. */
    public Export incidents(Map<String, ?> selection, ExportFormat format, Principal who, PeriodLimit limit) {
        return incidents.points(PointSelection.parse(selection, limit), format, who);
    }

    private boolean classesOnly(long runId, Principal who) {
        RunStore.Run run =
                store.run(runId).orElseThrow(() -> new SafemapException(ErrorCode.NOT_FOUND, "no run " + runId));
        Policy.ResultView view = policy.resultView(who, run.feeds());
        if (view == Policy.ResultView.NONE) {
            // Answered as a run that does not exist, and recorded against the feeds it read that the asker may not
            // see, so their owners' usage reports show the attempt.
            List<String> unseen = new java.util.ArrayList<>();
            for (String f : run.feeds()) {
                if (policy.level(who, f) == org.safemap.sharing.DisclosureLevel.NONE) {
                    unseen.add(f);
                }
            }
            throw new org.safemap.sharing.FeedRefusal(ErrorCode.NOT_FOUND, "no run " + runId, unseen);
        }
        return view == Policy.ResultView.CLASSES;
    }
}
