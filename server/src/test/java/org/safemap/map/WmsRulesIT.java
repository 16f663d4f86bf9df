package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.safemap.db.ServiceSequence;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The WMS 1.3.0 rules of OGC 06-042 that WmsIT does not cover, over real HTTP on the demo data: UPDATESEQUENCE,
 * BBOX beyond the CRS's valid area, ContactInformation and MetadataURL from settings, a layer's own category values
 * and readable run titles. Capabilities are validated against the OGC schema offline.
 */
class WmsRulesIT {
    private static final String NS = "http://www.opengis.net/wms";
    private static Database db;
    private static App app;
    private static String base;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        app = App.start(
                TestSettings.withOverrides(Map.of(
                        "SAFEMAP_CONTACT_ORGANISATION", "Merseyside Community Safety Partnership",
                        "SAFEMAP_CONTACT_PERSON", "GIS team",
                        "SAFEMAP_CONTACT_EMAIL", "gis@example.org",
                        "SAFEMAP_LAYER_METADATA_URL", "https://metadata.example.org/layers/{layer}.html")),
                db,
                TestPrincipals.fixed(TestPrincipals.CSP_ANALYST));
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static Document capabilities(String query) throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0" + query);
        assertThat(r.statusCode()).isEqualTo(200);
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar,file");
        URL xsd = WmsRulesIT.class.getClassLoader().getResource("wms/1.3.0/capabilities_1_3_0.xsd");
        f.newSchema(xsd).newValidator().validate(new StreamSource(new ByteArrayInputStream(r.body())));
        return parse(r.body());
    }

    private static Document parse(byte[] body) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    }

    private static String exceptionCode(String url) throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(url);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/xml");
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar,file");
        URL xsd = WmsRulesIT.class.getClassLoader().getResource("wms/1.3.0/exceptions_1_3_0.xsd");
        f.newSchema(xsd).newValidator().validate(new StreamSource(new ByteArrayInputStream(r.body())));
        NodeList e = parse(r.body()).getElementsByTagNameNS("http://www.opengis.net/ogc", "ServiceException");
        return e.getLength() == 0 ? null : ((Element) e.item(0)).getAttribute("code");
    }

    private static long sequence() throws Exception {
        return Long.parseLong(capabilities("").getDocumentElement().getAttribute("updateSequence"));
    }

    private static Map<String, Element> layers(Document doc) {
        Map<String, Element> out = new LinkedHashMap<>();
        NodeList layers = doc.getElementsByTagNameNS(NS, "Layer");
        for (int k = 0; k < layers.getLength(); k++) {
            Element l = (Element) layers.item(k);
            NodeList name = l.getElementsByTagNameNS(NS, "Name");
            if (name.getLength() > 0 && name.item(0).getParentNode() == l) {
                out.put(name.item(0).getTextContent(), l);
            }
        }
        return out;
    }

    private static String child(Element e, String name) {
        NodeList n = e.getElementsByTagNameNS(NS, name);
        return n.getLength() == 0 ? null : n.item(0).getTextContent();
    }

    @Test
    void updateSequenceEqualIsCurrentHigherIsInvalidLowerGetsTheDocument() throws Exception {
        long n = sequence();
        String caps = base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0&UPDATESEQUENCE=";
        assertThat(exceptionCode(caps + n)).isEqualTo("CurrentUpdateSequence");
        assertThat(exceptionCode(caps + (n + 1))).isEqualTo("InvalidUpdateSequence");
        assertThat(capabilities("&UPDATESEQUENCE=" + (n - 1))
                        .getDocumentElement()
                        .getAttribute("updateSequence"))
                .isEqualTo(String.valueOf(n));
        // A token this service never issued is no claim to be current: the client gets the document.
        assertThat(capabilities("&UPDATESEQUENCE=2022-07-01")
                        .getDocumentElement()
                        .getAttribute("updateSequence"))
                .isEqualTo(String.valueOf(n));
    }

    @Test
    void updateSequenceOnlyIncreasesEvenWhenABatchIsPurged() throws Exception {
        long before = sequence();
        // A batch loaded and then purged brings the data version back to what it was; the sequence still moves on.
        Sql.execute(
                db,
                "INSERT INTO load_batch (kind, feed, source_name, source_sha256, rows_read, rows_loaded, "
                        + "rows_quarantined) VALUES ('areas', 'test:0', 'sequence-test', '" + "a".repeat(64)
                        + "', 0, 0, 0)");
        long loaded = awaitAbove(before);
        Sql.execute(db, "DELETE FROM load_batch WHERE source_name = 'sequence-test'");
        long purged = awaitAbove(loaded);
        assertThat(purged).isGreaterThan(loaded).isGreaterThan(before);
        // The store's own rule, independent of the server: the same token keeps the number, any other moves it on.
        long a = ServiceSequence.advance(db.dataSource(), "token-a");
        assertThat(ServiceSequence.advance(db.dataSource(), "token-a")).isEqualTo(a);
        assertThat(ServiceSequence.advance(db.dataSource(), "token-b")).isEqualTo(a + 1);
        assertThat(ServiceSequence.advance(db.dataSource(), "token-a")).isEqualTo(a + 2);
    }

    private static long awaitAbove(long n) throws Exception {
        for (int k = 0; k < 50; k++) {
            long now = sequence();
            if (now > n) {
                return now;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("updateSequence did not move past " + n);
    }

    private static BufferedImage map(String crs, String bbox, int w, int h) throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap"
                + "&LAYERS=density-all&STYLES=&FORMAT=image/png&TRANSPARENT=TRUE&CRS=" + crs + "&BBOX=" + bbox
                + "&WIDTH=" + w + "&HEIGHT=" + h);
        assertThat(r.headers().firstValue("content-type").orElse(""))
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .startsWith("image/png");
        return ImageIO.read(new ByteArrayInputStream(r.body()));
    }

    private static int[] argb(BufferedImage i, int y0, int rows) {
        return i.getRGB(0, y0, i.getWidth(), rows, null, 0, i.getWidth());
    }

    @Test
    void aBboxBeyondTheValidAreaGivesEmptyContentThereAndTheMapWithin() throws Exception {
        // Wholly beyond: latitudes above 90 in CRS:84, and beyond the Web Mercator square.
        for (String[] c : new String[][] {{"CRS:84", "-10,95,10,100"}, {"EPSG:3857", "-1e8,3e7,1e8,4e7"}}) {
            BufferedImage empty = map(c[0], c[1], 80, 40);
            assertThat(empty.getWidth()).isEqualTo(80);
            assertThat(empty.getHeight()).isEqualTo(40);
            assertThat(Arrays.stream(argb(empty, 0, 40)).allMatch(p -> p >>> 24 == 0))
                    .as(c[0])
                    .isTrue();
        }
        // Partly beyond: the top half lies north of the pole, the bottom half is Liverpool to the pole, drawn exactly
        // as that valid box is drawn on its own.
        BufferedImage half = map("CRS:84", "-3.1,53.3,-2.8,126.7", 64, 2048);
        BufferedImage valid = map("CRS:84", "-3.1,53.3,-2.8,90", 64, 1024);
        assertThat(Arrays.stream(argb(half, 0, 1024)).allMatch(p -> p >>> 24 == 0))
                .isTrue();
        int[] bottom = argb(half, 1024, 1024);
        assertThat(bottom).isEqualTo(argb(valid, 0, 1024));
        assertThat(Arrays.stream(bottom).filter(p -> p >>> 24 != 0).count()).isPositive();
        // GetFeatureInfo asks about a place, so a pixel beyond the valid area is still refused.
        assertThat(exceptionCode(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo"
                        + "&LAYERS=lsoa-boundaries&QUERY_LAYERS=lsoa-boundaries&STYLES=&CRS=CRS:84"
                        + "&BBOX=-10,95,10,100&WIDTH=80&HEIGHT=40&I=1&J=1&INFO_FORMAT=application/json"))
                .isEqualTo("InvalidParameterValue");
    }

    @Test
    void contactAndEveryLayersMetadataUrlComeFromSettings() throws Exception {
        Document doc = capabilities("");
        Element service = (Element) doc.getElementsByTagNameNS(NS, "Service").item(0);
        assertThat(child(service, "ContactOrganization")).isEqualTo("Merseyside Community Safety Partnership");
        assertThat(child(service, "ContactPerson")).isEqualTo("GIS team");
        assertThat(child(service, "ContactElectronicMailAddress")).isEqualTo("gis@example.org");
        Map<String, Element> layers = layers(doc);
        assertThat(layers).isNotEmpty();
        layers.forEach((name, l) -> {
            Element m = (Element) l.getElementsByTagNameNS(NS, "MetadataURL").item(0);
            assertThat(m).as(name).isNotNull();
            Element r = (Element) m.getElementsByTagNameNS(NS, "OnlineResource").item(0);
            assertThat(r.getAttributeNS("http://www.w3.org/1999/xlink", "href"))
                    .isEqualTo("https://metadata.example.org/layers/" + name + ".html");
            assertThat(child(m, "Format")).isEqualTo("text/html");
        });
    }

    private static String dimension(Element layer, String name) {
        NodeList dims = layer.getElementsByTagNameNS(NS, "Dimension");
        for (int k = 0; k < dims.getLength(); k++) {
            if (((Element) dims.item(k)).getAttribute("name").equals(name)) {
                return dims.item(k).getTextContent();
            }
        }
        return null;
    }

    @Test
    void aDensityLayerListsAndDrawsOnlyItsOwnCategories() throws Exception {
        Map<String, Element> layers = layers(capabilities(""));
        List<String> violence = new ArrayList<>(List.of("all", "violence"));
        Sql.rows(db, "SELECT code FROM category WHERE group_code = 'violence' ORDER BY code")
                .forEach(r -> violence.add((String) r.get(0)));
        assertThat(dimension(layers.get("density-violence"), "category")).isEqualTo(String.join(",", violence));
        // A layer of every group, and a count layer (which takes DIM_CATEGORY in place of its groups), list them all.
        long codes = Sql.count(
                db, "SELECT count(*) FROM (SELECT code FROM category UNION SELECT group_code " + "FROM category) c");
        assertThat(dimension(layers.get("density-all"), "category").split(",")).hasSize((int) codes + 1);
        assertThat(dimension(layers.get("incident-counts"), "category").split(","))
                .hasSize((int) codes + 1);
        String map = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=density-violence&STYLES="
                + "&FORMAT=image/png&CRS=EPSG:27700&BBOX=333000,386000,339000,392000&WIDTH=32&HEIGHT=32&TIME=2022-07"
                + "&DIM_CATEGORY=";
        assertThat(exceptionCode(map + "burglary")).isEqualTo("InvalidDimensionValue");
        assertThat(exceptionCode(map + "acquisitive")).isEqualTo("InvalidDimensionValue");
        assertThat(Http.getBytes(map + "robbery").headers().firstValue("content-type"))
                .hasValue("image/png");
    }

    @Test
    void runLayersTitleEachRunTheyOffer() throws Exception {
        Map<String, Element> layers = layers(capabilities(""));
        List<List<Object>> runs = Sql.rows(
                db,
                "SELECT r.id FROM hotspot_run r WHERE r.kind = 'hotspots' AND r.status = 'done' AND EXISTS "
                        + "(SELECT 1 FROM hotspot_area_result a WHERE a.run_id = r.id AND a.level = 'lsoa') ORDER BY r.created_by = 'pack', r.id DESC LIMIT 50");
        String abstractText = child(layers.get("hotspot-gistar"), "Abstract");
        if (runs.isEmpty()) {
            assertThat(abstractText).endsWith("No run has finished yet.");
            assertThat(dimension(layers.get("hotspot-gistar"), "run")).isNull();
        } else {
            for (List<Object> r : runs) {
                assertThat(abstractText).contains("run " + r.get(0) + ": Gi* hot spots");
                assertThat(dimension(layers.get("hotspot-gistar"), "run").split(","))
                        .contains(String.valueOf(r.get(0)));
            }
        }
    }
}
