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
}
