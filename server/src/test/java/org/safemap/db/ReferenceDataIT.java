package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;

/**
 * The taxonomy sync every command runs writes nothing when the database already holds the shipped files, and writes
 * exactly the rows that differ when it does not. A row's {@code xmin} (the transaction that wrote its current version)
 * shows whether it was written.
 */
class ReferenceDataIT {
    /** Every category and mapping row with the transaction that wrote it, in a fixed order. */
    private static final String ROWS = """
            SELECT 'category', code, label || '|' || group_code || '|' || sort_order || '|' || description, xmin::text
            FROM category
            UNION ALL
            SELECT 'mapping', scheme || '/' || source_value, code, xmin::text FROM category_mapping
            ORDER BY 1, 2""";

    private static Database db;

    @BeforeAll
    static void open() {
        db = TestDatabase.fresh("taxonomy"); // migrated, so synced once already
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void syncingAnUnchangedTaxonomyWritesNoRow() {
        List<List<Object>> before = Sql.rows(db, ROWS);
        assertThat(before).hasSizeGreaterThan(40);

        ReferenceData.sync(db.dataSource());
        ReferenceData.sync(db.dataSource());

        assertThat(Sql.rows(db, ROWS)).isEqualTo(before);
    }

    @Test
    void aStoredTaxonomyThatDiffersIsPutRightRowByRowAndTheRestLeftUnwritten() {
        List<List<Object>> shipped = Sql.rows(db, ROWS);
        Sql.execute(db, """
                UPDATE category SET label = 'Burgled' WHERE code = 'burglary';
                DELETE FROM category_mapping WHERE scheme = 'police-uk' AND source_value = 'Bicycle theft';
                UPDATE category_mapping SET code = 'other' WHERE scheme = 'police-uk' AND source_value = 'Burglary';
                INSERT INTO category_mapping (scheme, source_value, code) VALUES ('istv', 'Made up', 'other');
                INSERT INTO category (code, label, group_code, sort_order) VALUES ('retired', 'Retired', 'other', 99);
                INSERT INTO category_mapping (scheme, source_value, code) VALUES ('partner-feed', 'Retired', 'retired')""");
        List<List<Object>> changed = Sql.rows(db, ROWS);

        ReferenceData.sync(db.dataSource());

        List<List<Object>> after = Sql.rows(db, ROWS);
        // the shipped content is back; a category no file names and a partner feed's scheme are kept
        List<List<Object>> kept = new ArrayList<>(withoutXmin(shipped));
        kept.add(List.of("category", "retired", "Retired|other|99|"));
        kept.add(List.of("mapping", "partner-feed/Retired", "retired"));
        assertThat(withoutXmin(after)).containsExactlyInAnyOrderElementsOf(kept);
        // only the three rows that differed were written again: every other row keeps the version it had
        List<String> rewritten = new ArrayList<>();
        for (List<Object> row : after) {
            List<Object> was = changed.stream()
                    .filter(r -> r.get(0).equals(row.get(0)) && r.get(1).equals(row.get(1)))
                    .findFirst()
                    .orElse(null);
            if (was == null || !was.get(3).equals(row.get(3))) {
                rewritten.add(row.get(0) + " " + row.get(1));
            }
        }
        assertThat(rewritten)
                .containsExactlyInAnyOrder(
                        "category burglary", "mapping police-uk/Bicycle theft", "mapping police-uk/Burglary");

        Sql.execute(db, """
                DELETE FROM category_mapping WHERE scheme = 'partner-feed';
                DELETE FROM category WHERE code = 'retired'""");
    }

    private static List<List<Object>> withoutXmin(List<List<Object>> rows) {
        return rows.stream().map(r -> r.subList(0, 3)).toList();
    }
}
