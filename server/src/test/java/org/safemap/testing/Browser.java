package org.safemap.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its ChromeDriver (Selenium), opened the same way by every end-to-end test
 * of the pages: one set of switches, the browser console kept for {@link #consoleErrors}, screenshots written under
 * {@link #ARTEFACTS}, and signing in through the viewer's dialog. Accessibility audits are {@link Axe}'s.
 */
public final class Browser {
    /** Where screenshots and other artefacts of the browser tests go: {@code safemap.test.artefacts}, if set. */
    public static final Path ARTEFACTS = Path.of(System.getProperty("safemap.test.artefacts", "target/test-artefacts"));

    private Browser() {}

    /**
     * A new headless Chromium whose window is {@code width} by {@code height} pixels, in British English, every
     * console message kept and scripts allowed 30 seconds. The caller quits it.
     */
    public static ChromeDriver start(int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("/usr/bin/chromium", "/usr/bin/chromium-browser"));
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--window-size=" + width + "," + height,
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
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** A wait of up to {@code seconds} that looks again when the page has replaced the element it was reading. */
    public static WebDriverWait waitUpTo(WebDriver driver, int seconds) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /**
     * Signs in through the viewer's dialog from the public view, as {@code login} for {@code purpose} (a protocol
     * purpose the dialog offers); the page reloads as that user, and this returns once it says who is signed in.
     */
    public static void signIn(WebDriver driver, String login, String password, String purpose) {
        waitUpTo(driver, 20)
                .until(d ->
                        "Public view".equals(d.findElement(By.id("auth-who")).getText()));
        driver.findElement(By.id("sign-in")).click();
        waitUpTo(driver, 10).until(d -> d.findElement(By.id("sign-in-dialog")).isDisplayed());
        driver.findElement(By.id("sign-in-login")).sendKeys(login);
        driver.findElement(By.id("sign-in-password")).sendKeys(password);
        new Select(driver.findElement(By.id("sign-in-purpose"))).selectByValue(purpose);
        driver.findElement(By.id("sign-in-submit")).click();
        waitUpTo(driver, 20)
                .until(d -> d.findElement(By.id("auth-who")).getText().startsWith("Signed in as"));
    }

    /**
     * The console's errors (level SEVERE), the browser's own notes of failed requests among them, logged since the
     * driver started or since the console was last read: reading it empties it.
     */
    public static List<String> consoleErrors(WebDriver driver) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    /** Writes what the page shows to {@code name}.png under {@link #ARTEFACTS}. */
    public static void screenshot(WebDriver driver, String name) throws IOException {
        Files.createDirectories(ARTEFACTS);
        Files.write(ARTEFACTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private static String executable(String... candidates) {
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        throw new AssertionError("the browser tests need Debian's chromium and chromium-driver; ./safemap test "
                + "installs them (apt-get install chromium chromium-driver)");
    }
}
