package org.safemap.areas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.testing.TestData;

/** Loads that run at once (two partners uploading together) each get an assigner of their own. */
class AreaAssignersIT {
    private static final int POINTS = 200_000;

    @Test
    void concurrentLoadsAssignTheAreasOneLoadAloneWould() throws Exception {
        Database db = TestData.demoDatabase();
        AreaAssigners assigners = new AreaAssigners(db.dataSource());
        // points over Liverpool's LSOAs and beyond them, so the answers differ from point to point
        Random random = new Random(20261207);
        double[] xs = new double[POINTS];
        double[] ys = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            xs[i] = 330_000 + random.nextDouble() * 16_000;
            ys[i] = 383_000 + random.nextDouble() * 18_000;
        }
        List<String> alone = lsoas(assigners.current().assignAll(xs, ys, POINTS));
        assertThat(alone.stream().distinct().count()).isGreaterThan(100);

        // each thread asks for its assigner as a load does, then both assign at the same moment, many times over
        int threads = 2;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<Integer> load = () -> {
                    AreaAssigner mine = assigners.current();
                    start.await();
                    int wrong = 0;
                    for (int round = 0; round < 5 && wrong == 0; round++) {
                        List<String> got = lsoas(mine.assignAll(xs, ys, POINTS));
                        for (int i = 0; i < POINTS; i++) {
                            wrong += got.get(i).equals(alone.get(i)) ? 0 : 1;
                        }
                    }
                    return wrong;
                };
                runs.add(pool.submit(load));
            }
            for (Future<Integer> run : runs) {
                assertThat(run.get())
                        .as("points given another area than one load alone gives")
                        .isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> lsoas(AreaAssigner.Assignment[] assignments) {
        List<String> out = new ArrayList<>(assignments.length);
        for (AreaAssigner.Assignment a : assignments) {
            out.add(a.lsoa() + "/" + a.ward());
        }
        return out;
    }
}
