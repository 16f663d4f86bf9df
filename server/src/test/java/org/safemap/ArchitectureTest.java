package org.safemap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Packages import only packages below them, in the order docs/architecture.md gives (and ../shared/STYLE.md): a
 * reader sits below the logic that uses it, the numerical core below everything. Imports and fully qualified names in
 * code both count. Packages on one level do not use each other.
 */
class ArchitectureTest {
    /** Top to bottom. The root package's classes are placed by name: the entry points on top, the error and its codes at the bottom. */
    static final List<List<String>> LEVELS = List.of(
            List.of("Main"),
            List.of("cli"),
            List.of("App"),
            List.of("api"),
            List.of("Services"),
            List.of("pack", "export", "publish", "demo"),
            List.of("map"),
            List.of("actions"),
            List.of("runs"),
            List.of("ingest"),
            List.of("areas", "geocode"),
            List.of("sharing"),
            List.of("db"),
            List.of("files", "time", "config", "geo", "AppVersion"),
            List.of("hotspot"),
            List.of("SafemapException", "ErrorCode"));

    private static final Pattern PACKAGE =
            Pattern.compile("^package org\\.safemap(?:\\.([a-z]+))?;", Pattern.MULTILINE);
    /** A reference to a package of SafeMap's (org.safemap.x.) or a class of its root package (org.safemap.X). */
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.safemap\\.([a-z]+\\b|[A-Z]\\w*)");

    @Test
    void importsOnlyPointDown() throws IOException {
        Path root = Path.of("src/main/java/org/safemap");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .sorted()
                    .forEach(p -> violations.addAll(violations(p.toString(), read(p))));
        }
        assertThat(violations).as("upward or sideways imports").isEmpty();
    }

    @Test
    void aPlantedUpwardImportIsFound() {
        String planted = """
                package org.safemap.sharing;

                import org.safemap.map.LayerCatalogue;
                import org.safemap.db.Database;

                final class Planted {
                    org.safemap.runs.HotspotRunner runner;
                    org.safemap.SafemapException error;
                }
                """;
        assertThat(violations("Planted.java", planted))
                .containsExactly(
                        "Planted.java: sharing uses map (org.safemap.map)",
                        "Planted.java: sharing uses runs (org.safemap.runs)");
        assertThat(violations("Fine.java", "package org.safemap.hotspot;\n\nimport java.util.List;\n"))
                .isEmpty();
    }

    @Test
    void everyPackageHasItsLevel() throws IOException {
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(Path.of("src/main/java/org/safemap"))) {
            dirs.filter(Files::isDirectory)
                    .forEach(d -> packages.add(d.getFileName().toString()));
        }
        for (String p : packages) {
            assertThat(level(p))
                    .as("package %s is placed in ArchitectureTest.LEVELS", p)
                    .isNotNegative();
        }
    }

    /** The references of one source file that run up the levels, or across one level to another package. */
    static List<String> violations(String name, String source) {
        Matcher pm = PACKAGE.matcher(source);
        if (!pm.find()) {
            return List.of();
        }
        String from = pm.group(1) == null ? rootClass(name) : pm.group(1);
        int mine = level(from);
        TreeSet<String> found = new TreeSet<>();
        Matcher m = REFERENCE.matcher(source);
        while (m.find()) {
            String to = m.group(1);
            int theirs = level(to);
            if (to.equals(from) || theirs < 0) {
                continue;
            }
            if (theirs <= mine) {
                found.add(name + ": " + from + " uses " + to + " (org.safemap." + to + ")");
            }
        }
        return new ArrayList<>(found);
    }

    static int level(String packageOrRootClass) {
        for (int i = 0; i < LEVELS.size(); i++) {
            if (LEVELS.get(i).contains(packageOrRootClass)) {
                return i;
            }
        }
        return -1;
    }

    private static String rootClass(String fileName) {
        String n = Path.of(fileName).getFileName().toString();
        return n.endsWith(".java") ? n.substring(0, n.length() - 5) : n;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
