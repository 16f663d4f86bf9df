package org.safemap.map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequenceFilter;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;
import org.safemap.geo.Crs;
import org.safemap.hotspot.Kernel;
import org.safemap.runs.ForecastMap;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.Policy;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.time.Period;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the layer kinds draw from: the store ({@link MapData}), the policy, the protected count tables, and what was
 * read from them, cached by the data version: density fields per filter, month pyramids per selection, area outlines
 * per level, tolerance and CRS, and per-area values per filter and run, so a tile costs a query only the first time its
 * inputs are seen. Each cache loads a key once even when many requests ask at the same moment (Caffeine; the others
 * wait for the first).
 */
final class LayerData {
    private static final Logger LOG = LoggerFactory.getLogger(LayerData.class);
    static final GeometryFactory GEOMETRY = new GeometryFactory();

    private final MapData store;
    private final Policy policy;
    private final ProtectedCounts counts;
    /**
     * Density fields hold every location they draw (about 24 bytes each), so they are bounded by those bytes, not by
     * their number: twelve fields of a million records each would keep 290 MB, a bound by count lets memory grow
     * with the records drawn until the heap runs out. Fields and guarded surfaces each keep at most {@link
     * #FIELD_BYTES} (a quarter of the heap, at least 64 MB) and at most twelve entries (an entry weighs at least a
     * twelfth of the budget); a field larger than the whole budget is drawn from and then dropped.
     */
    static final long FIELD_BYTES = Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 4);

    final Cache<String, DensityField> fields = byBytes(DensityField::locationBytes);
    final Cache<String, GuardedDensity> guarded = byBytes(GuardedDensity::locationBytes);
    /**
     * Month pyramids of the selections drawn at small scales ({@link DensityPyramid}), bounded by their bytes alone: a
     * range of months reads one per month, so twelve or more are in use at once.
     */
    final Cache<String, DensityPyramid> pyramids = Caffeine.newBuilder()
            .maximumWeight(FIELD_BYTES)
            .<String, DensityPyramid>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, v.bytes()))
            .build();

    final Cache<String, Map<String, Map<String, Object>>> values = bounded(64);
    /** Fitted forecasts (a fit costs seconds; a 100 m grid over a force is a few MB). */
    final Cache<String, ForecastMap> forecasts = bounded(8);
    /** Forecasts are fitted one at a time (ForecastKind.forecast). */
    final Semaphore fitting = new Semaphore(1);

    private final Cache<String, ShapeSet> shapes = bounded(24);
    /** Style classes of a set's areas ({@link #classes}): an int per area. */
    private final Cache<ClassesKey, FeaturePainter.Classes> classes = bounded(64);

    /** Background reads of whole fields that may wait ({@link #warm}). */
    static final int WARMING_QUEUE = 4;

    /**
     * Whole fields being read in the background ({@link #warm}): one at a time, each key once while it is read, on a
     * daemon thread, so that maps keep being drawn (from the records near them) while a period's field is read. At
     * most {@link #WARMING_QUEUE} wait; more are dropped, so requests for many periods or filters (each cheap, read
     * by its box) cannot line up reads of whole periods without end.
     */
    private final ThreadPoolExecutor warming = new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(WARMING_QUEUE),
            r -> {
                Thread t = new Thread(r, "density-field-warming");
                t.setDaemon(true);
                return t;
            },
            new ThreadPoolExecutor.AbortPolicy());

    private final Set<String> warmingKeys = ConcurrentHashMap.newKeySet();

    private final Map<String, List<Double>> tolerances = new ConcurrentHashMap<>();
    private volatile String version = "";
    private volatile Set<String> groupCodes;

    LayerData(MapData store, Policy policy, ProtectedCounts counts) {
        this.store = store;
        this.policy = policy;
        this.counts = counts;
    }

    private static <V> Cache<String, V> byBytes(java.util.function.ToLongFunction<V> bytes) {
        return Caffeine.newBuilder()
                .maximumWeight(FIELD_BYTES)
                .<String, V>weigher(
                        (k, v) -> (int) Math.min(Integer.MAX_VALUE, Math.max(FIELD_BYTES / 12, bytes.applyAsLong(v))))
                .build();
    }

    private static <K, V> Cache<K, V> bounded(int entries) {
        return Caffeine.newBuilder().maximumSize(entries).build();
    }

    MapData store() {
        return store;
    }

    Policy policy() {
        return policy;
    }

    ProtectedCounts counts() {
        return counts;
    }

    /**
     * The version (data and protocols) the caches hold. Entries that depend on the protocols are also keyed by it, so
     * one finished after a reload by a request that began before it is never served under the new protocols.
     */
    String version() {
        return version;
    }

    /** Drops everything cached when the version moves on. */
    void onVersion(String v) {
        if (!v.equals(version)) {
            version = v;
            fields.invalidateAll();
            guarded.invalidateAll();
            pyramids.invalidateAll();
            forecasts.invalidateAll();
            shapes.invalidateAll();
            classes.invalidateAll();
            values.invalidateAll();
            tolerances.clear();
            groupCodes = null;
            counts.onVersion(v);
        }
    }

    /**
     * Reads a density field into {@link #fields} in the background, unless it is being read already: {@code load}
     * goes through the cache, so a request that needs the same field at once waits for this read rather than making
     * a second. A failure (the database going away) is logged and leaves the field to be read when next needed.
     */
    void warm(String key, Runnable load) {
        if (fields.getIfPresent(key) != null || !warmingKeys.add(key)) {
            return;
        }
        try {
            warming.execute(() -> {
                try {
                    load.run();
                } catch (RuntimeException e) {
                    LOG.warn("density field {} not read in the background: {}", key, e.toString());
                } finally {
                    warmingKeys.remove(key);
                }
            });
        } catch (RejectedExecutionException full) {
            // enough waiting already: this field is read when a map needs it whole
            warmingKeys.remove(key);
        }
    }

    /** The category group codes. */
    Set<String> groupCodes() {
        Set<String> groups = groupCodes;
        if (groups == null) {
            groups = groupCodes = Set.copyOf(store.names().getOrDefault("group", List.of()));
        }
        return groups;
    }

    /** The feeds drawn for this requester: those they see at {@code min} or better (the layer's own, narrowed). */
    static List<String> feeds(LayerDims dims, DisclosureLevel min) {
        // Feeds shared below points are published as monthly counts. A surface of some days or hours of them,
        // differenced against its neighbour (1 to 14 against 1 to 15 July, 22-3 against 22-4), would show one day's or
        // one hour's few records, which the minimum-points rule guards only within one surface: finer than the
        // published grain, a surface draws only the feeds its requester sees as points.
        if (min == DisclosureLevel.AGGREGATES && dims.finerThanPublished()) {
            return dims.view().atLeast(DisclosureLevel.POINTS);
        }
        return dims.view().atLeast(min);
    }

    /** Feeds the requester sees below points that a surface leaves out because the selection is finer than monthly. */
    static List<String> withheldAsTooFine(LayerDims dims) {
        List<String> out = new java.util.ArrayList<>(dims.view().atLeast(DisclosureLevel.AGGREGATES));
        out.removeAll(feeds(dims, DisclosureLevel.AGGREGATES));
        return out;
    }

    /**
     * The selection drawn: the layer's groups and categories, the feeds this requester sees at {@code min}, and the
     * hours and days (null on layers that do not take them).
     */
    MapData.Filter filter(LayerCatalogue.Layer layer, LayerDims dims, DisclosureLevel min) {
        return new MapData.Filter(
                dims.time().period(),
                layer.source().groups(),
                dims.categories(),
                feeds(dims, min),
                dims.hours(),
                dims.weekdays());
    }

    /**
     * The pyramids of each month of {@code f}'s period, for its selection (groups, categories, feeds; every hour and
     * day), each built once per data version from that month's records ({@link MapData#densityPoints}) and shared by
     * every period that holds the month. Months missing from the cache are read side by side.
     */
    List<DensityPyramid> pyramids(MapData.Filter f, Kernel kernel, double bandwidthMetres) {
        String selection = version + "|" + kernel.code() + "|" + bandwidthMetres + "|" + String.join(",", f.groups())
                + "|" + String.join(",", f.categories()) + "|" + String.join(",", f.feeds()) + "|";
        return f.period().months().parallelStream()
                .map(m -> pyramids.get(selection + m, k -> {
                    long t0 = System.nanoTime();
                    MapData.Weighted points = store.densityPoints(
                            new MapData.Filter(Period.of(m), f.groups(), f.categories(), f.feeds()));
                    long t1 = System.nanoTime();
                    DensityPyramid p = DensityPyramid.build(points, kernel, bandwidthMetres);
                    LOG.info(
                            "density pyramid {}: {} locations read in {} ms, built in {} ms, {} MB",
                            m,
                            p.records(),
                            (t1 - t0) / 1_000_000,
                            (System.nanoTime() - t1) / 1_000_000,
                            p.bytes() >> 20);
                    return p;
                }))
                .toList();
    }

    /** The coarsest stored simplification under half a pixel (on the ground), or 0 for the boundaries as loaded. */
    double tolerance(String level, MapView view) {
        List<Double> stored = tolerances.computeIfAbsent(level, store::tolerances);
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

    /** The outlines of a level at a tolerance, in a CRS, with a spatial index. */
    ShapeSet shapes(String level, double tolerance, Crs crs) {
        // Projected sets are made from the BNG set, read first: a Caffeine load must not load from its own cache.
        ShapeSet bng = shapes.get(
                level + "|" + tolerance + "|" + Crs.BNG,
                k -> ShapeSet.of(store.shapes(level, tolerance).stream()
                        .map(a -> new Shape(a.code(), a.name(), a.geometry(), null, 0))
                        .toList()));
        if (crs == Crs.BNG) {
            return bng;
        }
        return shapes.get(
                level + "|" + tolerance + "|" + crs,
                k -> ShapeSet.of(bng.shapes().stream()
                        .map(s -> new Shape(s.code(), s.name(), project(s.geometry(), Crs.BNG, crs), null, 0))
                        .toList()));
    }

    /**
     * The style classes of a set's areas for one layer, values and style, made by {@code make} the first time: what
     * each area's properties select depends only on those, so a map draws its areas without building their
     * properties or testing filters again. Keyed by the very values and outlines objects (both cached by version),
     * so a changed table or set is never matched against old classes.
     */
    FeaturePainter.Classes classes(
            LayerCatalogue.Layer layer,
            Map<String, Map<String, Object>> values,
            ShapeSet set,
            SldStyle style,
            java.util.function.Supplier<FeaturePainter.Classes> make) {
        return classes.get(new ClassesKey(layer.name(), values, set, style), k -> make.get());
    }

    /** Identity of the values and the outlines (large, and cached), equality of the layer's name and the style. */
    private static final class ClassesKey {
        private final String layer;
        private final Object values;
        private final Object set;
        private final SldStyle style;
        private final int hash;

        ClassesKey(String layer, Object values, Object set, SldStyle style) {
            this.layer = layer;
            this.values = values;
            this.set = set;
            this.style = style;
            this.hash =
                    java.util.Objects.hash(layer, System.identityHashCode(values), System.identityHashCode(set), style);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClassesKey k
                    && k.values == values
                    && k.set == set
                    && k.layer.equals(layer)
                    && k.style.equals(style);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** {@code g} in {@code to}, vertex by vertex (a copy; no densifying). */
    static Geometry project(Geometry g, Crs from, Crs to) {
        Geometry copy = g.copy();
        Crs.Transform t = from.to(to);
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

    static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    /** An area outline with its prepared geometry for point tests, and its place in its set. */
    record Shape(String code, String name, Geometry geometry, PreparedGeometry preparedOrNull, int index) {
        PreparedGeometry prepared() {
            return preparedOrNull;
        }
    }

    /**
     * Outlines with a spatial index, each area's rank in code order (the order maps draw them in), and every
     * outline's vertices in flat arrays ({@link Outlines}), or null outlines when some area is not made of polygons.
     */
    record ShapeSet(List<Shape> shapes, STRtree index, int[] codeRank, Outlines outlines) {
        static ShapeSet of(List<Shape> raw) {
            STRtree index = new STRtree();
            List<Shape> shapes = new ArrayList<>(raw.size());
            for (Shape s : raw) {
                Shape prepared = new Shape(
                        s.code(), s.name(), s.geometry(), PreparedGeometryFactory.prepare(s.geometry()), shapes.size());
                shapes.add(prepared);
                index.insert(s.geometry().getEnvelopeInternal(), prepared);
            }
            index.build();
            Integer[] byCode = new Integer[shapes.size()];
            for (int k = 0; k < byCode.length; k++) {
                byCode[k] = k;
            }
            java.util.Arrays.sort(
                    byCode,
                    (a, b) -> shapes.get(a).code().compareTo(shapes.get(b).code()));
            int[] rank = new int[byCode.length];
            for (int r = 0; r < byCode.length; r++) {
                rank[byCode[r]] = r;
            }
            return new ShapeSet(List.copyOf(shapes), index, rank, Outlines.of(shapes));
        }
    }

    /**
     * Every ring of a set's polygons as flat coordinates, x then y: the rings of area {@code a} are {@code
     * shapeStart[a]} to {@code shapeStart[a + 1]}, ring {@code r}'s vertices {@code ringStart[r]} to {@code
     * ringStart[r + 1]}, each polygon's exterior ring before its holes, parts in order. A map draws an area from
     * these with no object per vertex (about 16 bytes a vertex, beside the geometries).
     */
    record Outlines(double[] xy, int[] ringStart, int[] shapeStart) {
        /** The outlines of the shapes, or null when one of them has a part that is not a polygon. */
        static Outlines of(List<Shape> shapes) {
            int rings = 0;
            int vertices = 0;
            for (Shape s : shapes) {
                Geometry g = s.geometry();
                for (int k = 0; k < g.getNumGeometries(); k++) {
                    if (!(g.getGeometryN(k) instanceof Polygon p)) {
                        return null;
                    }
                    rings += 1 + p.getNumInteriorRing();
                    vertices += p.getNumPoints();
                }
            }
            double[] xy = new double[2 * vertices];
            int[] ringStart = new int[rings + 1];
            int[] shapeStart = new int[shapes.size() + 1];
            int r = 0;
            int v = 0;
            for (int a = 0; a < shapes.size(); a++) {
                shapeStart[a] = r;
                Geometry g = shapes.get(a).geometry();
                for (int k = 0; k < g.getNumGeometries(); k++) {
                    Polygon p = (Polygon) g.getGeometryN(k);
                    for (int h = -1; h < p.getNumInteriorRing(); h++) {
                        CoordinateSequence seq =
                                (h < 0 ? p.getExteriorRing() : p.getInteriorRingN(h)).getCoordinateSequence();
                        ringStart[r++] = v;
                        for (int i = 0; i < seq.size(); i++) {
                            xy[2 * v] = seq.getX(i);
                            xy[2 * v + 1] = seq.getY(i);
                            v++;
                        }
                    }
                }
            }
            ringStart[r] = v;
            shapeStart[shapes.size()] = r;
            return new Outlines(xy, ringStart, shapeStart);
        }

        /**
         * Area {@code a} as a Java2D path in the pixel space of a view (x right, y down), filled even-odd so holes
         * stay holes: vertex for vertex the path {@link FeaturePainter} makes from the geometry.
         */
        Path2D.Double path(int a, MapView view) {
            double minX = view.minX();
            double maxY = view.maxY();
            double rx = view.resX();
            double ry = view.resY();
            Path2D.Double path = new Path2D.Double(Path2D.WIND_EVEN_ODD);
            for (int r = shapeStart[a]; r < shapeStart[a + 1]; r++) {
                int from = ringStart[r];
                int to = ringStart[r + 1];
                if (to == from) {
                    continue;
                }
                path.moveTo((xy[2 * from] - minX) / rx, (maxY - xy[2 * from + 1]) / ry);
                for (int i = from + 1; i < to; i++) {
                    path.lineTo((xy[2 * i] - minX) / rx, (maxY - xy[2 * i + 1]) / ry);
                }
                path.closePath();
            }
            return path;
        }
    }
}
