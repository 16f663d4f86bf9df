package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The map paths per audience, over real HTTP on the demo data: which layers each principal is offered, that hidden
 * layers look exactly like missing ones, the density rule for restricted feeds checked pixel by pixel against a
 * direct count, and reduced-precision points on their grid. Principals come from the test-only X-Test-Principal
 * header ({@link TestPrincipals}).
 */
class DisclosureMapIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANONYMOUS = "";
    private static final String TASKING = "tasking::tasking";
    private static final String TASKING_NO_PURPOSE = "tasking::";
    private static final String POLICE = "analyst:police:strategic-assessment";
    private static final String CSP = "analyst:csp:strategic-assessment";
    private static final String NHS = "analyst:nhs-ed:strategic-assessment";
    private static final List<String> PUBLIC_LAYERS = List.of(
            "lsoa-boundaries",
            "msoa-boundaries",
            "ward-boundaries",
            "lad-boundaries",
            "incidents",
            "density-acquisitive",
            "density-asb",
            "forecast",
            "deprivation");
    private static final List<String> ALL_LAYERS = List.of(
            "lsoa-boundaries",
            "msoa-boundaries",
            "ward-boundaries",
            "lad-boundaries",
            "incidents",
            "density-all",
            "density-violence",
            "density-acquisitive",
            "density-damage",
            "density-asb",
            "density-ae-assaults",
            "density-ambulance",
            "forecast",
            "forecast-partners",
            "incident-counts",
            "incident-counts-msoa",
            "incident-counts-ward",
            "incident-counts-lad",
            "density-change",
            "incident-change",
            "hotspot-gistar",
            "emerging-hotspots",
            "deprivation");
    /** istv-ae's density_min_points in its built-in protocol. */
    private static final int ISTV_MIN_POINTS = 8;

    private static Database db;

    @AutoClose
    private static DemoServer server;

    @AutoClose
    private static App reducedApp;

    private static String base;
    private static String reducedBase;

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.start();
        db = server.db();
        base = server.base();
        // A second server whose police.uk protocol gives other partners' analysts reduced points on a 200 m grid.
        Path dir = Files.createTempDirectory("protocols");
        String police = new String(
                        DisclosureMapIT.class
                                .getClassLoader()
                                .getResourceAsStream("protocols/police-uk.json")
                                .readAllBytes(),
                        StandardCharsets.UTF_8)
                .replace("\"analyst\": \"points\"", "\"analyst\": \"reduced\"")
                .replace("\"precision_m\": 100", "\"precision_m\": 200")
                .replace("\"version\": 1", "\"version\": 2"); // a changed agreement is a new version
        assertThat(police).contains("\"analyst\": \"reduced\"").contains("\"precision_m\": 200");
        Files.writeString(dir.resolve("police-uk.json"), police);
        reducedApp = App.start(
                TestSettings.withOverrides(Map.of("SAFEMAP_PROTOCOLS_DIR", dir.toString())),
                db,
                TestPrincipals.fromHeader());
        reducedBase = "http://127.0.0.1:" + reducedApp.port();
    }

    @Test
    void capabilitiesAndTheViewerListExactlyTheLayersEachAudienceMaySee() throws Exception {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put(ANONYMOUS, PUBLIC_LAYERS);
        expected.put(TASKING, ALL_LAYERS);
        expected.put(POLICE, ALL_LAYERS);
        expected.put(CSP, ALL_LAYERS);
        expected.put(NHS, ALL_LAYERS);
        List<String> noPurpose = new ArrayList<>(ALL_LAYERS);
        noPurpose.removeAll(List.of("density-ae-assaults", "density-ambulance"));
        expected.put(TASKING_NO_PURPOSE, noPurpose);
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            for (String version : List.of("1.3.0", "1.1.1")) {
                byte[] body = get(base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=" + version, e.getKey())
                        .body();
                assertThat(layerNames(body))
                        .as("capabilities %s for '%s'", version, e.getKey())
                        .containsExactlyElementsOf(e.getValue());
            }
            JsonNode layers =
                    JSON.readTree(get(base + "/api/layers", e.getKey()).body()).path("layers");
            List<String> names = new ArrayList<>();
            layers.forEach(l -> names.add(l.path("name").asText()));
            assertThat(names).as("/api/layers for '%s'", e.getKey()).containsExactlyElementsOf(e.getValue());
        }
    }

    @Test
    void aLayerTheRequesterMayNotSeeIsAnsweredExactlyAsAnUnknownOne() throws Exception {
        String map = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=%s&STYLES=&CRS=EPSG:27700"
                + "&BBOX=333000,386000,339000,392000&WIDTH=64&HEIGHT=64&FORMAT=image/png&TIME=2022-07";
        String hidden =
                new String(get(base + map.formatted("density-all"), ANONYMOUS).body(), StandardCharsets.UTF_8);
        String unknown = new String(
                get(base + map.formatted("density-nothing"), ANONYMOUS).body(), StandardCharsets.UTF_8);
        assertThat(hidden).contains("LayerNotDefined");
        assertThat(hidden.replace("density-all", "X")).isEqualTo(unknown.replace("density-nothing", "X"));
        assertThat(get(base + map.formatted("density-all"), CSP)
                        .headers()
                        .firstValue("content-type")
                        .orElse(""))
                .startsWith("image/png");

        String info = map.formatted("incident-counts").replace("GetMap", "GetFeatureInfo")
                + "&QUERY_LAYERS=incident-counts&I=1&J=1&INFO_FORMAT=application/json";
        assertThat(new String(get(base + info, ANONYMOUS).body(), StandardCharsets.UTF_8))
                .contains("LayerNotDefined");
        String legend = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER=";
        assertThat(new String(
                        get(base + legend + "density-ae-assaults", TASKING_NO_PURPOSE)
                                .body(),
                        StandardCharsets.UTF_8))
                .contains("LayerNotDefined");

        HttpResponse<byte[]> hiddenTile = get(base + "/tiles/density-all/12/2020/1300.png?time=2022-07", ANONYMOUS);
        HttpResponse<byte[]> unknownTile =
                get(base + "/tiles/density-nothing/12/2020/1300.png?time=2022-07", ANONYMOUS);
        assertThat(hiddenTile.statusCode()).isEqualTo(404).isEqualTo(unknownTile.statusCode());
        assertThat(new String(hiddenTile.body(), StandardCharsets.UTF_8).replace("density-all", "X"))
                .isEqualTo(new String(unknownTile.body(), StandardCharsets.UTF_8).replace("density-nothing", "X"));
        assertThat(get(base + "/tiles/density-all/12/2020/1300.png?time=2022-07", TASKING)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aSignedInRequestersMapsAreKeptByTheirOwnClientOnly() {
        // Anonymous answers are the same for every anonymous requester, so any cache may share them; a signed-in
        // requester's are marked private (a shared proxy must not hand them on), and every cache is told that the
        // answer varies with the credentials.
        String tile = base + "/tiles/density-asb/12/2014/1326.png?time=2022-07";
        HttpResponse<byte[]> open = get(tile, ANONYMOUS);
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("Cache-Control")).hasValue("public, max-age=60");
        assertThat(open.headers().firstValue("Vary")).hasValue("Authorization, Cookie");
        HttpResponse<byte[]> signed = get(tile, TASKING);
        assertThat(signed.statusCode()).isEqualTo(200);
        assertThat(signed.headers().firstValue("Cache-Control")).hasValue("private, max-age=60");
        assertThat(signed.headers().firstValue("Vary")).hasValue("Authorization, Cookie");
        String map = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=density-all&STYLES=&CRS=EPSG:27700"
                + "&BBOX=330000,380000,345000,395000&WIDTH=64&HEIGHT=64&FORMAT=image/png&TIME=2022-07";
        HttpResponse<byte[]> signedMap = get(map, TASKING);
        assertThat(signedMap.statusCode()).isEqualTo(200);
        assertThat(signedMap.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(signedMap.headers().firstValue("Cache-Control")).hasValue("private");
        assertThat(signedMap.headers().firstValue("Vary")).hasValue("Authorization, Cookie");
        HttpResponse<byte[]> openWmtsTile =
                get(base + "/wmts/density-asb/density/2022-07/all/GoogleMapsCompatible/12/1326/2014.png", ANONYMOUS);
        assertThat(openWmtsTile.statusCode()).isEqualTo(200);
        assertThat(openWmtsTile.headers().firstValue("Cache-Control")).hasValue("public, max-age=60");
    }

    /**
     * A map selection of no feeds selects nothing, whichever layer asks: a requester who may see no feed of a layer
     * must never get every feed because a caller forgot to check for the empty list (as the points layer once did).
     */
    @Test
    void aMapSelectionOfNoFeedsSelectsNothing() {
        MapData store = new MapData(db.dataSource());
        org.safemap.time.Period july = org.safemap.time.Period.parse("2022-07");
        MapData.Filter none = new MapData.Filter(july, List.of(), List.of(), List.of());
        MapData.Filter police = new MapData.Filter(july, List.of(), List.of(), List.of("police-uk"));
        double[] liverpool = {320000, 370000, 350000, 410000};
        assertThat(store.densityPoints(police).x()).isNotEmpty();
        assertThat(store.densityPoints(none).x()).isEmpty();
        assertThat(store.areaCounts("lsoa", police)).isNotEmpty();
        assertThat(store.areaCounts("lsoa", none)).isEmpty();
        assertThat(store.points(liverpool, police, 10).id()).isNotEmpty();
        assertThat(store.points(liverpool, none, 10).id()).isEmpty();
        assertThat(store.densitySplit(none, List.of()).open().x()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.forecast(none, 100))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Street scale (10 m pixels: lattice reads) and district scale (30 m: exact reads). */
    @Test
    void restrictedDensityIsDrawnOnlyWhereEnoughRecordsAreInReach() throws Exception {
        double[][] records = istvJuly();
        assertThat(records.length).isGreaterThan(100);
        for (double[] box :
                List.of(new double[] {333000, 386000, 339000, 392000}, new double[] {334000, 389500, 336000, 391500})) {
            int size = 200;
            double res = (box[2] - box[0]) / size;
            String url = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=density-ae-assaults&STYLES="
                    + "&CRS=EPSG:27700&BBOX=" + box[0] + "," + box[1] + "," + box[2] + "," + box[3] + "&WIDTH=" + size
                    + "&HEIGHT=" + size + "&FORMAT=image/png&TRANSPARENT=TRUE&TIME=2022-07";
            int[] restricted = argb(get(base + url, TASKING));
            int[] full = argb(get(base + url, CSP));
            int hiddenDrawn = 0;
            int shown = 0;
            int differ = 0;
            for (int j = 0; j < size; j++) {
                for (int i = 0; i < size; i++) {
                    double x = box[0] + (i + 0.5) * res;
                    double y = box[3] - (j + 0.5) * res;
                    int n = inReach(records, x, y, 250);
                    int k = j * size + i;
                    if (n < ISTV_MIN_POINTS) {
                        assertThat(restricted[k] >>> 24)
                                .as("pixel %d,%d with %d records in reach", i, j, n)
                                .isZero();
                        if (n > 0 && full[k] >>> 24 != 0) {
                            hiddenDrawn++;
                        }
                    } else {
                        if (restricted[k] != full[k]) {
                            differ++;
                        }
                        if (full[k] >>> 24 != 0) {
                            shown++;
                        }
                    }
                }
            }
            assertThat(hiddenDrawn)
                    .as("the unrestricted map draws pixels the rule leaves out")
                    .isGreaterThan(0);
            assertThat(shown).as("pixels with enough records are drawn").isGreaterThan(0);
            assertThat(differ)
                    .as("where k or more are in reach the picture is the unrestricted one")
                    .isLessThanOrEqualTo(size * size / 1000);
            // Values at pixel centres: 0 below k, the unrestricted value from k.
            for (int j = 5; j < size; j += 37) {
                for (int i = 3; i < size; i += 29) {
                    double x = box[0] + (i + 0.5) * res;
                    double y = box[3] - (j + 0.5) * res;
                    String q = url.replace("GetMap", "GetFeatureInfo") + "&QUERY_LAYERS=density-ae-assaults&I=" + i
                            + "&J=" + j + "&INFO_FORMAT=application/json";
                    double a = density(get(base + q, TASKING));
                    double b = density(get(base + q, CSP));
                    if (inReach(records, x, y, 250) < ISTV_MIN_POINTS) {
                        assertThat(a).isZero();
                    } else {
                        assertThat(a).isCloseTo(b, org.assertj.core.data.Offset.offset(1e-3 + 1e-6 * b));
                    }
                }
            }
        }
    }

    /**
     * Over several months the rule is applied month by month and the surface is the sum of its months' guarded
     * surfaces: otherwise January to April less January to March would show the one or two April records that the
     * longer range's count let through. A pixel where no single month has k records in reach stays clear, though the
     * months together have k; and a range's value is the mean of its months' values (per km² per month), so ranges
     * differenced give nothing that single months do not.
     */
    @Test
    void restrictedDensityOverMonthsIsTheSumOfItsGuardedMonths() throws Exception {
        double[][] june = istv("2022-06-01 00:00+01", "2022-07-01 00:00+01");
        double[][] july = istvJuly();
        assertThat(june.length).isGreaterThan(100);
        double[] box = {333000, 386000, 339000, 392000};
        int size = 200;
        double res = (box[2] - box[0]) / size;
        String url = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=density-ae-assaults&STYLES="
                + "&CRS=EPSG:27700&BBOX=" + box[0] + "," + box[1] + "," + box[2] + "," + box[3] + "&WIDTH=" + size
                + "&HEIGHT=" + size + "&FORMAT=image/png&TRANSPARENT=TRUE&TIME=";
        int[] restricted = argb(get(base + url + "2022-06/2022-07", TASKING));
        int[] full = argb(get(base + url + "2022-06/2022-07", CSP));
        int onlyTogether = 0;
        for (int j = 0; j < size; j++) {
            for (int i = 0; i < size; i++) {
                double x = box[0] + (i + 0.5) * res;
                double y = box[3] - (j + 0.5) * res;
                int a = inReach(june, x, y, 250);
                int b = inReach(july, x, y, 250);
                int k = j * size + i;
                if (a < ISTV_MIN_POINTS && b < ISTV_MIN_POINTS) {
                    assertThat(restricted[k] >>> 24)
                            .as("pixel %d,%d with %d June and %d July records in reach", i, j, a, b)
                            .isZero();
                    if (a + b >= ISTV_MIN_POINTS && full[k] >>> 24 != 0) {
                        onlyTogether++;
                    }
                }
            }
        }
        assertThat(onlyTogether)
                .as("pixels with k records in reach over both months but fewer in each, which the full map draws")
                .isGreaterThan(0);
        // Values in the city centre (2 km), where single months pass the rule.
        String centre = url.replace(box[0] + "," + box[1] + "," + box[2] + "," + box[3], "334000,389500,336000,391500");
        int drawn = 0;
        for (int j = 5; j < size; j += 13) {
            for (int i = 3; i < size; i += 11) {
                String q = centre.replace("GetMap", "GetFeatureInfo") + "%s&QUERY_LAYERS=density-ae-assaults&I=" + i
                        + "&J=" + j + "&INFO_FORMAT=application/json";
                double both = density(get(base + q.formatted("2022-06/2022-07"), TASKING));
                double mean = (density(get(base + q.formatted("2022-06"), TASKING))
                                + density(get(base + q.formatted("2022-07"), TASKING)))
                        / 2;
                // Each figure is given to two significant figures: 5% of each at most.
                assertThat(both)
                        .as("pixel %d,%d", i, j)
                        .isCloseTo(mean, org.assertj.core.data.Offset.offset(0.05 * (both + mean) + 1e-9));
                if (both > 0) {
                    drawn++;
                }
            }
        }
        assertThat(drawn).as("sampled pixels with a value").isGreaterThan(5);
    }

    /**
     * Restricted feeds are published as monthly counts: a surface of some days or hours of them could be differenced
     * against its neighbour (1 to 14 against 1 to 15 July) down to one day's records, so such a surface leaves them out
     * for a requester who sees them below points, says so in feature info, and still draws them for a whole month.
     */
    @Test
    void restrictedFeedsAreLeftOutOfSurfacesFinerThanAMonth() throws Exception {
        double[] box = {334000, 389500, 336000, 391500};
        String map = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=density-ae-assaults&STYLES="
                + "&CRS=EPSG:27700&BBOX=" + box[0] + "," + box[1] + "," + box[2] + "," + box[3]
                + "&WIDTH=200&HEIGHT=200&FORMAT=image/png&TRANSPARENT=TRUE&TIME=";
        for (String fine : List.of("2022-07-01/2022-07-14", "2022-07&DIM_HOURS=22-3", "2022-07&DIM_WEEKDAYS=fri,sat")) {
            int[] restricted = argb(get(base + map + fine, TASKING));
            assertThat(java.util.Arrays.stream(restricted)
                            .filter(c -> c >>> 24 != 0)
                            .count())
                    .as("pixels drawn from a restricted feed for " + fine)
                    .isZero();
            assertThat(java.util.Arrays.stream(argb(get(base + map + fine, CSP)))
                            .filter(c -> c >>> 24 != 0)
                            .count())
                    .as("pixels drawn for a requester who sees the feed as points, " + fine)
                    .isPositive();
        }
        assertThat(java.util.Arrays.stream(argb(get(base + map + "2022-07", TASKING)))
                        .filter(c -> c >>> 24 != 0)
                        .count())
                .as("the whole month, under the minimum-points rule")
                .isPositive();
        String info =
                "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=density-all&QUERY_LAYERS=density-all"
                        + "&STYLES=&CRS=EPSG:27700&BBOX=334000,389500,336000,391500&WIDTH=200&HEIGHT=200&I=100&J=100"
                        + "&INFO_FORMAT=application/json&TIME=2022-07-01/2022-07-14";
        String body = new String(get(base + info, TASKING).body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(body).contains("\"withheld_feeds\"").contains("istv-ae");
    }

    /**
     * Under an hour filter the rule counts the records of those hours: a pixel with fewer than k of them in reach
     * stays clear for a requester who sees the feed only as aggregates, however many records of other hours are near.
     */
    @Test
    void restrictedNightDensityIsDrawnOnlyWhereEnoughNightRecordsAreInReach() throws Exception {
        double[][] all = istvJuly();
        double[][] night = istvJulyNights();
        assertThat(night.length).isPositive().isLessThan(all.length);
        double[] box = {334000, 389500, 336000, 391500};
        int size = 200;
        double res = (box[2] - box[0]) / size;
        String url = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=density-ae-assaults&STYLES="
                + "&CRS=EPSG:27700&BBOX=" + box[0] + "," + box[1] + "," + box[2] + "," + box[3] + "&WIDTH=" + size
                + "&HEIGHT=" + size + "&FORMAT=image/png&TRANSPARENT=TRUE&TIME=2022-07&DIM_HOURS=22-3";
        int[] restricted = argb(get(base + url, TASKING));
        int[] full = argb(get(base + url, CSP));
        int hiddenDrawn = 0;
        for (int j = 0; j < size; j++) {
            for (int i = 0; i < size; i++) {
                double x = box[0] + (i + 0.5) * res;
                double y = box[3] - (j + 0.5) * res;
                int n = inReach(night, x, y, 250);
                int k = j * size + i;
                if (n < ISTV_MIN_POINTS) {
                    assertThat(restricted[k] >>> 24)
                            .as("pixel %d,%d with %d night records in reach", i, j, n)
                            .isZero();
                    if (n > 0 && full[k] >>> 24 != 0 && inReach(all, x, y, 250) >= ISTV_MIN_POINTS) {
                        hiddenDrawn++;
                    }
                }
            }
        }
        assertThat(hiddenDrawn)
                .as("pixels with enough records of every hour but too few of the night, which the full map draws")
                .isGreaterThan(0);
    }

    @Test
    void reducedPointsLieOnGridCentresWithNothingButTheirFeed() throws Exception {
        // Liverpool city centre, 100 px of 5 m, the click on the centre of a 200 m square, where its points now lie.
        double cx = 334900;
        double cy = 390500;
        String url = reducedBase + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=incidents"
                + "&QUERY_LAYERS=incidents&STYLES=&CRS=EPSG:27700&BBOX=" + (cx - 250) + "," + (cy - 250) + ","
                + (cx + 250) + "," + (cy + 250) + "&WIDTH=100&HEIGHT=100&I=50&J=50&FEATURE_COUNT=50"
                + "&INFO_FORMAT=application/json&TIME=2022-07";
        JsonNode reduced = JSON.readTree(get(url, NHS).body()).path("features");
        assertThat(reduced.size()).isGreaterThan(3);
        int police = 0;
        for (JsonNode f : reduced) {
            JsonNode p = f.path("properties");
            if (!p.path("feed").asText().equals("police-uk")) {
                continue; // BTP stays at points for everyone
            }
            police++;
            List<String> keys = new ArrayList<>();
            p.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactlyInAnyOrder("feed", "precision_m", "x", "y");
            assertThat(p.path("precision_m").asInt()).isEqualTo(200);
            assertThat((p.path("x").asDouble() - 100) % 200).isZero();
            assertThat((p.path("y").asDouble() - 100) % 200).isZero();
        }
        assertThat(police).isGreaterThan(3);
        // The owner (police) sees the same records at their map points, with their attributes.
        JsonNode owner = JSON.readTree(get(url, POLICE).body()).path("features");
        assertThat(owner.size()).isGreaterThan(3);
        assertThat(owner.get(0).path("properties").has("location")).isTrue();
        assertThat(owner.get(0).path("properties").has("category")).isTrue();
        // The reduced picture differs from the owner's: points moved.
        String map = url.replace("GetFeatureInfo", "GetMap") + "&FORMAT=image/png&TRANSPARENT=TRUE";
        assertThat(argb(get(map, NHS))).isNotEqualTo(argb(get(map, POLICE)));

        // Days: police.uk's protocol shows reduced records by month only, so a TIME of days leaves them out rather than
        // tell which days each generalised point is from; the owner still sees them for those days.
        String days = url.replace("TIME=2022-07", "TIME=2022-07-01/2022-07-14");
        JsonNode reducedDays = JSON.readTree(get(days, NHS).body()).path("features");
        assertThat(reducedDays)
                .noneMatch(f -> f.path("properties").path("feed").asText().equals("police-uk"));
        assertThat(JSON.readTree(get(days, POLICE).body()).path("features"))
                .anyMatch(f -> f.path("properties").path("feed").asText().equals("police-uk"));
    }

    @Test
    void reducedRecordsAskedForFewerPropertiesKeepOnlyWhatTheyShowed() throws Exception {
        String url = reducedBase + "/api/incidents?month=2022-07&feed=police-uk&limit=50000";
        JsonNode all = JSON.readTree(get(url, NHS).body()).path("features");
        JsonNode few = JSON.readTree(
                        get(url + "&properties=group,location,sourceCategory,eventId,batch,lsoa,from,to", NHS)
                                .body())
                .path("features");
        assertThat(all.size()).isGreaterThan(1000);
        assertThat(few.size()).isEqualTo(all.size());
        int withLsoa = 0;
        for (int k = 0; k < few.size(); k++) {
            JsonNode f = few.get(k);
            assertThat(f.has("id")).isFalse();
            assertThat(f.path("geometry")).isEqualTo(all.get(k).path("geometry"));
            List<String> keys = new ArrayList<>();
            f.path("properties").fieldNames().forEachRemaining(keys::add);
            // police.uk's reduced records show their group and the LSOA of the point as shown (none when the grid
            // centre is in no LSOA), never the record's place, source category, link or times within the month
            assertThat(keys).contains("group").isSubsetOf("group", "lsoa");
            withLsoa += keys.contains("lsoa") ? 1 : 0;
            assertThat(f.path("properties"))
                    .isEqualTo(((ObjectNode) all.get(k).path("properties"))
                            .deepCopy()
                            .retain("group", "lsoa"));
        }
        assertThat(withLsoa).isGreaterThan(few.size() / 2);
    }

    /** istv-ae's July events with some of their time window between 22:00 and 03:59 (UK time). */
    private static double[][] istvJulyNights() throws Exception {
        List<double[]> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                SELECT ST_X(geom), ST_Y(geom) FROM (
                    SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.geom, i.event_from AS f, i.event_to AS t
                    FROM incident i
                    WHERE i.feed = 'istv-ae' AND i.event_from < '2022-08-01 00:00+01'
                      AND (i.event_to > '2022-07-01 00:00+01' OR i.event_from >= '2022-07-01 00:00+01')
                    ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id) s
                WHERE EXISTS (
                    SELECT 1 FROM generate_series(date_trunc('hour', greatest(f, '2022-07-01 00:00+01')),
                                                  least(t, '2022-08-01 00:00+01'), interval '1 hour') h
                    WHERE (h < least(t, '2022-08-01 00:00+01') OR t = f)
                      AND extract(hour FROM h AT TIME ZONE 'Europe/London') IN (22, 23, 0, 1, 2, 3))""");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new double[] {rs.getDouble(1), rs.getDouble(2)});
            }
        }
        return out.toArray(new double[0][]);
    }

    private static double[][] istvJuly() throws Exception {
        return istv("2022-07-01 00:00+01", "2022-08-01 00:00+01");
    }

    /** The A&E feed's events overlapping [from, to), each once where its best-placed record is. */
    private static double[][] istv(String from, String to) throws Exception {
        List<double[]> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                SELECT ST_X(geom), ST_Y(geom) FROM (
                    SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.geom FROM incident i
                    WHERE i.feed = 'istv-ae' AND i.event_from < '%2$s'
                      AND (i.event_to > '%1$s' OR i.event_from >= '%1$s')
                    ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id) s""".formatted(from, to));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new double[] {rs.getDouble(1), rs.getDouble(2)});
            }
        }
        return out.toArray(new double[0][]);
    }

    private static int inReach(double[][] points, double x, double y, double h) {
        int n = 0;
        for (double[] p : points) {
            double dx = p[0] - x;
            double dy = p[1] - y;
            if (dx * dx + dy * dy < h * h) {
                n++;
            }
        }
        return n;
    }

    private static double density(HttpResponse<byte[]> r) throws Exception {
        JsonNode f = JSON.readTree(r.body()).path("features");
        assertThat(f.size()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(1);
        return f.get(0).path("properties").path("density").asDouble();
    }

    private static int[] argb(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.headers().firstValue("content-type").orElse(""))
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .startsWith("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static List<String> layerNames(byte[] capabilities) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        NodeList layers = f.newDocumentBuilder()
                .parse(new ByteArrayInputStream(capabilities))
                .getElementsByTagName("Layer");
        List<String> out = new ArrayList<>();
        for (int k = 0; k < layers.getLength(); k++) {
            NodeList names = ((Element) layers.item(k)).getElementsByTagName("Name");
            if (names.getLength() > 0 && names.item(0).getParentNode() == layers.item(k)) {
                out.add(names.item(0).getTextContent());
            }
        }
        return out;
    }

    static HttpResponse<byte[]> get(String url, String principal) {
        return principal.isEmpty() ? Http.getBytes(url) : Http.getBytes(url, TestPrincipals.HEADER, principal);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
