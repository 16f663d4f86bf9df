package org.safemap.bench;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * How soon the viewer works, measured in Debian's headless Chromium against a running server (docs/performance.md):
 * for each of N fresh browsers, the page's own marks (body data-interactive-ms: controls built and the month's data
 * requested; data-ready-ms: boundaries and every incident drawn; both from navigation start) on the first visit
 * (cold browser) and on a second visit in the same browser (as a returning user).
 * Run: {@code server/src/bench/viewer.sh [URL] [N]}.
 */
public final class ViewerLoadBench {
    private ViewerLoadBench() {}

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8080/";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 11;
        List<long[]> cold = new ArrayList<>();
        List<long[]> warm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ChromeOptions o = new ChromeOptions();
            o.setBinary("/usr/bin/chromium");
            o.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--window-size=1400,900",
                    "--no-first-run",
                    "--disable-background-networking");
            ChromeDriver d = new ChromeDriver(
                    new ChromeDriverService.Builder()
                            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                            .usingAnyFreePort()
                            .build(),
                    o);
            try {
                cold.add(visit(d, url));
                d.get("about:blank");
                warm.add(visit(d, url));
            } finally {
                d.quit();
            }
        }
        report("first visit (new browser)", cold);
        report("second visit (same browser)", warm);
    }

    private static long[] visit(ChromeDriver d, String url) {
        d.get(url);
        new WebDriverWait(d, Duration.ofSeconds(60))
                .until(x -> x.findElement(By.tagName("body")).getAttribute("data-ready-ms") != null);
        return new long[] {
            Long.parseLong(d.findElement(By.tagName("body")).getAttribute("data-interactive-ms")),
            Long.parseLong(d.findElement(By.tagName("body")).getAttribute("data-ready-ms"))
        };
    }

    private static void report(String what, List<long[]> runs) {
        List<Long> interactive = new ArrayList<>();
        List<Long> ready = new ArrayList<>();
        runs.forEach(r -> {
            interactive.add(r[0]);
            ready.add(r[1]);
        });
        System.out.printf("%s: interactive %s, ready %s%n", what, interactive, ready);
        Collections.sort(interactive);
        Collections.sort(ready);
        System.out.printf(
                "%s: median interactive %d ms, median ready %d ms (n %d)%n",
                what, interactive.get(interactive.size() / 2), ready.get(ready.size() / 2), runs.size());
    }
}
