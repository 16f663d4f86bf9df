package org.safemap.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.map.LayerCatalogue;

/**
 * The GeoServer REST requests that publish SafeMap's layers, in the order GeoServer needs them: the workspace, the
 * PostGIS datastore over schema {@code geoserver}, the SLD styles, a feature type per layer (which creates the
 * layer), each layer's default and other styles and attribution, and one layer group; then, when asked, a GeoTIFF
 * coverage store, coverage and layer per published run surface ({@link RunSurfaces}). Bodies are GeoServer's JSON
 * representations, except styles, which go as SLD 1.0 ({@code application/vnd.ogc.sld+xml}).
 */
public final class GeoServerPlan {
    static final String JSON_TYPE = "application/json";
    static final String SLD_TYPE = "application/vnd.ogc.sld+xml";
    /** The datastore and the layer group carry this name inside the workspace. */
    public static final String STORE = "safemap";

    private static final ObjectMapper JSON = new ObjectMapper();

    private GeoServerPlan() {}

    /**
     * @param workspace   the workspace
     * @param db          how GeoServer reaches PostGIS
     * @param layers      the layers to publish, in catalogue order
     * @param attribution each layer's attribution, plain text, by layer name
     */
    public static List<Upsert> build(
            String workspace, DatastoreParams db, List<PublishedLayer> layers, Map<String, String> attribution) {
        return build(workspace, db, layers, attribution, Surfaces.NONE);
    }

    /**
     * Run surfaces to publish as GeoTIFF coverages.
     *
     * @param published the surfaces (their files already written)
     * @param folderUrl the folder holding the files as GeoServer sees it, e.g. {@code file:/opt/geoserver_data/x}
     * @param style     the raster style they are drawn with (the density layers' own)
     * @param attribution their attribution, plain text
     */
    public record Surfaces(
            List<RunSurfaces.Published> published, String folderUrl, LayerCatalogue.Style style, String attribution) {
        public static final Surfaces NONE = new Surfaces(List.of(), "", null, "");
    }

    public static List<Upsert> build(
            String workspace,
            DatastoreParams db,
            List<PublishedLayer> layers,
            Map<String, String> attribution,
            Surfaces surfaces) {
        List<Upsert> plan = new ArrayList<>();
        String ws = "workspaces/" + workspace;
        ObjectNode w = JSON.createObjectNode();
        w.putObject("workspace").put("name", workspace);
        plan.add(new Upsert(
                "workspace",
                workspace,
                ws,
                "workspaces",
                "",
                "",
                false,
                JSON_TYPE,
                bytes(w),
                "workspace '" + workspace + "'"));

        plan.add(new Upsert(
                "datastore",
                STORE,
                ws + "/datastores/" + STORE,
                ws + "/datastores",
                "",
                "",
                true,
                JSON_TYPE,
                bytes(datastore(db)),
                "PostGIS datastore '" + STORE + "': " + db.description() + ", schema " + DatastoreParams.SCHEMA
                        + ", user " + db.user() + ", password ***"));

        Map<String, LayerCatalogue.Style> styles = new LinkedHashMap<>();
        for (PublishedLayer l : layers) {
            for (LayerCatalogue.Style s : l.layer().styles()) {
                styles.putIfAbsent(s.style().name(), s);
            }
        }
        if (!surfaces.published().isEmpty()) {
            styles.putIfAbsent(surfaces.style().style().name(), surfaces.style());
        }
        for (LayerCatalogue.Style s : styles.values()) {
            String name = s.style().name();
            if (!name.matches(GeoServerConnection.NAME)) {
                throw new SafemapException(
                        ErrorCode.BAD_CATALOGUE,
                        "style '" + name + "' in layers/" + s.path() + " is not a name GeoServer accepts");
            }
            byte[] sld = sld(s.path());
            plan.add(new Upsert(
                    "style",
                    name,
                    ws + "/styles/" + name,
                    ws + "/styles",
                    "name=" + URLEncoder.encode(name, StandardCharsets.UTF_8),
                    "",
                    true,
                    SLD_TYPE,
                    sld,
                    "SLD 1.0 layers/" + s.path() + " (" + sld.length + " bytes)"));
        }

        String fts = ws + "/datastores/" + STORE + "/featuretypes";
        for (PublishedLayer l : layers) {
            plan.add(new Upsert(
                    "featuretype",
                    l.name(),
                    fts + "/" + l.name(),
                    fts,
                    "",
                    "recalculate=nativebbox,latlonbbox",
                    true,
                    JSON_TYPE,
                    bytes(featureType(l)),
                    "feature type '" + l.name() + "' over "
                            + (l.sqlView().isPresent()
                                    ? "an SQL view of " + DatastoreParams.SCHEMA + ".hotspot_results (parameter run)"
                                    : DatastoreParams.SCHEMA + "." + l.nativeName())
                            + l.timeAttribute()
                                    .map(t -> ", TIME dimension on " + t)
                                    .orElse("")
                            + ", EPSG:27700"));
        }
        for (PublishedLayer l : layers) {
            plan.add(new Upsert(
                    "layer",
                    l.name(),
                    ws + "/layers/" + l.name(),
                    null,
                    "",
                    "",
                    true,
                    JSON_TYPE,
                    bytes(layer(workspace, l, attribution.getOrDefault(l.name(), ""))),
                    "layer '" + l.name() + "': default style "
                            + l.layer().style().name() + ", styles "
                            + String.join(
                                    ", ",
                                    l.layer().styles().stream()
                                            .map(s -> s.style().name())
                                            .toList())));
        }
        if (!layers.isEmpty()) {
            plan.add(new Upsert(
                    "layergroup",
                    STORE,
                    ws + "/layergroups/" + STORE,
                    ws + "/layergroups",
                    "",
                    "",
                    true,
                    JSON_TYPE,
                    bytes(layerGroup(workspace, layers)),
                    "layer group '" + STORE + "' of "
                            + String.join(
                                    ", ",
                                    groupOrder(layers).stream()
                                            .map(PublishedLayer::name)
                                            .toList())));
        }
        for (RunSurfaces.Published s : surfaces.published()) {
            String cs = ws + "/coveragestores/" + s.name();
            String url = surfaces.folderUrl().replaceAll("/+$", "") + "/" + s.file();
            plan.add(new Upsert(
                    "coveragestore",
                    s.name(),
                    cs,
                    ws + "/coveragestores",
                    "",
                    "",
                    true,
                    JSON_TYPE,
                    bytes(coverageStore(workspace, s, url)),
                    "GeoTIFF coverage store '" + s.name() + "' at " + url));
            plan.add(new Upsert(
                    "coverage",
                    s.name(),
                    cs + "/coverages/" + s.name(),
                    cs + "/coverages",
                    "",
                    "",
                    true,
                    JSON_TYPE,
                    bytes(coverage(s, surfaces.attribution())),
                    "coverage '" + s.name() + "': " + s.title() + ", EPSG:27700"));
            plan.add(new Upsert(
                    "layer",
                    s.name(),
                    ws + "/layers/" + s.name(),
                    null,
                    "",
                    "",
                    true,
                    JSON_TYPE,
                    bytes(surfaceLayer(workspace, s, surfaces)),
                    "layer '" + s.name() + "': default style "
                            + surfaces.style().style().name()));
        }
        return plan;
    }

    private static ObjectNode coverageStore(String workspace, RunSurfaces.Published s, String url) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode cs = root.putObject("coverageStore");
        cs.put("name", s.name());
        cs.put(
                "description",
                "Density surface of SafeMap hotspot run " + s.runId() + ", written by safemap publish " + "geoserver");
        cs.put("type", "GeoTIFF");
        cs.put("enabled", true);
        cs.putObject("workspace").put("name", workspace);
        cs.put("url", url);
        return root;
    }

    private static ObjectNode coverage(RunSurfaces.Published s, String attribution) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode c = root.putObject("coverage");
        c.put("name", s.name());
        c.put("nativeName", s.file().replaceAll("\\.tif$", ""));
        c.put("title", s.title());
        c.put(
                "abstract",
                s.title() + ". Values are the run's kernel density over its period divided by its "
                        + String.format(java.util.Locale.ROOT, "%.2f", s.months())
                        + " months, so the density style colours "
                        + "them as SafeMap's own density layers. " + attribution);
        c.putObject("keywords").putArray("string").add("SafeMap").add("density").add("disclosure:public");
        c.put("nativeCRS", "EPSG:27700");
        c.put("srs", "EPSG:27700");
        c.put("projectionPolicy", "FORCE_DECLARED");
        c.put("enabled", true);
        return root;
    }

    private static ObjectNode surfaceLayer(String workspace, RunSurfaces.Published s, Surfaces surfaces) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode layer = root.putObject("layer");
        layer.put("name", s.name());
        layer.putObject("defaultStyle")
                .put("name", workspace + ":" + surfaces.style().style().name());
        layer.put("queryable", true);
        ObjectNode a = layer.putObject("attribution");
        a.put("title", surfaces.attribution());
        a.put("logoWidth", 0);
        a.put("logoHeight", 0);
        return root;
    }

    private static ObjectNode datastore(DatastoreParams db) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode ds = root.putObject("dataStore");
        ds.put("name", STORE);
        ds.put(
                "description",
                "SafeMap's per-area views (schema " + DatastoreParams.SCHEMA + "), published by "
                        + "safemap publish geoserver");
        ds.put("type", "PostGIS");
        ds.put("enabled", true);
        ArrayNode entries = ds.putObject("connectionParameters").putArray("entry");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dbtype", "postgis");
        p.put("host", db.host());
        p.put("port", String.valueOf(db.port()));
        p.put("database", db.database());
        p.put("schema", DatastoreParams.SCHEMA);
        p.put("user", db.user());
        p.put("passwd", db.password() == null ? "" : db.password());
        p.put("Expose primary keys", "true");
        p.put("validate connections", "true");
        p.put("Loose bbox", "true");
        p.put("Estimated extends", "false");
        p.put("encode functions", "true");
        p.forEach((k, v) -> entries.addObject().put("@key", k).put("$", v));
        return root;
    }

    private static ObjectNode featureType(PublishedLayer l) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode ft = root.putObject("featureType");
        ft.put("name", l.name());
        ft.put("nativeName", l.nativeName());
        ft.put("title", l.layer().title());
        ft.put("abstract", l.layer().abstractText());
        ft.putObject("keywords")
                .putArray("string")
                .add("SafeMap")
                .add(l.layer().kind().code())
                .add("disclosure:" + l.layer().disclosure());
        ft.put("nativeCRS", "EPSG:27700");
        ft.put("srs", "EPSG:27700");
        ft.put("projectionPolicy", "FORCE_DECLARED");
        ft.put("enabled", true);
        ArrayNode metadata = ft.putObject("metadata").putArray("entry");
        l.timeAttribute().ifPresent(attribute -> {
            ObjectNode time = metadata.addObject().put("@key", "time").putObject("dimensionInfo");
            time.put("enabled", true);
            time.put("attribute", attribute);
            time.put("presentation", "LIST");
            time.put("units", "ISO8601");
            time.putObject("defaultValue").put("strategy", "MAXIMUM");
        });
        l.sqlView().ifPresent(v -> {
            ObjectNode vt =
                    metadata.addObject().put("@key", "JDBC_VIRTUAL_TABLE").putObject("virtualTable");
            vt.put("name", l.nativeName());
            vt.put("sql", v.sql());
            vt.put("escapeSql", false);
            vt.put("keyColumn", v.keyColumn());
            vt.putObject("geometry")
                    .put("name", v.geometry().name())
                    .put("type", v.geometry().type())
                    .put("srid", v.geometry().srid());
            ArrayNode params = vt.putArray("parameter");
            for (PublishedLayer.Parameter p : v.parameters()) {
                params.addObject()
                        .put("name", p.name())
                        .put("defaultValue", p.defaultValue())
                        .put("regexpValidator", p.regexpValidator());
            }
        });
        return root;
    }

    private static ObjectNode layer(String workspace, PublishedLayer l, String attribution) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode layer = root.putObject("layer");
        layer.put("name", l.name());
        layer.putObject("defaultStyle")
                .put("name", workspace + ":" + l.layer().style().name());
        ArrayNode styles = layer.putObject("styles").putArray("style");
        for (LayerCatalogue.Style s :
                l.layer().styles().subList(1, l.layer().styles().size())) {
            styles.addObject().put("name", workspace + ":" + s.style().name());
        }
        layer.put("queryable", l.layer().queryable());
        ObjectNode a = layer.putObject("attribution");
        a.put("title", attribution);
        a.put("logoWidth", 0);
        a.put("logoHeight", 0);
        return root;
    }

    private static ObjectNode layerGroup(String workspace, List<PublishedLayer> layers) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode g = root.putObject("layerGroup");
        g.put("name", STORE);
        g.put("mode", "SINGLE");
        g.put("title", "SafeMap");
        g.put("abstractTxt", "SafeMap's published layers, drawn in this order (boundaries on top).");
        g.putObject("workspace").put("name", workspace);
        ArrayNode published = g.putObject("publishables").putArray("published");
        ArrayNode styles = g.putObject("styles").putArray("style");
        for (PublishedLayer l : groupOrder(layers)) {
            published.addObject().put("@type", "layer").put("name", workspace + ":" + l.name());
            styles.addObject().put("name", workspace + ":" + l.layer().style().name());
        }
        return root;
    }

    /** Filled areas first, boundaries last, so outlines draw over fills. */
    static List<PublishedLayer> groupOrder(List<PublishedLayer> layers) {
        List<PublishedLayer> out = new ArrayList<>();
        layers.stream()
                .filter(l -> !(l.layer().kind() instanceof org.safemap.map.AreasKind))
                .forEach(out::add);
        layers.stream()
                .filter(l -> l.layer().kind() instanceof org.safemap.map.AreasKind)
                .forEach(out::add);
        return out;
    }

    private static byte[] sld(String path) {
        try (InputStream in = GeoServerPlan.class.getClassLoader().getResourceAsStream("org/safemap/layers/" + path)) {
            if (in == null) {
                throw new SafemapException(ErrorCode.BAD_CATALOGUE, "layers/" + path + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
