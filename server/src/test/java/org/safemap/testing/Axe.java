package org.safemap.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Accessibility audits of the page a browser test has open, by axe-core (Deque, MPL-2.0): the axe.min.js that the
 * test-scoped Maven artifact {@code com.deque.html.axe-core:selenium} bundles, injected into the page and run against
 * WCAG 2.1 A and AA and axe's best practices.
 */
public final class Axe {
    private static final String SCRIPT = load();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One rule the page breaks: axe's rule id, its impact (minor, moderate, serious, critical) and where. */
    public record Violation(String id, String impact, String help, List<String> targets) {
        @Override
        public String toString() {
            return impact + " " + id + " (" + help + ") at " + targets;
        }
    }

    private Axe() {}

    /** Every violation on the page as it is now (hidden elements are not audited). */
    public static List<Violation> audit(WebDriver driver) {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript("if (!window.axe) { " + SCRIPT + "\n}");
        Object result = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
                + " 'best-practice']}}).then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id,"
                + " impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))})))),"
                + " e => done('axe failed: ' + e));");
        String text = String.valueOf(result);
        if (text.startsWith("axe failed")) {
            throw new AssertionError(text);
        }
        try {
            List<Violation> out = new ArrayList<>();
            for (JsonNode v : JSON.readTree(text)) {
                List<String> targets = new ArrayList<>();
                v.path("targets").forEach(t -> targets.add(t.asText()));
                out.add(new Violation(
                        v.path("id").asText(),
                        v.path("impact").asText(),
                        v.path("help").asText(),
                        targets));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The serious and critical violations: the ones a page must not have. */
    public static List<Violation> serious(WebDriver driver) {
        List<Violation> all = audit(driver);
        all.stream()
                .filter(v -> !v.impact().equals("serious") && !v.impact().equals("critical"))
                .forEach(v -> System.out.println("axe (not failing): " + v));
        return all.stream()
                .filter(v -> v.impact().equals("serious") || v.impact().equals("critical"))
                .toList();
    }

    private static String load() {
        try (InputStream in = Axe.class.getClassLoader().getResourceAsStream("axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("axe.min.js is not on the test classpath: the test dependency "
                        + "com.deque.html.axe-core:selenium brings it (mvn fetches it from Maven Central)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
