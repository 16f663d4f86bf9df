package org.safemap.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.sharing.Role;
import org.safemap.testing.Browser;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;

/**
 * Signing in and out of the viewer in Debian's headless Chromium: the dialog, its purposes from the server, a wrong
 * password's message, who is signed in, a change made from the page carrying the CSRF token, a cookie no script can
 * read, and signing out. A database of its own with no data: only identity is on trial here.
 */
class SignInE2EIT {
    private static final String PASSWORD = "the viewer test's password";

    @AutoClose
    private static Database db;

    private static App app;
    private static String base;

    @BeforeAll
    static void start() {
        db = TestDatabase.fresh("sign_in_e2e");
        TestUsers.withPassword(db, "viewer-analyst", Role.ANALYST, "csp", PASSWORD);
        app = App.start(TestSettings.withOverrides(Map.of("SAFEMAP_BASEMAP_URL", "")), db);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void signsInWithAPurposeActsWithTheCsrfTokenAndSignsOut() throws Exception {
        ChromeDriver driver = Browser.start(1400, 900);
        try {
            // signing in and out reloads the page: an element found just before the reload goes stale
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
            wait.ignoring(StaleElementReferenceException.class);
            // A shared link naming two partner layers the public is not offered: it says so, and keeps them.
            driver.get(base + "/#l=lsoa-boundaries,density-all,incident-counts");
            wait.until(
                    d -> "Public view".equals(d.findElement(By.id("auth-who")).getText()));
            wait.until(d -> d.findElement(By.id("hidden-layers")).isDisplayed());
            assertThat(driver.findElement(By.id("hidden-layers")).getText())
                    .isEqualTo("2 layers in this link need you to sign in. Sign in and they will be shown; the link "
                            + "keeps them.");
            assertThat(driver.findElements(By.id("layer-density-all"))).isEmpty();
            // Moving the map rewrites the address: the hidden layers stay in it.
            driver.findElement(By.id("map")).sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT);
            wait.until(d -> d.getCurrentUrl().contains("map=")
                    && d.getCurrentUrl().contains("l=lsoa-boundaries%2Cdensity-all%2Cincident-counts"));
            WebElement signIn = driver.findElement(By.id("sign-in"));
            assertThat(signIn.isDisplayed()).isTrue();
            assertThat(driver.findElement(By.id("sign-out")).isDisplayed()).isFalse();

            signIn.click();
            wait.until(d -> d.findElement(By.id("sign-in-dialog")).isDisplayed());
            // keyboard users land in the first field; the purposes are the protocols' own
            assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("sign-in-login");
            Select purpose = new Select(driver.findElement(By.id("sign-in-purpose")));
            assertThat(purpose.getOptions().stream()
                            .map(o -> o.getAttribute("value"))
                            .toList())
                    .contains("", "strategic-assessment", "tasking", "problem-solving", "evaluation");

            driver.findElement(By.id("sign-in-login")).sendKeys("viewer-analyst");
            driver.findElement(By.id("sign-in-password")).sendKeys("not the password at all");
            driver.findElement(By.id("sign-in-submit")).click();
            WebElement error = driver.findElement(By.id("sign-in-error"));
            wait.until(d -> !error.getText().isBlank());
            assertThat(error.getText()).contains("login or password is not right");
            assertThat(error.getAttribute("role")).isEqualTo("alert");

            driver.findElement(By.id("sign-in-password")).sendKeys(PASSWORD);
            purpose.selectByValue("tasking");
            screenshot(driver, "sign-in-dialog");
            driver.findElement(By.id("sign-in-submit")).click();
            wait.until(d -> d.findElement(By.id("auth-who")).getText().startsWith("Signed in as"));
            assertThat(driver.findElement(By.id("auth-who")).getText())
                    .isEqualTo("Signed in as viewer-analyst (analyst, csp) for tasking");
            assertThat(driver.findElement(By.id("sign-out")).isDisplayed()).isTrue();
            assertThat(driver.findElement(By.id("sign-in")).isDisplayed()).isFalse();
            // Signed in, the link's layers are back, switched on as the link asked.
            wait.until(d -> d.findElement(By.id("layer-density-all")).isSelected()
                    && d.findElement(By.id("layer-incident-counts")).isSelected());
            assertThat(driver.findElement(By.id("hidden-layers")).isDisplayed()).isFalse();
            screenshot(driver, "signed-in");

            // HttpOnly: the page's scripts cannot read the session id
            assertThat((String) js(driver, "return document.cookie")).doesNotContain("safemap_session");
            // a change made by the page's own fetch carries X-CSRF-Token, so the server accepts it
            Object status = ((JavascriptExecutor) driver)
                    .executeAsyncScript(
                            "const done = arguments[0];"
                                    + "fetch('/api/tokens', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                                    + " body: JSON.stringify({name: 'made in the viewer'})}).then(r => done(r.status), e => done(String(e)));");
            assertThat(status).isEqualTo(201L);
            assertThat(Sql.count(db, "SELECT count(*) FROM api_token WHERE name = 'made in the viewer'"))
                    .isEqualTo(1);
            assertThat(Sql.count(
                            db,
                            "SELECT count(*) FROM user_session s JOIN app_user u ON u.id = s.user_id "
                                    + "WHERE u.login = 'viewer-analyst' AND s.purpose = 'tasking'"))
                    .isEqualTo(1);

            driver.findElement(By.id("sign-out")).click();
            wait.until(
                    d -> "Public view".equals(d.findElement(By.id("auth-who")).getText()));
            assertThat(driver.findElement(By.id("sign-in")).isDisplayed()).isTrue();
            assertThat(Sql.count(
                            db,
                            "SELECT count(*) FROM user_session s JOIN app_user u ON u.id = s.user_id "
                                    + "WHERE u.login = 'viewer-analyst'"))
                    .isZero();

            // a session the server ends while the page is open (expiry, an admin disabling the user): the page's next
            // request is refused, and the page says so and offers to sign in again
            driver.findElement(By.id("sign-in")).click();
            wait.until(d -> d.findElement(By.id("sign-in-dialog")).isDisplayed());
            driver.findElement(By.id("sign-in-login")).sendKeys("viewer-analyst");
            driver.findElement(By.id("sign-in-password")).sendKeys(PASSWORD);
            driver.findElement(By.id("sign-in-submit")).click();
            wait.until(d -> d.findElement(By.id("auth-who")).getText().startsWith("Signed in as"));
            Sql.execute(db, "DELETE FROM user_session");
            ((JavascriptExecutor) driver)
                    .executeAsyncScript("const done = arguments[0];"
                            + "fetch('/api/tokens').then(r => done(r.status), e => done(String(e)));");
            wait.until(d -> "Your session has ended: sign in again"
                    .equals(d.findElement(By.id("auth-who")).getText()));
            assertThat(driver.findElement(By.id("sign-in")).isDisplayed()).isTrue();
            assertThat(driver.findElement(By.id("sign-out")).isDisplayed()).isFalse();

            // no console errors but the browser's own notes of refused requests (401: the refused sign-in, and
            // whatever the page was still fetching when a sign-out or the deleted sessions ended its session; which
            // those are depends on timing) and of the boundaries this empty database does not have (404)
            List<String> errors = Browser.consoleErrors(driver).stream()
                    .filter(m -> !(m.contains("/api/") && m.contains("status of 401")))
                    .filter(m -> !(m.contains("/api/areas?") && m.contains("404")))
                    .toList();
            assertThat(errors).as("console errors").isEmpty();
        } finally {
            driver.quit();
        }
    }

    private static Object js(ChromeDriver driver, String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private static void screenshot(ChromeDriver driver, String name) throws Exception {
        Browser.screenshot(driver, "viewer-" + name);
    }
}
