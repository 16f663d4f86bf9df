package org.safemap.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.sharing.Role;
import org.safemap.testing.Axe;
import org.safemap.testing.Browser;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;

/**
 * The action log in Debian's headless Chromium, signed in for real on the demo data: a tasking member records an
 * action from an area's profile and another on the log's own page, changes one's status there, and each lands in the
 * database and the audit log; an analyst who declared another purpose is told plainly they may not record one. The
 * page passes an axe-core audit with no serious violation; screenshots in target/test-artefacts/actions-*.png.
 */
class ActionsE2EIT {
    private static final String PASSWORD = "the action log test's password";
    private static Database db;

    @AutoClose
    private static App app;

    private static String base;
    private static String lsoa;
    /** This test's browser, quit after it (a test that quits one midway starts another). */
    @AutoClose("quit")
    private ChromeDriver driver;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        TestUsers.withPassword(db, "e2e-tasking", Role.TASKING, null, PASSWORD);
        TestUsers.withPassword(db, "e2e-analyst", Role.ANALYST, "csp", PASSWORD);
        // no basemap: the test machine has no internet, and the page's console must stay clean
        app = App.start(TestSettings.withOverrides(Map.of("SAFEMAP_BASEMAP_URL", "")), db);
        base = "http://127.0.0.1:" + app.port();
        // not the first LSOA, which other tests of the action log use
        lsoa = (String) Sql.value(db, "SELECT code FROM area WHERE level = 'lsoa' ORDER BY code OFFSET 7 LIMIT 1");
    }

    @Test
    void aTaskingMemberRecordsActionsFromTheProfileAndTheLogPageAndChangesOne() throws Exception {
        browser();
        driver.get(base + "/#a=lsoa%3A" + lsoa);
        signIn("e2e-tasking", "tasking");
        WebElement section = wait(60).until(d -> {
            List<WebElement> s = d.findElements(By.cssSelector("#profile .actions-here[data-actions=ready]"));
            return s.isEmpty() ? null : s.get(0);
        });
        int before = section.findElements(By.cssSelector("tr[data-action]")).size();
        if (before == 0) {
            assertThat(section.getText()).contains("No actions recorded.");
        }
        section.findElement(By.tagName("summary")).click();
        fill(section, "problem", "Shoplifting at the parade's late shops");
        fill(section, "action", "Joint patrols on Thursday evenings");
        fill(section, "agency", "Merseyside Police");
        fill(section, "owner", "Sgt A. Example");
        section.findElement(By.cssSelector("button[type=submit]")).click();
        wait(20).until(d ->
                section.findElements(By.cssSelector("tr[data-action]")).size() == before + 1);
        assertThat(Sql.rows(
                        db,
                        "SELECT area_code, agency, owner, status, created_by FROM tasking_action WHERE problem = ?",
                        "Shoplifting at the parade's late shops"))
                .containsExactly(List.of(lsoa, "Merseyside Police", "Sgt A. Example", "open", "e2e-tasking"));
        shot("profile");

        // The log's own page: every action, a new one for another area, and a change of status.
        driver.findElement(By.linkText("The whole action log")).click();
        WebElement page = ready();
        assertThat(driver.getCurrentUrl()).contains("actions.html#area=" + lsoa);
        assertThat(page.findElements(By.cssSelector("tr[data-action]"))).hasSize(before + 1);
        String other = (String) Sql.value(db, "SELECT max(code) FROM area WHERE level = 'lsoa'");
        WebElement form = page.findElement(By.cssSelector("form.action-form"));
        fill(form, "area", other);
        fill(form, "problem", "Fly-tipping behind the flats");
        fill(form, "action", "Cameras and a clean-up");
        fill(form, "agency", "Council environment team");
        fill(form, "owner", "B. Example");
        // a date input's typed order follows the browser's locale; its value is always ISO
        driver.executeScript("arguments[0].value = '2022-06-10'", form.findElement(By.cssSelector("[id$='-agreed']")));
        driver.executeScript("arguments[0].value = '2022-09-30'", form.findElement(By.cssSelector("[id$='-due']")));
        form.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement said = form.findElement(By.cssSelector("[role=alert]"));
        try {
            wait(20).until(d -> said.getText().startsWith("Recorded action"));
        } finally {
            shot("log-recorded");
        }
        assertThat(said.getText()).startsWith("Recorded action");
        assertThat(Sql.rows(db, "SELECT agreed_on::text, due_on::text FROM tasking_action WHERE area_code = ?", other))
                .containsExactly(List.of("2022-06-10", "2022-09-30"));

        Select area = new Select(driver.findElement(By.id("actions-status")));
        area.selectByValue("");
        driver.findElement(By.id("actions-area")).clear();
        driver.findElement(By.cssSelector("form.action-filters button[type=submit]"))
                .click();
        WebElement all = ready();
        wait(20).until(d -> all.findElements(By.cssSelector("tr[data-action]")).size() >= 2);
        long id = (Long) Sql.value(
                db, "SELECT id FROM tasking_action WHERE problem = ?", "Shoplifting at the parade's late shops");
        new Select(driver.findElement(By.id("action-status-" + id))).selectByVisibleText("Done");
        driver.findElement(By.id("action-notes-" + id)).sendKeys("Two arrests; shops report fewer thefts");
        driver.findElement(By.cssSelector("tr[data-action='" + id + "'] button.action-save"))
                .click();
        wait(20).until(d -> "done".equals(Sql.value(db, "SELECT status FROM tasking_action WHERE id = ?", id)));
        // The audit entry is written just after the change commits, in its own transaction: wait for it too.
        wait(20).until(d -> Sql.count(
                        db,
                        "SELECT count(*) FROM audit_log WHERE actor = 'e2e-tasking' AND action = 'actions.update' "
                                + "AND resource = ?",
                        "/api/actions/" + id)
                == 1);
        assertThat(driver.findElement(By.id("actions-csv")).getAttribute("href"))
                .endsWith("/api/actions?format=csv");
        assertThat(Axe.serious(driver))
                .as("serious accessibility violations on the action log")
                .isEmpty();
        shot("log");
        noConsoleErrors();
    }

    @Test
    void aTaskingMemberRecordsAnActionFromTheHtmlPacksHotspot() throws Exception {
        // the second busiest LSOA in July: it is its own pack's hot spot 1
        String busy = (String) Sql.value(db, """
                SELECT lsoa_code FROM incident WHERE feed = 'police-uk'
                  AND event_from >= timestamptz '2022-07-01 00:00 Europe/London'
                  AND event_from < timestamptz '2022-08-01 00:00 Europe/London'
                GROUP BY lsoa_code ORDER BY count(*) DESC, lsoa_code OFFSET 1 LIMIT 1""");
        browser();
        driver.get(base + "/actions.html");
        signIn("e2e-tasking", "tasking");
        ready();
        driver.get(base + "/api/packs?area=lsoa:" + busy + "&period=2022-07&feeds=police-uk&top=1&format=html");
        wait(120)
                .until(d -> !d.findElements(By.partialLinkText("Record an action for hot spot 1"))
                        .isEmpty());
        assertThat(driver.findElements(By.tagName("script"))).isEmpty();
        // the pack names no icon, so Chromium asks for /favicon.ico, late: the server points it at the viewer's
        // icon, so no error shows here or on the next page (reading the log empties it for the page after)
        assertThat(Browser.consoleErrors(driver))
                .as("console errors showing the pack")
                .isEmpty();
        driver.findElement(By.partialLinkText("Record an action for hot spot 1"))
                .click();
        WebElement page = ready();
        WebElement form = page.findElement(By.cssSelector("form.action-form"));
        assertThat(form.findElement(By.cssSelector("[id$='-area']")).getAttribute("value"))
                .isEqualTo(busy);
        String problem = form.findElement(By.cssSelector("[id$='-problem']")).getAttribute("value");
        assertThat(problem).startsWith("Hot spot 1 of the ").contains("tasking pack for July 2022", busy);
        assertThat(driver.switchTo().activeElement().getAttribute("id")).endsWith("-action");
        fill(form, "action", "Licensing visits to the late bars");
        fill(form, "agency", "Liverpool City Council licensing");
        fill(form, "owner", "C. Example");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement said = form.findElement(By.cssSelector("[role=alert]"));
        wait(20).until(d -> said.getText().startsWith("Recorded action"));
        shot("from-pack");
        assertThat(Sql.rows(
                        db,
                        "SELECT area_code, problem, created_by FROM tasking_action WHERE action = ?",
                        "Licensing visits to the late bars"))
                .containsExactly(List.of(busy, problem, "e2e-tasking"));
        long id = (Long)
                Sql.value(db, "SELECT id FROM tasking_action WHERE action = ?", "Licensing visits to the late bars");
        wait(20).until(d -> Sql.count(
                        db,
                        "SELECT count(*) FROM audit_log WHERE actor = 'e2e-tasking' AND action = 'actions.create' "
                                + "AND resource = ?",
                        "/api/actions/" + id)
                == 1);
        noConsoleErrors();
    }

    @Test
    void anAnalystWhoDeclaredAnotherPurposeIsToldTheyMayNotRecord() {
        browser();
        driver.get(base + "/actions.html");
        signIn("e2e-analyst", "strategic-assessment");
        WebElement page = ready();
        WebElement form = page.findElement(By.cssSelector("form.action-form"));
        fill(form, "area", lsoa);
        fill(form, "problem", "Not allowed");
        fill(form, "action", "Anything");
        fill(form, "agency", "Anyone");
        fill(form, "owner", "Nobody");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait(20).until(d ->
                form.findElement(By.cssSelector("[role=alert]")).getText().contains("tasking or problem-solving"));
        assertThat(Sql.count(db, "SELECT count(*) FROM tasking_action WHERE problem = 'Not allowed'"))
                .isZero();
    }

    /** The field labelled for {@code name} in {@code form} (ids end with it). */
    private static void fill(WebElement form, String name, String text) {
        WebElement input = form.findElement(By.cssSelector("[id$='-" + name + "']"));
        input.clear();
        input.sendKeys(text);
    }

    private WebElement ready() {
        return wait(30).until(d -> {
            WebElement p = d.findElement(By.id("action-page"));
            return "ready".equals(p.getAttribute("data-actions")) ? p : null;
        });
    }

    private void browser() {
        driver = Browser.start(1366, 768);
    }

    private WebDriverWait wait(int seconds) {
        return Browser.waitUpTo(driver, seconds);
    }

    private void signIn(String login, String purpose) {
        Browser.signIn(driver, login, PASSWORD, purpose);
    }

    private void shot(String name) throws Exception {
        Browser.screenshot(driver, "actions-" + name + "-1366x768");
    }

    private void noConsoleErrors() {
        assertThat(Browser.consoleErrors(driver)).as("console errors").isEmpty();
    }
}
