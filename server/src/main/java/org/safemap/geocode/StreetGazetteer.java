package org.safemap.geocode;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.ReferenceUpsert;

/**
 * Builds street entries for the gazetteer from the police.uk records already loaded: every "On or near Bold Street"
 * map point is a point on that street, so the points of one name that lie together (within {@link #CLUSTER_M} of
 * each other, or in the same ward) make one street, placed at their centre with a precision of their spread. Two
 * streets of the same name in different places stay two entries, told apart by their ward. police.uk's generic map
 * points ("Supermarket", "Parking Area", "Sports/Recreation Area") are left out; its stations ("Liverpool Lime
 * Street (Station)") become venues.
 */
public final class StreetGazetteer {
    static final double CLUSTER_M = 1000;
    /** A street is never placed more precisely than this, however tightly its points sit. */
    private static final double MIN_PRECISION_M = 100;
    /**
     * Pieces of one name whose extents come this close are one street: police.uk points along a long road can
     * leave gaps over a kilometre, and merging two real namesakes this near costs only precision, which is stated.
     */
    static final double JOIN_GAP_M = 1500;
    /** police.uk's names for map points that are not streets (besides those with a "/", "Park/Open Space"). */
    private static final Set<String> GENERIC = Set.of(
            "parking area",
            "supermarket",
            "nightclub",
            "shopping area",
            "hospital",
            "petrol station",
            "police station",
            "pedestrian subway",
            "cinema",
            "prison",
            "ferry terminal",
            "hotel",
            "motel",
            "school",
            "church",
            "sports ground",
            "bus station",
            "train station",
            "car park");

    private static final Pattern STATION = Pattern.compile("(.+) \\(Station\\)");
    private static final Pattern QUALIFIER = Pattern.compile("\\s*\\([^)]*\\)\\s*");
    private static final String POINTS = """
            SELECT DISTINCT substring(i.location_text FROM 12) AS name, ST_X(i.geom), ST_Y(i.geom), w.name
            FROM incident i LEFT JOIN area w ON w.level = 'ward' AND w.vintage = i.ward_vintage AND w.code = i.ward_code
            WHERE i.geocode_method = 'snapped-map-point' AND i.location_text LIKE 'On or near %'
            ORDER BY 1, 2, 3, 4""";

    /** @param points map points read; @param streets entries added or changed */
    public record Result(int points, int streets) {}

    private record Point(double x, double y, String ward) {}

    private final DataSource dataSource;

    public StreetGazetteer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result build() {
        Map<String, List<Point>> byKey = new LinkedHashMap<>();
        Map<String, String> names = new HashMap<>();
        Set<String> stations = new HashSet<>();
        int points = 0;
        try (Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(POINTS)) {
                while (rs.next()) {
                    String name = rs.getString(1).strip();
                    Matcher station = STATION.matcher(name);
                    if (station.matches()) {
                        name = station.group(1) + " Station";
                        stations.add(PlaceNames.key(name));
                    } else if (name.contains("/") || GENERIC.contains(name.toLowerCase(Locale.ROOT))) {
                        continue;
                    } else {
                        name = QUALIFIER.matcher(name).replaceAll(" ").strip(); // "Dale Street (Queensway)"
                    }
                    if (name.isEmpty()) {
                        continue;
                    }
                    points++;
                    String key = PlaceNames.key(name);
                    byKey.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(new Point(rs.getDouble(2), rs.getDouble(3), rs.getString(4)));
                    names.putIfAbsent(key, name);
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "reading police.uk map points failed", e);
        }
        // Built from stored records, not from a file: there is no file hash to record.
        ReferenceUpsert.Result r = ReferenceUpsert.run(
                dataSource,
                "police.uk map points",
                () -> "0".repeat(64),
                "gazetteer",
                "gazetteer:streets-from-police-uk",
                GazetteerLoader.STAGE,
                GazetteerLoader.COPY,
                out -> {
                    int entries = 0;
                    for (var e : byKey.entrySet()) {
                        Map<String, Integer> localities = new HashMap<>();
                        String kind = stations.contains(e.getKey()) ? "venue" : "street";
                        for (List<Point> cluster : joinTouching(byWard(clusters(e.getValue())))) {
                            double[] extent = extent(cluster);
                            String ward = cluster.stream()
                                    .map(Point::ward)
                                    .filter(w -> w != null)
                                    .findFirst()
                                    .orElse("");
                            int n = localities.merge(ward, 1, Integer::sum);
                            String locality = n == 1 ? ward : ward + " " + n;
                            // Rounded to the centimetre, so rebuilding from the same points changes nothing.
                            GazetteerLoader.write(
                                    out,
                                    names.get(e.getKey()),
                                    kind,
                                    locality.isEmpty() ? null : locality,
                                    Math.round(extent[0] * 100) / 100.0,
                                    Math.round(extent[1] * 100) / 100.0,
                                    (float) Math.max(MIN_PRECISION_M, extent[2]));
                            entries++;
                        }
                    }
                    return entries;
                },
                GazetteerLoader.UPSERT);
        return new Result(points, r.changed());
    }

    /**
     * Clusters of one name whose extents (centre and spread) come within {@link #JOIN_GAP_M} of each other are one
     * long street seen in pieces (a road through two wards), not two streets.
     */
    static List<List<Point>> joinTouching(List<List<Point>> clusters) {
        List<List<Point>> out = new ArrayList<>(clusters);
        boolean joined = true;
        while (joined) {
            joined = false;
            for (int i = 0; i < out.size() && !joined; i++) {
                for (int j = i + 1; j < out.size() && !joined; j++) {
                    double[] a = extent(out.get(i));
                    double[] b = extent(out.get(j));
                    if (Math.hypot(a[0] - b[0], a[1] - b[1]) - a[2] - b[2] <= JOIN_GAP_M) {
                        List<Point> both = new ArrayList<>(out.get(i));
                        both.addAll(out.get(j));
                        out.set(i, both);
                        out.remove(j);
                        joined = true;
                    }
                }
            }
        }
        return out;
    }

    /** Centre x, centre y and spread (farthest point from the centre). */
    private static double[] extent(List<Point> cluster) {
        double cx = cluster.stream().mapToDouble(Point::x).average().orElseThrow();
        double cy = cluster.stream().mapToDouble(Point::y).average().orElseThrow();
        double spread = cluster.stream()
                .mapToDouble(p -> Math.hypot(p.x - cx, p.y - cy))
                .max()
                .orElse(0);
        return new double[] {cx, cy, spread};
    }

    /** Clusters of one name in the same ward are one street: a long road with a quiet stretch is still one road. */
    static List<List<Point>> byWard(List<List<Point>> clusters) {
        Map<String, List<Point>> merged = new LinkedHashMap<>();
        List<List<Point>> out = new ArrayList<>();
        for (List<Point> cluster : clusters) {
            String ward = cluster.stream()
                    .map(Point::ward)
                    .filter(w -> w != null)
                    .findFirst()
                    .orElse(null);
            if (ward == null) {
                out.add(cluster);
            } else {
                merged.computeIfAbsent(ward, k -> new ArrayList<>()).addAll(cluster);
            }
        }
        out.addAll(merged.values());
        return out;
    }

    /** Single-linkage clusters: points within CLUSTER_M of any point of a cluster join it (grid hash, linear time). */
    static List<List<Point>> clusters(List<Point> points) {
        Map<Long, List<Integer>> grid = new HashMap<>();
        for (int i = 0; i < points.size(); i++) {
            grid.computeIfAbsent(cell(points.get(i).x, points.get(i).y), k -> new ArrayList<>())
                    .add(i);
        }
        List<List<Point>> clusters = new ArrayList<>();
        boolean[] used = new boolean[points.size()];
        for (int i = 0; i < points.size(); i++) {
            if (used[i]) {
                continue;
            }
            List<Point> cluster = new ArrayList<>();
            List<Integer> frontier = new ArrayList<>(List.of(i));
            used[i] = true;
            while (!frontier.isEmpty()) {
                Point p = points.get(frontier.remove(frontier.size() - 1));
                cluster.add(p);
                long cx = (long) Math.floor(p.x / CLUSTER_M);
                long cy = (long) Math.floor(p.y / CLUSTER_M);
                for (long dx = -1; dx <= 1; dx++) {
                    for (long dy = -1; dy <= 1; dy++) {
                        for (int j : grid.getOrDefault(key(cx + dx, cy + dy), List.of())) {
                            if (!used[j] && Math.hypot(points.get(j).x - p.x, points.get(j).y - p.y) <= CLUSTER_M) {
                                used[j] = true;
                                frontier.add(j);
                            }
                        }
                    }
                }
            }
            clusters.add(cluster);
        }
        return clusters;
    }

    private static long cell(double x, double y) {
        return key((long) Math.floor(x / CLUSTER_M), (long) Math.floor(y / CLUSTER_M));
    }

    private static long key(long cx, long cy) {
        return cx << 32 ^ (cy & 0xffffffffL);
    }
}
