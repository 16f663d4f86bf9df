package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;

/** Upgrading a database that already holds records: nothing is lost and everything lands where V3 expects it. */
class MigrationIT {
    @Test
    void recordsLoadedBeforeTheFeedsSchemaMoveIntoBatchPartitionsWithTheNewTaxonomy() throws IOException {
        Database db = TestDatabase.empty("migration");
        try {
            Sql.execute(db, "CREATE EXTENSION IF NOT EXISTS postgis");
            // Versioned files only: Flyway applies repeatable migrations whatever the target, and the views need V9.
            Flyway.configure()
                    .dataSource(db.dataSource())
                    .locations("filesystem:" + versionedOnly())
                    .target("2")
                    .load()
                    .migrate();
            Sql.execute(db, """
                    INSERT INTO load_batch (kind, feed, source_name, source_sha256, rows_read, rows_loaded, rows_quarantined)
                    VALUES ('incidents', 'police', 'a.csv', repeat('a', 64), 3, 2, 1),
                           ('incidents', 'transport', 'b.csv', repeat('b', 64), 1, 1, 0),
                           ('incidents', 'police', 'c.csv', repeat('c', 64), 2, 2, 0);
                    INSERT INTO quarantine (batch_id, line_no, field, reason, raw_record)
                    VALUES (1, 4, 'Month', 'no such month ''2022-13''', 'x');
                    INSERT INTO incident (batch_id, line_no, feed, source_ref, source_category, category, event_from,
                        event_to, geom, geocode_method, precision_m)
                    VALUES (1, 2, 'police', 'c1', 'Shoplifting', 'shoplifting', '2022-01-01', '2022-02-01',
                            ST_SetSRID(ST_MakePoint(335000, 390000), 27700), 'snapped-map-point', 200),
                           (1, 3, 'asb', NULL, 'Anti-social behaviour', 'anti-social-behaviour', '2022-01-01',
                            '2022-02-01', ST_SetSRID(ST_MakePoint(335100, 390100), 27700), 'snapped-map-point', 200),
                           (2, 2, 'transport', 't1', 'Other crime', 'other-crime', '2022-01-01', '2022-02-01',
                            ST_SetSRID(ST_MakePoint(335200, 390200), 27700), 'snapped-map-point', 200),
                           (3, 2, 'police', 'c3', 'Burglary', 'burglary', '2022-03-01 00:00 Europe/London',
                            '2022-04-01 00:00 Europe/London', ST_SetSRID(ST_MakePoint(335300, 390300), 27700),
                            'snapped-map-point', 200),
                           (3, 3, 'police', 'c4', 'Burglary', 'burglary', '2022-01-10 00:00 Europe/London',
                            '2022-06-10 00:00 Europe/London', ST_SetSRID(ST_MakePoint(335400, 390400), 27700),
                            'snapped-map-point', 200)""");
            db.migrate();

            assertThat(db.schemaVersion()).isEqualTo("24"); // the newest migration, V24__batch_extent
            assertThat(Sql.rows(db, "SELECT id, batch_id, feed, category FROM incident ORDER BY id"))
                    .containsExactly(
                            List.of(1L, 1L, "police-uk", "theft"),
                            List.of(2L, 1L, "police-uk", "asb-unclassified"),
                            List.of(3L, 2L, "btp", "other"),
                            List.of(4L, 3L, "police-uk", "burglary"),
                            List.of(5L, 3L, "police-uk", "burglary"));
            assertThat(Sql.rows(db, "SELECT feed FROM load_batch ORDER BY id"))
                    .containsExactly(List.of("police-uk"), List.of("btp"), List.of("police-uk"));
            // V17: one table per batch and month it starts in (a record ending two months or more after its
            // month's start goes to the month's long ends), under the month's tables; a batch of one month keeps its
            // table and name
            assertThat(Sql.rows(
                            db,
                            "SELECT p.relid::text, p.parentrelid::text FROM pg_partition_tree('incident') p "
                                    + "WHERE p.isleaf ORDER BY 1"))
                    .containsExactly(
                            List.of("batches.incident_1", "periods.incident_2022_01_short"),
                            List.of("batches.incident_2", "periods.incident_2022_01_short"),
                            List.of("batches.incident_3_2022_01_long", "periods.incident_2022_01_long"),
                            List.of("batches.incident_3_2022_03", "periods.incident_2022_03_short"));
            assertThat(Sql.count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'batches'"))
                    .isEqualTo(4);
            // V18: the records' monthly counts, by the UK month each starts in ('' for no LSOA)
            assertThat(Sql.rows(
                            db,
                            "SELECT month::text, lsoa_code, category, feed, records FROM incident_month_count "
                                    + "ORDER BY 1, 3, 4"))
                    .containsExactly(
                            List.of("2022-01-01", "", "asb-unclassified", "police-uk", 1L),
                            List.of("2022-01-01", "", "burglary", "police-uk", 1L),
                            List.of("2022-01-01", "", "other", "btp", 1L),
                            List.of("2022-01-01", "", "theft", "police-uk", 1L),
                            List.of("2022-03-01", "", "burglary", "police-uk", 1L));
            // V16, kept by V17: each batch table states its time span, so period queries skip batches outside it
            assertThat(Sql.count(
                            db,
                            "SELECT count(*) FROM pg_constraint WHERE conname IN ('incident_1_time', 'incident_2_time') "
                                    + "AND convalidated"))
                    .isEqualTo(2);
            // V23: each batch table states its batch's feed, so queries for other feeds skip it
            assertThat(Sql.rows(
                            db,
                            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                                    + "WHERE conname LIKE 'incident\\_%\\_feed' AND convalidated ORDER BY 1"))
                    .containsExactly(
                            List.of("batches.incident_1", "CHECK ((feed = 'police-uk'::text))"),
                            List.of("batches.incident_2", "CHECK ((feed = 'btp'::text))"),
                            List.of("batches.incident_3_2022_01_long", "CHECK ((feed = 'police-uk'::text))"),
                            List.of("batches.incident_3_2022_03", "CHECK ((feed = 'police-uk'::text))"));
            // V24: each batch keeps the box its records lie in, so box reads name only the batches that meet it
            assertThat(Sql.count(
                            db,
                            "SELECT count(*) FROM incident i JOIN load_batch b ON b.id = i.batch_id "
                                    + "WHERE b.extent IS NOT NULL AND ST_Covers(b.extent, i.geom)"))
                    .isEqualTo(Sql.count(db, "SELECT count(*) FROM incident"));
            assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE linked"))
                    .isZero();
            assertThat(Sql.value(db, "SELECT summary->'reasons'->>'no such month ''…''' FROM load_batch WHERE id = 1"))
                    .isEqualTo("1");
            // New records continue the id sequence after the moved ones.
            Sql.execute(db, "SELECT nextval('incident_record_id_seq')");
            assertThat(Sql.value(db, "SELECT currval('incident_record_id_seq')"))
                    .isEqualTo(6L);
            assertThat(Sql.value(db, "SELECT pg_get_serial_sequence('incident', 'id')"))
                    .isEqualTo("public.incident_record_id_seq");
        } finally {
            db.close();
        }
    }

    /**
     * A database migrated before the views moved to the repeatable {@code R__geoserver_views.sql} (every versioned
     * file applied, with the checksums it holds) takes the repeatable migration without complaint, and its views come
     * out exactly as a new database's: the repeatable file, not the versioned ones, is the one live definition.
     */
    @Test
    void aDeployedDatabaseTakesTheRepeatableViewsAsANewDatabaseHasThem() throws IOException {
        Path versioned = versionedOnly();
        Database db = TestDatabase.empty("repeatable");
        try {
            Sql.execute(db, "CREATE EXTENSION IF NOT EXISTS postgis");
            Flyway.configure()
                    .dataSource(db.dataSource())
                    .locations("filesystem:" + versioned)
                    .load()
                    .migrate();
            String views = """
                    SELECT string_agg(viewname || ': ' || pg_get_viewdef(('geoserver.' || viewname)::regclass), E'\n'
                                      ORDER BY viewname)
                    FROM pg_views WHERE schemaname = 'geoserver'""";
            assertThat(Sql.count(db, "SELECT count(*) FROM flyway_schema_history WHERE version IS NULL"))
                    .isZero();
            db.migrate();
            Database fresh = TestDatabase.empty("repeatable_fresh");
            try {
                Sql.execute(fresh, "CREATE EXTENSION IF NOT EXISTS postgis");
                fresh.migrate();
                assertThat(Sql.value(db, views)).isEqualTo(Sql.value(fresh, views));
            } finally {
                fresh.close();
            }
            assertThat(Sql.rows(
                            db, "SELECT script, success FROM flyway_schema_history WHERE version IS NULL ORDER BY 1"))
                    .containsExactly(List.of("R__geoserver_views.sql", true));
            assertThat(db.schemaVersion()).isEqualTo("24");
        } finally {
            db.close();
        }
    }

    /**
     * A command on a database already holding this build's migrations does not run Flyway (the cold start it saves)
     * and any difference from the shipped files sends it back to Flyway: a repeatable file changed since it was
     * applied is applied again, a version the build does not ship is Flyway's to refuse.
     */
    @Test
    void aCurrentSchemaSkipsFlywayAndAnyDifferenceMigratesAsBefore() throws Exception {
        Database db = TestDatabase.fresh("current");
        try {
            ShippedMigrations shipped = ShippedMigrations.onClassPath();
            // every shipped file, and its checksum computed as Flyway computed the one it stored
            assertThat(Sql.count(db, "SELECT count(*) FROM flyway_schema_history"))
                    .isEqualTo(shipped.size());
            assertThat(applied(db, shipped)).isTrue();
            assertThat(shipped.latestVersion()).isEqualTo(db.schemaVersion());

            // Flyway's validation would refuse a description that no longer matches its file; a skipped Flyway
            // does not look, which shows it was not run
            Sql.execute(db, "UPDATE flyway_schema_history SET description = 'renamed' WHERE version = '1'");
            assertThat(db.migrate()).isEqualTo("24");
            Sql.execute(db, "UPDATE flyway_schema_history SET description = 'foundation' WHERE version = '1'");

            // a repeatable file edited since it was applied: Flyway runs and applies it again
            Sql.execute(db, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version IS NULL");
            assertThat(applied(db, shipped)).isFalse();
            long rows = Sql.count(db, "SELECT count(*) FROM flyway_schema_history");
            assertThat(db.migrate()).isEqualTo("24");
            assertThat(Sql.count(db, "SELECT count(*) FROM flyway_schema_history"))
                    .isEqualTo(rows + 1);
            assertThat(applied(db, shipped)).isTrue();

            // a migration this build does not ship (a newer build migrated the database): not current
            Sql.execute(db, """
                    INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,
                        installed_by, execution_time, success)
                    VALUES (100, '20', 'newer', 'SQL', 'V20__newer.sql', 1, 'safemap', 1, true)""");
            assertThat(applied(db, shipped)).isFalse();
        } finally {
            db.close();
        }
    }

    private static boolean applied(Database db, ShippedMigrations shipped) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return shipped.applied(c);
        }
    }

    /** A folder with the versioned migrations alone: the schema as a database migrated before any R__ file has it. */
    private static Path versionedOnly() throws IOException {
        Path versioned = Files.createTempDirectory("safemap-versioned-migrations");
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith("V")) {
                    Files.copy(f, versioned.resolve(f.getFileName()));
                }
            }
        }
        return versioned;
    }
}
