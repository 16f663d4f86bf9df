package org.safemap.map;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final BoundedCache<String, DensityField> fields = new BoundedCache<>(12);
    private final BoundedCache<String, ShapeSet> shapes = new BoundedCache<>(24);
    private final BoundedCache<String, Map<String, Map<String, Object>>> values = new BoundedCache<>(64);
    private final Map<String, List<Double>> tolerances = new ConcurrentHashMap<>();
    private volatile String version = "";

    LayerRenderer(MapData data) {
        this.data = data;
    }

    /** Drops everything cached when the data version moves on. */
    void onVersion(String v) {
        if (!v.equals(version)) {
            version = v;
            fields.clear();
            shapes.clear();
            values.clear();
            tolerances.clear();
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
        DensityField field = field(layer, dims);
        float[] values = DensityRaster.read(field, view);
        int[] pixels = new int[values.length];
        new ColorRamp(raster).paint(values, pixels);
        BufferedImage image = new BufferedImage(view.width(), view.height(), BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, view.width(), view.height(), pixels, 0, view.width());
        g.drawImage(image, 0, 0, null);
    }

    DensityField field(LayerCatalogue.Layer layer, LayerDims dims) {
        LayerCatalogue.Source s = layer.source();
        String key = layer.name() + "|" + dims.key();
        return fields.get(key, () -> {
            MapData.Weighted w = data.densityPoints(filter(layer, dims));
            // Incidents per km² per month: the units, with periods of any length on one colour scale.
            double scale = 1e6 / dims.time().months();
            return new DensityField(w.x(), w.y(), w.w(), Kernel.fromCode(s.kernel()), s.bandwidthMetres(), scale);
        });
    }

    private void drawPoints(LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        if (dims.time() == null) {
            return;
        }
        double margin = 32 * Math.max(view.resX(), view.resY()) * (view.crs().degrees() ? MapView.METRES_PER_DEGREE : 1);
        double[] env = view.bngEnvelope();
        MapData.Points points = data.points(new double[] {env[0] - margin, env[1] - margin, env[2] + margin,
                env[3] + margin}, filter(layer, dims), MAX_POINTS);
        Crs.Transform t = Crs.BNG.to(view.crs().crs());
        double[] p = new double[2];
        List<FeaturePainter.Feature> features = new ArrayList<>(points.id().length);
        for (int k = 0; k < points.id().length; k++) {
            t.apply(points.x()[k], points.y()[k], p);
            features.add(new FeaturePainter.Feature(GEOMETRY.createPoint(new Coordinate(p[0], p[1])),
                    points.properties().get(k)));
        }
        new FeaturePainter(g, view).paint(style, features);
    }

    private void drawAreas(LayerCatalogue.Layer layer, SldStyle style, LayerDims dims, MapView view, Graphics2D g) {
        ShapeSet set = shapes(layer.source().level(), tolerance(layer.source().level(), view), view.crs().crs());
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
        features.sort((a, b) -> ((String) a.properties().get("code")).compareTo((String) b.properties().get("code")));
        new FeaturePainter(g, view).paint(style, features);
    }

    /** An area's properties for styling and feature info; null when a choropleth has no value for it. */
    private static Map<String, Object> properties(LayerCatalogue.Layer layer, Shape s,
                                                  Map<String, Map<String, Object>> values) {
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
            case "area-counts" -> values.get(layer.name() + "|" + dims.key(), () -> {
                Map<String, Double> counts = data.areaCounts(level, filter(layer, dims));
                Map<String, Integer> population = data.population(level);
                Map<String, Map<String, Object>> out = new HashMap<>();
                int months = dims.time().months();
                for (Shape s : shapes(level, 0, Crs.BNG).shapes()) {
                    double n = counts.getOrDefault(s.code(), 0.0);
                    Integer pop = population.get(s.code());
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("period", dims.time().text());
                    v.put("incidents", round(n));
                    v.put("monthly", round(n / months));
                    v.put("population", pop);
                    v.put("monthly_rate_per_1000", pop == null || pop == 0 ? null : round(1000 * n / months / pop));
                    out.put(s.code(), v);
                }
                return out;
            });
            case "run-areas" -> dims.run() == null ? Map.of() : values.get(layer.name() + "|" + dims.key(), () -> {
                Map<String, Map<String, Object>> rows = data.runResults(dims.run(), level);
                rows.values().forEach(v -> v.put("run", dims.run()));
                return rows;
            });
            case "deprivation" -> values.get("deprivation", data::deprivation);
            default -> null;
        };
    }

    /** GetFeatureInfo: what lies at one pixel (centre), as properties, at most {@code count} features. */
    List<Map<String, Object>> info(LayerCatalogue.Layer layer, LayerDims dims, MapView view, int i, int j, int count) {
        double[] bng = new double[2];
        view.crs().crs().to(Crs.BNG).apply(view.minX() + (i + 0.5) * view.resX(), view.maxY() - (j + 0.5) * view.resY(),
                bng);
        List<Map<String, Object>> out = new ArrayList<>();
        switch (layer.kind()) {
            case "density" -> {
                if (dims.time() == null) {
                    break;
                }
                DensityField field = field(layer, dims);
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("density", round(field.at(bng[0], bng[1])));
                p.put("units", "incidents per km² per month");
                p.put("period", dims.time().text());
                p.put("kernel", field.kernel().code());
                p.put("bandwidthMetres", field.bandwidthMetres());
                p.put("x", round(bng[0]));
                p.put("y", round(bng[1]));
                out.add(p);
            }
            case "points" -> {
                if (dims.time() == null) {
                    break;
                }
                double metresPerPixel = view.resX() * (view.crs().degrees() ? MapView.METRES_PER_DEGREE : 1);
                double radius = PICK_PIXELS * metresPerPixel;
                MapData.Points points = data.points(new double[] {bng[0] - radius, bng[1] - radius, bng[0] + radius,
                        bng[1] + radius}, filter(layer, dims), 10_000);
                List<Integer> near = new ArrayList<>();
                for (int k = 0; k < points.id().length; k++) {
                    if (Math.hypot(points.x()[k] - bng[0], points.y()[k] - bng[1]) <= radius) {
                        near.add(k);
                    }
                }
                near.sort((a, b) -> Double.compare(Math.hypot(points.x()[a] - bng[0], points.y()[a] - bng[1]),
                        Math.hypot(points.x()[b] - bng[0], points.y()[b] - bng[1])));
                for (int k : near.subList(0, Math.min(count, near.size()))) {
                    Map<String, Object> p = new LinkedHashMap<>(points.properties().get(k));
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

    private MapData.Filter filter(LayerCatalogue.Layer layer, LayerDims dims) {
        return new MapData.Filter(dims.time().period(), layer.source().groups(), dims.categories(), dims.feeds());
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
                        .map(s -> new Shape(s.code(), s.name(), project(s.geometry(), crs), null)).toList());
            }
            return ShapeSet.of(data.shapes(level, tolerance).stream()
                    .map(a -> new Shape(a.code(), a.name(), a.geometry(), null)).toList());
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
                Shape prepared = new Shape(s.code(), s.name(), s.geometry(),
                        PreparedGeometryFactory.prepare(s.geometry()));
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
