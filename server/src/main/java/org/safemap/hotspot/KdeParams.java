package org.safemap.hotspot;

/**
 * What a kernel density surface is computed with.
 *
 * @param grid            the cells to estimate at (their centres)
 * @param kernel          kernel shape
 * @param bandwidthMetres radius of the compact kernels, standard deviation of the Gaussian
 * @param mode            exact summation or the binned fast approximation
 * @param edgeCorrection  divide each cell by the share of its kernel that falls inside the window (Diggle 1985;
 *                        spatstat's {@code edge=TRUE}), so cells near the edge are not biased low
 */
public record KdeParams(Grid grid, Kernel kernel, double bandwidthMetres, KdeMode mode, boolean edgeCorrection) {
    /** Bandwidths above this many kilometres are refused as a slip of units rather than an analysis. */
    public static final double MAX_BANDWIDTH_METRES = 100_000;

    public KdeParams {
        if (!(bandwidthMetres > 0) || !Double.isFinite(bandwidthMetres)) {
            throw new IllegalArgumentException("bandwidth must be a positive number of metres, got " + bandwidthMetres);
        }
        if (bandwidthMetres > MAX_BANDWIDTH_METRES) {
            throw new IllegalArgumentException("bandwidth of " + bandwidthMetres + " m is more than the "
                    + (long) MAX_BANDWIDTH_METRES + " m allowed; bandwidths are in metres");
        }
    }

    public static KdeParams of(Grid grid, double bandwidthMetres) {
        return new KdeParams(grid, Kernel.QUARTIC, bandwidthMetres, KdeMode.EXACT, false);
    }

    public KdeParams with(Kernel k) {
        return new KdeParams(grid, k, bandwidthMetres, mode, edgeCorrection);
    }

    public KdeParams with(KdeMode m) {
        return new KdeParams(grid, kernel, bandwidthMetres, m, edgeCorrection);
    }

    public KdeParams withEdgeCorrection(boolean on) {
        return new KdeParams(grid, kernel, bandwidthMetres, mode, on);
    }

    /** The kernel's reach in whole cells, plus one so that rounding never drops a cell inside the support. */
    int reachCells() {
        return (int) Math.ceil(kernel.supportRadius(bandwidthMetres) / grid.cellMetres()) + 1;
    }
}
