package org.safemap.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.SafemapException;
import org.safemap.db.Database;
import org.safemap.testing.TestData;

/** A hotspot run's parameters are checked before it reads any record. */
class HotspotRunnerIT {
    private static Database db;

    @BeforeAll
    static void load() {
        db = TestData.demoDatabase();
    }

    @Test
    void refusesAGridOverTheRunLimitBeforeSelectingRecords() {
        // Liverpool's LSOAs span kilometres: 5 m cells are millions, over the limit of 4 million
        HotspotRunner.Request request =
                HotspotRequests.parse(Map.of("period", "2022-01..2022-07", "bandwidth", "300", "cellM", "5"), "test");
        List<String> steps = new ArrayList<>();
        assertThatThrownBy(() -> new HotspotRunner(db.dataSource()).run(request, steps::add))
                .isInstanceOf(SafemapException.class)
                .hasMessageContaining("cells a stored run may use");
        assertThat(steps).contains("reading lsoa areas").doesNotContain("selecting records");
    }

    @Test
    void aGridWithinTheLimitReadsTheRecords() {
        HotspotRunner.Request request =
                HotspotRequests.parse(Map.of("period", "2022-02", "bandwidth", "300", "cellM", "200"), "test");
        List<String> steps = new ArrayList<>();
        new HotspotRunner(db.dataSource()).run(request, steps::add);
        assertThat(steps).contains("selecting records");
    }

    @Test
    void aDefaultCellIsNeverWiderThanHalfTheBandwidth() {
        // Liverpool's LSOAs: the extent's rule (shorter side / 150) gives cells of about 100 m
        RunStore store = new RunStore(db.dataSource());
        long wide = new HotspotRunner(db.dataSource())
                .run(HotspotRequests.parse(Map.of("period", "2022-02", "bandwidth", "600"), "test"), s -> {});
        double extentCell = store.surface(wide).orElseThrow().grid().cellMetres();
        assertThat(extentCell).isBetween(50.0, 150.0);

        long narrow = new HotspotRunner(db.dataSource())
                .run(HotspotRequests.parse(Map.of("period", "2022-02", "bandwidth", "90"), "test"), s -> {});
        assertThat(store.surface(narrow).orElseThrow().grid().cellMetres()).isEqualTo(45);

        long given = new HotspotRunner(db.dataSource())
                .run(
                        HotspotRequests.parse(Map.of("period", "2022-02", "bandwidth", "90", "cellM", "200"), "test"),
                        s -> {});
        assertThat(store.surface(given).orElseThrow().grid().cellMetres()).isEqualTo(200);
    }

    @Test
    void aFinerCellStaysWithinTheCellsOfAStoredRun() {
        // England and Wales' extent with a 200 m bandwidth: 100 m cells would be 36 million
        double[] nation = {80_000, 5_000, 660_000, 660_000};
        double cell = HotspotRunner.finerCell(200, nation);
        assertThat(Math.ceil(580_000 / cell) * Math.ceil(655_000 / cell))
                .isLessThanOrEqualTo(HotspotRunner.MAX_RUN_CELLS);
        assertThat(Math.ceil(580_000 / (cell - 1)) * Math.ceil(655_000 / (cell - 1)))
                .isGreaterThan(HotspotRunner.MAX_RUN_CELLS);
        assertThat(HotspotRunner.finerCell(1074, nation)).isEqualTo(537);
    }
}
