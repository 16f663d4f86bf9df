package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * WMTS 1.0.0 over real HTTP on the demo data: capabilities against the OGC schema (offline), the OS Maps API's
 * EPSG:27700 matrix set, KVP and RESTful tiles equal to the XYZ tile and to WMS GetMap of the same box, GetFeatureInfo
 * equal to the WMS's at the same place and naming the area PostGIS puts there, refusals against the OWS 1.1
 * ExceptionReport schema, and GDAL's
 * WMTS driver and OWSLib reading the service.
 */
class WmtsIT {
    private static final String WMTS = "http://www.opengis.net/wmts/1.0";
    private static final String OWS = "http://www.opengis.net/ows/1.1";
    /** Liverpool city centre, EPSG:27700. */
    private static final double E = 334900;

    private static final double N = 390300;

    private static Database db;
    private static App app;
    private static String base;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        app = App.start(TestSettings.defaults(), db, TestPrincipals.fixed(TestPrincipals.CSP_ANALYST));
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static Document parse(byte[] body) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    }

    private static BufferedImage png(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("image/png");
        return ImageIO.read(new ByteArrayInputStream(r.body()));
    }

    private static int[] argb(BufferedImage i) {
        return i.getRGB(0, 0, i.getWidth(), i.getHeight(), null, 0, i.getWidth());
    }

    /**
     * The WMTS schema imports OWS 1.1 and XLink by absolute address; they are answered from the OGC and W3C schema
     * jars on the test classpath, so nothing is fetched from the network (an address no jar holds fails).
     */
    private static org.w3c.dom.ls.LSInput fromJars(
            String type, String namespace, String publicId, String systemId, String base) {
        String path;
        if (systemId == null) {
            return null;
        } else if (systemId.startsWith("http://schemas.opengis.net/")) {
            path = "ogc/" + systemId.substring("http://schemas.opengis.net/".length());
        } else if (systemId.equals("http://www.w3.org/1999/xlink.xsd")) {
            path = "w3c/1999/xlink.xsd";
        } else if (systemId.equals("http://www.w3.org/2001/xml.xsd")) {
            path = "w3c/2001/xml.xsd";
        } else {
            return null; // relative: resolved against the jar the importing schema came from
        }
        URL url = WmtsIT.class.getClassLoader().getResource(path);
        assertThat(url).as(systemId + " in the schema jars").isNotNull();
        try {
            org.w3c.dom.ls.DOMImplementationLS ls =
                    (org.w3c.dom.ls.DOMImplementationLS) org.w3c.dom.bootstrap.DOMImplementationRegistry.newInstance()
                            .getDOMImplementation("LS");
            org.w3c.dom.ls.LSInput in = ls.createLSInput();
            in.setByteStream(url.openStream());
            in.setSystemId(url.toExternalForm());
            in.setPublicId(publicId);
            return in;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The capabilities, validated against the OGC schema offline. */
    private static Document validCapabilities() throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(base + "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities&VERSION=1.0.0");
        assertThat(r.statusCode()).isEqualTo(200);
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar,file");
        f.setResourceResolver(WmtsIT::fromJars);
        URL xsd = WmtsIT.class.getClassLoader().getResource("ogc/wmts/1.0/wmtsGetCapabilities_response.xsd");
        assertThat(xsd).isNotNull();
        f.newSchema(xsd).newValidator().validate(new StreamSource(new ByteArrayInputStream(r.body())));
        return parse(r.body());
    }

    @Test
    void capabilitiesAreValidAndCarryBothMatrixSetsAndTheDimensions() throws Exception {
        Document doc = validCapabilities();
        List<String> sets = new ArrayList<>();
        NodeList tms = doc.getElementsByTagNameNS(WMTS, "TileMatrixSet");
        for (int k = 0; k < tms.getLength(); k++) {
            Element e = (Element) tms.item(k);
            if (e.getParentNode().getLocalName().equals("Contents")) {
                sets.add(e.getElementsByTagNameNS(OWS, "Identifier").item(0).getTextContent());
                if (sets.get(sets.size() - 1).equals("EPSG:27700")) {
                    Element level0 = (Element)
                            e.getElementsByTagNameNS(WMTS, "TileMatrix").item(0);
                    assertThat(level0.getElementsByTagNameNS(WMTS, "TopLeftCorner")
                                    .item(0)
                                    .getTextContent())
                            .isEqualTo("-238375 1376256");
                    // 896 m per pixel at OGC's 0.28 mm pixel.
                    assertThat(Double.parseDouble(level0.getElementsByTagNameNS(WMTS, "ScaleDenominator")
                                    .item(0)
                                    .getTextContent()))
                            .isEqualTo(3_200_000.0, org.assertj.core.data.Offset.offset(1e-6));
                    assertThat(e.getElementsByTagNameNS(WMTS, "TileMatrix").getLength())
                            .isEqualTo(14);
                }
            }
        }
        assertThat(sets).containsExactly("GoogleMapsCompatible", "EPSG:27700");
        // The same layers as the WMS gives this requester, the density layer with its own categories.
        String wms = new String(
                Http.getBytes(base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities").body(), StandardCharsets.UTF_8);
        NodeList layers = doc.getElementsByTagNameNS(WMTS, "Layer");
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < layers.getLength(); k++) {
            Element l = (Element) layers.item(k);
            String id = l.getElementsByTagNameNS(OWS, "Identifier").item(0).getTextContent();
            ids.add(id);
            assertThat(wms).contains("<Name>" + id + "</Name>");
            if (id.equals("density-violence")) {
                String dims = l.getTextContent();
                assertThat(dims).contains("robbery").doesNotContain("burglary");
            }
            if (id.equals("density-change")) {
                // A change layer names its baseline: by default the months just before time, or any month.
                List<String> dimensions = new ArrayList<>();
                NodeList ds = l.getElementsByTagNameNS(WMTS, "Dimension");
                for (int d = 0; d < ds.getLength(); d++) {
                    dimensions.add(((Element) ds.item(d))
                            .getElementsByTagNameNS(OWS, "Identifier")
                            .item(0)
                            .getTextContent());
                }
                assertThat(dimensions).containsExactly("time", "category", "baseline", "hours", "weekdays");
                Element baseline = (Element) ds.item(2);
                assertThat(baseline.getElementsByTagNameNS(WMTS, "Default")
                                .item(0)
                                .getTextContent())
                        .isEqualTo("previous");
                assertThat(baseline.getTextContent()).contains("2022-01").contains("2022-07");
                String template =
                        ((Element) l.getElementsByTagNameNS(WMTS, "ResourceURL").item(0)).getAttribute("template");
                assertThat(template).contains("/{time}/{category}/{baseline}/{TileMatrixSet}/");
            }
        }
        assertThat(layers.getLength()).isEqualTo(wms.split("<Layer ").length - 1);
        // every boundary level, the districts too, for everyone
        assertThat(ids).contains("lsoa-boundaries", "msoa-boundaries", "ward-boundaries", "lad-boundaries");
    }

    @Test
    void googleTilesAreTheXyzTilesAndBngTilesAreTheWmsMapOfTheirBox() throws Exception {
        // The XYZ tile over Liverpool at zoom 12 (x 2014, y 1326 holds 53.40 N, 2.98 W).
        int z = 12;
        int x = 2014;
        int y = 1326;
        byte[] xyz = Http.getBytes(base + "/tiles/density-all/" + z + "/" + x + "/" + y + ".png?time=2022-07")
                .body();
        HttpResponse<byte[]> kvp = Http.getBytes(base + "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                + "&LAYER=density-all&STYLE=density&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=" + z + "&TILEROW="
                + y + "&TILECOL=" + x + "&FORMAT=image/png&TIME=2022-07");
        assertThat(argb(png(kvp))).isEqualTo(argb(ImageIO.read(new ByteArrayInputStream(xyz))));
        HttpResponse<byte[]> rest = Http.getBytes(
                base + "/wmts/density-all/density/2022-07/all/GoogleMapsCompatible/" + z + "/" + y + "/" + x + ".png");
        assertThat(argb(png(rest))).isEqualTo(argb(png(kvp)));
        // The OS grid: the tile holding the centre at level 8 (3.5 m/px, 896 m tiles), and WMS of its box.
        int level = 8;
        double span = 896.0 / (1 << level) * 256;
        long col = (long) Math.floor((E + 238375) / span);
        long row = (long) Math.floor((1376256 - N) / span);
        double minX = -238375 + col * span;
        double maxY = 1376256 - row * span;
        BufferedImage bng = png(Http.getBytes(
                base + "/wmts/density-all/density/2022-07/all/EPSG:27700/" + level + "/" + row + "/" + col + ".png"));
        BufferedImage wms = png(Http.getBytes(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=density-all"
                + "&STYLES=&CRS=EPSG:27700&BBOX=" + minX + "," + (maxY - span) + "," + (minX + span) + "," + maxY
                + "&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE&TIME=2022-07"));
        assertThat(argb(bng)).isEqualTo(argb(wms));
        assertThat(java.util.Arrays.stream(argb(bng)).filter(p -> p >>> 24 != 0).count())
                .isPositive();
        // Refusals are OWS exception reports with the WMTS status codes.
        HttpResponse<byte[]> out = Http.getBytes(base + "/wmts/density-all/density/2022-07/all/EPSG:27700/0/99/0.png");
        assertThat(out.statusCode()).isEqualTo(400);
        assertThat(new String(out.body(), StandardCharsets.UTF_8)).contains("TileOutOfRange");
        HttpResponse<byte[]> category = Http.getBytes(
                base + "/wmts/density-violence/density/2022-07/burglary/EPSG:27700/8/" + row + "/" + col + ".png");
        assertThat(new String(category.body(), StandardCharsets.UTF_8)).contains("InvalidDimensionValue");
    }

    /** The OS grid's tile span at {@code level}, metres. */
    private static double bngSpan(int level) {
        return 896.0 / (1 << level) * 256;
    }

    /** WMS GetMap of the OS grid's tile (level, row, col), at the tile's size, with {@code extra} parameters. */
    private static String wmsOfBngTile(String layer, int level, long row, long col, String extra) {
        double span = bngSpan(level);
        double minX = -238375 + col * span;
        double maxY = 1376256 - row * span;
        return base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=" + layer + "&STYLES=&CRS=EPSG:27700"
                + "&BBOX=" + minX + "," + (maxY - span) + "," + (minX + span) + "," + maxY
                + "&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE" + extra;
    }

    private static long painted(int[] argb) {
        return java.util.Arrays.stream(argb).filter(p -> p >>> 24 != 0).count();
    }

    /** The element of a WMTS capabilities layer's dimension {@code id}, or null. */
    private static Element dimension(Element layer, String id) {
        NodeList ds = layer.getElementsByTagNameNS(WMTS, "Dimension");
        for (int d = 0; d < ds.getLength(); d++) {
            Element e = (Element) ds.item(d);
            if (e.getElementsByTagNameNS(OWS, "Identifier")
                    .item(0)
                    .getTextContent()
                    .equals(id)) {
                return e;
            }
        }
        return null;
    }

    private static Element capabilitiesLayer(String id) throws Exception {
        Document doc = validCapabilities(); // with the run dimension once a run has finished
        NodeList layers = doc.getElementsByTagNameNS(WMTS, "Layer");
        for (int k = 0; k < layers.getLength(); k++) {
            Element l = (Element) layers.item(k);
            if (l.getElementsByTagNameNS(OWS, "Identifier")
                    .item(0)
                    .getTextContent()
                    .equals(id)) {
                return l;
            }
        }
        throw new AssertionError("no layer " + id + " in the WMTS capabilities");
    }

    /**
     * A change layer's tile is drawn against the baseline asked for, in REST and KVP, each tile equal pixel for pixel
     * to WMS GetMap of its box with the same DIM_BASELINE; {@code previous} (and no baseline) is the months just
     * before time, as the WMS's default. The tile against the default is fetched first, so a cache keyed without the
     * baseline would answer the later request with it.
     */
    @Test
    void changeTilesAreDrawnAgainstTheBaselineAskedFor() throws Exception {
        int level = 8;
        long col = (long) Math.floor((E + 238375) / bngSpan(level));
        long row = (long) Math.floor((1376256 - N) / bngSpan(level));
        String tile = base + "/wmts/density-change/default/2022-07/all/%s/EPSG:27700/" + level + "/" + row + "/" + col
                + ".png";
        HttpResponse<byte[]> previousResponse = Http.getBytes(tile.formatted("previous"));
        int[] previous = argb(png(previousResponse));
        HttpResponse<byte[]> earlierResponse = Http.getBytes(tile.formatted("2022-01"));
        int[] earlier = argb(png(earlierResponse));
        assertThat(earlier).as("a different baseline draws a different change").isNotEqualTo(previous);
        assertThat(earlierResponse.headers().firstValue("etag"))
                .isNotEqualTo(previousResponse.headers().firstValue("etag"));
        assertThat(painted(earlier)).isPositive();
        assertThat(earlier)
                .isEqualTo(argb(png(Http.getBytes(
                        wmsOfBngTile("density-change", level, row, col, "&TIME=2022-07&DIM_BASELINE=2022-01")))));
        assertThat(previous)
                .isEqualTo(argb(png(Http.getBytes(wmsOfBngTile("density-change", level, row, col, "&TIME=2022-07")))))
                .isEqualTo(argb(png(Http.getBytes(tile.formatted("2022-06")))))
                .isEqualTo(argb(png(Http.getBytes(tile.formatted("default")))));
        String kvp = base + "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=density-change&STYLE="
                + "&TILEMATRIXSET=EPSG:27700&TILEMATRIX=" + level + "&TILEROW=" + row + "&TILECOL=" + col
                + "&FORMAT=image/png&TIME=2022-07";
        assertThat(argb(png(Http.getBytes(kvp + "&BASELINE=2022-01")))).isEqualTo(earlier);
        assertThat(argb(png(Http.getBytes(kvp)))).isEqualTo(previous);
        assertThat(text(Http.getBytes(tile.formatted("2019-01")))).contains("InvalidDimensionValue");
        // GetFeatureInfo follows the baseline too, as the WMS's does.
        String info = base + "/wmts/density-change/default/2022-07/all/%s/EPSG:27700/" + level + "/" + row + "/" + col
                + "/128/128.json";
        String wmsInfo = wmsOfBngTile("density-change", level, row, col, "&TIME=2022-07")
                        .replace("REQUEST=GetMap", "REQUEST=GetFeatureInfo")
                + "&QUERY_LAYERS=density-change&INFO_FORMAT=application/json&I=128&J=128";
        HttpResponse<byte[]> againstEarlier = Http.getBytes(info.formatted("2022-01"));
        assertThat(againstEarlier.statusCode()).as(text(againstEarlier)).isEqualTo(200);
        assertThat(text(againstEarlier))
                .isEqualTo(text(Http.getBytes(wmsInfo + "&DIM_BASELINE=2022-01")))
                .isNotEqualTo(text(Http.getBytes(info.formatted("previous"))));
        assertThat(text(Http.getBytes(info.formatted("previous")))).isEqualTo(text(Http.getBytes(wmsInfo)));
    }

    /**
     * The hours and weekdays dimensions: listed for the surfaces and points (not the monthly counts), with common
     * windows as values, in the RESTful templates as query parameters; a night tile, by template and by KVP, is the
     * WMS GetMap of its box with the same DIM_HOURS and not the tile of every hour, and its feature info follows.
     */
    @Test
    void hoursAndWeekdaysAreDimensionsAndANightTileIsTheWmsNight() throws Exception {
        Element density = capabilitiesLayer("density-all");
        Element hours = dimension(density, "hours");
        assertThat(hours).isNotNull();
        assertThat(hours.getElementsByTagNameNS(WMTS, "Default").item(0).getTextContent())
                .isEqualTo("all");
        List<String> values = new ArrayList<>();
        NodeList vs = hours.getElementsByTagNameNS(WMTS, "Value");
        for (int k = 0; k < vs.getLength(); k++) {
            values.add(vs.item(k).getTextContent());
        }
        assertThat(values).contains("all", "22-3", "0", "23").hasSize(30);
        assertThat(dimension(density, "weekdays").getTextContent())
                .contains("mon-fri")
                .contains("sun");
        assertThat(dimension(capabilitiesLayer("incidents"), "hours")).isNotNull();
        assertThat(dimension(capabilitiesLayer("incident-counts"), "hours")).isNull();
        String template =
                ((Element) density.getElementsByTagNameNS(WMTS, "ResourceURL").item(0)).getAttribute("template");
        assertThat(template)
                .endsWith("/density-all/{Style}/{time}/{category}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.png"
                        + "?hours={hours}&weekdays={weekdays}");

        int level = 9;
        long col = (long) Math.floor((E + 238375) / bngSpan(level));
        long row = (long) Math.floor((1376256 - N) / bngSpan(level));
        String tile = template.replace("{Style}", "default")
                .replace("{time}", "2022-07")
                .replace("{category}", "all")
                .replace("{TileMatrixSet}", "EPSG:27700")
                .replace("{TileMatrix}", String.valueOf(level))
                .replace("{TileRow}", String.valueOf(row))
                .replace("{TileCol}", String.valueOf(col));
        int[] every = argb(png(Http.getBytes(tile.replace("{hours}", "all").replace("{weekdays}", "all"))));
        HttpResponse<byte[]> nightResponse =
                Http.getBytes(tile.replace("{hours}", "22-3").replace("{weekdays}", "default"));
        int[] night = argb(png(nightResponse));
        assertThat(painted(night)).isPositive();
        assertThat(night).isNotEqualTo(every);
        assertThat(night)
                .isEqualTo(argb(png(
                        Http.getBytes(wmsOfBngTile("density-all", level, row, col, "&TIME=2022-07&DIM_HOURS=22-3")))));
        assertThat(every)
                .isEqualTo(argb(png(Http.getBytes(wmsOfBngTile("density-all", level, row, col, "&TIME=2022-07")))));
        String kvp = base + "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=density-all&STYLE="
                + "&TILEMATRIXSET=EPSG:27700&TILEMATRIX=" + level + "&TILEROW=" + row + "&TILECOL=" + col
                + "&FORMAT=image/png&TIME=2022-07";
        assertThat(argb(png(Http.getBytes(kvp + "&HOURS=22-3")))).isEqualTo(night);
        int[] weekendNights = argb(png(Http.getBytes(kvp + "&HOURS=22-3&WEEKDAYS=fri-sat")));
        assertThat(weekendNights)
                .isNotEqualTo(night)
                .isEqualTo(argb(png(Http.getBytes(wmsOfBngTile(
                        "density-all", level, row, col, "&TIME=2022-07&DIM_HOURS=22-3&DIM_WEEKDAYS=fri-sat")))));
        // Feature info at the tile's pixel, by the template, states and draws the same hours as the WMS's.
        String info = template.replace(".png", "/128/128.json")
                .replace("{Style}", "default")
                .replace("{time}", "2022-07")
                .replace("{category}", "all")
                .replace("{TileMatrixSet}", "EPSG:27700")
                .replace("{TileMatrix}", String.valueOf(level))
                .replace("{TileRow}", String.valueOf(row))
                .replace("{TileCol}", String.valueOf(col))
                .replace("{hours}", "22-3")
                .replace("{weekdays}", "all");
        HttpResponse<byte[]> nightInfo = Http.getBytes(info);
        assertThat(nightInfo.statusCode()).as(text(nightInfo)).isEqualTo(200);
        String wmsInfo = wmsOfBngTile("density-all", level, row, col, "&TIME=2022-07&DIM_HOURS=22-3")
                        .replace("REQUEST=GetMap", "REQUEST=GetFeatureInfo")
                + "&QUERY_LAYERS=density-all&INFO_FORMAT=application/json&I=128&J=128";
        assertThat(text(nightInfo)).isEqualTo(text(Http.getBytes(wmsInfo))).contains("\"hours\":\"22-3\"");
        assertThat(text(Http.getBytes(tile.replace("{hours}", "night").replace("{weekdays}", "all"))))
                .contains("InvalidDimensionValue");
    }

    /** A finished Gi* run over {@code period} ({@code 2022-01..2022-03}), by the API as an analyst starts one. */
    private static long hotspotRun(String period) {
        HttpResponse<String> r = Http.postJson(base + "/api/hotspots", "{\"period\": \"" + period + "\"}");
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        long id = Http.json(r).path("id").asLong();
        assertThat(id).isPositive();
        return id;
    }

    /**
     * A Gi* layer lists its finished runs as a run dimension with the WMS's default and a title for each, and its
     * tiles and feature info follow RUN (KVP) and {run} (REST): two runs over different periods draw different tiles
     * where an area's class differs, each equal pixel for pixel to WMS GetMap with the same DIM_RUN, whichever was
     * cached first; no run is the WMS's default run.
     */
    @Test
    void runTilesAreDrawnFromTheRunAskedFor() throws Exception {
        long early = hotspotRun("2022-01..2022-03");
        long late = hotspotRun("2022-05..2022-07");
        List<Object> area = Sql.rows(db, """
                        SELECT a.code, ST_X(ST_PointOnSurface(a.geom)), ST_Y(ST_PointOnSurface(a.geom))
                        FROM hotspot_area_result x
                        JOIN hotspot_area_result y ON y.level = x.level AND y.code = x.code AND y.run_id = ?
                        JOIN area a ON a.level = x.level AND a.code = x.code
                        WHERE x.run_id = ? AND x.level = 'lsoa' AND x.gi_bin <> y.gi_bin
                        ORDER BY abs(x.gi_bin - y.gi_bin) DESC, a.code LIMIT 1""", late, early).get(0);
        double x = ((Number) area.get(1)).doubleValue();
        double y = ((Number) area.get(2)).doubleValue();
        Element layer = capabilitiesLayer("hotspot-gistar");
        Element run = dimension(layer, "run");
        assertThat(run).as("the run dimension").isNotNull();
        List<String> values = new ArrayList<>();
        NodeList vs = run.getElementsByTagNameNS(WMTS, "Value");
        for (int k = 0; k < vs.getLength(); k++) {
            values.add(vs.item(k).getTextContent());
        }
        assertThat(values).contains(String.valueOf(early), String.valueOf(late));
        assertThat(run.getElementsByTagNameNS(OWS, "Abstract").item(0).getTextContent())
                .contains("run " + early + ": Gi* hot spots")
                .contains("run " + late + ": Gi* hot spots");
        String wmsCaps = new String(
                Http.getBytes(base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities").body(), StandardCharsets.UTF_8);
        java.util.regex.Matcher wmsDefault = java.util.regex.Pattern.compile(
                        "<Name>hotspot-gistar</Name>.*?<Dimension name=\"run\" units=\"\" default=\"(\\d+)\"",
                        java.util.regex.Pattern.DOTALL)
                .matcher(wmsCaps);
        assertThat(wmsDefault.find()).as("the WMS's run dimension").isTrue();
        String defaultRun = run.getElementsByTagNameNS(WMTS, "Default").item(0).getTextContent();
        assertThat(defaultRun).isEqualTo(wmsDefault.group(1));
        String template =
                ((Element) layer.getElementsByTagNameNS(WMTS, "ResourceURL").item(0)).getAttribute("template");
        assertThat(template)
                .endsWith("/hotspot-gistar/{Style}/{run}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.png");
        int level = 10;
        long[] t = tileAndPixel(-238375, 1376256, bngSpan(level), x, y);
        String tile = template.replace("{Style}", "default")
                .replace("{TileMatrixSet}", "EPSG:27700")
                .replace("{TileMatrix}", String.valueOf(level))
                .replace("{TileRow}", String.valueOf(t[0]))
                .replace("{TileCol}", String.valueOf(t[1]));
        HttpResponse<byte[]> earlyResponse = Http.getBytes(tile.replace("{run}", String.valueOf(early)));
        int[] earlyTile = argb(png(earlyResponse));
        HttpResponse<byte[]> lateResponse = Http.getBytes(tile.replace("{run}", String.valueOf(late)));
        int[] lateTile = argb(png(lateResponse));
        assertThat(lateTile).as("the area's class differs between the runs").isNotEqualTo(earlyTile);
        assertThat(lateResponse.headers().firstValue("etag"))
                .isNotEqualTo(earlyResponse.headers().firstValue("etag"));
        int pixel = (int) (t[3] * 256 + t[2]);
        assertThat(lateTile[pixel]).isNotEqualTo(earlyTile[pixel]);
        for (long id : new long[] {early, late}) {
            int[] wms = argb(png(Http.getBytes(wmsOfBngTile("hotspot-gistar", level, t[0], t[1], "&DIM_RUN=" + id))));
            assertThat(id == early ? earlyTile : lateTile)
                    .as("run " + id + " as the WMS draws it")
                    .isEqualTo(wms);
            String kvp = base + "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=hotspot-gistar&STYLE="
                    + "&TILEMATRIXSET=EPSG:27700&TILEMATRIX=" + level + "&TILEROW=" + t[0] + "&TILECOL=" + t[1]
                    + "&FORMAT=image/png&RUN=" + id;
            assertThat(argb(png(Http.getBytes(kvp)))).isEqualTo(wms);
            // GetFeatureInfo names the run asked for, as the WMS's does.
            String info = template.replace(".png", "/" + t[3] + "/" + t[2] + ".json")
                    .replace("{Style}", "default")
                    .replace("{run}", String.valueOf(id))
                    .replace("{TileMatrixSet}", "EPSG:27700")
                    .replace("{TileMatrix}", String.valueOf(level))
                    .replace("{TileRow}", String.valueOf(t[0]))
                    .replace("{TileCol}", String.valueOf(t[1]));
            HttpResponse<byte[]> restInfo = Http.getBytes(info);
            assertThat(restInfo.statusCode()).as(info + ": " + text(restInfo)).isEqualTo(200);
            String wmsInfo = wmsOfBngTile("hotspot-gistar", level, t[0], t[1], "&DIM_RUN=" + id)
                            .replace("REQUEST=GetMap", "REQUEST=GetFeatureInfo")
                    + "&QUERY_LAYERS=hotspot-gistar&INFO_FORMAT=application/json&I=" + t[2] + "&J=" + t[3];
            assertThat(text(restInfo)).isEqualTo(text(Http.getBytes(wmsInfo))).contains((String) area.get(0));
            assertThat(text(Http.getBytes(kvp.replace("GetTile", "GetFeatureInfo") + "&I=" + t[2] + "&J=" + t[3]
                            + "&INFOFORMAT=application/json")))
                    .isEqualTo(text(restInfo));
        }
        // No run, or the keyword default, is the default run, as the WMS without DIM_RUN.
        int[] wmsDefaultTile = argb(png(Http.getBytes(wmsOfBngTile("hotspot-gistar", level, t[0], t[1], ""))));
        assertThat(argb(png(Http.getBytes(tile.replace("{run}", "default"))))).isEqualTo(wmsDefaultTile);
        assertThat(argb(png(Http.getBytes(tile.replace("{run}", defaultRun))))).isEqualTo(wmsDefaultTile);
        assertThat(text(Http.getBytes(tile.replace("{run}", "999999")))).contains("InvalidDimensionValue");
        // A path of the wrong shape for the layer says which it takes.
        HttpResponse<byte[]> wrong = Http.getBytes(
                base + "/wmts/hotspot-gistar/default/EPSG:27700/" + level + "/" + t[0] + "/" + t[1] + ".png");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(text(wrong)).contains("{run}");
        // The emerging layer has the run dimension exactly when an emerging run has finished; without one its
        // addresses name no run (there would be no value to give).
        long emerging = Sql.count(db, """
                SELECT count(*) FROM hotspot_run r WHERE r.kind = 'emerging' AND r.status = 'done'
                AND EXISTS (SELECT 1 FROM hotspot_area_result a WHERE a.run_id = r.id AND a.level = 'lsoa')""");
        Element emergingLayer = capabilitiesLayer("emerging-hotspots");
        String emergingTemplate = ((Element) emergingLayer
                        .getElementsByTagNameNS(WMTS, "ResourceURL")
                        .item(0))
                .getAttribute("template");
        if (emerging == 0) {
            assertThat(dimension(emergingLayer, "run")).isNull();
            assertThat(emergingTemplate).contains("/{Style}/{TileMatrixSet}/");
        } else {
            assertThat(dimension(emergingLayer, "run")).isNotNull();
            assertThat(emergingTemplate).contains("/{Style}/{run}/{TileMatrixSet}/");
        }
    }

    /** A tile of a matrix set holding (x, y), and the pixel (I, J) in it: {row, col, i, j}. */
    private static long[] tileAndPixel(double originX, double originY, double span, double x, double y) {
        long col = (long) Math.floor((x - originX) / span);
        long row = (long) Math.floor((originY - y) / span);
        double res = span / 256;
        long i = (long) Math.floor((x - (originX + col * span)) / res);
        long j = (long) Math.floor((originY - row * span - y) / res);
        return new long[] {row, col, i, j};
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /**
     * GetFeatureInfo at a pixel of a tile is the WMS's GetFeatureInfo of the tile's box at that pixel, byte for byte,
     * in KVP and REST and in both matrix sets, and names the LSOA PostGIS finds at that place; a timed layer's answer
     * follows its time. Errors are OWS reports.
     */
    @Test
    void getFeatureInfoIsTheWmsAnswerAtTheTilesPixel() throws Exception {
        List<Object> place = Sql.rows(db, """
                        SELECT code, ST_X(p), ST_Y(p), ST_X(ST_Transform(p, 3857)), ST_Y(ST_Transform(p, 3857))
                        FROM (SELECT code, ST_PointOnSurface(geom) AS p FROM area WHERE level = 'lsoa'
                              AND vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa') ORDER BY code LIMIT 1) a""").get(0);
        String code = (String) place.get(0);
        double world = 20037508.342789244;
        record Ask(String set, int level, double originX, double originY, double span, double x, double y) {}
        List<Ask> asks = List.of(
                new Ask(
                        "EPSG:27700",
                        10,
                        -238375,
                        1376256,
                        896.0 / 1024 * 256,
                        ((Number) place.get(1)).doubleValue(),
                        ((Number) place.get(2)).doubleValue()),
                new Ask(
                        "GoogleMapsCompatible",
                        16,
                        -world,
                        world,
                        2 * world / (1 << 16),
                        ((Number) place.get(3)).doubleValue(),
                        ((Number) place.get(4)).doubleValue()));
        for (Ask a : asks) {
            long[] t = tileAndPixel(a.originX(), a.originY(), a.span(), a.x(), a.y());
            double minX = a.originX() + t[1] * a.span();
            double maxY = a.originY() - t[0] * a.span();
            String crs = a.set().equals("EPSG:27700") ? "EPSG:27700" : "EPSG:3857";
            for (String[] layer : new String[][] {{"lsoa-boundaries", ""}, {"incident-counts", "2022-03"}}) {
                String time = layer[1].isEmpty() ? "" : "&TIME=" + layer[1];
                HttpResponse<byte[]> wms = Http.getBytes(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo"
                        + "&LAYERS=" + layer[0] + "&QUERY_LAYERS=" + layer[0] + "&STYLES=&CRS=" + crs + "&BBOX=" + minX
                        + "," + (maxY - a.span()) + "," + (minX + a.span()) + "," + maxY
                        + "&WIDTH=256&HEIGHT=256&FORMAT=image/png&INFO_FORMAT=application/json&I=" + t[2] + "&J="
                        + t[3] + time);
                assertThat(wms.statusCode()).as(text(wms)).isEqualTo(200);
                assertThat(text(wms)).as(a.set() + " " + layer[0]).contains(code);
                HttpResponse<byte[]> kvp = Http.getBytes(base + "/wmts?SERVICE=WMTS&REQUEST=GetFeatureInfo"
                        + "&VERSION=1.0.0&LAYER=" + layer[0] + "&STYLE=&FORMAT=image/png&TILEMATRIXSET=" + a.set()
                        + "&TILEMATRIX=" + a.level() + "&TILEROW=" + t[0] + "&TILECOL=" + t[1] + "&J=" + t[3] + "&I="
                        + t[2] + "&INFOFORMAT=application/json" + time);
                assertThat(kvp.statusCode()).as(text(kvp)).isEqualTo(200);
                assertThat(kvp.headers().firstValue("content-type").orElse("")).startsWith("application/json");
                assertThat(text(kvp)).isEqualTo(text(wms));
                String rest = base + "/wmts/" + layer[0] + "/default/"
                        + (layer[1].isEmpty() ? "" : layer[1] + "/all/") + a.set() + "/" + a.level() + "/" + t[0]
                        + "/" + t[1] + "/" + t[3] + "/" + t[2];
                HttpResponse<byte[]> json = Http.getBytes(rest + ".json");
                assertThat(json.statusCode()).as(rest + ": " + text(json)).isEqualTo(200);
                assertThat(text(json)).isEqualTo(text(wms));
                HttpResponse<byte[]> html = Http.getBytes(rest + ".html");
                assertThat(html.headers().firstValue("content-type").orElse("")).startsWith("text/html");
                assertThat(text(html)).contains(code);
            }
        }
        HttpResponse<byte[]> outside = Http.getBytes(base + "/wmts?SERVICE=WMTS&REQUEST=GetFeatureInfo&VERSION=1.0.0"
                + "&LAYER=lsoa-boundaries&STYLE=&FORMAT=image/png&TILEMATRIXSET=EPSG:27700&TILEMATRIX=8&TILEROW=1000"
                + "&TILECOL=1000&J=0&I=256&INFOFORMAT=application/json");
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(text(outside)).contains("PointIJOutOfRange");
        // a WMTS refusal is an OWS 1.1 ExceptionReport by the OGC schema (offline, as the capabilities above)
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar,file");
        f.setResourceResolver(WmtsIT::fromJars);
        URL xsd = WmtsIT.class.getClassLoader().getResource("ogc/ows/1.1.0/owsExceptionReport.xsd");
        assertThat(xsd).isNotNull();
        f.newSchema(xsd).newValidator().validate(new StreamSource(new ByteArrayInputStream(outside.body())));
        HttpResponse<byte[]> format =
                Http.getBytes(base + "/wmts/lsoa-boundaries/default/EPSG:27700/8/1000/1000/0/0.xml");
        assertThat(format.statusCode()).isEqualTo(400);
        assertThat(text(format)).contains("InfoFormat");
    }

    private static String run(String... command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        // GDAL's WMTS driver caches tiles in ./gdalwmscache by default: in the checkout, and kept from one run to the
        // next, where a stale tile would stand in for the server's answer. Each run gets a cache of its own.
        b.environment()
                .put(
                        "GDAL_DEFAULT_WMS_CACHE_PATH",
                        java.nio.file.Files.createTempDirectory("gdalwmscache").toString());
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void gdalAndOwslibReadTheService() throws Exception {
        String caps = base + "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities";
        String list = run("gdalinfo", "WMTS:" + caps);
        assertThat(list).contains("layer=density-all").contains("tilematrixset=EPSG:27700");
        String bng = run("gdalinfo", "-json", "WMTS:" + caps + ",layer=lsoa-boundaries,tilematrixset=EPSG:27700");
        assertThat(bng).contains("27700");
        String mercator = run("gdalinfo", "WMTS:" + caps + ",layer=lsoa-boundaries,tilematrixset=GoogleMapsCompatible");
        assertThat(mercator).contains("Pseudo-Mercator");
        // GDAL fills a RESTful template's dimensions, the hours and weekdays query parameters too, with their
        // defaults: reading a density layer's overview fetches tiles by the template without a refusal.
        java.nio.file.Path overview = java.nio.file.Files.createTempFile("wmts-density", ".tif");
        run(
                "gdal_translate",
                "-q",
                "-outsize",
                "64",
                "64",
                "WMTS:" + caps + ",layer=density-all,tilematrixset=EPSG:27700",
                overview.toString());
        java.nio.file.Files.delete(overview);
        String script = String.join(
                "\n",
                "import sys",
                "from owslib.wmts import WebMapTileService",
                "w = WebMapTileService(sys.argv[1] + '/wmts?SERVICE=WMTS&REQUEST=GetCapabilities')",
                "assert 'density-all' in w.contents, list(w.contents)",
                "assert set(w.tilematrixsets) == {'GoogleMapsCompatible', 'EPSG:27700'}, list(w.tilematrixsets)",
                "t = w.gettile(layer='lsoa-boundaries', tilematrixset='EPSG:27700', tilematrix='8', row=sys.argv[2],"
                        + " column=sys.argv[3], format='image/png')",
                "data = t.read()",
                "assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', data[:200]",
                "print('ok', len(w.contents))");
        double span = 896.0 / (1 << 8) * 256;
        String out = run(
                "/usr/bin/python3",
                "-c",
                script,
                base,
                String.valueOf((long) Math.floor((1376256 - N) / span)),
                String.valueOf((long) Math.floor((E + 238375) / span)));
        assertThat(out).contains("ok");
    }
}
