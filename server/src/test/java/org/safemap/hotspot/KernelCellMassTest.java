package org.safemap.hotspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * {@link KernelCellMass} against direct integration: the midpoint rule on a 4096² grid over the support (error about
 * 10⁻⁷ for the quartic), for rectangles that cut the kernel anywhere.
 */
class KernelCellMassTest {
    private static double direct(Kernel kernel, double h, double x0, double y0, double x1, double y1) {
        double r = kernel.supportRadius(h);
        int n = 4096;
        double d = 2 * r / n;
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double v = -r + (j + 0.5) * d;
            if (v < y0 || v >= y1) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                double u = -r + (i + 0.5) * d;
                if (u >= x0 && u < x1) {
                    sum += kernel.density(u * u + v * v, h);
                }
            }
        }
        return sum * d * d;
    }

    @Test
    void aRectanglesMassIsTheKernelsIntegralOverIt() {
        KernelCellMass m = new KernelCellMass(Kernel.QUARTIC, 250);
        // Edges on multiples of the fine grid's spacing, so the direct sum's cells are whole.
        double d = 500.0 / 4096;
        double[][] boxes = {
            {-250, -250, 250, 250},
            {0, 0, 250, 250},
            {-37 * d * 8, 11 * d * 8, 90 * d * 8, 250},
            {-125, -125, 0, 125},
            {100 * d, -300 * d, 700 * d, 20 * d},
            {-1000, -1000, -125, 1000},
        };
        for (double[] b : boxes) {
            double want = direct(Kernel.QUARTIC, 250, b[0], b[1], b[2], b[3]);
            assertThat(m.inRectangle(0, 0, b[0], b[1], b[2], b[3]))
                    .as("box %s %s %s %s", b[0], b[1], b[2], b[3])
                    .isCloseTo(want, within(5e-5));
        }
    }

    @Test
    void theWholeSupportHoldsTheKernelsMassAndNothingLiesBeyond() {
        for (Kernel k : new Kernel[] {Kernel.QUARTIC, Kernel.EPANECHNIKOV, Kernel.GAUSSIAN}) {
            KernelCellMass m = new KernelCellMass(k, 100);
            double r = m.supportMetres();
            assertThat(m.inRectangle(5, -7, 5 - r - 1, -7 - r - 1, 5 + r + 1, -7 + r + 1))
                    .isCloseTo(1, within(1e-9));
            assertThat(m.inRectangle(0, 0, r, -r, 2 * r, r)).isZero();
        }
    }
}
