package org.safemap.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.db.Work;
import org.safemap.hotspot.Surface;
import org.safemap.map.GeoTiff;
import org.safemap.map.SurfacePng;
import org.safemap.runs.AreaResults;
import org.safemap.runs.EmergingRunner;
import org.safemap.runs.EvaluateRunner;
import org.safemap.runs.HotspotRequests;
import org.safemap.runs.HotspotRunner;
import org.safemap.runs.NearRepeats;
import org.safemap.runs.RunStore;
import org.safemap.runs.Selection;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.Policy;
import org.safemap.time.PeriodLimit;

/**
 * /api/hotspots and /api/emerging: start a hotspot or emerging hot spot run, read its parameters and summary, its
 * ranked areas and its surface.
 */
final class HotspotHandlers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_AREAS = 100_000;
    /** Most repeat locations listed, and the widest snapping tolerance, of one request. */
    private static final int MAX_TOP = 10_000;

    private static final double MAX_TOLERANCE_M = 1_000;

    private final HotspotRunner runner;
    private final EmergingRunner emerging;
    private final EvaluateRunner evaluator;
    private final NearRepeats nearRepeats;
    private final RunStore store;
    private final AreaResults results;

    private final Access access;
    private final PeriodLimit periods;

    HotspotHandlers(
            HotspotRunner runner,
            EmergingRunner emerging,
            EvaluateRunner evaluator,
            NearRepeats nearRepeats,
            RunStore store,
            AreaResults results,
            Access access,
            PeriodLimit periods) {
        this.access = access;
        this.periods = periods;
        this.nearRepeats = nearRepeats;
        this.runner = runner;
        this.emerging = emerging;
        this.evaluator = evaluator;
        this.store = store;
        this.results = results;
    }

    /** {@code POST /api/hotspots}: parameters as a JSON object; 201 with the run and its links. */
    void create(Context ctx) throws IOException {
        HotspotRunner.Request request = HotspotRequests.parse(parameters(ctx), "api", periods);
        request = request.withSelection(aggregable(ctx, request.selection(), "POST /api/hotspots"));
        long id = runner.run(request, message -> Work.checkpoint());
        access.audit(ctx, "api.hotspots.create", store.run(id).orElseThrow().feeds(), results.count(id));
        ctx.status(201)
                .header("Location", "/api/hotspots/" + id)
                .json(describeFor(ctx, store.run(id).orElseThrow()));
    }

    /** {@code POST /api/emerging}: an emerging hot spot run; its areas are read as any run's. */
    void createEmerging(Context ctx) throws IOException {
        EmergingRunner.Request request = HotspotRequests.emerging(parameters(ctx), "api", periods);
        request = request.withSelection(aggregable(ctx, request.selection(), "POST /api/emerging"));
        long id = emerging.run(request, message -> Work.checkpoint());
        access.audit(ctx, "api.emerging.create", store.run(id).orElseThrow().feeds(), results.count(id));
        ctx.status(201)
                .header("Location", "/api/hotspots/" + id)
                .json(describeFor(ctx, store.run(id).orElseThrow()));
    }

    /**
     * A stored run is shared (map layers show the newest), so only a signed-in user may start one, and it reads only
     * the feeds they may see at aggregate level or better; who may see its numbers is decided when it is read.
     */
    private Selection aggregable(Context ctx, Selection s, String what) {
        access.policy().requireSignedIn(Principals.of(ctx), what);
        List<String> feeds = access.feeds(ctx, s.feeds(), DisclosureLevel.AGGREGATES, what);
        if (feeds.isEmpty()) {
            throw new org.safemap.SafemapException(
                    ErrorCode.WITHHELD,
                    what + ": no feed is visible to " + Principals.of(ctx).describe() + " at aggregate level");
        }
        return s.withFeeds(feeds);
    }

    /** Record-level methods (near repeats, repeat locations) read only feeds the asker may see as points. */
    private Selection recordLevel(Context ctx, Selection s, String what) {
        access.policy().requireSignedIn(Principals.of(ctx), what);
        List<String> feeds = access.feeds(ctx, s.feeds(), DisclosureLevel.POINTS, what);
        if (feeds.isEmpty()) {
            throw new org.safemap.SafemapException(
                    ErrorCode.WITHHELD,
                    what + ": no feed is visible to " + Principals.of(ctx).describe() + " record by record");
        }
        return s.withFeeds(feeds);
    }

    /**
     * Whether the run's numbers are hidden from this asker: it read a feed they may see only below points level.
     * Then they get classes, not counts (see {@link AreaResults#CLASS_COLUMNS}), and no surface.
     */
    private boolean classesOnly(Context ctx, RunStore.Run run) {
        Policy.ResultView view = access.policy().resultView(Principals.of(ctx), run.feeds());
        if (view == Policy.ResultView.NONE) {
            // Answered exactly as a run that does not exist; the owners of the feeds it read still see the attempt.
            access.auditRefusal(
                    ctx,
                    "run " + run.id() + " read a feed not shared with the asker (answered as not " + "found)",
                    access.below(ctx, run.feeds(), DisclosureLevel.AGGREGATES));
            throw ApiException.notFound("no hotspot run " + run.id());
        }
        return view == Policy.ResultView.CLASSES;
    }

    private static Map<String, Object> parameters(Context ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (IOException e) {
            throw ApiException.badRequest("the body must be a JSON object of hotspot parameters: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object of hotspot parameters, e.g. "
                    + "{\"period\": \"2022-01..2022-03\", \"categories\": \"violence\"}");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                java.util.List<String> items = new java.util.ArrayList<>();
                v.forEach(x -> items.add(x.asText()));
                params.put(e.getKey(), items);
            } else if (v.isObject()) {
                throw ApiException.badRequest(
                        "parameter '" + e.getKey() + "' must be a string, number, boolean or " + "list");
            } else if (!v.isNull()) {
                params.put(e.getKey(), v.asText());
            }
        }
        return params;
    }

    /**
     * {@code GET /api/evaluate?train=&test=&methods=&level=&coverages=...}: scores the methods (a stored run) and
     * answers {@code {"run", "rows", "curves"}}; rows carry method, coverage, hit_rate, pai, rri, max_hit_rate, pei.
     */
    void evaluate(Context ctx) {
        Map<String, Object> params = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> params.put(k, String.join(",", v)));
        EvaluateRunner.Request request = HotspotRequests.evaluate(params, "api", periods);
        // Hit rates and their curves are ratios of test counts in ranked cells: over a feed seen only as counts
        // they would be another table, cut however the asker likes. Evaluation reads only feeds seen as points.
        request = request.withFeeds(
                recordLevel(ctx, request.train(), "GET /api/evaluate").feeds());
        EvaluateRunner.Result result = evaluator.run(request, s -> Work.checkpoint());
        access.audit(ctx, "api.evaluate", request.train().feeds(), result.rows().size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", result.runId());
        body.put("rows", result.rows());
        body.put("curves", result.curves());
        body.put("bar", result.bar());
        ctx.json(body);
    }

    /** {@code GET /api/near-repeat?period=&categories=&space=&time=...}: the Knox test, stored as a run. */
    void nearRepeat(Context ctx) {
        Map<String, Object> params = query(ctx);
        Selection selection = recordLevel(
                ctx,
                HotspotRequests.selection(
                        HotspotRequests.selectionPart(params, HotspotRequests.NEAR_REPEAT_NAMES), periods),
                "GET /api/near-repeat");
        NearRepeats.Outcome o = nearRepeats.knox(
                selection, HotspotRequests.knox(params), HotspotRequests.flag(params, "allowSnapped", false), "api");
        access.audit(ctx, "api.near-repeat", selection.feeds(), 1);
        ctx.json(Map.of("run", o.runId(), "result", o.result()));
    }

    /** {@code GET /api/repeat-locations?period=&categories=&tolerance=&minCount=&top=}: places incidents recur. */
    void repeatLocations(Context ctx) {
        Map<String, Object> params = query(ctx);
        Selection selection = recordLevel(
                ctx,
                HotspotRequests.selection(
                        HotspotRequests.selectionPart(params, HotspotRequests.NEAR_REPEAT_NAMES), periods),
                "GET /api/repeat-locations");
        double tolerance = HotspotRequests.number(params, "tolerance").orElse(0.0);
        double minCount = HotspotRequests.number(params, "minCount").orElse(2.0);
        double top = HotspotRequests.number(params, "top").orElse(50.0);
        if (!(tolerance >= 0 && tolerance <= MAX_TOLERANCE_M)) {
            throw ApiException.badRequest(
                    "tolerance must be from 0 to " + MAX_TOLERANCE_M + " metres, got " + tolerance);
        }
        if (!(minCount >= 2 && minCount <= 1_000_000)) {
            throw ApiException.badRequest("minCount must be from 2 to 1000000, got " + minCount);
        }
        if (!(top >= 1 && top <= MAX_TOP) || top != Math.rint(top)) {
            throw ApiException.badRequest("top must be a whole number from 1 to " + MAX_TOP + ", got " + top);
        }
        NearRepeats.Outcome o = nearRepeats.repeats(selection, tolerance, minCount, (int) top, "api");
        access.audit(ctx, "api.repeat-locations", selection.feeds(), (long) top);
        ctx.json(Map.of("run", o.runId(), "result", o.result()));
    }

    private static Map<String, Object> query(Context ctx) {
        Map<String, Object> params = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> params.put(k, String.join(",", v)));
        return params;
    }

    /** {@code GET /api/hotspots/{id}}: the run's parameters, data version, summary and links. */
    void get(Context ctx) throws IOException {
        ctx.json(describeFor(ctx, run(ctx)));
    }

    /** The run as this asker may see it: without its summary when its numbers are withheld from them. */
    private Map<String, Object> describeFor(Context ctx, RunStore.Run run) throws IOException {
        Map<String, Object> m = describe(run);
        if (classesOnly(ctx, run)) {
            // The summary's totals and statistics are functions of the hidden counts.
            m.remove("summary");
            m.put(
                    "disclosure",
                    "classes only: this run read " + run.feeds() + ", and a feed among them is shared "
                            + "with you as suppressed aggregates; counts, rates, statistics and the surface are withheld");
        }
        return m;
    }

    /** {@code GET /api/hotspots/{id}/areas?level=&format=json|csv|geojson&limit=}: ranked per-area results. */
    void areas(Context ctx) throws IOException {
        RunStore.Run run = run(ctx);
        String level = ctx.queryParam("level");
        java.util.List<String> levels = results.levels(run.id());
        if (level == null || level.isBlank()) {
            level = levels.isEmpty() ? "lsoa" : levels.get(0);
        }
        if (!levels.contains(level)) {
            throw ApiException.notFound(
                    "run " + run.id() + " has no results at level '" + level + "'; it has " + levels);
        }
        int limit = limit(ctx);
        String format = format(ctx, "json");
        boolean classesOnly = classesOnly(ctx, run);
        access.audit(ctx, "api.hotspots.areas", run.feeds(), Math.min(limit, results.count(run.id())));
        switch (format) {
            case "json" ->
                ctx.contentType("application/json").result(results.json(run.id(), level, limit, classesOnly));
            case "geojson" ->
                ctx.contentType("application/geo+json").result(results.geoJson(run.id(), level, limit, classesOnly));
            case "csv" -> {
                ctx.contentType("text/csv; charset=utf-8")
                        .header(
                                "Content-Disposition",
                                "attachment; filename=\"hotspots-" + run.id() + "-" + level + ".csv\"");
                Writer w = new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8);
                results.csv(run.id(), level, limit, classesOnly, w);
                w.flush();
            }
            default -> throw ApiException.badRequest("format must be json, csv or geojson, got '" + format + "'");
        }
    }

    /** {@code GET /api/hotspots/{id}/surface?format=tiff|png}: the density surface. */
    void surface(Context ctx) throws IOException {
        RunStore.Run run = run(ctx);
        if (classesOnly(ctx, run)) {
            throw new org.safemap.sharing.FeedRefusal(
                    ErrorCode.WITHHELD,
                    "run " + run.id() + " read " + run.feeds()
                            + ", shared with " + Principals.of(ctx).describe()
                            + " as aggregates only; its raw surface could "
                            + "show single records. The map's density layers draw such feeds with their disclosure rule.",
                    access.below(ctx, run.feeds(), DisclosureLevel.POINTS));
        }
        Surface surface =
                store.surface(run.id()).orElseThrow(() -> ApiException.notFound("run " + run.id() + " has no surface"));
        String format = format(ctx, "tiff");
        access.audit(ctx, "api.hotspots.surface", run.feeds(), surface.grid().cellCount());
        switch (format) {
            case "tiff", "geotiff", "tif" ->
                ctx.contentType("image/tiff; application=geotiff")
                        .header("Content-Disposition", "attachment; filename=\"density-" + run.id() + ".tif\"")
                        .result(GeoTiff.bytes(surface, "SafeMap run " + run.id() + ": " + run.params()));
            case "png" ->
                ctx.contentType("image/png")
                        .result(SurfacePng.render(
                                surface,
                                "Run " + run.id(),
                                run.params().contains("\"prospective\"")
                                        ? "prospective risk score"
                                        : "incidents per km²"));
            default -> throw ApiException.badRequest("format must be tiff or png, got '" + format + "'");
        }
    }

    private RunStore.Run run(Context ctx) {
        String raw = ctx.pathParam("id");
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("run id '" + raw + "' is not a number");
        }
        return store.run(id).orElseThrow(() -> ApiException.notFound("no hotspot run " + id));
    }

    private static Map<String, Object> describe(RunStore.Run run) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", run.id());
        m.put("kind", run.kind());
        m.put("status", run.status());
        m.put("createdAt", run.createdAt());
        m.put("finishedAt", run.finishedAt());
        m.put("createdBy", run.createdBy());
        m.put("params", JSON.readTree(run.params()));
        m.put("dataVersion", JSON.readTree(run.dataVersion()));
        m.put("summary", JSON.readTree(run.summary()));
        if (run.message() != null) {
            m.put("message", run.message());
        }
        String base = "/api/hotspots/" + run.id();
        m.put(
                "links",
                Map.of(
                        "self",
                        base,
                        "areas",
                        base + "/areas",
                        "areasCsv",
                        base + "/areas?format=csv",
                        "areasGeoJson",
                        base + "/areas?format=geojson",
                        "surface",
                        base + "/surface",
                        "surfacePng",
                        base + "/surface?format=png"));
        return m;
    }

    private static String format(Context ctx, String dflt) {
        String f = ctx.queryParam("format");
        return f == null || f.isBlank() ? dflt : f.toLowerCase(Locale.ROOT);
    }

    private static int limit(Context ctx) {
        String raw = ctx.queryParam("limit");
        if (raw == null || raw.isBlank()) {
            return MAX_AREAS;
        }
        try {
            int l = Integer.parseInt(raw);
            if (l < 1) {
                throw new NumberFormatException();
            }
            return Math.min(l, MAX_AREAS);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be a positive whole number, got '" + raw + "'");
        }
    }
}
