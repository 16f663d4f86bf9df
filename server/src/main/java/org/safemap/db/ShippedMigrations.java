package org.safemap.db;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The schema migrations this build ships (every {@code db/migration/*.sql} on the class path, where Flyway finds them)
 * and whether a database's schema history already holds exactly them: every versioned file applied with the same
 * checksum, every repeatable file's latest application with its current checksum, and nothing else. When it does,
 * Flyway would find nothing to do, so a command can skip it: loading and running Flyway (class path scan, lock,
 * validation) is over a second of a cold command's start, where this is one query and a CRC of 20 small files.
 *
 * <p>A false "not current" only costs a migrate as before; so anything this does not recognise (a baseline, an
 * undo, a failed row, a history table missing, a version the build does not ship) answers "not current" and leaves
 * the decision, and any error message, to Flyway.
 */
final class ShippedMigrations {
    static final String LOCATION = "db/migration";

    /** The history, oldest first, so a repeatable file's last application wins. */
    private static final String HISTORY = """
            SELECT version, script, checksum, type, success FROM flyway_schema_history ORDER BY installed_rank""";

    /** Script name to checksum, as Flyway records them. */
    private final Map<String, Integer> versioned;

    private final Map<String, Integer> repeatable;

    private ShippedMigrations(Map<String, Integer> versioned, Map<String, Integer> repeatable) {
        this.versioned = versioned;
        this.repeatable = repeatable;
    }

    /** The migrations on this class's class path; none (so never "applied") when they cannot be listed. */
    static ShippedMigrations onClassPath() {
        return on(ShippedMigrations.class.getClassLoader());
    }

    /** The migrations on {@code loader}'s path, in folders or jars; none when they cannot be listed. */
    static ShippedMigrations on(ClassLoader loader) {
        Map<String, Integer> versioned = new TreeMap<>();
        Map<String, Integer> repeatable = new TreeMap<>();
        try {
            for (URL root : Collections.list(loader.getResources(LOCATION))) {
                for (String name : names(root)) {
                    if (!name.endsWith(".sql")) {
                        continue;
                    }
                    try (InputStream in = loader.getResourceAsStream(LOCATION + "/" + name)) {
                        int checksum = checksum(in);
                        if (name.startsWith("V")) {
                            versioned.put(name, checksum);
                        } else if (name.startsWith("R")) {
                            repeatable.put(name, checksum);
                        }
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return new ShippedMigrations(Map.of(), Map.of());
        }
        return new ShippedMigrations(versioned, repeatable);
    }

    /** How many files are shipped, versioned and repeatable. */
    int size() {
        return versioned.size() + repeatable.size();
    }

    /** The highest version shipped, as Flyway writes it ("19" for V19__...); null when none is or one is not a number. */
    String latestVersion() {
        try {
            return versioned.keySet().stream()
                    .map(ShippedMigrations::version)
                    .max(ShippedMigrations::compareVersions)
                    .orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** "V1_2__name.sql" to "1.2", as Flyway reads a versioned file's name. */
    static String version(String script) {
        int end = script.indexOf("__");
        return script.substring(1, end < 0 ? script.length() : end).replace('_', '.');
    }

    /** Dotted versions part by part, numerically, as Flyway orders them. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    /**
     * Whether the database's schema history holds exactly these migrations (see the class comment); false, never an
     * error, when it cannot tell.
     */
    boolean applied(Connection c) {
        if (versioned.isEmpty()) {
            return false;
        }
        Map<String, Integer> seenVersioned = new HashMap<>();
        Map<String, Integer> seenRepeatable = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(HISTORY)) {
            while (rs.next()) {
                String version = rs.getString(1);
                String script = rs.getString(2);
                int checksum = rs.getInt(3);
                boolean noChecksum = rs.wasNull();
                String type = rs.getString(4);
                if (!"SQL".equals(type) || noChecksum || !rs.getBoolean(5)) {
                    return false; // a baseline, a Java migration, an undo, a failure: Flyway's to judge
                }
                (version == null ? seenRepeatable : seenVersioned).put(script, checksum);
            }
        } catch (SQLException e) {
            return false; // no history table yet, or unreadable: Flyway will say
        }
        return seenVersioned.equals(versioned) && seenRepeatable.equals(repeatable);
    }

    /**
     * Flyway's checksum of a migration: CRC-32 over the UTF-8 bytes of each line without its line break, a leading
     * byte order mark dropped (Flyway's {@code ChecksumCalculator}). Should Flyway ever change it, the history no longer
     * matches and every command migrates as before, which MigrationIT notices.
     */
    static int checksum(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096);
        String line = reader.readLine();
        if (line != null && line.startsWith("\uFEFF")) {
            line = line.substring(1);
        }
        for (; line != null; line = reader.readLine()) {
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }

    /** The file names directly under {@code root}, a folder (classes, tests) or a folder in a jar. */
    private static List<String> names(URL root) throws IOException {
        if (root.getProtocol().equals("file")) {
            try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
                return files.map(p -> p.getFileName().toString()).toList();
            } catch (URISyntaxException e) {
                throw new IOException("unreadable location " + root, e);
            }
        }
        if (root.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) root.openConnection();
            connection.setUseCaches(false);
            // the folder's entry is "db/migration/" when the jar lists folders (as Maven's do), else as asked
            String entry = connection.getEntryName();
            String prefix = entry.endsWith("/") ? entry : entry + "/";
            try (JarFile jar = connection.getJarFile()) {
                List<String> out = new ArrayList<>();
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                        out.add(name.substring(prefix.length()));
                    }
                }
                return out;
            }
        }
        throw new IOException("migrations at " + root + " cannot be listed");
    }
}
