package org.safemap.map;

import java.awt.Graphics2D;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.safemap.sharing.DisclosureLevel;

/**
 * The change between two periods' density surfaces: the later period's (TIME) minus the baseline's (DIM_BASELINE),
 * both with the layer's one kernel and bandwidth and both in incidents per km² per month, so periods of different
 * lengths compare rate with rate. Drawn through a diverging RasterSymbolizer colour map on one fixed scale. Each
 * surface is exactly the density layer's for this requester (guarded where they see feeds below points,
 * {@link DensityKind#values}): a difference of two pictures they may ask for on their own shows nothing new.
 */
public record DensityChangeKind() implements SurfaceKind {
    /** The unit every change value is in. */
    static final String UNITS = "change in incidents per km² per month";

    @Override
    public String code() {
        return "density-change";
    }

    @Override
    public boolean drawsDays() {
        return true;
    }

    @Override
    public boolean compares() {
        return true;
    }

    /** The two densities' reach: their difference is zero wherever both are. */
    @Override
    public OptionalDouble reachMetres(LayerCatalogue.Layer layer) {
        return DensityKind.kernelReach(layer);
    }

    /** What either of the two surfaces leaves out: the baseline may be days where the period is months. */
    @Override
    public Withheld withheld(LayerDims dims) {
        if (dims.time() == null || dims.baseline() == null) {
            return Withheld.NONE;
        }
        LinkedHashSet<String> out = new LinkedHashSet<>(LayerData.withheldAsTooFine(dims.atTime()));
        out.addAll(LayerData.withheldAsTooFine(dims.atBaseline()));
        return Withheld.of(List.copyOf(out), dims);
    }

    @Override
    public void draw(
            LayerData data, LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        SldStyle.Raster raster = style.raster();
        if (raster == null || dims.time() == null || dims.baseline() == null) {
            return;
        }
        if (LayerData.feeds(dims, DisclosureLevel.AGGREGATES).isEmpty()) {
            return;
        }
        float[] after = DensityKind.values(data, layer, dims.atTime(), view);
        float[] before = DensityKind.values(data, layer, dims.atBaseline(), view);
        for (int k = 0; k < after.length; k++) {
            after[k] -= before[k];
        }
        new ColorRamp(raster).draw(after, view, g);
    }

    @Override
    public List<Map<String, Object>> info(
            LayerData data, LayerCatalogue.Layer layer, LayerDims dims, MapView view, double[] bng, int count) {
        if (dims.time() == null
                || dims.baseline() == null
                || LayerData.feeds(dims, DisclosureLevel.AGGREGATES).isEmpty()) {
            return List.of();
        }
        double after = DensityKind.valueAt(data, layer, dims.atTime(), bng);
        double before = DensityKind.valueAt(data, layer, dims.atBaseline(), bng);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("change", LayerData.round(after - before));
        p.put("units", UNITS);
        p.put("density", LayerData.round(after));
        p.put("baseline_density", LayerData.round(before));
        p.put("period", dims.time().text());
        p.put("baseline", dims.baseline().text());
        p.put("hours", dims.hoursText());
        p.put("weekdays", dims.weekdaysText());
        p.put("kernel", layer.source().kernel());
        p.put("bandwidthMetres", layer.source().bandwidthMetres());
        List<String> withheld = withheld(dims).feeds();
        if (!withheld.isEmpty()) {
            p.put("withheld_feeds", withheld);
            p.put("withheld_because", Withheld.BECAUSE);
        }
        p.put("x", LayerData.round(bng[0]));
        p.put("y", LayerData.round(bng[1]));
        return List.of(p);
    }
}
