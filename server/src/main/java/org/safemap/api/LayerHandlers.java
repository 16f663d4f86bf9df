package org.safemap.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.ingest.FeedCatalog;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.LayerSources;
import org.safemap.map.RunAreasKind;
import org.safemap.map.Withheld;
import org.safemap.map.WmsService;
import org.safemap.sharing.Principal;
import org.safemap.sharing.Protocol;

/**
 * /api/layers: the layers the requester may see (the rule WMS capabilities follow), each with its parsed style and
 * the sources it draws on for this requester: feed, partner, the protocol it is shared under and at which level.
 */
final class LayerHandlers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WmsService wms;
    private final Access access;
    private final FeedCatalog feeds;
    private final LayerSources layerSources;

    LayerHandlers(WmsService wms, Access access, FeedCatalog feeds, LayerSources layerSources) {
        this.wms = wms;
        this.access = access;
        this.feeds = feeds;
        this.layerSources = layerSources;
    }

    void list(Context ctx) {
        Principal who = Principals.of(ctx);
        ArrayNode out = JSON.createArrayNode();
        for (LayerCatalogue.Layer layer : wms.visibleLayers(who)) {
            ObjectNode node = JSON.valueToTree(layer);
            List<String> drawn = layerSources.drawn(who, layer, Map.of(), access.allFeeds());
            node.set("sources", sources(who, drawn));
            // what the viewer credits under the map while the layer is shown: the feeds it draws for this requester,
            // as the print does, not the catalogue's sentence naming every feed the layer could draw for anyone
            ArrayNode credits = node.putArray("credits");
            layerSources.credits(layer, drawn).forEach(credits::add);
            if (layer.kind().timed()) {
                // whether TIME may be a run of days, or only whole months (the viewer sends such layers the months)
                node.put("days", layer.kind().drawsDays());
            }
            // Where the layer can draw anything at all (west, south, east, north), so the viewer asks for no tile that
            // must be empty; absent when not known.
            layer.kind().reachMetres(layer).ifPresent(reach -> {
                double[] b = wms.state().lonLatBounds(reach);
                if (b != null) {
                    // rounded outwards, so the box never shrinks
                    node.putArray("bounds")
                            .add(Math.floor(b[0] * 1e6) / 1e6)
                            .add(Math.floor(b[1] * 1e6) / 1e6)
                            .add(Math.ceil(b[2] * 1e6) / 1e6)
                            .add(Math.ceil(b[3] * 1e6) / 1e6);
                }
            });
            if (layer.kind() instanceof RunAreasKind) {
                // The runs a run layer can draw, the default first: the viewer pins one, so the layer keeps its
                // meaning when someone else ranks hot spots.
                ArrayNode runs = node.putArray("runs");
                wms.runTitles(layer)
                        .forEach((id, title) -> runs.addObject().put("id", id).put("title", title));
            }
            out.add(node);
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("layers", out);
        ctx.contentType("application/json").result(body.toString());
    }

    /**
     * {@code GET /api/layers/{name}/withheld}: the feeds the layer leaves out for the requester with the dimensions
     * given as its tiles take them (time, category, feed, hours, weekdays, baseline), because the selection is finer
     * than those feeds are published at, and the legend's sentence saying so. The map service decides; the viewer
     * shows the words.
     */
    void withheld(Context ctx) {
        Principal who = Principals.of(ctx);
        LayerCatalogue.Layer layer = wms.visibleLayer(who, ctx.pathParam("name"));
        if (layer == null) {
            throw new ApiException(
                    ErrorCode.NOT_FOUND, "no layer named " + ctx.pathParam("name") + "; GET /api/layers lists them");
        }
        Map<String, String> params = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                params.putIfAbsent(k, v.get(0));
            }
        });
        Withheld w = layerSources.withheld(who, layer, params, access.allFeeds());
        ObjectNode body = JSON.createObjectNode();
        body.put("layer", layer.name());
        ArrayNode list = body.putArray("feeds");
        w.feeds().forEach(f -> list.addObject().put("feed", f).put("label", feeds.label(f)));
        if (!w.feeds().isEmpty()) {
            body.put("notice", w.sentence(feeds::label));
        }
        ctx.contentType("application/json").result(body.toString());
    }

    /**
     * The feeds a layer draws for {@code who} (those whose categories reach the layer's, {@link LayerSources}), each
     * with its protocol and the level it is shown at. Boundary and deprivation layers draw none.
     */
    private ArrayNode sources(Principal who, List<String> drawn) {
        ArrayNode out = JSON.createArrayNode();
        for (String name : drawn) {
            Protocol p = access.policy().protocols().require(name);
            ObjectNode s = out.addObject();
            s.put("feed", name);
            feeds.find(name).ifPresent(f -> s.put("label", f.label()).put("partner", f.partner()));
            s.put("protocol", p.title());
            s.put("protocolVersion", p.version());
            s.put("level", access.policy().level(who, name).key());
        }
        return out;
    }
}
