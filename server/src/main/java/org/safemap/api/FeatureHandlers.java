package org.safemap.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.safemap.map.FeaturesService;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.LayerSources;
import org.safemap.sharing.Principal;

/**
 * OGC API - Features under {@code /ogc/features}: landing page, conformance, the OpenAPI document, collections and
 * their items ({@link FeaturesService}), as JSON (GeoJSON for features) or, with {@code f=html} or a browser's
 * Accept, a plain HTML page of the same answer. Items are audited as {@code /api/counts} is: an answer that drew a
 * restricted feed is one entry naming the feeds and the number of features.
 */
final class FeatureHandlers {
    static final String ROOT = "/ogc/features";
    private static final String OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.0";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final FeaturesService features;
    private final Access access;
    private final LayerSources sources;
    private final MapAudit mapAudit;

    FeatureHandlers(FeaturesService features, Access access, LayerSources sources, MapAudit mapAudit) {
        this.features = features;
        this.access = access;
        this.sources = sources;
        this.mapAudit = mapAudit;
    }

    /** {@code GET /ogc/features}: the landing page. */
    /**
     * Which collections a document lists and what its counts hold depend on who asks, and QGIS keeps documents by
     * address alone (as it does capabilities): a signed-in answer is never stored, an anonymous one is asked for again
     * (its ETag makes that cheap), so one QGIS profile's layers never show another's.
     */
    static void cacheRules(Context ctx) {
        ctx.header("Vary", "Authorization, Cookie");
        ctx.header("Cache-Control", Principals.of(ctx).anonymous() ? "no-cache" : "private, no-store");
    }

    void landing(Context ctx) {
        String base = base(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "SafeMap OGC API - Features");
        body.put(
                "description",
                "Area boundaries, protected incident counts and rates by month, deprivation and stored hot spot runs' "
                        + "area results, as the requester's data-sharing protocols allow.");
        body.put(
                "links",
                List.of(
                        new FeaturesService.Link(base, "self", "application/json", "this document"),
                        new FeaturesService.Link(base + "?f=html", "alternate", "text/html", "this document as HTML"),
                        new FeaturesService.Link(
                                base + "/api", "service-desc", OPENAPI_TYPE, "the API definition (OpenAPI 3.0)"),
                        new FeaturesService.Link(
                                base + "/conformance", "conformance", "application/json", "conformance classes"),
                        new FeaturesService.Link(
                                base + "/collections", "data", "application/json", "the collections")));
        answer(ctx, body, "SafeMap OGC API - Features");
    }

    /** {@code GET /ogc/features/conformance} */
    void conformance(Context ctx) {
        answer(ctx, Map.of("conformsTo", FeaturesService.CONFORMANCE), "Conformance");
    }

    /** {@code GET /ogc/features/api}: the OpenAPI 3.0 document, its server this one. */
    void openApi(Context ctx) {
        format(ctx);
        try (InputStream in = FeatureHandlers.class.getResourceAsStream("/ogc/features-openapi.json")) {
            ObjectNode doc = (ObjectNode) JSON.readTree(in);
            ArrayNode servers = doc.putArray("servers");
            servers.addObject().put("url", base(ctx)).put("description", "this server");
            ctx.contentType(OPENAPI_TYPE).result(JSON.writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET /ogc/features/collections} */
    void collections(Context ctx) {
        String base = base(ctx);
        List<Map<String, Object>> list = new ArrayList<>();
        for (LayerCatalogue.Layer l : features.collections(Principals.of(ctx))) {
            list.add(features.describe(l, base));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "links",
                List.of(
                        new FeaturesService.Link(base + "/collections", "self", "application/json", "the collections"),
                        new FeaturesService.Link(base + "/collections?f=html", "alternate", "text/html", "as HTML")));
        body.put("crs", FeaturesService.CRS_LIST);
        body.put("collections", list);
        answer(ctx, body, "Collections");
    }

    /** {@code GET /ogc/features/collections/{id}} */
    void collection(Context ctx) {
        LayerCatalogue.Layer l = layer(ctx);
        answer(ctx, features.describe(l, base(ctx)), l.title());
    }

    /** {@code GET /ogc/features/collections/{id}/queryables}: JSON Schema of the properties filters may use. */
    void queryables(Context ctx) {
        LayerCatalogue.Layer l = layer(ctx);
        Map<String, Object> properties = new LinkedHashMap<>();
        features.queryables(Principals.of(ctx), l, dims(ctx)).forEach((name, type) -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("title", name);
            if (type.equals("date")) {
                p.put("type", "string");
                p.put("format", "date");
            } else if (!type.equals("null")) {
                p.put("type", type);
            }
            properties.put(name, p);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("$schema", "https://json-schema.org/draft/2019-09/schema");
        body.put("$id", base(ctx) + "/collections/" + l.name() + "/queryables");
        body.put("type", "object");
        body.put("title", l.title());
        body.put("properties", properties);
        answer(ctx, body, l.title() + ": queryables", "application/schema+json");
    }

    /** {@code GET /ogc/features/collections/{id}/items} */
    void items(Context ctx) {
        boolean html = format(ctx);
        LayerCatalogue.Layer l = layer(ctx);
        FeaturesService.Query q = query(ctx);
        FeaturesService.Page page = features.items(Principals.of(ctx), l, q, base(ctx));
        audit(ctx, l, page.returned());
        ctx.header("Content-Crs", "<" + FeaturesService.uri(FeaturesService.crs(q.crs(), "crs")) + ">");
        if (html) {
            html(ctx, l.title(), page.json());
            return;
        }
        ctx.contentType("application/geo+json").result(page.json());
    }

    /** {@code GET /ogc/features/collections/{id}/items/{featureId}} */
    void item(Context ctx) {
        boolean html = format(ctx);
        LayerCatalogue.Layer l = layer(ctx);
        FeaturesService.Query q = query(ctx);
        byte[] json = features.item(Principals.of(ctx), l, ctx.pathParam("featureId"), q, base(ctx));
        audit(ctx, l, 1);
        ctx.header("Content-Crs", "<" + FeaturesService.uri(FeaturesService.crs(q.crs(), "crs")) + ">");
        if (html) {
            html(ctx, l.title() + ": " + ctx.pathParam("featureId"), json);
            return;
        }
        ctx.contentType("application/geo+json").result(json);
    }

    /** The collection named in the path, or 404; a hidden one is audited as a refused map layer is. */
    private LayerCatalogue.Layer layer(Context ctx) {
        String id = ctx.pathParam("id");
        Principal who = Principals.of(ctx);
        try {
            return features.collection(who, id);
        } catch (RuntimeException e) {
            // Asked for by name and not shown: recorded against the feeds it would draw, as the WMS records it.
            features.hidden(id).ifPresent(hidden -> mapAudit.noteRefused(ctx, "ogc.features", hidden));
            throw e;
        }
    }

    /** One entry per answer that drew a restricted feed: the feeds the layer drew for this requester. */
    private void audit(Context ctx, LayerCatalogue.Layer l, int returned) {
        Map<String, String> params = new LinkedHashMap<>();
        dims(ctx).forEach((k, v) -> params.put("DIM_" + k.toUpperCase(Locale.ROOT), v));
        List<String> drawn = sources.drawn(Principals.of(ctx), l, params, access.allFeeds());
        access.audit(ctx, "ogc.features", drawn, returned);
    }

    private static Map<String, String> dims(Context ctx) {
        Map<String, String> dims = new LinkedHashMap<>();
        for (String name : List.of("run", "category", "feed")) {
            String v = ctx.queryParam(name);
            if (v != null && !v.isBlank()) {
                dims.put(name, v.strip());
            }
        }
        return dims;
    }

    private static FeaturesService.Query query(Context ctx) {
        int limit = QueryParams.integer(ctx, "limit", 1, Integer.MAX_VALUE)
                .map(n -> Math.min(n, FeaturesService.MAX_LIMIT))
                .orElse(FeaturesService.DEFAULT_LIMIT);
        int offset = QueryParams.integer(ctx, "offset", 0, Integer.MAX_VALUE).orElse(0);
        double[] bbox = null;
        String raw = ctx.queryParam("bbox");
        if (raw != null && !raw.isBlank()) {
            String[] parts = raw.split(",");
            if (parts.length != 4) {
                throw ApiException.badRequest("bbox must be four numbers, minx,miny,maxx,maxy; got '" + raw + "'");
            }
            bbox = new double[4];
            for (int i = 0; i < 4; i++) {
                try {
                    bbox[i] = Double.parseDouble(parts[i].strip());
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest("bbox value '" + parts[i] + "' is not a number");
                }
                if (!Double.isFinite(bbox[i])) {
                    throw ApiException.badRequest("bbox values must be finite numbers");
                }
            }
            if (bbox[0] > bbox[2] || bbox[1] > bbox[3]) {
                throw ApiException.badRequest("bbox must be minx,miny,maxx,maxy with min <= max; got '" + raw + "'");
            }
        }
        Map<String, String> filters = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((name, values) -> {
            if (!FeaturesService.PARAMETERS.contains(name) && !values.isEmpty()) {
                filters.put(name, values.get(0));
            }
        });
        return new FeaturesService.Query(
                limit,
                offset,
                bbox,
                blankToNull(ctx.queryParam("bbox-crs")),
                blankToNull(ctx.queryParam("datetime")),
                blankToNull(ctx.queryParam("crs")),
                dims(ctx),
                filters);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Whether HTML is asked for: {@code f=html}, or no {@code f} and a browser's Accept; other formats are 400. */
    private static boolean format(Context ctx) {
        String f = ctx.queryParam("f");
        if (f != null && !f.isBlank()) {
            return switch (f.strip().toLowerCase(Locale.ROOT)) {
                case "json", "geojson" -> false;
                case "html" -> true;
                default -> throw ApiException.badRequest("f must be json or html, not '" + f + "'");
            };
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.startsWith("text/html");
    }

    private static void answer(Context ctx, Map<String, Object> body, String title) {
        answer(ctx, body, title, "application/json");
    }

    private static void answer(Context ctx, Map<String, Object> body, String title, String type) {
        boolean html = format(ctx);
        try {
            byte[] json = JSON.writeValueAsBytes(body);
            if (html) {
                html(ctx, title, json);
            } else {
                ctx.contentType(type).result(json);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer as a plain page: its links as links, and the JSON itself, escaped. */
    private static void html(Context ctx, String title, byte[] json) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(title))
                .append("</title></head><body><h1>")
                .append(escape(title))
                .append("</h1>\n<ul>\n");
        try {
            com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(json);
            List<com.fasterxml.jackson.databind.JsonNode> links = new ArrayList<>();
            node.path("links").forEach(links::add);
            node.path("collections")
                    .forEach(c -> c.path("links").forEach(x -> {
                        if (x.path("rel").asText().equals("self")) {
                            links.add(x);
                        }
                    }));
            for (com.fasterxml.jackson.databind.JsonNode x : links) {
                String href = x.path("href").asText();
                String type = x.path("type").asText();
                if (type.equals("application/json") || type.equals("application/geo+json")) {
                    href = href + (href.contains("?") ? "&" : "?") + "f=html";
                }
                b.append("<li><a href=\"")
                        .append(escape(href))
                        .append("\">")
                        .append(escape(x.path("title").asText(x.path("rel").asText())))
                        .append("</a> (")
                        .append(escape(x.path("rel").asText()))
                        .append(")</li>\n");
            }
            b.append("</ul>\n<pre>")
                    .append(escape(JSON.writeValueAsString(node)))
                    .append("</pre></body></html>\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.contentType("text/html; charset=UTF-8").result(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** This service's root address, as the client reached it (a proxy's forwarded host and scheme when sent). */
    private static String base(Context ctx) {
        return MapHandlers.serviceUrl(ctx).replaceAll("/wms$", ROOT);
    }
}
