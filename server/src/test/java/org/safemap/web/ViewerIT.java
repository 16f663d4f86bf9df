package org.safemap.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;

/**
 * The viewer in a real browser (Debian's headless Chromium): the page must draw the demo LSOAs and the latest
 * month's incidents, and say so when the basemap cannot load, as on an offline machine. The page marks what it
 * drew on its body element; a screenshot is kept in target/test-artefacts.
 */
class ViewerIT {
    private static final Path ARTEFACTS =
            Path.of(System.getProperty("safemap.test.artefacts", "target/test-artefacts"));

    @Test
    void drawsTheDemoAreasAndIncidentsAndSaysWhenTheBasemapIsUnreachable() throws Exception {
        Database db = TestData.demoDatabase();
        int closedPort = Http.freePort(); // nothing listens here: every basemap tile fails, as offline
        try (App app = App.start(
                TestSettings.withOverrides(
                        Map.of("SAFEMAP_BASEMAP_URL", "http://127.0.0.1:" + closedPort + "/{z}/{x}/{y}.png")),
                db)) {
            String url = "http://127.0.0.1:" + app.port() + "/";
            String dom = browser(url, "--dump-dom");
            // Nobody signed in: the public map, which holds the open feeds only under the built-in protocols.
            long july = Sql.count(
                    db,
                    "SELECT count(*) FROM incident WHERE event_from < '2022-08-01 00:00 Europe/London' "
                            + "AND (event_to > '2022-07-01 00:00 Europe/London' OR event_from >= '2022-07-01 00:00 Europe/London') "
                            + "AND feed IN ('police-uk', 'btp')");
            assertThat(dom).contains("data-ready=\"true\"");
            assertThat(dom).contains("data-areas=\"" + TestData.DEMO_LSOAS + "\"");
            assertThat(dom).contains("data-incidents=\"" + july + "\"");
            assertThat(dom).contains("The basemap could not be loaded");
            assertThat(dom).contains(String.format("%,d incidents shown for July 2022.", july));
            Files.createDirectories(ARTEFACTS);
            browser(url, "--screenshot=" + ARTEFACTS.resolve("viewer-offline.png"), "--window-size=1400,900");
            assertThat(Files.size(ARTEFACTS.resolve("viewer-offline.png"))).isGreaterThan(10_000);
        }
    }

    @Test
    void saysSoWhenNoBasemapIsConfigured() throws Exception {
        Database db = TestData.demoDatabase();
        try (App app = App.start(
                TestSettings.withOverrides(Map.of("SAFEMAP_BASEMAP_URL", "")),
                db,
                TestPrincipals.fixed(TestPrincipals.CSP_ANALYST))) {
            String dom = browser("http://127.0.0.1:" + app.port() + "/", "--dump-dom");
            assertThat(dom).contains("data-ready=\"true\"", "No basemap is configured");
        }
    }

    /** Runs headless Chromium on the page with virtual time, so the page's fetches and drawing finish first. */
    private static String browser(String url, String... action) throws IOException, InterruptedException {
        Path chromium = chromium();
        Path profile = Files.createTempDirectory("safemap-chromium");
        List<String> command = new ArrayList<>(List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=20000"));
        command.addAll(List.of(action));
        command.add(url);
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return out;
    }

    private static Path chromium() {
        for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new AssertionError(
                "the viewer test needs Chromium: ./safemap test installs it on Debian " + "(apt-get install chromium)");
    }
}
