package org.safemap.hotspot;

/**
 * Weights gathered onto the cell centres (in single precision: the binning error is far larger than its rounding) of a grid widened by a margin of m cells on every side, so points just off
 * the grid still reach the cells their kernel covers. Extended cell (I, J) is grid cell (I − m, J − m).
 */
record Binned(float[] values, int columns, int rows, int margin) {

    /**
     * Linear binning (Wand 1994): each point's weight is shared between the four surrounding cell centres in
     * proportion to its closeness along each axis, so the binned mass keeps the point's centre of gravity and the
     * approximation error falls with the square of the cell size rather than linearly as with nearest-cell binning.
     */
    static Binned linear(WeightedPoints points, Grid grid, int margin) {
        int columns = grid.columns() + 2 * margin;
        int rows = grid.rows() + 2 * margin;
        float[] values = new float[Math.multiplyExact(columns, rows)];
        double[] xs = points.x();
        double[] ys = points.y();
        double[] ws = points.weight();
        double cell = grid.cellMetres();
        for (int p = 0; p < xs.length; p++) {
            double u = (xs[p] - grid.minX()) / cell - 0.5 + margin;
            double v = (ys[p] - grid.minY()) / cell - 0.5 + margin;
            if (!(u > -1 && v > -1 && u < columns && v < rows)) {
                continue;
            }
            int i = (int) Math.floor(u);
            int j = (int) Math.floor(v);
            double a = u - i;
            double b = v - j;
            double w = ws[p];
            add(values, columns, rows, i, j, w * (1 - a) * (1 - b));
            add(values, columns, rows, i + 1, j, w * a * (1 - b));
            add(values, columns, rows, i, j + 1, w * (1 - a) * b);
            add(values, columns, rows, i + 1, j + 1, w * a * b);
        }
        return new Binned(values, columns, rows, margin);
    }

    /** 1 for every extended cell outside the window (or off the grid), 0 inside. */
    static Binned outsideOf(Grid grid, boolean[] window, int margin) {
        int columns = grid.columns() + 2 * margin;
        int rows = grid.rows() + 2 * margin;
        float[] values = new float[Math.multiplyExact(columns, rows)];
        for (int j = 0; j < rows; j++) {
            int gj = j - margin;
            for (int i = 0; i < columns; i++) {
                int gi = i - margin;
                boolean onGrid = gi >= 0 && gj >= 0 && gi < grid.columns() && gj < grid.rows();
                boolean inside = onGrid && (window == null || window[gj * grid.columns() + gi]);
                values[j * columns + i] = inside ? 0 : 1;
            }
        }
        return new Binned(values, columns, rows, margin);
    }

    private static void add(float[] values, int columns, int rows, int i, int j, double w) {
        if (i >= 0 && j >= 0 && i < columns && j < rows && w != 0) {
            values[j * columns + i] += (float) w;
        }
    }
}
