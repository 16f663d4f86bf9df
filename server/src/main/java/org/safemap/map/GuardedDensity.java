package org.safemap.map;

import org.safemap.hotspot.Kernel;

/**
 * A density surface for a requester who sees some of its feeds only as aggregates or reduced points. Records of
 * feeds they see as points ("open") are drawn as usual. Records of the other feeds ("restricted") add their
 * contribution at a location only where at least {@code minPoints} restricted records lie within the kernel's reach
 * of it, so no pixel ever shows the shape of one, two or k−1 records. Where fewer are in reach their contribution
 * is left out, not blanked: a blank would itself mark where 1 to k−1 records are.
 *
 * <p>The count is exact at each pixel centre: a uniform kernel over the restricted records weighted by their record
 * counts, read along lines like the density ({@link DensityField#readLine}), whose running sums of whole numbers
 * are exact. The surfaces themselves are read as {@link DensityRaster} reads any field (interpolated from the
 * lattice at street scales).
 */
final class GuardedDensity {
    private final DensityField open;
    private final DensityField restricted;
    private final DensityField counter;
    private final int minPoints;

    /**
     * @param open       open feeds' surface, or null when there are none
     * @param restricted restricted feeds' surface
     * @param records    restricted locations' record counts (same locations as {@code restricted})
     */
    GuardedDensity(
            DensityField open, DensityField restricted, double[] rx, double[] ry, double[] records, int minPoints) {
        this.open = open;
        this.restricted = restricted;
        // A uniform kernel scaled by πh² counts records within the support: d < reach.
        double reach = restricted.supportMetres();
        this.counter =
                new DensityField(rx, ry, records, Kernel.UNIFORM, reach, 1 / Kernel.UNIFORM.normalisation(reach));
        this.minPoints = minPoints;
    }

    /** Bytes held for the locations of its three surfaces (see {@link DensityField#locationBytes}). */
    long locationBytes() {
        return (open == null ? 0 : open.locationBytes()) + restricted.locationBytes() + counter.locationBytes();
    }

    int minPoints() {
        return minPoints;
    }

    DensityField open() {
        return open;
    }

    Kernel kernel() {
        return restricted.kernel();
    }

    double bandwidthMetres() {
        return restricted.bandwidthMetres();
    }

    /** Restricted records within the kernel's reach of a location. */
    long recordsInReach(double x, double y) {
        return Math.round(counter.at(x, y));
    }

    double at(double x, double y) {
        double base = open == null ? 0 : open.at(x, y);
        return recordsInReach(x, y) >= minPoints ? base + restricted.at(x, y) : base;
    }

    float[] read(MapView view) {
        float[] out = open == null ? new float[view.width() * view.height()] : DensityRaster.read(open, view);
        float[] extra = DensityRaster.read(restricted, view);
        float[] count = DensityRaster.readExact(counter, view);
        float threshold = minPoints - 0.5f;
        for (int k = 0; k < out.length; k++) {
            if (count[k] >= threshold) {
                out[k] += extra[k];
            }
        }
        return out;
    }
}
