package org.safemap.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Reference data shipped with SafeMap, kept in CSV files under taxonomy/ (the common categories and how each
 * source's categories map onto them) and synced into the database after every migration. The mapping is data:
 * changing it needs no code, and every change is in version control.
 *
 * <p>Every command syncs, and almost always the database already holds exactly the shipped files; so the sync reads
 * first and writes only the rows that differ. A read-only command then writes nothing: no row versions, no dirtied
 * pages, no WAL and no commit to flush.
 */
public final class ReferenceData {
    private static final String CATEGORIES = "SELECT code, label, group_code, sort_order, description FROM category";
    private static final String UPSERT_CATEGORY = """
            INSERT INTO category (code, label, group_code, sort_order, description) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label, group_code = EXCLUDED.group_code,
                sort_order = EXCLUDED.sort_order, description = EXCLUDED.description""";
    private static final String MAPPINGS =
            "SELECT scheme, source_value, code FROM category_mapping WHERE scheme = ANY (?)";
    private static final String DELETE_MAPPING = "DELETE FROM category_mapping WHERE scheme = ? AND source_value = ?";
    private static final String UPSERT_MAPPING = """
            INSERT INTO category_mapping (scheme, source_value, code) VALUES (?, ?, ?)
            ON CONFLICT (scheme, source_value) DO UPDATE SET code = EXCLUDED.code""";

    /**
     * Taken, for its transaction, by a sync that has found something to write: two commands starting at once after an
     * upgrade then write one after the other, the second finding nothing left to do.
     */
    private static final long SYNC_LOCK = 0x5AFE_7A40L;

    /** One common category as categories.csv states it. */
    record Category(String code, String label, String group, int sortOrder, String description) {}

    private ReferenceData() {}

    /**
     * Brings the categories and each shipped scheme's mapping to the shipped files', writing only what differs: a
     * category missing or different is upserted (categories the files no longer name are kept: records may cite
     * them), and a scheme's mapping rows are deleted, added or changed to match its file. When nothing differs,
     * nothing is written.
     */
    public static void sync(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            List<Category> categories = shippedCategories();
            Map<String, Map<String, String>> schemes = shippedSchemes();
            if (current(c, categories, schemes)) {
                return;
            }
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + SYNC_LOCK + ")");
                }
                upsertChangedCategories(c, categories);
                for (Map.Entry<String, Map<String, String>> scheme : schemes.entrySet()) {
                    replaceScheme(c, scheme.getKey(), scheme.getValue());
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException | IOException e) {
            throw new DatabaseUnavailableException("cannot sync the taxonomy: " + e.getMessage(), e);
        }
    }

    /**
     * Makes one scheme's stored mapping equal {@code mapping} (source value to code, each stripped of outer spaces),
     * writing only the rows that differ; also used for the category maps of partner feed definitions. Runs in the
     * caller's transaction.
     */
    public static void replaceScheme(Connection c, String scheme, Map<String, String> mapping) throws SQLException {
        Map<String, String> wanted = stripped(mapping);
        Map<String, String> stored = storedMappings(c, List.of(scheme)).getOrDefault(scheme, Map.of());
        try (PreparedStatement delete = c.prepareStatement(DELETE_MAPPING)) {
            int deletes = 0;
            for (String source : stored.keySet()) {
                if (!wanted.containsKey(source)) {
                    delete.setString(1, scheme);
                    delete.setString(2, source);
                    delete.addBatch();
                    deletes++;
                }
            }
            if (deletes > 0) {
                delete.executeBatch();
            }
        }
        try (PreparedStatement upsert = c.prepareStatement(UPSERT_MAPPING)) {
            int upserts = 0;
            for (Map.Entry<String, String> e : wanted.entrySet()) {
                if (!e.getValue().equals(stored.get(e.getKey()))) {
                    upsert.setString(1, scheme);
                    upsert.setString(2, e.getKey());
                    upsert.setString(3, e.getValue());
                    upsert.addBatch();
                    upserts++;
                }
            }
            if (upserts > 0) {
                upsert.executeBatch();
            }
        }
    }

    /** Whether the database already holds every shipped category and exactly each shipped scheme's mapping. */
    private static boolean current(Connection c, List<Category> categories, Map<String, Map<String, String>> schemes)
            throws SQLException {
        Map<String, Category> stored = storedCategories(c);
        for (Category wanted : categories) {
            if (!wanted.equals(stored.get(wanted.code()))) {
                return false;
            }
        }
        Map<String, Map<String, String>> mappings = storedMappings(c, List.copyOf(schemes.keySet()));
        for (Map.Entry<String, Map<String, String>> scheme : schemes.entrySet()) {
            if (!stripped(scheme.getValue()).equals(mappings.getOrDefault(scheme.getKey(), Map.of()))) {
                return false;
            }
        }
        return true;
    }

    private static void upsertChangedCategories(Connection c, List<Category> categories) throws SQLException {
        Map<String, Category> stored = storedCategories(c);
        try (PreparedStatement ps = c.prepareStatement(UPSERT_CATEGORY)) {
            int upserts = 0;
            for (Category r : categories) {
                if (!r.equals(stored.get(r.code()))) {
                    ps.setString(1, r.code());
                    ps.setString(2, r.label());
                    ps.setString(3, r.group());
                    ps.setInt(4, r.sortOrder());
                    ps.setString(5, r.description());
                    ps.addBatch();
                    upserts++;
                }
            }
            if (upserts > 0) {
                ps.executeBatch();
            }
        }
    }

    private static Map<String, Category> storedCategories(Connection c) throws SQLException {
        Map<String, Category> out = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(CATEGORIES)) {
            while (rs.next()) {
                Category k =
                        new Category(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5));
                out.put(k.code(), k);
            }
        }
        return out;
    }

    /** Scheme to (source value to code), for the schemes named; a scheme with no rows is absent. */
    private static Map<String, Map<String, String>> storedMappings(Connection c, List<String> schemes)
            throws SQLException {
        Map<String, Map<String, String>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(MAPPINGS)) {
            Array names = c.createArrayOf("text", schemes.toArray());
            ps.setArray(1, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        return out;
    }

    /** The mapping as it is stored: source values and codes without outer spaces (a later duplicate wins). */
    private static Map<String, String> stripped(Map<String, String> mapping) {
        Map<String, String> out = new LinkedHashMap<>();
        mapping.forEach((source, code) -> out.put(source.strip(), code.strip()));
        return out;
    }

    private static List<Category> shippedCategories() throws IOException {
        List<Category> out = new ArrayList<>();
        for (CSVRecord r : csv("taxonomy/categories.csv")) {
            out.add(new Category(
                    r.get("code"),
                    r.get("label"),
                    r.get("group"),
                    Integer.parseInt(r.get("sort_order")),
                    r.get("description")));
        }
        return out;
    }

    /** Each shipped scheme's mapping, source value to code, in the files' order. */
    private static Map<String, Map<String, String>> shippedSchemes() throws IOException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String scheme : schemes()) {
            Map<String, String> mapping = new LinkedHashMap<>();
            csv("taxonomy/mappings/" + scheme + ".csv").forEach(r -> mapping.put(r.get("source_value"), r.get("code")));
            out.put(scheme, mapping);
        }
        return out;
    }

    private static List<String> schemes() throws IOException {
        try (InputStream in = resource("taxonomy/schemes.txt")) {
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
            return out;
        }
    }

    private static List<CSVRecord> csv(String path) throws IOException {
        try (Reader reader = new InputStreamReader(resource(path), StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(reader)
                    .getRecords();
        }
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = ReferenceData.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IOException(path + " is missing from the build");
        }
        return in;
    }
}
