package org.safemap.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.files.SourceFile;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;

class DemoDataIT {

    /** Records each file's summary. */
    static final class Recorder implements DemoData.Listener {
        final List<String> lines = new ArrayList<>();
        long bytesSeen;

        @Override
        public LongConsumer starting(SourceFile file, int index, int total) {
            return n -> bytesSeen = Math.max(bytesSeen, n);
        }

        @Override
        public void finished(SourceFile file, String summary) {
            lines.add(file.name() + ": " + summary);
        }
    }

    @Test
    void loadsEveryDemoRecordOnceAndSkipsEverythingTheSecondTime() {
        Database db = TestDatabase.fresh("demo");
        try {
            Recorder first = new Recorder();
            DemoData.Result r1 = DemoData.load(db, first);
            int police = TestData.demoIncidentLines();
            assertThat(police).isEqualTo(47_659);
            // 4 boundary sets (the district's derived from its LSOAs), lookup, population, deprivation, postcodes, 14
            // police.uk files, the street gazetteer, the venues and 3 synthetic partner files.
            assertThat(first.lines).hasSize(27);
            assertThat(r1.filesLoaded()).isEqualTo(27);
            assertThat(first.bytesSeen).isPositive();
            assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE feed IN ('police-uk', 'btp')"))
                    .isEqualTo(police);
            assertThat(Sql.count(db, "SELECT count(*) FROM area WHERE level = 'lsoa'"))
                    .isEqualTo(TestData.DEMO_LSOAS);
            assertThat(Sql.count(db, "SELECT count(*) FROM area")).isEqualTo(298 + 61 + 30 + 1);
            assertThat(Sql.count(db, "SELECT count(*) FROM postcode")).isEqualTo(20_853);

            // Every partner row is stored or quarantined; the synthetic files' planted faults are all caught.
            assertThat(Sql.rows(
                            db,
                            "SELECT feed, rows_read, rows_loaded FROM load_batch WHERE feed IN "
                                    + "('ambulance', 'istv-ae', 'fire-irs') ORDER BY feed"))
                    .containsExactly(
                            List.of("ambulance", 2100, 2100),
                            List.of("fire-irs", 1750, 1701),
                            List.of("istv-ae", 1700, (int)
                                    Sql.count(db, "SELECT count(*) FROM incident WHERE feed = 'istv-ae'")));
            assertThat(
                            Sql.count(
                                    db,
                                    "SELECT count(*) FROM quarantine q JOIN load_batch b ON b.id = q.batch_id "
                                            + "WHERE b.feed = 'istv-ae' AND (q.reason LIKE '%is not a date%' OR q.reason LIKE 'arrival%')"))
                    .isEqualTo(17);
            assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE feed = 'istv-ae'"))
                    .as("A&E attendances located from free text")
                    .isGreaterThan(1_450);
            assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE feed = 'istv-ae' AND event_id IS NOT NULL"))
                    .as("of the 595 attendances made from ambulance calls, those located are linked")
                    .isBetween(500L, 595L);
            assertThat(r1.incidents()).isEqualTo(Sql.count(db, "SELECT count(*) FROM incident"));

            Recorder second = new Recorder();
            DemoData.Result r2 = DemoData.load(db, second);
            assertThat(r2).isEqualTo(new DemoData.Result(0, 27, 0, 0));
            assertThat(second.lines).allSatisfy(line -> assertThat(line).containsPattern("already (loaded|built)"));
            assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isEqualTo(r1.incidents());
            // A repeat records nothing, not even an empty batch.
            assertThat(Sql.count(db, "SELECT count(*) FROM load_batch")).isEqualTo(27);
        } finally {
            db.close();
        }
    }
}
