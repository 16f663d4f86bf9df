package org.safemap.map;

import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.geom.Coordinate;
import org.safemap.geo.Crs;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.FeedView;
import org.safemap.sharing.PointGeneraliser;
import org.safemap.sharing.ReducedDetail;

/**
 * Incident records as points, styled by the layer's SLD rules: feeds the requester sees as points where they are,
 * feeds seen at reduced precision at the centre of their protocol's grid square, with nothing but feed and grid.
 */
public record PointsKind() implements LayerKind {
    /** Points drawn per request at most; the incidents style only draws them at street scales. */
    static final int MAX_POINTS = 50_000;
    /** GetFeatureInfo on points looks this many pixels around the click. */
    static final int PICK_PIXELS = 6;

    @Override
    public String code() {
        return "points";
    }

    @Override
    public boolean timed() {
        return true;
    }

    @Override
    public boolean drawsDays() {
        return true;
    }

    /**
     * Points take DIM_HOURS and DIM_WEEKDAYS as the viewer's point filter does: a record is drawn when it is timed to
     * within an hour and that hour and day (UK local time) are chosen ({@link MapData#points}); records known only by
     * a longer window, police.uk's months above all, are left out, since a point cannot be drawn by a share.
     */
    @Override
    public boolean timeOfWeek() {
        return true;
    }

    @Override
    public DisclosureLevel feedLevel() {
        return DisclosureLevel.REDUCED;
    }

    @Override
    public void draw(
            LayerData data, LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        if (dims.time() == null) {
            return;
        }
        // an empty feed list would select every feed: nothing to draw is nothing selected
        if (pointFeeds(data, dims).isEmpty()) {
            return;
        }
        double margin = 32 * Math.max(view.resX(), view.resY()) * (view.crs().degrees() ? MapView.METRES_PER_DEGREE : 1)
                + reducedMargin(data, dims);
        double[] env = view.bngEnvelope();
        MapData.Points points = disclosed(
                data,
                data.store()
                        .points(
                                new double[] {env[0] - margin, env[1] - margin, env[2] + margin, env[3] + margin},
                                pointFilter(data, layer, dims),
                                MAX_POINTS),
                dims.view());
        Crs.Transform t = Crs.BNG.to(view.crs().crs());
        double[] p = new double[2];
        List<FeaturePainter.Feature> features = new ArrayList<>(points.id().length);
        for (int k = 0; k < points.id().length; k++) {
            t.apply(points.x()[k], points.y()[k], p);
            features.add(new FeaturePainter.Feature(
                    LayerData.GEOMETRY.createPoint(new Coordinate(p[0], p[1])),
                    points.properties().get(k)));
        }
        new FeaturePainter(g, view).paint(style, features);
    }

    @Override
    public List<Map<String, Object>> info(
            LayerData data, LayerCatalogue.Layer layer, LayerDims dims, MapView view, double[] bng, int count) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (dims.time() == null) {
            return out;
        }
        double metresPerPixel = view.resX() * (view.crs().degrees() ? MapView.METRES_PER_DEGREE : 1);
        // an empty feed list would select every feed: nothing to draw is nothing selected
        if (pointFeeds(data, dims).isEmpty()) {
            return out;
        }
        double radius = PICK_PIXELS * metresPerPixel;
        double reach = radius + reducedMargin(data, dims);
        MapData.Points points = disclosed(
                data,
                data.store()
                        .points(
                                new double[] {bng[0] - reach, bng[1] - reach, bng[0] + reach, bng[1] + reach},
                                pointFilter(data, layer, dims),
                                10_000),
                dims.view());
        List<Integer> near = new ArrayList<>();
        for (int k = 0; k < points.id().length; k++) {
            if (Math.hypot(points.x()[k] - bng[0], points.y()[k] - bng[1]) <= radius) {
                near.add(k);
            }
        }
        near.sort((a, b) -> Double.compare(
                Math.hypot(points.x()[a] - bng[0], points.y()[a] - bng[1]),
                Math.hypot(points.x()[b] - bng[0], points.y()[b] - bng[1])));
        for (int k : near.subList(0, Math.min(count, near.size()))) {
            Map<String, Object> p = new LinkedHashMap<>(points.properties().get(k));
            p.put("x", LayerData.round(points.x()[k]));
            p.put("y", LayerData.round(points.y()[k]));
            out.add(p);
        }
        return out;
    }

    /**
     * The feeds a points layer draws: those seen at reduced precision or better, less reduced feeds whose protocol
     * shows coarser detail than the request selects by ({@link ReducedDetail#allows}): only category groups when a
     * category inside a group is asked for; only months when TIME is part of a month or DIM_WEEKDAYS narrows the days;
     * only days when DIM_HOURS narrows the hours (drawing only the records of one category, of some days or of some
     * hours would tell the reader what, or when, each generalised point is).
     */
    private static List<String> pointFeeds(LayerData data, LayerDims dims) {
        Set<String> known = data.groupCodes();
        boolean narrower = dims.categories().stream().anyMatch(c -> !known.contains(c));
        ReducedDetail.Time needed = dims.hours() != null
                ? ReducedDetail.Time.TIME
                : !dims.time().wholeMonths() || dims.weekdays() != null
                        ? ReducedDetail.Time.DAY
                        : ReducedDetail.Time.MONTH;
        List<String> out = new ArrayList<>();
        for (String f : LayerData.feeds(dims, DisclosureLevel.REDUCED)) {
            if (dims.view().level(f) == DisclosureLevel.REDUCED) {
                ReducedDetail detail = data.policy().protocols().require(f).reduced();
                if (narrower && !detail.categories() || !detail.allows(needed)) {
                    continue;
                }
            }
            out.add(f);
        }
        return out;
    }

    /** The selection drawn and picked: the layer's, over {@link #pointFeeds}. */
    private static MapData.Filter pointFilter(LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        MapData.Filter f = data.filter(layer, dims, DisclosureLevel.REDUCED);
        return new MapData.Filter(
                f.period(), f.groups(), f.categories(), pointFeeds(data, dims), f.hours(), f.weekdays());
    }

    /** How far a generalised point can be from its record: half a grid square's diagonal, for the widest grid. */
    private static double reducedMargin(LayerData data, LayerDims dims) {
        double m = 0;
        for (String f : dims.view().at(DisclosureLevel.REDUCED)) {
            m = Math.max(m, data.policy().precisionM(f));
        }
        return m;
    }

    /**
     * Points as this requester may see them: feeds seen as points unchanged; feeds seen at reduced precision moved to
     * the centre of their protocol's grid square, with nothing but the feed and the grid (no free text, no source
     * reference, no category); other feeds are never selected.
     */
    private static MapData.Points disclosed(LayerData data, MapData.Points p, FeedView view) {
        double[] x = p.x().clone();
        double[] y = p.y().clone();
        List<Map<String, Object>> props = new ArrayList<>(p.properties().size());
        for (int k = 0; k < x.length; k++) {
            Map<String, Object> in = p.properties().get(k);
            String feed = (String) in.get("feed");
            DisclosureLevel level = view.level(feed);
            if (level == DisclosureLevel.POINTS) {
                props.add(in);
                continue;
            }
            int grid = data.policy().precisionM(feed);
            PointGeneraliser g = new PointGeneraliser(grid);
            x[k] = g.snap(x[k]);
            y[k] = g.snap(y[k]);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("feed", feed);
            out.put("precision_m", grid);
            props.add(out);
        }
        // Ids stay internal (never in properties); reduced points keep them only to order the drawing.
        return new MapData.Points(p.id(), x, y, props);
    }
}
