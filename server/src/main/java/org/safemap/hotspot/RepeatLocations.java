package org.safemap.hotspot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Places where incidents recur: incidents at exactly the same coordinates (or, with a tolerance, within that many
 * metres of a location's first incident) grouped, counted and ranked. Also the check that refuses distance-based
 * near-repeat analysis on snapped data: police.uk moves every crime to one of a set of anonymous map points, so many
 * unrelated incidents share coordinates and a "location" is a snap point, not an address.
 */
public final class RepeatLocations {
    /** Above this share of incidents sharing their exact coordinates with another, points are taken as snapped. */
    public static final double SNAPPED_SHARE = 0.5;

    /**
     * One location.
     *
     * @param count  incidents there (weights summed)
     * @param first  earliest time, epoch seconds
     * @param last   latest time, epoch seconds
     * @param members indexes of the incidents, in input order
     */
    public record Location(double x, double y, double count, long first, long last, int[] members) {}

    /** How shared the coordinates are. */
    public record Snapping(int incidents, int distinctLocations, double sharedShare) {
        public boolean snapped() {
            return sharedShare > SNAPPED_SHARE;
        }

        public String describe() {
            return String.format(
                    Locale.UK,
                    "%,d incidents sit on %,d distinct points; %.0f%% share their exact "
                            + "coordinates with another incident",
                    incidents,
                    distinctLocations,
                    100 * sharedShare);
        }
    }

    private RepeatLocations() {}

    public static Snapping snapping(double[] x, double[] y) {
        Map<Point, Integer> counts = countByPoint(x, y);
        int shared = 0;
        for (int c : counts.values()) {
            if (c > 1) {
                shared += c;
            }
        }
        return new Snapping(x.length, counts.size(), x.length == 0 ? 0 : shared / (double) x.length);
    }

    /**
     * Locations with at least {@code minCount} incidents, most first (ties: earliest first incident, then west to
     * east). With a tolerance, incidents join the first location (in time order) within that many metres.
     */
    public static List<Location> find(WeightedPoints p, long[] when, double toleranceMetres, double minCount) {
        int n = p.size();
        if (when.length != n) {
            throw new IllegalArgumentException("one time per incident is needed");
        }
        if (!(toleranceMetres >= 0)) {
            throw new IllegalArgumentException("tolerance must be 0 or more metres");
        }
        Integer[] byTime = new Integer[n];
        for (int i = 0; i < n; i++) {
            byTime[i] = i;
        }
        Arrays.sort(byTime, (a, b) -> Long.compare(when[a], when[b]));
        List<double[]> anchors = new ArrayList<>();
        List<List<Integer>> groups = new ArrayList<>();
        Map<Long, List<Integer>> grid = new HashMap<>();
        double size = Math.max(toleranceMetres, 1.0);
        for (int i : byTime) {
            double x = p.x()[i];
            double y = p.y()[i];
            int found = -1;
            long cx = (long) Math.floor(x / size);
            long cy = (long) Math.floor(y / size);
            search:
            for (long dx = -1; dx <= 1; dx++) {
                for (long dy = -1; dy <= 1; dy++) {
                    List<Integer> candidates = grid.get((cx + dx) * 73_856_093L ^ (cy + dy) * 19_349_663L);
                    if (candidates == null) {
                        continue;
                    }
                    for (int g : candidates) {
                        double[] a = anchors.get(g);
                        double d = Math.hypot(a[0] - x, a[1] - y);
                        if (toleranceMetres == 0 ? a[0] == x && a[1] == y : d <= toleranceMetres) {
                            found = g;
                            break search;
                        }
                    }
                }
            }
            if (found < 0) {
                found = anchors.size();
                anchors.add(new double[] {x, y});
                groups.add(new ArrayList<>());
                grid.computeIfAbsent(cx * 73_856_093L ^ cy * 19_349_663L, k -> new ArrayList<>())
                        .add(found);
            }
            groups.get(found).add(i);
        }
        List<Location> out = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            List<Integer> members = groups.get(g);
            double count = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (int i : members) {
                count += p.weight()[i];
                first = Math.min(first, when[i]);
                last = Math.max(last, when[i]);
            }
            if (count >= minCount && members.size() >= 2) {
                int[] m = members.stream().mapToInt(Integer::intValue).sorted().toArray();
                out.add(new Location(anchors.get(g)[0], anchors.get(g)[1], count, first, last, m));
            }
        }
        out.sort((a, b) -> a.count() != b.count()
                ? Double.compare(b.count(), a.count())
                : a.first() != b.first() ? Long.compare(a.first(), b.first()) : Double.compare(a.x(), b.x()));
        return out;
    }

    private static Map<Point, Integer> countByPoint(double[] x, double[] y) {
        Map<Point, Integer> counts = new HashMap<>();
        for (int i = 0; i < x.length; i++) {
            counts.merge(new Point(x[i], y[i]), 1, Integer::sum);
        }
        return counts;
    }

    private record Point(double x, double y) {}
}
