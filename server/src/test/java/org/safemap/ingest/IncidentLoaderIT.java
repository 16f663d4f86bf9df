package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safemap.testing.SourceFiles.POLICE_UK_HEADER;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;
import org.safemap.testing.MonthCounts;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;

class IncidentLoaderIT {
    @AutoClose
    private static Database db;

    private static IncidentLoader loader;
    private static final FeedCatalog FEEDS = FeedCatalog.builtIn();
    private static final FeedDefinition POLICE_UK = FEEDS.get("police-uk");

    @BeforeAll
    static void setUp() {
        db = TestData.liverpoolLsoas("incidents");
        loader = new IncidentLoader(db.dataSource());
    }

    @Test
    void loadsARealMonthIntoItsOwnPartitionWithItsPointsInTheirOwnLsoa() {
        SourceFile file = SourceFile.resource("demo/2022-03-liverpool-street.csv.gz");
        IncidentLoader.Result r = loader.load(file, POLICE_UK, null);
        int lines = TestData.dataLines("demo/2022-03-liverpool-street.csv.gz");
        assertThat(r.alreadyLoaded()).isFalse();
        assertThat(r.rowsLoaded()).isEqualTo(lines);
        assertThat(r.rowsQuarantined()).isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE batch_id = ?", r.batchId()))
                .isEqualTo(lines);
        assertThat(Sql.count(db, "SELECT count(*) FROM batches.incident_" + r.batchId()))
                .isEqualTo(lines);
        assertThat(Sql.value(db, "SELECT DISTINCT ST_SRID(geom) FROM incident")).isEqualTo(27700);
        // An independent check of the coordinate handling: police.uk names each record's LSOA, the ONS
        // boundaries are a separate source. With lon/lat swapped or the wrong SRID almost none would match;
        // snapping to map points and generalised (BGC) boundaries put ~4% of Merseyside points just outside.
        double inOwnLsoa = ((Number) Sql.value(db, """
                SELECT avg(CASE WHEN ST_Contains(a.geom, i.geom) THEN 1.0 ELSE 0.0 END)
                FROM incident i JOIN area a ON a.level = 'lsoa' AND a.vintage = 2011 AND a.code = i.stated_lsoa_code
                WHERE i.batch_id = ?""", r.batchId())).doubleValue();
        assertThat(inOwnLsoa).isGreaterThan(0.93);
        // Categories come from the police-uk mapping; every record keeps its own.
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM incident WHERE batch_id = ? AND source_category = 'Shoplifting' "
                                + "AND category <> 'theft'",
                        r.batchId()))
                .isZero();
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM incident WHERE batch_id = ? AND category = 'asb-unclassified' "
                                + "AND source_ref IS NULL",
                        r.batchId()))
                .isPositive();
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM incident WHERE batch_id = ? AND "
                                + "(event_from <> '2022-03-01 00:00 Europe/London' OR event_to <> '2022-04-01 00:00 Europe/London')",
                        r.batchId()))
                .isZero();
        assertThat(r.summaryJson()).contains("\"snapped-map-point\":" + lines);
    }

    @Test
    void aQueryForAnotherPeriodSkipsTheBatchByItsStatedTimeSpan() {
        IncidentLoader.Result r =
                loader.load(SourceFile.resource("demo/2022-03-liverpool-street.csv.gz"), POLICE_UK, null);
        String partition = "incident_" + r.batchId();
        // the map's and exports' period test: starts before the period ends, and ends in it or starts in it
        String plan = "EXPLAIN SELECT count(*) FROM incident i WHERE i.event_from < '%2$s 00:00 Europe/London' "
                + "AND (i.event_to > '%1$s 00:00 Europe/London' OR i.event_from >= '%1$s 00:00 Europe/London')";
        assertThat(explain(plan.formatted("2022-03-01", "2022-04-01"))).contains(partition);
        assertThat(explain(plan.formatted("2022-02-01", "2022-03-01"))).doesNotContain(partition);
        assertThat(explain(plan.formatted("2022-04-01", "2022-05-01"))).doesNotContain(partition);
        assertThat(Sql.value(
                        db,
                        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = ?",
                        partition + "_time"))
                .asString()
                .contains("event_from >=")
                .contains("event_to <=");
    }

    @Test
    void aQueryForOtherFeedsSkipsTheBatchByItsStatedFeed() {
        IncidentLoader.Result r =
                loader.load(SourceFile.resource("demo/2022-03-liverpool-street.csv.gz"), POLICE_UK, null);
        String partition = "incident_" + r.batchId();
        String plan = "EXPLAIN SELECT count(*) FROM incident i WHERE i.feed = ANY('{%s}'::text[]) "
                + "AND i.event_from >= '2022-03-01 00:00 Europe/London'";
        assertThat(explain(plan.formatted("police-uk"))).contains(partition);
        assertThat(explain(plan.formatted("police-uk,fire-irs"))).contains(partition);
        assertThat(explain(plan.formatted("fire-irs,ambulance"))).doesNotContain(partition);
        assertThat(Sql.value(
                        db,
                        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = ?",
                        partition + "_feed"))
                .isEqualTo("CHECK ((feed = 'police-uk'::text))");
    }

    @Test
    void aBatchOfSeveralMonthsIsFiledUnderEachAndAPeriodQueryPlansOnlyItsMonths() {
        String content = POLICE_UK_HEADER
                + "m1,2019-05,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n"
                + "m2,2019-08,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n"
                + "m3,2019-08,M,M,-2.98,53.40,On or near X,E01006512,L,Robbery,,\n";
        IncidentLoader.Result r = loader.load(SourceFiles.text("2019-05-and-08.csv", content), POLICE_UK, null);
        String may = "incident_" + r.batchId() + "_2019_05";
        String august = "incident_" + r.batchId() + "_2019_08";
        assertThat(Sql.rows(
                        db,
                        "SELECT relname FROM pg_class WHERE relnamespace = 'batches'::regnamespace AND relkind = 'r' "
                                + "AND relname LIKE ? ORDER BY 1",
                        "incident\\_" + r.batchId() + "%"))
                .containsExactly(List.of(may), List.of(august));
        assertThat(Sql.count(db, "SELECT count(*) FROM batches." + august)).isEqualTo(2);
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE batch_id = ?", r.batchId()))
                .isEqualTo(3);
        // the kept monthly counts have the batch, by the month each record starts in, once however often it is loaded
        assertThat(Sql.rows(
                        db,
                        "SELECT month::text, sum(records)::bigint FROM incident_month_count WHERE month < '2020-01-01' "
                                + "GROUP BY 1 ORDER BY 1"))
                .containsExactly(List.of("2019-05-01", 1L), List.of("2019-08-01", 2L));
        assertThat(loader.load(SourceFiles.gzip("again.csv.gz", content), POLICE_UK, null)
                        .alreadyLoaded())
                .isTrue();
        assertThat(Sql.count(db, "SELECT sum(records) FROM incident_month_count WHERE month < '2020-01-01'"))
                .isEqualTo(3);
        assertThat(MonthCounts.mismatches(db)).isZero();
        // each table sits under its month's short ends (police.uk's month ends as the next begins), and the month
        // is bounded by UK midnight (BST: 23:00 the day before in UTC)
        assertThat(Sql.rows(
                        db,
                        "SELECT relid::text FROM pg_partition_ancestors(?::regclass) WITH ORDINALITY ORDER BY ordinality",
                        "batches." + august))
                .containsExactly(
                        List.of("batches." + august),
                        List.of("periods.incident_2019_08_short"),
                        List.of("periods.incident_2019_08"),
                        List.of("incident"));
        assertThat(Sql.value(db, """
                        SELECT pg_get_expr(relpartbound, oid) = format('FOR VALUES FROM (%L) TO (%L)',
                            '2019-08-01 00:00 Europe/London'::timestamptz, '2019-09-01 00:00 Europe/London'::timestamptz)
                        FROM pg_class WHERE oid = 'periods.incident_2019_08'::regclass""")).isEqualTo(true);
        // the readers' period test, for August: May's table is not even planned (its month ends before August's
        // short ends could start), and August's is
        String plan = "EXPLAIN SELECT count(*) FROM incident i WHERE i.event_from < '%2$s 00:00 Europe/London' "
                + "AND i.event_to >= '%1$s 00:00 Europe/London' "
                + "AND (i.event_to > '%1$s 00:00 Europe/London' OR i.event_to = i.event_from)";
        assertThat(explain(plan.formatted("2019-08-01", "2019-09-01")))
                .contains(august)
                .doesNotContain(may);
        assertThat(explain(plan.formatted("2019-05-01", "2019-06-01")))
                .contains(may)
                .doesNotContain(august);
    }

    private static String explain(String sql) {
        return Sql.rows(db, sql).stream().map(row -> (String) row.get(0)).collect(Collectors.joining("\n"));
    }

    @Test
    void loadingTheSameContentAgainChangesNothingEvenGzipped() {
        String content = POLICE_UK_HEADER + "a1,2021-05,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n";
        IncidentLoader.Result first = loader.load(SourceFiles.text("2021-05.csv", content), POLICE_UK, null);
        long before = Sql.count(db, "SELECT count(*) FROM incident");
        IncidentLoader.Result again = loader.load(SourceFiles.gzip("2021-05.csv.gz", content), POLICE_UK, null);
        assertThat(again.alreadyLoaded()).isTrue();
        assertThat(again.batchId()).isEqualTo(first.batchId());
        assertThat(again.rowsLoaded()).isEqualTo(1);
        assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isEqualTo(before);
        // The same file declared as another feed is a different load.
        assertThat(loader.load(SourceFiles.text("2021-05.csv", content), FEEDS.get("btp"), null)
                        .alreadyLoaded())
                .isFalse();
    }

    @Test
    void keepsRejectedRowsInQuarantineWithLineFieldAndContent() {
        String bad = "b2,2021-06,M,M,53.40,-2.98,On or near X,E01006512,L,Burglary,,";
        IncidentLoader.Result r = loader.load(
                SourceFiles.text(
                        "2021-06.csv",
                        POLICE_UK_HEADER
                                + "b1,2021-06,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,\n"
                                + bad + "\n"
                                + "b3,2021-06,M,M,,,No location,,,Drugs,,\n"
                                + "b4,2021-06,M,M,-2.98,53.40,On or near X,E01006512,L,Kidnap,,\n"),
                POLICE_UK,
                null);
        assertThat(r.rowsLoaded()).isEqualTo(1);
        assertThat(r.rowsQuarantined()).isEqualTo(3);
        List<List<Object>> rows = Sql.rows(
                db,
                "SELECT line_no, field, reason, raw_record FROM quarantine WHERE batch_id = ? ORDER BY line_no",
                r.batchId());
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly(3, "Longitude", "longitude 53.40 and latitude -2.98 look swapped", bad);
        assertThat(rows.get(1).get(0)).isEqualTo(4);
        assertThat(rows.get(2))
                .startsWith(
                        5,
                        "category",
                        "category 'Kidnap' is not one this feed shares: mapping " + "'police-uk' has no entry for it");
        assertThat(Sql.rows(
                        db,
                        "SELECT rows_read, rows_loaded, rows_quarantined FROM load_batch WHERE id = ?",
                        r.batchId()))
                .containsExactly(List.of(4, 1, 3));
    }

    @Test
    void aFileLevelErrorLoadsNothingAtAll() {
        long incidents = Sql.count(db, "SELECT count(*) FROM incident");
        long batches = Sql.count(db, "SELECT count(*) FROM load_batch");
        long partitions = Sql.count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'batches'");
        String content = POLICE_UK_HEADER.replace("Context", "Context,Victim")
                + "c1,2021-07,M,M,-2.98,53.40,On or near X,E01006512,L,Burglary,,,Someone\n";
        assertThatThrownBy(() -> loader.load(SourceFiles.text("2021-07.csv", content), POLICE_UK, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("2021-07.csv line 1, field 'Victim'");
        assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isEqualTo(incidents);
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch")).isEqualTo(batches);
        assertThat(Sql.count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'batches'"))
                .isEqualTo(partitions);
    }
}
