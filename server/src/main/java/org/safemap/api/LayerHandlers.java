package org.safemap.api;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.WmsService;

/** /api/layers: the layers the requester may see (the rule WMS capabilities follow), each with its parsed style. */
final class LayerHandlers {
    private final WmsService wms;

    LayerHandlers(WmsService wms) {
        this.wms = wms;
    }

    void list(Context ctx) {
        List<LayerCatalogue.Layer> layers = wms.visibleLayers(Principals.of(ctx));
        ctx.json(Map.of("layers", layers));
    }
}
