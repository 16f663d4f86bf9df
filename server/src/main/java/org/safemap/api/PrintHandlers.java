package org.safemap.api;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.safemap.ErrorCode;
import org.safemap.ingest.FeedCatalog;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.LayerSources;
import org.safemap.map.WmsService;
import org.safemap.pack.ViewPrint;
import org.safemap.pack.ViewPrinter;
import org.safemap.sharing.Principal;
import org.safemap.sharing.Protocol;

/**
 * {@code GET /api/print}: the viewer's current view as an A4 PDF or a PNG ({@link ViewPrinter}). Layers are drawn as
 * the requester's GetMap would draw them; a layer they may not see is answered as no such layer and audited as a
 * refusal as a map request is, and each print of restricted feeds is audited as an export is.
 */
final class PrintHandlers {
    private final ViewPrinter printer;
    private final WmsService wms;
    private final Access access;
    private final FeedCatalog feeds;
    private final LayerSources layerSources;
    private final MapAudit audit;

    PrintHandlers(
            ViewPrinter printer,
            WmsService wms,
            Access access,
            FeedCatalog feeds,
            LayerSources layerSources,
            MapAudit audit) {
        this.printer = printer;
        this.wms = wms;
        this.access = access;
        this.feeds = feeds;
        this.layerSources = layerSources;
        this.audit = audit;
    }

    void print(Context ctx) {
        Map<String, String> params = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                params.putIfAbsent(k, v.get(0));
            }
        });
        ViewPrint print = ViewPrint.parse(params);
        Principal who = Principals.of(ctx);
        List<LayerCatalogue.Layer> layers = new ArrayList<>();
        for (String name : print.layers()) {
            LayerCatalogue.Layer layer = wms.visibleLayer(who, name);
            if (layer == null) {
                LayerCatalogue.Layer hidden = wms.catalogue().layer(name);
                if (hidden != null) {
                    audit.noteRefused(ctx, "api.print", hidden);
                }
                throw new ApiException(ErrorCode.NOT_FOUND, "no layer named " + name + "; GET /api/layers lists them");
            }
            layers.add(layer);
        }
        Set<String> drawn = new LinkedHashSet<>();
        Map<String, List<String>> credits = new HashMap<>();
        Map<String, String> notices = new HashMap<>();
        for (LayerCatalogue.Layer layer : layers) {
            List<String> feedsDrawn = layerSources.drawn(who, layer, params, access.allFeeds());
            credits.put(layer.name(), layerSources.credits(layer, feedsDrawn));
            drawn.addAll(feedsDrawn);
            // what a surface finer than a month leaves out, in the words the viewer's legend shows
            String notice =
                    layerSources.withheld(who, layer, params, access.allFeeds()).sentence(feeds::label);
            if (!notice.isEmpty()) {
                notices.put(layer.name(), notice);
            }
        }
        byte[] body = printer.print(who, print, sources(who, drawn), credits, notices, Instant.now());
        // One entry per print, as for every export; maps of open feeds only are not recorded.
        access.audit(ctx, "api.print", drawn, layers.size());
        ctx.contentType(print.format().mime())
                .header(
                        "Content-Disposition",
                        "inline; filename=\"safemap-map." + print.format().extension() + "\"")
                .header("Cache-Control", "no-store")
                .result(body);
    }

    /** One line per feed the layers draw for {@code who}: its label, partner, protocol and the level it is shown at. */
    private List<String> sources(Principal who, Set<String> drawn) {
        List<String> out = new ArrayList<>();
        for (String name : drawn) {
            Protocol p = access.policy().protocols().require(name);
            String label = feeds.find(name)
                    .map(f -> f.label() + (f.partner() == null ? "" : " (" + f.partner() + ")"))
                    .orElse(name);
            out.add(label + ": shared under " + p.title() + ", version " + p.version() + "; shown as "
                    + access.policy().level(who, name).key());
        }
        return out;
    }
}
