package org.safemap.map;

import java.awt.Graphics2D;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.safemap.hotspot.Kernel;
import org.safemap.sharing.DisclosureLevel;

/**
 * A kernel density surface of the layer's incidents over the period asked for, in incidents per km² per month, drawn
 * through a RasterSymbolizer's colour map. A requester who sees some feeds only as aggregates gets the guarded
 * surface ({@link GuardedDensity}).
 */
public record DensityKind() implements SurfaceKind {
    @Override
    public String code() {
        return "density";
    }

    @Override
    public boolean drawsDays() {
        return true;
    }

    @Override
    public OptionalDouble reachMetres(LayerCatalogue.Layer layer) {
        return kernelReach(layer);
    }

    /**
     * The kernel's support at the layer's bandwidth, doubled: a pixel is coloured only within the support of some
     * record ({@link DensityField#reaches}), give or take the lattice spacing interpolated across (a sixteenth of
     * the support) and a few metres between two transforms of one datum; the doubling covers both with room to spare.
     */
    static OptionalDouble kernelReach(LayerCatalogue.Layer layer) {
        LayerCatalogue.Source s = layer.source();
        return OptionalDouble.of(2 * Kernel.fromCode(s.kernel()).supportRadius(s.bandwidthMetres()));
    }

    @Override
    public Withheld withheld(LayerDims dims) {
        return dims.time() == null ? Withheld.NONE : Withheld.of(LayerData.withheldAsTooFine(dims), dims);
    }

    @Override
    public void draw(
            LayerData data, LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        SldStyle.Raster raster = style.raster();
        if (raster == null || dims.time() == null) {
            return;
        }
        if (LayerData.feeds(dims, DisclosureLevel.AGGREGATES).isEmpty()) {
            return;
        }
        if (guarded(data, layer, dims) == null) {
            float[] small = smallScale(data, layer, dims, view);
            if (small != null) {
                if (!anyAbove(small, 0)) {
                    return; // no record within reach of any cell in view
                }
                new ColorRamp(raster).draw(small, view, g);
                return;
            }
            double[] e = view.bngEnvelope();
            DensityField field = inView(data, layer, dims, e);
            if (!field.reaches(e[0], e[1], e[2], e[3])) {
                return; // nothing within the kernel's reach: the map stays empty, and is encoded once for all
            }
            new ColorRamp(raster).draw(DensityRaster.read(field, view), view, g);
            return;
        }
        new ColorRamp(raster).draw(values(data, layer, dims, view), view, g);
    }

    @Override
    public List<Map<String, Object>> info(
            LayerData data, LayerCatalogue.Layer layer, LayerDims dims, MapView view, double[] bng, int count) {
        if (dims.time() == null
                || LayerData.feeds(dims, DisclosureLevel.AGGREGATES).isEmpty()) {
            return List.of();
        }
        GuardedDensity g = guarded(data, layer, dims);
        DensityField field = g == null ? field(data, layer, dims) : null;
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        // A guarded surface's value is given to two significant figures, no finer than its colours show:
        // exact values probed point by point could be fitted back to the records under the surface.
        p.put("density", g != null ? twoFigures(g.at(bng[0], bng[1])) : LayerData.round(field.at(bng[0], bng[1])));
        p.put("units", "incidents per km² per month");
        p.put("period", dims.time().text());
        p.put("hours", dims.hoursText());
        p.put("weekdays", dims.weekdaysText());
        p.put("kernel", g != null ? g.kernel().code() : field.kernel().code());
        p.put("bandwidthMetres", g != null ? g.bandwidthMetres() : field.bandwidthMetres());
        if (g != null) {
            p.put("restricted_min_points", g.minPoints());
        }
        List<String> withheld = withheld(dims).feeds();
        if (!withheld.isEmpty()) {
            p.put("withheld_feeds", withheld);
            p.put("withheld_because", Withheld.BECAUSE);
        }
        p.put("x", LayerData.round(bng[0]));
        p.put("y", LayerData.round(bng[1]));
        return List.of(p);
    }

    /**
     * The surface over a view as this requester may see it (guarded where they see some feeds below points), in
     * incidents per km² per month, sampled exactly at each pixel's centre at every scale. A change layer reads two of
     * these and subtracts: each is a surface the requester may ask for on its own, so their difference shows nothing
     * the two do not. The pack's colour stretch reads it too, on cells coarser than its maps' pixels, so that its
     * classes rank the surface the maps draw at their scale (exactly), not the pyramids' means over cells.
     */
    static float[] values(LayerData data, LayerCatalogue.Layer layer, LayerDims dims, MapView view) {
        GuardedDensity g = guarded(data, layer, dims);
        return g != null ? g.read(view) : DensityRaster.read(field(data, layer, dims), view);
    }

    /** The values as a map of this view draws them: from the month pyramids at small scales, else {@link #values}. */
    static float[] drawnValues(LayerData data, LayerCatalogue.Layer layer, LayerDims dims, MapView view) {
        GuardedDensity g = guarded(data, layer, dims);
        if (g != null) {
            return g.read(view);
        }
        float[] small = smallScale(data, layer, dims, view);
        return small != null ? small : DensityRaster.read(field(data, layer, dims), view);
    }

    /**
     * The view from the month pyramids ({@link DensityPyramid}) where its pixels are at least a level-0 cell wide,
     * or null where it is drawn exactly: at larger scales, for a period that is not whole months, under an hour or
     * day filter, and for a requester who sees some feeds below points (their guarded surface applies its rule month
     * by month at each pixel centre, which a mean over a cell cannot honour; callers ask {@link #guarded} first).
     */
    private static float[] smallScale(LayerData data, LayerCatalogue.Layer layer, LayerDims dims, MapView view) {
        if (!dims.time().wholeMonths() || dims.filtersTimeOfWeek()) {
            return null;
        }
        LayerCatalogue.Source s = layer.source();
        Kernel kernel = Kernel.fromCode(s.kernel());
        double base = DensityPyramid.baseCell(kernel, s.bandwidthMetres());
        int level = DensityPyramid.level(DensityRaster.bngPixelMetres(view), base);
        if (level < 0) {
            return null;
        }
        MapData.Filter f = data.filter(layer, dims, DisclosureLevel.AGGREGATES);
        if (f.feeds().isEmpty()) {
            return new float[view.width() * view.height()];
        }
        return DensityPyramid.read(
                data.pyramids(f, kernel, s.bandwidthMetres()),
                view,
                level,
                1e6 / dims.time().monthsLong());
    }

    private static boolean anyAbove(float[] values, float floor) {
        for (float v : values) {
            if (v > floor) {
                return true;
            }
        }
        return false;
    }

    /**
     * The density at one location as feature info gives it: to two significant figures on a guarded surface, no
     * finer than its colours show (exact values probed point by point could be fitted back to the records under the
     * surface), else to four decimals.
     */
    static double valueAt(LayerData data, LayerCatalogue.Layer layer, LayerDims dims, double[] bng) {
        GuardedDensity g = guarded(data, layer, dims);
        return g != null
                ? twoFigures(g.at(bng[0], bng[1]))
                : LayerData.round(field(data, layer, dims).at(bng[0], bng[1]));
    }

    /**
     * The surface of a requester who sees some of the layer's feeds below points, or null when they see every feed
     * as points (then {@link #field} is the whole surface, shared by everyone with that view).
     */
    private static GuardedDensity guarded(LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        List<String> restricted = dims.view()
                .only(LayerData.feeds(dims, DisclosureLevel.AGGREGATES))
                .restricted();
        if (restricted.isEmpty()) {
            return null;
        }
        LayerCatalogue.Source s = layer.source();
        return data.guarded.get(data.version() + "|" + layer.name() + "|" + dims.key(), k -> {
            MapData.Split split = data.store()
                    .densitySplit(
                            data.filter(layer, dims, DisclosureLevel.AGGREGATES),
                            dims.view().at(DisclosureLevel.POINTS));
            double scale = 1e6 / dims.time().monthsLong();
            Kernel kernel = Kernel.fromCode(s.kernel());
            DensityField open = split.open().x().length == 0
                    ? null
                    : new DensityField(
                            split.open().x(), split.open().y(), split.open().w(), kernel, s.bandwidthMetres(), scale);
            return new GuardedDensity(
                    open,
                    split.restrictedMonths(),
                    kernel,
                    s.bandwidthMetres(),
                    scale,
                    data.policy().densityMinPoints(restricted));
        });
    }

    /**
     * The surface for drawing a view at a large scale: the period's whole field when it is at hand, else, for a view
     * at most {@link #BOX_READ_METRES} across, a field of the records in reach of it alone, so that the first street
     * map of a period reads the records near it rather than every record of the period (over England and Wales, a
     * year's 6 million in 13 s), while the whole field is read in the background for the maps that follow. The two
     * give the same values over the view: the box is widened by the kernel's reach, twice its support
     * ({@link #kernelReach}), and a pixel, or a lattice node it is read from, sums only the records within the
     * support of it. Not cached: the view's map is.
     */
    private static DensityField inView(LayerData data, LayerCatalogue.Layer layer, LayerDims dims, double[] bng) {
        DensityField whole = data.fields.getIfPresent(fieldKey(layer, dims));
        double reach = kernelReach(layer).orElseThrow();
        double[] box = {bng[0] - reach, bng[1] - reach, bng[2] + reach, bng[3] + reach};
        if (whole != null
                || dims.filtersTimeOfWeek()
                || box[2] - box[0] > BOX_READ_METRES
                || box[3] - box[1] > BOX_READ_METRES) {
            return whole != null ? whole : field(data, layer, dims);
        }
        data.warm(fieldKey(layer, dims), () -> field(data, layer, dims));
        LayerCatalogue.Source s = layer.source();
        MapData.Weighted w = data.store().densityPoints(data.filter(layer, dims, DisclosureLevel.AGGREGATES), box);
        return new DensityField(
                w.x(),
                w.y(),
                w.w(),
                Kernel.fromCode(s.kernel()),
                s.bandwidthMetres(),
                1e6 / dims.time().monthsLong());
    }

    /**
     * The widest view (BNG metres, with the kernel's reach) read by its box rather than from the period's whole
     * field: an XYZ tile at zoom 11 over England (about 12 km) and in. Wider views hold so many records (on the
     * national benchmark, 660,000 of 2022's 6.1 million lie in 24 km around central London, a zoom-10 tile) that
     * reading them costs seconds of its own: such a view waits for the whole field, read once and kept.
     */
    static final double BOX_READ_METRES = 20_000;

    private static String fieldKey(LayerCatalogue.Layer layer, LayerDims dims) {
        return layer.name() + "|" + dims.key();
    }

    /** The whole surface of the layer's feeds drawn for this view. */
    private static DensityField field(LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        LayerCatalogue.Source s = layer.source();
        return data.fields.get(fieldKey(layer, dims), k -> {
            MapData.Weighted w = data.store().densityPoints(data.filter(layer, dims, DisclosureLevel.AGGREGATES));
            // Incidents per km² per month: the units, with periods of any length on one colour scale.
            double scale = 1e6 / dims.time().monthsLong();
            return new DensityField(w.x(), w.y(), w.w(), Kernel.fromCode(s.kernel()), s.bandwidthMetres(), scale);
        });
    }

    static double twoFigures(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v;
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(2)).doubleValue();
    }
}
