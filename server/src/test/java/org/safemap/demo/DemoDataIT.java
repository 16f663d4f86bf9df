package org.safemap.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.ingest.SourceFile;
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
            int expected = TestData.demoIncidentLines();
            assertThat(expected).isEqualTo(47_659);
            assertThat(r1).isEqualTo(new DemoData.Result(20, 0, expected, 0));
            assertThat(first.lines).hasSize(20);
            assertThat(first.bytesSeen).isPositive();
            assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isEqualTo(expected);
            assertThat(Sql.count(db, "SELECT count(*) FROM area WHERE level = 'lsoa'")).isEqualTo(TestData.DEMO_LSOAS);
            assertThat(Sql.count(db, "SELECT count(*) FROM area")).isEqualTo(298 + 61 + 30);

            Recorder second = new Recorder();
            DemoData.Result r2 = DemoData.load(db, second);
            assertThat(r2).isEqualTo(new DemoData.Result(0, 20, 0, 0));
            assertThat(second.lines).allSatisfy(line -> assertThat(line).contains("already loaded"));
            assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isEqualTo(expected);
            // 3 boundary sets, the lookup, population, deprivation and 14 incident files; a repeat records nothing.
            assertThat(Sql.count(db, "SELECT count(*) FROM load_batch")).isEqualTo(20);
        } finally {
            db.close();
        }
    }
}
