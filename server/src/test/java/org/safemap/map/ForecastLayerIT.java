package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.Services;
import org.safemap.db.Database;
import org.safemap.hotspot.Forecast;
import org.safemap.runs.ForecastMap;
import org.safemap.runs.Selection;
import org.safemap.testing.Http;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;
import org.safemap.time.Period;

/**
 * The "where next month" layers on the demo data over real HTTP: GetMap draws, cell for cell, the forecast the
 * forecast code computes directly from the same training months; the legend states that forecast's validated hit
 * rate and PAI; and the layers are shown to the same audiences as the density layers over the same feeds.
 */
class ForecastLayerIT {
    private static final String CSP = "analyst:csp:strategic-assessment";
    /** Three training months: two are validated by rolling origin (each from the months before it). */
    private static final String TRAIN = "2022-03..2022-05";

    private static Database db;
    private static Services services;
    private static App app;
    private static String base;
    private static ForecastMap direct;
    private static LayerCatalogue.Layer layer;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        services = Services.serving(TestSettings.defaults(), db);
        app = App.start(services, TestPrincipals.fromHeader());
        base = "http://127.0.0.1:" + app.port();
        // the layer 'forecast' reads police.uk and BTP, every category, each event once
        direct = ForecastMap.compute(
                db.dataSource(),
                Selection.of(Period.parse(TRAIN)).withFeeds(List.of("btp", "police-uk")),
                ForecastMap.DEFAULT_CELL_METRES);
        layer = LayerCatalogue.load().layer("forecast");
    }

    @AfterAll
    static void stop() {
        app.close();
        services.close();
    }

    @Test
    void getMapDrawsTheForecastComputedDirectlyCellForCell() throws Exception {
        assertThat(direct.month()).hasToString("2022-06");
        assertThat(direct.fit().validationMonths()).containsExactly(1, 2);
        // a window of 160 × 120 cells around the busiest cell, one pixel per cell, pixel centres on cell centres
        int hottest = 0;
        for (int c = 0; c < direct.score().length; c++) {
            if (direct.score()[c] > direct.score()[hottest] || Double.isNaN(direct.score()[hottest])) {
                hottest = c;
            }
        }
        var g = direct.grid();
        int col0 = Math.max(0, hottest % g.columns() - 80);
        int row0 = Math.max(0, hottest / g.columns() - 60);
        int width = Math.min(160, g.columns() - col0);
        int height = Math.min(120, g.rows() - row0);
        double minX = g.minX() + col0 * g.cellMetres();
        double minY = g.minY() + row0 * g.cellMetres();
        String box = String.format(
                Locale.ROOT,
                "%.3f,%.3f,%.3f,%.3f",
                minX,
                minY,
                minX + width * g.cellMetres(),
                minY + height * g.cellMetres());
        HttpResponse<byte[]> r = Http.getBytes(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=forecast"
                + "&STYLES=&CRS=EPSG:27700&BBOX=" + box + "&WIDTH=" + width + "&HEIGHT=" + height
                + "&FORMAT=image/png&TRANSPARENT=TRUE&TIME=2022-03/2022-05");
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
        ColorRamp ramp = new ColorRamp(layer.styles().get(0).style().raster());
        int[] classes = {0, 0, 0, 0, 0};
        for (int j = 0; j < height; j++) {
            for (int i = 0; i < width; i++) {
                int cell = (row0 + height - 1 - j) * g.columns() + col0 + i;
                double share = direct.topShare()[cell];
                int expected = ramp.colour(share);
                int got = image.getRGB(i, j);
                if ((expected >>> 24) == 0) {
                    assertThat(got >>> 24)
                            .as("pixel %d,%d (share %s)", i, j, share)
                            .isZero();
                } else {
                    // drawn over a transparent canvas: the same colour, to a unit of rounding per channel
                    for (int shift = 0; shift < 32; shift += 8) {
                        assertThat((got >>> shift) & 0xFF)
                                .as("pixel %d,%d (share %s)", i, j, share)
                                .isBetween(((expected >>> shift) & 0xFF) - 1, ((expected >>> shift) & 0xFF) + 1);
                    }
                }
                classes[Double.isNaN(share) ? 4 : share <= 1 ? 0 : share <= 5 ? 1 : share <= 10 ? 2 : 3]++;
            }
        }
        // the window holds the hottest 1%, the rest of the top 5% and places outside the forecast
        assertThat(classes[0]).isPositive();
        assertThat(classes[1]).isPositive();
        assertThat(classes[4]).isPositive();
    }

    @Test
    void legendStatesTheValidatedHitRateAndPai() throws Exception {
        double pai = direct.fit().validationPai();
        assertThat(pai).isGreaterThan(1);
        List<String> expected = List.of(
                "Forecast for June 2022",
                String.format(
                        Locale.ROOT,
                        "Validated on 2 earlier months: hit rate %.1f%%, PAI %.2f",
                        pai * Forecast.COVERAGE,
                        pai),
                "at 5% of the area");
        BufferedImage want =
                LegendGraphic.draw(layer.title(), layer.styles().get(0).style(), expected);
        BufferedImage got = legend("TIME=2022-03/2022-05");
        assertSameImage(got, want);
        // without the lines the picture differs: the comparison sees the text
        BufferedImage plain =
                LegendGraphic.draw(layer.title(), layer.styles().get(0).style());
        assertThat(plain.getHeight()).isLessThan(got.getHeight());

        // one training month: nothing to validate on, and the legend says so
        BufferedImage single = legend("TIME=2022-05");
        assertSameImage(
                single,
                LegendGraphic.draw(
                        layer.title(),
                        layer.styles().get(0).style(),
                        List.of(
                                "Forecast for June 2022",
                                "Not validated: a forecast trained on one month has no earlier month to be checked on;",
                                "choose two months or more")));

        // GetFeatureInfo gives the same figures and the settings the fit chose
        var g = direct.grid();
        double x = g.minX() + 0.5 * g.cellMetres() + (g.columns() / 2) * g.cellMetres();
        double y = g.minY() + 0.5 * g.cellMetres() + (g.rows() / 2) * g.cellMetres();
        String box = String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%.1f", x - 5, y - 5, x + 5, y + 5);
        JsonNode info = Http.json(Http.get(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo"
                        + "&LAYERS=forecast&QUERY_LAYERS=forecast&STYLES=&CRS=EPSG:27700&BBOX=" + box
                        + "&WIDTH=10&HEIGHT=10&I=5&J=5&INFO_FORMAT=application/json&TIME=2022-03/2022-05"))
                .path("features")
                .get(0)
                .path("properties");
        assertThat(info.path("month").asText()).isEqualTo("2022-06");
        assertThat(info.path("validation_pai_5").asDouble()).isEqualTo(LayerData.round(pai));
        assertThat(info.path("validation_hit_rate_5").asDouble())
                .isEqualTo(LayerData.round(pai * Forecast.COVERAGE / 100));
        assertThat(info.path("sigma_metres").asDouble())
                .isEqualTo(direct.fit().params().sigmaMetres());
        assertThat(info.path("blend").asDouble())
                .isEqualTo(direct.fit().params().blend());
    }

    @Test
    void capabilitiesLinkTheValidatedLegendOfTheDefaultTrainingWindow() throws Exception {
        // the demo's seven months, all within the default year: the forecast of August from January to July
        String window = "2022-01/2022-07";
        String caps = Http.get(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities")
                .body();
        String layerXml = layerElement(caps, "<Name>forecast</Name>");
        assertThat(layerXml).contains("name=\"time\" units=\"ISO8601\" default=\"" + window + "\"");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "<LegendURL[^>]*>.*?xlink:href=\"([^\"]+)\"", java.util.regex.Pattern.DOTALL)
                .matcher(layerXml);
        assertThat(m.find()).as(layerXml).isTrue();
        String href = m.group(1).replace("&amp;", "&");
        assertThat(href).contains("REQUEST=GetLegendGraphic").endsWith("&TIME=" + window);

        // the link's legend states the figures of the forecast computed directly from those months
        ForecastMap whole = ForecastMap.compute(
                db.dataSource(),
                Selection.of(Period.parse("2022-01..2022-07")).withFeeds(List.of("btp", "police-uk")),
                ForecastMap.DEFAULT_CELL_METRES);
        assertThat(whole.fit().validationMonths()).hasSize(Forecast.ORIGINS);
        HttpResponse<byte[]> r = Http.getBytes(href);
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedImage got = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertSameImage(
                got,
                LegendGraphic.draw(
                        layer.title(),
                        layer.styles().get(0).style(),
                        List.of(
                                "Forecast for August 2022",
                                String.format(
                                        Locale.ROOT,
                                        "Validated on 3 earlier months: hit rate %.1f%%, PAI %.2f",
                                        whole.fit().validationPai() * Forecast.COVERAGE,
                                        whole.fit().validationPai()),
                                "at 5% of the area")));
        // the size capabilities announce is that of a validated legend (a GetCapabilities fits nothing)
        java.util.regex.Matcher size = java.util.regex.Pattern.compile("<LegendURL width=\"(\\d+)\" height=\"(\\d+)\"")
                .matcher(layerXml);
        assertThat(size.find()).isTrue();
        assertThat(Integer.parseInt(size.group(2))).isEqualTo(got.getHeight());

        // a request without TIME is the same window: GetFeatureInfo says what it was trained on
        var g = whole.grid();
        double x = g.minX() + 0.5 * g.cellMetres() + (g.columns() / 2) * g.cellMetres();
        double y = g.minY() + 0.5 * g.cellMetres() + (g.rows() / 2) * g.cellMetres();
        String box = String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%.1f", x - 5, y - 5, x + 5, y + 5);
        JsonNode info = Http.json(Http.get(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo"
                        + "&LAYERS=forecast&QUERY_LAYERS=forecast&STYLES=&CRS=EPSG:27700&BBOX=" + box
                        + "&WIDTH=10&HEIGHT=10&I=5&J=5&INFO_FORMAT=application/json"))
                .path("features")
                .get(0)
                .path("properties");
        assertThat(info.path("trained_on").asText()).isEqualTo(window);
        assertThat(info.path("validation_pai_5").asDouble())
                .isEqualTo(LayerData.round(whole.fit().validationPai()));

        // WMTS names the same legend, and the window as its default TIME
        String wmts = Http.get(base + "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities&VERSION=1.0.0")
                .body();
        String wmtsLayer = layerElement(wmts, "<ows:Identifier>forecast</ows:Identifier>");
        assertThat(wmtsLayer)
                .contains("&amp;LAYER=forecast&amp;STYLE="
                        + layer.styles().get(0).style().name() + "&amp;TIME=" + window)
                .contains("<Default>" + window + "</Default>");
        // other layers' legends do not depend on TIME, and their default stays the latest month, spelt as the extent's
        // values are
        String density = layerElement(caps, "<Name>density-asb</Name>");
        assertThat(density).contains("default=\"2022-07-01T00:00:00Z\"").doesNotContain("TIME=");
    }

    @Test
    void oneFitAtATimeTheOthersWaitFiveSecondsThenAreToldToComeBack() throws Exception {
        String getMap = base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=forecast&STYLES=&CRS=EPSG:27700"
                + "&BBOX=330000,385000,340000,395000&WIDTH=64&HEIGHT=64&FORMAT=image/png&TIME=";
        // a window fitted before: answered from the cache whatever is being fitted
        assertThat(Http.getBytes(getMap + "2022-06/2022-07").statusCode()).isEqualTo(200);
        java.util.concurrent.Semaphore gate = services.map().layerData().fitting;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        // a fit under way holds the gate, as ForecastKind.forecast does while it fits
        assertThat(gate.tryAcquire(120, java.util.concurrent.TimeUnit.SECONDS))
                .as("the gate is free between requests")
                .isTrue();
        boolean held = true;
        try {
            List<java.util.concurrent.Future<long[]>> busy = new java.util.ArrayList<>();
            for (String window : List.of("2022-02/2022-04", "2022-02/2022-05")) {
                busy.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    HttpResponse<String> r = Http.get(getMap + window);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    // the documented answer: a ServiceExceptionReport, code ServerBusy, as for the pixel budget
                    assertThat(r.statusCode()).as(window).isEqualTo(200);
                    assertThat(r.headers().firstValue("X-OGC-Exception"))
                            .as(window)
                            .hasValue("ServerBusy");
                    assertThat(r.body())
                            .as(window)
                            .contains("code=\"ServerBusy\"")
                            .contains("the server is fitting another forecast; try again in a minute");
                    return new long[] {ms};
                }));
            }
            long cachedStart = System.nanoTime();
            HttpResponse<byte[]> cached = Http.getBytes(getMap + "2022-06/2022-07");
            assertThat(cached.statusCode()).isEqualTo(200);
            assertThat(cached.headers().firstValue("Content-Type")).hasValue("image/png");
            assertThat((System.nanoTime() - cachedStart) / 1_000_000)
                    .as("a cached forecast does not wait for the gate")
                    .isLessThan(ForecastKind.FIT_WAIT_SECONDS * 1000L);
            for (java.util.concurrent.Future<long[]> f : busy) {
                // each waited its five seconds for the fit before being told to come back
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)[0])
                        .isGreaterThanOrEqualTo(ForecastKind.FIT_WAIT_SECONDS * 1000L);
            }
            // a request that arrives while the fit runs and sees it end within five seconds fits next and draws
            java.util.concurrent.Future<HttpResponse<byte[]>> next =
                    pool.submit(() -> Http.getBytes(getMap + "2022-04/2022-06"));
            Thread.sleep(1000);
            assertThat(next.isDone()).as("waiting for the fit under way").isFalse();
            gate.release();
            held = false;
            HttpResponse<byte[]> drawn = next.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(drawn.statusCode()).isEqualTo(200);
            assertThat(drawn.headers().firstValue("Content-Type")).hasValue("image/png");
            assertThat(drawn.headers().firstValue("X-OGC-Exception")).isEmpty();
            // and its fit gave the gate back
            assertThat(gate.availablePermits()).isEqualTo(1);
        } finally {
            if (held) {
                gate.release();
            }
            pool.shutdownNow();
        }
    }

    /** The text of the Layer element holding {@code name}, up to the next layer. */
    private static String layerElement(String caps, String name) {
        int at = caps.indexOf(name);
        assertThat(at).as(name).isPositive();
        int end = caps.indexOf("<Layer", at);
        return caps.substring(at, end < 0 ? caps.length() : end);
    }

    @Test
    void shownToTheSameAudiencesAsTheDensityLayers() {
        String anonymous = Http.get(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities")
                .body();
        // public density over police.uk and BTP is listed for everyone, and so is the forecast over them
        assertThat(anonymous).contains("<Name>density-asb</Name>").contains("<Name>forecast</Name>");
        // the pooled partner surface is not shown to the public, and neither is the pooled forecast
        assertThat(anonymous)
                .doesNotContain("<Name>density-all</Name>")
                .doesNotContain("<Name>forecast-partners</Name>");
        String partner = Http.get(
                        base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities", TestPrincipals.HEADER, CSP)
                .body();
        assertThat(partner).contains("<Name>density-all</Name>").contains("<Name>forecast-partners</Name>");
        String getMap = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=EPSG:27700"
                + "&BBOX=330000,385000,340000,395000&WIDTH=64&HEIGHT=64&FORMAT=image/png&TIME=2022-03/2022-05&LAYERS=";
        for (String name : List.of("density-all", "forecast-partners")) {
            HttpResponse<String> refused = Http.get(base + getMap + name);
            assertThat(refused.body()).as(name).contains("LayerNotDefined");
        }
        assertThat(Http.getBytes(base + getMap + "forecast").statusCode()).isEqualTo(200);
        assertThat(Http.getBytes(base + getMap + "forecast-partners", TestPrincipals.HEADER, CSP)
                        .statusCode())
                .isEqualTo(200);
    }

    private static BufferedImage legend(String dims) throws Exception {
        HttpResponse<byte[]> r = Http.getBytes(base + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic"
                + "&LAYER=forecast&FORMAT=image/png&" + dims);
        assertThat(r.statusCode()).isEqualTo(200);
        return ImageIO.read(new ByteArrayInputStream(r.body()));
    }

    private static void assertSameImage(BufferedImage got, BufferedImage want) {
        assertThat(got.getWidth()).isEqualTo(Math.max(want.getWidth(), 1));
        assertThat(got.getHeight()).isEqualTo(want.getHeight());
        for (int j = 0; j < want.getHeight(); j++) {
            for (int i = 0; i < want.getWidth(); i++) {
                // the legend is encoded on white: compare what a reader sees
                assertThat(got.getRGB(i, j) & 0xFFFFFF)
                        .as("legend pixel %d,%d", i, j)
                        .isEqualTo(want.getRGB(i, j) & 0xFFFFFF);
            }
        }
    }
}
