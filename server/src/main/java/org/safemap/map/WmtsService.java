package org.safemap.map;

import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.safemap.geo.Crs;
import org.safemap.sharing.Principal;

/**
 * The OGC Web Map Tile Service 1.0.0 over the same tiles and cache as the XYZ tiles ({@link TileService}): KVP and
 * RESTful GetTile and GetFeatureInfo (the WMS's, at the tile's pixel), capabilities with two tile matrix sets, GoogleMapsCompatible (EPSG:3857, the XYZ grid, so the two
 * share cached tiles) and {@code EPSG:27700}, the British National Grid set of the OS Maps API (origin −238375,
 * 1376256; 896 m per pixel at level 0, halving at each level; 256-pixel tiles), so tiles line up with OS basemaps.
 * Each requester sees the layers, and gets the pictures, the WMS gives them.
 */
public final class WmtsService {
    /** A tile matrix set: its grid origin (top left), level-0 resolution, levels and the extent its matrices cover. */
    record MatrixSet(
            String id,
            String crsCode,
            String crsUrn,
            String wellKnown,
            double originX,
            double originY,
            double res0,
            int levels,
            double minY,
            double maxX) {
        double span(int z) {
            return res0 * TileService.SIZE / (1L << z);
        }

        long width(int z) {
            return (long) Math.ceil((maxX - originX) / span(z) - 1e-9);
        }

        long height(int z) {
            return (long) Math.ceil((originY - minY) / span(z) - 1e-9);
        }

        /** Tile (row, col) of level z: minx, miny, maxx, maxy. */
        double[] bounds(int z, long row, long col) {
            double s = span(z);
            double minX = originX + col * s;
            double maxY = originY - row * s;
            return new double[] {minX, maxY - s, minX + s, maxY};
        }
    }

    static final MatrixSet GOOGLE = new MatrixSet(
            "GoogleMapsCompatible",
            "EPSG:3857",
            "urn:ogc:def:crs:EPSG::3857",
            "urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible",
            -TileService.ORIGIN,
            TileService.ORIGIN,
            2 * TileService.ORIGIN / TileService.SIZE,
            19,
            -TileService.ORIGIN,
            TileService.ORIGIN);

    /** The OS Maps API's EPSG:27700 set (levels 0 to 13; its extent to 900000 E, 0 N). */
    static final MatrixSet BNG = new MatrixSet(
            "EPSG:27700", "EPSG:27700", "urn:ogc:def:crs:EPSG::27700", null, -238375, 1376256, 896, 14, 0, 900000);

    static final List<MatrixSet> SETS = List.of(GOOGLE, BNG);

    /** Runs a tile's drawing: the caller's limit on expensive requests. */
    public interface Gate {
        TileService.Tile run(java.util.function.Supplier<TileService.Tile> drawing);
    }

    /** An answer: status, content type, body, and the tile's ETag when it is one. */
    public record Response(int status, String contentType, byte[] body, String etag) {}

    private final WmsService wms;
    private final TileService tiles;
    private final ServiceInfo info;

    public WmtsService(WmsService wms, TileService tiles, ServiceInfo info) {
        this.wms = wms;
        this.tiles = tiles;
        this.info = info;
    }

    /** A KVP request (keys upper-case). {@code url} is the service's own address, {@code /wmts}. */
    public Response handle(Map<String, String> params, String url, Principal who) {
        return handle(params, url, who, java.util.function.Supplier::get);
    }

    /**
     * As above; {@code draw} runs a tile's drawing when the cache does not have it (the HTTP layer passes its
     * expensive-request slot, as for XYZ tiles).
     */
    public Response handle(Map<String, String> params, String url, Principal who, Gate draw) {
        try {
            String service = params.get("SERVICE");
            if (service != null && !service.equalsIgnoreCase("WMTS")) {
                throw OgcException.invalid("SERVICE", "SERVICE " + service + " is not offered here; this is a WMTS");
            }
            String request = params.get("REQUEST");
            if (request == null || request.isBlank()) {
                throw OgcException.missing("REQUEST");
            }
            return switch (request.trim().toLowerCase(Locale.ROOT)) {
                case "getcapabilities" -> capabilities(params.get("UPDATESEQUENCE"), url, who);
                case "gettile" -> {
                    String format = params.getOrDefault("FORMAT", "image/png");
                    if (!format.equalsIgnoreCase("image/png")) {
                        throw new OgcException("InvalidParameterValue", "Format", "tiles are served as image/png");
                    }
                    yield tile(cell(params, who), params, who, draw);
                }
                case "getfeatureinfo" ->
                    featureInfo(
                            cell(params, who),
                            required(params, "J"),
                            required(params, "I"),
                            required(params, "INFOFORMAT"),
                            params,
                            who);
                default ->
                    throw new OgcException(
                            "OperationNotSupported", "Request", "REQUEST " + request + " is not supported");
            };
        } catch (OgcException e) {
            return report(e);
        }
    }

    /**
     * A RESTful request under {@code /wmts/{layer}/}: {@code segments} are the rest of the path, {@code
     * {Style}/{dimensions...}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.png} for GetTile and {@code
     * .../{TileCol}/{J}/{I}.json} ({@code .html}, {@code .txt}) for GetFeatureInfo, the dimensions those of
     * {@link #pathDimensions} (the ones the layer's ResourceURL templates name). Other dimensions (feed) come as
     * query parameters ({@code query}, keys upper-case: feed, hours, weekdays); a path segment wins over a query
     * parameter.
     */
    public Response rest(String layerName, List<String> segments, Map<String, String> query, Principal who, Gate draw) {
        try {
            LayerCatalogue.Layer layer = wms.visibleLayer(who, layerName);
            if (layer == null) {
                throw new OgcException("InvalidParameterValue", "Layer", "no layer named " + layerName);
            }
            List<String> names = pathDimensions(layer, wms.state());
            int tile = 1 + names.size() + 4;
            if (segments.size() != tile && segments.size() != tile + 2) {
                throw new OgcException(
                        "InvalidParameterValue",
                        "ResourceURL",
                        "layer " + layerName + "'s addresses are " + layerName + "/" + template(names, List.of(), "png")
                                + " and .../{TileCol}/{J}/{I}.json");
            }
            Map<String, String> dims = new HashMap<>(query);
            for (int k = 0; k < names.size(); k++) {
                dims.put(names.get(k).toUpperCase(Locale.ROOT), segments.get(1 + k));
            }
            int at = 1 + names.size();
            String set = segments.get(at);
            String matrix = segments.get(at + 1);
            String row = segments.get(at + 2);
            String style = segments.get(0);
            if (segments.size() == tile) {
                String file = segments.get(at + 3);
                if (!file.endsWith(".png")) {
                    throw new OgcException("InvalidParameterValue", "Format", "WMTS tiles are served as {TileCol}.png");
                }
                String col = file.substring(0, file.length() - ".png".length());
                return tile(cell(layerName, style, set, matrix, row, col, who), dims, who, draw);
            }
            String[] info = infoFile(segments.get(at + 5));
            return featureInfo(
                    cell(layerName, style, set, matrix, row, segments.get(at + 3), who),
                    segments.get(at + 4),
                    info[0],
                    info[1],
                    dims,
                    who);
        } catch (OgcException e) {
            return report(e);
        }
    }

    /**
     * The dimensions a layer's RESTful addresses carry as path segments, in order: time and category for layers of
     * incidents once there are records (a change layer adds its baseline), the run for run layers once one has
     * finished, none otherwise. Capabilities' templates and {@link #rest} both read this, so they cannot disagree.
     */
    private List<String> pathDimensions(LayerCatalogue.Layer layer, MapState state) {
        if (layer.kind().timed()) {
            if (!state.hasRecords()) {
                return List.of();
            }
            return layer.kind().compares() ? List.of("time", "category", "baseline") : List.of("time", "category");
        }
        if (layer.kind() instanceof RunAreasKind && !wms.runs(layer).isEmpty()) {
            return List.of("run");
        }
        return List.of();
    }

    /**
     * The dimensions a layer's RESTful addresses carry as query parameters: the hours and days of the week of a layer
     * that draws only those ({@link LayerKind#timeOfWeek}), once there are records. They come after the path's
     * dimensions and are optional (absent: every hour and day), so addresses without them keep working; naming them
     * in the template lets a client that fills templates (GDAL's WMTS driver) send a chosen value.
     */
    private static List<String> queryDimensions(LayerCatalogue.Layer layer, MapState state) {
        return layer.kind().timeOfWeek() && state.hasRecords() ? List.of("hours", "weekdays") : List.of();
    }

    /**
     * A RESTful template after {@code /wmts/{layer}/}: a tile's ({@code png}) or GetFeatureInfo's (another suffix),
     * with {@code query} dimensions as query parameters.
     */
    private static String template(List<String> dimensions, List<String> query, String suffix) {
        StringBuilder t = new StringBuilder("{Style}/");
        dimensions.forEach(d -> t.append('{').append(d).append("}/"));
        t.append("{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}");
        t.append(suffix.equals("png") ? ".png" : "/{J}/{I}." + suffix);
        for (int k = 0; k < query.size(); k++) {
            t.append(k == 0 ? '?' : '&')
                    .append(query.get(k))
                    .append("={")
                    .append(query.get(k))
                    .append('}');
        }
        return t.toString();
    }

    /**
     * Values the hours and weekdays dimensions list. Any value in the WMS's DIM_HOURS and DIM_WEEKDAYS syntax is
     * taken; WMTS has no multiple values, and QGIS's Select Dimensions dialog offers only the listed values, so besides
     * every single hour and day the list holds the common windows (the night-time economy, quarters of the day, the
     * working week and the weekend).
     */
    static final List<String> HOURS = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("all", "22-3", "18-23", "0-5", "6-11", "12-17"),
                    java.util.stream.IntStream.range(0, 24).mapToObj(String::valueOf))
            .toList();

    static final List<String> WEEKDAYS =
            List.of("all", "mon-fri", "sat-sun", "fri-sat", "fri-sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private Cell cell(Map<String, String> params, Principal who) {
        return cell(
                required(params, "LAYER"),
                params.getOrDefault("STYLE", ""),
                required(params, "TILEMATRIXSET"),
                required(params, "TILEMATRIX"),
                required(params, "TILEROW"),
                required(params, "TILECOL"),
                who);
    }

    /** One tile of one layer's style, checked: what GetTile draws and GetFeatureInfo asks about. */
    private record Cell(LayerCatalogue.Layer layer, String style, MatrixSet set, int z, long row, long col) {}

    private Cell cell(
            String layerName,
            String style,
            String setName,
            String matrix,
            String rowText,
            String colText,
            Principal who) {
        LayerCatalogue.Layer layer = wms.visibleLayer(who, layerName);
        if (layer == null) {
            throw new OgcException("InvalidParameterValue", "Layer", "no layer named " + layerName);
        }
        MatrixSet set = SETS.stream()
                .filter(m -> m.id().equals(setName))
                .findFirst()
                .orElseThrow(() ->
                        new OgcException("InvalidParameterValue", "TileMatrixSet", "no tile matrix set " + setName));
        int z = whole(matrix, "TileMatrix");
        if (z < 0 || z >= set.levels()) {
            throw new OgcException(
                    "InvalidParameterValue", "TileMatrix", "no tile matrix " + matrix + " in " + setName);
        }
        long row = whole(rowText, "TileRow");
        long col = whole(colText, "TileCol");
        if (row < 0 || row >= set.height(z)) {
            throw new OgcException(
                    "TileOutOfRange", "TileRow", "TileRow " + row + " is outside 0 to " + (set.height(z) - 1));
        }
        if (col < 0 || col >= set.width(z)) {
            throw new OgcException(
                    "TileOutOfRange", "TileCol", "TileCol " + col + " is outside 0 to " + (set.width(z) - 1));
        }
        String s = style == null || style.isBlank() || style.equalsIgnoreCase("default") ? "" : style;
        if (!s.isEmpty() && layer.style(s) == null) {
            throw new OgcException("InvalidParameterValue", "Style", "layer " + layerName + " has no style " + s);
        }
        return new Cell(layer, s, set, z, row, col);
    }

    /** The dimensions a WMTS request may carry, as the tile cache and the WMS take them (TIME, CATEGORY, ...). */
    private static Map<String, String> dimensions(Map<String, String> params) {
        Map<String, String> q = new HashMap<>();
        for (String d : List.of("TIME", "CATEGORY", "FEED", "RUN", "BASELINE", "HOURS", "WEEKDAYS")) {
            String v = params.get(d);
            // WMTS's keyword "default" asks for the dimension's default, as leaving it out does
            if (v != null && !v.isBlank() && !v.equalsIgnoreCase("default")) {
                q.put(d, v);
            }
        }
        return q;
    }

    private Response tile(Cell c, Map<String, String> params, Principal who, Gate draw) {
        Map<String, String> q = dimensions(params);
        q.put("STYLE", c.style());
        // GoogleMapsCompatible cells are the XYZ cells, so the two share the cache.
        String cell = c.set() == GOOGLE
                ? c.z() + "/" + c.col() + "/" + c.row()
                : c.set().id() + "/" + c.z() + "/" + c.col() + "/" + c.row();
        TileService.Prepared p = tiles.prepare(
                c.layer().name(), c.set().crsCode(), c.set().bounds(c.z(), c.row(), c.col()), cell, q, who);
        TileService.Tile t = tiles.cached(p).orElseGet(() -> draw.run(() -> tiles.tile(p)));
        return new Response(200, "image/png", t.png(), t.etag());
    }

    /**
     * GetFeatureInfo at pixel (I, J) of a tile: the WMS's GetFeatureInfo of the tile's box at the tile's size, for the
     * same requester, so the answer is the one the WMS gives at that place.
     */
    private Response featureInfo(
            Cell c, String jText, String iText, String format, Map<String, String> params, Principal who) {
        int j = whole(jText, "J");
        int i = whole(iText, "I");
        if (i < 0 || i >= TileService.SIZE) {
            throw new OgcException("PointIJOutOfRange", "I", "I " + i + " is outside 0 to " + (TileService.SIZE - 1));
        }
        if (j < 0 || j >= TileService.SIZE) {
            throw new OgcException("PointIJOutOfRange", "J", "J " + j + " is outside 0 to " + (TileService.SIZE - 1));
        }
        String f = format.trim().toLowerCase(Locale.ROOT);
        if (!WmsService.INFO_FORMATS.contains(f)) {
            throw new OgcException(
                    "InvalidParameterValue",
                    "InfoFormat",
                    "InfoFormat " + format + " is not served; use one of "
                            + String.join(", ", WmsService.INFO_FORMATS));
        }
        double[] b = c.set().bounds(c.z(), c.row(), c.col());
        Map<String, String> q = dimensions(params);
        q.put("VERSION", "1.3.0");
        q.put("LAYERS", c.layer().name());
        q.put("QUERY_LAYERS", c.layer().name());
        q.put("STYLES", c.style());
        q.put("CRS", c.set().crsCode()); // both sets' CRSs are easting first in WMS 1.3.0
        q.put("BBOX", num(b[0]) + "," + num(b[1]) + "," + num(b[2]) + "," + num(b[3]));
        q.put("WIDTH", String.valueOf(TileService.SIZE));
        q.put("HEIGHT", String.valueOf(TileService.SIZE));
        q.put("FORMAT", "image/png");
        q.put("I", String.valueOf(i));
        q.put("J", String.valueOf(j));
        q.put("INFO_FORMAT", f);
        WmsService.Response r = wms.featureInfo(q, who);
        return new Response(r.status(), r.contentType(), r.body(), null);
    }

    /** A RESTful GetFeatureInfo's last segment, {@code {I}.json}, {@code .html} or {@code .txt}: I and the format. */
    private static String[] infoFile(String file) {
        int dot = file.lastIndexOf('.');
        String format = dot < 0
                ? ""
                : switch (file.substring(dot + 1)) {
                    case "json" -> "application/json";
                    case "html" -> "text/html";
                    case "txt" -> "text/plain";
                    default -> "";
                };
        if (format.isEmpty()) {
            throw new OgcException(
                    "InvalidParameterValue", "InfoFormat", "feature info is served as {I}.json, {I}.html or {I}.txt");
        }
        return new String[] {file.substring(0, dot), format};
    }

    private static String required(Map<String, String> params, String key) {
        String v = params.get(key);
        if (v == null || v.isBlank()) {
            throw OgcException.missing(key);
        }
        return v.trim();
    }

    private static int whole(String text, String parameter) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new OgcException(
                    "InvalidParameterValue", parameter, parameter + " '" + text + "' is not a whole number");
        }
    }

    /** An OWS 1.1 ExceptionReport, with the HTTP status WMTS 1.0.0 (table 28) gives each code, but 400 for 501. */
    private static Response report(OgcException e) {
        int status = switch (e.code()) {
            // WMTS 1.0.0's table 28 gives 501 here; SafeMap answers every caller's mistake with a 4xx (a 5xx means
            // the server failed), and an unknown REQUEST is the caller's.
            case "ServerBusy" -> 503;
            default -> 400;
        };
        return new Response(status, OWS_REPORT_TYPE, owsReport(e), null);
    }

    /** What an OWS 1.1 ExceptionReport is served as. */
    public static final String OWS_REPORT_TYPE = "application/xml; charset=UTF-8";

    /** {@code e} as an OWS 1.1 ExceptionReport (WMTS 1.0.0's refusals, on every path under /wmts). */
    public static byte[] owsReport(OgcException e) {
        Xml x = new Xml().declaration();
        x.start("ExceptionReport")
                .attr("xmlns", "http://www.opengis.net/ows/1.1")
                .attr("version", "1.1.0")
                .attr("xml:lang", "en");
        x.start("Exception").attr("exceptionCode", e.code());
        if (e.locator() != null) {
            x.attr("locator", e.locator());
        }
        x.element("ExceptionText", e.getMessage()).end().end();
        return x.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Response capabilities(String updateSequence, String url, Principal who) {
        long seq = wms.updateSequence();
        WmsService.checkUpdateSequence(updateSequence, seq);
        MapState state = wms.state();
        Xml x = new Xml().declaration();
        x.start("Capabilities")
                .attr("xmlns", "http://www.opengis.net/wmts/1.0")
                .attr("xmlns:ows", "http://www.opengis.net/ows/1.1")
                .attr("xmlns:xlink", "http://www.w3.org/1999/xlink")
                .attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
                .attr(
                        "xsi:schemaLocation",
                        "http://www.opengis.net/wmts/1.0 http://schemas.opengis.net/wmts/1.0/wmtsGetCapabilities_response.xsd")
                .attr("version", "1.0.0")
                .attr("updateSequence", seq);
        x.start("ows:ServiceIdentification")
                .element("ows:Title", "SafeMap")
                .element("ows:Abstract", Capabilities.ABSTRACT)
                .element("ows:ServiceType", "OGC WMTS")
                .element("ows:ServiceTypeVersion", "1.0.0")
                .element("ows:Fees", "none")
                .element(
                        "ows:AccessConstraints",
                        "Each layer is released under its data-sharing protocol; see the layer attribution.")
                .end();
        x.start("ows:ServiceProvider").element("ows:ProviderName", info.organisation());
        x.start("ows:ServiceContact");
        if (!info.person().isEmpty()) {
            x.element("ows:IndividualName", info.person());
        }
        if (!info.email().isEmpty()) {
            x.start("ows:ContactInfo").start("ows:Address").element("ows:ElectronicMailAddress", info.email());
            x.end().end();
        }
        x.end().end();
        x.start("ows:OperationsMetadata");
        for (String op : List.of("GetCapabilities", "GetTile", "GetFeatureInfo")) {
            x.start("ows:Operation").attr("name", op).start("ows:DCP").start("ows:HTTP");
            x.start("ows:Get").attr("xlink:href", url + "?");
            x.start("ows:Constraint").attr("name", "GetEncoding").start("ows:AllowedValues");
            x.element("ows:Value", "KVP").end().end().end().end().end().end();
        }
        x.end();
        x.start("Contents");
        double[] ll = wgs84(state);
        for (LayerCatalogue.Layer layer : wms.visibleLayers(who)) {
            x.start("Layer").element("ows:Title", layer.title()).element("ows:Abstract", layer.abstractText());
            x.start("ows:WGS84BoundingBox")
                    .element("ows:LowerCorner", num(ll[0]) + " " + num(ll[1]))
                    .element("ows:UpperCorner", num(ll[2]) + " " + num(ll[3]))
                    .end();
            x.element("ows:Identifier", layer.name());
            boolean first = true;
            for (LayerCatalogue.Style s : layer.styles()) {
                x.start("Style").attr("isDefault", first ? "true" : "false");
                x.element("ows:Identifier", s.style().name());
                x.start("LegendURL")
                        .attr("format", "image/png")
                        .attr(
                                "xlink:href",
                                base(url) + "/wms?SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=1.3.0&FORMAT=image/png"
                                        + "&LAYER=" + layer.name() + "&STYLE="
                                        + s.style().name()
                                        + (layer.kind() instanceof ForecastKind && state.hasRecords()
                                                ? "&TIME="
                                                        + layer.kind()
                                                                .defaultTime(state)
                                                                .text()
                                                : ""))
                        .end();
                x.end();
                first = false;
            }
            x.element("Format", "image/png");
            if (layer.queryable()) {
                WmsService.INFO_FORMATS.forEach(f -> x.element("InfoFormat", f));
            }
            List<String> pathDimensions = pathDimensions(layer, state);
            if (pathDimensions.contains("time")) {
                x.start("Dimension").element("ows:Identifier", "time").element("ows:UOM", "ISO8601");
                TimeDimension time = layer.kind().defaultTime(state);
                x.element("Default", time.text());
                if (time.months() > 1) {
                    x.element("Value", time.text()); // a forecast's training window
                }
                for (YearMonth m = state.firstMonth(); !m.isAfter(state.lastMonth()); m = m.plusMonths(1)) {
                    x.element("Value", m.toString());
                }
                x.end();
                x.start("Dimension").element("ows:Identifier", "category").element("Default", "all");
                x.element("Value", "all");
                LayerDims.categories(layer, state).forEach(c -> x.element("Value", c));
                x.end();
            }
            if (pathDimensions.contains("baseline")) {
                // The period a change is measured from; by default the as many months just before time.
                x.start("Dimension").element("ows:Identifier", "baseline").element("ows:UOM", "ISO8601");
                x.element("Default", LayerDims.PREVIOUS);
                x.element("Value", LayerDims.PREVIOUS);
                for (YearMonth m = state.firstMonth(); !m.isAfter(state.lastMonth()); m = m.plusMonths(1)) {
                    x.element("Value", m.toString());
                }
                x.end();
            }
            List<String> queryDimensions = queryDimensions(layer, state);
            if (queryDimensions.contains("hours")) {
                x.start("Dimension")
                        .element("ows:Title", "Hours of the day (UK local time)")
                        .element(
                                "ows:Abstract",
                                "Only the records of these hours: hours and ranges, a range may wrap past midnight "
                                        + "(22-3, 0-5,18-23); any such value is taken, the listed ones are common "
                                        + "choices. As the WMS's DIM_HOURS.")
                        .element("ows:Identifier", "hours")
                        .element("Default", "all");
                HOURS.forEach(v -> x.element("Value", v));
                x.end();
                x.start("Dimension")
                        .element("ows:Title", "Days of the week")
                        .element(
                                "ows:Abstract",
                                "Only the records of these days (UK local time): days and ranges (fri,sat, mon-fri, "
                                        + "fri-sun); any such value is taken. As the WMS's DIM_WEEKDAYS.")
                        .element("ows:Identifier", "weekdays")
                        .element("Default", "all");
                WEEKDAYS.forEach(v -> x.element("Value", v));
                x.end();
            }
            if (pathDimensions.contains("run")) {
                // WMTS values carry no titles, so the dimension's abstract titles each run, as the WMS's layer
                // abstract does; the default is the WMS's (the newest finished run).
                Map<Long, String> runs = wms.runTitles(layer);
                x.start("Dimension")
                        .element("ows:Title", "Stored run")
                        .element(
                                "ows:Abstract", "The run drawn, the default first: " + String.join("; ", runs.values()))
                        .element("ows:Identifier", "run");
                x.element("Default", runs.keySet().iterator().next());
                runs.keySet().forEach(id -> x.element("Value", id));
                x.end();
            }
            for (MatrixSet m : SETS) {
                x.start("TileMatrixSetLink").element("TileMatrixSet", m.id()).end();
            }
            x.start("ResourceURL")
                    .attr("format", "image/png")
                    .attr("resourceType", "tile")
                    .attr("template", url + "/" + layer.name() + "/" + template(pathDimensions, queryDimensions, "png"))
                    .end();
            if (layer.queryable()) {
                for (String[] f :
                        new String[][] {{"application/json", "json"}, {"text/html", "html"}, {"text/plain", "txt"}}) {
                    x.start("ResourceURL")
                            .attr("format", f[0])
                            .attr("resourceType", "FeatureInfo")
                            .attr(
                                    "template",
                                    url + "/" + layer.name() + "/" + template(pathDimensions, queryDimensions, f[1]))
                            .end();
                }
            }
            x.end();
        }
        for (MatrixSet m : SETS) {
            x.start("TileMatrixSet").element("ows:Identifier", m.id()).element("ows:SupportedCRS", m.crsUrn());
            if (m.wellKnown() != null) {
                x.element("WellKnownScaleSet", m.wellKnown());
            }
            for (int z = 0; z < m.levels(); z++) {
                x.start("TileMatrix")
                        .element("ows:Identifier", z)
                        .element("ScaleDenominator", num(m.res0() / (1L << z) / MapView.PIXEL_METRES))
                        .element("TopLeftCorner", num(m.originX()) + " " + num(m.originY()))
                        .element("TileWidth", TileService.SIZE)
                        .element("TileHeight", TileService.SIZE)
                        .element("MatrixWidth", m.width(z))
                        .element("MatrixHeight", m.height(z))
                        .end();
            }
            x.end();
        }
        x.end();
        x.start("ServiceMetadataURL")
                .attr("xlink:href", url + "?SERVICE=WMTS&REQUEST=GetCapabilities")
                .end();
        x.end();
        return new Response(200, "application/xml; charset=UTF-8", x.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    private static String base(String url) {
        return url.replaceAll("/wmts$", "");
    }

    private static double[] wgs84(MapState state) {
        return Crs.BNG.to(Crs.WGS84).envelope(state.extent(), 16);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.10f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
