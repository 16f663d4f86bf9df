package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.safemap.hotspot.Kernel;

class LayerDataTest {
    private static DensityField field(int n) {
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = 330_000 + k;
            y[k] = 390_000 + k % 100;
            w[k] = 1;
        }
        return new DensityField(x, y, w, Kernel.QUARTIC, 250, 1e6);
    }

    @Test
    void smallDensityFieldsAreKeptAtMostTwelveAtATime() {
        LayerData data = new LayerData(null, null, null);
        for (int k = 0; k < 30; k++) {
            data.fields.put("small " + k, field(10));
        }
        data.fields.cleanUp();
        assertThat(data.fields.estimatedSize()).isLessThanOrEqualTo(12);
        assertThat(data.fields.estimatedSize()).isGreaterThan(0);
    }

    @Test
    void backgroundReadsOfWholeFieldsWaitAFewAtMostAndTheRestAreDropped() throws Exception {
        LayerData data = new LayerData(null, null, null);
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        data.warm("first", () -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
        });
        assertThat(running.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // a request for each of 20 periods while the first read runs: a few wait, the rest are dropped
        for (int k = 0; k < 20; k++) {
            data.warm("period " + k, ran::incrementAndGet);
        }
        // the same key again is not queued twice
        data.warm("period 0", ran::incrementAndGet);
        release.countDown();
        long until = System.nanoTime() + 10_000_000_000L;
        while (ran.get() < 1 + LayerData.WARMING_QUEUE && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        assertThat(ran.get()).isEqualTo(1 + LayerData.WARMING_QUEUE);
        // a dropped key can be asked for again once there is room
        data.warm("period 19", ran::incrementAndGet);
        until = System.nanoTime() + 10_000_000_000L;
        while (ran.get() < 2 + LayerData.WARMING_QUEUE && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(ran.get()).isEqualTo(2 + LayerData.WARMING_QUEUE);
    }
}
