package org.safemap.hotspot;

import java.util.Arrays;

/**
 * What a density surface says about each area: the mean and maximum density over the cells whose centres fall in it,
 * and the share of those cells that are in the study area's top cells.
 *
 * @param mean      incidents per km², NaN for an area smaller than every cell it touches (no cell centre inside)
 * @param max       incidents per km², NaN likewise
 * @param topShare  share of the area's cells at or above {@code threshold}, NaN likewise
 * @param threshold the density of the cell at the top-percent boundary over all cells in any area
 */
public record AreaSurfaceStats(double[] mean, double[] max, double[] topShare, double threshold) {

    /**
     * @param cellArea   for each grid cell, the index of the area its centre falls in, or -1
     * @param areas      number of areas
     * @param topPercent the share of cells called "top", in percent (e.g. 10)
     */
    public static AreaSurfaceStats of(Surface surface, int[] cellArea, int areas, double topPercent) {
        if (!(topPercent > 0 && topPercent <= 100)) {
            throw new IllegalArgumentException("top percent must be above 0 and at most 100, got " + topPercent);
        }
        double[] density = surface.densityPerKm2();
        int inside = 0;
        for (int a : cellArea) {
            if (a >= 0) {
                inside++;
            }
        }
        double[] values = new double[inside];
        int k = 0;
        for (int c = 0; c < density.length; c++) {
            if (cellArea[c] >= 0) {
                values[k++] = density[c];
            }
        }
        Arrays.sort(values);
        int topCells = (int) Math.ceil(inside * topPercent / 100.0);
        double threshold = inside == 0 ? Double.NaN : values[Math.max(0, inside - topCells)];
        double[] sum = new double[areas];
        double[] max = new double[areas];
        int[] cells = new int[areas];
        int[] top = new int[areas];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int c = 0; c < density.length; c++) {
            int a = cellArea[c];
            if (a < 0) {
                continue;
            }
            double v = density[c];
            sum[a] += v;
            max[a] = Math.max(max[a], v);
            cells[a]++;
            // a surface of zeros has no top cells
            if (v >= threshold && v > 0) {
                top[a]++;
            }
        }
        double[] mean = new double[areas];
        double[] share = new double[areas];
        for (int a = 0; a < areas; a++) {
            mean[a] = cells[a] == 0 ? Double.NaN : sum[a] / cells[a];
            share[a] = cells[a] == 0 ? Double.NaN : (double) top[a] / cells[a];
            if (cells[a] == 0) {
                max[a] = Double.NaN;
            }
        }
        return new AreaSurfaceStats(mean, max, share, threshold);
    }
}
