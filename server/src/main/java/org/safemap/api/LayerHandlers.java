package org.safemap.api;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.safemap.map.LayerCatalogue;

/** /api/layers: the layer catalogue with each layer's parsed style. */
final class LayerHandlers {
    private final LayerCatalogue catalogue;

    LayerHandlers(LayerCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    void list(Context ctx) {
        List<LayerCatalogue.Layer> layers = catalogue.layers();
        ctx.json(Map.of("layers", layers));
    }
}
