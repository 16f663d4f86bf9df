package org.safemap.ingest;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Links records of one violent event seen by several feeds (police, ambulance, A&E), so combined maps can count
 * events once.
 *
 * <p>Two records are candidates when they come from different feeds, both fall in the violence group, both are
 * timed to within a day and located to within {@link #LINKABLE_PRECISION_M}, their time windows come within
 * {@code minutes} of each other, and they lie within {@code distanceM} of each other or, when their locations are
 * less precise than that, within the sum of their precisions. Candidates are taken nearest first (then closest in
 * time), and a link is made only while the event it forms holds at most one record from each feed: two
 * ambulance calls are never made one event through an A&E record between them, so an event count can only fall
 * by records that really are duplicates. Linked records share one event id, the smallest record id among them.
 * police.uk records carry only a month, so they never link.
 */
final class Linker {
    /** Records placed no better than this (postcode districts) cannot say which of several events they are. */
    static final double LINKABLE_PRECISION_M = 1000;

    /**
     * For each of the batch's records, the other feeds' records near it in space and time. The lateral subquery,
     * kept apart by OFFSET 0, makes PostgreSQL look each one up in the location index (within the widest distance
     * the record's own precision allows) and read only the months around it (incident is partitioned by
     * event_from; b starts no earlier than a day and the minutes before a starts, lasting at most a day). Joined
     * as a whole instead, the plan read every timed record of every feed before it found that the batch had no
     * violence (3 to 7 s for each fire and rescue batch over 6 million police records), or hashed on category and
     * tested every pair of violent records (7 s for 7,500 records against 15,000; docs/performance.md, "National
     * scale").
     */
    private static final String PAIRS = """
            SELECT a.id, a.feed, b.id, b.feed, b.event_id
            FROM incident a
            JOIN category ca ON ca.code = a.category AND ca.group_code = 'violence'
            CROSS JOIN LATERAL (
                SELECT b.id, b.feed, b.event_id, b.geom, b.event_from
                FROM incident b
                JOIN category cb ON cb.code = b.category AND cb.group_code = 'violence'
                WHERE b.feed <> a.feed AND b.id <> a.id
                  AND b.event_from >= a.event_from - make_interval(mins => ?) - interval '1 day'
                  AND b.event_from <= a.event_to + make_interval(mins => ?)
                  AND b.event_to >= a.event_from - make_interval(mins => ?)
                  AND b.event_to - b.event_from <= interval '1 day'
                  AND b.precision_m <= ?
                  AND ST_DWithin(b.geom, a.geom, greatest(?, a.precision_m + ?))
                  AND ST_DWithin(b.geom, a.geom, greatest(?, a.precision_m + b.precision_m))
                OFFSET 0) b
            WHERE a.batch_id = ? AND a.event_to - a.event_from <= interval '1 day' AND a.precision_m <= ?
            ORDER BY ST_Distance(a.geom, b.geom),
                     abs(extract(epoch FROM (a.event_from - b.event_from))), a.id, b.id""";
    /** Every member of the events the candidates already belong to. */
    private static final String MEMBERS = "SELECT id, feed, event_id FROM incident WHERE event_id = ANY(?)";

    /**
     * Sets an event's id on its records, and marks their batches as holding linked records ({@code load_batch.linked},
     * V24): a read of a box must read those batches' linked records wherever they lie, to count each event once by
     * the same record as a read of everything.
     */
    private static final String SET_EVENT = """
            WITH changed AS (
                UPDATE incident SET event_id = ? WHERE id = ANY(?) AND event_id IS DISTINCT FROM ? RETURNING batch_id),
            marked AS (
                UPDATE load_batch SET linked = true WHERE id IN (SELECT batch_id FROM changed) AND NOT linked)
            SELECT count(*) FROM changed""";

    private record Pair(long a, String aFeed, long b, String bFeed) {}

    private Linker() {}

    /** Links the batch's records to the records already stored; returns how many records changed event. */
    static int link(Connection c, long batchId, double distanceM, int minutes) throws SQLException {
        List<Pair> pairs = new ArrayList<>();
        Set<Long> existingEvents = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(PAIRS)) {
            ps.setInt(1, minutes);
            ps.setInt(2, minutes);
            ps.setInt(3, minutes);
            ps.setDouble(4, LINKABLE_PRECISION_M);
            ps.setDouble(5, distanceM);
            ps.setDouble(6, LINKABLE_PRECISION_M);
            ps.setDouble(7, distanceM);
            ps.setLong(8, batchId);
            ps.setDouble(9, LINKABLE_PRECISION_M);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pairs.add(new Pair(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
                    long event = rs.getLong(5);
                    if (!rs.wasNull()) {
                        existingEvents.add(event);
                    }
                }
            }
        }
        if (pairs.isEmpty()) {
            return 0;
        }
        Events events = new Events();
        if (!existingEvents.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(MEMBERS)) {
                ps.setArray(1, c.createArrayOf("bigint", existingEvents.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(rs.getLong(1), rs.getString(2));
                        events.add(rs.getLong(3), null);
                        events.join(rs.getLong(1), rs.getLong(3));
                    }
                }
            }
        }
        for (Pair p : pairs) {
            events.add(p.a(), p.aFeed());
            events.add(p.b(), p.bFeed());
            events.joinIfFeedsDiffer(p.a(), p.b());
        }
        int changed = 0;
        try (PreparedStatement ps = c.prepareStatement(SET_EVENT)) {
            for (List<Long> members : events.groups()) {
                long event = members.stream().mapToLong(Long::longValue).min().orElseThrow();
                Array ids = c.createArrayOf("bigint", members.toArray());
                ps.setLong(1, event);
                ps.setArray(2, ids);
                ps.setLong(3, event);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    changed += rs.getInt(1);
                }
            }
        }
        return changed;
    }

    /** Union-find over record ids, each group knowing which feeds it holds. */
    private static final class Events {
        private final Map<Long, Long> parent = new HashMap<>();
        private final Map<Long, Set<String>> feeds = new HashMap<>();

        void add(long id, String feed) {
            if (parent.putIfAbsent(id, id) == null) {
                feeds.put(id, new HashSet<>());
            }
            if (feed != null) {
                feeds.get(find(id)).add(feed);
            }
        }

        void join(long a, long b) {
            long ra = find(a);
            long rb = find(b);
            if (ra != rb) {
                merge(ra, rb);
            }
        }

        void joinIfFeedsDiffer(long a, long b) {
            long ra = find(a);
            long rb = find(b);
            if (ra != rb && java.util.Collections.disjoint(feeds.get(ra), feeds.get(rb))) {
                merge(ra, rb);
            }
        }

        /** Groups of more than one record. */
        List<List<Long>> groups() {
            Map<Long, List<Long>> byRoot = new HashMap<>();
            for (Long id : parent.keySet()) {
                byRoot.computeIfAbsent(find(id), k -> new ArrayList<>()).add(id);
            }
            return byRoot.values().stream().filter(g -> g.size() > 1).toList();
        }

        private void merge(long ra, long rb) {
            long root = Math.min(ra, rb);
            long child = Math.max(ra, rb);
            parent.put(child, root);
            feeds.get(root).addAll(feeds.remove(child));
        }

        private long find(long x) {
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
}
