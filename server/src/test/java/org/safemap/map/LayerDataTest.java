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
}
