package org.safemap.hotspot;

/**
 * The share of each cell's kernel that lies inside the study window, for Diggle's (1985) edge correction: a cell near
 * the edge only "sees" part of its neighbourhood, so its density is divided by that part.
 *
 * <p>The share is computed on the grid itself (the kernel sampled at whole-cell offsets over the cells outside the
 * window, divided by its sum over all offsets), so a cell whose whole kernel lies inside gets exactly 1 and is left
 * unchanged. The window is the grid's rectangle, optionally narrowed by a mask of cells.
 */
final class EdgeCorrection {
    private EdgeCorrection() {}

    static double[] kernelMassInside(KdeParams params, boolean[] window) {
        Grid grid = params.grid();
        int m = params.reachCells();
        Binned outside = Binned.outsideOf(grid, window, m);
        float[] massOutside;
        double total;
        if (params.kernel() == Kernel.GAUSSIAN) {
            double[] g = Convolution.gaussianLine(m, grid.cellMetres(), params.bandwidthMetres());
            massOutside = Convolution.separable(outside.values(), outside.columns(), outside.rows(), m, grid, g, 1.0);
            double line = 0;
            for (double v : g) {
                line += v;
            }
            total = line * line;
        } else {
            double[] stencil = KernelDensity.stencil(params, m);
            total = 0;
            for (double s : stencil) {
                total += s;
            }
            float[] single = new float[stencil.length];
            for (int k = 0; k < stencil.length; k++) {
                single[k] = (float) (stencil[k] / total);
            }
            total = 1;
            massOutside = new float[grid.cellCount()];
            Convolution.scatter(outside, single, m, grid.columns(), grid.rows(), massOutside);
        }
        double[] inside = new double[grid.cellCount()];
        for (int c = 0; c < inside.length; c++) {
            inside[c] = total > 0 ? Math.max(0, 1 - massOutside[c] / total) : 1;
        }
        return inside;
    }
}
