package org.safemap.hotspot;

/**
 * Prospective hotspotting (Bowers, Johnson and Pease 2004): after a burglary, homes nearby are at raised risk for a
 * few weeks, so each past incident adds to the risk of every cell within a space and time bandwidth a weight of
 * {@code 1 / ((1 + d)(1 + t))}, d the distance in whole cells (the larger of the column and row differences, so a
 * ring of cells shares one distance, as open_cp's "ClassicWeight") and t the whole weeks between the incident and
 * the prediction time. Incidents after the prediction time, or outside either bandwidth, add nothing.
 *
 * @param spaceBandwidthCells  cells within which an incident raises risk (d &lt; this)
 * @param timeBandwidthWeeks   weeks within which it does (t &lt; this)
 */
public record ProspectiveSurface(int spaceBandwidthCells, int timeBandwidthWeeks) {
    /** open_cp's defaults: 8 cells and 8 weeks (with 50 m cells, 400 m and two months). */
    public static final ProspectiveSurface DEFAULT = new ProspectiveSurface(8, 8);

    private static final long WEEK_SECONDS = 7L * 24 * 3600;

    public ProspectiveSurface {
        if (spaceBandwidthCells < 1 || timeBandwidthWeeks < 1) {
            throw new IllegalArgumentException("space and time bandwidths must be at least one cell and one week");
        }
    }

    /**
     * Risk per cell at {@code atEpochSecond} from incidents at (x, y) timed {@code when} (epoch seconds), each with
     * its weight.
     */
    public double[] risk(Grid grid, WeightedPoints points, long[] when, long atEpochSecond) {
        if (when.length != points.size()) {
            throw new IllegalArgumentException("one time per point is needed");
        }
        double[] risk = new double[grid.cellCount()];
        int reach = spaceBandwidthCells - 1;
        for (int p = 0; p < points.size(); p++) {
            long age = atEpochSecond - when[p];
            if (age < 0) {
                continue;
            }
            long weeks = age / WEEK_SECONDS;
            if (weeks >= timeBandwidthWeeks) {
                continue;
            }
            int ci = grid.column(points.x()[p]);
            int cj = grid.row(points.y()[p]);
            double w = points.weight()[p] / (1.0 + weeks);
            for (int j = Math.max(0, cj - reach); j <= Math.min(grid.rows() - 1, cj + reach); j++) {
                int dj = Math.abs(j - cj);
                for (int i = Math.max(0, ci - reach); i <= Math.min(grid.columns() - 1, ci + reach); i++) {
                    int d = Math.max(dj, Math.abs(i - ci));
                    risk[grid.index(i, j)] += w / (1.0 + d);
                }
            }
        }
        return risk;
    }
}
