package org.safemap.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
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
 */
public final class ReferenceData {
    private static final String UPSERT_CATEGORY = """
            INSERT INTO category (code, label, group_code, sort_order, description) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label, group_code = EXCLUDED.group_code,
                sort_order = EXCLUDED.sort_order, description = EXCLUDED.description""";
    private static final String DELETE_SCHEME = "DELETE FROM category_mapping WHERE scheme = ?";
    private static final String INSERT_MAPPING =
            "INSERT INTO category_mapping (scheme, source_value, code) VALUES (?, ?, ?)";

    private ReferenceData() {}

    /** Upserts the categories and replaces each shipped scheme's mapping, in one transaction. */
    public static void sync(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(UPSERT_CATEGORY)) {
                for (CSVRecord r : csv("taxonomy/categories.csv")) {
                    ps.setString(1, r.get("code"));
                    ps.setString(2, r.get("label"));
                    ps.setString(3, r.get("group"));
                    ps.setInt(4, Integer.parseInt(r.get("sort_order")));
                    ps.setString(5, r.get("description"));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            for (String scheme : schemes()) {
                Map<String, String> mapping = new LinkedHashMap<>();
                csv("taxonomy/mappings/" + scheme + ".csv")
                        .forEach(r -> mapping.put(r.get("source_value"), r.get("code")));
                replaceScheme(c, scheme, mapping);
            }
            c.commit();
        } catch (SQLException | IOException e) {
            throw new DatabaseUnavailableException("cannot sync the taxonomy: " + e.getMessage(), e);
        }
    }

    /** Replaces one scheme's mapping (also used for the category maps of partner feed definitions). */
    public static void replaceScheme(Connection c, String scheme, Map<String, String> mapping) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(DELETE_SCHEME);
                PreparedStatement insert = c.prepareStatement(INSERT_MAPPING)) {
            delete.setString(1, scheme);
            delete.executeUpdate();
            for (Map.Entry<String, String> e : mapping.entrySet()) {
                insert.setString(1, scheme);
                insert.setString(2, e.getKey().strip());
                insert.setString(3, e.getValue().strip());
                insert.addBatch();
            }
            insert.executeBatch();
        }
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
