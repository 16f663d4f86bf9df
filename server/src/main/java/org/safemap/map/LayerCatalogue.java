package org.safemap.map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * The declarative list of layers (layers/catalogue.json) with each layer's SLD style, read once from the
 * classpath. The viewer, the map service and the GeoServer publisher all start from this one list.
 *
 * <p>A style file is parsed when a style is first asked for, once however many layers name it: a command draws few
 * of the catalogue's layers (a pack two of 23), and parsing all 12 files for 34 styles was a noticeable part of a cold
 * command's start. The server parses them all as it starts ({@link #parseStyles}), so a broken file still stops it
 * there.
 */
public final class LayerCatalogue {
    private static final String ROOT = "org/safemap/layers/";

    /**
     * One layer.
     *
     * @param name         identifier used in URLs and as the WMS layer name
     * @param title        human title
     * @param abstractText one-paragraph description
     * @param kind         what the layer is and how it is drawn ({@link LayerKind}): areas (boundaries), points
     *                     (incidents), density (a kernel density surface), area-counts (incidents per area for the
     *                     period), run-areas (a stored hotspot or emerging run's per-area results), deprivation (IMD
     *                     deciles)
     * @param api          the JSON/GeoJSON endpoint serving its features to the viewer, or empty
     * @param params       fixed query parameters for that endpoint
     * @param source       what the layer draws from: level, groups, feeds, kernel, bandwidthMetres, runKind
     * @param styles       its SLD styles, the default first
     * @param attribution  sources and licences, HTML
     * @param disclosure   the lowest audience allowed to see it (public, partner, owner)
     * @param queryable    answers GetFeatureInfo
     * @param visible      shown when the viewer opens
     */
    public record Layer(
            String name,
            String title,
            String abstractText,
            LayerKind kind,
            String api,
            Map<String, String> params,
            Source source,
            List<Style> styles,
            String attribution,
            String disclosure,
            boolean queryable,
            boolean visible) {
        /** The default style (the viewer reads it). */
        @JsonProperty("style")
        public SldStyle style() {
            return styles.get(0).style();
        }

        /** The default style's file. */
        public String stylePath() {
            return styles.get(0).path();
        }

        /** The style of that name, or null. */
        public Style style(String name) {
            for (Style s : styles) {
                if (s.style().name().equals(name)) {
                    return s;
                }
            }
            return null;
        }

        /**
         * The attribution as plain text, for places that are not HTML (capabilities, PDF and PNG prints, packs,
         * GeoServer): tags dropped, the entities the catalogue uses decoded, white space collapsed.
         */
        public String attributionText() {
            return attribution == null
                    ? ""
                    : attribution
                            .replaceAll("<[^>]*>", "")
                            .replace("&copy;", "\u00a9")
                            .replace("&lt;", "<")
                            .replace("&gt;", ">")
                            .replace("&quot;", "\"")
                            .replace("&nbsp;", " ")
                            .replace("&amp;", "&")
                            .replaceAll("\\s+", " ")
                            .strip();
        }
    }

    /**
     * A named style and the SLD file it comes from, parsed on first use and then kept (thread-safe). Equal when the
     * file is: a build ships one content per path.
     */
    @JsonPropertyOrder({"path", "style"})
    public static final class Style {
        private final String path;
        private volatile SldStyle style;

        Style(String path) {
            this.path = path;
        }

        /** The file, relative to layers/ ("styles/density.sld"). */
        @JsonProperty("path")
        public String path() {
            return path;
        }

        /**
         * The parsed style, read from its file on the first call.
         *
         * @throws SafemapException (bad_catalogue) when the file is missing or not a style SafeMap reads
         */
        @JsonProperty("style")
        public SldStyle style() {
            SldStyle s = style;
            if (s == null) {
                synchronized (this) {
                    s = style;
                    if (s == null) {
                        s = parse(path);
                        style = s;
                    }
                }
            }
            return s;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Style other && other.path.equals(path);
        }

        @Override
        public int hashCode() {
            return path.hashCode();
        }

        @Override
        public String toString() {
            return "Style[path=" + path + "]";
        }
    }

    /**
     * @param level           area level (lsoa, msoa, ward, lad) for area kinds
     * @param groups          category groups drawn (empty: all)
     * @param feeds           feeds drawn (empty: all)
     * @param kernel          density kernel
     * @param bandwidthMetres density bandwidth
     * @param runKind         hotspots or emerging, for run-areas
     */
    public record Source(
            String level,
            List<String> groups,
            List<String> feeds,
            String kernel,
            double bandwidthMetres,
            String runKind) {}

    private final List<Layer> layers;

    private LayerCatalogue(List<Layer> layers) {
        this.layers = layers;
    }

    public static LayerCatalogue load() {
        JsonNode root;
        try (InputStream in = resource("catalogue.json")) {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new SafemapException(
                    ErrorCode.BAD_CATALOGUE, "cannot read the layer catalogue: " + e.getMessage(), e);
        }
        List<Layer> layers = new ArrayList<>();
        Map<String, Style> files = new HashMap<>();
        for (JsonNode l : root.path("layers")) {
            String name = required(l, "name", "(unnamed)");
            String code = required(l, "kind", name);
            LayerKind kind = LayerKind.parse(code);
            if (kind == null) {
                throw new SafemapException(
                        ErrorCode.BAD_CATALOGUE,
                        "layer " + name + " in layers/catalogue.json has kind '" + code + "'; expected one of "
                                + String.join(
                                        ", ",
                                        new java.util.TreeSet<>(LayerKind.ALL.stream()
                                                .map(LayerKind::code)
                                                .toList())));
            }
            List<Style> styles = new ArrayList<>();
            for (JsonNode path : l.path("styles")) {
                styles.add(files.computeIfAbsent(path.asText(), Style::new));
            }
            if (styles.isEmpty()) {
                throw new SafemapException(
                        ErrorCode.BAD_CATALOGUE, "layer " + name + " in layers/catalogue.json has no styles");
            }
            JsonNode src = l.path("source");
            Map<String, String> params = new LinkedHashMap<>();
            src.path("params")
                    .fields()
                    .forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
            Source source = new Source(
                    src.path("level").asText("lsoa"),
                    strings(src.path("groups")),
                    strings(src.path("feeds")),
                    src.path("kernel").asText("quartic"),
                    src.path("bandwidthMetres").asDouble(250),
                    src.path("runKind").asText("hotspots"));
            layers.add(new Layer(
                    name,
                    required(l, "title", name),
                    l.path("abstract").asText(""),
                    kind,
                    src.path("api").asText(""),
                    Map.copyOf(params),
                    source,
                    List.copyOf(styles),
                    l.path("attribution").asText(""),
                    required(l, "disclosure", name),
                    l.path("queryable").asBoolean(true),
                    l.path("visible").asBoolean(false)));
        }
        return new LayerCatalogue(List.copyOf(layers));
    }

    public List<Layer> layers() {
        return layers;
    }

    /** The layer of that name, or null. */
    public Layer layer(String name) {
        for (Layer l : layers) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    /** Parses every layer's styles now (the server, as it starts: a broken file stops it there, not in a request). */
    public void parseStyles() {
        for (Layer l : layers) {
            for (Style s : l.styles()) {
                s.style();
            }
        }
    }

    private static SldStyle parse(String path) {
        try (InputStream in = resource(path)) {
            return SldReader.read(in, "layers/" + path);
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.BAD_CATALOGUE, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    private static String required(JsonNode layer, String field, String name) {
        String value = layer.path(field).asText("");
        if (value.isBlank()) {
            throw new SafemapException(
                    ErrorCode.BAD_CATALOGUE, "layer " + name + " in layers/catalogue.json has no " + field);
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
