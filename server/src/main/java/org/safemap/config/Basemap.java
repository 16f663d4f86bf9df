package org.safemap.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One basemap the viewer's switcher offers: an XYZ tile template, or a WMS and its layers.
 *
 * @param title       the name the switcher shows ("OS Road", "Aerial 2021")
 * @param url         an XYZ template with {z}/{x}/{y}, or a WMS endpoint when {@code wmsLayers} is set
 * @param wmsLayers   the WMS LAYERS parameter; null for an XYZ basemap
 * @param attribution HTML credited on the map while the basemap is shown
 * @param maxZoom     the deepest zoom the provider serves (Leaflet zoom, 0 to 22)
 */
public record Basemap(String title, String url, String wmsLayers, String attribution, int maxZoom) {
    private static final Set<String> FIELDS = Set.of("title", "url", "wmsLayers", "attribution", "maxZoom");

    public boolean wms() {
        return wmsLayers != null;
    }

    /**
     * The switcher's list: {@code SAFEMAP_BASEMAPS} (a JSON array of objects with the fields above) when set,
     * otherwise the one basemap of {@code SAFEMAP_BASEMAP_URL}, otherwise none.
     */
    static List<Basemap> resolve(String list, String url, String attribution) {
        if (list != null && !list.isBlank()) {
            return parse(list);
        }
        if (url == null || url.isBlank()) {
            return List.of();
        }
        String title = url.equals(Settings.DEFAULT_BASEMAP_URL) ? "OpenStreetMap" : "Basemap";
        return List.of(new Basemap(title, url.trim(), null, attribution == null ? "" : attribution, 19));
    }

    static List<Basemap> parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new ConfigException("SAFEMAP_BASEMAPS is not a JSON array of basemaps: " + e.getMessage());
        }
        if (root == null || !root.isArray()) {
            throw new ConfigException("SAFEMAP_BASEMAPS must be a JSON array such as "
                    + "[{\"title\": \"OS Road\", \"url\": \"https://.../{z}/{x}/{y}.png\", \"attribution\": \"...\"}]");
        }
        List<Basemap> out = new ArrayList<>();
        for (JsonNode b : root) {
            String where = "SAFEMAP_BASEMAPS entry " + (out.size() + 1);
            if (!b.isObject()) {
                throw new ConfigException(where + " is not an object");
            }
            b.fieldNames().forEachRemaining(f -> {
                if (!FIELDS.contains(f)) {
                    throw new ConfigException(where + " has an unknown field '" + f + "'; known: " + FIELDS);
                }
            });
            String title = b.path("title").asText("").strip();
            String url = b.path("url").asText("").strip();
            String layers =
                    b.hasNonNull("wmsLayers") ? b.path("wmsLayers").asText().strip() : null;
            if (title.isEmpty() || url.isEmpty()) {
                throw new ConfigException(where + " needs a title and a url");
            }
            if (!url.startsWith("https://") && !url.startsWith("http://")) {
                throw new ConfigException(where + " (" + title + "): url must start with https:// or http://");
            }
            if (layers == null && !(url.contains("{z}") && url.contains("{x}") && url.contains("{y}"))) {
                throw new ConfigException(
                        where + " (" + title + "): an XYZ url needs {z}, {x} and {y}; " + "a WMS needs wmsLayers");
            }
            int maxZoom = b.path("maxZoom").asInt(19);
            if (maxZoom < 0 || maxZoom > 22) {
                throw new ConfigException(where + " (" + title + "): maxZoom must be 0 to 22");
            }
            if (out.stream().anyMatch(o -> o.title().equals(title))) {
                throw new ConfigException(where + ": two basemaps are called '" + title + "'");
            }
            out.add(new Basemap(title, url, layers, b.path("attribution").asText(""), maxZoom));
        }
        return List.copyOf(out);
    }
}
