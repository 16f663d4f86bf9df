package org.safemap.map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.locationtech.jts.densify.Densifier;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.geo.Crs;
import org.safemap.sharing.Principal;

/**
 * OGC API - Features (Part 1 Core with GeoJSON, Part 2 CRS by reference) over the map's area layers: boundaries,
 * the protected count tables, deprivation and stored runs' results, one collection per catalogue layer of areas the
 * requester may see. A feature is an area, its properties exactly what the layer's GetFeatureInfo answers (the kind's
 * own values for the requester's view: suppressed counts stay suppressed, a run read from a feed seen below points
 * gives classes only), so a GIS cannot learn from features anything the map does not show. Never incident points.
 *
 * <p>Outlines are the boundaries as loaded, cached per data version and CRS ({@link LayerData#shapes}); a page is a
 * walk over the level's areas in code order with the filters, so its cost is the page's JSON. Thread-safe.
 */
public final class FeaturesService {
    /** OGC's URI of WGS84 longitude/latitude, the default CRS of every collection. */
    public static final String CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    private static final String EPSG = "http://www.opengis.net/def/crs/EPSG/0/";
    /** The CRSs features are served in, by URI: CRS84 first (the default), then the store's, then web tiles'. */
    public static final Map<String, Crs> CRSS =
            Map.of(CRS84, Crs.WGS84, EPSG + "27700", Crs.BNG, EPSG + "3857", Crs.WEB_MERCATOR);

    public static final List<String> CRS_LIST = List.of(CRS84, EPSG + "27700", EPSG + "3857");
    /** Largest page; the default is {@link #DEFAULT_LIMIT}. */
    public static final int MAX_LIMIT = 10_000;

    public static final int DEFAULT_LIMIT = 100;

    /** The conformance classes implemented. */
    public static final List<String> CONFORMANCE = List.of(
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs");

    /** Query parameters that are not property filters. */
    public static final Set<String> PARAMETERS =
            Set.of("limit", "offset", "bbox", "bbox-crs", "datetime", "crs", "f", "run", "category", "feed");

    private static final JsonFactory JSON = new ObjectMapper().getFactory();

    private final WmsService wms;

    public FeaturesService(WmsService wms) {
        this.wms = wms;
    }

    /**
     * One items request.
     *
     * @param limit    features on the page, 1 to {@link #MAX_LIMIT}
     * @param offset   features skipped, from 0
     * @param bbox     minx, miny, maxx, maxy in {@code bboxCrs} (four numbers), or null
     * @param bboxCrs  the bbox's CRS URI (CRS84 by default)
     * @param datetime an RFC 3339 instant or interval (open ends as {@code ..}), or a month or months as WMS TIME
     * @param crs      the CRS URI of the answer's geometry
     * @param dims     a run (run layers), categories or feeds (count layers), as the WMS's DIM_ parameters
     * @param filters  property name to the value it must equal
     */
    public record Query(
            int limit,
            int offset,
            double[] bbox,
            String bboxCrs,
            String datetime,
            String crs,
            Map<String, String> dims,
            Map<String, String> filters) {}

    /** A page of features as GeoJSON, with the numbers the links and headers need. */
    public record Page(byte[] json, int matched, int returned) {}

    /** A link of an OGC API document (OGC API - Features Part 1, 7.6 and RFC 8288): written in this order. */
    @JsonPropertyOrder({"href", "rel", "type", "title"})
    public record Link(String href, String rel, String type, String title) {}

    /** The area layers {@code who} may see, in catalogue order: the collections. */
    public List<LayerCatalogue.Layer> collections(Principal who) {
        List<LayerCatalogue.Layer> out = new ArrayList<>();
        for (LayerCatalogue.Layer l : wms.visibleLayers(who)) {
            if (l.kind() instanceof AreaKind) {
                out.add(l);
            }
        }
        return out;
    }

    /** The collection of that id if {@code who} may see it; the same 404 as for no such collection otherwise. */
    public LayerCatalogue.Layer collection(Principal who, String id) {
        LayerCatalogue.Layer l = wms.visibleLayer(who, id);
        if (l == null || !(l.kind() instanceof AreaKind)) {
            throw new SafemapException(
                    ErrorCode.NOT_FOUND, "no collection named " + id + "; GET /ogc/features/collections lists them");
        }
        return l;
    }

    /** A catalogue layer of areas of that name, whether or not anyone may see it: what a refusal is audited against. */
    public java.util.Optional<LayerCatalogue.Layer> hidden(String id) {
        LayerCatalogue.Layer l = wms.catalogue().layer(id);
        return l != null && l.kind() instanceof AreaKind ? java.util.Optional.of(l) : java.util.Optional.empty();
    }

    /** A collection's description: title, extent, CRSs, and its links under {@code base} (the features root). */
    public Map<String, Object> describe(LayerCatalogue.Layer l, String base) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", l.name());
        c.put("title", l.title());
        c.put("description", l.abstractText());
        c.put("itemType", "feature");
        Map<String, Object> extent = new LinkedHashMap<>();
        double[] bbox = extent(l);
        extent.put("spatial", Map.of("bbox", List.of(List.of(bbox[0], bbox[1], bbox[2], bbox[3])), "crs", CRS84));
        MapState s = wms.state();
        if (l.kind().timed() && s.hasRecords()) {
            extent.put(
                    "temporal",
                    Map.of(
                            "interval",
                            List.of(List.of(
                                    Instant.from(s.firstMonth().atDay(1).atStartOfDay(org.safemap.time.Period.LONDON))
                                            .toString(),
                                    Instant.from(s.lastMonth()
                                                    .plusMonths(1)
                                                    .atDay(1)
                                                    .atStartOfDay(org.safemap.time.Period.LONDON))
                                            .minusSeconds(1)
                                            .toString())),
                            "trs",
                            "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"));
        }
        c.put("extent", extent);
        c.put("crs", CRS_LIST);
        c.put("storageCrs", EPSG + "27700");
        if (l.attribution() != null && !l.attribution().isBlank()) {
            c.put("attribution", l.attribution());
        }
        String self = base + "/collections/" + l.name();
        c.put(
                "links",
                List.of(
                        new Link(self, "self", "application/json", "this collection"),
                        new Link(self + "/items", "items", "application/geo+json", "its features"),
                        new Link(
                                self + "/queryables",
                                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                                "application/schema+json",
                                "the properties items can be filtered on")));
        return c;
    }

    /** The collection's outline in CRS84: its areas' envelope. */
    private double[] extent(LayerCatalogue.Layer l) {
        LayerData.ShapeSet set = wms.layerData().shapes(l.source().level(), 0, Crs.BNG);
        Envelope env = new Envelope();
        for (LayerData.Shape s : set.shapes()) {
            env.expandToInclude(s.geometry().getEnvelopeInternal());
        }
        if (env.isNull()) {
            double[] e = wms.state().extent();
            env = new Envelope(e[0], e[2], e[1], e[3]);
        }
        Geometry box = Densifier.densify(LayerData.GEOMETRY.toGeometry(env), env.getWidth() / 16 + 1);
        Envelope wgs = LayerData.project(box, Crs.BNG, Crs.WGS84).getEnvelopeInternal();
        return new double[] {
            round(wgs.getMinX(), 6), round(wgs.getMinY(), 6), round(wgs.getMaxX(), 6), round(wgs.getMaxY(), 6)
        };
    }

    /**
     * The property names items of the collection carry for {@code who} (code, name, level, then the layer's values),
     * with a sample value's JSON type: the queryables, and the names a property filter may use.
     */
    public Map<String, String> queryables(Principal who, LayerCatalogue.Layer l, Map<String, String> dims) {
        LayerDims d = dims(who, l, dims, null);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("code", "string");
        out.put("name", "string");
        out.put("level", "string");
        Map<String, Map<String, Object>> values = ((AreaKind) l.kind()).values(wms.layerData(), l, d);
        if (values != null) {
            for (Map<String, Object> v : values.values()) {
                dated(v, d).forEach((k, x) -> {
                    if (x != null || !out.containsKey(k)) {
                        out.put(k, x == null ? out.getOrDefault(k, "null") : type(x));
                    }
                });
            }
        }
        return out;
    }

    private static String type(Object x) {
        if (x instanceof LocalDate) {
            return "date";
        }
        if (x instanceof Number) {
            return x instanceof Integer || x instanceof Long ? "integer" : "number";
        }
        if (x instanceof Boolean) {
            return "boolean";
        }
        if (x instanceof List<?>) {
            return "array";
        }
        return "string";
    }

    /** A page of the collection's features as a GeoJSON FeatureCollection, for {@code who}. */
    public Page items(Principal who, LayerCatalogue.Layer l, Query asked, String base) {
        AreaKind kind = (AreaKind) l.kind();
        Query q = periodAsDatetime(l, asked);
        Crs crs = crs(q.crs(), "crs");
        LayerDims d = dims(who, l, q.dims(), q.datetime());
        LayerData data = wms.layerData();
        String level = l.source().level();
        LayerData.ShapeSet bng = data.shapes(level, 0, Crs.BNG);
        LayerData.ShapeSet out = data.shapes(level, 0, crs);
        Map<String, Map<String, Object>> values = kind.values(data, l, d);
        if (!q.filters().isEmpty()) {
            Map<String, String> known = queryables(who, l, q.dims());
            for (String name : q.filters().keySet()) {
                if (!known.containsKey(name)) {
                    throw new SafemapException(
                            ErrorCode.BAD_REQUEST,
                            "unknown parameter " + name + ": not a query parameter nor a property of " + l.name()
                                    + " (GET .../queryables lists them)");
                }
            }
        }
        PreparedGeometry box = q.bbox() == null ? null : bboxInBng(q.bbox(), crs(q.bboxCrs(), "bbox-crs"));
        List<Integer> matched = new ArrayList<>();
        List<LayerData.Shape> shapes = bng.shapes();
        for (int i = 0; i < shapes.size(); i++) {
            LayerData.Shape s = shapes.get(i);
            Map<String, Object> v = values == null ? null : values.get(s.code());
            if (values != null && v == null && !kind.drawsUnvalued()) {
                continue;
            }
            if (box != null && !box.intersects(s.geometry())) {
                continue;
            }
            if (!q.filters().isEmpty() && !matches(properties(l, s, v, d), q.filters())) {
                continue;
            }
            matched.add(i);
        }
        int from = Math.min(q.offset(), matched.size());
        int to = (int) Math.min((long) from + q.limit(), matched.size());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("type", "FeatureCollection");
            g.writeNumberField("numberMatched", matched.size());
            g.writeNumberField("numberReturned", to - from);
            g.writeStringField(
                    "timeStamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            g.writeArrayFieldStart("features");
            int decimals = crs == Crs.WGS84 ? 7 : 2;
            for (int k = from; k < to; k++) {
                int i = matched.get(k);
                LayerData.Shape s = shapes.get(i);
                writeFeature(
                        g,
                        s.code(),
                        properties(l, s, values == null ? null : values.get(s.code()), d),
                        out.shapes().get(i).geometry(),
                        decimals);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("links");
            String items = base + "/collections/" + l.name() + "/items";
            g.writeObject(new Link(
                    items + "?" + queryString(q, q.offset(), crs), "self", "application/geo+json", "this page"));
            if (to < matched.size()) {
                g.writeObject(new Link(
                        items + "?" + queryString(q, to, crs), "next", "application/geo+json", "the next page"));
            }
            if (from > 0) {
                g.writeObject(new Link(
                        items + "?" + queryString(q, Math.max(0, from - q.limit()), crs),
                        "prev",
                        "application/geo+json",
                        "the previous page"));
            }
            g.writeObject(
                    new Link(base + "/collections/" + l.name(), "collection", "application/json", "the collection"));
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Page(bytes.toByteArray(), matched.size(), to - from);
    }

    /** One feature (an area by its code) as a GeoJSON Feature. */
    public byte[] item(Principal who, LayerCatalogue.Layer l, String code, Query q, String base) {
        AreaKind kind = (AreaKind) l.kind();
        Crs crs = crs(q.crs(), "crs");
        LayerDims d = dims(who, l, q.dims(), q.datetime());
        LayerData data = wms.layerData();
        LayerData.ShapeSet bng = data.shapes(l.source().level(), 0, Crs.BNG);
        Map<String, Map<String, Object>> values = kind.values(data, l, d);
        List<LayerData.Shape> shapes = bng.shapes();
        for (int i = 0; i < shapes.size(); i++) {
            LayerData.Shape s = shapes.get(i);
            if (!s.code().equals(code)) {
                continue;
            }
            Map<String, Object> v = values == null ? null : values.get(code);
            if (values != null && v == null && !kind.drawsUnvalued()) {
                break;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
            try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
                LayerData.Shape projected =
                        data.shapes(l.source().level(), 0, crs).shapes().get(i);
                g.writeStartObject();
                g.writeStringField("type", "Feature");
                g.writeStringField("id", code);
                g.writeFieldName("geometry");
                writeGeometry(g, projected.geometry(), crs == Crs.WGS84 ? 7 : 2);
                g.writeFieldName("properties");
                writeProperties(g, properties(l, s, v, d));
                g.writeArrayFieldStart("links");
                String self = base + "/collections/" + l.name() + "/items/" + code;
                g.writeObject(new Link(self, "self", "application/geo+json", "this feature"));
                g.writeObject(new Link(
                        base + "/collections/" + l.name(), "collection", "application/json", "the collection"));
                g.writeEndArray();
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
        throw new SafemapException(ErrorCode.NOT_FOUND, "collection " + l.name() + " has no feature " + code);
    }

    /** The CRS of a URI this service speaks (CRS84 when none is given), or a 400 naming those it does. */
    public static Crs crs(String uri, String parameter) {
        if (uri == null || uri.isBlank()) {
            return Crs.WGS84;
        }
        String u = uri.trim();
        if (u.startsWith("[") && u.endsWith("]")) {
            u = u.substring(1, u.length() - 1); // a safe CURIE, [EPSG:27700]
        }
        if (u.matches("(?i)EPSG:\\d+")) {
            u = EPSG + u.substring(5);
        } else if (u.equalsIgnoreCase("OGC:CRS84") || u.equalsIgnoreCase("CRS84")) {
            u = CRS84;
        }
        Crs crs = CRSS.get(u.replaceFirst("^https://", "http://"));
        if (crs == null) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    parameter + " " + uri + " is not served; use one of " + String.join(", ", CRS_LIST));
        }
        return crs;
    }

    /** The URI a CRS is named by in answers (the Content-Crs header). */
    public static String uri(Crs crs) {
        return crs == Crs.WGS84 ? CRS84 : EPSG + crs.epsg();
    }

    /**
     * The layer's dimensions for {@code who}: the WMS's, from {@code run}, {@code category} and {@code feed}, and the
     * datetime as TIME. A datetime on a layer without time is refused: its areas have no time to compare. On a layer
     * of monthly counts it selects the months it touches (features intersecting it, as OGC API - Features reads it).
     */
    private LayerDims dims(Principal who, LayerCatalogue.Layer l, Map<String, String> dims, String datetime) {
        Map<String, String> params = new LinkedHashMap<>();
        dims.forEach((k, v) -> params.put("DIM_" + k.toUpperCase(Locale.ROOT), v));
        if (datetime != null && !datetime.isBlank()) {
            if (!l.kind().timed()) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST, "collection " + l.name() + " has no time; datetime does not apply");
            }
            params.put("TIME", time(datetime));
        }
        try {
            if (params.containsKey("TIME") && !l.kind().drawsDays()) {
                // A count feature is a month's: datetime selects the features it intersects, so the months it touches.
                MapState s = wms.state();
                if (s.hasRecords()) {
                    params.put(
                            "TIME",
                            TimeDimension.parse(params.get("TIME"), s.firstMonth(), s.lastMonth())
                                    .touchedMonths()
                                    .text());
                }
            }
            return wms.dims(who, l, params);
        } catch (OgcException e) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    e.getMessage().replace("DIM_RUN", "run").replace("TIME ", "datetime "));
        }
    }

    /** An RFC 3339 datetime or interval as TIME: open ends become the data's first or last month. */
    private String time(String datetime) {
        String[] parts = datetime.trim().split("/", -1);
        if (parts.length > 2) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "datetime " + datetime + " is not an instant or interval");
        }
        MapState s = wms.state();
        if (parts.length == 2) {
            String from = parts[0].isBlank() || parts[0].equals("..") ? String.valueOf(s.firstMonth()) : parts[0];
            String to = parts[1].isBlank() || parts[1].equals("..") ? String.valueOf(s.lastMonth()) : parts[1];
            return from + "/" + to;
        }
        return parts[0];
    }

    /** The bbox as a prepared polygon on the British National Grid, its edges densified so they stay true. */
    private static PreparedGeometry bboxInBng(double[] b, Crs crs) {
        if (crs == Crs.WGS84 && (b[1] < -90 || b[3] > 90 || b[0] < -180 || b[2] > 180)) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "bbox is outside longitudes -180..180, latitudes -90..90");
        }
        // Web Mercator's world is 2 x 20,037,508 m wide, and the National Grid lies well inside it: a box beyond that
        // holds nothing, and would only make the projection fail.
        if (crs != Crs.WGS84
                && Math.max(Math.max(Math.abs(b[0]), Math.abs(b[1])), Math.max(Math.abs(b[2]), Math.abs(b[3])))
                        > 20_037_509) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "bbox is outside the valid area of EPSG:" + crs.epsg() + " (within 20,037,509 m)");
        }
        Envelope env = new Envelope(b[0], b[2], b[1], b[3]);
        Geometry box = LayerData.GEOMETRY.toGeometry(env);
        if (crs != Crs.BNG) {
            box = LayerData.project(
                    Densifier.densify(box, Math.max(env.getWidth(), env.getHeight()) / 32 + 1e-9), crs, Crs.BNG);
        }
        return PreparedGeometryFactory.prepare(box);
    }

    /**
     * An area's properties as GetFeatureInfo gives them (code, name, level, then the layer's values), with its
     * periods as dates ({@link #dated}).
     */
    private static Map<String, Object> properties(
            LayerCatalogue.Layer l, LayerData.Shape s, Map<String, Object> v, LayerDims d) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("code", s.code());
        p.put("name", s.name());
        p.put("level", l.source().level());
        if (v != null) {
            p.putAll(dated(v, d));
        }
        return p;
    }

    /**
     * A layer's values with its periods as dates: {@code period} (GetFeatureInfo's {@code 2022-03} or {@code
     * 2022-01/2022-03}) becomes its first day and {@code period_end} its last, and a change's {@code baseline} the
     * same. GIS clients type a property from its values, and QGIS 3.22 sends a layer filter to the server only on a
     * property it types as a date: as {@code datetime}, which selects the period. On text, {@code "period" =
     * '2022-03'}, it filters the one month a request without datetime gives (the latest) and finds nothing.
     */
    private static Map<String, Object> dated(Map<String, Object> v, LayerDims d) {
        if (d == null || !v.containsKey("period") && !v.containsKey("baseline")) {
            return v;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        v.forEach((k, x) -> {
            TimeDimension t = k.equals("period") ? d.time() : k.equals("baseline") ? d.baseline() : null;
            if (t == null || x == null) {
                out.put(k, x);
            } else {
                out.put(k, t.from());
                out.put(k + "_end", t.to());
            }
        });
        return out;
    }

    /**
     * A {@code period} property filter on a collection with time selects that period, as {@code datetime} does: a
     * filter on the features of the default month would find none for any other month. Its value is a month, months
     * or a date (the month it falls in), as in {@code datetime}.
     */
    private static Query periodAsDatetime(LayerCatalogue.Layer l, Query q) {
        String period = q.filters().get("period");
        if (period == null || !l.kind().timed()) {
            return q;
        }
        if (q.datetime() != null) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "give the period once: datetime=" + q.datetime() + " or period=" + period);
        }
        Map<String, String> filters = new LinkedHashMap<>(q.filters());
        filters.remove("period");
        return new Query(q.limit(), q.offset(), q.bbox(), q.bboxCrs(), period, q.crs(), q.dims(), filters);
    }

    /** Simple equality: the property's value written as text equals the asked value (null matches "null"). */
    private static boolean matches(Map<String, Object> p, Map<String, String> filters) {
        for (Map.Entry<String, String> f : filters.entrySet()) {
            Object v = p.get(f.getKey());
            String text = v == null ? "null" : v instanceof Double d && d == Math.rint(d) ? text(d) : v.toString();
            if (!text.equals(f.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static String text(double d) {
        return Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static void writeFeature(
            JsonGenerator g, String id, Map<String, Object> properties, Geometry geometry, int decimals)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "Feature");
        g.writeStringField("id", id);
        g.writeFieldName("geometry");
        writeGeometry(g, geometry, decimals);
        g.writeFieldName("properties");
        writeProperties(g, properties);
        g.writeEndObject();
    }

    private static void writeProperties(JsonGenerator g, Map<String, Object> properties) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            g.writeFieldName(e.getKey());
            Object v = e.getValue();
            if (v == null) {
                g.writeNull();
            } else if (v instanceof String str) {
                g.writeString(str);
            } else if (v instanceof Double d) {
                g.writeNumber(d);
            } else if (v instanceof Integer n) {
                g.writeNumber(n);
            } else if (v instanceof Long n) {
                g.writeNumber(n);
            } else if (v instanceof Boolean b) {
                g.writeBoolean(b);
            } else if (v instanceof LocalDate date) {
                g.writeString(date.toString());
            } else {
                g.writeObject(v);
            }
        }
        g.writeEndObject();
    }

    /** Polygons and multipolygons as GeoJSON, coordinates rounded to {@code decimals}. */
    static void writeGeometry(JsonGenerator g, Geometry geometry, int decimals) throws IOException {
        g.writeStartObject();
        if (geometry instanceof Polygon p) {
            g.writeStringField("type", "Polygon");
            g.writeArrayFieldStart("coordinates");
            writePolygon(g, p, decimals);
            g.writeEndArray();
        } else if (geometry instanceof MultiPolygon mp) {
            g.writeStringField("type", "MultiPolygon");
            g.writeArrayFieldStart("coordinates");
            for (int k = 0; k < mp.getNumGeometries(); k++) {
                g.writeStartArray();
                writePolygon(g, (Polygon) mp.getGeometryN(k), decimals);
                g.writeEndArray();
            }
            g.writeEndArray();
        } else {
            throw new IllegalStateException("an area outline is a " + geometry.getGeometryType());
        }
        g.writeEndObject();
    }

    private static void writePolygon(JsonGenerator g, Polygon p, int decimals) throws IOException {
        writeRing(g, p.getExteriorRing(), decimals);
        for (int r = 0; r < p.getNumInteriorRing(); r++) {
            writeRing(g, p.getInteriorRingN(r), decimals);
        }
    }

    private static void writeRing(JsonGenerator g, LineString ring, int decimals) throws IOException {
        g.writeStartArray();
        CoordinateSequence seq = ring.getCoordinateSequence();
        double scale = Math.pow(10, decimals);
        char[] buffer = new char[32];
        for (int k = 0; k < seq.size(); k++) {
            g.writeStartArray();
            writeFixed(g, seq.getX(k), scale, decimals, buffer);
            writeFixed(g, seq.getY(k), scale, decimals, buffer);
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    /**
     * A coordinate rounded to {@code decimals} places, written as plain decimal digits without trailing zeros: a page
     * holds tens of thousands of coordinates, and formatting them through {@code Double.toString} was most of its
     * cost.
     */
    static void writeFixed(JsonGenerator g, double v, double scale, int decimals, char[] buffer) throws IOException {
        long n = Math.round(v * scale);
        if (!Double.isFinite(v) || Math.abs(n) > 1L << 52) {
            g.writeNumber(v);
            return;
        }
        boolean negative = n < 0;
        long a = Math.abs(n);
        int end = buffer.length;
        int pos = end;
        int place = 0;
        boolean digits = false;
        while (place < decimals) {
            int d = (int) (a % 10);
            a /= 10;
            place++;
            if (digits || d != 0) {
                buffer[--pos] = (char) ('0' + d);
                digits = true;
            }
        }
        if (digits) {
            buffer[--pos] = '.';
        }
        do {
            buffer[--pos] = (char) ('0' + (int) (a % 10));
            a /= 10;
        } while (a > 0);
        if (negative && n != 0) {
            buffer[--pos] = '-';
        }
        g.writeNumber(buffer, pos, end - pos);
    }

    private static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    /** The query of a page at another offset, every other parameter as asked. */
    private static String queryString(Query q, int offset, Crs crs) {
        List<String> parts = new ArrayList<>();
        parts.add("limit=" + q.limit());
        parts.add("offset=" + offset);
        if (q.bbox() != null) {
            List<String> b = new ArrayList<>();
            for (double v : q.bbox()) {
                b.add(Double.toString(v));
            }
            parts.add("bbox=" + String.join(",", b));
            if (q.bboxCrs() != null) {
                parts.add("bbox-crs=" + encode(q.bboxCrs()));
            }
        }
        if (q.datetime() != null) {
            parts.add("datetime=" + encode(q.datetime()));
        }
        if (q.crs() != null) {
            parts.add("crs=" + encode(uri(crs)));
        }
        new TreeSet<>(q.dims().keySet())
                .forEach(k -> parts.add(encode(k) + "=" + encode(q.dims().get(k))));
        new TreeSet<>(q.filters().keySet())
                .forEach(k -> parts.add(encode(k) + "=" + encode(q.filters().get(k))));
        return String.join("&", parts);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
