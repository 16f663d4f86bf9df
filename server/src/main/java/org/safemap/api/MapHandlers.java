package org.safemap.api;

import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.OgcException;
import org.safemap.map.TileService;
import org.safemap.map.WmsService;
import org.safemap.map.WmtsService;

/** /wms (OGC WMS 1.3.0 and 1.1.1) and /tiles/{layer}/{z}/{x}/{y}.png. */
final class MapHandlers {
    private final WmsService wms;
    private final TileService tiles;
    private final WmtsService wmts;
    private final MapAudit audit;
    private final RequestGuard guard;

    MapHandlers(WmsService wms, TileService tiles, MapAudit audit, RequestGuard guard) {
        this.wms = wms;
        this.tiles = tiles;
        this.wmts = new WmtsService(wms, tiles, wms.info());
        this.audit = audit;
        this.guard = guard;
    }

    void wms(Context ctx) {
        Map<String, String> params = new HashMap<>();
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            if (!e.getValue().isEmpty()) {
                // WMS parameter names are case-insensitive; values are not.
                params.putIfAbsent(
                        e.getKey().toUpperCase(Locale.ROOT), e.getValue().get(0));
            }
        }
        WmsService.Response r = wms.handle(params, serviceUrl(ctx), Principals.of(ctx));
        keptByTheRequesterOnly(ctx);
        capabilitiesNotStored(ctx, params);
        if (r.ogcError() != null) {
            ctx.header("X-OGC-Exception", r.ogcError());
            noteRefusedLayers(ctx, params);
        } else if (r.status() == 200) {
            noteLayers(ctx, params);
        }
        ctx.status(r.status()).contentType(r.contentType()).result(r.body());
    }

    /** WMTS in KVP: GetCapabilities and GetTile. */
    void wmts(Context ctx) {
        Map<String, String> params = new HashMap<>();
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            if (!e.getValue().isEmpty()) {
                params.putIfAbsent(
                        e.getKey().toUpperCase(Locale.ROOT), e.getValue().get(0));
            }
        }
        capabilitiesNotStored(ctx, params);
        answer(
                ctx,
                params.get("LAYER"),
                wmts.handle(
                        params,
                        serviceUrl(ctx).replaceAll("/wms$", "/wmts"),
                        Principals.of(ctx),
                        drawing -> guard.expensive(ctx, drawing)));
    }

    /**
     * Capabilities list the layers this requester may see, so no client may keep them: QGIS stores them in its network
     * cache under their address alone and reads them back for any later connection to that address whatever its
     * credentials (a signed-in connection after an anonymous one would find only the public layers; QgisIT).
     */
    private static void capabilitiesNotStored(Context ctx, Map<String, String> params) {
        if ("GetCapabilities".equalsIgnoreCase(params.get("REQUEST"))) {
            ctx.header("Cache-Control", "no-store");
        }
    }

    /**
     * Tiles may be kept for a minute. What a map shows depends on who asks, so every cache is told the answer varies
     * with the credentials, and a signed-in requester's answer is {@code private}: a shared cache (a proxy, a
     * gateway) must not hand it to anyone else, while anonymous answers, the same for all, may be shared.
     */
    private static void cacheForAMinute(Context ctx) {
        ctx.header("Cache-Control", (Principals.of(ctx).anonymous() ? "public" : "private") + ", max-age=60");
        ctx.header("Vary", "Authorization, Cookie");
    }

    /** A WMS answer for a signed-in requester is theirs alone (see {@link #cacheForAMinute}). */
    private static void keptByTheRequesterOnly(Context ctx) {
        ctx.header("Vary", "Authorization, Cookie");
        if (!Principals.of(ctx).anonymous()) {
            ctx.header("Cache-Control", "private");
        }
    }

    /**
     * A RESTful WMTS GetTile or GetFeatureInfo, {@code /wmts/{layer}/<rest>}: how many segments the rest has and
     * what they mean depends on the layer's dimensions, which {@link WmtsService#rest} reads.
     */
    void wmtsRest(Context ctx) {
        Map<String, String> query = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                query.putIfAbsent(k.toUpperCase(Locale.ROOT), v.get(0));
            }
        });
        String layer = ctx.pathParam("layer");
        answer(
                ctx,
                layer,
                wmts.rest(
                        layer,
                        List.of(ctx.pathParam("rest").split("/", -1)),
                        query,
                        Principals.of(ctx),
                        drawing -> guard.expensive(ctx, drawing)));
    }

    private void answer(Context ctx, String layerName, WmtsService.Response r) {
        if (r.status() == 200 && r.etag() == null && layerName != null) {
            // GetFeatureInfo: audited as a tile is, and the requester's alone as a WMS answer is
            LayerCatalogue.Layer layer = wms.visibleLayer(Principals.of(ctx), layerName);
            if (layer != null) {
                audit.note(ctx, "wmts", layer);
            }
            keptByTheRequesterOnly(ctx);
        } else if (r.etag() != null) {
            LayerCatalogue.Layer layer = wms.visibleLayer(Principals.of(ctx), layerName);
            if (layer != null) {
                audit.note(ctx, "wmts", layer);
            }
            ctx.header("ETag", r.etag());
            cacheForAMinute(ctx);
            if (r.etag().equals(ctx.header("If-None-Match"))) {
                ctx.status(304);
                return;
            }
        } else if (layerName != null && wms.visibleLayer(Principals.of(ctx), layerName) == null) {
            LayerCatalogue.Layer hidden = wms.catalogue().layer(layerName);
            if (hidden != null) {
                audit.noteRefused(ctx, "wmts", hidden);
            }
        }
        ctx.status(r.status()).contentType(r.contentType()).result(r.body());
    }

    void tile(Context ctx) {
        String file = ctx.pathParam("file");
        if (!file.endsWith(".png")) {
            throw new ApiException(ErrorCode.NOT_FOUND, "tiles are served as {y}.png");
        }
        int z = coordinate(ctx.pathParam("z"), "z");
        int x = coordinate(ctx.pathParam("x"), "x");
        int y = coordinate(file.substring(0, file.length() - 4), "y");
        Map<String, String> query = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                query.putIfAbsent(k, v.get(0));
            }
        });
        String layer = ctx.pathParam("layer");
        try {
            // A layer this principal may not see gets the very answer an unknown layer gets.
            if (wms.visibleLayer(Principals.of(ctx), layer) == null) {
                LayerCatalogue.Layer hidden = wms.catalogue().layer(layer);
                if (hidden != null) {
                    audit.noteRefused(ctx, "tiles", hidden);
                }
                throw new ApiException(ErrorCode.NOT_FOUND, "no layer named " + layer + "; GET /api/layers lists them");
            }
            TileService.Prepared prepared = tiles.prepare(layer, z, x, y, query, Principals.of(ctx));
            audit.note(ctx, "tiles", wms.visibleLayer(Principals.of(ctx), layer));
            ctx.header("ETag", prepared.etag());
            cacheForAMinute(ctx);
            if (prepared.etag().equals(ctx.header("If-None-Match"))) {
                ctx.status(304);
                return;
            }
            // A tile in the cache costs nothing; one to draw waits for an expensive request's slot.
            TileService.Tile tile =
                    tiles.cached(prepared).orElseGet(() -> guard.expensive(ctx, () -> tiles.tile(prepared)));
            ctx.contentType("image/png").result(tile.png());
        } catch (OgcException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
    }

    /** GetMap and GetFeatureInfo answers name their layers; each restricted one is audited. */
    private void noteLayers(Context ctx, Map<String, String> params) {
        String request = params.getOrDefault("REQUEST", "");
        String names = request.equalsIgnoreCase("GetMap")
                ? params.get("LAYERS")
                : request.equalsIgnoreCase("GetFeatureInfo") ? params.get("QUERY_LAYERS") : null;
        if (names == null) {
            return;
        }
        String action = request.equalsIgnoreCase("GetMap") ? "wms.getmap" : "wms.getfeatureinfo";
        for (String name : names.split(",")) {
            LayerCatalogue.Layer layer = wms.visibleLayer(Principals.of(ctx), name.strip());
            if (layer != null) {
                audit.note(ctx, action, layer);
            }
        }
    }

    /**
     * A WMS request refused with layers that exist but are not shown to the asker (answered LayerNotDefined, as for
     * no such layer): each is audited as a refusal against the feeds it would draw.
     */
    private void noteRefusedLayers(Context ctx, Map<String, String> params) {
        String request =
                params.getOrDefault("REQUEST", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "");
        String action = request.isEmpty() ? "wms" : "wms." + request.substring(0, Math.min(request.length(), 40));
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (String key : List.of("LAYERS", "QUERY_LAYERS", "LAYER")) {
            String v = params.get(key);
            if (v != null) {
                for (String n : v.split(",")) {
                    names.add(n.strip());
                }
            }
        }
        for (String name : names) {
            LayerCatalogue.Layer layer = wms.catalogue().layer(name);
            if (layer != null && wms.visibleLayer(Principals.of(ctx), name) == null) {
                audit.noteRefused(ctx, action, layer);
            }
        }
    }

    void stats(Context ctx) {
        ctx.json(Map.of("tiles", tiles.stats(), "dataVersion", wms.state().version()));
    }

    /** After a load or a run in this process: maps show it at the next request. */
    void changed(Context ctx) {
        if (!ctx.method().name().equals("GET")) {
            wms.invalidate();
        }
    }

    private static int coordinate(String text, String name) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "tile " + name + " '" + text + "' is not a whole number");
        }
    }

    /** This service's address as the client reached it (behind a proxy, as the proxy says). */
    static String serviceUrl(Context ctx) {
        String proto = ctx.header("X-Forwarded-Proto");
        String host = ctx.header("X-Forwarded-Host");
        if (proto == null || !proto.matches("https?")) {
            proto = ctx.scheme();
        }
        if (host == null || !host.matches("[A-Za-z0-9.:\\[\\]-]+")) {
            host = ctx.host() == null ? "localhost" : ctx.host();
        }
        return proto + "://" + host + "/wms";
    }
}
