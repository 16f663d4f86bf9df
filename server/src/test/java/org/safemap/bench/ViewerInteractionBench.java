package org.safemap.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.safemap.testing.Browser;

/**
 * How fast the viewer answers an analyst, against issue 18's targets, in Debian's headless Chromium against a running
 * server (docs/performance.md, "Viewer"). Each of N fresh browsers opens the page, signs in, and times, inside the page
 * (performance.now(), polled each animation frame, so no WebDriver round trip is in a figure):
 *
 * <ul>
 *   <li><b>page ready</b>: the page's own mark (body data-ready-ms: boundaries and the month's incidents drawn);
 *   <li><b>search</b>: a postcode submitted until its answers are listed;
 *   <li><b>density first paint</b>: the all-incidents density switched on until every tile of it in view has loaded;
 *   <li><b>period step</b>: the period slider moved a month (what Play and the arrow keys do) until the new month's
 *       incidents are counted and every surface tile in view has loaded (target: a month change repainted in 300 ms;
 *       Play's own target, 1 s a step, is the same work);
 *   <li><b>filter change</b>: the category group changed, to the same point;
 *   <li><b>ranking</b>: Rank pressed until ten ranked LSOAs are listed (a stored-run reuse is not possible: each rank is
 *       a new run);
 *   <li><b>profile</b>: the top ranked row clicked until its profile has loaded.
 * </ul>
 *
 * Run: {@code server/src/bench/viewer.sh [URL] [N]} with the demo's analyst login in {@code SAFEMAP_BENCH_LOGIN} and
 * {@code SAFEMAP_BENCH_PASSWORD} (the script reads them from var/demo-logins.txt).
 */
public final class ViewerInteractionBench {
    private ViewerInteractionBench() {}

    /** Issue 18's targets, in milliseconds, in the order they are reported. */
    private static final Map<String, Long> TARGETS = new LinkedHashMap<>();

    static {
        TARGETS.put("page ready", 1500L);
        TARGETS.put("search", 200L);
        TARGETS.put("density first paint", 1000L);
        TARGETS.put("period step", 300L);
        TARGETS.put("filter change", 300L);
        TARGETS.put("ranking", 2000L);
        TARGETS.put("profile", 500L);
    }

    // Resolves (through the WebDriver async callback, the script's last argument) with the milliseconds from the
    // action to the first animation frame at which the condition holds, or -1 after 60 s.
    private static final String TIMED = """
            const done = arguments[arguments.length - 1];
            const condition = new Function(arguments[1]);
            const t0 = performance.now();
            window.__benchT0 = t0;
            new Function(arguments[0])();
            (function poll() {
              let ok = false;
              try { ok = condition(); } catch (e) { ok = false; }
              if (ok) { done(Math.round(performance.now() - t0)); return; }
              if (performance.now() - t0 > 60000) { done(-1); return; }
              requestAnimationFrame(poll);
            })();
            """;

    // Every SafeMap tile now on the map has loaded, and there is at least one.
    private static final String TILES_LOADED = """
            const tiles = [...document.querySelectorAll('.safemap-tiles img')];
            return tiles.length > 0 && tiles.every(t => t.classList.contains('leaflet-tile-loaded'));
            """;

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8080/";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String login = System.getenv().getOrDefault("SAFEMAP_BENCH_LOGIN", "demo-analyst");
        String password = System.getenv("SAFEMAP_BENCH_PASSWORD");
        String purpose = System.getenv().getOrDefault("SAFEMAP_BENCH_PURPOSE", "strategic-assessment");
        String postcode = System.getenv().getOrDefault("SAFEMAP_BENCH_POSTCODE", "L1 8JQ");
        if (password == null) {
            throw new IllegalArgumentException("set SAFEMAP_BENCH_PASSWORD (viewer.sh reads var/demo-logins.txt)");
        }
        Map<String, List<Long>> runs = new LinkedHashMap<>();
        TARGETS.keySet().forEach(k -> runs.put(k, new ArrayList<>()));
        for (int i = 0; i < n; i++) {
            ChromeDriver d = Browser.start(1400, 900);
            d.manage().timeouts().scriptTimeout(Duration.ofSeconds(90));
            try {
                d.get(url);
                ready(d);
                Browser.signIn(d, login, password, purpose);
                ready(d);
                Map<String, Long> one = visit(d, postcode);
                System.out.println("run " + (i + 1) + ": " + one);
                one.forEach((k, v) -> runs.get(k).add(v));
            } finally {
                d.quit();
            }
        }
        System.out.printf("%-20s %8s %8s %8s  %s%n", "step", "median", "min", "max", "target");
        runs.forEach((step, values) -> {
            List<Long> sorted = values.stream().sorted().toList();
            long median = sorted.get(sorted.size() / 2);
            long target = TARGETS.get(step);
            System.out.printf(
                    "%-20s %6d ms %5d ms %5d ms  %d ms %s%n",
                    step,
                    median,
                    sorted.get(0),
                    sorted.get(sorted.size() - 1),
                    target,
                    median >= 0 && median <= target ? "met" : "not met");
        });
    }

    private static Map<String, Long> visit(ChromeDriver d, String postcode) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("page ready", Long.parseLong(d.findElement(By.tagName("body")).getAttribute("data-ready-ms")));
        out.put(
                "search",
                timed(
                        d,
                        "const f = document.getElementById('find'); f.value = " + js(postcode) + ";"
                                + " document.getElementById('search-form').requestSubmit();",
                        "return document.querySelector('#search-results .search-hit, #search-results .error') != null;"));
        // The search moved the map to the postcode; the surfaces are timed over the city view the page opened on.
        d.navigate().refresh();
        ready(d);
        out.put("density first paint", timed(d, "document.getElementById('layer-density-all').click();", TILES_LOADED));
        pause();
        out.put(
                "period step",
                timed(
                        d,
                        "const s = document.getElementById('period'); s.value = String(Number(s.value) - 1);"
                                + " s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change'));",
                        settled()));
        pause();
        out.put(
                "filter change",
                timed(
                        d,
                        "const g = document.getElementById('group'); g.value = 'violence';"
                                + " g.dispatchEvent(new Event('change'));",
                        settled()));
        out.put(
                "ranking",
                timed(
                        d,
                        "document.getElementById('rank').click();",
                        "return document.querySelectorAll('#ranking .rank-row').length >= 10;"));
        out.put(
                "profile",
                timed(
                        d,
                        "delete document.getElementById('profile').dataset.records;"
                                + " document.querySelector('#ranking .rank-row').click();",
                        "return document.getElementById('profile').dataset.records !== undefined;"));
        return out;
    }

    /** The selection's incidents are counted under the label now shown, and every surface tile has loaded. */
    private static String settled() {
        return "const label = document.getElementById('period-label').textContent;"
                + " const s = document.getElementById('status').textContent;"
                + " if (!/^[0-9,]+ incidents shown for /.test(s) || !s.includes(label)) return false;"
                + TILES_LOADED;
    }

    private static long timed(ChromeDriver d, String action, String condition) {
        // A status left by the previous step must not satisfy this one's condition before the action has run.
        ((JavascriptExecutor) d)
                .executeScript(
                        "document.getElementById('status').textContent = ''; performance.clearResourceTimings();");
        Object ms = ((JavascriptExecutor) d).executeAsyncScript(TIMED, action, condition);
        if (TRACE) {
            System.out.println(((JavascriptExecutor) d).executeScript(TRACE_SCRIPT));
        }
        return ((Number) ms).longValue();
    }

    /**
     * SAFEMAP_BENCH_PAUSE_MS: how long the analyst looks at the map before a period step and before a filter change
     * (default 0: each straight after the step before it, the worst case, as the figures before December 2026 were
     * taken). The viewer fetches the months beside the one shown once the map is idle, which a pause lets happen.
     */
    private static final long PAUSE_MS = Long.parseLong(System.getenv().getOrDefault("SAFEMAP_BENCH_PAUSE_MS", "0"));

    private static void pause() {
        if (PAUSE_MS > 0) {
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SAFEMAP_BENCH_TRACE=1: after each step, the requests it made, from the page's resource timings. */
    private static final boolean TRACE = "1".equals(System.getenv("SAFEMAP_BENCH_TRACE"));

    // Each request begun since the step's action, in milliseconds from it: start, request sent, first byte, end,
    // bytes over the wire (0: from the browser's cache).
    private static final String TRACE_SCRIPT = """
            const t0 = window.__benchT0;
            return performance.getEntriesByType('resource').filter(e => e.startTime >= t0)
              .map(e => '  ' + [e.startTime, e.requestStart || e.fetchStart, e.responseStart, e.responseEnd]
                .map(v => String(Math.round(v - t0)).padStart(5)).join(' ') + ' ' + String(e.transferSize).padStart(8)
                + ' ' + e.name.replace(location.origin, '').slice(0, 110)).join('\\n');
            """;

    private static void ready(ChromeDriver d) {
        Browser.waitUpTo(d, 60)
                .until(x -> "true".equals(x.findElement(By.tagName("body")).getAttribute("data-ready")));
    }

    private static String js(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
