package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestPrincipals;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/** The WMS and tiles over real HTTP on the demo data: documents against the OGC schemas, pictures, answers, errors. */
class WmsIT {
    /** Liverpool city centre and surroundings, EPSG:27700. */
    private static final String BBOX = "333000,386000,339000,392000";

    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;

    @BeforeAll
    static void start() {
        server = DemoServer.startAs(TestPrincipals.CSP_ANALYST);
        db = server.db();
        base = server.base();
    }

    private static String wms(Map<String, String> params) {
        StringBuilder b = new StringBuilder(base + "/wms?");
        params.forEach((k, v) -> b.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&'));
        return b.toString();
    }

    private static Map<String, String> getMap(String layers, String crs, String bbox, int w, int h) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("SERVICE", "WMS");
        p.put("VERSION", "1.3.0");
        p.put("REQUEST", "GetMap");
        p.put("LAYERS", layers);
        p.put("STYLES", "");
        p.put("CRS", crs);
        p.put("BBOX", bbox);
        p.put("WIDTH", String.valueOf(w));
        p.put("HEIGHT", String.valueOf(h));
        p.put("FORMAT", "image/png");
        p.put("TRANSPARENT", "TRUE");
        p.put("TIME", "2022-07");
        return p;
    }

    private static Map<String, String> with(Map<String, String> p, String... kv) {
        Map<String, String> out = new LinkedHashMap<>(p);
        for (int k = 0; k < kv.length; k += 2) {
            if (kv[k + 1] == null) {
                out.remove(kv[k]);
            } else {
                out.put(kv[k], kv[k + 1]);
            }
        }
        return out;
    }

    private static BufferedImage image(HttpResponse<byte[]> r) {
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse(""))
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .startsWith("image/");
        try {
            return ImageIO.read(new ByteArrayInputStream(r.body()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int[] argb(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static long painted(BufferedImage image) {
        return java.util.Arrays.stream(argb(image)).filter(p -> p >>> 24 != 0).count();
    }

    private static Document xml(byte[] body) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    }

    /** The OGC ServiceException code of a response, checked against the exceptions 1.3.0 schema. */
    private static String exceptionCode(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/xml");
        schema("wms/1.3.0/exceptions_1_3_0.xsd")
                .newValidator()
                .validate(new StreamSource(new ByteArrayInputStream(r.body())));
        Element e = (Element) xml(r.body())
                .getElementsByTagNameNS("http://www.opengis.net/ogc", "ServiceException")
                .item(0);
        assertThat(r.headers().firstValue("X-OGC-Exception").orElse("")).isEqualTo(e.getAttribute("code"));
        return e.getAttribute("code");
    }

    private static Schema schema(String path) throws Exception {
        URL url = WmsIT.class.getClassLoader().getResource(path);
        assertThat(url)
                .as(path + " on the test classpath (org.jvnet.ogc schema jars)")
                .isNotNull();
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        // The schema imports xlinks.xsd from the same jar, by a relative path; nothing is fetched from the network.
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar,file");
        return f.newSchema(url);
    }

    @Test
    void capabilities130AreValidAgainstTheOgcSchemaAndListEveryLayer() throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities");
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/xml");
        schema("wms/1.3.0/capabilities_1_3_0.xsd")
                .newValidator()
                .validate(new StreamSource(new ByteArrayInputStream(r.body())));
        Document doc = xml(r.body());
        String ns = "http://www.opengis.net/wms";
        Set<String> names = new HashSet<>();
        NodeList layers = doc.getElementsByTagNameNS(ns, "Layer");
        Map<String, Element> byName = new LinkedHashMap<>();
        for (int k = 0; k < layers.getLength(); k++) {
            Element l = (Element) layers.item(k);
            NodeList name = l.getElementsByTagNameNS(ns, "Name");
            if (name.getLength() > 0 && name.item(0).getParentNode() == l) {
                names.add(name.item(0).getTextContent());
                byName.put(name.item(0).getTextContent(), l);
            }
        }
        Set<String> catalogue = new HashSet<>();
        LayerCatalogue.load().layers().forEach(l -> catalogue.add(l.name()));
        assertThat(names).isEqualTo(catalogue);
        Element density = byName.get("density-all");
        assertThat(density.getAttribute("queryable")).isEqualTo("1");
        NodeList dims = density.getElementsByTagNameNS(ns, "Dimension");
        assertThat(((Element) dims.item(0)).getAttribute("name")).isEqualTo("time");
        // months as their first instants: QGIS reads no coarser precision (QgisIT)
        assertThat(((Element) dims.item(0)).getAttribute("default")).isEqualTo("2022-07-01T00:00:00Z");
        assertThat(dims.item(0).getTextContent()).isEqualTo("2022-01-01T00:00:00Z/2022-07-01T00:00:00Z/P1M");
        assertThat(((Element) dims.item(1)).getAttribute("name")).isEqualTo("category");
        assertThat(dims.item(1).getTextContent()).contains("violence").contains("burglary");
        assertThat(density.getElementsByTagNameNS(ns, "Style").getLength()).isEqualTo(2);
        assertThat(density.getElementsByTagNameNS(ns, "LegendURL").getLength()).isEqualTo(2);
        // One bounding box per CRS, EPSG:4326 latitude first: Liverpool's latitude (53.4) comes before its longitude.
        NodeList boxes = density.getElementsByTagNameNS(ns, "BoundingBox");
        assertThat(boxes.getLength()).isEqualTo(4);
        for (int k = 0; k < boxes.getLength(); k++) {
            Element b = (Element) boxes.item(k);
            if (b.getAttribute("CRS").equals("EPSG:4326")) {
                assertThat(Double.parseDouble(b.getAttribute("minx"))).isBetween(53.0, 54.0);
                assertThat(Double.parseDouble(b.getAttribute("miny"))).isBetween(-3.2, -2.7);
            }
        }
        assertThat(byName.get("incidents")
                        .getElementsByTagNameNS(ns, "MaxScaleDenominator")
                        .item(0)
                        .getTextContent())
                .isEqualTo("100000");
    }

    @Test
    void capabilities111AreValidAgainstTheirDtd() throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(base + "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetCapabilities");
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/vnd.ogc.wms_xml");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setValidating(true);
        var builder = f.newDocumentBuilder();
        // The DOCTYPE names schemas.opengis.net; the DTD comes from the schema jar instead.
        builder.setEntityResolver((publicId, systemId) ->
                new InputSource(WmsIT.class.getClassLoader().getResourceAsStream("wms/1.1.1/WMS_MS_Capabilities.dtd")));
        List<String> errors = new ArrayList<>();
        builder.setErrorHandler(new DefaultHandler() {
            @Override
            public void error(SAXParseException e) {
                errors.add(e.getLineNumber() + ":" + e.getColumnNumber() + " " + e.getMessage());
            }
        });
        Document doc = builder.parse(new ByteArrayInputStream(r.body()));
        assertThat(errors).isEmpty();
        assertThat(doc.getElementsByTagName("Layer").getLength())
                .isEqualTo(LayerCatalogue.load().layers().size() + 1);
        assertThat(doc.getElementsByTagName("Extent").item(0).getTextContent())
                .isEqualTo("2022-01-01T00:00:00Z/2022-07-01T00:00:00Z/P1M");
    }

    @Test
    void getMapAnswersInEveryCrsWithTheRequestedSizeAndAxisOrder() {
        Map<String, String> bng = getMap("density-all,lsoa-boundaries", "EPSG:27700", BBOX, 300, 200);
        assertThat(painted(image(Http.getBytes(wms(bng))))).isGreaterThan(1000);
        BufferedImage merc =
                image(Http.getBytes(wms(with(bng, "CRS", "EPSG:3857", "BBOX", "-335000,7055000,-325000,7062000"))));
        assertThat(merc.getWidth()).isEqualTo(300);
        assertThat(merc.getHeight()).isEqualTo(200);
        assertThat(painted(merc)).isGreaterThan(1000);
        // EPSG:4326 in 1.3.0 is latitude first; CRS:84 and 1.1.1 EPSG:4326 are longitude first: the same picture.
        int[] latLon =
                argb(image(Http.getBytes(wms(with(bng, "CRS", "EPSG:4326", "BBOX", "53.38,-3.02,53.43,-2.93")))));
        int[] lonLat = argb(image(Http.getBytes(wms(with(bng, "CRS", "CRS:84", "BBOX", "-3.02,53.38,-2.93,53.43")))));
        int[] v111 = argb(image(Http.getBytes(wms(
                with(bng, "VERSION", "1.1.1", "CRS", null, "SRS", "EPSG:4326", "BBOX", "-3.02,53.38,-2.93,53.43")))));
        assertThat(latLon).isEqualTo(lonLat).isEqualTo(v111);
        assertThat(java.util.Arrays.stream(latLon).filter(p -> p >>> 24 != 0).count())
                .isGreaterThan(1000);
    }

    @Test
    void formatsTransparencyAndBackground() {
        Map<String, String> p = getMap("deprivation", "EPSG:27700", "300000,300000,301000,301000", 64, 64);
        BufferedImage clear = image(Http.getBytes(wms(p)));
        assertThat(clear.getRGB(0, 0) >>> 24).as("no area there: transparent").isZero();
        BufferedImage opaque = image(Http.getBytes(wms(with(p, "TRANSPARENT", "FALSE", "BGCOLOR", "0x336699"))));
        assertThat(opaque.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x336699);
        BufferedImage png8 = image(Http.getBytes(
                wms(with(getMap("deprivation", "EPSG:27700", BBOX, 128, 128), "FORMAT", "image/png; mode=8bit"))));
        assertThat(png8.getColorModel()).isInstanceOf(IndexColorModel.class);
        HttpResponse<byte[]> jpeg = Http.getBytes(wms(with(p, "FORMAT", "image/jpeg")));
        assertThat(jpeg.headers().firstValue("content-type")).contains("image/jpeg");
        assertThat(image(jpeg).getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    @Test
    void oneLargeImageAndFourTilesOfItHaveIdenticalPixels() {
        // EPSG:27700 WMS: a 512 image and the four 256 images of its quarters.
        double x0 = 333_000;
        double y0 = 387_000;
        double span = 2_560; // 10 m pixels
        Map<String, String> whole = getMap(
                "density-all", "EPSG:27700", x0 + "," + y0 + "," + (x0 + 2 * span) + "," + (y0 + 2 * span), 512, 512);
        int[] all = argb(image(Http.getBytes(wms(whole))));
        assertThat(java.util.Arrays.stream(all).filter(p -> p >>> 24 != 0).count())
                .isGreaterThan(10_000);
        for (int ty = 0; ty < 2; ty++) {
            for (int tx = 0; tx < 2; tx++) {
                double minX = x0 + tx * span;
                double maxY = y0 + 2 * span - ty * span;
                int[] tile = argb(image(Http.getBytes(wms(with(
                        whole,
                        "WIDTH",
                        "256",
                        "HEIGHT",
                        "256",
                        "BBOX",
                        minX + "," + (maxY - span) + "," + (minX + span) + "," + maxY)))));
                assertSameQuarter(all, tile, tx, ty, "EPSG:27700 quarter " + tx + "," + ty);
            }
        }
        // Web Mercator: a 512 GetMap over four XYZ tiles, and the tiles from /tiles.
        int z = 13;
        int x = 4028;
        int y = 2652;
        double[] a = TileService.bounds(z, x, y);
        double[] b = TileService.bounds(z, x + 1, y + 1);
        int[] merc = argb(image(Http.getBytes(
                wms(getMap("density-all", "EPSG:3857", a[0] + "," + b[1] + "," + b[2] + "," + a[3], 512, 512)))));
        for (int ty = 0; ty < 2; ty++) {
            for (int tx = 0; tx < 2; tx++) {
                int[] tile = argb(image(Http.getBytes(
                        base + "/tiles/density-all/" + z + "/" + (x + tx) + "/" + (y + ty) + ".png?time=2022-07")));
                assertSameQuarter(merc, tile, tx, ty, "tile " + (x + tx) + "," + (y + ty));
            }
        }
    }

    private static void assertSameQuarter(int[] all, int[] tile, int tx, int ty, String what) {
        for (int j = 0; j < 256; j++) {
            for (int i = 0; i < 256; i++) {
                int expected = all[(ty * 256 + j) * 512 + tx * 256 + i];
                if (tile[j * 256 + i] != expected) {
                    throw new AssertionError(what + ": pixel " + i + "," + j + " is "
                            + Integer.toHexString(tile[j * 256 + i]) + " in the tile and "
                            + Integer.toHexString(expected)
                            + " in the whole image");
                }
            }
        }
    }

    /**
     * GetFeatureInfo (JSON) of {@code layers} at the British National Grid point (px, py): a 101 x 101 image of 2 m
     * pixels centred on the point, so pixel (50, 50) has the point at its centre.
     */
    private Map<String, String> infoAt(String layers, double px, double py) {
        String bbox = (px - 101) + "," + (py - 101) + "," + (px + 101) + "," + (py + 101);
        return with(
                getMap(layers, "EPSG:27700", bbox, 101, 101),
                "REQUEST",
                "GetFeatureInfo",
                "QUERY_LAYERS",
                layers,
                "INFO_FORMAT",
                "application/json",
                "I",
                "50",
                "J",
                "50",
                "FORMAT",
                null);
    }

    /** The density SafeMap reports equals a direct quartic sum over the same records computed in PostGIS. */
    @Test
    void featureInfoGivesTheDensityOfADirectSumAndTheAreaUnderThePoint() throws Exception {
        List<Object> lsoa = Sql.rows(db, """
                SELECT code, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM area
                WHERE level = 'lsoa' ORDER BY code LIMIT 1 OFFSET 17""").get(0);
        String code = (String) lsoa.get(0);
        double px = ((Number) lsoa.get(1)).doubleValue();
        double py = ((Number) lsoa.get(2)).doubleValue();
        Map<String, String> p = infoAt("density-all,lsoa-boundaries,incident-counts", px, py);
        JsonNode fc = Http.json(Http.get(wms(p)));
        JsonNode features = fc.path("features");
        assertThat(features.size()).isEqualTo(3);
        double density = features.get(0).path("properties").path("density").asDouble();
        assertThat(features.get(0).path("properties").path("units").asText()).isEqualTo("incidents per km² per month");
        double expected = ((Number) Sql.value(db, """
                SELECT coalesce(sum(3 / (pi() * 250.0 ^ 2) * (1 - (d / 250.0) ^ 2) ^ 2), 0) * 1e6 FROM (
                  SELECT ST_Distance(geom, ST_SetSRID(ST_MakePoint(?, ?), 27700)) AS d FROM (
                    SELECT DISTINCT ON (coalesce(event_id, id)) geom FROM incident
                    WHERE event_from >= '2022-07-01 00:00 Europe/London' AND event_from < '2022-08-01 00:00 Europe/London'
                    ORDER BY coalesce(event_id, id), precision_m, id) e) s
                WHERE d < 250""", px, py)).doubleValue();
        assertThat(expected).isGreaterThan(0);
        assertThat(density).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(features.get(1).path("properties").path("code").asText()).isEqualTo(code);
        JsonNode counts = features.get(2).path("properties");
        assertThat(counts.path("code").asText()).isEqualTo(code);
        assertThat(counts.path("incidents").asDouble()).isEqualTo(((Number) Sql.value(db, """
                SELECT count(DISTINCT coalesce(event_id, id)) FROM incident
                WHERE lsoa_code = ? AND event_from >= '2022-07-01 00:00 Europe/London' AND event_from < '2022-08-01 00:00 Europe/London'""", code)).doubleValue());

        // Three months: the density is their monthly mean, on the same scale as one month.
        double[] months = new double[3];
        for (int m = 0; m < 3; m++) {
            months[m] = Http.json(Http.get(wms(with(p, "QUERY_LAYERS", "density-all", "TIME", "2022-0" + (m + 1)))))
                    .path("features")
                    .get(0)
                    .path("properties")
                    .path("density")
                    .asDouble();
        }
        double quarter = Http.json(Http.get(wms(with(p, "QUERY_LAYERS", "density-all", "TIME", "2022-01/2022-03"))))
                .path("features")
                .get(0)
                .path("properties")
                .path("density")
                .asDouble();
        assertThat(quarter)
                .isCloseTo((months[0] + months[1] + months[2]) / 3, org.assertj.core.data.Offset.offset(1e-3));

        String html = Http.get(wms(with(p, "INFO_FORMAT", "text/html"))).body();
        assertThat(html).contains("<table>").contains(code);
        assertThat(Http.get(wms(with(p, "INFO_FORMAT", "text/plain"))).body()).contains("code = " + code);
    }

    /**
     * TIME of days: the density is a direct quartic sum over the records of exactly those days, each record known only
     * by a longer window (police.uk's months) weighted by the share of its window inside them, per mean month; a count
     * layer, drawn from monthly tables, refuses the days and names the month to ask for.
     */
    @Test
    void featureInfoOfDaysIsTheDirectSumOverThoseDaysAndCountLayersRefuseThem() throws Exception {
        // Where a record timed to the day lies in those days (police.uk's monthly records are all around it).
        List<Object> timed = Sql.rows(db, """
                SELECT ST_X(geom), ST_Y(geom) FROM incident
                WHERE event_from >= '2022-07-03 00:00 Europe/London' AND event_from < '2022-07-10 00:00 Europe/London'
                  AND event_to - event_from <= interval '1 day' ORDER BY id LIMIT 1""").get(0);
        double px = Math.round(((Number) timed.get(0)).doubleValue()) + 0.5;
        double py = Math.round(((Number) timed.get(1)).doubleValue()) + 0.5;
        Map<String, String> p = with(infoAt("density-all", px, py), "TIME", "2022-07-01/2022-07-14");
        JsonNode info = Http.json(Http.get(wms(p))).path("features").get(0).path("properties");
        assertThat(info.path("period").asText()).isEqualTo("2022-07-01/2022-07-14");
        // Each record's share of 1 July 00:00 to 15 July 00:00 (UK time), written out here, not taken from the code.
        String sum = """
                SELECT coalesce(sum(w * 3 / (pi() * 250.0 ^ 2) * (1 - (d / 250.0) ^ 2) ^ 2), 0) * 1e6 FROM (
                  SELECT ST_Distance(geom, ST_SetSRID(ST_MakePoint(?, ?), 27700)) AS d, w FROM (
                    SELECT DISTINCT ON (coalesce(event_id, id)) geom,
                           CASE WHEN event_to = event_from THEN 1.0
                                ELSE extract(epoch FROM least(event_to, timestamptz '2022-07-15 00:00 Europe/London')
                                                      - greatest(event_from, timestamptz '2022-07-01 00:00 Europe/London'))
                                     / extract(epoch FROM event_to - event_from) END AS w
                    FROM incident
                    WHERE event_from < '2022-07-15 00:00 Europe/London'
                      AND (event_to > '2022-07-01 00:00 Europe/London'
                           OR event_to = event_from AND event_from >= '2022-07-01 00:00 Europe/London')
                      AND %s
                    ORDER BY coalesce(event_id, id), precision_m, id) e) s
                WHERE d < 250""";
        double months = 14 / (365.2425 / 12);
        double all = ((Number) Sql.value(db, sum.formatted("true"), px, py)).doubleValue() / months;
        double monthly = ((Number) Sql.value(db, sum.formatted("event_to - event_from > interval '1 day'"), px, py))
                        .doubleValue()
                / months;
        assertThat(monthly).as("records known by month near the point").isGreaterThan(0);
        assertThat(all).as("and records timed to the day").isGreaterThan(monthly);
        assertThat(info.path("density").asDouble()).isCloseTo(all, org.assertj.core.data.Offset.offset(1e-3));
        // The same days as date-times, as QGIS sends a frame: its end at midnight leaves 15 July out.
        assertThat(Http.json(Http.get(wms(with(p, "TIME", "2022-07-01T00:00:00+01:00/2022-07-15T00:00:00+01:00"))))
                        .path("features")
                        .get(0)
                        .path("properties")
                        .path("density")
                        .asDouble())
                .isEqualTo(info.path("density").asDouble());

        // A count layer draws published monthly tables: part of a month is refused, naming the month to ask for.
        HttpResponse<String> refused = Http.get(
                wms(with(getMap("incident-counts", "EPSG:27700", BBOX, 256, 256), "TIME", "2022-07-01/2022-07-14")));
        assertThat(refused.body())
                .contains("InvalidDimensionValue")
                .contains("draws whole months only")
                .contains("ask for 2022-07");
        // Days making whole months are those months, and draw.
        assertThat(Http.getBytes(wms(with(
                                getMap("incident-counts", "EPSG:27700", BBOX, 256, 256),
                                "TIME",
                                "2022-07-01/2022-07-31")))
                        .headers()
                        .firstValue("Content-Type")
                        .orElse(""))
                .startsWith("image/png");
    }

    @Test
    void incidentPointsAppearOnlyAtStreetScalesAndAnswerFeatureInfo() {
        List<Object> point = Sql.rows(db, """
                SELECT ST_X(geom), ST_Y(geom) FROM incident
                WHERE feed = 'police-uk' AND event_from >= '2022-07-01 00:00 Europe/London' AND event_from < '2022-08-01 00:00 Europe/London'
                ORDER BY id LIMIT 1""").get(0);
        double px = ((Number) point.get(0)).doubleValue();
        double py = ((Number) point.get(1)).doubleValue();
        Map<String, String> street = getMap(
                "incidents",
                "EPSG:27700",
                (px - 128) + "," + (py - 128) + "," + (px + 128) + "," + (py + 128),
                256,
                256);
        assertThat(painted(image(Http.getBytes(wms(street))))).isGreaterThan(10);
        // 1:1,000,000: past the style's 1:100,000 limit, nothing is drawn.
        Map<String, String> region = getMap(
                "incidents",
                "EPSG:27700",
                (px - 35_840) + "," + (py - 35_840) + "," + (px + 35_840) + "," + (py + 35_840),
                256,
                256);
        assertThat(painted(image(Http.getBytes(wms(region))))).isZero();
        JsonNode info = Http.json(Http.get(wms(with(
                street,
                "REQUEST",
                "GetFeatureInfo",
                "QUERY_LAYERS",
                "incidents",
                "INFO_FORMAT",
                "application/json",
                "I",
                "128",
                "J",
                "128",
                "FEATURE_COUNT",
                "3"))));
        assertThat(info.path("features").size()).isBetween(1, 3);
        assertThat(info.path("features").get(0).path("properties").path("month").asText())
                .isEqualTo("2022-07");
    }

    @Test
    void choroplethsOfAStoredRunFollowItsClasses() {
        JsonNode run = Http.json(Http.postJson(base + "/api/hotspots", "{\"period\": \"2022-01..2022-03\"}"));
        long id = run.path("id").asLong();
        assertThat(id).isPositive();
        List<Object> hot = Sql.rows(db, """
                SELECT r.code, r.gi_class, ST_X(ST_PointOnSurface(a.geom)), ST_Y(ST_PointOnSurface(a.geom))
                FROM hotspot_area_result r JOIN area a ON a.level = r.level AND a.code = r.code
                WHERE r.run_id = ? AND r.gi_bin = 3 ORDER BY r.rank LIMIT 1""", id).get(0);
        double px = ((Number) hot.get(2)).doubleValue();
        double py = ((Number) hot.get(3)).doubleValue();
        Map<String, String> p = with(
                getMap(
                        "hotspot-gistar",
                        "EPSG:27700",
                        (px - 50) + "," + (py - 50) + "," + (px + 50) + "," + (py + 50),
                        5,
                        5),
                "TIME",
                null);
        // The centre pixel has the 99% hot colour of gistar.sld, #B2182B at opacity 0.75.
        int centre = image(Http.getBytes(wms(with(p, "DIM_RUN", String.valueOf(id)))))
                .getRGB(2, 2);
        assertThat(centre & 0xFFFFFF).isEqualTo(0xB2182B);
        assertThat(centre >>> 24).isEqualTo(191);
        JsonNode info = Http.json(Http.get(wms(with(
                p,
                "REQUEST",
                "GetFeatureInfo",
                "QUERY_LAYERS",
                "hotspot-gistar",
                "INFO_FORMAT",
                "application/json",
                "I",
                "2",
                "J",
                "2",
                "FORMAT",
                null))));
        JsonNode props = info.path("features").get(0).path("properties");
        assertThat(props.path("code").asText()).isEqualTo(hot.get(0));
        assertThat(props.path("gi_class").asText()).isEqualTo(hot.get(1));
        assertThat(props.path("run").asLong()).isEqualTo(id);

        // Emerging hot spots: the latest emerging run by default; the area's class as the run stored it.
        long emerging = Http.json(Http.postJson(base + "/api/emerging", "{\"period\": \"2022-01..2022-07\"}"))
                .path("id")
                .asLong();
        assertThat(emerging).isPositive();
        JsonNode e = Http.json(Http.get(wms(with(
                        p,
                        "LAYERS",
                        "emerging-hotspots",
                        "REQUEST",
                        "GetFeatureInfo",
                        "QUERY_LAYERS",
                        "emerging-hotspots",
                        "INFO_FORMAT",
                        "application/json",
                        "I",
                        "2",
                        "J",
                        "2",
                        "FORMAT",
                        null))))
                .path("features")
                .get(0)
                .path("properties");
        assertThat(e.path("run").asLong()).isEqualTo(emerging);
        assertThat(e.path("emerging_class").asText())
                .isEqualTo(Sql.value(
                        db,
                        "SELECT emerging_class FROM hotspot_area_result WHERE run_id = ? AND code = ?",
                        emerging,
                        hot.get(0)));
    }

    @Test
    void sldBodyPicksCatalogueStylesOrASafeUserStyle() {
        List<Object> lsoa = Sql.rows(db, """
                SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM area
                WHERE level = 'lsoa' ORDER BY code LIMIT 1""").get(0);
        double px = ((Number) lsoa.get(0)).doubleValue();
        double py = ((Number) lsoa.get(1)).doubleValue();
        Map<String, String> p = with(
                getMap("deprivation", "EPSG:27700", (px - 5) + "," + (py - 5) + "," + (px + 5) + "," + (py + 5), 3, 3),
                "TIME",
                null);
        String red = """
                <StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc">
                <NamedLayer><Name>deprivation</Name><UserStyle><FeatureTypeStyle><Rule>
                <PolygonSymbolizer><Fill><CssParameter name="fill">#FF0000</CssParameter></Fill></PolygonSymbolizer>
                </Rule></FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>""";
        assertThat(image(Http.getBytes(wms(with(p, "SLD_BODY", red)))).getRGB(1, 1))
                .isEqualTo(0xFFFF0000);
        String named = """
                <StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld">
                <NamedLayer><Name>density-all</Name><NamedStyle><Name>density-classes</Name></NamedStyle></NamedLayer>
                </StyledLayerDescriptor>""";
        assertThat(image(Http.getBytes(wms(with(getMap("density-all", "EPSG:27700", BBOX, 64, 64), "SLD_BODY", named))))
                        .getWidth())
                .isEqualTo(64);
    }

    @Test
    void everyRefusalIsAServiceExceptionWithTheRightCode() throws Exception {
        Map<String, String> ok = getMap("density-all", "EPSG:27700", BBOX, 64, 64);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(wms(with(ok, "REQUEST", null)), "MissingParameterValue");
        cases.put(wms(with(ok, "REQUEST", "GetCoverage")), "OperationNotSupported");
        cases.put(wms(with(ok, "SERVICE", "WFS")), "InvalidParameterValue");
        cases.put(wms(with(ok, "VERSION", "1.2.7")), "InvalidParameterValue");
        cases.put(wms(with(ok, "LAYERS", "density-all,nope")), "LayerNotDefined");
        cases.put(wms(with(ok, "STYLES", "sparkly")), "StyleNotDefined");
        cases.put(wms(with(ok, "CRS", "EPSG:2154")), "InvalidCRS");
        cases.put(wms(with(ok, "FORMAT", "image/gif")), "InvalidFormat");
        cases.put(wms(with(ok, "BBOX", "339000,392000,333000,386000")), "InvalidParameterValue");
        cases.put(wms(with(ok, "BBOX", "1,2,3")), "InvalidParameterValue");
        cases.put(wms(with(ok, "BBOX", "NaN,2,3,4")), "InvalidParameterValue");
        cases.put(wms(with(ok, "WIDTH", "4097")), "InvalidParameterValue");
        cases.put(wms(with(ok, "HEIGHT", "-1")), "InvalidParameterValue");
        cases.put(wms(with(ok, "TIME", "2019-01")), "InvalidDimensionValue");
        cases.put(wms(with(ok, "TIME", "2022-07/2022-01")), "InvalidDimensionValue");
        cases.put(wms(with(ok, "DIM_CATEGORY", "jaywalking")), "InvalidDimensionValue");
        cases.put(wms(with(ok, "LAYERS", "density-acquisitive", "DIM_FEED", "ambulance")), "InvalidDimensionValue");
        cases.put(wms(with(ok, "LAYERS", "hotspot-gistar", "DIM_RUN", "999999")), "InvalidDimensionValue");
        cases.put(wms(with(ok, "SLD", "http://example.org/evil.sld")), "InvalidParameterValue");
        cases.put(
                wms(with(ok, "SLD_BODY", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")),
                "InvalidParameterValue");
        cases.put(
                wms(with(
                        ok,
                        "SLD_BODY",
                        "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\"><UserLayer/>"
                                + "</StyledLayerDescriptor>")),
                "InvalidParameterValue");
        cases.put(
                wms(with(
                        ok,
                        "SLD_BODY",
                        "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\"><NamedLayer>"
                                + "<Name>density-all</Name><UserStyle><FeatureTypeStyle>"
                                + "<Rule><LineSymbolizer/></Rule>".repeat(250)
                                + "</FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>")),
                "InvalidParameterValue");
        cases.put(
                wms(with(
                        ok,
                        "SLD_BODY",
                        "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\"><!--"
                                + "x".repeat(WmsService.MAX_SLD_BYTES) + "--></StyledLayerDescriptor>")),
                "InvalidParameterValue");
        cases.put(
                wms(with(ok, "REQUEST", "GetFeatureInfo", "QUERY_LAYERS", "density-all", "I", "64", "J", "3")),
                "InvalidPoint");
        cases.put(
                wms(with(ok, "REQUEST", "GetFeatureInfo", "QUERY_LAYERS", "deprivation", "I", "1", "J", "1")),
                "LayerNotDefined");
        cases.put(
                wms(with(
                        ok,
                        "REQUEST",
                        "GetFeatureInfo",
                        "QUERY_LAYERS",
                        "density-all",
                        "I",
                        "1",
                        "J",
                        "1",
                        "INFO_FORMAT",
                        "application/vnd.ogc.gml")),
                "InvalidFormat");
        cases.put(base + "/wms?SERVICE=WMS&REQUEST=GetLegendGraphic&LAYER=nope&FORMAT=image/png", "LayerNotDefined");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThat(exceptionCode(Http.getBytes(c.getKey()))).as(c.getKey()).isEqualTo(c.getValue());
        }
        // WMS 1.1.1 names the CRS parameter SRS and has its own report (DTD, no namespace).
        HttpResponse<byte[]> old = Http.getBytes(wms(with(ok, "VERSION", "1.1.1", "CRS", null, "SRS", "EPSG:2154")));
        assertThat(old.headers().firstValue("content-type").orElse("")).startsWith("application/vnd.ogc.se_xml");
        assertThat(new String(old.body(), StandardCharsets.UTF_8)).contains("code=\"InvalidSRS\"");
        // An image saying why, when asked.
        BufferedImage inImage = image(Http.getBytes(wms(with(ok, "TIME", "2019-01", "EXCEPTIONS", "INIMAGE"))));
        assertThat(inImage.getWidth()).isEqualTo(64);
        assertThat(painted(inImage)).isPositive();
    }

    /** Thousands of random parameter combinations: every answer is an image of the asked size or an OGC report. */
    @Test
    void fuzzedRequestsNeverFailTheServer() throws Exception {
        Random r = new Random(20261125);
        String[][] pools = {
            {"SERVICE", "WMS", "wms", "WFS", "", "\u0000"},
            {"VERSION", "1.3.0", "1.1.1", "1.0.0", "3", "", "1.3.0.0"},
            {"REQUEST", "GetMap", "GetFeatureInfo", "GetLegendGraphic", "GetCapabilities", "getmap", "Nope", ""},
            {
                "LAYERS",
                "density-all",
                "lsoa-boundaries",
                "incidents",
                "deprivation",
                "hotspot-gistar",
                "incident-counts",
                "emerging-hotspots",
                "density-all,lsoa-boundaries",
                "",
                ",",
                "x".repeat(300),
                "density-all,".repeat(20)
            },
            {"QUERY_LAYERS", "density-all", "lsoa-boundaries", "incidents", "nope", ""},
            {"STYLES", "", "density-classes", "default", "boundaries", ",,", "nope"},
            {"CRS", "EPSG:27700", "EPSG:3857", "EPSG:4326", "CRS:84", "EPSG:0", "", "AUTO:42001"},
            {"SRS", "EPSG:27700", "EPSG:4326", "EPSG:3857", "nope"},
            {
                "BBOX",
                "333000,386000,339000,392000",
                "-335000,7055000,-325000,7062000",
                "53.38,-3.02,53.43,-2.93",
                "-3.02,53.38,-2.93,53.43",
                "0,0,0,0",
                "1,1,0,0",
                "a,b,c,d",
                "1e308,1e308,1e308,1e308",
                "-180,-90,180,90",
                "-90,-180,90,180",
                "-2e7,-2e7,2e7,2e7",
                "1,2,3",
                "333000,386000,333000.0001,386000.0001"
            },
            {"WIDTH", "1", "64", "256", "4096", "4097", "0", "-3", "abc", "99999999999", ""},
            {"HEIGHT", "1", "64", "256", "4096", "5000", "0", "x"},
            {"FORMAT", "image/png", "image/png8", "image/jpeg", "image/png; mode=8bit", "image/gif", "", "text/html"},
            {"TRANSPARENT", "TRUE", "FALSE", "yes", ""},
            {"BGCOLOR", "0xFFFFFF", "0x000000", "red", "#123456", ""},
            {"TIME", "2022-07", "2022-01/2022-07", "current", "2019-01", "2022-13", "", "2022-01/2030-01", "/", "P1M"},
            {"DIM_CATEGORY", "violence", "burglary,asb", "all", "nope", ""},
            {"DIM_FEED", "police-uk", "ambulance", "nope", ""},
            {"DIM_RUN", "1", "latest", "-1", "abc"},
            {"I", "0", "10", "63", "64", "-1", "x"},
            {"J", "0", "10", "63", "4096", "y"},
            {"X", "0", "5", "300"},
            {"Y", "0", "5", "300"},
            {"INFO_FORMAT", "application/json", "text/html", "text/plain", "application/xml", ""},
            {"FEATURE_COUNT", "1", "5", "1000", "x"},
            {"EXCEPTIONS", "XML", "INIMAGE", "BLANK", "application/vnd.ogc.se_inimage", "nope"},
            {"LAYER", "density-all", "nope", ""},
            {"STYLE", "density-classes", "nope"},
            {"SLD_BODY", "<x/>", "not xml", "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\"/>"},
        };
        int images = 0;
        int reports = 0;
        for (int n = 0; n < 2500; n++) {
            Map<String, String> p = new LinkedHashMap<>();
            for (String[] pool : pools) {
                if (r.nextDouble() < (pool[0].equals("SLD_BODY") ? 0.05 : 0.7)) {
                    p.put(pool[0], pool[1 + r.nextInt(pool.length - 1)]);
                }
            }
            String url = wms(p);
            HttpResponse<byte[]> res = Http.getBytes(url);
            String type = res.headers().firstValue("content-type").orElse("");
            assertThat(res.statusCode()).as(url).isEqualTo(200);
            if (type.startsWith("image/")) {
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(res.body()));
                assertThat(img).as(url).isNotNull();
                if ("GetMap".equalsIgnoreCase(p.get("REQUEST")) || "map".equals(p.get("REQUEST"))) {
                    assertThat(img.getWidth())
                            .as(url)
                            .isEqualTo(Integer.parseInt(p.get("WIDTH").trim()));
                }
                images++;
            } else if (type.startsWith("text/xml") || type.startsWith("application/vnd.ogc")) {
                String body = new String(res.body(), StandardCharsets.UTF_8);
                assertThat(body)
                        .as(url)
                        .containsAnyOf("ServiceExceptionReport", "WMS_Capabilities", "WMT_MS_Capabilities");
                xml(res.body());
                reports++;
            } else {
                assertThat(type).as(url).matches("(application/json|text/html|text/plain).*");
            }
        }
        assertThat(images).isGreaterThan(0);
        assertThat(reports).isGreaterThan(images);
    }

    @Test
    void tilesCarryETagsAnswerConditionalRequestsAndChangeWithTheData() {
        String url = base + "/tiles/density-violence/13/4028/2652.png?time=2022-06";
        HttpResponse<byte[]> first = Http.getBytes(url);
        assertThat(image(first).getWidth()).isEqualTo(256);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(first.headers().firstValue("Cache-Control")).isPresent();
        long hits = Http.json(Http.get(base + "/api/map-cache"))
                .path("tiles")
                .path("hits")
                .asLong();
        assertThat(Http.getBytes(url).body()).isEqualTo(first.body());
        assertThat(Http.json(Http.get(base + "/api/map-cache"))
                        .path("tiles")
                        .path("hits")
                        .asLong())
                .isEqualTo(hits + 1);
        HttpResponse<byte[]> again = Http.getBytes(url, "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        HttpResponse<byte[]> other = Http.getBytes(base + "/tiles/density-violence/13/4028/2652.png?time=2022-05");
        assertThat(other.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
        // Anything that changes the data changes the tag: a new run is enough.
        Http.postJson(base + "/api/hotspots", "{\"period\": \"2022-02\"}");
        HttpResponse<byte[]> after = Http.getBytes(url, "If-None-Match", etag);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
        assertThat(after.body()).isEqualTo(first.body());

        assertThat(Http.get(base + "/tiles/nope/1/0/0.png").statusCode()).isEqualTo(404);
        HttpResponse<String> bad = Http.get(base + "/tiles/density-all/3/9/0.png");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Http.json(bad).path("error").asText()).isEqualTo("bad_request");
        assertThat(Http.get(base + "/tiles/density-all/3/1/1.png?time=1999-01").statusCode())
                .isEqualTo(400);
    }

    @Test
    void legendsDrawTheStylesRules() {
        BufferedImage density = image(
                Http.getBytes(base + "/wms?SERVICE=WMS&REQUEST=GetLegendGraphic&LAYER=density-all&FORMAT=image/png"));
        BufferedImage gistar = image(Http.getBytes(
                base + "/wms?SERVICE=WMS&REQUEST=GetLegendGraphic&LAYER=hotspot-gistar&FORMAT=image/png&STYLE=gistar"));
        assertThat(gistar.getHeight()).isGreaterThan(7 * 16);
        assertThat(density.getWidth()).isGreaterThan(60);
    }
}
