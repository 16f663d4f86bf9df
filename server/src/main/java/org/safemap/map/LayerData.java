package org.safemap.map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequenceFilter;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
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

    private static <V> Cache<String, V> bounded(int entries) {
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
            values.invalidateAll();
            tolerances.clear();
            groupCodes = null;
            counts.onVersion(v);
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
                        .map(a -> new Shape(a.code(), a.name(), a.geometry(), null))
                        .toList()));
        if (crs == Crs.BNG) {
            return bng;
        }
        return shapes.get(
                level + "|" + tolerance + "|" + crs,
                k -> ShapeSet.of(bng.shapes().stream()
                        .map(s -> new Shape(s.code(), s.name(), project(s.geometry(), Crs.BNG, crs), null))
                        .toList()));
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
}
