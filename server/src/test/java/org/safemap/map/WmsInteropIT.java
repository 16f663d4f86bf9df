package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestSettings;

/**
 * The map service as independent clients see it: GDAL's WMS driver (gdalinfo, gdal_translate, gdallocationinfo from
 * Debian's gdal-bin) and OWSLib (Debian's python3-owslib, run by {@code interop/owslib_check.py}), both installed by
 * {@code ./safemap test}. Where to look and what lies there come from PostGIS (ST_Transform, ST_Covers), not from
 * the server's own transforms, so a wrong axis order or pixel mapping shows as the wrong place, not just a bad status.
 * A missing client fails the test; it never skips.
 */
class WmsInteropIT {
    private static final long LIMIT_SECONDS = 120;
    /** Debian's interpreter: the python3 first on PATH may be another one without owslib. */
    private static final String PYTHON = "/usr/bin/python3";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOT_LAYER = "density-all";
    private static final String AREA_LAYER = "lsoa-boundaries";
    private static final List<String> AREA_LAYERS =
            List.of("lsoa-boundaries", "msoa-boundaries", "ward-boundaries", "lad-boundaries");
    /** Distance from anything drawn that the empty place keeps, in metres (density bandwidth is 250 m). */
    private static final double CLEAR_METRES = 600;

    /** The test's places, all in EPSG:27700, found in the demo data by SQL. */
    private record Places(
            double[] window,
            double[] extent,
            double[] inner,
            Map<String, String> areas,
            double[] hot,
            double[] empty) {}

    /** One GDAL fetch: a layer through GDAL's WMS driver in one version and CRS. */
    record GdalCase(String version, String crs, String layer) {
        @Override
        public String toString() {
            return layer + " in " + crs + " over WMS " + version;
        }
    }

    @TempDir
    static Path dir;

    private static Database db;
    private static App app;
    private static String wms;
    private static LayerCatalogue catalogue;
    private static Places places;
    private static JsonNode owslibReport;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        app = App.start(
                TestSettings.defaults(),
                db,
                org.safemap.testing.TestPrincipals.fixed(org.safemap.testing.TestPrincipals.CSP_ANALYST));
        wms = "http://127.0.0.1:" + app.port() + "/wms";
        catalogue = LayerCatalogue.load();
        places = findPlaces();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    // ---------------------------------------------------------------- GDAL

    @ParameterizedTest(name = "WMS {0}")
    @ValueSource(strings = {"1.3.0", "1.1.1"})
    void gdalListsEveryCatalogueLayerAsASubdatasetWithItsTitle(String version) {
        Output info = ok(
                "gdal-bin", "gdalinfo", "WMS:" + wms + "?SERVICE=WMS&VERSION=" + version + "&REQUEST=GetCapabilities");
        Map<String, String> listed = subdatasets(info.out());
        Map<String, String> titles = new TreeMap<>();
        catalogue.layers().forEach(l -> titles.put(l.name(), l.title()));
        assertThat(new TreeMap<>(listed)).as(info::describe).isEqualTo(titles);
    }

    static Stream<GdalCase> gdalCases() {
        List<GdalCase> cases = new ArrayList<>();
        for (String layer : List.of(HOT_LAYER, AREA_LAYER)) {
            for (String crs : List.of("EPSG:27700", "EPSG:3857", "EPSG:4326", "CRS:84")) {
                cases.add(new GdalCase("1.3.0", crs, layer));
            }
            for (String crs : List.of("EPSG:27700", "EPSG:4326")) {
                cases.add(new GdalCase("1.1.1", crs, layer));
            }
        }
        return cases.stream();
    }

    /**
     * GDAL asks for 256-pixel blocks (the last ones cut short) of a window given by a service description, stitches
     * them into a GeoTIFF of the requested size, and the data lies where PostGIS puts it in that CRS: drawn at the
     * chosen place, transparent at a place far from any area and incident.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gdalCases")
    void gdalTranslateFetchesTheRequestedSizeWithTheDataInPlace(GdalCase c) throws IOException {
        double[] window = transformedWindow(c.crs());
        int width = 700;
        int height = (int) Math.round(width * (window[3] - window[1]) / (window[2] - window[0]));
        // GDAL writes the axis order into the description; for 1.3.0 EPSG:4326 it writes yxYX itself when it
        // opens such a WMS: URL, so a description for that case has to say so.
        boolean latitudeFirst = c.version().equals("1.3.0") && c.crs().equals("EPSG:4326");
        String crsElement = c.version().equals("1.3.0") ? "CRS" : "SRS";
        String description = """
                <GDAL_WMS>
                  <Service name="WMS">
                    <Version>%s</Version>
                    <ServerUrl>%s?</ServerUrl>
                    <Layers>%s</Layers>
                    <%s>%s</%s>
                    <ImageFormat>image/png</ImageFormat>
                    <Transparent>TRUE</Transparent>
                    <BBoxOrder>%s</BBoxOrder>
                  </Service>
                  <DataWindow>
                    <UpperLeftX>%s</UpperLeftX>
                    <UpperLeftY>%s</UpperLeftY>
                    <LowerRightX>%s</LowerRightX>
                    <LowerRightY>%s</LowerRightY>
                    <SizeX>%d</SizeX>
                    <SizeY>%d</SizeY>
                  </DataWindow>
                  <BandsCount>4</BandsCount>
                  <BlockSizeX>256</BlockSizeX>
                  <BlockSizeY>256</BlockSizeY>
                  <OverviewCount>0</OverviewCount>
                </GDAL_WMS>
                """.formatted(
                        c.version(),
                        wms,
                        c.layer(),
                        crsElement,
                        c.crs(),
                        crsElement,
                        latitudeFirst ? "yxYX" : "xyXY",
                        num(window[0]),
                        num(window[3]),
                        num(window[2]),
                        num(window[1]),
                        width,
                        height);
        String name = c.layer() + "-" + c.crs().replace(':', '_') + "-" + c.version();
        Path xml = dir.resolve(name + ".xml");
        Files.writeString(xml, description, StandardCharsets.UTF_8);
        Path tif = dir.resolve(name + ".tif");
        ok("gdal-bin", "gdal_translate", "-of", "GTiff", xml.toString(), tif.toString());

        assertPicture(tif, c.crs(), c.layer(), width, height, 4);
    }

    /** The subdataset gdalinfo lists opens as it is (GDAL's default JPEG), over the extent capabilities give. */
    @Test
    void gdalTranslatesTheSubdatasetItListsAsJpegOverTheServiceExtent() throws IOException {
        Map<String, String> urls = subdatasetUrls(
                ok("gdal-bin", "gdalinfo", "WMS:" + wms + "?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities")
                        .out());
        String url = urls.get(HOT_LAYER);
        assertThat(url).as("gdalinfo lists " + HOT_LAYER + ": " + urls).isNotNull();
        Path tif = dir.resolve("listed.tif");
        ok("gdal-bin", "gdal_translate", "-outsize", "500", "660", url, tif.toString());

        Output info = ok("gdal-bin", "gdalinfo", "-json", "-stats", tif.toString());
        JsonNode json = json(info);
        String summary = url + " gave " + summary(tif, json);
        assertThat(json.at("/size/0").asInt()).as(summary).isEqualTo(500);
        assertThat(json.at("/size/1").asInt()).as(summary).isEqualTo(660);
        assertThat(json.at("/bands").size()).as(summary).isEqualTo(3);
        assertThat(json.at("/coordinateSystem/wkt").asText()).as(summary).contains("ID[\"EPSG\",27700]");
        // The window is the data's extent, areas and incidents together, as PostGIS measures it.
        double[] extent = places.extent();
        String expected = summary + "; data extent " + Arrays.toString(extent);
        double left = json.at("/geoTransform/0").asDouble();
        double top = json.at("/geoTransform/3").asDouble();
        assertThat(left).as(expected).isCloseTo(extent[0], within(1.0));
        assertThat(top).as(expected).isCloseTo(extent[3], within(1.0));
        assertThat(left + 500 * json.at("/geoTransform/1").asDouble())
                .as(expected)
                .isCloseTo(extent[2], within(1.0));
        assertThat(top + 660 * json.at("/geoTransform/5").asDouble())
                .as(expected)
                .isCloseTo(extent[1], within(1.0));
        // JPEG has no transparency: the density shows as colour on white, so some band dips well below white.
        double darkest = 255;
        for (JsonNode band : json.at("/bands")) {
            darkest = Math.min(darkest, band.path("minimum").asDouble());
        }
        assertThat(darkest)
                .as("density drawn on the white background: " + summary)
                .isLessThan(200);
    }

    /** GDAL's own reading of a 1.3.0 EPSG:4326 URL, latitude first, puts the data where it belongs. */
    @Test
    void gdalOpensALatitudeFirstEpsg4326UrlAndTheDataIsInPlace() throws IOException {
        double[] w = transformedWindow("EPSG:4326");
        String url = "WMS:" + wms + "?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=" + HOT_LAYER
                + "&CRS=EPSG:4326&BBOX=" + num(w[1]) + "," + num(w[0]) + "," + num(w[3]) + "," + num(w[2])
                + "&FORMAT=image/png&TRANSPARENT=TRUE";
        Path tif = dir.resolve("latitude-first.tif");
        int height = (int) Math.round(640 * (w[3] - w[1]) / (w[2] - w[0]));
        ok("gdal-bin", "gdal_translate", "-outsize", "640", String.valueOf(height), url, tif.toString());

        assertPicture(tif, "EPSG:4326", HOT_LAYER, 640, height, 4);
    }

    /**
     * A fetched picture: the requested size and bands, something drawn and something transparent, and drawn or
     * not at the test's places as the layer says (read back by gdallocationinfo at PostGIS's coordinates).
     */
    private static void assertPicture(Path tif, String crs, String layer, int width, int height, int bands)
            throws IOException {
        Output info = ok("gdal-bin", "gdalinfo", "-json", "-stats", tif.toString());
        JsonNode json = json(info);
        String summary = summary(tif, json);
        assertThat(json.at("/size/0").asInt()).as(summary).isEqualTo(width);
        assertThat(json.at("/size/1").asInt()).as(summary).isEqualTo(height);
        assertThat(json.at("/bands").size()).as(summary).isEqualTo(bands);
        JsonNode alpha = json.at("/bands/3");
        assertThat(alpha.path("maximum").asDouble())
                .as("something drawn: " + summary)
                .isPositive();
        assertThat(alpha.path("minimum").asDouble())
                .as("something left transparent: " + summary)
                .isZero();

        double[] drawn = layer.equals(HOT_LAYER) ? places.hot() : places.inner();
        assertThat(pixel(tif, crs, drawn)[3])
                .as(layer + " is drawn at " + Arrays.toString(drawn) + " (EPSG:27700): " + summary)
                .isPositive();
        assertThat(pixel(tif, crs, places.empty())[3])
                .as(layer + " is transparent at " + Arrays.toString(places.empty()) + " (EPSG:27700), " + CLEAR_METRES
                        + " m from any area or incident: " + summary)
                .isZero();
    }

    /** Size, georeferencing and each band's range, as gdalinfo reported them: what a failure needs to say. */
    private static String summary(Path tif, JsonNode gdalinfo) {
        StringBuilder b = new StringBuilder(tif.getFileName() + ": size " + gdalinfo.path("size") + ", geoTransform "
                + gdalinfo.path("geoTransform") + ", bands");
        for (JsonNode band : gdalinfo.path("bands")) {
            b.append(' ')
                    .append(band.path("colorInterpretation").asText())
                    .append(" [")
                    .append(band.path("minimum").asText())
                    .append(", ")
                    .append(band.path("maximum").asText())
                    .append(']');
        }
        return b.toString();
    }

    /** The band values at a place given in EPSG:27700, transformed by PostGIS into the picture's CRS. */
    private static double[] pixel(Path tif, String crs, double[] bng) {
        double[] p = transform(bng, crs);
        Output o = ok("gdal-bin", "gdallocationinfo", "-valonly", "-geoloc", tif.toString(), num(p[0]), num(p[1]));
        String[] lines = o.out().trim().split("\\s+");
        assertThat(lines).as(o::describe).hasSize(4);
        return Arrays.stream(lines).mapToDouble(Double::parseDouble).toArray();
    }

    /** Layer name (from the LAYERS parameter of each subdataset's URL) to its description. */
    private static Map<String, String> subdatasets(String gdalinfo) {
        Map<String, String> urls = subdatasetUrls(gdalinfo);
        Map<String, String> descriptions = new LinkedHashMap<>();
        Map<String, String> byNumber = new LinkedHashMap<>();
        Matcher d = Pattern.compile("(?m)^\\s*SUBDATASET_(\\d+)_DESC=(.*)$").matcher(gdalinfo);
        while (d.find()) {
            byNumber.put(d.group(1), d.group(2).trim());
        }
        Matcher n = Pattern.compile("(?m)^\\s*SUBDATASET_(\\d+)_NAME=.*[?&]LAYERS=([^&\\s]+)")
                .matcher(gdalinfo);
        while (n.find()) {
            descriptions.put(n.group(2), byNumber.get(n.group(1)));
        }
        assertThat(descriptions.keySet()).isEqualTo(urls.keySet());
        return descriptions;
    }

    private static Map<String, String> subdatasetUrls(String gdalinfo) {
        Map<String, String> urls = new LinkedHashMap<>();
        Matcher n = Pattern.compile("(?m)^\\s*SUBDATASET_\\d+_NAME=(.*[?&]LAYERS=([^&\\s]+).*)$")
                .matcher(gdalinfo);
        while (n.find()) {
            urls.put(n.group(2), n.group(1).trim());
        }
        return urls;
    }

    // ---------------------------------------------------------------- OWSLib

    @ParameterizedTest(name = "WMS {0}")
    @ValueSource(strings = {"1.3.0", "1.1.1"})
    void owslibReadsTheCapabilitiesWithEveryLayerItsTitleStylesAndBoundingBoxes(String version) {
        JsonNode report = owslib();
        JsonNode caps = report.path("capabilities").path(version);
        String context = "OWSLib's view of the " + version + " capabilities: " + abbreviate(caps.toString());
        assertThat(caps.has("error")).as(caps.path("error").asText()).isFalse();
        assertThat(caps.path("type").asText()).isEqualTo("WebMapService_" + version.replace('.', '_'));
        assertThat(caps.path("mapFormats"))
                .as(context)
                .extracting(JsonNode::asText)
                .contains("image/png", "image/png8", "image/jpeg");
        assertThat(caps.path("infoFormats"))
                .as(context)
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrderElementsOf(WmsService.INFO_FORMATS);

        JsonNode layers = caps.path("layers");
        List<String> names = new ArrayList<>();
        layers.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .as(context)
                .containsExactlyInAnyOrderElementsOf(catalogue.layers().stream()
                        .map(LayerCatalogue.Layer::name)
                        .toList());

        double[] extent = places.extent();
        double[] lonLat = transformedExtent(extent, "EPSG:4326");
        double[] mercator = transformedExtent(extent, "EPSG:3857");
        for (LayerCatalogue.Layer l : catalogue.layers()) {
            JsonNode layer = layers.path(l.name());
            String about = l.name() + " in " + version + ": " + layer;
            assertThat(layer.path("title").asText()).as(about).isEqualTo(l.title());
            assertThat(layer.path("queryable").asText()).as(about).isEqualTo(l.queryable() ? "1" : "0");
            assertThat(layer.path("styles"))
                    .as(about)
                    .extracting(JsonNode::asText)
                    .containsExactlyInAnyOrderElementsOf(
                            l.styles().stream().map(s -> s.style().name()).toList());
            assertThat(layer.path("crsOptions"))
                    .as(about)
                    .extracting(JsonNode::asText)
                    .containsAll(
                            version.equals("1.3.0")
                                    ? MapCrs.ADVERTISED
                                    : List.of("EPSG:27700", "EPSG:3857", "EPSG:4326"));
            if (l.kind().timed() && !(l.kind() instanceof ForecastKind)) {
                // the months with data as capabilities advertise them (the forecast's default is a window of them)
                assertThat(layer.path("timepositions"))
                        .as(about)
                        .extracting(JsonNode::asText)
                        .containsExactly(TimeDimension.monthsExtent(YearMonth.of(2022, 1), YearMonth.of(2022, 7)));
                assertThat(layer.path("defaulttimeposition").asText())
                        .as(about)
                        .isEqualTo(TimeDimension.monthValue(YearMonth.of(2022, 7)));
            }
            // The first bounding box is British National Grid, the data's extent.
            assertThat(layer.path("boundingBox").get(4).asText()).as(about).isEqualTo("EPSG:27700");
            assertBox(layer.path("boundingBox"), extent, 1.0, about);
            // Longitude and latitude as PostGIS transforms the extent (50 m is far beyond datum-shift differences).
            assertBox(layer.path("boundingBoxWGS84"), lonLat, 0.0005, about);
            if (version.equals("1.3.0")) {
                JsonNode boxes = layer.path("boxes");
                assertBox(boxes.path("EPSG:3857"), mercator, 50, about);
                assertBox(boxes.path("CRS:84"), lonLat, 0.0005, about);
                // OWSLib puts the latitude-first EPSG:4326 box back in x-first order: it must then be CRS:84's.
                assertBox(boxes.path("EPSG:4326"), lonLat, 0.0005, about);
            }
        }
    }

    @Test
    void owslibGetMapReturnsPngsOfTheRequestedSizeInEachCrs() {
        JsonNode maps = owslib().path("maps");
        assertThat(maps.size()).isEqualTo(mapRequests().size());
        for (JsonNode m : maps) {
            String about = "OWSLib GetMap " + m.path("spec") + " (request "
                    + m.path("request").asText() + ")";
            assertThat(m.has("error"))
                    .as(about + "\n" + m.path("error").asText())
                    .isFalse();
            assertThat(m.path("contentType").asText()).as(about).startsWith("image/png");
            assertThat(m.path("width").asInt())
                    .as(about)
                    .isEqualTo(m.at("/spec/size/0").asInt());
            assertThat(m.path("height").asInt())
                    .as(about)
                    .isEqualTo(m.at("/spec/size/1").asInt());
            if (m.at("/spec/format").asText().equals("image/png8")) {
                assertThat(m.path("colourType").asInt())
                        .as(about + ": a palette PNG")
                        .isEqualTo(3);
            }
        }
    }

    @Test
    void owslibGetFeatureInfoNamesTheAreasAtTheQueriedPixelInEachCrs() throws IOException {
        JsonNode infos = owslib().path("infos");
        assertThat(infos.size()).isEqualTo(infoRequests().size());
        for (JsonNode i : infos) {
            String about = "OWSLib GetFeatureInfo " + i.path("spec") + " (request "
                    + i.path("request").asText() + ") answered "
                    + i.path("contentType").asText() + ":\n" + i.path("body").asText();
            assertThat(i.has("error"))
                    .as(about + "\n" + i.path("error").asText())
                    .isFalse();
            String format = i.at("/spec/format").asText();
            assertThat(i.path("contentType").asText()).as(about).startsWith(format);
            if (format.equals("application/json")) {
                JsonNode collection = JSON.readTree(i.path("body").asText());
                Map<String, List<String>> found = new TreeMap<>();
                for (JsonNode f : collection.path("features")) {
                    found.computeIfAbsent(f.path("layer").asText(), k -> new ArrayList<>())
                            .add(f.at("/properties/code").asText());
                }
                Map<String, List<String>> expected = new TreeMap<>();
                i.at("/spec/layers")
                        .forEach(l ->
                                expected.put(l.asText(), List.of(places.areas().get(l.asText()))));
                assertThat(found).as(about).isEqualTo(expected);
            } else {
                assertThat(i.path("body").asText())
                        .as(about)
                        .contains(places.areas().get(AREA_LAYER));
            }
        }
    }

    /** Runs the OWSLib script once for all the OWSLib tests and keeps what it reported. */
    private static synchronized JsonNode owslib() {
        if (owslibReport == null) {
            ObjectNode spec = JSON.createObjectNode();
            spec.put("url", wms);
            spec.putArray("versions").add("1.3.0").add("1.1.1");
            ArrayNode maps = spec.putArray("maps");
            mapRequests().forEach(maps::add);
            ArrayNode infos = spec.putArray("infos");
            infoRequests().forEach(infos::add);
            Path script = dir.resolve("owslib_check.py");
            try (InputStream in = WmsInteropIT.class.getClassLoader().getResourceAsStream("interop/owslib_check.py")) {
                assertThat(in)
                        .as("interop/owslib_check.py on the test classpath")
                        .isNotNull();
                Files.copy(in, script);
            } catch (IOException e) {
                throw new AssertionError("cannot copy the OWSLib script: " + e.getMessage(), e);
            }
            Output check = run("python3-owslib", PYTHON, "-c", "import owslib");
            assertThat(check.exit())
                    .as("OWSLib is missing from " + PYTHON + " (Debian's python3-owslib, which "
                            + "./safemap test installs)\n" + check.describe())
                    .isZero();
            Output o = ok("python3-owslib", PYTHON, script.toString(), spec.toString());
            owslibReport = json(o);
        }
        return owslibReport;
    }

    /** GetMap through OWSLib: density and boundaries in every CRS of each version, each at its own size. */
    private static List<ObjectNode> mapRequests() {
        List<ObjectNode> out = new ArrayList<>();
        Map<String, List<String>> crss =
                Map.of("1.3.0", MapCrs.ADVERTISED, "1.1.1", List.of("EPSG:27700", "EPSG:3857", "EPSG:4326"));
        for (String version : List.of("1.3.0", "1.1.1")) {
            for (String crs : crss.get(version)) {
                for (String layer : List.of(HOT_LAYER, AREA_LAYER)) {
                    int k = out.size();
                    out.add(mapRequest(version, layer, crs, 400 + 17 * k, 300 + 11 * k, "image/png"));
                }
            }
        }
        out.add(mapRequest("1.3.0", HOT_LAYER, "EPSG:27700", 333, 222, "image/png8"));
        return out;
    }

    private static ObjectNode mapRequest(
            String version, String layer, String crs, int width, int height, String format) {
        ObjectNode m = JSON.createObjectNode();
        m.put("version", version).put("layer", layer).put("crs", crs).put("format", format);
        ArrayNode bbox = m.putArray("bbox");
        Arrays.stream(transformedWindow(crs)).forEach(bbox::add);
        m.putArray("size").add(width).add(height);
        return m;
    }

    /**
     * GetFeatureInfo through OWSLib at pixel (20, 70) of a 101 x 101 picture whose box puts that pixel's centre on
     * the chosen point: the four boundary layers in JSON in every CRS, and the LSOA layer as HTML and plain text.
     * The pixel is off centre so that columns and rows swapped or counted from the bottom land elsewhere.
     */
    private static List<ObjectNode> infoRequests() {
        List<ObjectNode> out = new ArrayList<>();
        Map<String, List<String>> crss =
                Map.of("1.3.0", MapCrs.ADVERTISED, "1.1.1", List.of("EPSG:27700", "EPSG:3857", "EPSG:4326"));
        for (String version : List.of("1.3.0", "1.1.1")) {
            for (String crs : crss.get(version)) {
                out.add(infoRequest(version, AREA_LAYERS, crs, "application/json"));
            }
        }
        out.add(infoRequest("1.3.0", List.of(AREA_LAYER), "EPSG:27700", "text/html"));
        out.add(infoRequest("1.1.1", List.of(AREA_LAYER), "EPSG:4326", "text/plain"));
        return out;
    }

    private static ObjectNode infoRequest(String version, List<String> layers, String crs, String format) {
        int i = 20;
        int j = 70;
        int size = 101;
        double[] at = transform(places.inner(), crs);
        double step = crs.equals("EPSG:4326") || crs.equals("CRS:84") ? 0.0003 : 20; // about 20 m a pixel
        double minX = at[0] - (i + 0.5) * step;
        double maxY = at[1] + (j + 0.5) * step;
        ObjectNode r = JSON.createObjectNode();
        r.put("version", version).put("crs", crs).put("format", format);
        ArrayNode names = r.putArray("layers");
        layers.forEach(names::add);
        r.putArray("bbox")
                .add(minX)
                .add(maxY - size * step)
                .add(minX + size * step)
                .add(maxY);
        r.putArray("size").add(size).add(size);
        r.putArray("xy").add(i).add(j);
        return r;
    }

    private static void assertBox(JsonNode box, double[] expected, double tolerance, String about) {
        assertThat(box.isArray()).as("a bounding box in " + about).isTrue();
        for (int k = 0; k < 4; k++) {
            assertThat(box.get(k).asDouble())
                    .as("bounding box value " + k + " of " + about)
                    .isCloseTo(expected[k], within(tolerance));
        }
    }

    // ---------------------------------------------------------------- places, by SQL

    private static final String LSOA_WINDOW = """
            SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom)::geometry AS e
            FROM area WHERE level = 'lsoa' AND vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')) x""";

    private static final String DATA_EXTENT = """
            SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom)::geometry AS e FROM (
                SELECT geom FROM area UNION ALL SELECT geom FROM incident) g) x""";

    /**
     * An LSOA's most inland point (the centre of its largest inscribed circle, at least 60 m from its edge and from
     * any ward boundary), with the MSOA and ward covering it: the first such LSOA by code.
     */
    private static final String INNER_POINT = """
            WITH latest AS (SELECT level, max(vintage) AS vintage FROM area GROUP BY level),
            circle AS (
                SELECT a.code, ST_MaximumInscribedCircle(a.geom) AS c FROM area a
                JOIN latest USING (level, vintage) WHERE a.level = 'lsoa')
            SELECT l.code, ST_X((l.c).center), ST_Y((l.c).center), m.code, w.code
            FROM circle l
            JOIN area m ON m.level = 'msoa' AND ST_Covers(m.geom, (l.c).center)
            JOIN area w ON w.level = 'ward' AND ST_Covers(w.geom, (l.c).center)
            JOIN latest lm ON lm.level = 'msoa' AND lm.vintage = m.vintage
            JOIN latest lw ON lw.level = 'ward' AND lw.vintage = w.vintage
            WHERE (l.c).radius > 60 AND ST_Distance(ST_Boundary(w.geom), (l.c).center) > 60
            ORDER BY l.code LIMIT 1""";

    /** The map point with the most incidents in the last month (the density layers' default month). */
    private static final String HOT_POINT = """
            SELECT ST_X(geom), ST_Y(geom) FROM incident
            WHERE event_from >= date_trunc('month', (SELECT max(event_from) FROM incident), 'Europe/London')
            GROUP BY geom ORDER BY count(*) DESC, ST_X(geom), ST_Y(geom) LIMIT 1""";

    /** Of the window's corners (100 m in), the one farthest from any LSOA and any incident, and how far. */
    private static final String EMPTY_POINT = """
            WITH corner AS (
                SELECT ST_SetSRID(ST_MakePoint(x, y), 27700) AS pt FROM (VALUES (?::float8 + 100, ?::float8 + 100),
                    (?::float8 + 100, ?::float8 - 100), (?::float8 - 100, ?::float8 + 100),
                    (?::float8 - 100, ?::float8 - 100)) v(x, y))
            SELECT ST_X(pt), ST_Y(pt), least(
                (SELECT min(ST_Distance(a.geom, pt)) FROM area a WHERE a.level = 'lsoa'),
                (SELECT ST_Distance(i.geom, pt) FROM incident i ORDER BY i.geom <-> pt LIMIT 1)) AS clear
            FROM corner ORDER BY clear DESC LIMIT 1""";

    private static Places findPlaces() {
        double[] window = doubles(firstRow("the LSOAs' extent", LSOA_WINDOW), 0, 4);
        double[] extent = doubles(firstRow("the data's extent", DATA_EXTENT), 0, 4);
        List<Object> inner = firstRow("an LSOA with a point 60 m inside it and inside its ward", INNER_POINT);
        Map<String, String> areas = Map.of(
                "lsoa-boundaries",
                (String) inner.get(0),
                "msoa-boundaries",
                (String) inner.get(3),
                "ward-boundaries",
                (String) inner.get(4),
                "lad-boundaries",
                (String) firstRow("the district covering that point", """
                                SELECT code FROM area WHERE level = 'lad'
                                  AND vintage = (SELECT max(vintage) FROM area WHERE level = 'lad')
                                  AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 27700))""", inner.get(1), inner.get(2))
                        .get(0));
        double[] hot = doubles(firstRow("the busiest place of the last month", HOT_POINT), 0, 2);
        List<Object> empty = firstRow(
                "the emptiest corner",
                EMPTY_POINT,
                window[0],
                window[1],
                window[0],
                window[3],
                window[2],
                window[1],
                window[2],
                window[3]);
        assertThat(((Number) empty.get(2)).doubleValue())
                .as("a corner of the demo's LSOA extent " + CLEAR_METRES + " m from any LSOA or incident: " + empty)
                .isGreaterThan(CLEAR_METRES);
        assertThat(hot[0]).as("the busiest place lies in the window").isBetween(window[0], window[2]);
        assertThat(hot[1]).as("the busiest place lies in the window").isBetween(window[1], window[3]);
        return new Places(window, extent, doubles(inner, 1, 2), areas, hot, doubles(empty, 0, 2));
    }

    private static List<Object> firstRow(String what, String sql, Object... params) {
        List<List<Object>> rows = Sql.rows(db, sql, params);
        assertThat(rows).as(what + " in the demo data").isNotEmpty();
        assertThat(rows.get(0)).as(what + " in the demo data").doesNotContainNull();
        return rows.get(0);
    }

    /** The LSOA window (EPSG:27700) as PostGIS transforms it into the CRS: the envelope of its densified edges. */
    private static double[] transformedWindow(String crs) {
        return transformedExtent(places.window(), crs);
    }

    private static final String TRANSFORM_BOX = """
            SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Transform(ST_Segmentize(
                ST_MakeEnvelope(?, ?, ?, ?, 27700), 50), ?)::box2d::geometry AS e) x""";

    private static double[] transformedExtent(double[] b, String crs) {
        return doubles(firstRow("a transformed box", TRANSFORM_BOX, b[0], b[1], b[2], b[3], srid(crs)), 0, 4);
    }

    private static final String TRANSFORM_POINT = """
            SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 27700), ?) AS p) x""";

    /** A point from EPSG:27700 into the CRS, x (easting or longitude) first, by PostGIS. */
    private static double[] transform(double[] bng, String crs) {
        return doubles(firstRow("a transformed point", TRANSFORM_POINT, bng[0], bng[1], srid(crs)), 0, 2);
    }

    private static int srid(String crs) {
        return switch (crs) {
            case "EPSG:27700" -> 27700;
            case "EPSG:3857" -> 3857;
            case "EPSG:4326", "CRS:84" -> 4326; // PostGIS keeps longitude first for both
            default -> throw new IllegalArgumentException(crs);
        };
    }

    private static double[] doubles(List<Object> row, int from, int count) {
        double[] out = new double[count];
        for (int k = 0; k < count; k++) {
            out[k] = ((Number) row.get(from + k)).doubleValue();
        }
        return out;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.9f", v);
    }

    // ---------------------------------------------------------------- programs

    /** What a finished program printed. */
    private record Output(List<String> command, int exit, String out, String err) {
        String describe() {
            return String.join(" ", command) + "\nexit " + exit + "\nstdout:\n" + abbreviate(out) + "\nstderr:\n"
                    + abbreviate(err);
        }
    }

    private static Output ok(String debianPackage, String... command) {
        Output o = run(debianPackage, command);
        assertThat(o.exit()).as(o::describe).isZero();
        return o;
    }

    /** Runs a client, at most {@value #LIMIT_SECONDS} s; a client that cannot start names the package it is from. */
    private static Output run(String debianPackage, String... command) {
        try {
            Path out = Files.createTempFile(dir, "out-", ".txt");
            Path err = Files.createTempFile(dir, "err-", ".txt");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            // The server is local: no proxy from the environment may stand in between.
            builder.environment().put("NO_PROXY", "127.0.0.1,localhost");
            builder.environment().put("no_proxy", "127.0.0.1,localhost");
            builder.environment().put("GDAL_PAM_ENABLED", "NO");
            builder.environment().put("GDAL_HTTP_TIMEOUT", "60");
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new AssertionError(
                        command[0] + " cannot be started (" + e.getMessage() + "); it comes from " + "Debian's "
                                + debianPackage + ", which ./safemap test installs",
                        e);
            }
            if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish in " + LIMIT_SECONDS
                        + " s\nstdout:\n" + abbreviate(Files.readString(out)) + "\nstderr:\n"
                        + abbreviate(Files.readString(err)));
            }
            return new Output(List.of(command), process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new AssertionError("running " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command[0], e);
        }
    }

    private static JsonNode json(Output o) {
        try {
            return JSON.readTree(o.out());
        } catch (IOException e) {
            throw new AssertionError("not JSON from " + o.describe(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 6000 ? s : s.substring(0, 6000) + "\n... (" + (s.length() - 6000) + " more characters)";
    }
}
