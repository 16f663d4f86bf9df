package org.safemap.ingest;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Links records of one violent event seen by several feeds (police, ambulance, A&E), so combined maps can count
 * events once. Two records are linked when they come from different feeds, both fall in the violence group, both
 * are timed to within a day, their time windows come within {@code minutes} of each other, and they lie within
 * {@code distanceM} of each other or, when their locations are less precise than that, within the sum of their
 * precisions. Links are transitive: a group of linked records shares one event id, the smallest record id in it.
 * police.uk records carry only a month, so they never link.
 */
final class Linker {
    private static final String PAIRS = """
            SELECT a.id, b.id, b.event_id
            FROM incident a
            JOIN category ca ON ca.code = a.category AND ca.group_code = 'violence'
            JOIN incident b ON b.feed <> a.feed AND b.id <> a.id
                 AND b.event_from <= a.event_to + make_interval(mins => ?)
                 AND b.event_to >= a.event_from - make_interval(mins => ?)
                 AND b.event_to - b.event_from <= interval '1 day'
                 AND ST_DWithin(b.geom, a.geom, greatest(?, a.precision_m + b.precision_m))
            JOIN category cb ON cb.code = b.category AND cb.group_code = 'violence'
            WHERE a.batch_id = ? AND a.event_to - a.event_from <= interval '1 day'""";
    private static final String CURRENT = "SELECT id, event_id FROM incident WHERE id = ANY(?)";
    private static final String SET_EVENT = "UPDATE incident SET event_id = ? WHERE id = ANY(?) AND event_id IS DISTINCT FROM ?";

    private Linker() {
    }

    /** Links the batch's records to the records already stored; returns how many records changed event. */
    static int link(Connection c, long batchId, double distanceM, int minutes) throws SQLException {
        Map<Long, Long> parent = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(PAIRS)) {
            ps.setInt(1, minutes);
            ps.setInt(2, minutes);
            ps.setDouble(3, distanceM);
            ps.setLong(4, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    union(parent, rs.getLong(1), rs.getLong(2));
                    long existing = rs.getLong(3);
                    if (!rs.wasNull()) {
                        union(parent, rs.getLong(2), existing);
                    }
                }
            }
        }
        if (parent.isEmpty()) {
            return 0;
        }
        // Members of an existing event that is now joined must follow the new, possibly smaller, event id.
        Long[] touched = parent.keySet().toArray(Long[]::new);
        try (PreparedStatement ps = c.prepareStatement(CURRENT)) {
            ps.setArray(1, c.createArrayOf("bigint", touched));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long event = rs.getLong(2);
                    if (!rs.wasNull()) {
                        union(parent, rs.getLong(1), event);
                    }
                }
            }
        }
        Map<Long, List<Long>> groups = new HashMap<>();
        for (Long id : parent.keySet()) {
            groups.computeIfAbsent(find(parent, id), k -> new ArrayList<>()).add(id);
        }
        int changed = 0;
        try (PreparedStatement ps = c.prepareStatement(SET_EVENT)) {
            for (List<Long> members : groups.values()) {
                long event = members.stream().mapToLong(Long::longValue).min().orElseThrow();
                Array ids = c.createArrayOf("bigint", members.toArray());
                ps.setLong(1, event);
                ps.setArray(2, ids);
                ps.setLong(3, event);
                changed += ps.executeUpdate();
            }
        }
        return changed;
    }

    private static void union(Map<Long, Long> parent, long a, long b) {
        long ra = find(parent, a);
        long rb = find(parent, b);
        if (ra != rb) {
            parent.put(Math.max(ra, rb), Math.min(ra, rb));
        }
    }

    private static long find(Map<Long, Long> parent, long x) {
        parent.putIfAbsent(x, x);
        long root = x;
        while (parent.get(root) != root) {
            root = parent.get(root);
        }
        long node = x;
        while (node != root) {
            long next = parent.get(node);
            parent.put(node, root);
            node = next;
        }
        return root;
    }
}
