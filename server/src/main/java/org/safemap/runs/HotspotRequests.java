package org.safemap.runs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.hotspot.BandwidthChoice;
import org.safemap.hotspot.KdeMode;
import org.safemap.hotspot.Kernel;
import org.safemap.time.Period;
import org.safemap.time.PeriodLimit;

/**
 * One reading of hotspot parameters for the CLI and the API, so both take the same names, defaults and errors:
 * {@code period, categories, feeds, hours, weekdays, area, areaWkt, maxPrecisionM, aoristic, countEvents, level,
 * cellM, bandwidth, kernel, mode, edgeCorrection, neighbours, fdr, topPercent}. Values may be JSON values or strings
 * (lists as comma-separated text).
 */
public final class HotspotRequests {
    /** Names every request takes to choose its records (see {@link #selection}). */
    public static final Set<String> SELECTION_NAMES = Set.of(
            "categories", "feeds", "hours", "weekdays", "area", "areaWkt", "maxPrecisionM", "aoristic", "countEvents");

    public static final Set<String> NAMES = withSelection(
            "period",
            "level",
            "cellM",
            "bandwidth",
            "kernel",
            "mode",
            "edgeCorrection",
            "neighbours",
            "fdr",
            "topPercent",
            "surface",
            "spaceBandwidthM",
            "timeBandwidthWeeks");

    /** Most values one list parameter (categories, feeds, area codes) may hold. */
    public static final int MAX_LIST = 500;
    /** Most vertices of an area of interest given as WKT (as a drawn area's). */
    public static final int MAX_POLYGON_POINTS = 10_000;
    /** Most Monte Carlo permutations of one Knox test. */
    public static final int MAX_PERMUTATIONS = 9_999;
    /** Most band edges of the Knox test's distance or time bands. */
    public static final int MAX_BANDS = 50;

    private HotspotRequests() {}

    public static HotspotRunner.Request parse(Map<String, ?> m, String createdBy) {
        return parse(m, createdBy, PeriodLimit.NONE);
    }

    /** As {@link #parse(Map, String)}, the period held to {@code limit} (an HTTP request's). */
    public static HotspotRunner.Request parse(Map<String, ?> m, String createdBy, PeriodLimit limit) {
        requireKnown(m, NAMES);
        Selection selection = selection(m, limit);
        String level = text(m, "level").orElse("lsoa").toLowerCase(Locale.ROOT);
        PointSelector.codeColumn(level);
        Optional<Double> cell = number(m, "cellM");
        BandwidthChoice bandwidth =
                guard(() -> BandwidthChoice.parse(text(m, "bandwidth").orElse(null)));
        Kernel kernel = guard(() -> Kernel.fromCode(text(m, "kernel").orElse("quartic")));
        KdeMode mode = guard(() -> KdeMode.fromCode(text(m, "mode").orElse("exact")));
        String neighbours = text(m, "neighbours").orElse("queen");
        HotspotRunner.checkNeighbours(neighbours);
        double top = number(m, "topPercent").orElse(10.0);
        if (!(top > 0 && top <= 100)) {
            throw bad("topPercent must be above 0 and at most 100, got " + top);
        }
        cell.ifPresent(c -> {
            if (!(c > 0)) {
                throw bad("cellM must be a positive number of metres, got " + c);
            }
        });
        String surface = text(m, "surface").orElse("kde").toLowerCase(Locale.ROOT);
        Optional<HotspotRunner.Prospective> prospective = Optional.empty();
        if (surface.equals("prospective")) {
            double space = number(m, "spaceBandwidthM").orElse(HotspotRunner.Prospective.DEFAULT.spaceMetres());
            double weeks = number(m, "timeBandwidthWeeks").orElse((double) HotspotRunner.Prospective.DEFAULT.weeks());
            if (!(space > 0) || !(weeks >= 1) || weeks != Math.rint(weeks)) {
                throw bad("spaceBandwidthM must be positive and timeBandwidthWeeks a whole number of weeks");
            }
            prospective = Optional.of(new HotspotRunner.Prospective(space, (int) weeks));
        } else if (!surface.equals("kde")) {
            throw bad("surface must be kde or prospective, got '" + surface + "'");
        }
        return new HotspotRunner.Request(
                selection,
                level,
                cell,
                bandwidth.metres(),
                bandwidth.rule(),
                kernel,
                mode,
                flag(m, "edgeCorrection", false),
                neighbours,
                flag(m, "fdr", true),
                top,
                prospective,
                createdBy);
    }

    /** Names an emerging run takes: the selection's, level, neighbours, fdr and its own. */
    public static final Set<String> EMERGING_NAMES = withSelection(
            "period", "level", "neighbours", "fdr", "timeNeighbours", "alpha", "trendAlpha", "cellM", "step");

    /** An emerging hot spot request (see {@link EmergingRunner}). */
    public static EmergingRunner.Request emerging(Map<String, ?> m, String createdBy) {
        return emerging(m, createdBy, PeriodLimit.NONE);
    }

    /** As {@link #emerging(Map, String)}, the period held to {@code limit}. */
    public static EmergingRunner.Request emerging(Map<String, ?> m, String createdBy, PeriodLimit limit) {
        requireKnown(m, EMERGING_NAMES);
        Selection selection = selection(m, limit);
        String level = text(m, "level").orElse("lsoa").toLowerCase(Locale.ROOT);
        if (!level.equals("grid")) {
            PointSelector.codeColumn(level);
        }
        Optional<Double> cell = number(m, "cellM");
        cell.ifPresent(c -> {
            if (!(c > 0)) {
                throw bad("cellM must be a positive number of metres");
            }
        });
        String neighbours = text(m, "neighbours").orElse("queen");
        HotspotRunner.checkNeighbours(neighbours);
        double lag = number(m, "timeNeighbours").orElse(1.0);
        if (lag != Math.rint(lag)) {
            throw bad("timeNeighbours must be a whole number of months, got " + lag);
        }
        double alpha = number(m, "alpha").orElse(0.05);
        double trendAlpha = number(m, "trendAlpha").orElse(0.05);
        org.safemap.hotspot.EmergingRules rules =
                guard(() -> new org.safemap.hotspot.EmergingRules(alpha, trendAlpha, 0.9));
        String step = text(m, "step").orElse("month").toLowerCase(Locale.ROOT);
        if (!step.equals("month") && !step.equals("week")) {
            throw bad("step must be month or week, got '" + step + "'");
        }
        return new EmergingRunner.Request(
                selection,
                level,
                cell,
                step.equals("week"),
                neighbours,
                (int) lag,
                flag(m, "fdr", true),
                rules,
                createdBy);
    }

    /** Names an evaluation takes. */
    public static final Set<String> EVALUATE_NAMES =
            withSelection("train", "test", "methods", "method", "level", "cellM", "bandwidth", "coverages");

    /** A prediction accuracy request (see {@link EvaluateRunner}). */
    public static EvaluateRunner.Request evaluate(Map<String, ?> m, String createdBy) {
        return evaluate(m, createdBy, PeriodLimit.NONE);
    }

    /** As {@link #evaluate(Map, String)}, both periods held to {@code limit}. */
    public static EvaluateRunner.Request evaluate(Map<String, ?> m, String createdBy, PeriodLimit limit) {
        requireKnown(m, EVALUATE_NAMES);
        Map<String, Object> trainMap = new java.util.HashMap<>(m);
        trainMap.keySet()
                .removeAll(List.of("train", "test", "methods", "method", "level", "cellM", "bandwidth", "coverages"));
        trainMap.put("period", text(m, "train").orElseThrow(() -> bad("train is required, e.g. 2022-01..2022-04")));
        Selection train = selection(trainMap, limit);
        Period testPeriod = limit.apply(guard(() ->
                Period.parse(text(m, "test").orElseThrow(() -> bad("test is " + "required, e.g. 2022-05..2022-07")))));
        Selection test = train.withPeriod(testPeriod);
        List<String> methods = new ArrayList<>(list(m, "methods"));
        methods.addAll(list(m, "method"));
        if (methods.isEmpty()) {
            methods = List.of("kde");
        }
        String level = text(m, "level").orElse("lsoa").toLowerCase(Locale.ROOT);
        if (!level.equals("grid")) {
            PointSelector.codeColumn(level);
        }
        BandwidthChoice bandwidth =
                guard(() -> BandwidthChoice.parse(text(m, "bandwidth").orElse(null)));
        List<String> cov = list(m, "coverages");
        double[] coverages = cov.isEmpty()
                ? org.safemap.hotspot.PredictionAccuracy.DEFAULT_COVERAGES
                : cov.stream()
                        .mapToDouble(c -> {
                            try {
                                double v = Double.parseDouble(c);
                                if (!(v > 0 && v <= 100)) {
                                    throw new NumberFormatException();
                                }
                                return v;
                            } catch (NumberFormatException e) {
                                throw bad("coverages are percentages above 0 and at most 100, got '" + c + "'");
                            }
                        })
                        .toArray();
        Optional<Double> cell = number(m, "cellM");
        cell.ifPresent(c -> {
            if (!(c > 0)) {
                throw bad("cellM must be a positive number of metres");
            }
        });
        return new EvaluateRunner.Request(
                train, test, methods, level, cell, bandwidth.metres(), bandwidth.rule(), coverages, createdBy);
    }

    /** Names the near-repeat test and the repeat-locations list take, beyond the selection's. */
    public static final Set<String> NEAR_REPEAT_NAMES = Set.of(
            "space",
            "time",
            "metric",
            "sameLocation",
            "permutations",
            "seed",
            "allowSnapped",
            "tolerance",
            "minCount",
            "top");

    /** Knox test parameters: "space" and "time" band edges as comma lists (metres, days). */
    public static org.safemap.hotspot.KnoxTest.Params knox(Map<String, ?> m) {
        double[] space =
                list(m, "space").isEmpty() ? new double[] {0, 100, 200, 300, 400} : numbers(list(m, "space"), "space");
        double[] time = list(m, "time").isEmpty() ? new double[] {0, 7, 14, 21, 28} : numbers(list(m, "time"), "time");
        org.safemap.hotspot.KnoxTest.Metric metric =
                switch (text(m, "metric").orElse("euclidean").toLowerCase(Locale.ROOT)) {
                    case "euclidean" -> org.safemap.hotspot.KnoxTest.Metric.EUCLIDEAN;
                    case "manhattan" -> org.safemap.hotspot.KnoxTest.Metric.MANHATTAN;
                    default -> throw bad("metric must be euclidean or manhattan");
                };
        double permutations = number(m, "permutations").orElse(99.0);
        if (!(permutations >= 0 && permutations <= MAX_PERMUTATIONS) || permutations != Math.rint(permutations)) {
            throw bad("permutations must be a whole number from 0 to " + MAX_PERMUTATIONS + ", got " + permutations);
        }
        double seed = number(m, "seed").orElse(1.0);
        return guard(() -> new org.safemap.hotspot.KnoxTest.Params(
                space, time, metric, flag(m, "sameLocation", true), (int) permutations, (long) seed));
    }

    /** Splits a map into the selection's parameters and the others, refusing names neither knows. */
    public static Map<String, Object> selectionPart(Map<String, ?> m, Set<String> own) {
        Set<String> selectionNames = Set.of(
                "period",
                "categories",
                "feeds",
                "hours",
                "weekdays",
                "area",
                "areaWkt",
                "maxPrecisionM",
                "aoristic",
                "countEvents");
        Map<String, Object> out = new java.util.HashMap<>();
        for (Map.Entry<String, ?> e : m.entrySet()) {
            if (selectionNames.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            } else if (!own.contains(e.getKey())) {
                throw bad("unknown parameter '" + e.getKey() + "'");
            }
        }
        return out;
    }

    private static double[] numbers(List<String> values, String name) {
        if (values.size() > MAX_BANDS) {
            throw bad(name + " takes at most " + MAX_BANDS + " band edges, got " + values.size());
        }
        try {
            double[] out = values.stream().mapToDouble(Double::parseDouble).toArray();
            for (double d : out) {
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
            }
            return out;
        } catch (NumberFormatException e) {
            throw bad(name + " must be numbers separated by commas, e.g. 0,100,200");
        }
    }

    /** The selection part alone, for evaluation and emerging runs. */
    public static Selection selection(Map<String, ?> m) {
        return selection(m, PeriodLimit.NONE);
    }

    /**
     * The selection part alone, its period held to {@code limit}: every HTTP path that reads a selection comes
     * through here (or {@link #parse}, {@link #emerging}, {@link #evaluate}), so each gets the same cap.
     */
    public static Selection selection(Map<String, ?> m, PeriodLimit limit) {
        Period period = limit.apply(guard(() -> Period.parse(
                text(m, "period").orElseThrow(() -> bad("period is " + "required, e.g. 2024-01..2024-06")))));
        boolean[] hours =
                text(m, "hours").map(h -> guard(() -> Selection.parseHours(h))).orElse(null);
        boolean[] weekdays = text(m, "weekdays")
                .map(w -> guard(() -> Selection.parseWeekdays(w)))
                .orElse(null);
        Optional<Selection.AreaOfInterest> area = Optional.empty();
        Optional<String> a = text(m, "area");
        if (a.isPresent()) {
            String[] parts = a.get().split(":", 2);
            if (parts.length != 2 || parts[1].isBlank()) {
                throw bad("area should be LEVEL:CODE[,CODE...], e.g. lad:E08000012 or ward:E05000886,E05000887");
            }
            String level = parts[0].toLowerCase(Locale.ROOT);
            String[] codes = parts[1].split(",");
            if (parts[0].equals("custom")) {
                // custom:beats:B1,B2
                String[] rest = parts[1].split(":", 2);
                if (rest.length != 2) {
                    throw bad("a custom area is custom:SET:CODE[,CODE...]");
                }
                level = "custom:" + rest[0];
                codes = rest[1].split(",");
            }
            PointSelector.codeColumn(level);
            if (codes.length > MAX_LIST) {
                throw bad("area names at most " + MAX_LIST + " codes, got " + codes.length);
            }
            area = Optional.of(Selection.AreaOfInterest.codes(
                    level, List.of(codes).stream().map(String::trim).toList()));
        }
        Optional<String> wkt = text(m, "areaWkt");
        if (wkt.isPresent()) {
            if (area.isPresent()) {
                throw bad("give area or areaWkt, not both");
            }
            String w = wkt.get().trim().toUpperCase(Locale.ROOT);
            if (!(w.startsWith("POLYGON") || w.startsWith("MULTIPOLYGON"))) {
                throw bad("areaWkt must be a POLYGON or MULTIPOLYGON in EPSG:27700 metres");
            }
            checkPolygon(wkt.get().trim());
            area = Optional.of(Selection.AreaOfInterest.polygon(wkt.get().trim()));
        }
        return new Selection(
                period,
                list(m, "categories"),
                list(m, "feeds"),
                hours,
                weekdays,
                area,
                number(m, "maxPrecisionM"),
                flag(m, "aoristic", true),
                flag(m, "countEvents", true));
    }

    public static Optional<String> text(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        String s = v instanceof Collection<?> c
                ? String.join(",", c.stream().map(String::valueOf).toList())
                : String.valueOf(v);
        return s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    public static Optional<Double> number(Map<String, ?> m, String key) {
        Optional<String> t = text(m, key);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        try {
            double d = Double.parseDouble(t.get());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return Optional.of(d);
        } catch (NumberFormatException e) {
            throw bad(key + " must be a number, got '" + t.get() + "'");
        }
    }

    public static boolean flag(Map<String, ?> m, String key, boolean dflt) {
        Optional<String> t = text(m, key);
        if (t.isEmpty()) {
            return dflt;
        }
        return switch (t.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw bad(key + " must be true or false, got '" + t.get() + "'");
        };
    }

    static List<String> list(Map<String, ?> m, String key) {
        List<String> out = new ArrayList<>();
        text(m, key).ifPresent(t -> {
            for (String s : t.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        });
        if (out.size() > MAX_LIST) {
            throw bad(key + " takes at most " + MAX_LIST + " values, got " + out.size());
        }
        return out;
    }

    /**
     * An area of interest as WKT must be one valid polygon (or several) of sensible size in British National Grid
     * metres; PostGIS would otherwise fail deep in a query (self-intersection) or work on a huge outline.
     */
    static void checkPolygon(String wkt) {
        Geometry g;
        try {
            g = new WKTReader().read(wkt);
        } catch (ParseException | RuntimeException e) {
            throw bad("areaWkt is not readable WKT: " + e.getMessage());
        }
        if (!(g instanceof Polygon || g instanceof MultiPolygon)) {
            throw bad("areaWkt must be a POLYGON or MULTIPOLYGON in EPSG:27700 metres");
        }
        if (g.getNumPoints() > MAX_POLYGON_POINTS) {
            throw bad("areaWkt may have up to " + MAX_POLYGON_POINTS + " points, this one has " + g.getNumPoints());
        }
        Envelope e = g.getEnvelopeInternal();
        if (g.isEmpty()
                || !(e.getMinX() >= -100_000
                        && e.getMaxX() <= 800_000
                        && e.getMinY() >= -100_000
                        && e.getMaxY() <= 1_400_000)) {
            throw bad("areaWkt must lie in Great Britain, in EPSG:27700 metres (eastings 0 to 700000, northings 0 "
                    + "to 1300000)");
        }
        IsValidOp valid = new IsValidOp(g);
        if (!valid.isValid()) {
            throw bad("areaWkt is not a valid polygon: "
                    + valid.getValidationError().getMessage() + " (do its edges cross?)");
        }
        if (!(g.getArea() > 0)) {
            throw bad("areaWkt encloses no area");
        }
    }

    private static <T> T guard(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    /** Refuses a parameter that is not among {@code names}, naming those that are. */
    private static void requireKnown(Map<String, ?> m, Set<String> names) {
        for (String key : m.keySet()) {
            if (!names.contains(key)) {
                throw bad("unknown parameter '" + key + "'; expected some of " + new java.util.TreeSet<>(names));
            }
        }
    }

    private static SafemapException bad(String message) {
        return new SafemapException(ErrorCode.BAD_REQUEST, message);
    }

    private static Set<String> withSelection(String... names) {
        Set<String> all = new java.util.HashSet<>(SELECTION_NAMES);
        all.addAll(List.of(names));
        return Set.copyOf(all);
    }
}
