package org.safemap.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.safemap.App;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.files.SourceFile;
import org.safemap.geocode.GazetteerLoader;
import org.safemap.ingest.AmbulanceCsvAdapter;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.IncidentLoader;
import org.safemap.ingest.IstvAeCsvAdapter;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.RetentionPurge;
import org.safemap.sharing.Role;
import org.safemap.testing.Axe;
import org.safemap.testing.Browser;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;

/**
 * The data custodian's pages ("Your data") in Debian's headless Chromium, signed in for real, in this order (later
 * pages show what earlier ones did):
 * <ol>
 * <li>a tasking member gets no entry and a plain refusal when they follow a link to the A&E batches; an admin sees
 * every feed, finds that refusal in the audit log, and puts a new feed and protocol in force with "Reload protocols
 * and feeds";</li>
 * <li>the A&E custodian finds their feed from the map, reads its batches (who loaded each, under which protocol
 * version, what retention deleted), pages through a batch's quarantine (page by page from the JSON answer), uploads a
 * file with a bad row and sees it quarantined and loaded by them, is told a file over the upload limit is too large
 * before anything is sent, and finds the tasking member's refusal in their usage report;</li>
 * <li>the ambulance custodian uploads a file whose bad rows carry the service's incident references and reads them as
 * sent; a CSP analyst, whom the protocol names at points level, may read the same batch but is told the references
 * are keyed hashes, and sees the hashes, not the references; they cannot load, and their partner's usage report is
 * refused.</li>
 * </ol>
 * What to list and offer comes from GET /api/feeds, so these also show the page follows the server's answers. Every
 * page passes an axe-core audit with no serious violation; screenshots at 1366x768 and 1280x720 are kept in
 * target/test-artefacts/custodian-*.png. A database of its own: LSOAs, the demo's venue names and three A&E files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustodianE2EIT {
    private static final String PASSWORD = "the custodian test's password";
    private static final String HEADER = String.join(",", IstvAeCsvAdapter.COLUMNS) + "\n";
    private static final String AMBULANCE = String.join(",", AmbulanceCsvAdapter.COLUMNS) + "\n";
    /** Rows the demo's venue gazetteer places; June's file adds 60 with an impossible date, for two pages. */
    private static final String[] VENUES = {"Club Arena", "Pulse", "The Vault", "Kaleido"};

    private static final int BAD_JUNE_ROWS = 60;

    @AutoClose
    private static Database db;

    private static App app;
    private static String base;
    /** Where the server reads protocols and feeds besides its own: the admin adds one and reloads. */
    private static Path protocolsDir;

    private static Path feedsDir;
    /** This test's browser, quit after it (a test that quits one midway starts another). */
    @AutoClose("quit")
    private ChromeDriver driver;

    @BeforeAll
    static void start() {
        db = TestData.liverpoolLsoas("custodian_e2e");
        new GazetteerLoader(db.dataSource()).load(SourceFile.resource("demo/liverpool_venues.csv.gz"), n -> {});
        StringBuilder may = new StringBuilder(HEADER);
        for (int i = 0; i < 8; i++) {
            may.append("REM,0")
                    .append(i + 1)
                    .append("/05/2022,01:40,0")
                    .append(i + 1)
                    .append("/05/2022,00:55,")
                    .append(VENUES[i % VENUES.length])
                    .append(",Public place,Body part,\n");
        }
        StringBuilder june = new StringBuilder(HEADER);
        for (int i = 0; i < BAD_JUNE_ROWS + 4; i++) {
            String day = i < 4 ? String.format("%02d/06/2022", i + 1) : "31/06/2022";
            june.append("REM,")
                    .append(i < 4 ? day : "01/07/2022")
                    .append(",01:40,")
                    .append(day)
                    .append(",00:55,")
                    .append(VENUES[i % VENUES.length])
                    .append(",Public place,Body part,\n");
        }
        load("ae-2022-05.csv", may.toString());
        load("ae-2022-06.csv", june.toString());
        // A file received four years ago is past the A&E protocol's three years: the nightly purge deletes its
        // records and writes the custodian's report.
        load(
                "ae-2022-03.csv",
                HEADER + "REM,02/03/2022,01:40,02/03/2022,00:55,Pulse,Public place,Body part,\n"
                        + "REM,03/03/2022,01:40,03/03/2022,00:55,Kaleido,Public place,Body part,\n");
        Sql.execute(
                db,
                "UPDATE load_batch SET loaded_at = now() - interval '4 years' WHERE source_name = 'ae-2022-03.csv'");
        Settings settings;
        try {
            protocolsDir = Files.createTempDirectory("custodian-e2e-protocols");
            feedsDir = Files.createTempDirectory("custodian-e2e-feeds");
            settings = TestSettings.withOverrides(Map.of(
                    "SAFEMAP_BASEMAP_URL",
                    "",
                    "SAFEMAP_UPLOAD_MAX_MB",
                    "1",
                    "SAFEMAP_VAR_DIR",
                    Files.createTempDirectory("custodian-e2e-var").toString(),
                    "SAFEMAP_PROTOCOLS_DIR",
                    protocolsDir.toString(),
                    "SAFEMAP_FEEDS_DIR",
                    feedsDir.toString()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ProtocolCatalog protocols = ProtocolCatalog.load(settings.trust().protocolsDir());
        RetentionPurge.of(settings, db.dataSource(), protocols, AuditLog.open(settings, db.dataSource(), protocols))
                .run(RetentionPurge.SCHEDULE, false);
        TestUsers.withPassword(db, "ae-custodian", Role.ANALYST, "nhs-ed", PASSWORD);
        TestUsers.withPassword(db, "amb-custodian", Role.ANALYST, "ambulance", PASSWORD);
        TestUsers.withPassword(db, "tasking-member", Role.TASKING, null, PASSWORD);
        TestUsers.withPassword(db, "csp-analyst", Role.ANALYST, "csp", PASSWORD);
        TestUsers.withPassword(db, "site-admin", Role.ADMIN, "csp", PASSWORD);
        app = App.start(settings, db);
        base = "http://127.0.0.1:" + app.port();
    }

    /** A file loaded as the command line loads it, before anyone signs in. */
    private static void load(String name, String csv) {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        new IncidentLoader(db.dataSource())
                .load(
                        new SourceFile(name, bytes.length, () -> new ByteArrayInputStream(bytes)),
                        FeedCatalog.builtIn().get("istv-ae"),
                        null);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    @Order(1)
    void othersFindNoEntryAndPlainRefusalsAndTheAdminFindsTheRefusalsAndReloadsProtocolsAndFeeds() throws Exception {
        browser();
        driver.get(base + "/#custodian/feed=istv-ae");
        signIn("tasking-member", "tasking");
        page("feed");
        assertThat(driver.findElement(By.id("custodian-link")).isDisplayed()).isFalse();
        WebElement refusal = driver.findElement(By.cssSelector(".problem[role=alert]"));
        assertThat(refusal.getText()).startsWith("SafeMap did not allow this.").contains("istv-ae");
        assertThat(driver.findElements(By.id("upload-form"))).isEmpty();
        accessible("refused");
        screenshots("refused");
        // the browser notes the refusals: before signing in (401) and after (403)
        noConsoleErrors(m -> m.contains("/api/feeds/istv-ae/batches"));
        driver.quit();

        browser();
        driver.get(base + "/#custodian");
        signIn("site-admin", "strategic-assessment");
        page("home");
        assertThat(driver.findElement(By.id("custodian-link")).isDisplayed()).isTrue();
        assertThat(driver.findElements(By.cssSelector(".feed-card")))
                .hasSize(FeedCatalog.builtIn().all().size());
        driver.findElement(By.linkText("Audit log")).click();
        page("audit");
        driver.findElement(By.id("audit-actor")).sendKeys("tasking-member");
        driver.findElement(By.cssSelector("#audit-form button[type=submit]")).click();
        wait(10).until(d -> d.getCurrentUrl().endsWith("#custodian/audit/actor=tasking-member")
                && "audit:ready".equals(d.findElement(By.tagName("body")).getAttribute("data-custodian")));
        List<List<String>> entries = rows(".audit-entries tbody tr");
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get(2)).isEqualTo("tasking-member (tasking)");
            assertThat(e.get(5)).isEqualTo("GET /api/feeds/istv-ae/batches");
            assertThat(e.get(8)).startsWith("refused: ").contains("istv-ae");
        });
        accessible("audit");
        screenshots("audit");

        // A new feed and its protocol, put in force from the page: the feed's card appears at once.
        driver.findElement(By.linkText("Your feeds")).click();
        page("home");
        Files.writeString(feedsDir.resolve("yot.json"), """
                {"name": "yot", "title": "Youth offending team referrals", "partner": "Youth offending team",
                 "format": "mapped-csv",
                 "mapping": {"fields": ["ref", "when", "kind", "x", "y"], "reference": "ref", "time": {"at": "when"},
                   "location": {"easting": "x", "northing": "y"},
                   "category": {"column": "kind", "map": {"assault": "violence-and-sexual-offences"}}}}""");
        String protocol = new String(
                        getClass()
                                .getClassLoader()
                                .getResourceAsStream("protocols/istv-ae.json")
                                .readAllBytes(),
                        StandardCharsets.UTF_8)
                .replace("\"feed\": \"istv-ae\"", "\"feed\": \"yot\"")
                .replace("\"partner\": \"nhs-ed\"", "\"partner\": \"yot\"")
                .replaceAll("\"partner_name\": \"[^\"]*\"", "\"partner_name\": \"Youth offending team (example)\"")
                .replaceAll(
                        "\"title\": \"[^\"]*\"",
                        "\"title\": \"Youth offending team referrals to the Community " + "Safety Partnership\"")
                .replaceAll("\"fields\": \\[[^\\]]*]", "\"fields\": [\"ref\", \"when\", \"kind\", \"x\", \"y\"]");
        Files.writeString(protocolsDir.resolve("yot.json"), protocol);
        WebElement reload = driver.findElement(By.id("reload-catalogues"));
        reload.click();
        WebElement result = driver.findElement(By.id("reload-result"));
        wait(20).until(d -> result.getText().startsWith("Reloaded."));
        assertThat(result.getText())
                .contains("New protocols: Youth offending team referrals, version 1")
                .contains("New feeds: Youth offending team referrals");
        wait(10).until(d -> d.findElements(By.cssSelector(".feed-card")).size()
                == FeedCatalog.builtIn().all().size() + 1);
        assertThat(driver.findElements(By.cssSelector(".feed-card h3")).stream()
                        .map(WebElement::getText)
                        .toList())
                .contains("Youth offending team referrals");
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM audit_log WHERE action = 'protocols.reload' AND outcome = 'ok' "
                                + "AND actor = 'site-admin'"))
                .isEqualTo(1);
        accessible("reloaded");
        screenshots("reloaded", result);
        reload.click();
        wait(20).until(d -> result.getText().startsWith("Nothing had changed."));

        // Opened at a custodian page, the map starts only when the reader goes to it.
        assertThat(driver.findElement(By.tagName("body")).getAttribute("data-ready"))
                .isNull();
        driver.findElement(By.linkText("\u2190 Back to the map")).click();
        wait(30).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        assertThat(driver.findElement(By.id("map")).isDisplayed()).isTrue();
        assertThat(driver.getCurrentUrl()).contains("#m=").contains("map=");
        noConsoleErrors(m -> false);
    }

    @Test
    @Order(2)
    void theAeCustodianReadsTheirBatchesAndQuarantineUploadsAFileAndSeesWhoUsedTheirData() throws Exception {
        browser();
        driver.get(base + "/");
        signIn("ae-custodian", "strategic-assessment");
        wait(30).until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        WebElement entry = driver.findElement(By.id("custodian-link"));
        wait(10).until(d -> entry.isDisplayed());
        String mapHash = settledHash();
        entry.click();
        page("home");
        // From here on, every request the pages make is kept for the checks below (the map's tiles are not).
        driver.executeScript("performance.clearResourceTimings(); performance.setResourceTimingBufferSize(10000)");
        assertThat(driver.findElements(By.cssSelector(".feed-card h3")).stream()
                        .map(WebElement::getText)
                        .toList())
                .containsExactly("A&E assaults (ISTV)");
        assertThat(driver.findElement(By.id("custodian-title")).getText()).isEqualTo("Your data");
        assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("custodian-title");
        assertThat(driver.findElements(By.id("reload-catalogues"))).isEmpty();
        accessible("home");
        screenshots("home");

        // The feed's batches, newest first, with what each loaded and quarantined, who loaded it (not recorded for
        // these: loaded with no loader named, as before SafeMap recorded loaders), the protocol version it came
        // under, and what the retention purge deleted.
        driver.findElement(By.linkText("Batches and uploads")).click();
        page("feed");
        assertThat(driver.getCurrentUrl()).endsWith("#custodian/feed=istv-ae");
        long june = batchId("ae-2022-06.csv");
        List<List<String>> batches = rows(".batches tbody tr");
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0).subList(0, 2)).containsExactly("Batch " + june, "ae-2022-06.csv");
        assertThat(batches.get(0).subList(3, 8))
                .containsExactly("4", String.valueOf(BAD_JUNE_ROWS), "not recorded", "version 1", "\u2013");
        assertThat(batches.get(1).subList(1, 5))
                .containsExactly("ae-2022-05.csv", batches.get(1).get(2), "8", "0");
        assertThat(batches.get(2).get(1)).isEqualTo("ae-2022-03.csv");
        assertThat(batches.get(2).get(7)).startsWith("2 deleted ");
        accessible("feed");
        screenshots("feed");

        // A batch's quarantine, 50 rows to a page from the JSON answer, each with its line, field, reason and the
        // row as sent (A&E rows hold no reference the protocol hashes, and the page says so).
        driver.findElement(By.linkText("Batch " + june)).click();
        page("batch");
        assertThat(driver.findElement(By.id("custodian-title")).getText())
                .isEqualTo("Batch " + june + ": ae-2022-06.csv");
        assertThat(driver.findElement(By.cssSelector(".quarantine-rows caption"))
                        .getText())
                .startsWith("Rows 1 to 50 of " + BAD_JUNE_ROWS);
        assertThat(driver.findElement(By.id("references-note")).getText())
                .isEqualTo("This feed\u2019s protocol keeps no reference as a hash, so each row is shown as the file "
                        + "sent it.");
        List<List<String>> quarantined = rows(".quarantine-rows tbody tr");
        assertThat(quarantined).hasSize(50);
        List<Object> first = Sql.rows(
                        db,
                        "SELECT line_no, field, reason, raw_record FROM quarantine WHERE batch_id = ? "
                                + "ORDER BY line_no LIMIT 1",
                        june)
                .get(0);
        assertThat(quarantined.get(0))
                .containsExactly(
                        String.valueOf(first.get(0)),
                        String.valueOf(first.get(1)),
                        String.valueOf(first.get(2)),
                        String.valueOf(first.get(3)));
        assertThat(quarantined.get(0).get(3)).contains("31/06/2022");
        assertThat(driver.findElement(By.partialLinkText("Download all " + BAD_JUNE_ROWS + " rows (CSV)"))
                        .getAttribute("href"))
                .endsWith("/api/feeds/istv-ae/batches/" + june + "/quarantine");
        accessible("batch");
        screenshots("batch");
        driver.findElement(By.linkText("Next \u2192")).click();
        wait(10).until(d -> d.findElement(By.cssSelector(".quarantine-rows caption"))
                .getText()
                .startsWith("Rows 51 to " + BAD_JUNE_ROWS + " of " + BAD_JUNE_ROWS));
        assertThat(driver.getCurrentUrl()).endsWith("#custodian/feed=istv-ae/batch=" + june + "/page=2");
        assertThat(rows(".quarantine-rows tbody tr")).hasSize(BAD_JUNE_ROWS - 50);
        assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("quarantine-heading");
        // Page by page over HTTP, each page read audited with the rows it returned; the whole CSV never fetched.
        String path = "/api/feeds/istv-ae/batches/" + june + "/quarantine";
        assertThat(resourcesFetched(path))
                .containsExactly(path + "?format=json&offset=0&limit=50", path + "?format=json&offset=50&limit=50");
        assertThat(Sql.rows(
                                db,
                                "SELECT resource, result_size FROM audit_log WHERE action = 'api.quarantine' AND actor "
                                        + "= 'ae-custodian' ORDER BY seq")
                        .stream()
                        .map(Object::toString)
                        .toList())
                .containsExactly(
                        "[" + path + "?format=json&limit=50&offset=0, 50]",
                        "[" + path + "?format=json&limit=50&offset=50, " + (BAD_JUNE_ROWS - 50) + "]");

        // An upload with one bad row: loaded, the bad row quarantined with its reason, and in the batch list as
        // loaded by this custodian, signed in to the viewer, under the protocol in force.
        driver.findElement(By.cssSelector(".crumbs"))
                .findElement(By.linkText("A&E assaults (ISTV)"))
                .click();
        page("feed");
        assertThat(driver.findElement(By.id("upload-help")).getText()).endsWith("Up to 1 MB in one upload.");
        Path file = Files.createTempDirectory("custodian-e2e").resolve("ae-2022-07-week1.csv");
        Files.writeString(
                file,
                HEADER
                        + "REM,02/07/2022,01:40,02/07/2022,00:55,Club Arena,Public place,Body part,\n"
                        + "REM,05/07/2022,22:00,05/07/2022,23:10,The Vault,Public place,Glass or bottle,\n"
                        + "REM,06/07/2022,03:15,06/07/2022,02:30,Pulse,Public place,Body part,\n");
        driver.findElement(By.id("upload-file")).sendKeys(file.toAbsolutePath().toString());
        driver.findElement(By.id("upload-submit")).click();
        WebElement results = driver.findElement(By.id("upload-results"));
        wait(30).until(d -> !results.findElements(By.tagName("h4")).isEmpty());
        long july = batchId("ae-2022-07-week1.csv");
        assertThat(results.findElement(By.tagName("h4")).getText())
                .isEqualTo("ae-2022-07-week1.csv: loaded as batch " + july);
        assertThat(results.getText())
                .contains("3 rows read: 2 loaded, 1 quarantined.")
                .contains("1 \u00d7 arrival at A&E is before the assault");
        assertThat(driver.findElement(By.id("upload-status")).getText()).isEqualTo("1 loaded.");
        wait(10).until(d -> rows(".batches tbody tr").size() == 4);
        List<String> uploaded = rows(".batches tbody tr").get(0);
        assertThat(uploaded.subList(0, 2)).containsExactly("Batch " + july, "ae-2022-07-week1.csv");
        assertThat(uploaded.subList(5, 7)).containsExactly("ae-custodian (signed in to the viewer)", "version 1");
        assertThat(Sql.value(
                        db,
                        "SELECT loaded_by || ' ' || loaded_via || ' ' || protocol_version FROM load_batch "
                                + "WHERE id = ?",
                        july))
                .isEqualTo("ae-custodian session 1");
        assertThat(results.findElement(By.partialLinkText("Open batch " + july)).getAttribute("href"))
                .endsWith("#custodian/feed=istv-ae/batch=" + july);
        screenshots("uploaded");

        // A file over the server's limit: said as soon as it is chosen, and not sent.
        Path big = file.resolveSibling("ae-2022-07-all.csv");
        Files.write(big, new byte[2 * 1024 * 1024]);
        driver.findElement(By.id("upload-file")).sendKeys(big.toAbsolutePath().toString());
        wait(10).until(d -> !results.findElements(By.cssSelector(".problem")).isEmpty());
        driver.findElement(By.id("upload-submit")).click();
        wait(10).until(d -> d.findElement(By.id("upload-status")).getText().equals("Not sent: over the upload limit."));
        assertThat(results.findElement(By.cssSelector(".problem")).getText())
                .startsWith("The file is too large to upload.")
                .contains(
                        "The file ae-2022-07-all.csv is 2.0 MB, over SafeMap\u2019s upload limit of 1 MB: nothing will be "
                                + "sent.");
        assertThat(resourcesFetched("/api/feeds/istv-ae/uploads")).hasSize(1);
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE source_name = 'ae-2022-07-all.csv'"))
                .isZero();
        accessible("too-large");
        driver.findElement(By.linkText("Batch " + july)).click();
        page("batch");
        assertThat(driver.findElement(By.id("custodian-title")).getText())
                .isEqualTo("Batch " + july + ": ae-2022-07-week1.csv");
        assertThat(driver.findElement(By.cssSelector(".facts")).getText())
                .contains("Loaded by\nae-custodian (signed in " + "to the viewer)")
                .contains("Protocol\nversion 1");
        List<List<String>> bad = rows(".quarantine-rows tbody tr");
        assertThat(bad).hasSize(1);
        assertThat(bad.get(0).subList(0, 3))
                .containsExactly("3", "arrival_date", "arrival at A&E is before the assault");
        assertThat(bad.get(0).get(3)).contains("05/07/2022,22:00,05/07/2022,23:10,The Vault");

        // Who used the data: the upload is there, by this custodian, and so is the tasking member's refusal.
        driver.findElement(By.linkText("Usage report")).click();
        page("usage");
        assertThat(driver.findElement(By.id("custodian-title")).getText()).isEqualTo("Usage report");
        assertThat(driver.findElement(By.cssSelector(".custodian-page .lead")).getText())
                .startsWith("How the data NHS emergency department (example: a Liverpool acute trust) supplies");
        assertThat(driver.findElement(By.id("usage-summary")).getText()).contains("recorded requests touched A&E");
        List<String> upload = row("How", "Files uploaded");
        assertThat(upload.get(1))
                .isEqualTo(
                        String.valueOf(
                                Sql.count(
                                        db,
                                        "SELECT count(*) FROM audit_log WHERE action = 'ingest.upload' AND jsonb_exists(feeds, 'istv-ae')")));
        assertThat(upload.get(1)).isEqualTo("1");
        assertThat(row("Who used it", "ae-custodian").subList(1, 3)).containsExactly("analyst", "nhs-ed");
        long refusedByTasking = Sql.count(
                db,
                "SELECT count(*) FROM audit_log WHERE actor = 'tasking-member' "
                        + "AND outcome = 'refused' AND jsonb_exists(feeds, 'istv-ae')");
        assertThat(refusedByTasking).isGreaterThanOrEqualTo(1);
        List<String> tasking = row("Who used it", "tasking-member");
        assertThat(tasking.subList(1, 5))
                .containsExactly(
                        "tasking", "\u2013", String.valueOf(refusedByTasking), String.valueOf(refusedByTasking));
        assertThat(row("How", "Refused requests").get(2))
                .isEqualTo(String.valueOf(Sql.count(
                        db,
                        "SELECT count(*) "
                                + "FROM audit_log WHERE outcome = 'refused' AND jsonb_exists(feeds, 'istv-ae')")));
        accessible("usage");
        screenshots("usage");

        // What retention deleted: the report listed, and readable in plain English.
        driver.findElement(By.linkText("Retention reports")).click();
        page("retention");
        List<List<String>> reports = rows("table.data tbody tr");
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).subList(1, 5))
                .containsExactly("A&E assaults (ISTV)", "nhs-ed", reports.get(0).get(3), "2");
        driver.findElement(By.linkText(reports.get(0).get(0))).click();
        page("retention");
        assertThat(driver.findElement(By.cssSelector("pre.report-text")).getText())
                .contains("ae-2022-03.csv");
        accessible("retention");
        screenshots("retention");

        // Back to the map, as it was.
        driver.findElement(By.linkText("\u2190 Back to the map")).click();
        wait(10).until(d -> d.findElement(By.id("map")).isDisplayed());
        assertThat(driver.findElement(By.id("custodian")).isDisplayed()).isFalse();
        assertThat((String) driver.executeScript("return location.hash")).isEqualTo(mapHash);
        noConsoleErrors(m -> false);
    }

    @Test
    @Order(3)
    void theAmbulanceCustodianReadsTheirReferencesAsSentAndACspAnalystReadsTheSameBatchHashed() throws Exception {
        browser();
        driver.get(base + "/#custodian/feed=ambulance");
        signIn("amb-custodian", "strategic-assessment");
        page("feed");
        Path file = Files.createTempDirectory("custodian-e2e-amb").resolve("calls-2022-03.csv");
        Files.writeString(
                file,
                AMBULANCE
                        + "AMB-REF-77,2022-03-05 23:45,4,04D01,,,,,,N\n"
                        + "AMB-REF-78,2022-03-05 23:41,4,04D01,335000,390000,,,,Y\n"
                        + "AMB-REF-79,2022-03-06 00:10,27,27D01,,,,,,Y\n");
        driver.findElement(By.id("upload-file")).sendKeys(file.toAbsolutePath().toString());
        driver.findElement(By.id("upload-submit")).click();
        WebElement results = driver.findElement(By.id("upload-results"));
        wait(30).until(d -> !results.findElements(By.tagName("h4")).isEmpty());
        long calls = batchId("calls-2022-03.csv");
        assertThat(results.getText()).contains("3 rows read: 1 loaded, 2 quarantined.");
        wait(10).until(d -> rows(".batches tbody tr").size() == 1);
        assertThat(rows(".batches tbody tr").get(0).get(5)).isEqualTo("amb-custodian (signed in to the viewer)");
        results.findElement(By.partialLinkText("Open batch " + calls)).click();
        page("batch");
        assertThat(driver.findElement(By.id("references-note")).getText())
                .startsWith("You see these rows as your " + "file sent them, with your own references (incident_ref).");
        List<List<String>> sent = rows(".quarantine-rows tbody tr");
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).get(3)).startsWith("AMB-REF-77,2022-03-05 23:45");
        assertThat(sent.get(1).get(3)).startsWith("AMB-REF-79,2022-03-06 00:10");
        assertThat(driver.findElements(By.cssSelector(".quarantine-rows thead th"))
                        .get(3)
                        .getText())
                .isEqualTo("Row as sent");
        accessible("batch-as-sent");
        screenshots("batch-as-sent");
        noConsoleErrors(m -> m.contains("/api/feeds/ambulance/batches") && m.contains("401"));
        driver.quit();

        // The CSP reads the ambulance feed record by record, so it may read its files: offered, not a custodian.
        browser();
        driver.get(base + "/#custodian");
        signIn("csp-analyst", "strategic-assessment");
        page("home");
        assertThat(driver.findElement(By.id("custodian-link")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.cssSelector(".custodian-page")).getText())
                .contains("Your partner (csp) supplies no feed to SafeMap");
        assertThat(driver.findElements(By.cssSelector(".feed-card"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector(".feed-list a")).stream()
                        .map(WebElement::getText)
                        .toList())
                .contains("Ambulance assault call-outs", "A&E assaults (ISTV)");
        accessible("readable");
        screenshots("readable");
        driver.findElement(By.cssSelector(".feed-list"))
                .findElement(By.linkText("Ambulance assault call-outs"))
                .click();
        page("feed");
        assertThat(driver.findElements(By.id("upload-form"))).isEmpty();
        assertThat(driver.findElement(By.id("no-upload")).getText())
                .startsWith("You may read this feed\u2019s files; "
                        + "only Regional ambulance service NHS trust (example)\u2019s custodians");
        driver.findElement(By.linkText("Batch " + calls)).click();
        page("batch");
        assertThat(driver.findElement(By.id("references-note")).getText())
                .startsWith("The partner\u2019s references " + "(incident_ref) are shown as keyed hashes");
        List<List<String>> hashed = rows(".quarantine-rows tbody tr");
        assertThat(hashed).hasSize(2);
        assertThat(hashed.get(0).get(3))
                .matches("hmac:[0-9a-f]{32},2022-03-05 23:45.*")
                .doesNotContain("AMB-REF");
        assertThat(hashed.get(1).get(3)).doesNotContain("AMB-REF");
        assertThat(driver.findElements(By.cssSelector(".quarantine-rows thead th"))
                        .get(3)
                        .getText())
                .isEqualTo("Row, references hashed");
        assertThat(Sql.rows(
                                db,
                                "SELECT actor, detail->>'references' FROM audit_log WHERE action = 'api.quarantine' "
                                        + "AND resource LIKE ? ORDER BY seq",
                                "/api/feeds/ambulance/batches/" + calls + "/quarantine%")
                        .stream()
                        .map(Object::toString)
                        .toList())
                .containsExactly("[amb-custodian, true]", "[csp-analyst, false]");
        accessible("batch-hashed");
        screenshots("batch-hashed");

        // Another partner's usage report is refused in the server's words.
        driver.get(base + "/#custodian/usage/partner=nhs-ed");
        page("usage");
        assertThat(driver.findElement(By.cssSelector(".problem[role=alert]")).getText())
                .startsWith("SafeMap did not allow this.")
                .contains("'nhs-ed'");
        noConsoleErrors(m -> m.contains("/api/audit/usage") && m.contains("403"));
    }

    // ------------------------------------------------------------------------------------------------ helpers
    private void browser() {
        driver = Browser.start(1366, 768);
        viewport(1366, 768);
    }

    /** Sizes the window so the page itself has {@code width} x {@code height} pixels, as a full-screen browser. */
    private void viewport(int width, int height) {
        Dimension outer = driver.manage().window().getSize();
        long innerWidth = (Long) driver.executeScript("return window.innerWidth");
        long innerHeight = (Long) driver.executeScript("return window.innerHeight");
        driver.manage()
                .window()
                .setSize(new Dimension(
                        outer.width + width - (int) innerWidth, outer.height + height - (int) innerHeight));
    }

    private WebDriverWait wait(int seconds) {
        return Browser.waitUpTo(driver, seconds);
    }

    private void signIn(String login, String purpose) {
        Browser.signIn(driver, login, PASSWORD, purpose);
    }

    /** Waits until the custodian page {@code view} has loaded. */
    private void page(String view) {
        try {
            wait(30).until(d ->
                    (view + ":ready").equals(d.findElement(By.tagName("body")).getAttribute("data-custodian")));
        } catch (TimeoutException e) {
            try {
                Browser.screenshot(driver, "custodian-failed-" + view);
            } catch (java.io.IOException ignored) {
                // the assertion below says what matters
            }
            driver.manage().logs().get(LogType.BROWSER).getAll().forEach(l -> System.out.println("browser: " + l));
            throw new AssertionError(
                    "the " + view + " page did not finish loading: it is '"
                            + driver.findElement(By.tagName("body")).getAttribute("data-custodian") + "' at "
                            + driver.getCurrentUrl() + ", showing: "
                            + driver.findElement(By.tagName("body")).getText(),
                    e);
        }
    }

    private List<List<String>> rows(String css) {
        List<List<String>> out = new ArrayList<>();
        for (WebElement tr : driver.findElements(By.cssSelector(css))) {
            out.add(tr.findElements(By.cssSelector("th, td")).stream()
                    .map(WebElement::getText)
                    .toList());
        }
        return out;
    }

    /** The row of the table captioned {@code caption} whose first cell is {@code first}. */
    private List<String> row(String caption, String first) {
        for (WebElement t : driver.findElements(By.cssSelector("table.data"))) {
            if (t.findElement(By.tagName("caption")).getText().equals(caption)) {
                for (WebElement tr : t.findElements(By.cssSelector("tbody tr"))) {
                    List<String> cells = tr.findElements(By.cssSelector("th, td")).stream()
                            .map(WebElement::getText)
                            .toList();
                    if (cells.get(0).equals(first)) {
                        return cells;
                    }
                }
                throw new AssertionError("table '" + caption + "' has no row '" + first + "'");
            }
        }
        throw new AssertionError("no table captioned '" + caption + "'");
    }

    /**
     * The map's URL once it has stopped moving: the map fits the boundaries as it becomes ready, and the URL follows
     * when that move ends, a moment later.
     */
    private String settledHash() throws InterruptedException {
        String before = (String) driver.executeScript("return location.hash");
        for (int i = 0; i < 20; i++) {
            Thread.sleep(500);
            String now = (String) driver.executeScript("return location.hash");
            if (now.equals(before)) {
                return now;
            }
            before = now;
        }
        throw new AssertionError("the map's URL kept changing: " + before);
    }

    /** The URLs (path and query) the page has fetched that start with {@code path}, in order. */
    @SuppressWarnings("unchecked")
    private List<String> resourcesFetched(String path) {
        return ((List<Object>) driver.executeScript(
                        "return performance.getEntriesByType('resource')"
                                + ".map(e => new URL(e.name)).map(u => u.pathname + u.search)"
                                + ".filter(u => u.startsWith(arguments[0]))",
                        path))
                .stream().map(String::valueOf).toList();
    }

    private static long batchId(String file) {
        return ((Number) Sql.value(db, "SELECT id FROM load_batch WHERE source_name = ?", file)).longValue();
    }

    /** No serious or critical axe-core violation on the page as shown. */
    private void accessible(String name) {
        assertThat(Axe.serious(driver))
                .as("serious accessibility violations on the " + name + " page")
                .isEmpty();
    }

    private void screenshots(String name) throws Exception {
        screenshots(name, null);
    }

    /** Screenshots at both sizes, each with {@code shown} (when given) scrolled into view at the foot. */
    private void screenshots(String name, WebElement shown) throws Exception {
        viewport(1280, 720);
        if (shown != null) {
            driver.executeScript("arguments[0].scrollIntoView({block: 'end'})", shown);
        }
        Browser.screenshot(driver, "custodian-" + name + "-1280x720");
        viewport(1366, 768);
        if (shown != null) {
            driver.executeScript("arguments[0].scrollIntoView({block: 'end'})", shown);
        }
        Browser.screenshot(driver, "custodian-" + name + "-1366x768");
    }

    /** Console errors, except the browser's own notes of refusals the test asked for. */
    private void noConsoleErrors(Predicate<String> expected) {
        List<String> errors =
                Browser.consoleErrors(driver).stream().filter(expected.negate()).toList();
        assertThat(errors).as("console errors").isEmpty();
    }
}
