package org.safemap.map;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequenceFilter;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;
import org.safemap.geo.Crs;
import org.safemap.hotspot.Kernel;
import org.safemap.runs.AreaResults;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.FeedView;
import org.safemap.sharing.PointGeneraliser;
import org.safemap.sharing.Policy;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.SharedCounts;

/**
 * Draws one catalogue layer into a map view and answers GetFeatureInfo for it, for every layer kind. Data read
 * from PostGIS is cached by the data version: density fields per filter, area outlines per level, tolerance and
 * CRS, and per-area values per filter and run, so a tile costs a query only the first time its inputs are seen.
 */
final class LayerRenderer {
    /** Points drawn per request at most; the incidents style only draws them at street scales. */
    static final int MAX_POINTS = 50_000;
    /** GetFeatureInfo on points looks this many pixels around the click. */
    static final int PICK_PIXELS = 6;

    private static final GeometryFactory GEOMETRY = new GeometryFactory();

    private final MapData data;
    private final Policy policy;
    private final ProtectedCounts counts;
    private final BoundedCache<String, DensityField> fields = new BoundedCache<>(12);
    private final BoundedCache<String, GuardedDensity> guarded = new BoundedCache<>(12);
    private final BoundedCache<String, ShapeSet> shapes = new BoundedCache<>(24);
    private final BoundedCache<String, Map<String, Map<String, Object>>> values = new BoundedCache<>(64);
    private final Map<String, List<Double>> tolerances = new ConcurrentHashMap<>();
    private volatile String version = "";
    private volatile Set<String> groupCodes;

    LayerRenderer(MapData data, Policy policy, ProtectedCounts counts) {
        this.data = data;
        this.policy = policy;
        this.counts = counts;
    }

    /**
     * Drops everything cached when the version (data and protocols) moves on. Entries that depend on the protocols
     * are also keyed by the version their request began under, so one finished after a reload by a request that began
     * before it is never served under the new protocols.
     */
    void onVersion(String v) {
        if (!v.equals(version)) {
            version = v;
            fields.clear();
            guarded.clear();
            shapes.clear();
            values.clear();
            tolerances.clear();
            groupCodes = null;
            counts.onVersion(v);
        }
    }

    void draw(LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        if (!FeaturePainter.anyActive(style, view)) {
            return;
        }
        switch (layer.kind()) {
            case "density" -> drawDensity(layer, style, dims, view, g);
            case "points" -> drawPoints(layer, style, dims, view, g);
            default -> drawAreas(layer, style, dims, view, g);
        }
    }

    private void drawDensity(LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        SldStyle.Raster raster = style.raster();
        if (raster == null || dims.time() == null) {
            return;
        }
        if (feeds(dims, DisclosureLevel.AGGREGATES).isEmpty()) {
            return;
        }
        GuardedDensity g2 = guarded(layer, dims);
        float[] values = g2 != null ? g2.read(view) : DensityRaster.read(field(layer, dims), view);
        int[] pixels = new int[values.length];
        new ColorRamp(raster).paint(values, pixels);
        BufferedImage image = new BufferedImage(view.width(), view.height(), BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, view.width(), view.height(), pixels, 0, view.width());
        g.drawImage(image, 0, 0, null);
    }

    /**
     * The surface of a requester who sees some of the layer's feeds below points, or null when they see every feed
     * as points (then {@link #field} is the whole surface, shared by everyone with that view).
     */
    GuardedDensity guarded(LayerCatalogue.Layer layer, LayerDims dims) {
        List<String> restricted =
                dims.view().only(feeds(dims, DisclosureLevel.AGGREGATES)).restricted();
        if (restricted.isEmpty()) {
            return null;
        }
        LayerCatalogue.Source s = layer.source();
        return guarded.get(version + "|" + layer.name() + "|" + dims.key(), () -> {
            MapData.Split split = data.densitySplit(
                    filter(layer, dims, DisclosureLevel.AGGREGATES), dims.view().at(DisclosureLevel.POINTS));
            double scale = 1e6 / dims.time().months();
            Kernel kernel = Kernel.fromCode(s.kernel());
            DensityField open = split.open().x().length == 0
                    ? null
                    : new DensityField(
                            split.open().x(), split.open().y(), split.open().w(), kernel, s.bandwidthMetres(), scale);
            DensityField closed = new DensityField(
                    split.restricted().x(),
                    split.restricted().y(),
                    split.restricted().w(),
                    kernel,
                    s.bandwidthMetres(),
                    scale);
            return new GuardedDensity(
                    open,
                    closed,
                    split.restricted().x(),
                    split.restricted().y(),
                    split.restrictedRecords(),
                    policy.densityMinPoints(restricted));
        });
    }

    DensityField field(LayerCatalogue.Layer layer, LayerDims dims) {
        LayerCatalogue.Source s = layer.source();
        String key = layer.name() + "|" + dims.key();
        return fields.get(key, () -> {
            MapData.Weighted w = data.densityPoints(filter(layer, dims, DisclosureLevel.AGGREGATES));
            // Incidents per km² per month: the units, with periods of any length on one colour scale.
            double scale = 1e6 / dims.time().months();
            return new DensityField(w.x(), w.y(), w.w(), Kernel.fromCode(s.kernel()), s.bandwidthMetres(), scale);
        });
    }

    private void drawPoints(LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        if (dims.time() == null) {
            return;
        }
        if (feeds(dims, DisclosureLevel.REDUCED).isEmpty()) {
            return;
        }
        double margin = 32 * Math.max(view.resX(), view.resY()) * (view.crs().degrees() ? MapView.METRES_PER_DEGREE : 1)
                + reducedMargin(dims);
        double[] env = view.bngEnvelope();
        MapData.Filter f = filter(layer, dims, DisclosureLevel.REDUCED);
        MapData.Points points = disclosed(
                data.points(
                        new double[] {env[0] - margin, env[1] - margin, env[2] + margin, env[3] + margin},
                        new MapData.Filter(f.period(), f.groups(), f.categories(), pointFeeds(dims)),
                        MAX_POINTS),
                dims.view());
        Crs.Transform t = Crs.BNG.to(view.crs().crs());
        double[] p = new double[2];
        List<FeaturePainter.Feature> features = new ArrayList<>(points.id().length);
        for (int k = 0; k < points.id().length; k++) {
            t.apply(points.x()[k], points.y()[k], p);
            features.add(new FeaturePainter.Feature(
                    GEOMETRY.createPoint(new Coordinate(p[0], p[1])),
                    points.properties().get(k)));
        }
        new FeaturePainter(g, view).paint(style, features);
    }

    private void drawAreas(LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        ShapeSet set = shapes(
                layer.source().level(),
                tolerance(layer.source().level(), view),
                view.crs().crs());
        Map<String, Map<String, Object>> props = areaValues(layer, dims);
        Envelope env = new Envelope(view.minX(), view.maxX(), view.minY(), view.maxY());
        double pad = Math.max(view.resX(), view.resY()) * 4;
        env.expandBy(pad);
        List<FeaturePainter.Feature> features = new ArrayList<>();
        for (Object o : set.index().query(env)) {
            Shape s = (Shape) o;
            Map<String, Object> p = properties(layer, s, props);
            if (p != null) {
                features.add(new FeaturePainter.Feature(s.geometry(), p));
            }
        }
        features.sort((a, b) -> ((String) a.properties().get("code"))
                .compareTo((String) b.properties().get("code")));
        new FeaturePainter(g, view).paint(style, features);
    }

    /** The feeds drawn for this requester: those they see at {@code min} or better (the layer's own, narrowed). */
    private static List<String> feeds(LayerDims dims, DisclosureLevel min) {
        return dims.view().atLeast(min);
    }

    /**
     * The feeds a points layer draws: those seen at reduced precision or better, less reduced feeds whose protocol
     * shows only category groups when a category inside a group is asked for (drawing only the records of one
     * category would tell the reader what each generalised point is).
     */
    private List<String> pointFeeds(LayerDims dims) {
        Set<String> groups = groupCodes;
        if (groups == null) {
            groups = groupCodes = Set.copyOf(data.names().getOrDefault("group", List.of()));
        }
        Set<String> known = groups;
        boolean narrower = dims.categories().stream().anyMatch(c -> !known.contains(c));
        List<String> out = new ArrayList<>();
        for (String f : feeds(dims, DisclosureLevel.REDUCED)) {
            if (narrower
                    && dims.view().level(f) == DisclosureLevel.REDUCED
                    && !policy.protocols().require(f).reduced().categories()) {
                continue;
            }
            out.add(f);
        }
        return out;
    }

    /** How far a generalised point can be from its record: half a grid square's diagonal, for the widest grid. */
    private double reducedMargin(LayerDims dims) {
        double m = 0;
        for (String f : dims.view().at(DisclosureLevel.REDUCED)) {
            m = Math.max(m, policy.precisionM(f));
        }
        return m;
    }

    /**
     * Points as this requester may see them: feeds seen as points unchanged; feeds seen at reduced precision moved to
     * the centre of their protocol's grid square, with nothing but the feed and the grid (no free text, no source
     * reference, no category); other feeds are never selected.
     */
    private MapData.Points disclosed(MapData.Points p, FeedView view) {
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
            int grid = policy.precisionM(feed);
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

    /** An area's properties for styling and feature info; null when a choropleth has no value for it. */
    private static Map<String, Object> properties(
            LayerCatalogue.Layer layer, Shape s, Map<String, Map<String, Object>> values) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("code", s.code());
        p.put("name", s.name());
        p.put("level", layer.source().level());
        if (values != null) {
            Map<String, Object> v = values.get(s.code());
            if (v == null && !layer.kind().equals("area-counts")) {
                return null;
            }
            if (v != null) {
                p.putAll(v);
            }
        }
        return p;
    }

    /** Per-area values of choropleth layers, keyed by area code; null for plain boundaries. */
    private Map<String, Map<String, Object>> areaValues(LayerCatalogue.Layer layer, LayerDims dims) {
        String level = layer.source().level();
        return switch (layer.kind()) {
            case "area-counts" ->
                values.get(version + "|" + layer.name() + "|" + dims.key(), () -> areaCounts(layer, dims));
            case "run-areas" ->
                dims.run() == null
                        ? Map.of()
                        : values.get(version + "|" + layer.name() + "|" + dims.key(), () -> {
                            Map<String, Map<String, Object>> rows = data.runResults(dims.run(), level);
                            DisclosureLevel least = DisclosureLevel.POINTS;
                            for (String f : data.runFeeds(dims.run())) {
                                least = DisclosureLevel.min(least, dims.view().level(f));
                            }
                            if (least == DisclosureLevel.NONE) {
                                return Map.of(); // the run read a feed this requester may not see at all
                            }
                            if (least != DisclosureLevel.POINTS) {
                                rows.values().forEach(v -> {
                                    v.keySet().retainAll(AreaResults.CLASS_FIELDS);
                                    v.put("counts_withheld", true);
                                });
                            }
                            rows.values().forEach(v -> v.put("run", dims.run()));
                            return rows;
                        });
            case "deprivation" -> values.get("deprivation", data::deprivation);
            default -> null;
        };
    }

    /** The tables of a view for each month of a period, built once per data version ({@link ProtectedCounts}). */
    List<ProtectedCounts.Table> tables(org.safemap.sharing.FeedView view, org.safemap.time.Period period) {
        return counts.tables(view, period);
    }

    private static double twoFigures(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v;
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(2)).doubleValue();
    }

    /** Residents of the LSOAs, or null when any of them has no population (or there are none). */
    private static Integer populationOf(List<String> lsoas, Map<String, Integer> population) {
        if (lsoas.isEmpty()) {
            return null;
        }
        int total = 0;
        for (String code : lsoas) {
            Integer p = population.get(code);
            if (p == null) {
                return null;
            }
            total += p;
        }
        return total;
    }

    private Map<String, Map<String, Object>> areaCounts(LayerCatalogue.Layer layer, LayerDims dims) {
        String level = layer.source().level();
        // A range of months is the sum of the months' own published tables: a range's table protected on its own
        // could be differenced against its months to recover a suppressed one.
        List<ProtectedCounts.Table> tables = tables(dims.view(), dims.time().period());
        ProtectedCounts.Selection sel = new ProtectedCounts.Selection(
                dims.feeds(), dims.categories().isEmpty() ? layer.source().groups() : dims.categories());
        Map<String, Integer> population = data.population("lsoa");
        Map<String, Map<String, Object>> out = new HashMap<>();
        int months = dims.time().months();
        for (Shape s : shapes(level, 0, Crs.BNG).shapes()) {
            ProtectedCounts.Count c = ProtectedCounts.overMonths(tables, s.code(), sel);
            Integer pop = level.equals("lsoa")
                    ? population.get(s.code())
                    : populationOf(tables.get(0).lsoas(s.code()), population);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("period", dims.time().text());
            if (c.suppressed()) {
                v.put("incidents", null);
                v.put("monthly", null);
                v.put("shown", "*");
                v.put("suppressed", true);
            } else {
                double n = c.value();
                v.put("incidents", round(n));
                v.put("monthly", round(n / months));
                v.put("suppressed", false);
            }
            v.put("population", pop);
            v.put(
                    "monthly_rate_per_1000",
                    c.suppressed() || pop == null || pop == 0 ? null : round(1000 * c.value() / months / pop));
            if (!c.withheld().isEmpty()) {
                v.put("withheld_feeds", c.withheld());
            }
            String rules = SharedCounts.rules(tables.get(0).sharingGroups());
            if (!rules.isEmpty()) {
                v.put(
                        "suppression",
                        "restricted feeds, each partner's on its own: " + rules
                                + (tables.size() > 1 ? ", month by month" : ""));
            }
            out.put(s.code(), v);
        }
        return out;
    }

    /** GetFeatureInfo: what lies at one pixel (centre), as properties, at most {@code count} features. */
    List<Map<String, Object>> info(LayerCatalogue.Layer layer, LayerDims dims, MapView view, int i, int j, int count) {
        double[] bng = new double[2];
        view.crs()
                .crs()
                .to(Crs.BNG)
                .apply(view.minX() + (i + 0.5) * view.resX(), view.maxY() - (j + 0.5) * view.resY(), bng);
        List<Map<String, Object>> out = new ArrayList<>();
        switch (layer.kind()) {
            case "density" -> {
                if (dims.time() == null) {
                    break;
                }
                if (feeds(dims, DisclosureLevel.AGGREGATES).isEmpty()) {
                    break;
                }
                GuardedDensity g = guarded(layer, dims);
                DensityField field = g == null ? field(layer, dims) : null;
                Map<String, Object> p = new LinkedHashMap<>();
                // A guarded surface's value is given to two significant figures, no finer than its colours show:
                // exact values probed point by point could be fitted back to the records under the surface.
                p.put("density", g != null ? twoFigures(g.at(bng[0], bng[1])) : round(field.at(bng[0], bng[1])));
                p.put("units", "incidents per km² per month");
                p.put("period", dims.time().text());
                p.put("kernel", g != null ? g.kernel().code() : field.kernel().code());
                p.put("bandwidthMetres", g != null ? g.bandwidthMetres() : field.bandwidthMetres());
                if (g != null) {
                    p.put("restricted_min_points", g.minPoints());
                }
                p.put("x", round(bng[0]));
                p.put("y", round(bng[1]));
                out.add(p);
            }
            case "points" -> {
                if (dims.time() == null) {
                    break;
                }
                double metresPerPixel = view.resX() * (view.crs().degrees() ? MapView.METRES_PER_DEGREE : 1);
                if (feeds(dims, DisclosureLevel.REDUCED).isEmpty()) {
                    break;
                }
                double radius = PICK_PIXELS * metresPerPixel;
                double reach = radius + reducedMargin(dims);
                MapData.Points points = disclosed(
                        data.points(
                                new double[] {bng[0] - reach, bng[1] - reach, bng[0] + reach, bng[1] + reach},
                                filter(layer, dims, DisclosureLevel.REDUCED),
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
                    Map<String, Object> p =
                            new LinkedHashMap<>(points.properties().get(k));
                    p.put("x", round(points.x()[k]));
                    p.put("y", round(points.y()[k]));
                    out.add(p);
                }
            }
            default -> {
                ShapeSet set = shapes(layer.source().level(), 0, Crs.BNG);
                Point at = GEOMETRY.createPoint(new Coordinate(bng[0], bng[1]));
                Map<String, Map<String, Object>> values = areaValues(layer, dims);
                for (Object o : set.index().query(at.getEnvelopeInternal())) {
                    Shape s = (Shape) o;
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
            }
        }
        return out;
    }

    /** The selection drawn: the layer's groups and categories, and the feeds this requester sees at {@code min}. */
    private MapData.Filter filter(LayerCatalogue.Layer layer, LayerDims dims, DisclosureLevel min) {
        return new MapData.Filter(dims.time().period(), layer.source().groups(), dims.categories(), feeds(dims, min));
    }

    /** The coarsest stored simplification under half a pixel (on the ground), or 0 for the boundaries as loaded. */
    private double tolerance(String level, MapView view) {
        List<Double> stored = tolerances.computeIfAbsent(level, data::tolerances);
        double[] env = view.bngEnvelope();
        double pixel = Math.min((env[2] - env[0]) / view.width(), (env[3] - env[1]) / view.height());
        double best = 0;
        for (double t : stored) {
            if (t <= pixel / 2) {
                best = t;
            }
        }
        return best;
    }

    private ShapeSet shapes(String level, double tolerance, Crs crs) {
        return shapes.get(level + "|" + tolerance + "|" + crs, () -> {
            if (crs != Crs.BNG) {
                return ShapeSet.of(shapes(level, tolerance, Crs.BNG).shapes().stream()
                        .map(s -> new Shape(s.code(), s.name(), project(s.geometry(), crs), null))
                        .toList());
            }
            return ShapeSet.of(data.shapes(level, tolerance).stream()
                    .map(a -> new Shape(a.code(), a.name(), a.geometry(), null))
                    .toList());
        });
    }

    private static Geometry project(Geometry bng, Crs crs) {
        Geometry copy = bng.copy();
        Crs.Transform t = Crs.BNG.to(crs);
        double[] p = new double[2];
        copy.apply(new CoordinateSequenceFilter() {
            @Override
            public void filter(CoordinateSequence seq, int k) {
                t.apply(seq.getX(k), seq.getY(k), p);
                seq.setOrdinate(k, 0, p[0]);
                seq.setOrdinate(k, 1, p[1]);
            }

            @Override
            public boolean isDone() {
                return false;
            }

            @Override
            public boolean isGeometryChanged() {
                return true;
            }
        });
        return copy;
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    /** An area outline with its prepared geometry for point tests. */
    record Shape(String code, String name, Geometry geometry, PreparedGeometry preparedOrNull) {
        PreparedGeometry prepared() {
            return preparedOrNull;
        }
    }

    /** Outlines with a spatial index. */
    record ShapeSet(List<Shape> shapes, STRtree index) {
        static ShapeSet of(List<Shape> raw) {
            STRtree index = new STRtree();
            List<Shape> shapes = new ArrayList<>(raw.size());
            for (Shape s : raw) {
                Shape prepared =
                        new Shape(s.code(), s.name(), s.geometry(), PreparedGeometryFactory.prepare(s.geometry()));
                shapes.add(prepared);
                index.insert(s.geometry().getEnvelopeInternal(), prepared);
            }
            index.build();
            return new ShapeSet(List.copyOf(shapes), index);
        }
    }

    /**
     * A small LRU cache whose loads run once per key even when many requests ask at the same moment (the others
     * wait for the first).
     */
    static final class BoundedCache<K, V> {
        private final int capacity;
        private final LinkedHashMap<K, java.util.concurrent.CompletableFuture<V>> map;

        BoundedCache(int capacity) {
            this.capacity = capacity;
            this.map = new LinkedHashMap<>(16, 0.75f, true);
        }

        V get(K key, Supplier<V> loader) {
            java.util.concurrent.CompletableFuture<V> future;
            boolean mine = false;
            synchronized (this) {
                future = map.get(key);
                if (future == null) {
                    future = new java.util.concurrent.CompletableFuture<>();
                    map.put(key, future);
                    mine = true;
                    if (map.size() > capacity) {
                        K eldest = map.keySet().iterator().next();
                        map.remove(eldest);
                    }
                }
            }
            if (mine) {
                try {
                    future.complete(loader.get());
                } catch (RuntimeException e) {
                    synchronized (this) {
                        map.remove(key, future);
                    }
                    future.completeExceptionally(e);
                    throw e;
                }
            }
            try {
                return future.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }

        synchronized void clear() {
            map.clear();
        }
    }
}
