package org.safemap.map;

import java.util.List;
import org.safemap.hotspot.Kernel;

/**
 * A density surface for a requester who sees some of its feeds only as aggregates or reduced points. Records of
 * feeds they see as points ("open") are drawn as usual. Records of the other feeds ("restricted") add their
 * contribution at a location only where at least {@code minPoints} restricted records of the same month lie within
 * the kernel's reach of it, so no pixel ever shows the shape of one, two or k−1 records. Where fewer are in reach
 * their contribution is left out, not blanked: a blank would itself mark where 1 to k−1 records are.
 *
 * <p>The rule is applied month by month, and a surface over several months is the sum of its months' guarded
 * surfaces. Restricted feeds are published by the month, and any surface over a range is then a sum of surfaces the
 * requester may ask for one month at a time: two ranges differenced (January to April less January to March) give
 * exactly April's guarded surface, never the one or two April records that the longer range's count let through.
 *
 * <p>The count is exact at each pixel centre: a uniform kernel over the restricted records weighted by their record
 * counts, read along lines like the density ({@link DensityField#readLine}), whose running sums of whole numbers
 * are exact. The surfaces themselves are read as {@link DensityRaster} reads any field (interpolated from the
 * lattice at street scales).
 */
final class GuardedDensity {
    private final DensityField open;
    private final List<Month> months;
    private final Kernel kernel;
    private final double bandwidthMetres;
    private final int minPoints;

    /** One month's restricted surface and its count of records in reach. */
    private record Month(DensityField surface, DensityField counter) {}

    /**
     * @param open       open feeds' surface, or null when there are none
     * @param restricted each month's restricted records: locations, summed weights and record counts
     * @param scale      the surfaces' scale (per km² per month of the whole period)
     */
    GuardedDensity(
            DensityField open,
            List<MapData.Located> restricted,
            Kernel kernel,
            double bandwidthMetres,
            double scale,
            int minPoints) {
        this.open = open;
        this.kernel = kernel;
        this.bandwidthMetres = bandwidthMetres;
        this.minPoints = minPoints;
        // A uniform kernel scaled by πh² counts records within the support: d < reach.
        double reach = kernel.supportRadius(bandwidthMetres);
        this.months = restricted.stream()
                .filter(m -> m.x().length > 0)
                .map(m -> new Month(
                        new DensityField(m.x(), m.y(), m.w(), kernel, bandwidthMetres, scale),
                        new DensityField(
                                m.x(),
                                m.y(),
                                m.records(),
                                Kernel.UNIFORM,
                                reach,
                                1 / Kernel.UNIFORM.normalisation(reach))))
                .toList();
    }

    /** Bytes held for the locations of its surfaces (see {@link DensityField#locationBytes}). */
    long locationBytes() {
        long bytes = open == null ? 0 : open.locationBytes();
        for (Month m : months) {
            bytes += m.surface().locationBytes() + m.counter().locationBytes();
        }
        return bytes;
    }

    int minPoints() {
        return minPoints;
    }

    DensityField open() {
        return open;
    }

    Kernel kernel() {
        return kernel;
    }

    double bandwidthMetres() {
        return bandwidthMetres;
    }

    double at(double x, double y) {
        double v = open == null ? 0 : open.at(x, y);
        for (Month m : months) {
            if (Math.round(m.counter().at(x, y)) >= minPoints) {
                v += m.surface().at(x, y);
            }
        }
        return v;
    }

    float[] read(MapView view) {
        float[] out = open == null ? new float[view.width() * view.height()] : DensityRaster.read(open, view);
        float threshold = minPoints - 0.5f;
        for (Month m : months) {
            float[] count = DensityRaster.readExact(m.counter(), view);
            float[] extra = null;
            for (int k = 0; k < out.length; k++) {
                if (count[k] >= threshold) {
                    if (extra == null) {
                        extra = DensityRaster.read(m.surface(), view); // only months that pass somewhere in view
                    }
                    out[k] += extra[k];
                }
            }
        }
        return out;
    }
}
