package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.awt.ShapeWriter;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.sharing.Role;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * SafeMap's WMS, WMTS and OGC API - Features in QGIS 3 itself (Debian's python3-qgis, headless, run by
 * {@code interop/qgis_render.py}, installed by {@code ./safemap test}): layers added as QGIS's Add WMS/WMTS and
 * WFS / OGC API - Features Layer dialogs add them, anonymously and signed in with an API token (Basic in the layer's
 * URI, and a Basic configuration in QGIS's authentication database), rendered by QGIS's map renderer in EPSG:27700
 * and EPSG:3857. What QGIS drew of a WMS or WMTS layer must be what SafeMap's own GetMap draws for the same box and
 * size; a Features layer must hold every area with the attributes the service gives and the outlines PostGIS holds
 * (drawn area by area as Java2D draws PostGIS's outlines); and a partner layer must not reach QGIS without
 * credentials. A WMS-T layer, added as QGIS 3.22's dialog adds one, is set to its full range in QGIS's Temporal
 * Controller panel, drawn at two of its frames and clicked with QGIS's Identify tool; a Features connection carries a
 * month in its URL, and a Features layer is filtered on its period; what QGIS asked the
 * server for is read from the server's request log. The server runs with its real authentication, so the credentials travel as QGIS sends them. A missing
 * QGIS fails the test.
 */
class QgisIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final long LIMIT_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "qgis-analyst";
    private static final Path ARTEFACTS =
            Path.of(System.getProperty("safemap.test.artefacts", "target/test-artefacts"));

    /**
     * Liverpool city centre, 800 × 600 at 5 m a pixel in British National Grid. Boxes lie inside the layers' extents:
     * QGIS asks a WMS only for the part of the view the layer's extent covers, and that part's edge is no pixel edge.
     */
    private static final double[] BNG_BOX = {334000, 389000, 338000, 392000};
    /**
     * Central and eastern Liverpool, 800 × 600 at 10 m a pixel in British National Grid, inside the wards' extent: wards
     * whose monthly rates fall in different classes in the two months the temporal controller draws (in the centre
     * every ward is in the top class every month).
     */
    private static final double[] WARDS_BOX = {336000, 388000, 344000, 394000};
    /** Liverpool city centre, 800 × 600 at 10 m a pixel in Web Mercator. */
    private static final double[] MERCATOR_BOX = {-333000, 7055000, -325000, 7061000};

    /** The CRS QGIS 3.22 gives an OGC API - Features layer: CRS84 GeoJSON, read as EPSG:4326 in QGIS's x-first order. */
    private static final String FEATURES_CRS = "EPSG:4326";

    /** The area level of each Features collection QGIS adds, for its outlines and codes from PostGIS. */
    private static final Map<String, String> FEATURE_LEVELS = Map.of(
            "ward-boundaries",
            "ward",
            "lsoa-boundaries",
            "lsoa",
            "incident-counts-ward",
            "ward",
            "incident-counts-lad",
            "lad");

    /** The WMS-T layer QGIS's temporal controller steps through, and the two months it is drawn at. */
    private static final String TEMPORAL_LAYER = "incident-counts-ward";

    private static final String FIRST_FRAME = "2022-02";
    /** The month a Features connection asks for; not the latest, which a connection without datetime gets. */
    private static final String FEATURES_MONTH = "2022-03";

    private static final String SECOND_FRAME = "2022-06";

    /** The step units the Temporal Controller is set to its full range with: a month, and each value the layer has. */
    private static final List<String> CONTROLLER_STEPS = List.of("months", "source timestamps");

    /** A filter on a count collection's month as a user types it in QGIS's Filter... dialog (period is a date). */
    private static final String PERIOD_FILTER = "\"period\" = '" + FEATURES_MONTH + "-01'";

    /** One render of one layer: the map's CRS, box and size, and the temporal controller's month (or null). */
    record Render(String crs, double[] box, int width, int height, String month) {
        Render(String crs, double[] box, int width, int height) {
            this(crs, box, width, height, null);
        }

        /** The same render as the temporal controller's frame of one month. */
        Render at(String month) {
            return new Render(crs, box, width, height, month);
        }
    }

    /** A click of QGIS's Identify tool: the map point, in a canvas of the render's CRS, box and size, at a month. */
    record Identify(double x, double y, Render canvas) {}

    /** The frame of a month as the temporal controller makes it: [its first instant, the next month's) in UTC. */
    private static List<String> frame(String month) {
        YearMonth m = YearMonth.parse(month);
        return List.of(m.atDay(1) + "T00:00:00Z", m.plusMonths(1).atDay(1) + "T00:00:00Z");
    }

    /** One layer as QGIS adds it: through which service, signed in how, drawn where. */
    record Layer(
            String name,
            String service,
            String layer,
            String crs,
            String style,
            String matrixSet,
            String auth,
            List<Render> renders,
            Map<String, String> dimensions,
            String timeExtent,
            List<Identify> identify,
            List<String> controllerSteps,
            String subset) {
        Layer(
                String name,
                String service,
                String layer,
                String crs,
                String style,
                String matrixSet,
                String auth,
                List<Render> renders,
                Map<String, String> dimensions) {
            this(
                    name,
                    service,
                    layer,
                    crs,
                    style,
                    matrixSet,
                    auth,
                    renders,
                    dimensions,
                    null,
                    List.of(),
                    List.of(),
                    null);
        }

        /** The same layer with QGIS's Temporal Controller set to its full range with each of these step units. */
        Layer controlled(List<String> steps) {
            return with(steps, subset);
        }

        /** The same layer with a filter expression as its subset string (the layer's Filter... dialog). */
        Layer filtered(String expression) {
            return with(controllerSteps, expression);
        }

        private Layer with(List<String> steps, String expression) {
            return new Layer(
                    name,
                    service,
                    layer,
                    crs,
                    style,
                    matrixSet,
                    auth,
                    renders,
                    dimensions,
                    timeExtent,
                    identify,
                    steps,
                    expression);
        }

        Layer(
                String name,
                String service,
                String layer,
                String crs,
                String style,
                String matrixSet,
                String auth,
                List<Render> renders) {
            this(name, service, layer, crs, style, matrixSet, auth, renders, Map.of());
        }

        /** The same dimensions as WMS GetMap parameters (time, or DIM_ for the others). */
        String wmsDimensions() {
            StringBuilder out = new StringBuilder();
            dimensions.forEach((k, v) -> out.append('&')
                    .append(k.equals("time") ? "TIME" : "DIM_" + k.toUpperCase(Locale.ROOT))
                    .append('=')
                    .append(v));
            return out.toString();
        }

        boolean signedIn() {
            return !auth.equals("none");
        }
    }

    private static Database db;
    private static App app;
    private static String base;
    private static String token;
    private static Path dir;
    private static Map<String, Layer> layers;
    private static Map<String, JsonNode> report;
    /** The server's request log lines while QGIS ran: what QGIS asked for. */
    private static final List<String> served = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        db = TestData.demoDatabase();
        token = TestUsers.token(db, USER, Role.ANALYST, "csp", "strategic-assessment");
        app = App.start(TestSettings.defaults(), db);
        base = "http://127.0.0.1:" + app.port();
        dir = Files.createTempDirectory(TestSettings.varDir(), "qgis-");
        Files.createDirectories(ARTEFACTS);
        layers = new LinkedHashMap<>();
        for (Layer l : plan(timeDimension(capabilities(true), TEMPORAL_LAYER), wardClick())) {
            layers.put(l.name(), l);
        }
        Logger http = (Logger) LoggerFactory.getLogger("http");
        ListAppender<ILoggingEvent> requests = new ListAppender<>();
        requests.start();
        http.addAppender(requests);
        try {
            report = runQgis();
        } finally {
            http.detachAppender(requests);
        }
        requests.list.forEach(e -> served.add(e.getFormattedMessage()));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /**
     * The layers QGIS adds. WMTS renders sit exactly on their tile matrix (2 × 2 tiles at the matrix's own
     * resolution), so QGIS draws the tiles unscaled and the picture can be compared with GetMap pixel for pixel.
     */
    private static List<Layer> plan(String timeExtent, Identify click) {
        Render bng = new Render("EPSG:27700", BNG_BOX, 800, 600);
        Render wards = new Render("EPSG:27700", WARDS_BOX, 800, 600);
        Render mercator = new Render("EPSG:3857", MERCATOR_BOX, 800, 600);
        // The OS Maps API grid at level 8: 3.5 m a pixel, 896 m tiles from (-238375, 1376256).
        double span = 896.0;
        double minX = -238375 + Math.floor((BNG_BOX[0] + 1000 + 238375) / span) * span;
        double maxY = 1376256 - Math.floor((1376256 - BNG_BOX[3] + 1000) / span) * span;
        Render bngTiles =
                new Render("EPSG:27700", new double[] {minX, maxY - 2 * span, minX + 2 * span, maxY}, 512, 512);
        // GoogleMapsCompatible zoom 12, tiles x 2014-2015, y 1326-1327 (Liverpool).
        double world = 20037508.342789244;
        double tile = 2 * world / (1 << 12);
        Render googleTiles = new Render(
                "EPSG:3857",
                new double[] {-world + 2014 * tile, world - 1328 * tile, -world + 2016 * tile, world - 1326 * tile},
                512,
                512);
        return List.of(
                new Layer("wms-asb-bng-anonymous", "wms", "density-asb", "EPSG:27700", "", null, "none", List.of(bng)),
                new Layer(
                        "wms-asb-mercator-anonymous",
                        "wms",
                        "density-asb",
                        "EPSG:3857",
                        "",
                        null,
                        "none",
                        List.of(mercator)),
                new Layer(
                        "wms-wards-bng-anonymous",
                        "wms",
                        "ward-boundaries",
                        "EPSG:27700",
                        "",
                        null,
                        "none",
                        List.of(bng)),
                new Layer("wms-all-bng-basic", "wms", "density-all", "EPSG:27700", "", null, "basic", List.of(bng)),
                new Layer(
                        "wms-all-mercator-authcfg",
                        "wms",
                        "density-all",
                        "EPSG:3857",
                        "",
                        null,
                        "authcfg",
                        List.of(mercator)),
                new Layer("wms-all-bng-anonymous", "wms", "density-all", "EPSG:27700", "", null, "none", List.of(bng)),
                new Layer(
                        "wmts-asb-bng-anonymous",
                        "wmts",
                        "density-asb",
                        "EPSG:27700",
                        "density",
                        "EPSG:27700",
                        "none",
                        List.of(bngTiles)),
                new Layer(
                        "wmts-all-bng-authcfg",
                        "wmts",
                        "density-all",
                        "EPSG:27700",
                        "density",
                        "EPSG:27700",
                        "authcfg",
                        List.of(bngTiles)),
                new Layer(
                        "wmts-all-google-basic",
                        "wmts",
                        "density-all",
                        "EPSG:3857",
                        "density",
                        "GoogleMapsCompatible",
                        "basic",
                        List.of(googleTiles)),
                // a change layer against a baseline the user picked, as QGIS's Select Dimensions dialog sets it
                new Layer(
                        "wmts-change-bng-basic",
                        "wmts",
                        "density-change",
                        "EPSG:27700",
                        "",
                        "EPSG:27700",
                        "basic",
                        List.of(bngTiles),
                        Map.of("time", "2022-07", "baseline", "2022-01")),
                // the weekend nights picked in the Select Dimensions dialog from the hours and weekdays values
                new Layer(
                        "wmts-night-bng-basic",
                        "wmts",
                        "density-all",
                        "EPSG:27700",
                        "density",
                        "EPSG:27700",
                        "basic",
                        List.of(bngTiles),
                        Map.of("time", "2022-07", "hours", "22-3", "weekdays", "fri-sat")),
                new Layer(
                        "wmts-all-bng-anonymous",
                        "wmts",
                        "density-all",
                        "EPSG:27700",
                        "density",
                        "EPSG:27700",
                        "none",
                        List.of(bngTiles)),
                // OGC API - Features: QGIS 3.22 reads GeoJSON in CRS84 and reprojects it to the map's CRS itself
                new Layer(
                        "features-wards-anonymous",
                        "oapif",
                        "ward-boundaries",
                        FEATURES_CRS,
                        "",
                        null,
                        "none",
                        List.of(bng, mercator)),
                new Layer(
                        "features-lsoas-basic",
                        "oapif",
                        "lsoa-boundaries",
                        FEATURES_CRS,
                        "",
                        null,
                        "basic",
                        List.of(bng)),
                new Layer(
                        "features-counts-ward-authcfg",
                        "oapif",
                        "incident-counts-ward",
                        FEATURES_CRS,
                        "",
                        null,
                        "authcfg",
                        List.of(bng, mercator)),
                // a WMS-T layer as QGIS 3.22's dialog adds one, set to its full range in the temporal controller, drawn
                // at two frames of it and clicked with the Identify tool in the first
                new Layer(
                                "wms-counts-ward-months-authcfg",
                                "wms",
                                TEMPORAL_LAYER,
                                "EPSG:27700",
                                "",
                                null,
                                "authcfg",
                                List.of(wards.at(FIRST_FRAME), wards.at(SECOND_FRAME)),
                                Map.of(),
                                timeExtent,
                                List.of(click),
                                List.of(),
                                null)
                        .controlled(CONTROLLER_STEPS),
                // a count collection of one month: the month in the connection's URL, which QGIS repeats on every
                // request (one way to pick a month; a filter on period is the other: see docs/wms.md)
                new Layer(
                        "features-counts-lad-march-basic",
                        "oapif",
                        "incident-counts-lad",
                        FEATURES_CRS,
                        "",
                        null,
                        "basic",
                        List.of(bng),
                        Map.of("datetime", FEATURES_MONTH)),
                // ward counts filtered on a month, as the layer's Filter... dialog sets it: QGIS asks the server
                new Layer(
                                "features-counts-ward-filtered-basic",
                                "oapif",
                                "incident-counts-ward",
                                FEATURES_CRS,
                                "",
                                null,
                                "basic",
                                List.of())
                        .filtered(PERIOD_FILTER),
                new Layer(
                        "features-counts-ward-anonymous",
                        "oapif",
                        "incident-counts-ward",
                        FEATURES_CRS,
                        "",
                        null,
                        "none",
                        List.of(bng)));
    }

    private static String png(Layer l, int k, String who) {
        return ARTEFACTS
                .resolve("qgis-" + l.name() + "-" + k + "-" + who + ".png")
                .toAbsolutePath()
                .toString();
    }

    private static Map<String, JsonNode> runQgis() throws IOException, InterruptedException {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("base", base);
        spec.put("profile", Files.createDirectories(dir.resolve("profile")).toString());
        spec.put("user", USER);
        spec.put("token", token);
        ArrayNode list = spec.putArray("layers");
        for (Layer l : layers.values()) {
            ObjectNode o = list.addObject();
            o.put("name", l.name());
            o.put("service", l.service());
            o.put("layer", l.layer());
            o.put("crs", l.crs());
            o.put("style", l.style());
            if (l.matrixSet() != null) {
                o.put("matrixSet", l.matrixSet());
            }
            if (!l.dimensions().isEmpty()) {
                ObjectNode d = o.putObject("dimensions");
                l.dimensions().forEach(d::put);
            }
            o.put("auth", l.auth());
            if (l.timeExtent() != null) {
                o.putObject("temporal").put("timeDimensionExtent", l.timeExtent());
            }
            if (!l.controllerSteps().isEmpty()) {
                ArrayNode steps = o.putArray("temporalController");
                l.controllerSteps().forEach(steps::add);
            }
            if (l.subset() != null) {
                o.put("subset", l.subset());
            }
            ArrayNode renders = o.putArray("renders");
            for (int k = 0; k < l.renders().size(); k++) {
                Render r = l.renders().get(k);
                ObjectNode ro = canvas(renders.addObject(), r);
                ro.put("png", png(l, k, "qgis"));
            }
            if (!l.identify().isEmpty()) {
                ArrayNode clicks = o.putArray("identify");
                for (Identify i : l.identify()) {
                    canvas(clicks.addObject(), i.canvas())
                            .putArray("point")
                            .add(i.x())
                            .add(i.y());
                }
            }
        }
        // The spec holds the token: a file of the test's own, not the command line other users can read.
        Path specFile = dir.resolve("spec.json");
        Files.writeString(specFile, JSON.writeValueAsString(spec), StandardCharsets.UTF_8);
        Path script = dir.resolve("qgis_render.py");
        try (var in = QgisIT.class.getClassLoader().getResourceAsStream("interop/qgis_render.py")) {
            Files.copy(in, script);
        }
        Path out = dir.resolve("report.json");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder b = new ProcessBuilder(PYTHON, script.toString(), specFile.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        b.environment().put("QT_QPA_PLATFORM", "offscreen");
        // QGIS's network cache and settings go to the test's own folders, not the user's home
        for (String xdg : List.of("XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")) {
            b.environment()
                    .put(
                            xdg,
                            Files.createDirectories(dir.resolve(xdg.toLowerCase(Locale.ROOT)))
                                    .toString());
        }
        long started = System.nanoTime();
        Process p = b.start();
        if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("QGIS did not finish in " + LIMIT_SECONDS + " s");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as("qgis_render.py failed; QGIS comes from Debian's python3-qgis, which ./safemap test installs:\n"
                        + stderr)
                .isZero();
        JsonNode all = JSON.readTree(out.toFile());
        System.out.printf(
                Locale.ROOT,
                "QGIS %s added and rendered %d layers in %.1f s%n",
                all.path("qgis").asText(),
                layers.size(),
                (System.nanoTime() - started) / 1e9);
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode l : all.path("layers")) {
            byName.put(l.path("name").asText(), l);
        }
        assertThat(byName.keySet()).containsExactlyElementsOf(layers.keySet());
        return byName;
    }

    /** A map's CRS, extent, size and temporal frame in the spec's form. */
    private static ObjectNode canvas(ObjectNode o, Render r) {
        o.put("crs", r.crs());
        ArrayNode box = o.putArray("extent");
        for (double v : r.box()) {
            box.add(v);
        }
        o.put("width", r.width());
        o.put("height", r.height());
        if (r.month() != null) {
            ArrayNode time = o.putArray("time");
            frame(r.month()).forEach(time::add);
        }
        return o;
    }

    /** The text of a layer's time Dimension in WMS 1.3.0 capabilities, which QGIS's dialog copies into the URI. */
    private static String timeDimension(Document caps, String layer) {
        NodeList names = caps.getElementsByTagNameNS("http://www.opengis.net/wms", "Name");
        for (int k = 0; k < names.getLength(); k++) {
            if (names.item(k).getTextContent().equals(layer)) {
                NodeList dims = ((Element) names.item(k).getParentNode())
                        .getElementsByTagNameNS("http://www.opengis.net/wms", "Dimension");
                for (int j = 0; j < dims.getLength(); j++) {
                    Element d = (Element) dims.item(j);
                    if (d.getAttribute("name").equals("time")) {
                        return d.getTextContent().trim();
                    }
                }
            }
        }
        throw new AssertionError(layer + " has no time Dimension");
    }

    /**
     * A click well inside a ward in the middle of the map: the centre of the largest circle inside the first ward (by
     * code) whose circle, 100 m or more across, lies in the central half of the box, by PostGIS.
     */
    private static Identify wardClick() {
        double[] b = BNG_BOX;
        double dx = (b[2] - b[0]) / 4;
        double dy = (b[3] - b[1]) / 4;
        List<Object> row = Sql.rows(
                        db,
                        "SELECT ST_X(center), ST_Y(center) FROM (SELECT code, (ST_MaximumInscribedCircle(geom)).* "
                                + AREAS
                                + ") x WHERE radius > 100 AND ST_X(center) BETWEEN ? AND ? AND ST_Y(center) BETWEEN ? AND ?"
                                + " ORDER BY code LIMIT 1",
                        "ward",
                        "ward",
                        b[0] + dx,
                        b[2] - dx,
                        b[1] + dy,
                        b[3] - dy)
                .get(0);
        return new Identify(
                ((Number) row.get(0)).doubleValue(),
                ((Number) row.get(1)).doubleValue(),
                new Render("EPSG:27700", BNG_BOX, 800, 600, FIRST_FRAME));
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** SafeMap's own GetMap of the render's box and size, as the layer's requester. */
    private static BufferedImage getMap(Layer l, Render r) throws IOException {
        String url = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=" + l.layer() + "&STYLES=" + l.style()
                + "&CRS=" + r.crs() + "&BBOX=" + num(r.box()[0]) + "," + num(r.box()[1]) + "," + num(r.box()[2]) + ","
                + num(r.box()[3]) + "&WIDTH=" + r.width() + "&HEIGHT=" + r.height()
                + "&FORMAT=image/png&TRANSPARENT=TRUE" + l.wmsDimensions()
                + (r.month() == null ? "" : "&TIME=" + r.month());
        HttpResponse<byte[]> res = l.signedIn() ? Http.getBytes(url, "Authorization", basic()) : Http.getBytes(url);
        assertThat(res.statusCode())
                .as(new String(res.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("image/png");
        return ImageIO.read(new ByteArrayInputStream(res.body()));
    }

    /** Pixels that differ by more than {@code tolerance} in alpha, or in a colour channel where both are opaque enough to show it. */
    private static int differing(BufferedImage a, BufferedImage b, int tolerance) {
        int n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                int alphaP = p >>> 24;
                int alphaQ = q >>> 24;
                boolean differs = Math.abs(alphaP - alphaQ) > tolerance;
                if (!differs && alphaP > 0 && alphaQ > 0) {
                    for (int shift = 0; shift < 24; shift += 8) {
                        if (Math.abs(((p >> shift) & 255) - ((q >> shift) & 255)) > tolerance) {
                            differs = true;
                        }
                    }
                }
                if (differs) {
                    n++;
                }
            }
        }
        return n;
    }

    private static long drawn(BufferedImage i) {
        long n = 0;
        for (int y = 0; y < i.getHeight(); y++) {
            for (int x = 0; x < i.getWidth(); x++) {
                if (i.getRGB(x, y) >>> 24 != 0) {
                    n++;
                }
            }
        }
        return n;
    }

    private static JsonNode entry(String name) {
        JsonNode e = report.get(name);
        assertThat(e).as(name).isNotNull();
        return e;
    }

    @Test
    void everyLayerAvailableToItsRequesterIsValidInItsCrsWithTheExtentCapabilitiesGive() throws Exception {
        Document anonymous = capabilities(false);
        Document signedIn = capabilities(true);
        for (Layer l : layers.values()) {
            if (refused(l)) {
                continue; // the refused ones, below
            }
            JsonNode e = entry(l.name());
            assertThat(e.path("valid").asBoolean()).as(e::toPrettyString).isTrue();
            assertThat(e.path("crs").asText()).as(l.name()).isEqualTo(l.crs());
            double[] extent = doubles(e.path("extent"));
            if (l.service().equals("oapif")) {
                // the extent QGIS found (the collection's, then the features'): the areas' own in CRS84, from PostGIS
                // (1 m)
                double[] areas = areaExtent(FEATURE_LEVELS.get(l.layer()));
                for (int k = 0; k < 4; k++) {
                    assertThat(extent[k]).as(l.name() + " extent " + k).isCloseTo(areas[k], offset(1e-5));
                }
                continue;
            }
            if (l.service().equals("wms")) {
                double[] advertised = boundingBox(l.signedIn() ? signedIn : anonymous, l.layer(), l.crs());
                for (int k = 0; k < 4; k++) {
                    assertThat(extent[k]).as(l.name() + " extent " + k).isCloseTo(advertised[k], within(advertised));
                }
            }
            // The layer covers the place it is drawn at: a WMS render wholly (QGIS asks only for the part inside the
            // extent), a WMTS render, whole tiles that may reach beyond the data, at its centre.
            for (Render r : l.renders()) {
                double[] b = r.box();
                double[] inside = l.service().equals("wms")
                        ? b
                        : new double[] {(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, (b[0] + b[2]) / 2, (b[1] + b[3]) / 2};
                assertThat(extent[0]).as(l.name()).isLessThanOrEqualTo(inside[0]);
                assertThat(extent[1]).as(l.name()).isLessThanOrEqualTo(inside[1]);
                assertThat(extent[2]).as(l.name()).isGreaterThanOrEqualTo(inside[2]);
                assertThat(extent[3]).as(l.name()).isGreaterThanOrEqualTo(inside[3]);
            }
        }
    }

    /** Partner layers added without credentials: QGIS must find them invalid. */
    private static boolean refused(Layer l) {
        return !l.signedIn() && (l.layer().equals("density-all") || l.layer().equals("incident-counts-ward"));
    }

    /** The latest vintage of a level's areas, as the Features collections serve them. */
    private static final String AREAS =
            "FROM area WHERE level = ? AND vintage = (SELECT max(vintage) FROM area WHERE level = ?)";

    /** The level's areas' box in CRS84 (longitude, latitude), by PostGIS. */
    private static double[] areaExtent(String level) {
        List<Object> r = Sql.rows(
                        db,
                        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(ST_Transform(geom,"
                                + " 4326)) AS e " + AREAS + ") x",
                        level,
                        level)
                .get(0);
        return new double[] {
            ((Number) r.get(0)).doubleValue(),
            ((Number) r.get(1)).doubleValue(),
            ((Number) r.get(2)).doubleValue(),
            ((Number) r.get(3)).doubleValue()
        };
    }

    /**
     * The reference picture of a Features layer: its areas' outlines from PostGIS, projected by PostGIS to the map's
     * CRS and each filled in the colour QGIS gave it (from its code) with no antialiasing by Java2D (JTS's ShapeWriter), independent of SafeMap's
     * own renderer and of the Features service.
     */
    private static BufferedImage rasterise(Layer l, Render r) {
        int srid = Integer.parseInt(r.crs().substring("EPSG:".length()));
        String level = FEATURE_LEVELS.get(l.layer());
        double[] b = r.box();
        double sx = r.width() / (b[2] - b[0]);
        double sy = r.height() / (b[3] - b[1]);
        ShapeWriter shapes = new ShapeWriter((src, dest) -> dest.setLocation((src.x - b[0]) * sx, (b[3] - src.y) * sy));
        BufferedImage image = new BufferedImage(r.width(), r.height(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        // Java2D's default normalisation moves outlines by half a pixel (1 % of the LSOA picture's pixels differed
        // along every outline); pure geometry fills the pixels whose centres lie inside, as Qt does
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        WKBReader wkb = new WKBReader();
        for (List<Object> row :
                Sql.rows(db, "SELECT code, ST_AsBinary(ST_Transform(geom, " + srid + ")) " + AREAS, level, level)) {
            CRC32 crc = new CRC32();
            crc.update(((String) row.get(0)).getBytes(StandardCharsets.UTF_8));
            g.setColor(new Color((int) crc.getValue() & 0xFFFFFF)); // qgis_render.py's code_colour
            try {
                g.fill(shapes.toShape(wkb.read((byte[]) row.get(1))));
            } catch (ParseException e) {
                throw new AssertionError(e);
            }
        }
        g.dispose();
        return image;
    }

    private static org.assertj.core.data.Offset<Double> within(double[] box) {
        // a millionth of the box: the numbers as written, read back as doubles
        return org.assertj.core.data.Offset.offset(Math.max(box[2] - box[0], box[3] - box[1]) * 1e-6);
    }

    private static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = a.get(k).asDouble();
        }
        return d;
    }

    private static Document capabilities(boolean signedIn) throws Exception {
        String url = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities";
        HttpResponse<byte[]> r = signedIn ? Http.getBytes(url, "Authorization", basic()) : Http.getBytes(url);
        assertThat(r.statusCode()).isEqualTo(200);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body()));
    }

    /** The layer's BoundingBox in that CRS from WMS 1.3.0 capabilities, x first (both CRSs here are x first). */
    private static double[] boundingBox(Document caps, String layer, String crs) {
        NodeList names = caps.getElementsByTagNameNS("http://www.opengis.net/wms", "Name");
        for (int k = 0; k < names.getLength(); k++) {
            if (names.item(k).getTextContent().equals(layer)
                    && names.item(k).getParentNode().getLocalName().equals("Layer")) {
                Element l = (Element) names.item(k).getParentNode();
                NodeList boxes = l.getElementsByTagNameNS("http://www.opengis.net/wms", "BoundingBox");
                for (int j = 0; j < boxes.getLength(); j++) {
                    Element b = (Element) boxes.item(j);
                    if (b.getAttribute("CRS").equals(crs) && b.getParentNode() == l) {
                        return new double[] {
                            Double.parseDouble(b.getAttribute("minx")),
                            Double.parseDouble(b.getAttribute("miny")),
                            Double.parseDouble(b.getAttribute("maxx")),
                            Double.parseDouble(b.getAttribute("maxy"))
                        };
                    }
                }
            }
        }
        throw new AssertionError(layer + " has no BoundingBox in " + crs);
    }

    @Test
    void whatQgisRendersIsWhatSafeMapsGetMapDrawsForTheSameBoxAndSize() throws Exception {
        List<String> summary = new ArrayList<>();
        for (Layer l : layers.values()) {
            JsonNode e = entry(l.name());
            if (!e.path("valid").asBoolean()) {
                continue; // the refused ones, below; the test above requires the rest valid
            }
            for (int k = 0; k < l.renders().size(); k++) {
                Render r = l.renders().get(k);
                JsonNode done = e.path("renders").path(k);
                assertThat(done.path("errors").size()).as(done::toPrettyString).isZero();
                assertThat(done.path("saved").asBoolean())
                        .as(done::toPrettyString)
                        .isTrue();
                BufferedImage qgis =
                        ImageIO.read(Path.of(done.path("png").asText()).toFile());
                boolean features = l.service().equals("oapif");
                BufferedImage safemap = features ? rasterise(l, r) : getMap(l, r);
                ImageIO.write(safemap, "png", Path.of(png(l, k, "safemap")).toFile());
                assertThat(qgis.getWidth()).isEqualTo(r.width());
                assertThat(qgis.getHeight()).isEqualTo(r.height());
                long drawn = drawn(safemap);
                // the places are chosen where every layer draws: a blank picture would prove nothing
                assertThat(drawn)
                        .as(l.name() + ": SafeMap's GetMap draws something")
                        .isGreaterThan(r.width() * 10L);
                assertThat(drawn(qgis)).as(l.name() + ": QGIS draws something").isGreaterThan(r.width() * 10L);
                int differing = differing(qgis, safemap, 3);
                summary.add(String.format(
                        Locale.ROOT,
                        "%s in %s: %d of %d drawn pixels differ, %.2f s",
                        l.name(),
                        r.crs(),
                        differing,
                        drawn,
                        done.path("seconds").asDouble()));
                assertThat(differing)
                        .as(l.name() + " " + r.crs() + ": QGIS's picture against " + (features ? "PostGIS" : "GetMap"))
                        .isLessThanOrEqualTo((int) (drawn / 1000));
            }
        }
        summary.forEach(System.out::println);
    }

    /**
     * The night QGIS drew from its picked hours and weekdays is not every hour's: the dimensions reached the tiles
     * (the test above compares the picture with GetMap of the same DIM_HOURS and DIM_WEEKDAYS).
     */
    @Test
    void qgisDrawsTheHoursAndDaysItPicked() throws Exception {
        differsFromGetMapOfJuly(
                "wmts-night-bng-basic", "hours%3D22-3", "QGIS's weekend nights against GetMap's every hour");
    }

    /**
     * The change layer QGIS drew against its picked baseline is not the one against the default baseline: the
     * baseline reached the tiles (the test above compares it with GetMap against the same baseline).
     */
    @Test
    void qgisDrawsAChangeLayerAgainstTheBaselineItPicked() throws Exception {
        differsFromGetMapOfJuly(
                "wmts-change-bng-basic",
                "tileDimensions",
                "QGIS's change against 2022-01 against GetMap's against the month before");
    }

    /**
     * QGIS's first picture of the WMTS layer {@code name}, added with dimensions picked as its Select Dimensions
     * dialog does (its source contains {@code picked}), differs in more than 1 pixel in 100 from GetMap of the same
     * layer for July 2022 with every other dimension at its default: what was picked reached the tiles.
     */
    private void differsFromGetMapOfJuly(String name, String picked, String what) throws Exception {
        Layer l = layers.get(name);
        JsonNode e = entry(l.name());
        assertThat(e.path("valid").asBoolean()).as(e::toPrettyString).isTrue();
        assertThat(e.path("uri").asText()).contains("tileDimensions").contains(picked);
        BufferedImage qgis = ImageIO.read(
                Path.of(e.path("renders").path(0).path("png").asText()).toFile());
        Layer byDefault = new Layer(
                l.name(),
                l.service(),
                l.layer(),
                l.crs(),
                l.style(),
                l.matrixSet(),
                l.auth(),
                l.renders(),
                Map.of("time", "2022-07"));
        BufferedImage defaults = getMap(byDefault, l.renders().get(0));
        assertThat(differing(qgis, defaults, 3)).as(what).isGreaterThan((int) (drawn(defaults) / 100));
    }

    /**
     * QGIS's temporal controller steps a WMS-T layer through months: each frame's render asks for its own TIME (QGIS
     * 3.22 sends the frame's first instant, its default "match to start of range"), and the two frames' pictures are
     * each GetMap's of their month (the test above) and differ from each other, as the wards' counts in the database
     * differ between the months.
     */
    @Test
    void theTemporalControllerDrawsEachFramesMonth() throws Exception {
        Layer l = layers.get("wms-counts-ward-months-authcfg");
        JsonNode e = entry(l.name());
        assertThat(e.path("valid").asBoolean()).as(e::toPrettyString).isTrue();
        assertThat(e.path("uri").asText())
                .contains("type=wmst", "temporalSource=provider", "allowTemporalUpdates=true", "timeDimensionExtent=");
        for (String month : List.of(FIRST_FRAME, SECOND_FRAME)) {
            String time = "&TIME=" + frame(month).get(0) + "&";
            assertThat(served.stream()
                            .filter(line -> line.contains("REQUEST=GetMap")
                                    && line.contains("LAYERS=" + TEMPORAL_LAYER + "&")
                                    && line.contains(time)))
                    .as("QGIS asked for %s: %s", month, served)
                    .isNotEmpty();
        }
        BufferedImage first = ImageIO.read(
                Path.of(e.path("renders").path(0).path("png").asText()).toFile());
        BufferedImage second = ImageIO.read(
                Path.of(e.path("renders").path(1).path("png").asText()).toFile());
        assertThat(differing(first, second, 3)).as("the two frames' pictures").isGreaterThan((int)
                (drawn(first) / 100));
        // the database's own reason for the difference: wards whose records differ between the two months
        long changed = Sql.count(
                db,
                """
                SELECT count(*) FROM (
                    SELECT w.code FROM area w JOIN incident i ON ST_Contains(w.geom, i.geom)
                    WHERE w.level = 'ward' AND w.geom && ST_MakeEnvelope(?, ?, ?, ?, 27700)
                    GROUP BY w.code
                    HAVING count(*) FILTER (WHERE i.event_from >= ?::date AND i.event_from < ?::date + interval '1 month')
                        <> count(*) FILTER (WHERE i.event_from >= ?::date AND i.event_from < ?::date + interval '1 month')) x""",
                WARDS_BOX[0],
                WARDS_BOX[1],
                WARDS_BOX[2],
                WARDS_BOX[3],
                FIRST_FRAME + "-01",
                FIRST_FRAME + "-01",
                SECOND_FRAME + "-01",
                SECOND_FRAME + "-01");
        assertThat(changed).isPositive();
    }

    /** The months with records, first to last, as the database holds them (UK months, as the map counts them). */
    private static List<YearMonth> dataMonths() {
        List<Object> row = Sql.rows(
                        db,
                        "SELECT to_char(min(event_from) AT TIME ZONE 'Europe/London', 'YYYY-MM'),"
                                + " to_char(max(event_from) AT TIME ZONE 'Europe/London', 'YYYY-MM') FROM incident")
                .get(0);
        List<YearMonth> months = new ArrayList<>();
        for (YearMonth m = YearMonth.parse((String) row.get(0));
                !m.isAfter(YearMonth.parse((String) row.get(1)));
                m = m.plusMonths(1)) {
            months.add(m);
        }
        return months;
    }

    private static String startOf(YearMonth m) {
        return m.atDay(1) + "T00:00:00Z";
    }

    /**
     * The Temporal Controller's Set to Full Range finds the WMS-T layer's months: QGIS reads the time dimension
     * capabilities advertise (a month-precision extent, {@code 2022-01/2022-07/P1M}, leaves it with no range), and its
     * range runs from the first month with records in the database to the last (each month as its first instant:
     * QGIS's range of a WMS-T layer is its first and last values). Stepping by a month gives one frame per month, and
     * stepping by "source timestamps" one frame per advertised value, again the months; each frame's first instant is
     * what QGIS sends as TIME (the test above), and it selects that frame's month.
     */
    @Test
    void setToFullRangeGivesTheLayersMonths() {
        JsonNode e = entry("wms-counts-ward-months-authcfg");
        JsonNode c = e.path("temporalController");
        assertThat(c.path("error").isMissingNode()).as(c::toPrettyString).isTrue();
        List<YearMonth> months = dataMonths();
        assertThat(months).as("the demo's months").hasSizeGreaterThan(2);
        List<String> starts = months.stream().map(QgisIT::startOf).toList();
        assertThat(c.path("hasTemporalCapabilities").asBoolean()).isTrue();
        assertThat(texts(c.path("providerValues"))).as(c::toPrettyString).isEqualTo(starts);
        List<String> full = List.of(starts.get(0), starts.get(starts.size() - 1));
        assertThat(texts(c.path("providerRange"))).isEqualTo(full);
        List<List<String>> byMonth = new ArrayList<>();
        List<List<String>> byValue = new ArrayList<>();
        for (YearMonth m : months) {
            byMonth.add(List.of(startOf(m), startOf(m.plusMonths(1))));
            byValue.add(List.of(startOf(m), startOf(m)));
        }
        JsonNode monthly = c.path("steps").path("months");
        assertThat(texts(monthly.path("range")))
                .as("Set to Full Range, stepping by months")
                .isEqualTo(full);
        assertThat(frames(monthly.path("frames"))).isEqualTo(byMonth);
        JsonNode timestamps = c.path("steps").path("source timestamps");
        assertThat(texts(timestamps.path("range")))
                .as("Set to Full Range, stepping by source timestamps")
                .isEqualTo(full);
        assertThat(frames(timestamps.path("frames"))).isEqualTo(byValue);
        // the frames the drawing test renders are this controller's
        assertThat(byMonth).contains(frame(FIRST_FRAME), frame(SECOND_FRAME));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<List<String>> frames(JsonNode array) {
        List<List<String>> out = new ArrayList<>();
        array.forEach(n -> out.add(texts(n)));
        return out;
    }

    /**
     * A ward count layer filtered on a month other than the latest ({@code "period" = '2022-03-01'} in the layer's
     * Filter... dialog) holds that month's counts: QGIS types {@code period} as a date, so it sent the filter to
     * SafeMap as {@code datetime}, and every ward is there once, with March as its period and, where published, the
     * number of distinct events in March in the ward's LSOAs, counted here in SQL. A filter QGIS applied itself to the
     * latest month's features would leave none.
     */
    @Test
    void aFilterOnPeriodGivesThatMonthsRows() {
        Layer l = layers.get("features-counts-ward-filtered-basic");
        JsonNode e = entry(l.name());
        assertThat(e.path("valid").asBoolean()).as(e::toPrettyString).isTrue();
        assertThat(e.path("subset").asText()).isEqualTo(PERIOD_FILTER);
        assertThat(e.path("fieldTypes").path("period").asText()).isEqualTo("Date");
        String month = FEATURES_MONTH + "-01";
        assertThat(served.stream()
                        .filter(line -> line.contains("/ogc/features/collections/" + l.layer() + "/items?")
                                && line.contains("datetime=" + month)))
                .as("QGIS sent the filter as datetime: %s", served)
                .isNotEmpty();
        Map<String, Long> incidents = new LinkedHashMap<>();
        for (List<Object> row : Sql.rows(db, """
                SELECT w.code, count(e.lsoa_code) FROM area w
                LEFT JOIN area l ON l.level = 'lsoa' AND l.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
                    AND ST_Contains(w.geom, ST_PointOnSurface(l.geom))
                LEFT JOIN (SELECT DISTINCT ON (coalesce(event_id, id)) lsoa_code FROM incident
                           WHERE event_from >= (?::date)::timestamp AT TIME ZONE 'Europe/London'
                             AND event_from < (?::date + interval '1 month')::timestamp AT TIME ZONE 'Europe/London'
                           ORDER BY coalesce(event_id, id), precision_m, id) e ON e.lsoa_code = l.code
                WHERE w.level = 'ward' AND w.vintage = (SELECT max(vintage) FROM area WHERE level = 'ward')
                GROUP BY w.code""", month, month)) {
            incidents.put((String) row.get(0), ((Number) row.get(1)).longValue());
        }
        assertThat(e.path("features").size()).isEqualTo(incidents.size());
        int published = 0;
        for (JsonNode f : e.path("features")) {
            JsonNode a = f.path("attributes");
            String code = a.path("code").asText();
            assertThat(a.path("period").asText()).as(code).isEqualTo(month);
            assertThat(a.path("period_end").asText())
                    .as(code)
                    .isEqualTo(YearMonth.parse(FEATURES_MONTH).atEndOfMonth().toString());
            if (!a.path("suppressed").asBoolean()) {
                assertThat(a.path("incidents").asDouble())
                        .as(code + " incidents in " + FEATURES_MONTH)
                        .isEqualTo((double) incidents.get(code));
                published++;
            }
        }
        assertThat(published).as("wards with a published count").isPositive();
        // and the month is not the latest, which an unfiltered layer holds
        JsonNode latest = Http.json(
                        Http.get(base + "/ogc/features/collections/" + l.layer() + "/items", "Authorization", basic()))
                .path("features")
                .get(0)
                .path("properties");
        assertThat(latest.path("period").asText()).isNotEqualTo(month);
    }

    /**
     * QGIS's Identify tool on the WMS-T layer, clicked inside a ward in the first frame, gives that ward's values as
     * the database gives them: its code and name (the ward PostGIS finds under the point), the frame's month, its
     * population (its best-fitting LSOAs', those whose inner point lies in it) and its incidents (each event once
     * among all feeds, which this analyst sees record by record, at its most precise record, in those LSOAs, in the
     * month in London), counted here in SQL; and the GetFeatureInfo QGIS sent named the frame's TIME.
     */
    @Test
    void identifyGivesTheWardsValuesAsTheDatabaseGivesThem() {
        Layer l = layers.get("wms-counts-ward-months-authcfg");
        Identify click = l.identify().get(0);
        JsonNode done = entry(l.name()).path("identify").path(0);
        assertThat(done.path("identified").size()).as(done::toPrettyString).isEqualTo(1);
        JsonNode a = done.path("identified").get(0);
        List<Object> ward = Sql.rows(
                        db,
                        "SELECT code, name " + AREAS + " AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(?, ?), 27700))",
                        "ward",
                        "ward",
                        click.x(),
                        click.y())
                .get(0);
        String code = (String) ward.get(0);
        assertThat(a.path("code").asText()).isEqualTo(code);
        assertThat(a.path("name").asText()).isEqualTo(ward.get(1));
        assertThat(a.path("period").asText()).isEqualTo(FIRST_FRAME);
        String lsoas = """
                SELECT l.code FROM area l JOIN area w ON w.level = 'ward' AND w.code = ?
                    AND w.vintage = (SELECT max(vintage) FROM area WHERE level = 'ward')
                    AND ST_Contains(w.geom, ST_PointOnSurface(l.geom))
                WHERE l.level = 'lsoa' AND l.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')""";
        long population = Sql.count(
                db,
                "SELECT sum(population) FROM (SELECT DISTINCT ON (code) code, population FROM area_population"
                        + " WHERE level = 'lsoa' ORDER BY code, vintage DESC, year DESC) p WHERE code IN (" + lsoas
                        + ")",
                code);
        long incidents = Sql.count(
                db,
                "SELECT count(*) FROM (SELECT DISTINCT ON (coalesce(event_id, id)) lsoa_code FROM incident"
                        + " WHERE event_from >= (?::date)::timestamp AT TIME ZONE 'Europe/London'"
                        + " AND event_from < (?::date + interval '1 month')::timestamp AT TIME ZONE 'Europe/London'"
                        + " ORDER BY coalesce(event_id, id), precision_m, id) e WHERE lsoa_code IN (" + lsoas + ")",
                FIRST_FRAME + "-01",
                FIRST_FRAME + "-01",
                code);
        assertThat(incidents).as("records in the ward that month").isPositive();
        assertThat(a.path("population").asLong()).isEqualTo(population);
        assertThat(a.path("incidents").asDouble()).isEqualTo((double) incidents);
        assertThat(a.path("suppressed").asBoolean()).isFalse();
        assertThat(served.stream()
                        .filter(line -> line.contains("REQUEST=GetFeatureInfo")
                                && line.contains("QUERY_LAYERS=" + TEMPORAL_LAYER)
                                && line.contains("TIME=" + frame(FIRST_FRAME).get(0))))
                .as("QGIS's GetFeatureInfo named the frame's TIME: %s", served)
                .isNotEmpty();
    }

    /**
     * A count collection added with {@code ?datetime=} in the connection's URL holds that month, not the latest: QGIS
     * asked for every items page with it, and every feature's period and count are the service's for that month
     * (the test above compares each property), which is not the latest month's.
     */
    @Test
    void aFeaturesConnectionWithADatetimeHoldsThatMonth() {
        Layer l = layers.get("features-counts-lad-march-basic");
        JsonNode e = entry(l.name());
        assertThat(e.path("valid").asBoolean()).as(e::toPrettyString).isTrue();
        assertThat(e.path("features").size()).isPositive();
        for (JsonNode f : e.path("features")) {
            assertThat(f.path("attributes").path("period").asText()).isEqualTo(FEATURES_MONTH + "-01");
        }
        assertThat(served.stream().filter(line -> line.contains("/ogc/features/collections/" + l.layer() + "/items?")))
                .as("QGIS's items requests")
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("datetime=" + FEATURES_MONTH));
        String latest = base + "/ogc/features/collections/" + l.layer() + "/items";
        JsonNode byDefault = Http.json(Http.get(latest, "Authorization", basic()))
                .path("features")
                .get(0)
                .path("properties");
        assertThat(byDefault.path("period").asText()).isNotEqualTo(FEATURES_MONTH);
        assertThat(e.path("features")
                        .get(0)
                        .path("attributes")
                        .path("incidents")
                        .asDouble())
                .isNotEqualTo(byDefault.path("incidents").asDouble());
    }

    @Test
    void aPartnerLayerDoesNotReachQgisWithoutCredentials() {
        for (String name :
                List.of("wms-all-bng-anonymous", "wmts-all-bng-anonymous", "features-counts-ward-anonymous")) {
            JsonNode e = entry(name);
            assertThat(e.path("valid").asBoolean()).as(e::toPrettyString).isFalse();
        }
        // and the same layer is there for the signed-in analyst, through both services
        assertThat(entry("wms-all-bng-basic").path("valid").asBoolean()).isTrue();
        assertThat(entry("wmts-all-bng-authcfg").path("valid").asBoolean()).isTrue();
        assertThat(entry("features-counts-ward-authcfg").path("valid").asBoolean())
                .isTrue();
        // no token in what QGIS reports about its layers
        report.values().forEach(e -> assertThat(e.toString()).doesNotContain(token));
    }

    /**
     * Every Features layer in QGIS holds every area PostGIS holds for its level, once, with the code, name and area
     * (in British National Grid, from QGIS's own reprojection of the CRS84 GeoJSON) PostGIS gives, and with exactly
     * the properties the service gives that requester: counts only as the signed-in analyst's protocols publish them.
     */
    @Test
    void featuresInQgisAreTheAreasPostgisHoldsWithTheRequestersProperties() {
        for (Layer l : layers.values()) {
            if (!l.service().equals("oapif") || refused(l)) {
                continue;
            }
            JsonNode e = entry(l.name());
            assertThat(e.path("valid").asBoolean()).as(e::toPrettyString).isTrue();
            String level = FEATURE_LEVELS.get(l.layer());
            Map<String, Object[]> areas = new LinkedHashMap<>();
            for (List<Object> row : Sql.rows(db, "SELECT code, name, ST_Area(geom) " + AREAS, level, level)) {
                areas.put((String) row.get(0), new Object[] {row.get(1), ((Number) row.get(2)).doubleValue()});
            }
            assertThat(e.path("featureCount").asInt()).as(l.name()).isEqualTo(areas.size());
            assertThat(e.path("features").size()).as(l.name()).isEqualTo(areas.size());
            // what the service gives this requester, to compare every property QGIS read
            StringBuilder url =
                    new StringBuilder(base + "/ogc/features/collections/" + l.layer() + "/items?limit=10000");
            l.dimensions()
                    .forEach((k, v) -> url.append('&').append(k).append('=').append(v));
            if (l.subset() != null) {
                url.append("&datetime=").append(FEATURES_MONTH); // the filtered layer's month (test below)
            }
            HttpResponse<String> served =
                    l.signedIn() ? Http.get(url.toString(), "Authorization", basic()) : Http.get(url.toString());
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            Map<String, JsonNode> properties = new LinkedHashMap<>();
            Http.json(served)
                    .path("features")
                    .forEach(f -> properties.put(f.path("id").asText(), f.path("properties")));
            assertThat(properties.keySet()).containsExactlyInAnyOrderElementsOf(areas.keySet());
            Set<String> seen = new HashSet<>();
            for (JsonNode f : e.path("features")) {
                JsonNode a = f.path("attributes");
                String code = a.path("code").asText();
                assertThat(seen.add(code)).as(l.name() + ": " + code + " once").isTrue();
                assertThat(areas).as(l.name()).containsKey(code);
                assertThat(a.path("name").asText()).as(code).isEqualTo(areas.get(code)[0]);
                double area = (Double) areas.get(code)[1];
                assertThat(f.path("area").asDouble()).as(code + " area").isCloseTo(area, offset(area * 1e-4));
                properties.get(code).fields().forEachRemaining(p -> {
                    JsonNode q = a.path(p.getKey());
                    assertThat(q.isMissingNode())
                            .as(code + " " + p.getKey() + " in QGIS")
                            .isFalse();
                    if (p.getValue().isNull()) {
                        assertThat(q.isNull()).as(code + " " + p.getKey()).isTrue();
                    } else if (p.getValue().isNumber()) {
                        assertThat(q.asDouble())
                                .as(code + " " + p.getKey())
                                .isEqualTo(p.getValue().asDouble());
                    } else if (!p.getValue().isContainerNode()) {
                        assertThat(q.asText())
                                .as(code + " " + p.getKey())
                                .isEqualToIgnoringCase(p.getValue().asText());
                    }
                });
            }
            if (l.layer().equals("incident-counts-ward")) {
                // the analyst sees published counts; the check above would pass on a layer of nulls alone
                assertThat(properties.values().stream()
                                .filter(p -> p.path("incidents").isNumber()))
                        .as("wards with a published count")
                        .isNotEmpty();
            }
        }
    }

    /**
     * QGIS keeps capabilities in its network cache under their address alone, and reads them back for a later
     * connection to that address whatever its credentials. The QGIS run above adds anonymous layers first, so the
     * signed-in ones are valid only because capabilities are never stored.
     */
    @Test
    void capabilitiesAreNeverStoredByClients() {
        for (String url : List.of(
                base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities",
                base + "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities")) {
            assertThat(Http.getBytes(url).headers().firstValue("Cache-Control"))
                    .as(url)
                    .contains("no-store");
        }
    }
}
