package org.safemap.hotspot;

/**
 * A density surface: one value per grid cell in incidents per km², row-major from the south-west as {@link Grid}.
 * Cells outside the analysis window are NaN (no data).
 */
public record Surface(Grid grid, double[] densityPerKm2) {
    public Surface {
        if (densityPerKm2.length != grid.cellCount()) {
            throw new IllegalArgumentException(
                    "surface has " + densityPerKm2.length + " values for " + grid.cellCount() + " cells");
        }
    }

    public double at(int column, int row) {
        return densityPerKm2[grid.index(column, row)];
    }

    /** The largest value, ignoring no-data cells; 0 for an all-empty surface. */
    public double max() {
        double max = 0;
        for (double v : densityPerKm2) {
            if (v > max) {
                max = v;
            }
        }
        return max;
    }

    /** The integral of the surface over its cells: the (weighted) number of incidents it accounts for. */
    public double integral() {
        double sum = 0;
        for (double v : densityPerKm2) {
            if (!Double.isNaN(v)) {
                sum += v;
            }
        }
        return sum * grid.cellAreaKm2();
    }
}
