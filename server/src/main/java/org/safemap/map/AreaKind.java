package org.safemap.map;

import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Point;
import org.safemap.geo.Crs;
import org.safemap.sharing.FeedView;
import org.safemap.sharing.Principal;

/**
 * Layers of areas at one level (the layer's {@code source.level}): outlines simplified for the scale, each with its
 * code, name and level and whatever values the kind joins to it ({@link #values}), styled by the SLD rules.
 */
public sealed interface AreaKind extends LayerKind permits ReferenceAreaKind, CountTableKind, RunAreasKind {
    /**
     * Per-area values keyed by area code, or null for plain outlines. An area missing from them is not drawn, unless
     * the kind {@link #drawsUnvalued}.
     */
    Map<String, Map<String, Object>> values(LayerData data, LayerCatalogue.Layer layer, LayerDims dims);

    /** Every known feed: count tables and runs may span all feeds. */
    @Override
    default FeedView view(MapAudience audience, Principal who, LayerDims dims, MapState state) {
        return audience.view(who, state);
    }

    /** Whether an area with no values is still drawn (and answered), with its outline properties only. */
    default boolean drawsUnvalued() {
        return false;
    }

    @Override
    default void draw(
            LayerData data, LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        LayerData.ShapeSet set = data.shapes(
                layer.source().level(),
                data.tolerance(layer.source().level(), view),
                view.crs().crs());
        Map<String, Map<String, Object>> props = values(data, layer, dims);
        Envelope env = new Envelope(view.minX(), view.maxX(), view.minY(), view.maxY());
        double pad = Math.max(view.resX(), view.resY()) * 4;
        env.expandBy(pad);
        List<FeaturePainter.Feature> features = new ArrayList<>();
        for (Object o : set.index().query(env)) {
            LayerData.Shape s = (LayerData.Shape) o;
            Map<String, Object> p = properties(layer, s, props);
            if (p != null) {
                features.add(new FeaturePainter.Feature(s.geometry(), p));
            }
        }
        features.sort((a, b) -> ((String) a.properties().get("code"))
                .compareTo((String) b.properties().get("code")));
        new FeaturePainter(g, view).paint(style, features);
    }

    @Override
    default List<Map<String, Object>> info(
            LayerData data, LayerCatalogue.Layer layer, LayerDims dims, MapView view, double[] bng, int count) {
        LayerData.ShapeSet set = data.shapes(layer.source().level(), 0, Crs.BNG);
        Point at = LayerData.GEOMETRY.createPoint(new Coordinate(bng[0], bng[1]));
        Map<String, Map<String, Object>> values = values(data, layer, dims);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : set.index().query(at.getEnvelopeInternal())) {
            LayerData.Shape s = (LayerData.Shape) o;
            if (s.prepared().covers(at)) {
                Map<String, Object> p = properties(layer, s, values);
                if (p != null) {
                    out.add(p);
                }
            }
        }
        out.sort((a, b) -> ((String) a.get("code")).compareTo((String) b.get("code")));
        if (out.size() > count) {
            out = new ArrayList<>(out.subList(0, count));
        }
        return out;
    }

    /** An area's properties for styling and feature info; null when a choropleth has no value for it. */
    private Map<String, Object> properties(
            LayerCatalogue.Layer layer, LayerData.Shape s, Map<String, Map<String, Object>> values) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("code", s.code());
        p.put("name", s.name());
        p.put("level", layer.source().level());
        if (values != null) {
            Map<String, Object> v = values.get(s.code());
            if (v == null && !drawsUnvalued()) {
                return null;
            }
            if (v != null) {
                p.putAll(v);
            }
        }
        return p;
    }
}
