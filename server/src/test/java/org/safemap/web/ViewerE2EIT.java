package org.safemap.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestSettings;

/**
 * The analyst's viewer driven end to end in Debian's headless Chromium through ChromeDriver (Selenium): load the demo,
 * switch layers, move the month slider, open an area's profile by clicking the map and by name, draw a circle, rank
 * hot spots, follow the tasking pack and export links, and reload a shared link. Each step asserts what the page
 * shows, and no step may log a console error. Screenshots are kept in target/test-artefacts/viewer-*.png.
 */
class ViewerE2EIT {
    private static final Path ARTEFACTS =
            Path.of(System.getProperty("safemap.test.artefacts", "target/test-artefacts"));
    private static Database db;
    private static App app;
    private static String base;
    private ChromeDriver driver;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        app = App.start(
                TestSettings.withOverrides(Map.of("SAFEMAP_BASEMAP_URL", "")),
                db,
                org.safemap.testing.TestPrincipals.fixed(org.safemap.testing.TestPrincipals.CSP_ANALYST));
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("/usr/bin/chromium", "/usr/bin/chromium-browser"));
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--window-size=1400,900",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--lang=en-GB");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executable("/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return driver;
    }

    private static String executable(String... candidates) {
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        throw new AssertionError("the viewer test needs Debian's chromium and chromium-driver; ./safemap test "
                + "installs them (apt-get install chromium chromium-driver)");
    }

    @AfterEach
    void close(TestInfo info) throws Exception {
        if (driver == null) {
            return;
        }
        try {
            screenshot(info.getTestMethod().orElseThrow().getName() + "-end");
            List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                    .map(LogEntry::getMessage)
                    .toList();
            assertThat(errors).as("console errors").isEmpty();
        } finally {
            driver.quit();
            driver = null;
        }
    }

    private void screenshot(String name) throws Exception {
        Files.createDirectories(ARTEFACTS);
        Files.write(ARTEFACTS.resolve("viewer-" + name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    private void open(String fragment) {
        driver.get(base + "/" + fragment);
        wait(20).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds));
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private WebElement profileLoaded(String code) {
        WebElement panel = driver.findElement(By.id("profile"));
        wait(30).until(d -> panel.isDisplayed()
                && code.equals(panel.getAttribute("data-code"))
                && panel.getAttribute("data-records") != null);
        return panel;
    }

    @Test
    void loadsSwitchesLayersAndMovesThroughTheMonths() throws Exception {
        browser();
        open("");
        assertThat(driver.findElement(By.tagName("body")).getAttribute("data-areas"))
                .isEqualTo(String.valueOf(TestData.DEMO_LSOAS));
        assertThat(driver.findElement(By.id("period-label")).getText()).isEqualTo("July 2022");
        assertThat(driver.findElement(By.id("status")).getText()).endsWith("incidents shown for July 2022.");
        double ready = ((Number) js("return performance.now()")).doubleValue();
        System.out.printf("viewer: data-ready after at most %.0f ms%n", ready);

        // A density surface: tiles for the chosen month come from the map service and load as 256-pixel images.
        driver.findElement(By.id("layer-density-all")).click();
        wait(30).until(d -> ((Number)
                                js(
                                        "return [...document.querySelectorAll('img.leaflet-tile')]"
                                                + ".filter(i => i.src.includes('/tiles/density-all/') && i.complete && i.naturalWidth === 256).length"))
                        .intValue()
                > 0);
        assertThat((String) js("return document.querySelector('img.leaflet-tile[src*=\"/tiles/density-all/\"]').src"))
                .contains("time=2022-07");
        assertThat(driver.findElements(By.cssSelector("#legend img[alt='Legend: " + layerTitle("density-all") + "']")))
                .hasSize(1);
        screenshot("density");

        // The slider by keyboard: three months back, the label, the URL and the incidents follow.
        WebElement slider = driver.findElement(By.id("period"));
        slider.sendKeys(Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT);
        js("arguments[0].dispatchEvent(new Event('change'))", slider);
        wait(20).until(d -> d.findElement(By.id("status")).getText().endsWith("incidents shown for April 2022."));
        assertThat(driver.getCurrentUrl()).contains("m=2022-04").contains("l=").contains("density-all");
        long april = Sql.count(
                db,
                "SELECT count(*) FROM incident WHERE event_from < '2022-05-01 00:00 Europe/London' "
                        + "AND (event_to > '2022-04-01 00:00 Europe/London' OR event_from >= '2022-04-01 00:00 Europe/London')");
        assertThat(driver.findElement(By.tagName("body")).getAttribute("data-incidents"))
                .isEqualTo(String.valueOf(april));
        wait(30).until(d -> ((Number)
                                js(
                                        "return [...document.querySelectorAll('img.leaflet-tile')]"
                                                + ".filter(i => i.src.includes('time=2022-04') && i.complete && i.naturalWidth === 256).length"))
                        .intValue()
                > 0);

        // A category group narrows the points to that group.
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("group"))).selectByValue("violence");
        long violence = Sql.count(db, """
                SELECT count(*) FROM incident i JOIN category c ON c.code = i.category WHERE c.group_code = 'violence'
                AND i.event_from < '2022-05-01 00:00 Europe/London' AND (i.event_to > '2022-04-01 00:00 Europe/London'
                OR i.event_from >= '2022-04-01 00:00 Europe/London')""");
        wait(20).until(d -> String.valueOf(violence)
                .equals(d.findElement(By.tagName("body")).getAttribute("data-incidents")));
        assertThat(driver.getCurrentUrl()).contains("g=violence");

        // Play steps forward a month at a time.
        driver.findElement(By.id("play")).click();
        wait(20).until(d -> d.findElement(By.id("period-label")).getText().equals("June 2022"));
        driver.findElement(By.id("play")).click();
        screenshot("months");
    }

    private String layerTitle(String name) {
        for (JsonNode l : Http.json(Http.get(base + "/api/layers")).path("layers")) {
            if (l.path("name").asText().equals(name)) {
                return l.path("title").asText();
            }
        }
        throw new AssertionError("no layer " + name);
    }

    @Test
    void aPoliceAnalystsProfileShowsTheFeedsSharedWithThemAsCountsAsTheMapPublishesThem() throws Exception {
        try (App police = App.start(
                TestSettings.withOverrides(Map.of("SAFEMAP_BASEMAP_URL", "")),
                db,
                org.safemap.testing.TestPrincipals.fixed(org.safemap.testing.TestPrincipals.POLICE_ANALYST))) {
            String policeBase = "http://127.0.0.1:" + police.port();
            String code = (String)
                    Sql.value(db, "SELECT code FROM area WHERE level = 'lsoa' ORDER BY code LIMIT 1 " + "OFFSET 40");
            browser();
            driver.get(policeBase + "/#m=2022-07&a=lsoa:" + code);
            wait(20).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
            WebElement panel = profileLoaded(code);
            JsonNode shared = Http.json(
                            Http.get(policeBase + "/api/profile?area=lsoa:" + code + "&period=2021-08..2022-07"))
                    .path("protected");
            // A&E reaches the police as aggregates, ambulance and fire as reduced points: all three as counts here.
            assertThat(shared.path("feeds").toString()).isEqualTo("[\"ambulance\",\"fire-irs\",\"istv-ae\"]");
            assertThat(shared.path("available").asBoolean()).isTrue();
            String all = shared.path("records").isNull()
                    ? "*"
                    : String.format(
                            java.util.Locale.UK, "%,d", shared.path("records").asLong());
            assertThat(panel.getText())
                    .contains("Shared as counts")
                    .contains("All groups " + all)
                    .contains("counts 1 to 7 are suppressed");
            js("[...document.querySelectorAll('#profile h3')].find(h => h.textContent === 'Shared as counts')"
                    + ".scrollIntoView()");
            screenshot("profile-shared-as-counts");
        }
    }

    @Test
    void clickingAnAreaOrNamingItOpensItsProfileAndALinkReproducesTheView() throws Exception {
        browser();
        // Centre the map on a point inside a known LSOA, then click the middle of the map.
        List<Object> inside = Sql.rows(
                        db,
                        "SELECT code, ST_X(p), ST_Y(p) FROM (SELECT code, ST_Transform("
                                + "ST_PointOnSurface(geom), 4326) AS p FROM area WHERE level = 'lsoa' ORDER BY code LIMIT 1 OFFSET 40) a")
                .get(0);
        String code = (String) inside.get(0);
        open("#map=16/" + inside.get(2) + "/" + inside.get(1));
        WebElement map = driver.findElement(By.id("map"));
        new Actions(driver).moveToElement(map).click().perform();
        WebElement panel = profileLoaded(code);
        JsonNode expected = Http.json(Http.get(base + "/api/profile?area=lsoa:" + code + "&period=2021-08..2022-07"));
        assertThat(panel.getAttribute("data-records"))
                .isEqualTo(expected.path("records").asText());
        assertThat(panel.findElement(By.id("profile-title")).getText())
                .isEqualTo(expected.at("/area/name").asText());
        assertThat(panel.findElements(By.cssSelector(".chart canvas"))).isNotEmpty();
        assertThat(panel.findElements(By.cssSelector("table.heat tbody tr"))).hasSize(7);
        assertThat(panel.findElements(By.cssSelector("table.categories tbody tr")))
                .isNotEmpty();
        assertThat(panel.findElement(By.cssSelector(".sources")).getText()).contains("Open Government Licence");
        assertThat(panel.getText()).contains("Deprivation");
        // The CSP's analyst sees every feed record by record: nothing is shared with them as counts only.
        assertThat(expected.path("protected").isNull()).isTrue();
        assertThat(panel.getText()).doesNotContain("Shared as counts");
        screenshot("profile");

        // The tasking pack button names this area and month, and the server makes the PDF it points at.
        String pack = panel.findElement(By.id("pack-link")).getAttribute("href");
        assertThat(pack).contains("area=" + code).contains("period=2022-07").contains("format=pdf");
        HttpResponse<byte[]> pdf = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(pack))
                                .timeout(Duration.ofSeconds(120))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        assertThat(new String(pdf.body(), 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo("%PDF-");

        // The link holds the view: a fresh page on it shows the same area's profile.
        String link = driver.getCurrentUrl();
        assertThat(link).contains("a=lsoa%3A" + code);
        driver.findElement(By.id("profile-close")).click();
        assertThat(driver.findElement(By.id("profile")).isDisplayed()).isFalse();
        driver.get("about:blank");
        driver.get(link);
        profileLoaded(code);

        // By name, from the keyboard.
        String other = (String) Sql.value(db, "SELECT code FROM area WHERE level = 'lsoa' ORDER BY code DESC LIMIT 1");
        WebElement find = driver.findElement(By.id("find"));
        find.sendKeys(other, Keys.ENTER);
        profileLoaded(other);
    }

    @Test
    void aDrawnCircleGetsAProfileAndRankedHotSpotsZoomToTheirArea() throws Exception {
        browser();
        open("#map=15/53.4055/-2.9800");
        driver.findElement(By.id("draw-circle")).click();
        assertThat(driver.findElement(By.id("draw-help")).getText()).contains("centre");
        WebElement map = driver.findElement(By.id("map"));
        new Actions(driver).moveToElement(map).click().perform();
        new Actions(driver).moveToElement(map, 120, 0).click().perform();
        WebElement panel = profileLoaded("drawn");
        assertThat(panel.findElement(By.id("profile-title")).getText()).startsWith("Circle of");
        assertThat(Long.parseLong(panel.getAttribute("data-records"))).isPositive();
        assertThat(panel.getText()).contains("overlapping");
        screenshot("drawn");

        driver.findElement(By.id("rank")).click();
        wait(60).until(d -> d.findElements(By.cssSelector("#ranking .rank-row")).size() == 10);
        String run = driver.findElement(By.id("ranking")).getAttribute("data-run");
        JsonNode top = Http.json(Http.get(base + "/api/hotspots/" + run + "/areas?limit=1"))
                .get(0);
        WebElement first =
                driver.findElements(By.cssSelector("#ranking .rank-row")).get(0);
        assertThat(first.getText()).contains(top.path("name").asText());
        first.click();
        profileLoaded(top.path("code").asText());
        screenshot("ranked");

        // Exports: the run's areas as a GeoPackage and this month's incidents as CSV, as linked.
        String gpkg = driver.findElement(By.cssSelector("#ranking a[href$='areas.gpkg']"))
                .getAttribute("href");
        HttpResponse<byte[]> g = Http.getBytes(gpkg);
        assertThat(g.statusCode()).isEqualTo(200);
        assertThat(new String(g.body(), 0, 15, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("SQLite format 3");
        String csv = driver.findElement(By.id("export-points")).getAttribute("href");
        HttpResponse<String> c = Http.get(csv);
        assertThat(c.statusCode()).isEqualTo(200);
        long july = Sql.count(
                db,
                "SELECT count(*) FROM incident WHERE event_from < '2022-08-01 00:00 Europe/London' "
                        + "AND (event_to > '2022-07-01 00:00 Europe/London' OR event_from >= '2022-07-01 00:00 Europe/London')");
        assertThat(c.body().lines().count() - 1).isEqualTo(july);
    }

    /**
     * The walk through in docs/analyst-guide.md: where is violence concentrated at night, and is it growing? Its
     * screenshots (target/test-artefacts/viewer-guide-*.png) are the guide's pictures.
     */
    @Test
    void theAnalystGuidesWalkThroughWorks() throws Exception {
        HttpResponse<String> emerging = Http.postJson(base + "/api/emerging", """
                {"period": "2022-01..2022-07", "categories": ["violence"], "hours": "22-3"}""");
        assertThat(emerging.statusCode()).as(emerging.body()).isEqualTo(201);
        browser();
        open("#m=2022-07&g=violence&h=22-3&l=lsoa-boundaries,density-violence");
        assertThat(driver.findElement(By.id("group")).getAttribute("value")).isEqualTo("violence");
        assertThat(driver.findElement(By.id("hours")).getAttribute("value")).isEqualTo("22-3");
        wait(30).until(d -> ((Number) js("return [...document.querySelectorAll('img.leaflet-tile')]"
                                + ".filter(i => i.src.includes('/tiles/density-violence/') && i.complete && i.naturalWidth === 256)"
                                + ".length"))
                        .intValue()
                > 0);
        screenshot("guide-1-night-violence");

        driver.findElement(By.id("rank")).click();
        wait(60).until(d -> d.findElements(By.cssSelector("#ranking .rank-row")).size() == 10);
        JsonNode run = Http.json(Http.get(
                base + "/api/hotspots/" + driver.findElement(By.id("ranking")).getAttribute("data-run")));
        assertThat(run.at("/params/selection/hours").toString()).isEqualTo("[0,1,2,3,22,23]");
        assertThat(run.at("/params/selection/categories/0").asText()).isEqualTo("violence");
        screenshot("guide-2-ranking");

        WebElement first =
                driver.findElements(By.cssSelector("#ranking .rank-row")).get(0);
        String name = first.findElement(By.className("rank-name")).getText();
        first.click();
        WebElement panel = driver.findElement(By.id("profile"));
        wait(30).until(d -> panel.isDisplayed()
                && panel.getAttribute("data-records") != null
                && panel.findElement(By.id("profile-title")).getText().equals(name));
        assertThat(panel.getText()).contains("Emerging hot spot").contains("left out by the hour or day filter");
        screenshot("guide-3-profile");
        js("document.querySelector('#profile table.heat').scrollIntoView()");
        screenshot("guide-4-hours");
    }
}
