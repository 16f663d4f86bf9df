package org.safemap.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.SafemapException;

/**
 * The declarative list of layers (layers/catalogue.json) with each layer's SLD style, read once from the
 * classpath. The viewer, the map service and the GeoServer publisher all start from this one list.
 */
public final class LayerCatalogue {
    private static final String ROOT = "org/safemap/layers/";

    /**
     * One layer.
     *
     * @param name        identifier used in URLs
     * @param title       human title
     * @param abstractText one-paragraph description
     * @param kind        areas, points (later: surface)
     * @param api         the JSON/GeoJSON endpoint serving its features
     * @param params      fixed query parameters for that endpoint
     * @param stylePath   SLD file inside layers/
     * @param style       the parsed style
     * @param attribution sources and licences, HTML
     * @param disclosure  the lowest audience allowed to see it (public, partner, owner)
     * @param visible     shown when the viewer opens
     */
    public record Layer(String name, String title, String abstractText, String kind, String api,
                        Map<String, String> params, String stylePath, SldStyle style, String attribution,
                        String disclosure, boolean visible) {
    }

    private final List<Layer> layers;

    private LayerCatalogue(List<Layer> layers) {
        this.layers = layers;
    }

    public static LayerCatalogue load() {
        JsonNode root;
        try (InputStream in = resource("catalogue.json")) {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new SafemapException("bad_catalogue", "cannot read the layer catalogue: " + e.getMessage(), e);
        }
        List<Layer> layers = new ArrayList<>();
        for (JsonNode l : root.path("layers")) {
            String name = required(l, "name", "(unnamed)");
            String stylePath = required(l, "style", name);
            SldStyle style;
            try (InputStream in = resource(stylePath)) {
                style = SldReader.read(in, "layers/" + stylePath);
            } catch (IOException e) {
                throw new SafemapException("bad_catalogue", "cannot read " + stylePath + ": " + e.getMessage(), e);
            }
            Map<String, String> params = new LinkedHashMap<>();
            l.path("source").path("params").fields().forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
            layers.add(new Layer(name, required(l, "title", name), l.path("abstract").asText(""),
                    required(l, "kind", name), l.path("source").path("api").asText(), Map.copyOf(params), stylePath,
                    style, l.path("attribution").asText(""), required(l, "disclosure", name),
                    l.path("visible").asBoolean(false)));
        }
        return new LayerCatalogue(List.copyOf(layers));
    }

    public List<Layer> layers() {
        return layers;
    }

    private static String required(JsonNode layer, String field, String name) {
        String value = layer.path(field).asText("");
        if (value.isBlank()) {
            throw new SafemapException("bad_catalogue", "layer " + name + " in layers/catalogue.json has no " + field);
        }
        return value;
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = LayerCatalogue.class.getClassLoader().getResourceAsStream(ROOT + path);
        if (in == null) {
            throw new IOException("layers/" + path + " is missing from the build");
        }
        return in;
    }
}
