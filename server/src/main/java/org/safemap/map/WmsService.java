package org.safemap.map;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtectedCounts;

/**
 * The OGC Web Map Service, 1.3.0 and 1.1.1: GetCapabilities, GetMap, GetFeatureInfo and GetLegendGraphic over the
 * layer catalogue. HTTP-free: parameters in (keys upper-case, as WMS names are case-insensitive) with the requesting
 * principal, a response out. Each principal sees only the layers {@link LayerAccess#visible} allows, and every other
 * layer is answered exactly as an unknown one (LayerNotDefined), so a layer's existence is not revealed.
 * Every refusal is an OGC ServiceExceptionReport (or, if the client asked, an image saying why, or a blank one).
 */
public final class WmsService {
    /** GetFeatureInfo formats. */
    public static final List<String> INFO_FORMATS = List.of("text/html", "application/json", "text/plain");
    /** SLD_BODY larger than this is refused before parsing. */
    public static final int MAX_SLD_BYTES = 64 * 1024;

    /** An answer: status, content type, body and, for maps, whether it may be cached. */
    public record Response(int status, String contentType, byte[] body, String ogcError) {
        static Response of(String type, byte[] body) {
            return new Response(200, type, body, null);
        }

        static Response text(String type, String body) {
            return of(type, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A parsed GetMap: the view, the layers with their styles and dimensions, and how to encode. */
    record MapRequest(
            Principal who,
            WmsVersion version,
            MapView view,
            List<LayerCatalogue.Layer> layers,
            List<SldStyle> styles,
            List<LayerDims> dims,
            ImageEncoder.Format format,
            boolean transparent,
            Color background,
            Canvas canvas) {
        /** A key identifying the picture (for tile caches). */
        String key() {
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < layers.size(); k++) {
                b.append(layers.get(k).name())
                        .append('#')
                        .append(styles.get(k).name())
                        .append('#')
                        .append(dims.get(k).key())
                        .append(';');
            }
            return b.toString();
        }
    }

    /**
     * The image asked for and where the view falls in it: the whole image, or (a BBOX reaching beyond the valid
     * area of its CRS) the part within it; {@code view} is then null when no part is.
     */
    record Canvas(int width, int height, int x, int y) {}

    private final LayerCatalogue catalogue;
    private final ServiceInfo info;
    private final MapAudience audience;
    private final MapData data;
    private final LayerData layerData;
    private final int maxWidth;
    private final int maxHeight;
    /** Pixels being drawn at once, at most: 64 M, about 1 GB of working memory. */
    static final long PIXEL_BUDGET = 64L * 1024 * 1024;

    private static final int PIXELS_PER_PERMIT = 65_536;
    private static final int PIXEL_BUDGET_PERMITS = (int) (PIXEL_BUDGET / PIXELS_PER_PERMIT);
    private static final int BUDGET_WAIT_SECONDS = 60;
    private final java.util.concurrent.Semaphore pixelBudget =
            new java.util.concurrent.Semaphore(PIXEL_BUDGET_PERMITS, true);
    private final Map<String, BufferedImage> legends = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, String>> runs = new ConcurrentHashMap<>();
    private volatile MapState state;
    /** The update sequence of {@link #state}: only ever increases ({@link org.safemap.db.ServiceSequence}). */
    private volatile long sequence;

    private final java.util.concurrent.atomic.AtomicBoolean refreshing =
            new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long stateReadAt;
    private final long stateTtlMillis;

    public WmsService(
            LayerCatalogue catalogue,
            MapData data,
            Policy policy,
            ProtectedCounts counts,
            int maxWidth,
            int maxHeight,
            long stateTtlMillis) {
        this(catalogue, data, policy, counts, maxWidth, maxHeight, stateTtlMillis, ServiceInfo.DEFAULT);
    }

    /** @param info the contact and layer metadata addresses capabilities carry (settings) */
    public WmsService(
            LayerCatalogue catalogue,
            MapData data,
            Policy policy,
            ProtectedCounts counts,
            int maxWidth,
            int maxHeight,
            long stateTtlMillis,
            ServiceInfo info) {
        this.info = info;
        this.catalogue = catalogue;
        this.audience = new MapAudience(policy);
        this.data = data;
        this.layerData = new LayerData(data, policy, counts);
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
        this.stateTtlMillis = stateTtlMillis;
    }

    /**
     * The data state. Its version is re-read at most every {@code stateTtlMillis} (one cheap query), by one request
     * while the others go on with the state they have; the rest of the state is re-read only when the version moved.
     */
    public MapState state() {
        MapState s = state;
        if (s == null) {
            synchronized (this) {
                if (state == null) {
                    reread();
                }
                return state;
            }
        }
        if (System.currentTimeMillis() - stateReadAt > stateTtlMillis && refreshing.compareAndSet(false, true)) {
            try {
                refreshIfMoved();
            } finally {
                refreshing.set(false);
            }
        }
        return state;
    }

    /** After an in-process load or run: the very next request sees the change. */
    public void invalidate() {
        if (state != null) {
            refreshIfMoved();
        }
    }

    private void refreshIfMoved() {
        if (!version().equals(state.version())) {
            reread();
        }
        stateReadAt = System.currentTimeMillis();
    }

    /**
     * What every cached map and table depends on: the data, and the protocols in force. A reload that lowers a level
     * or raises a threshold moves it, so no tile, count table or density drawn under the old protocols is served
     * again (the tile cache on disk included, after a restart with changed protocols).
     */
    private String version() {
        return layerData.counts().version();
    }

    private synchronized void reread() {
        String v = version();
        sequence = data.sequence(v);
        state = MapState.read(data, v);
        stateReadAt = System.currentTimeMillis();
        layerData.onVersion(state.version());
    }

    /** The contact and metadata addresses capabilities carry. */
    public ServiceInfo info() {
        return info;
    }

    public LayerCatalogue catalogue() {
        return catalogue;
    }

    /**
     * A map service over the store, with its counts protected as {@code policy} decides, restricted feeds counted
     * in {@code geography}'s areas.
     */
    public static WmsService forStore(
            LayerCatalogue catalogue,
            javax.sql.DataSource dataSource,
            Policy policy,
            ProtectedCounts.Geography geography,
            int maxWidth,
            int maxHeight,
            long stateTtlMillis) {
        return new WmsService(
                catalogue,
                new MapData(dataSource),
                policy,
                new ProtectedCounts(dataSource, policy, geography),
                maxWidth,
                maxHeight,
                stateTtlMillis);
    }

    /** The layers {@code who} may see, in catalogue order (the viewer's list and capabilities). */
    public List<LayerCatalogue.Layer> visibleLayers(Principal who) {
        return audience.visibleLayers(who, catalogue, state());
    }

    /** The layer of that name if {@code who} may see it, else null: the same answer as for no such layer. */
    public LayerCatalogue.Layer visibleLayer(Principal who, String name) {
        LayerCatalogue.Layer l = catalogue.layer(name);
        return l != null && audience.visible(who, l, state()) ? l : null;
    }

    /**
     * One layer's dimensions for {@code who} from request parameters (upper-case keys: TIME, DIM_RUN ...), with the
     * requester's view, exactly as GetMap reads them: what OGC API Features ({@link FeaturesService}) reads areas
     * with, so a feature and the map's picture of it cannot differ.
     */
    LayerDims dims(Principal who, LayerCatalogue.Layer layer, Map<String, String> params) {
        MapState s = state();
        LayerDims d = layer.kind().dims(layer, params, s, () -> runs(layer));
        return d.withView(audience.view(who, layer, d, s));
    }

    /**
     * What {@code layer}'s picture leaves out for {@code who} with these request parameters (upper-case keys, read
     * as GetMap reads them) because the selection is finer than those feeds are published at.
     *
     * @throws SafemapException BAD_REQUEST for a dimension GetMap would refuse, in its words
     */
    public Withheld withheld(Principal who, LayerCatalogue.Layer layer, Map<String, String> params) {
        try {
            return layer.kind().withheld(dims(who, layer, params));
        } catch (OgcException e) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, e.getMessage(), e);
        }
    }

    /** What the layer kinds read from, cached per data version. */
    LayerData layerData() {
        state();
        return layerData;
    }

    /** Handles one anonymous WMS request (public layers only). */
    public Response handle(Map<String, String> params, String url) {
        return handle(params, url, Principal.ANONYMOUS);
    }

    /** Handles one WMS request for {@code who}. {@code url} is the service's own address, for capabilities. */
    public Response handle(Map<String, String> params, String url, Principal who) {
        WmsVersion exceptionVersion =
                "1.1.1".equals(trim(params.get("VERSION"))) ? WmsVersion.V1_1_1 : WmsVersion.V1_3_0;
        String exceptions = params.getOrDefault("EXCEPTIONS", "XML").toUpperCase(Locale.ROOT);
        try {
            String service = trim(params.get("SERVICE"));
            if (service != null && !service.equalsIgnoreCase("WMS")) {
                throw OgcException.invalid("SERVICE", "SERVICE " + service + " is not offered here; this is a WMS");
            }
            String request = trim(params.get("REQUEST"));
            if (request == null) {
                throw OgcException.missing("REQUEST");
            }
            return switch (request.toLowerCase(Locale.ROOT)) {
                case "getcapabilities", "capabilities" -> capabilities(params, url, who);
                case "getmap", "map" -> getMap(params, who);
                case "getfeatureinfo", "feature_info" -> featureInfo(params, who);
                case "getlegendgraphic" -> legend(params, who);
                default ->
                    throw new OgcException(
                            "OperationNotSupported",
                            "REQUEST",
                            "REQUEST " + request
                                    + " is not supported; use GetCapabilities, GetMap, GetFeatureInfo or GetLegendGraphic");
            };
        } catch (OgcException e) {
            return exception(e, exceptionVersion, exceptions, params);
        } catch (SafemapException e) {
            if (e.code().fault() != ErrorCode.Fault.CALLER) {
                // Not the request's fault: the HTTP layer answers with an OGC report, 503 for the busy or the database
                // gone, and for a defect a reference to the log instead of its text.
                throw e;
            }
            return exception(
                    new OgcException("InvalidParameterValue", null, e.getMessage()),
                    exceptionVersion,
                    exceptions,
                    params);
        }
    }

    /** The services' update sequence now: capabilities carry it, and UPDATESEQUENCE is compared with it. */
    public long updateSequence() {
        state();
        return sequence;
    }

    /**
     * OGC 06-042 7.2.3.5: an UPDATESEQUENCE equal to the current one is answered CurrentUpdateSequence, a higher one
     * InvalidUpdateSequence; a lower one, or one this service never issued (not a number), gets the document.
     */
    static void checkUpdateSequence(String asked, long current) {
        if (asked == null || asked.isBlank()) {
            return;
        }
        long n;
        try {
            n = Long.parseLong(asked.trim());
        } catch (NumberFormatException e) {
            return;
        }
        if (n == current) {
            throw new OgcException(
                    "CurrentUpdateSequence",
                    "UPDATESEQUENCE",
                    "UPDATESEQUENCE " + n + " is the current one: the capabilities have not changed");
        }
        if (n > current) {
            throw new OgcException(
                    "InvalidUpdateSequence",
                    "UPDATESEQUENCE",
                    "UPDATESEQUENCE " + n + " is later than the current one, " + current);
        }
    }

    private Response capabilities(Map<String, String> params, String url, Principal who) {
        WmsVersion version = WmsVersion.negotiate(params.get("VERSION"));
        MapState s = state();
        long seq = sequence;
        checkUpdateSequence(params.get("UPDATESEQUENCE"), seq);
        Capabilities c = new Capabilities(
                audience.visibleLayers(who, catalogue, s),
                s,
                seq,
                info,
                url,
                maxWidth,
                maxHeight,
                this::runTitles,
                this::legendImage);
        return version == WmsVersion.V1_3_0
                ? Response.text("text/xml; charset=UTF-8", c.v130())
                : Response.text("application/vnd.ogc.wms_xml; charset=UTF-8", c.v111());
    }

    private Response getMap(Map<String, String> params, Principal who) {
        MapRequest r = parseMap(params, true, who);
        return Response.of(r.format().mime(), render(r));
    }

    /**
     * Draws and encodes a parsed GetMap. A render holds about 16 bytes per pixel until it is encoded, so the pixels
     * being drawn at once are capped ({@link #PIXEL_BUDGET}); a request beyond it waits its turn, and one that has
     * waited {@link #BUDGET_WAIT_SECONDS} is refused rather than risking the heap.
     */
    byte[] render(MapRequest r) {
        return withinBudget(r, () -> ImageEncoder.encode(paint(r), r.format(), r.transparent(), r.background()));
    }

    /**
     * A GetMap for {@code who} drawn but not encoded, for a product that marks the map up before encoding it once
     * (the tasking pack): the same parsing, layers, audience and pixel budget as {@link #handle}. A request the WMS
     * would refuse is refused as a caller's error with the OGC exception's text.
     */
    public BufferedImage image(Map<String, String> params, Principal who) {
        try {
            MapRequest r = parseMap(params, true, who);
            return withinBudget(r, () -> paint(r));
        } catch (OgcException e) {
            throw new SafemapException(
                    "ServerBusy".equals(e.code()) ? ErrorCode.BUSY : ErrorCode.BAD_REQUEST, e.getMessage(), e);
        }
    }

    /**
     * A GetMap of one density layer read as numbers instead of colours, for a product that chooses its own classes
     * (the tasking pack's local colour stretch): incidents per km² per month at each pixel's centre, row-major from
     * the north-west corner, 0 where nothing is within the kernel's reach. The same parsing, audience (the guarded
     * surface for a requester who sees some feeds below points) and pixel budget as {@link #image}. A BBOX reaching
     * beyond its CRS's valid area is refused, as the values would not fill the grid asked for.
     */
    public float[] densityValues(Map<String, String> params, Principal who) {
        return densityValues(params, who, false);
    }

    /**
     * As {@link #densityValues(Map, Principal)}, but as a GetMap draws them: at small scales each pixel the mean over
     * its cell of the month pyramids ({@link DensityPyramid}), not a sample at its centre.
     */
    public float[] drawnDensityValues(Map<String, String> params, Principal who) {
        return densityValues(params, who, true);
    }

    private float[] densityValues(Map<String, String> params, Principal who, boolean asDrawn) {
        try {
            MapRequest r = parseMap(params, true, who);
            if (r.layers().size() != 1 || !(r.layers().get(0).kind() instanceof DensityKind)) {
                throw OgcException.invalid("LAYERS", "density values are read from exactly one density layer");
            }
            if (r.view() == null
                    || r.view().width() != r.canvas().width()
                    || r.view().height() != r.canvas().height()) {
                throw OgcException.invalid("BBOX", "the BBOX reaches beyond the area its CRS is valid for");
            }
            LayerDims d = r.dims().get(0);
            if (d.time() == null
                    || LayerData.feeds(d, DisclosureLevel.AGGREGATES).isEmpty()) {
                return new float[r.view().width() * r.view().height()];
            }
            return withinBudget(
                    r,
                    () -> asDrawn
                            ? DensityKind.drawnValues(layerData, r.layers().get(0), d, r.view())
                            : DensityKind.values(layerData, r.layers().get(0), d, r.view()));
        } catch (OgcException e) {
            throw new SafemapException(
                    "ServerBusy".equals(e.code()) ? ErrorCode.BUSY : ErrorCode.BAD_REQUEST, e.getMessage(), e);
        }
    }

    private <T> T withinBudget(MapRequest r, java.util.function.Supplier<T> work) {
        int permits = (int) Math.min(
                PIXEL_BUDGET_PERMITS,
                ((long) r.canvas().width() * r.canvas().height() + PIXELS_PER_PERMIT - 1) / PIXELS_PER_PERMIT);
        try {
            if (!pixelBudget.tryAcquire(permits, BUDGET_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new OgcException(
                        "ServerBusy",
                        null,
                        "the server is drawing too many large maps at once; "
                                + "try again shortly or ask for a smaller image");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OgcException("ServerBusy", null, "interrupted while waiting to draw");
        }
        try {
            return work.get();
        } finally {
            pixelBudget.release(permits);
        }
    }

    /** The request's layers drawn into a new ARGB image, transparent where nothing is drawn. */
    private BufferedImage paint(MapRequest r) {
        BufferedImage image = new BufferedImage(r.canvas().width(), r.canvas().height(), BufferedImage.TYPE_INT_ARGB);
        if (r.view() == null) { // the BBOX lies wholly outside its CRS's valid area: empty content (06-042 7.3.3.6)
            return image;
        }
        Graphics2D g = image.createGraphics();
        g.translate(r.canvas().x(), r.canvas().y());
        g.clipRect(0, 0, r.view().width(), r.view().height());
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        for (int k = 0; k < r.layers().size(); k++) {
            LayerCatalogue.Layer layer = r.layers().get(k);
            if (FeaturePainter.anyActive(r.styles().get(k), r.view())) {
                layer.kind().draw(layerData, layer, r.styles().get(k), r.dims().get(k), r.view(), g);
            }
        }
        g.dispose();
        return image;
    }

    MapRequest parseMap(Map<String, String> params, boolean needFormat, Principal who) {
        WmsVersion version =
                WmsVersion.exact(params.get("VERSION") != null ? params.get("VERSION") : params.get("WMTVER"));
        if (params.get("SLD") != null) {
            throw OgcException.invalid(
                    "SLD",
                    "styles by reference (SLD=url) are not fetched; send SLD_BODY or " + "name a style in STYLES");
        }
        MapState s = state();
        List<LayerCatalogue.Layer> layers = layers(params.get("LAYERS"), "LAYERS", who, s);
        List<SldStyle> styles = styles(layers, params.get("STYLES"), params.get("SLD_BODY"));
        MapCrs crs = MapCrs.parse(
                params.get(version == WmsVersion.V1_3_0 ? "CRS" : "SRS") != null
                        ? params.get(version == WmsVersion.V1_3_0 ? "CRS" : "SRS")
                        : params.get(version == WmsVersion.V1_3_0 ? "SRS" : "CRS"),
                version);
        int width = size(params.get("WIDTH"), "WIDTH", maxWidth);
        int height = size(params.get("HEIGHT"), "HEIGHT", maxHeight);
        MapView asked = view(params.get("BBOX"), crs, width, height);
        Canvas canvas = new Canvas(width, height, 0, 0);
        MapView view = needFormat ? valid(asked) : refuseInvalid(asked, params.get("BBOX"));
        if (view != asked) {
            canvas = new Canvas(
                    width,
                    height,
                    view == null ? 0 : (int) Math.round((view.minX() - asked.minX()) / asked.resX()),
                    view == null ? 0 : (int) Math.round((asked.maxY() - view.maxY()) / asked.resY()));
        }
        ImageEncoder.Format format = needFormat ? ImageEncoder.format(params.get("FORMAT")) : ImageEncoder.Format.PNG;
        boolean transparent = bool(params.get("TRANSPARENT"), "TRANSPARENT");
        Color background = colour(params.get("BGCOLOR"));
        List<LayerDims> dims = new ArrayList<>();
        for (LayerCatalogue.Layer l : layers) {
            LayerDims d = l.kind().dims(l, params, s, () -> runs(l));
            dims.add(d.withView(audience.view(who, l, d, s)));
        }
        return new MapRequest(who, version, view, layers, styles, dims, format, transparent, background, canvas);
    }

    /** GetFeatureInfo (keys upper-case), or the OgcException that refuses it; WMTS's GetFeatureInfo is this one. */
    Response featureInfo(Map<String, String> params, Principal who) {
        MapRequest r = parseMap(params, false, who);
        List<LayerCatalogue.Layer> query = layers(params.get("QUERY_LAYERS"), "QUERY_LAYERS", who, state());
        for (LayerCatalogue.Layer l : query) {
            if (!l.queryable()) {
                throw new OgcException("LayerNotQueryable", "QUERY_LAYERS", "layer " + l.name() + " is not queryable");
            }
            if (!r.layers().contains(l)) {
                throw new OgcException(
                        "LayerNotDefined",
                        "QUERY_LAYERS",
                        "layer " + l.name() + " is in QUERY_LAYERS but not in LAYERS");
            }
        }
        String format = params.get("INFO_FORMAT") == null
                ? "text/html"
                : params.get("INFO_FORMAT").trim().toLowerCase(Locale.ROOT);
        if (!INFO_FORMATS.contains(format)) {
            throw new OgcException(
                    "InvalidFormat",
                    "INFO_FORMAT",
                    "INFO_FORMAT " + params.get("INFO_FORMAT") + " is not served; use one of "
                            + String.join(", ", INFO_FORMATS));
        }
        boolean v13 = r.version() == WmsVersion.V1_3_0;
        int i = point(params.get(v13 ? "I" : "X"), v13 ? "I" : "X", r.view().width());
        int j = point(params.get(v13 ? "J" : "Y"), v13 ? "J" : "Y", r.view().height());
        int count = 1;
        if (params.get("FEATURE_COUNT") != null) {
            try {
                count = Math.max(
                        1,
                        Math.min(
                                50, Integer.parseInt(params.get("FEATURE_COUNT").trim())));
            } catch (NumberFormatException e) {
                throw OgcException.invalid("FEATURE_COUNT", "FEATURE_COUNT must be a whole number");
            }
        }
        // The pixel's centre, on the British National Grid the store and the kinds work in.
        double[] bng = new double[2];
        r.view()
                .crs()
                .crs()
                .to(org.safemap.geo.Crs.BNG)
                .apply(
                        r.view().minX() + (i + 0.5) * r.view().resX(),
                        r.view().maxY() - (j + 0.5) * r.view().resY(),
                        bng);
        Map<String, List<Map<String, Object>>> found = new LinkedHashMap<>();
        for (LayerCatalogue.Layer l : query) {
            found.put(
                    l.name(),
                    l.kind().info(layerData, l, r.dims().get(r.layers().indexOf(l)), r.view(), bng, count));
        }
        return switch (format) {
            case "application/json" -> Response.text("application/json", FeatureInfoFormats.json(found));
            case "text/plain" -> Response.text("text/plain; charset=UTF-8", FeatureInfoFormats.plain(found));
            default -> Response.text("text/html; charset=UTF-8", FeatureInfoFormats.html(found, catalogue));
        };
    }

    private Response legend(Map<String, String> params, Principal who) {
        String name = trim(params.get("LAYER"));
        if (name == null) {
            throw OgcException.missing("LAYER");
        }
        LayerCatalogue.Layer layer = visibleLayer(who, name);
        if (layer == null) {
            throw new OgcException("LayerNotDefined", "LAYER", "no layer named " + name);
        }
        String format = params.getOrDefault("FORMAT", "image/png").trim().toLowerCase(Locale.ROOT);
        if (!format.equals("image/png")) {
            throw new OgcException("InvalidFormat", "FORMAT", "legends are served as image/png");
        }
        String styleName = trim(params.get("STYLE"));
        LayerCatalogue.Style style = styleName == null ? layer.styles().get(0) : layer.style(styleName);
        if (style == null) {
            throw new OgcException("StyleNotDefined", "STYLE", "layer " + name + " has no style " + styleName);
        }
        BufferedImage image;
        if (layer.kind() instanceof ForecastKind) {
            // a forecast's legend states its own validation, so it is drawn for the period and requester asked
            LayerDims d = dims(who, layer, params);
            org.safemap.runs.ForecastMap f = ForecastKind.forecast(layerData(), layer, d);
            List<String> lines = new ArrayList<>(f == null ? List.of() : ForecastKind.legendLines(f));
            lines.addAll(hoursLines(layer, d));
            image = LegendGraphic.draw(layer.title(), style.style(), lines);
        } else if (layer.kind().timed() && (present(params, "HOURS") || present(params, "WEEKDAYS"))) {
            // the legend of a map drawn for some hours says which, or that the layer's counts cover every hour
            image = LegendGraphic.draw(layer.title(), style.style(), hoursLines(layer, dims(who, layer, params)));
        } else {
            image = legendImage(layer, style);
        }
        return Response.of("image/png", ImageEncoder.encode(image, ImageEncoder.Format.PNG, true, Color.WHITE));
    }

    private static boolean present(Map<String, String> params, String dim) {
        String v = params.get("DIM_" + dim) != null ? params.get("DIM_" + dim) : params.get(dim);
        return v != null && !v.isBlank() && !v.trim().equalsIgnoreCase("all");
    }

    /**
     * What a legend says of the hours and days a layer is drawn for: those asked for on a layer that applies them,
     * else that its monthly counts cover every hour ({@link CountTableKind#EVERY_HOUR}).
     */
    static List<String> hoursLines(LayerCatalogue.Layer layer, LayerDims dims) {
        if (!layer.kind().timeOfWeek()) {
            return List.of("Every hour and day: monthly counts,", "the hour and day filters do not apply");
        }
        List<String> out = new ArrayList<>();
        if (dims.hours() != null) {
            out.add("Hours " + dims.hoursText() + " (UK local time)");
        }
        if (dims.weekdays() != null) {
            out.add("Days " + dims.weekdaysText());
        }
        return out;
    }

    BufferedImage legendImage(LayerCatalogue.Layer layer, LayerCatalogue.Style style) {
        return legends.computeIfAbsent(
                layer.name() + "|" + style.style().name(), k -> LegendGraphic.draw(layer.title(), style.style()));
    }

    /** Completed runs of a run-areas layer, the default first; read once per data version (tiles ask on every request). */
    List<Long> runs(LayerCatalogue.Layer layer) {
        return List.copyOf(runTitles(layer).keySet());
    }

    /**
     * The same runs with readable titles (capabilities and the viewer's run picker list them), the default first, read
     * once per data version; empty for a layer that draws no runs.
     */
    public Map<Long, String> runTitles(LayerCatalogue.Layer layer) {
        if (!(layer.kind() instanceof RunAreasKind)) {
            return Map.of();
        }
        String key = state().version() + "|" + layer.source().runKind() + "|"
                + layer.source().level();
        Map<Long, String> cached = runs.get(key);
        if (cached == null) {
            if (runs.size() > 64) {
                runs.clear();
            }
            cached = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
                    data.runTitles(layer.source().runKind(), layer.source().level())));
            runs.put(key, cached);
        }
        return cached;
    }

    private List<LayerCatalogue.Layer> layers(String value, String parameter, Principal who, MapState s) {
        if (value == null || value.isBlank()) {
            throw OgcException.missing(parameter);
        }
        List<LayerCatalogue.Layer> out = new ArrayList<>();
        for (String name : value.split(",", -1)) {
            LayerCatalogue.Layer l = catalogue.layer(name.trim());
            if (l != null && !audience.visible(who, l, s)) {
                l = null; // not this principal's to see: answered exactly as a layer that does not exist
            }
            if (l == null) {
                throw new OgcException(
                        "LayerNotDefined",
                        parameter,
                        "no layer named '" + name.trim() + "'; GetCapabilities lists them");
            }
            out.add(l);
        }
        if (out.size() > Capabilities.MAX_LAYERS) {
            throw OgcException.invalid(parameter, "at most " + Capabilities.MAX_LAYERS + " layers per request");
        }
        return out;
    }

    private List<SldStyle> styles(List<LayerCatalogue.Layer> layers, String stylesParam, String sldBody) {
        List<SldStyle> out = new ArrayList<>();
        String[] names = stylesParam == null || stylesParam.isBlank() ? new String[0] : stylesParam.split(",", -1);
        if (names.length != 0 && names.length != layers.size()) {
            throw new OgcException(
                    "StyleNotDefined",
                    "STYLES",
                    "STYLES names " + names.length + " styles for " + layers.size()
                            + " layers; give one per layer (empty for the default) or none");
        }
        for (int k = 0; k < layers.size(); k++) {
            LayerCatalogue.Layer l = layers.get(k);
            String name = names.length == 0 ? "" : names[k].trim();
            if (name.isEmpty() || name.equalsIgnoreCase("default")) {
                out.add(l.style());
            } else {
                LayerCatalogue.Style s = l.style(name);
                if (s == null) {
                    throw new OgcException(
                            "StyleNotDefined",
                            "STYLES",
                            "layer " + l.name() + " has no style '" + name + "'; it has "
                                    + String.join(
                                            ", ",
                                            l.styles().stream()
                                                    .map(x -> x.style().name())
                                                    .toList()));
                }
                out.add(s.style());
            }
        }
        if (sldBody != null && !sldBody.isBlank()) {
            applySldBody(layers, out, sldBody);
        }
        return out;
    }

    /** SLD_BODY: NamedStyle picks a catalogue style; UserStyle must stay within the supported subset. */
    private static void applySldBody(List<LayerCatalogue.Layer> layers, List<SldStyle> styles, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_SLD_BYTES) {
            throw OgcException.invalid("SLD_BODY", "SLD_BODY is " + bytes.length + " bytes; at most " + MAX_SLD_BYTES);
        }
        List<SldReader.LayerStyle> given;
        try {
            given = SldReader.readDocument(new ByteArrayInputStream(bytes), "SLD_BODY");
        } catch (SafemapException e) {
            throw OgcException.invalid("SLD_BODY", e.getMessage());
        }
        for (SldReader.LayerStyle ls : given) {
            int k = -1;
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i).name().equals(ls.layer())) {
                    k = i;
                }
            }
            if (k < 0) {
                throw new OgcException(
                        "LayerNotDefined",
                        "SLD_BODY",
                        "SLD_BODY styles layer '" + ls.layer() + "', which is not in LAYERS");
            }
            LayerCatalogue.Layer layer = layers.get(k);
            if (ls.namedStyle() != null) {
                LayerCatalogue.Style s = layer.style(ls.namedStyle());
                if (s == null) {
                    throw new OgcException(
                            "StyleNotDefined",
                            "SLD_BODY",
                            "layer " + layer.name() + " has no style '" + ls.namedStyle() + "'");
                }
                styles.set(k, s.style());
            } else {
                boolean density = layer.kind().raster();
                if (density != ls.userStyle().isRaster()) {
                    throw OgcException.invalid(
                            "SLD_BODY",
                            "layer " + layer.name()
                                    + (density
                                            ? " is a density surface: style it with a RasterSymbolizer and a ColorMap"
                                            : " has features: style it with Polygon-, Line-, Point- or TextSymbolizers"));
                }
                styles.set(k, ls.userStyle());
            }
        }
    }

    private static MapView view(String bbox, MapCrs crs, int width, int height) {
        if (bbox == null || bbox.isBlank()) {
            throw OgcException.missing("BBOX");
        }
        String[] parts = bbox.split(",", -1);
        if (parts.length != 4 && parts.length != 5) {
            throw OgcException.invalid("BBOX", "BBOX must be minx,miny,maxx,maxy; got '" + bbox + "'");
        }
        double[] v = new double[4];
        for (int k = 0; k < 4; k++) {
            try {
                v[k] = Double.parseDouble(parts[k].trim());
            } catch (NumberFormatException e) {
                throw OgcException.invalid("BBOX", "BBOX value '" + parts[k] + "' is not a number");
            }
            if (!Double.isFinite(v[k])) {
                throw OgcException.invalid("BBOX", "BBOX values must be finite numbers");
            }
        }
        if (crs.northingFirst()) {
            v = new double[] {v[1], v[0], v[3], v[2]};
        }
        if (!(v[2] > v[0]) || !(v[3] > v[1])) {
            throw OgcException.invalid(
                    "BBOX",
                    "BBOX " + bbox + " is empty or inverted (minimum not below maximum"
                            + (crs.northingFirst() ? "; EPSG:4326 in WMS 1.3.0 is latitude first" : "") + ")");
        }
        return new MapView(crs, v[0], v[1], v[2], v[3], width, height);
    }

    /** The valid area of each CRS, x first: where coordinates mean a place (longitudes may wrap once each way). */
    private static double[] validArea(MapCrs crs) {
        if (crs.degrees()) {
            return new double[] {-540, -90, 540, 90};
        }
        if (crs.crs() == org.safemap.geo.Crs.WEB_MERCATOR) {
            double m = 20_037_508.342789244;
            return new double[] {-m, -m, m, m};
        }
        double limit = 1e7; // metres: the British National Grid holds no place beyond a few thousand km
        return new double[] {-limit, -limit, limit, limit};
    }

    /**
     * The part of a GetMap view within its CRS's valid area, on whole pixels: the view itself when it lies within,
     * null when nothing does. WMS 1.3.0 (7.3.3.6) asks for empty content outside the valid range, not an exception.
     */
    private static MapView valid(MapView v) {
        double[] a = validArea(v.crs());
        if (v.minX() >= a[0] && v.maxX() <= a[2] && v.minY() >= a[1] && v.maxY() <= a[3]) {
            return v;
        }
        int i0 = (int) Math.max(0, Math.ceil((a[0] - v.minX()) / v.resX() - 1e-9));
        int i1 = (int) Math.min(v.width(), Math.floor((a[2] - v.minX()) / v.resX() + 1e-9));
        int j0 = (int) Math.max(0, Math.ceil((v.maxY() - a[3]) / v.resY() - 1e-9));
        int j1 = (int) Math.min(v.height(), Math.floor((v.maxY() - a[1]) / v.resY() + 1e-9));
        if (i1 <= i0 || j1 <= j0) {
            return null;
        }
        return new MapView(
                v.crs(),
                v.minX() + i0 * v.resX(),
                v.maxY() - j1 * v.resY(),
                v.minX() + i1 * v.resX(),
                v.maxY() - j0 * v.resY(),
                i1 - i0,
                j1 - j0);
    }

    /** GetFeatureInfo asks about a pixel, which must be a place: a BBOX beyond the valid area is refused. */
    private static MapView refuseInvalid(MapView v, String bbox) {
        if (valid(v) != v) {
            throw OgcException.invalid(
                    "BBOX",
                    "BBOX " + bbox + " reaches beyond the valid area of "
                            + v.crs().code());
        }
        return v;
    }

    private static int size(String value, String parameter, int max) {
        if (value == null || value.isBlank()) {
            throw OgcException.missing(parameter);
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw OgcException.invalid(parameter, parameter + " '" + value + "' is not a whole number");
        }
        if (n < 1 || n > max) {
            throw OgcException.invalid(
                    parameter,
                    parameter + " " + n + " is outside 1 to " + max + " (the server's limit, SAFEMAP_WMS_MAX_SIZE)");
        }
        return n;
    }

    private static int point(String value, String parameter, int size) {
        if (value == null || value.isBlank()) {
            throw OgcException.missing(parameter);
        }
        int n;
        try {
            n = (int) Math.floor(Double.parseDouble(value.trim()));
        } catch (NumberFormatException e) {
            throw new OgcException("InvalidPoint", parameter, parameter + " '" + value + "' is not a pixel position");
        }
        if (n < 0 || n >= size) {
            throw new OgcException(
                    "InvalidPoint", parameter, parameter + " " + n + " is outside the image (0 to " + (size - 1) + ")");
        }
        return n;
    }

    private static boolean bool(String value, String parameter) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "TRUE" -> true;
            case "FALSE" -> false;
            default -> throw OgcException.invalid(parameter, parameter + " must be TRUE or FALSE");
        };
    }

    private static Color colour(String value) {
        if (value == null || value.isBlank()) {
            return Color.WHITE;
        }
        String v = value.trim();
        if (v.regionMatches(true, 0, "0x", 0, 2)) {
            v = v.substring(2);
        } else if (v.startsWith("#")) {
            v = v.substring(1);
        }
        if (!v.matches("[0-9A-Fa-f]{6}")) {
            throw OgcException.invalid("BGCOLOR", "BGCOLOR must be 0xRRGGBB");
        }
        return new Color(Integer.parseInt(v, 16));
    }

    /** A refusal in the form the client asked for: XML report, an image with the message, or a blank image. */
    private Response exception(OgcException e, WmsVersion version, String exceptions, Map<String, String> params) {
        boolean inImage = exceptions.equals("INIMAGE") || exceptions.equals("APPLICATION/VND.OGC.SE_INIMAGE");
        boolean blank = exceptions.equals("BLANK") || exceptions.equals("APPLICATION/VND.OGC.SE_BLANK");
        if ((inImage || blank) && "getmap".equalsIgnoreCase(trim(params.get("REQUEST")))) {
            try {
                int w = size(params.get("WIDTH"), "WIDTH", maxWidth);
                int h = size(params.get("HEIGHT"), "HEIGHT", maxHeight);
                ImageEncoder.Format f = ImageEncoder.format(params.get("FORMAT"));
                boolean transparent = bool(params.get("TRANSPARENT"), "TRANSPARENT");
                Color bg = colour(params.get("BGCOLOR"));
                BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
                if (inImage) {
                    Graphics2D g = image.createGraphics();
                    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                    g.setColor(new Color(0xB91C1C));
                    g.setFont(new Font("SansSerif", Font.PLAIN, 12));
                    g.drawString(e.code() + ": " + e.getMessage(), 4, 16);
                    g.dispose();
                }
                return new Response(200, f.mime(), ImageEncoder.encode(image, f, transparent, bg), e.code());
            } catch (OgcException ignored) {
                // The image itself cannot be made from these parameters: fall back to the XML report.
            }
        }
        return new Response(
                200,
                version == WmsVersion.V1_3_0 ? "text/xml; charset=UTF-8" : "application/vnd.ogc.se_xml; charset=UTF-8",
                ExceptionReport.xml(e, version).getBytes(StandardCharsets.UTF_8),
                e.code());
    }

    private static String trim(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
