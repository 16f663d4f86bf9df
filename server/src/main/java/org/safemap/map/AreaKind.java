package org.safemap.map;

import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
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
     * Maps of at least this many areas are drawn in {@link #BANDS} bands at once (a few microseconds an area, so
     * below this the handing over would cost more than a second core saves).
     */
    int BANDED_AREAS = 400;

    /** Bands of a banded map: more than the cores, so that a band of dense areas does not hold the others up. */
    int BANDS = 4;

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
        List<?> hits = set.index().query(env);
        if (set.outlines() != null && FeaturePainter.fillsAndStrokes(style)) {
            // The areas' classes are worked out once per values, outlines and style; a map then draws each area in
            // view from flat coordinates, in code order.
            FeaturePainter.Classes classes =
                    data.classes(layer, props, set, style, () -> classes(layer, set, props, style));
            long[] order = new long[hits.size()];
            int n = 0;
            for (Object o : hits) {
                int a = ((LayerData.Shape) o).index();
                if (classes.classOf()[a] >= 0) {
                    order[n++] = (long) set.codeRank()[a] << 32 | a;
                }
            }
            Arrays.sort(order, 0, n);
            int[] areas = new int[n];
            for (int k = 0; k < n; k++) {
                areas[k] = (int) order[k];
            }
            FeaturePainter.paint(g, view, style, set, areas, classes, n < BANDED_AREAS ? 1 : BANDS);
            return;
        }
        List<FeaturePainter.Feature> features = new ArrayList<>();
        for (Object o : hits) {
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

    /** Each area's style class ({@link FeaturePainter.Classes}) from its properties, as {@link #draw} would test them. */
    private FeaturePainter.Classes classes(
            LayerCatalogue.Layer layer,
            LayerData.ShapeSet set,
            Map<String, Map<String, Object>> values,
            SldStyle style) {
        int[] classOf = new int[set.shapes().size()];
        Map<BitSet, Integer> ids = new HashMap<>();
        List<BitSet> matched = new ArrayList<>();
        for (LayerData.Shape s : set.shapes()) {
            Map<String, Object> p = properties(layer, s, values);
            if (p == null) {
                classOf[s.index()] = -1;
                continue;
            }
            classOf[s.index()] = ids.computeIfAbsent(FeaturePainter.matching(style, p::get), m -> {
                matched.add(m);
                return matched.size() - 1;
            });
        }
        return new FeaturePainter.Classes(classOf, List.copyOf(matched));
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
