package org.safemap.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.safemap.db.Work;
import org.safemap.export.Export;
import org.safemap.export.ExportFormat;
import org.safemap.export.Exports;
import org.safemap.time.PeriodLimit;

/**
 * /api/exports: files to download, each with its provenance, a run's areas and surface and incident points. The
 * export is checked (run, level, selection, format) before the body starts, so every refusal is a JSON error.
 */
final class ExportHandlers {
    /** Room left for the provenance header under Jetty's 8 KB of response headers. */
    private static final int PROVENANCE_HEADER_CHARS = 6000;
    /** Most features one export holds: a whole force's decade of records, not the country's. */
    static final long MAX_FEATURES = 2_000_000;

    private static final Set<String> AREA_PARAMS = Set.of("level", "limit");
    private static final List<ExportFormat> FEATURE_FORMATS =
            List.of(ExportFormat.CSV, ExportFormat.GEOJSON, ExportFormat.GPKG);

    private final Exports exports;

    private final Access access;
    private final PeriodLimit periods;

    ExportHandlers(Exports exports, Access access, PeriodLimit periods) {
        this.exports = exports;
        this.access = access;
        this.periods = periods;
    }

    /**
     * {@code GET /api/exports/runs/{id}/areas.csv|geojson|gpkg?level=&limit=} and
     * {@code GET /api/exports/runs/{id}/surface.tif}.
     */
    void run(Context ctx) throws IOException {
        long id = runId(ctx);
        String file = ctx.pathParam("file");
        String name = stem(file);
        if (name.equals("areas")) {
            ExportFormat format = featureFormat(file);
            for (String p : ctx.queryParamMap().keySet()) {
                if (!AREA_PARAMS.contains(p)) {
                    throw ApiException.badRequest(
                            "unknown parameter '" + p + "'; an area export takes level and " + "limit");
                }
            }
            int limit = QueryParams.integer(ctx, "limit", 1, Exports.MAX_AREAS).orElse(Exports.MAX_AREAS);
            send(ctx, exports.runAreas(id, ctx.queryParam("level"), limit, format, Principals.of(ctx)));
        } else if (name.equals("surface")) {
            ExportFormat format = ExportFormat.named(extension(file)).orElse(null);
            if (format != ExportFormat.GEOTIFF) {
                throw ApiException.badRequest("a surface exports as surface.tif, not '" + file + "'");
            }
            if (!ctx.queryParamMap().isEmpty()) {
                throw ApiException.badRequest("a surface export takes no parameters");
            }
            send(ctx, exports.runSurface(id, Principals.of(ctx)));
        } else {
            throw ApiException.notFound("no export '" + file + "' of a run; there are areas.csv, areas.geojson, "
                    + "areas.gpkg and surface.tif");
        }
    }

    /** {@code GET /api/exports/incidents.csv|geojson|gpkg?period=&feed=&category=&area=&areaWkt=&bbox=...}. */
    void incidents(Context ctx) throws IOException {
        String file = ctx.pathParam("file");
        if (!stem(file).equals("incidents")) {
            throw ApiException.notFound("no export '" + file + "'; there are incidents.csv, incidents.geojson and "
                    + "incidents.gpkg, and runs/{id}/areas.* and runs/{id}/surface.tif");
        }
        ExportFormat format = featureFormat(file);
        Map<String, Object> params = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> params.put(k, String.join(",", v)));
        send(ctx, exports.incidents(params, format, Principals.of(ctx), periods));
    }

    private void send(Context ctx, Export export) throws IOException {
        try (export) {
            if (export.expectedRows() > MAX_FEATURES) {
                throw ApiException.badRequest("the export would hold " + export.expectedRows() + " features; one "
                        + "export holds at most " + MAX_FEATURES + ": narrow the period, area or feeds");
            }
            access.audit(
                    ctx,
                    "export." + export.provenance().export(),
                    export.provenance().feedsIncluded(),
                    export.expectedRows());
            ctx.contentType(export.format().mediaType());
            ctx.header("Content-Disposition", "attachment; filename=\"" + export.fileName() + "\"");
            ctx.header("SafeMap-Provenance", export.provenance().toHeaderJson(PROVENANCE_HEADER_CHARS));
            ctx.header("SafeMap-Feeds", String.join(",", export.provenance().feedsIncluded()));
            ctx.header("SafeMap-Features", Long.toString(export.expectedRows()));
            export.writeTo(ctx.outputStream(), n -> Work.checkpoint());
        }
    }

    private static ExportFormat featureFormat(String file) {
        ExportFormat format = ExportFormat.named(extension(file)).orElse(null);
        if (format == null || !FEATURE_FORMATS.contains(format)) {
            throw ApiException.badRequest("format '" + extension(file) + "' is not one areas and points export as; "
                    + "use .csv, .geojson or .gpkg");
        }
        return format;
    }

    private static String stem(String file) {
        int dot = file.indexOf('.');
        return dot < 0 ? file : file.substring(0, dot);
    }

    private static String extension(String file) {
        int dot = file.indexOf('.');
        return dot < 0 ? "" : file.substring(dot + 1);
    }

    private static long runId(Context ctx) {
        String raw = ctx.pathParam("id");
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("run id '" + raw + "' is not a number");
        }
    }
}
