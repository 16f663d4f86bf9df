package org.safemap.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.FeedDefinition;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;

/** The feeds credited for a result: from the load batches it read, with the attribution their definitions ask for. */
class SourcesIT {
    private static final FeedCatalog FEEDS = FeedCatalog.builtIn();
    private static Database db;
    private static Sources sources;

    @BeforeAll
    static void load() {
        db = TestData.demoDatabase();
        sources = new Sources(db.dataSource(), FEEDS);
    }

    @Test
    void creditsEachFeedOfTheBatchesOnceWithItsDefinitionsTitlePartnerAndAttribution() {
        long[] batches =
                ids("SELECT id FROM load_batch WHERE kind = 'incidents' AND feed IN ('police-uk', 'ambulance') "
                        + "ORDER BY id DESC");
        List<Sources.Source> credited = sources.of(batches);
        assertThat(credited).extracting(Sources.Source::feed).containsExactly("ambulance", "police-uk");
        for (Sources.Source s : credited) {
            FeedDefinition f = FEEDS.get(s.feed());
            assertThat(s.title()).isEqualTo(f.title());
            assertThat(s.partner()).isEqualTo(f.partner());
            assertThat(s.attribution()).isEqualTo(f.attribution()).isNotBlank();
            assertThat(s.files())
                    .isEqualTo(Sql.count(
                            db,
                            "SELECT count(*) FROM load_batch WHERE kind = 'incidents' " + "AND feed = ?",
                            s.feed()));
            assertThat(s.rowsLoaded())
                    .isEqualTo(Sql.count(db, "SELECT count(*) FROM incident WHERE feed = ?", s.feed()));
            assertThat(s.protocol())
                    .isEqualTo(Sql.value(
                                    db,
                                    "SELECT body ->> 'title' FROM protocol_version " + "WHERE feed = ? AND version = 1",
                                    s.feed())
                            + " (" + s.feed() + " protocol, version 1)");
        }
        assertThat(Sources.credit(credited))
                .isEqualTo(FEEDS.get("ambulance").attribution() + " "
                        + FEEDS.get("police-uk").attribution());
    }

    @Test
    void aRunsDataVersionCreditsExactlyTheFeedsItRead() throws Exception {
        HotspotRunner.Request request = HotspotRequests.parse(
                Map.of("period", "2022-02", "feeds", "btp", "bandwidth", "300", "cellM", "200"), "test");
        long run = new HotspotRunner(db.dataSource()).run(request, message -> {});
        JsonNode version = new ObjectMapper()
                .readTree(new RunStore(db.dataSource()).run(run).orElseThrow().dataVersion());
        long[] batches = new long[version.path("batches").size()];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = version.path("batches").get(i).path("id").asLong();
        }
        // one BTP file per month, and February's records sit in February's file
        assertThat(batches).hasSize(1);
        List<Sources.Source> credited = sources.of(batches);
        assertThat(credited).hasSize(1);
        assertThat(credited.get(0).feed()).isEqualTo("btp");
        assertThat(credited.get(0).files()).isEqualTo(1);
        assertThat(credited.get(0).attribution()).isEqualTo(FEEDS.get("btp").attribution());
    }

    @Test
    void boundaryBatchesAndUnknownIdsCreditNothing() {
        long[] areaBatches = ids("SELECT id FROM load_batch WHERE kind = 'areas'");
        assertThat(areaBatches).isNotEmpty();
        assertThat(sources.of(areaBatches)).isEmpty();
        assertThat(sources.of(new long[] {-1, 987_654_321})).isEmpty();
        assertThat(sources.of(new long[0])).isEmpty();
        assertThat(Sources.credit(List.of())).isEqualTo("No records.");
    }

    @Test
    void aFeedNoLongerDefinedIsStillCreditedByName() {
        try (Database own = TestDatabase.fresh("sources")) {
            Sql.execute(
                    own,
                    "INSERT INTO load_batch (kind, feed, source_name, source_sha256, rows_read, rows_loaded, "
                            + "rows_quarantined) VALUES ('incidents', 'retired-feed', 'old.csv', repeat('a', 64), 5, 4, 1)");
            long id = Sql.count(own, "SELECT id FROM load_batch WHERE feed = 'retired-feed'");
            List<Sources.Source> credited = new Sources(own.dataSource(), FEEDS).of(new long[] {id});
            assertThat(credited).hasSize(1);
            Sources.Source s = credited.get(0);
            assertThat(s.feed()).isEqualTo("retired-feed");
            assertThat(s.title()).isEqualTo("retired-feed");
            assertThat(s.attribution()).isEqualTo("retired-feed");
            assertThat(s.files()).isEqualTo(1);
            assertThat(s.rowsLoaded()).isEqualTo(4);
        }
    }

    private static long[] ids(String sql) {
        return Sql.rows(db, sql).stream()
                .mapToLong(r -> ((Number) r.get(0)).longValue())
                .toArray();
    }
}
