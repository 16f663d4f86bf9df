package org.safemap.geocode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.safemap.SafemapException;
import org.safemap.db.CopyWriter;
import org.safemap.db.LoadBatches;

/**
 * Builds street entries for the gazetteer from the police.uk records already loaded: every "On or near Bold Street"
 * map point is a point on that street, so the points of one name that lie together (within
 * {@link #CLUSTER_M} of each other) make one street, placed at their centre with a precision of their spread. Two
 * streets of the same name in different places stay two entries, told apart by their ward. police.uk's
 * non-street map points ("Supermarket", "Parking Area") are left out.
 */
public final class StreetGazetteer {
    static final double CLUSTER_M = 600;
    private static final Pattern STREET = Pattern.compile("(?i).*\\b(street|road|lane|avenue|way|drive|close|place|square|"
            + "crescent|grove|terrace|walk|gardens|court|park|hill|row|parade|view|mews|rise|vale|green|boulevard|"
            + "hey|brow|croft|gate|precinct|quay|approach|bank|fold|side|wharf|dock|yard)$");
    private static final String POINTS = """
            SELECT DISTINCT substring(i.location_text FROM 12) AS name, ST_X(i.geom), ST_Y(i.geom), w.name
            FROM incident i LEFT JOIN area w ON w.level = 'ward' AND w.vintage = i.ward_vintage AND w.code = i.ward_code
            WHERE i.geocode_method = 'snapped-map-point' AND i.location_text LIKE 'On or near %'""";

    /** @param points map points read; @param streets entries added or changed */
    public record Result(int points, int streets) {
    }

    private record Point(double x, double y, String ward) {
    }

    private final DataSource dataSource;

    public StreetGazetteer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result build() {
        Map<String, List<Point>> byKey = new LinkedHashMap<>();
        Map<String, String> names = new HashMap<>();
        int points = 0;
        try (Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(POINTS)) {
                while (rs.next()) {
                    String name = rs.getString(1).strip();
                    if (!STREET.matcher(name).matches()) {
                        continue;
                    }
                    points++;
                    String key = PlaceNames.key(name);
                    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new Point(rs.getDouble(2), rs.getDouble(3),
                            rs.getString(4)));
                    names.putIfAbsent(key, name);
                }
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(GazetteerLoader.STAGE);
            }
            int entries = 0;
            try (CopyWriter out = CopyWriter.open(c, GazetteerLoader.COPY)) {
                for (var e : byKey.entrySet()) {
                    Map<String, Integer> localities = new HashMap<>();
                    for (List<Point> cluster : clusters(e.getValue())) {
                        double cx = cluster.stream().mapToDouble(Point::x).average().orElseThrow();
                        double cy = cluster.stream().mapToDouble(Point::y).average().orElseThrow();
                        double spread = cluster.stream().mapToDouble(p -> Math.hypot(p.x - cx, p.y - cy)).max().orElse(0);
                        String ward = cluster.stream().map(Point::ward).filter(w -> w != null).findFirst().orElse("");
                        int n = localities.merge(ward, 1, Integer::sum);
                        String locality = n == 1 ? ward : ward + " " + n;
                        out.value(names.get(e.getKey())).value(e.getKey()).value("street")
                                .value(locality.isEmpty() ? null : locality).value(cx).value(cy)
                                .value(Float.toString((float) Math.max(100, spread)));
                        out.endRow();
                        entries++;
                    }
                }
            }
            long batch = LoadBatches.start(c, "gazetteer", "gazetteer:streets-from-police-uk", "police.uk map points",
                    "0".repeat(64), entries, entries);
            int stored;
            try (PreparedStatement ps = c.prepareStatement(GazetteerLoader.UPSERT)) {
                ps.setLong(1, batch);
                stored = ps.executeUpdate();
            }
            c.commit();
            return new Result(points, stored);
        } catch (SQLException | java.io.IOException e) {
            throw new SafemapException("load_failed", "building streets from police.uk points failed: " + e.getMessage(), e);
        }
    }

    /** Single-linkage clusters: points within CLUSTER_M of any point of a cluster join it (grid hash, linear time). */
    static List<List<Point>> clusters(List<Point> points) {
        Map<Long, List<Integer>> grid = new HashMap<>();
        for (int i = 0; i < points.size(); i++) {
            grid.computeIfAbsent(cell(points.get(i).x, points.get(i).y), k -> new ArrayList<>()).add(i);
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
