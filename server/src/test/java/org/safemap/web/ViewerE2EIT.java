package org.safemap.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.testing.Axe;
import org.safemap.testing.Browser;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;

/**
 * The analyst's viewer driven end to end in Debian's headless Chromium through ChromeDriver (Selenium): load the demo,
 * switch layers, move the month slider, open an area's profile by clicking the map and by name, draw a circle, rank
 * hot spots, follow the tasking pack and export links, and reload a shared link. Each step asserts what the page
 * shows, and no step may log a console error. Screenshots are kept in target/test-artefacts/viewer-*.png.
 */
class ViewerE2EIT {
    private static Database db;
    private static App app;
    private static String base;
    private ChromeDriver driver;
    /** The test under way makes the server refuse requests (429) on purpose. */
    private boolean refusalsExpected;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        app = App.start(
                // A change layer's first tiles compute two surfaces; on the shared 2-core test machine that can
                // outlast the default 2 s a tile waits for its slot, and the browser logs each refused tile.
                TestSettings.withOverrides(Map.of("SAFEMAP_BASEMAP_URL", "", "SAFEMAP_QUEUE_WAIT_MS", "20000")),
                db,
                TestPrincipals.fixed(TestPrincipals.CSP_ANALYST));
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** Closed before a server of the test's own, which it names: the page leaves that server first. */
    private interface Leave extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the browser off a server the test is about to stop: the viewer fetches the months beside the one shown
     * while the map is idle, and a request refused by a stopped server is a console error.
     */
    private void leavePage() {
        if (driver != null) {
            driver.get("about:blank");
        }
    }

    private ChromeDriver browser() {
        driver = Browser.start(1400, 900);
        return driver;
    }

    @AfterEach
    void close(TestInfo info) throws Exception {
        if (driver == null) {
            return;
        }
        try {
            screenshot(info.getTestMethod().orElseThrow().getName() + "-end");
            List<String> errors = Browser.consoleErrors(driver).stream()
                    // the basemap a test breaks on purpose: the browser logs each tile it refused
                    .filter(m -> !m.contains("/broken/"))
                    // and the busy server's refusals, in the one test that makes them
                    .filter(m -> !(refusalsExpected && m.contains("429 (Too Many Requests)")))
                    .toList();
            assertThat(errors).as("console errors").isEmpty();
        } finally {
            driver.quit();
            driver = null;
        }
    }

    /**
     * Issue 18: a Gi* layer draws the run its reader picked (the newest when the page opened, or the link's), says
     * which in its legend, and keeps it when someone else ranks hot spots; the address carries the pick.
     */
    @Test
    void aRunLayerDrawsThePickedRunWhateverOthersRank() throws Exception {
        long early = giRun("2022-01..2022-03");
        long late = giRun("2022-04..2022-06");
        browser();
        open("#l=hotspot-gistar&map=13/53.405/-2.98&r=hotspot-gistar:" + early);
        org.openqa.selenium.support.ui.Select picker = new Select(driver.findElement(By.id("run-hotspot-gistar")));
        assertThat(picker.getFirstSelectedOption().getAttribute("value")).isEqualTo(String.valueOf(early));
        assertThat(picker.getOptions().stream().map(WebElement::getText))
                .anyMatch(
                        t -> t.startsWith("Run " + late + ": Gi* hot spots, all categories, period 2022-04..2022-06"));
        wait(30).until(d -> !runTiles().isEmpty());
        assertThat(runTiles()).allMatch(src -> src.contains("run=" + early));
        assertThat(driver.findElement(By.id("legend")).getText()).contains("Run " + early + ": Gi* hot spots");

        picker.selectByValue(String.valueOf(late));
        wait(30).until(d -> !runTiles().isEmpty() && runTiles().stream().allMatch(src -> src.contains("run=" + late)));
        assertThat(driver.getCurrentUrl()).contains("r=hotspot-gistar%3A" + late);
        assertThat(driver.findElement(By.id("legend")).getText()).contains("Run " + late + ": Gi* hot spots");

        // Someone else ranks: a link naming the picked run still draws it, and one naming none draws the newest.
        long other = giRun("2022-02..2022-04");
        open("#l=hotspot-gistar&map=13/53.405/-2.98&r=hotspot-gistar:" + late);
        driver.navigate().refresh();
        wait(20).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        wait(30).until(d -> !runTiles().isEmpty());
        assertThat(runTiles()).allMatch(src -> src.contains("run=" + late));
        open("#l=hotspot-gistar&map=13/53.405/-2.98");
        driver.navigate().refresh();
        wait(20).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        wait(30).until(d -> !runTiles().isEmpty() && runTiles().stream().allMatch(src -> src.contains("run=" + other)));
    }

    /**
     * Issue 18, days: the analyst narrows July to 1 to 14 July. The label, the address, the density tiles (TIME of
     * days), the points, the export, print, profile and ranking all take the days; the count layer keeps the month
     * and the page says so; a reload keeps the days; Play, which steps months, clears them.
     */
    @Test
    void daysNarrowThePeriodEverywhereAndALinkKeepsThem() throws Exception {
        String code = (String) Sql.value(db, """
                SELECT lsoa_code FROM incident WHERE event_from >= '2022-07-01 00:00 Europe/London'
                  AND event_from < '2022-07-15 00:00 Europe/London' AND event_to - event_from <= interval '1 day'
                  AND lsoa_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""");
        browser();
        open("#m=2022-07&l=incidents,density-all,incident-counts&map=13/53.405/-2.98&a=lsoa:" + code);
        profileLoaded(code);
        WebElement on = driver.findElement(By.id("days-on"));
        assertThat(on.isDisplayed())
                .as("offered: the demo has feeds timed to the day")
                .isTrue();
        // By keyboard: the toggle, then the dates (bounded by the month chosen).
        on.sendKeys(Keys.SPACE);
        WebElement from = driver.findElement(By.id("days-from"));
        WebElement to = driver.findElement(By.id("days-to"));
        assertThat(from.getAttribute("min")).isEqualTo("2022-07-01");
        assertThat(to.getAttribute("max")).isEqualTo("2022-07-31");
        js("arguments[0].value = '2022-07-14'; arguments[0].dispatchEvent(new Event('change'))", to);
        wait(30).until(d ->
                d.findElement(By.id("status")).getText().endsWith("incidents shown for 1 to 14 July 2022."));
        assertThat(driver.findElement(By.id("period-label")).getText()).isEqualTo("1 to 14 July 2022");
        assertThat(driver.getCurrentUrl()).contains("y=2022-07-01..2022-07-14");
        long days = Sql.count(db, """
                SELECT count(*) FROM incident WHERE event_from < '2022-07-15 00:00 Europe/London'
                  AND (event_to > '2022-07-01 00:00 Europe/London' OR event_from >= '2022-07-01 00:00 Europe/London')""");
        assertThat(driver.findElement(By.tagName("body")).getAttribute("data-incidents"))
                .isEqualTo(String.valueOf(days));
        assertDayTiles();
        assertThat(driver.findElement(By.id("days-note")).getText())
                .contains("known only by month")
                .contains(layerTitle("incident-counts") + ": whole months only, so July 2022.");
        assertThat(driver.findElement(By.id("export-points")).getAttribute("href"))
                .contains("period=2022-07-01..2022-07-14");
        assertThat(Http.get(driver.findElement(By.id("export-points")).getAttribute("href"))
                        .statusCode())
                .isEqualTo(200);
        // The open profile is asked again for the days.
        wait(30).until(d -> profileRequests().stream().anyMatch(u -> u.contains("period=2022-07-01..2022-07-14")));
        wait(30).until(d -> d.findElement(By.id("profile")).getText().contains("1 to 14 July 2022"));

        // A reload keeps the days.
        driver.navigate().refresh();
        wait(20).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        assertThat(driver.findElement(By.id("days-on")).isSelected()).isTrue();
        assertThat(driver.findElement(By.id("days-to")).getAttribute("value")).isEqualTo("2022-07-14");
        assertThat(driver.findElement(By.id("period-label")).getText()).isEqualTo("1 to 14 July 2022");
        assertDayTiles();
        wait(30).until(d -> profileRequests().stream().anyMatch(u -> u.contains("period=2022-07-01..2022-07-14")));
        assertThat(Axe.serious(driver)).as("serious accessibility violations").isEmpty();

        // Ranking takes the days.
        driver.findElement(By.id("rank")).click();
        wait(60).until(d -> d.findElement(By.id("ranking")).getAttribute("data-run") != null);
        JsonNode run = Http.json(Http.get(
                base + "/api/hotspots/" + driver.findElement(By.id("ranking")).getAttribute("data-run")));
        assertThat(run.at("/params/selection/period").asText()).isEqualTo("2022-07-01..2022-07-14");
        assertThat(driver.findElement(By.id("ranking")).getText()).contains("1 to 14 July 2022");

        // Print: with the count layer off, every layer printed takes the days.
        driver.findElement(By.id("layer-incident-counts")).click();
        wait(10).until(d ->
                !d.findElement(By.id("print-pdf")).getAttribute("href").contains("incident-counts"));
        assertThat(URLDecoder.decode(
                        driver.findElement(By.id("print-pdf")).getAttribute("href"), StandardCharsets.UTF_8))
                .contains("time=2022-07-01/2022-07-14")
                .contains("1 to 14 July 2022");
        screenshot("days");

        // Play steps whole months: the days go, and the address says so.
        driver.findElement(By.id("play")).click();
        wait(10).until(d -> !d.findElement(By.id("days-on")).isSelected());
        assertThat(driver.findElement(By.id("days-note")).getText())
                .isEqualTo("Play steps whole months, so the days were cleared.");
        driver.findElement(By.id("play")).click();
        wait(10).until(d -> !d.getCurrentUrl().contains("y=2022"));
    }

    /** Density tiles ask for the days, count tiles for the month. */
    private void assertDayTiles() {
        String srcs = "return [...document.querySelectorAll('img.leaflet-tile')].map(i => i.src)"
                + ".filter(s => s.includes(arguments[0]))";
        wait(30).until(d -> !((List<?>) js(srcs, "/tiles/density-all/")).isEmpty()
                && !((List<?>) js(srcs, "/tiles/incident-counts/")).isEmpty());
        assertThat((List<?>) js(srcs, "/tiles/density-all/"))
                .allMatch(src -> src.toString().contains("time=2022-07-01%2F2022-07-14"));
        assertThat((List<?>) js(srcs, "/tiles/incident-counts/"))
                .allMatch(src -> src.toString().contains("time=2022-07&")
                        || src.toString().endsWith("time=2022-07"));
    }

    /** The profile requests the page has made, as the browser recorded them. */
    @SuppressWarnings("unchecked")
    private List<String> profileRequests() {
        return (List<String>) js("return performance.getEntriesByType('resource').map(e => decodeURIComponent(e.name))"
                + ".filter(n => n.includes('/api/profile'))");
    }

    /** A finished Gi* run over {@code period}, started through the API as the viewer's analyst would. */
    private static long giRun(String period) {
        HttpResponse<String> r = Http.postJson(base + "/api/hotspots", "{\"period\": \"" + period + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Http.json(r).path("id").asLong();
    }

    private List<String> runTiles() {
        return driver.findElements(By.cssSelector("img.leaflet-tile")).stream()
                .map(t -> t.getAttribute("src"))
                .filter(src -> src != null && src.contains("/tiles/hotspot-gistar/"))
                .toList();
    }

    private void screenshot(String name) throws Exception {
        Browser.screenshot(driver, "viewer-" + name);
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
    void tilesABusyServerRefusesAreAskedForAgainUntilTheyLoad() throws Exception {
        // One slot for the requester and no wait: of a screenful of tiles asked for at once over the browser's six
        // connections, all but the one being drawn are refused (429) at first, however fast the machine draws them
        // (with two slots and a tenth of a second's wait, a warm server drew every tile in time now and then, and
        // nothing was refused). The viewer asks for them again after growing, jittered pauses, so the map fills in.
        refusalsExpected = true;
        try (App busy = App.start(
                        TestSettings.withOverrides(Map.of(
                                "SAFEMAP_BASEMAP_URL", "",
                                "SAFEMAP_EXPENSIVE_PER_REQUESTER", "1",
                                "SAFEMAP_QUEUE_WAIT_MS", "0")),
                        db,
                        TestPrincipals.fixed(TestPrincipals.CSP_ANALYST));
                Leave left = this::leavePage) {
            browser();
            driver.get("http://127.0.0.1:" + busy.port() + "/");
            wait(20).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
            driver.findElement(By.id("layer-density-violence")).click();
            String tiles = "[...document.querySelectorAll('img.leaflet-tile')]"
                    + ".filter(i => i.src.includes('/tiles/density-violence/'))";
            wait(90).until(d -> (Boolean) js("const t = " + tiles + "; return t.length > 1 "
                    + "&& t.every(i => i.complete && i.naturalWidth === 256);"));
            // Asked for more than once: the first answers were refusals, and the retries were answered.
            long retried = ((Number) js("const seen = {}; performance.getEntriesByType('resource')"
                            + ".filter(e => e.name.includes('/tiles/density-violence/'))"
                            + ".forEach(e => { seen[e.name] = (seen[e.name] || 0) + 1; });"
                            + "return Object.values(seen).filter(n => n > 1).length;"))
                    .longValue();
            assertThat(retried).as("tiles asked for again").isPositive();
            assertThat(driver.findElement(By.id("status")).getText()).doesNotContain("could not be drawn");
        }
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
        assertThat(driver.findElements(
                        By.cssSelector("#legend img[alt^='Legend: " + layerTitle("density-all") + ",']")))
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
        org.openqa.selenium.support.ui.Select groups = new Select(driver.findElement(By.id("group")));
        groups.selectByValue("violence");
        // The group's name is the taxonomy table's (category_group), handed over by the summary, never the code.
        assertThat(groups.getFirstSelectedOption().getText())
                .isEqualTo(Sql.value(db, "SELECT label FROM category_group WHERE code = 'violence'"));
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

    /**
     * Issue 18's month and filter changes: once the map is idle, the month before the one shown is fetched ahead (the
     * density tiles in view into the browser's cache, police.uk's records, whose reading is not audited, into the
     * page), so a step back asks the network for neither; a group change narrows the records in hand instead of
     * asking again. What is drawn is what the server holds for the new selection (counts from the database).
     */
    @Test
    void aStepBackDrawsWhatWasFetchedAheadAndAGroupNarrowsTheRecordsInHand() throws Exception {
        browser();
        open("#l=lsoa-boundaries,incidents,density-all");
        js("performance.setResourceTimingBufferSize(5000);");
        String current =
                "[...document.querySelectorAll('img.leaflet-tile')].filter(i => i.src.includes('/tiles/density-all/'))";
        wait(30).until(d -> (Boolean) js("const t = " + current + "; return t.length > 0 && t.every(i => i.complete"
                + " && i.naturalWidth === 256);"));
        long inView = ((Number) js("return " + current + ".length;")).longValue();
        // fetched ahead: June's tiles for every tile in view, and June's police.uk records
        String june = "performance.getEntriesByType('resource').filter(e => e.responseEnd > 0 && e.name.includes(";
        wait(30).until(d -> ((Number) js("return " + june + "'/tiles/density-all/') && e.name.includes('time=2022-06'))"
                                + ".length;"))
                        .longValue()
                >= inView);
        wait(30).until(d -> (Boolean) js("return " + june + "'/api/incidents?') && e.name.includes('feed=police-uk')"
                + " && e.name.includes('month=2022-06')).length > 0;"));

        js("performance.clearResourceTimings();");
        WebElement slider = driver.findElement(By.id("period"));
        slider.sendKeys(Keys.ARROW_LEFT);
        js("arguments[0].dispatchEvent(new Event('change'))", slider);
        wait(20).until(d -> d.findElement(By.id("status")).getText().endsWith("incidents shown for June 2022."));
        wait(30).until(d -> (Boolean) js("const t = " + current + "; return t.length > 0 && t.every(i => i.complete"
                + " && i.naturalWidth === 256 && i.src.includes('time=2022-06'));"));
        String requested = "return performance.getEntriesByType('resource').filter(e => e.name.includes(arguments[0])"
                + " && e.transferSize > 0).map(e => e.name);";
        // June's own: once the step has drawn and the map is idle, May is fetched ahead in turn, which a loaded
        // machine's slower round trips can let in before these lines
        assertThat((List<?>) js(requested, "/api/incidents?feed=police-uk"))
                .as("police.uk asked for again")
                .noneMatch(name -> String.valueOf(name).contains("month=2022-06"));
        assertThat((List<?>) js(requested, "/tiles/density-all/"))
                .as("tiles from the network")
                .noneMatch(name -> String.valueOf(name).contains("time=2022-06"));
        long juneRecords = Sql.count(db, """
                SELECT count(*) FROM incident WHERE event_from < '2022-07-01 00:00 Europe/London'
                AND (event_to > '2022-06-01 00:00 Europe/London' OR event_from >= '2022-06-01 00:00 Europe/London')""");
        assertThat(driver.findElement(By.tagName("body")).getAttribute("data-incidents"))
                .isEqualTo(String.valueOf(juneRecords));

        js("performance.clearResourceTimings();");
        new Select(driver.findElement(By.id("group"))).selectByValue("violence");
        long violence = Sql.count(db, """
                SELECT count(*) FROM incident i JOIN category c ON c.code = i.category WHERE c.group_code = 'violence'
                AND i.event_from < '2022-07-01 00:00 Europe/London' AND (i.event_to > '2022-06-01 00:00 Europe/London'
                OR i.event_from >= '2022-06-01 00:00 Europe/London')""");
        wait(20).until(d -> d.findElement(By.id("status")).getText().endsWith("incidents shown for June 2022.")
                && String.valueOf(violence)
                        .equals(d.findElement(By.tagName("body")).getAttribute("data-incidents")));
        assertThat((List<?>) js(requested, "/api/incidents?feed=police-uk"))
                .as("police.uk asked for again")
                .noneMatch(name -> String.valueOf(name).contains("month=2022-06"));
        wait(30).until(d -> (Boolean) js("const t = " + current + "; return t.length > 0 && t.every(i => i.complete"
                + " && i.naturalWidth === 256 && i.src.includes('category=violence'));"));
    }

    /**
     * What an analyst expects of a web GIS on first sight: scale bar, the cursor's grid reference, a legend on the
     * map with its units, clusters at city scale that open to incidents at neighbourhood zoom, a basemap switcher
     * that drops a broken basemap with one notice (its tiles not asked for again), one search box for postcodes,
     * streets and areas, and a period of several months carried to the map, the ranking, the profile and the
     * exports. The page passes an axe-core audit.
     */
    @Test
    void anAnalystsMapHasFurnitureSearchBasemapsAndPeriods() throws Exception {
        java.util.concurrent.atomic.AtomicInteger broken = new java.util.concurrent.atomic.AtomicInteger();
        byte[] plainTile = plainTile();
        com.sun.net.httpserver.HttpServer tiles =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        tiles.createContext("/broken/", ex -> {
            broken.incrementAndGet();
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        tiles.createContext("/plain/", ex -> {
            ex.getResponseHeaders().add("Content-Type", "image/png");
            ex.sendResponseHeaders(200, plainTile.length);
            ex.getResponseBody().write(plainTile);
            ex.close();
        });
        tiles.start();
        String tileBase = "http://127.0.0.1:" + tiles.getAddress().getPort();
        String basemaps = "[{\"title\": \"Broken\", \"url\": \"" + tileBase + "/broken/{z}/{x}/{y}.png\", "
                + "\"attribution\": \"Broken tiles\"}, {\"title\": \"Plain\", \"url\": \"" + tileBase
                + "/plain/{z}/{x}/{y}.png\", \"attribution\": \"Plain tiles &copy; Test\"}]";
        try (App viewer = App.start(
                        TestSettings.withOverrides(Map.of("SAFEMAP_BASEMAPS", basemaps)),
                        db,
                        TestPrincipals.fixed(TestPrincipals.CSP_ANALYST));
                Leave left = this::leavePage) {
            String viewerBase = "http://127.0.0.1:" + viewer.port();
            browser();
            driver.get(viewerBase + "/");
            wait(30).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));

            // The broken basemap: one notice, dismissible, and no more requests for its tiles after it.
            WebElement notice = driver.findElement(By.id("notice"));
            wait(20).until(d ->
                    notice.isDisplayed() && notice.getText().contains("The basemap could not be loaded (Broken;"));
            int asked = broken.get();
            driver.findElement(By.id("notice-close")).click();
            assertThat(notice.isDisplayed()).isFalse();
            js("document.querySelector('.leaflet-control-zoom-in').click()");
            Thread.sleep(1500);
            assertThat(broken.get())
                    .as("tiles of a dropped basemap asked for again")
                    .isEqualTo(asked);
            assertThat(driver.findElement(By.cssSelector("#basemap option[value='0']"))
                            .getText())
                    .isEqualTo("Broken (could not load)");
            new Select(driver.findElement(By.id("basemap"))).selectByVisibleText("Plain");
            wait(20).until(d -> ((Number) js("return [...document.querySelectorAll('.basemap-tiles img.leaflet-tile')]"
                                    + ".filter(i => i.complete && i.naturalWidth === 256).length"))
                            .intValue()
                    > 0);
            assertThat(driver.getCurrentUrl()).contains("b=Plain");
            js("document.querySelector('.leaflet-control-zoom-out').click()");

            // City scale: clusters, every incident of the month counted; the scale bar and the cursor's position.
            WebElement body = driver.findElement(By.tagName("body"));
            wait(20).until(d -> Integer.parseInt(body.getAttribute("data-clusters")) > 0);
            int clusters = driver.findElements(By.cssSelector(".leaflet-marker-icon.cluster"))
                    .size();
            long july = Sql.count(
                    db,
                    "SELECT count(*) FROM incident WHERE event_from < '2022-08-01 00:00 Europe/London' "
                            + "AND (event_to > '2022-07-01 00:00 Europe/London' OR event_from >= '2022-07-01 00:00 Europe/London')");
            assertThat(body.getAttribute("data-incidents")).isEqualTo(String.valueOf(july));
            assertThat(clusters).isPositive().isLessThan((int) (july / 5));
            assertThat(driver.findElement(By.cssSelector(".leaflet-control-scale-line"))
                            .getText())
                    .matches("\\d+ k?m");
            new Actions(driver)
                    .moveToElement(driver.findElement(By.id("map")), 40, -30)
                    .perform();
            String position = driver.findElement(By.id("cursor-position")).getText();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                            "E ([\\d,]+)\\s+N ([\\d,]+)\\s+\u00b7\\s+(-?[\\d.]+), (-?[\\d.]+)")
                    .matcher(position);
            assertThat(m.find()).as(position).isTrue();
            List<Object> grid = Sql.rows(
                            db,
                            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 4326), "
                                    + "27700) p) q",
                            Double.parseDouble(m.group(4)),
                            Double.parseDouble(m.group(3)))
                    .get(0);
            // proj4js in the page and PostGIS agree to the metre (lat/lon shown to 5 decimals, about 1 m).
            assertThat(Double.parseDouble(m.group(1).replace(",", ""))).isCloseTo((Double) grid.get(0), within(2.0));
            assertThat(Double.parseDouble(m.group(2).replace(",", ""))).isCloseTo((Double) grid.get(1), within(2.0));

            // The legend on the map: a density layer's units in words, and it folds away.
            driver.findElement(By.id("layer-density-all")).click();
            WebElement legend = driver.findElement(By.id("legend-box"));
            wait(20).until(d -> legend.getText().contains("incidents per km² per month"));
            assertThat(legend.findElements(By.cssSelector("img[alt^='Legend: " + layerTitle("density-all") + ",']")))
                    .hasSize(1);
            assertThat(driver.findElement(By.id("attribution")).getText()).contains("Plain tiles");
            assertThat(driver.findElement(By.id("attribution"))
                            .getText()
                            .split("Contains public sector information from data.police.uk", -1))
                    .as("the police.uk credit once")
                    .hasSize(2);
            // Counts credit the feeds they draw, as the density does, then the boundaries: sentence by sentence, each
            // once, and never the catalogue's sentence naming every partner.
            driver.findElement(By.id("layer-incident-counts")).click();
            wait(20).until(d -> d.findElement(By.id("attribution")).getText().contains("National Statistics"));
            String credits = driver.findElement(By.id("attribution")).getText();
            assertThat(credits.split("Contains public sector information from data.police.uk", -1))
                    .as("the police.uk credit once: " + credits)
                    .hasSize(2);
            assertThat(credits).doesNotContain("Pooled partner data");
            assertThat(credits.split("Office for National Statistics boundaries", -1))
                    .as("the boundaries' credit once")
                    .hasSize(2);
            driver.findElement(By.id("layer-incident-counts")).click();
            screenshot("first-view");
            legend.findElement(By.tagName("summary")).click();
            assertThat(driver.findElement(By.id("legend")).isDisplayed()).isFalse();
            legend.findElement(By.tagName("summary")).click();
            driver.findElement(By.id("layer-density-all")).click();

            // Search: a postcode marks the place and offers the profile of its LSOA.
            List<Object> pc = Sql.rows(
                            db,
                            "SELECT p.display, a.code FROM postcode p JOIN area a ON a.level = 'lsoa' "
                                    + "AND ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 27700)) "
                                    + "ORDER BY p.postcode LIMIT 1 OFFSET 3")
                    .get(0);
            WebElement find = driver.findElement(By.id("find"));
            find.sendKeys((String) pc.get(0), Keys.ENTER);
            WebElement open = wait(20).until(d -> d.findElement(By.id("search-profile")));
            screenshot("search-postcode");
            open.click();
            profileLoaded((String) pc.get(1));
            driver.findElement(By.id("profile-close")).click();
            // A street by its name.
            String street = (String) Sql.value(
                    db, "SELECT name FROM gazetteer WHERE kind = 'street' ORDER BY length(name) DESC, name LIMIT 1");
            find.clear();
            find.sendKeys(street, Keys.ENTER);
            wait(20).until(d -> d.findElements(By.cssSelector("#search-results .search-hit .rank-name")).stream()
                    .anyMatch(e -> e.getText().equals(street)));
            // An LSOA by the end of its name ("060C"): its profile opens and the area is outlined.
            List<Object> lsoa = Sql.rows(
                            db, "SELECT code, name FROM area WHERE level = 'lsoa' ORDER BY code LIMIT 1 OFFSET 25")
                    .get(0);
            String name = (String) lsoa.get(1);
            find.clear();
            find.sendKeys(name.substring(name.lastIndexOf(' ') + 1), Keys.ENTER);
            profileLoaded((String) lsoa.get(0));
            driver.findElement(By.id("profile-close")).click();

            // A period of three months: points, tiles, the export link, the ranking and its method.
            new Select(driver.findElement(By.id("period-from"))).selectByValue("2022-05");
            wait(20).until(d ->
                    d.findElement(By.id("status")).getText().endsWith("incidents shown for May to July 2022."));
            long mayToJuly = Sql.count(
                    db,
                    "SELECT count(*) FROM incident WHERE event_from < '2022-08-01 00:00 Europe/London' "
                            + "AND (event_to > '2022-05-01 00:00 Europe/London' OR event_from >= '2022-05-01 00:00 Europe/London')");
            assertThat(body.getAttribute("data-incidents")).isEqualTo(String.valueOf(mayToJuly));
            assertThat(driver.getCurrentUrl()).contains("p=2022-05").contains("m=2022-07");
            assertThat(driver.findElement(By.id("export-points")).getAttribute("href"))
                    .contains("period=2022-05..2022-07");
            HttpResponse<String> csv =
                    Http.get(driver.findElement(By.id("export-points")).getAttribute("href"));
            assertThat(csv.body().lines().count() - 1).isEqualTo(mayToJuly);
            driver.findElement(By.id("rank")).click();
            wait(60).until(d ->
                    d.findElements(By.cssSelector("#ranking .rank-row")).size() == 10);
            JsonNode run = Http.json(Http.get(viewerBase + "/api/hotspots/"
                    + driver.findElement(By.id("ranking")).getAttribute("data-run")));
            assertThat(run.toString()).contains("2022-05..2022-07");
            String method = driver.findElement(By.id("run-method")).getText();
            assertThat(method)
                    .contains("bandwidth "
                            + Math.round(run.at("/params/kde/bandwidthM").asDouble()) + " m")
                    .contains("chosen by");
            WebElement first =
                    driver.findElements(By.cssSelector("#ranking .rank-row")).get(0);
            first.click();
            JsonNode top = Http.json(Http.get(
                            viewerBase + "/api/hotspots/" + run.path("id").asText() + "/areas?limit=1"))
                    .get(0);
            WebElement panel = profileLoaded(top.path("code").asText());
            assertThat(panel.getText()).contains("May 2022 to July 2022");
            // The row zoomed the map to its area (the URL holds the view).
            wait(10).until(d ->
                    Double.parseDouble(d.getCurrentUrl().replaceAll(".*[#&]map=([0-9.]+)(/|%2F).*", "$1")) >= 14);
            screenshot("period-ranking");
            assertThat(Axe.serious(driver))
                    .as("serious accessibility violations")
                    .isEmpty();

            // Neighbourhood zoom: incidents one by one, no clusters.
            driver.get("about:blank"); // a new fragment alone would not load the page again
            driver.get(viewerBase + "/#m=2022-07&map=16/53.4055/-2.98");
            wait(30).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
            assertThat(driver.findElement(By.tagName("body")).getAttribute("data-clusters"))
                    .isEqualTo("0");
            screenshot("neighbourhood");

            // The map's points carry only what it draws; clicking one asks for the rest of its record.
            assertThat((Boolean) driver.executeScript("return performance.getEntriesByType('resource').some(e => "
                            + "e.name.includes('/api/incidents?') && e.name.includes('properties='))"))
                    .isTrue();
            List<Object> nearest = Sql.rows(db, """
                    SELECT ST_X(p), ST_Y(p), location_text, source_category FROM (
                        SELECT ST_Transform(geom, 4326) AS p, location_text, source_category, geom FROM incident
                        WHERE feed = 'police-uk' AND event_from = '2022-07-01 00:00 Europe/London'
                        ORDER BY geom <-> ST_Transform(ST_SetSRID(ST_MakePoint(-2.98, 53.4055), 4326), 27700)
                        LIMIT 1) x""").get(0);
            // The pointer is moved onto the record's point, corrected by what the cursor's position says under it
            // (the map's centre on the screen is Leaflet's to know), then clicks.
            double lon = ((Number) nearest.get(0)).doubleValue();
            double lat = ((Number) nearest.get(1)).doubleValue();
            double world = 256 * Math.pow(2, 16);
            List<?> centre = (List<?>) driver.executeScript("const r = document.getElementById('map')"
                    + ".getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];");
            double px = ((Number) centre.get(0)).doubleValue() + (lon + 2.98) / 360 * world;
            double py = ((Number) centre.get(1)).doubleValue() + (mercatorY(lat) - mercatorY(53.4055)) * world;
            java.util.regex.Pattern readout = java.util.regex.Pattern.compile("\u00b7\\s+(-?[\\d.]+), (-?[\\d.]+)");
            for (int k = 0; k < 3; k++) {
                new Actions(driver)
                        .moveToLocation((int) Math.round(px), (int) Math.round(py))
                        .perform();
                java.util.regex.Matcher at = readout.matcher(
                        driver.findElement(By.id("cursor-position")).getText());
                assertThat(at.find()).isTrue();
                px += (lon - Double.parseDouble(at.group(2))) / 360 * world;
                py += (mercatorY(lat) - mercatorY(Double.parseDouble(at.group(1)))) * world;
            }
            new Actions(driver)
                    .moveToLocation((int) Math.round(px), (int) Math.round(py))
                    .click()
                    .perform();
            wait(10).until(d ->
                    d.findElements(By.cssSelector(".leaflet-popup-content h3")).size() == 1);
            WebElement popup = driver.findElement(By.cssSelector(".leaflet-popup-content"));
            assertThat(popup.getText()).contains((String) nearest.get(2)).contains("2022-07");
            assertThat(popup.findElement(By.tagName("h3")).getText()).isNotBlank();
            screenshot("incident-popup");
        } finally {
            tiles.stop(0);
        }
    }

    /** Web Mercator's y of a latitude, as a share of the world's height from the top (0 north, 1 south). */
    private static double mercatorY(double latitude) {
        double phi = Math.toRadians(latitude);
        return (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2;
    }

    private static byte[] plainTile() throws java.io.IOException {
        java.awt.image.BufferedImage image =
                new java.awt.image.BufferedImage(256, 256, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(new java.awt.Color(0xf1, 0xef, 0xe9));
        g.fillRect(0, 0, 256, 256);
        g.setColor(new java.awt.Color(0xdd, 0xd8, 0xcc));
        g.drawRect(0, 0, 255, 255);
        g.dispose();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /**
     * The Print links carry the view: the layers shown, the box in British National Grid, the period and the filters.
     * The PDF they give, read back with pdftotext, names the title, period, filters, legend units and sources; the PNG
     * is the printed map's width.
     */
    @Test
    void printsTheViewAsAnA4PdfAndAPng() throws Exception {
        browser();
        open("#m=2022-07&p=2022-05&g=violence&h=22-3&l=lsoa-boundaries,density-violence&map=14/53.405/-2.98");
        WebElement pdf = driver.findElement(By.id("print-pdf"));
        wait(20).until(d -> pdf.getAttribute("href").contains("layers="));
        String href = pdf.getAttribute("href");
        assertThat(href)
                .contains("format=pdf")
                .contains("layers=density-violence%2Clsoa-boundaries")
                .contains("time=2022-05%2F2022-07")
                .contains("category=violence")
                .contains("hours=22-3");
        // The box is the map's view: zoom 14 in a 1400-pixel window is a few kilometres across Liverpool's centre.
        String[] box = URLDecoder.decode(href.replaceAll(".*[?&]bbox=([^&]+).*", "$1"), StandardCharsets.UTF_8)
                .split(",");
        double e0 = Double.parseDouble(box[0]);
        double n0 = Double.parseDouble(box[1]);
        double e1 = Double.parseDouble(box[2]);
        double n1 = Double.parseDouble(box[3]);
        assertThat((e0 + e1) / 2).isCloseTo(334_400, within(1500.0));
        assertThat((n0 + n1) / 2).isCloseTo(390_000, within(1500.0));
        assertThat(e1 - e0).isBetween(1000.0, 8000.0);

        String text = printedText(href, "viewer-print.pdf");
        assertThat(text)
                .contains(layerTitle("density-violence") + ", May to July 2022")
                .contains("Period: May to July 2022")
                .contains("Categories: Violence")
                .contains("hours 22-3")
                .contains("incidents per km² per month")
                .contains("Sources")
                .contains("police.uk");

        String png = driver.findElement(By.id("print-png")).getAttribute("href");
        HttpResponse<byte[]> image = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(png)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(image.body()));
        assertThat(read.getWidth()).isEqualTo(1092);
        Files.write(Browser.ARTEFACTS.resolve("viewer-print.png"), image.body());
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
                        TestPrincipals.fixed(TestPrincipals.POLICE_ANALYST));
                Leave left = this::leavePage) {
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
        assertThat(pack)
                .contains("area=lsoa%3A" + code)
                .contains("period=2022-07")
                .contains("format=pdf");
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
        // The tasking pack of the drawn circle: the link carries the circle, and the server makes its pack.
        String pack = panel.findElement(By.id("pack-link")).getAttribute("href");
        assertThat(pack)
                .containsPattern("circle=-2\\.9[0-9]*%2C53\\.4[0-9]*%2C\\d+")
                .doesNotContain("area=");
        HttpResponse<byte[]> html = Http.getBytes(pack.replace("format=pdf", "format=html"));
        assertThat(html.statusCode())
                .as(new String(html.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(new String(html.body(), StandardCharsets.UTF_8))
                .contains("Tasking pack: Circle of")
                .contains("Drawn area");
        // The circle is in the address: a reload (or the link, sent on) opens the same area's profile.
        wait(10).until(d -> d.getCurrentUrl().matches(".*[#&]z=c%3A-2\\.9\\d*%2C53\\.40\\d*%2C\\d+.*"));
        String records = panel.getAttribute("data-records");
        String title = panel.findElement(By.id("profile-title")).getText();
        driver.navigate().refresh();
        wait(20).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        WebElement again = profileLoaded("drawn");
        assertThat(again.findElement(By.id("profile-title")).getText()).isEqualTo(title);
        assertThat(again.getAttribute("data-records")).isEqualTo(records);

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

    @Test
    void comparingTwoPeriodsShowsTheChangeLayerAndTheSignificantAreas() throws Exception {
        browser();
        open("#m=2022-07&p=2022-05&l=lsoa-boundaries");
        new Select(driver.findElement(By.id("baseline-from"))).selectByValue("2022-01");
        new Select(driver.findElement(By.id("baseline-to"))).selectByValue("2022-04");
        driver.findElement(By.id("compare")).click();
        wait(60).until(d -> !d.findElements(By.id("change-summary")).isEmpty());
        // The table is the server's test: the same areas, in the same order, as /api/changes.
        JsonNode body =
                Http.json(Http.get(base + "/api/changes?level=lsoa&baseline=2022-01..2022-04&period=2022-05..2022-07"));
        int significant = body.path("more").asInt() + body.path("fewer").asInt();
        assertThat(significant).isPositive();
        List<WebElement> rows = driver.findElements(By.cssSelector("#change-list .rank-row"));
        assertThat(rows).hasSize(Math.min(15, significant));
        assertThat(rows.get(0).getAttribute("data-code"))
                .isEqualTo(body.path("areas").get(0).path("code").asText());
        assertThat(driver.findElement(By.id("change-summary")).getText())
                .contains("May to July 2022 against January to April 2022")
                .contains(body.path("more").asInt() + " with significantly more");
        assertThat(driver.findElement(By.id("change-test")).getText()).contains("exact conditional Poisson test");
        // The change layers are on, drawn for the two periods, and the link keeps the baseline.
        assertThat(driver.findElement(By.id("layer-density-change")).isSelected())
                .isTrue();
        wait(30).until(d -> ((Number) js("return [...document.querySelectorAll('img.leaflet-tile')]"
                                + ".filter(i => i.src.includes('/tiles/density-change/') && i.src.includes('baseline=2022-01%2F2022-04')"
                                + " && i.complete && i.naturalWidth === 256).length"))
                        .intValue()
                > 0);
        // The areas' classes are a layer of their own, drawn for the same two periods.
        driver.findElement(By.id("layer-incident-change")).click();
        wait(60).until(d -> ((Number) js("return [...document.querySelectorAll('img.leaflet-tile')]"
                                + ".filter(i => i.src.includes('/tiles/incident-change/') && i.src.includes('baseline=2022-01%2F2022-04')"
                                + " && i.complete && i.naturalWidth === 256).length"))
                        .intValue()
                > 0);
        assertThat(driver.findElement(By.id("legend")).getText())
                .contains("Change in incidents per km² per month, May to July 2022 against January to April 2022");
        assertThat(driver.getCurrentUrl()).contains("c=2022-01..2022-04");
        js("document.getElementById('compare-heading').scrollIntoView()");
        screenshot("guide-5-compare");
        // A row zooms to its area and opens its profile.
        String code = rows.get(0).getAttribute("data-code");
        rows.get(0).click();
        profileLoaded(code);
        // A reload of the link shows the same comparison.
        driver.navigate().refresh();
        wait(20).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        wait(60).until(d ->
                d.findElements(By.cssSelector("#change-list .rank-row")).size() == rows.size());
        assertThat(driver.findElement(By.id("baseline-from")).getAttribute("value"))
                .isEqualTo("2022-01");
    }

    /**
     * The walk through in docs/analyst-guide.md: where is violence concentrated at night, and is it growing? Its
     * screenshots (target/test-artefacts/viewer-guide-*.png) are the guide's pictures.
     */
    /**
     * Issue 18: a tasking member sees A&E and ambulance records only as monthly counts, so a density map of some hours
     * leaves them out; the legend says so in words naming them, and so does the print. The analyst, who sees every
     * feed as points, has nothing left out and is told nothing. Which feeds are expected is read from the levels
     * {@code /api/layers} gives this user (below points), not from the answer under test.
     */
    @Test
    void theLegendAndPrintSayWhichFeedsAnHourMapLeavesOutForWhoSeesThemAsCounts() throws Exception {
        String note = "#legend .withheld-note[data-layer='density-all']";
        try (App tasking = App.start(
                        TestSettings.withOverrides(Map.of("SAFEMAP_BASEMAP_URL", "", "SAFEMAP_QUEUE_WAIT_MS", "20000")),
                        db,
                        TestPrincipals.fixed(TestPrincipals.TASKING));
                Leave left = this::leavePage) {
            String taskingBase = "http://127.0.0.1:" + tasking.port();
            List<String> counts = new java.util.ArrayList<>();
            for (JsonNode l : Http.json(Http.get(taskingBase + "/api/layers")).path("layers")) {
                if (l.path("name").asText().equals("density-all")) {
                    l.path("sources").forEach(src -> {
                        if (!src.path("level").asText().equals("points")) {
                            counts.add(src.path("label").asText());
                        }
                    });
                }
            }
            assertThat(counts).as("feeds the tasking member sees below points").contains("A&E assaults (ISTV)");
            browser();
            driver.get(taskingBase + "/#m=2022-07&l=density-all&map=13/53.405/-2.98");
            wait(20).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
            // A whole month at every hour draws them (under the minimum-points rule): nothing is left out.
            Browser.waitUpTo(driver, 30)
                    .until(d ->
                            "true".equals(d.findElement(By.cssSelector(note)).getAttribute("data-answered")));
            assertThat(driver.findElement(By.cssSelector(note)).getAttribute("hidden"))
                    .isNotNull();

            new Select(driver.findElement(By.id("hours"))).selectByValue("22-3");
            String said = Browser.waitUpTo(driver, 30).until(d -> {
                List<WebElement> shown = d.findElements(By.cssSelector(note));
                return !shown.isEmpty() && shown.get(0).isDisplayed()
                        ? shown.get(0).getText()
                        : null;
            });
            String feeds = counts.size() == 1
                    ? counts.get(0) + " is"
                    : String.join(", ", counts.subList(0, counts.size() - 1)) + " and " + counts.get(counts.size() - 1)
                            + " are";
            assertThat(said)
                    .isEqualTo(feeds + " left out of this map of some hours of the day: "
                            + (counts.size() == 1 ? "it is" : "they are") + " shared with you as monthly counts, so "
                            + (counts.size() == 1 ? "it is" : "they are")
                            + " drawn only for whole months at every hour and day.");
            screenshot("legend-withheld-feeds");
            assertThat(Axe.serious(driver))
                    .as("serious accessibility violations")
                    .isEmpty();

            // The print says it under the legends, in the same words.
            WebElement pdf = driver.findElement(By.id("print-pdf"));
            wait(20).until(d -> pdf.getAttribute("href").contains("hours=22-3"));
            String printed = printedText(pdf.getAttribute("href"), "viewer-print-withheld.pdf");
            assertThat(printed).contains(said);
            // The feeds left out are not credited as sources of this map: named once, in the notice.
            for (String label : counts) {
                assertThat(printed.split(java.util.regex.Pattern.quote(label), -1).length - 1)
                        .as("times the print names " + label)
                        .isEqualTo(1);
            }
            assertThat(Browser.consoleErrors(driver)).as("console errors").isEmpty();
            driver.quit();
            driver = null;
        }

        browser();
        open("#m=2022-07&h=22-3&l=density-all&map=13/53.405/-2.98");
        Browser.waitUpTo(driver, 30)
                .until(d -> "true".equals(d.findElement(By.cssSelector(note)).getAttribute("data-answered")));
        assertThat(driver.findElement(By.cssSelector(note)).getAttribute("hidden"))
                .isNotNull();
        assertThat(driver.findElement(By.id("legend")).getText()).doesNotContain("left out");
        WebElement pdf = driver.findElement(By.id("print-pdf"));
        wait(20).until(d -> pdf.getAttribute("href").contains("hours=22-3"));
        assertThat(printedText(pdf.getAttribute("href"), "viewer-print-analyst-hours.pdf"))
                .contains("hours 22-3")
                .doesNotContain("left out");
    }

    /** A print link's PDF read back with pdftotext, whitespace folded; the PDF is kept under {@code name}. */
    private static String printedText(String href, String name) throws Exception {
        HttpResponse<byte[]> printed = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(href)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(printed.statusCode()).isEqualTo(200);
        assertThat(printed.headers().firstValue("content-type").orElse("")).isEqualTo("application/pdf");
        Path file = Browser.ARTEFACTS.resolve(name);
        Files.createDirectories(Browser.ARTEFACTS);
        Files.write(file, printed.body());
        Process p = new ProcessBuilder("pdftotext", "-enc", "UTF-8", file.toString(), "-")
                .redirectErrorStream(true)
                .start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        assertThat(p.waitFor()).isZero();
        return text;
    }

    @Test
    void theHourFilterRedrawsTheDensityTilesAndCountLayersSayItDoesNotApply() throws Exception {
        browser();
        open("#m=2022-07&l=density-all,incident-counts");
        String loaded = "return [...document.querySelectorAll('img.leaflet-tile')]"
                + ".filter(i => i.src.includes('/tiles/density-all/') && i.complete && i.naturalWidth === 256)";
        wait(30).until(d -> ((Number) js(loaded + ".length")).intValue() > 0);
        assertThat((String) js(loaded + "[0].src")).doesNotContain("hours=");
        assertThat(driver.findElements(By.cssSelector("#legend .hours-note"))).isEmpty();

        new Select(driver.findElement(By.id("hours"))).selectByValue("22-3");
        // The density layer's tiles are asked for again with the hours; the count layer's legend says they do not
        // apply.
        wait(30).until(d -> ((Number) js(loaded + ".filter(i => i.src.includes('hours=22-3')).length")).intValue() > 0);
        assertThat(((Number) js(loaded + ".filter(i => !i.src.includes('hours=22-3')).length")).intValue())
                .isZero();
        // the legend's text, folded away or not
        assertThat((String) js("return document.getElementById('legend').textContent"))
                .contains("hours 22-3")
                .contains("monthly tables, so the hour and day filters do not change them");
        assertThat(driver.getCurrentUrl()).contains("h=22-3");

        js("document.getElementById('day-sat').click()");
        wait(30).until(d ->
                ((Number) js(loaded + ".filter(i => i.src.includes('weekdays=sat')).length")).intValue() > 0);
    }

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
        js("document.getElementById('rank').scrollIntoView()");
        screenshot("guide-2-ranking");

        WebElement first =
                driver.findElements(By.cssSelector("#ranking .rank-row")).get(0);
        String name = first.findElement(By.className("rank-name")).getText();
        String rankedText = first.getText();
        first.click();
        WebElement panel = driver.findElement(By.id("profile"));
        wait(30).until(d -> panel.isDisplayed()
                && panel.getAttribute("data-records") != null
                && panel.findElement(By.id("profile-title")).getText().equals(name));
        // One counting rule: the profile's headline is the ranked row's number for the same selection (night
        // violence, police.uk months by their share of the night), not its count of night records.
        JsonNode row = Http.json(
                        Http.get(base + "/api/hotspots/" + run.path("id").asLong() + "/areas?limit=1"))
                .get(0);
        double incidents = Double.parseDouble(panel.getAttribute("data-incidents"));
        assertThat(incidents).isCloseTo(row.path("incidents").asDouble(), within(0.001));
        String shown = String.format(java.util.Locale.UK, "%,d", Math.round(incidents));
        assertThat(rankedText).contains(shown + " incidents");
        assertThat(panel.findElement(By.cssSelector(".figures")).getText()).contains("Incidents\n" + shown);
        assertThat(panel.getText()).contains("Emerging hot spot").contains("left out by the hour or day filter");
        // The tasking pack button carries the viewer's filters: the group and the hours.
        assertThat(panel.findElement(By.id("pack-link")).getAttribute("href"))
                .contains("categories=violence")
                .contains("hours=22-3");
        screenshot("guide-3-profile");
        js("document.querySelector('#profile table.heat').scrollIntoView()");
        screenshot("guide-4-hours");
    }
}
