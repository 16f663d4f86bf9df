package org.safemap.ingest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What each incident load found: rows read, accepted and quarantined (by reason), how records were located and
 * how many fell inside the loaded areas. Read from {@code load_batch}, whose summary each load writes, so a
 * report never scans incidents.
 */
public final class FeedReports {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private static final String BATCHES = """
            SELECT id, feed, source_name, source_sha256, loaded_at, rows_read, rows_loaded, rows_quarantined, summary::text,
                   loaded_by, loaded_via, protocol_version, rows_purged, purged_at
            FROM load_batch
            WHERE kind = 'incidents' AND (?::text IS NULL OR feed = ?) AND (?::bigint IS NULL OR id = ?)
            ORDER BY loaded_at, id""";

    /**
     * One batch: a file loaded into a feed.
     *
     * @param reasons        quarantine reason (the text before any quoted value) to count
     * @param geocodeMethods method code (coordinate, postcode, street...) to count of accepted records
     * @param areaMatch      inside / outside the loaded LSOAs, or pending when none are loaded, to count
     * @param linked         records of this batch linked to another feed's record of the same event
     * @param loadedBy       who loaded it: a login, or cli:&lt;os user&gt;; null for batches loaded before SafeMap
     *                       recorded loaders
     * @param loadedVia      how they signed in: session, token 'name', cli; null when not recorded
     * @param outsideAreaLines lines of the accepted records outside every loaded LSOA (the partnership's area), in
     *                       file order, the first 1,000 (areaMatch's "outside" counts them all)
     * @param protocolVersion the version of the feed's protocol the file was loaded under; null for batches loaded
     *                       before SafeMap recorded protocols
     * @param rowsPurged     of the batch's accepted records, how many the retention purge has deleted so far
     * @param purgedAt       when the purge deleted the batch's last record and its quarantined rows; null until then
     */
    public record BatchReport(
            long batch,
            String feed,
            String file,
            String sha256,
            OffsetDateTime loadedAt,
            int rowsRead,
            int accepted,
            int quarantined,
            Map<String, Long> reasons,
            Map<String, Long> geocodeMethods,
            Map<String, Long> areaMatch,
            long linked,
            String loadedBy,
            String loadedVia,
            List<Integer> outsideAreaLines,
            Integer protocolVersion,
            int rowsPurged,
            OffsetDateTime purgedAt) {
        /** Share of accepted records inside a loaded LSOA; null before any are loaded. */
        public Double areaMatchRate() {
            long inside = areaMatch.getOrDefault("inside", 0L);
            long outside = areaMatch.getOrDefault("outside", 0L);
            return inside + outside == 0 ? null : (double) inside / (inside + outside);
        }

        /** Accepted records outside the partnership's area, listed or not. */
        public long outsideArea() {
            return areaMatch.getOrDefault("outside", 0L);
        }

        /** The listed lines for people, runs joined: "7, 12-15, 90", and how many more there are. */
        public String outsideAreaLineText() {
            StringBuilder b = new StringBuilder();
            int n = outsideAreaLines.size();
            for (int i = 0; i < n; i++) {
                int first = outsideAreaLines.get(i);
                int last = first;
                while (i + 1 < n && outsideAreaLines.get(i + 1) == last + 1) {
                    last = outsideAreaLines.get(++i);
                }
                b.append(b.isEmpty() ? "" : ", ").append(first).append(last > first ? "-" + last : "");
            }
            long more = outsideArea() - n;
            return more > 0 ? b + String.format(Locale.UK, " and %,d more", more) : b.toString();
        }

        /** The stable JSON shape of docs/feeds.md (snake_case keys). */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batch", batch);
            m.put("feed", feed);
            m.put("file", file);
            m.put("sha256", sha256);
            m.put("loaded_at", loadedAt.toString());
            m.put("loaded_by", loadedBy);
            m.put("loaded_via", loadedVia);
            m.put("protocol_version", protocolVersion);
            m.put("rows_read", rowsRead);
            m.put("accepted", accepted);
            m.put("quarantined", quarantined);
            m.put("reasons", reasons);
            m.put("geocode_methods", geocodeMethods);
            m.put("area_match", areaMatch);
            m.put("area_match_rate", areaMatchRate());
            m.put("linked", linked);
            m.put("outside_area_lines", outsideAreaLines);
            m.put("rows_purged", rowsPurged);
            m.put("purged_at", purgedAt == null ? null : purgedAt.toString());
            return m;
        }
    }

    private final DataSource dataSource;

    public FeedReports(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every batch, oldest first; only the named feed's when {@code feed} is not null. */
    public List<BatchReport> batches(String feed) throws SQLException {
        return query(feed, null);
    }

    /** One batch's report. */
    public BatchReport batch(long id) throws SQLException {
        List<BatchReport> found = query(null, id);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Reports as the JSON array {@code feeds report --format json} prints. */
    public static String toJson(List<BatchReport> reports) {
        try {
            return JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(
                            reports.stream().map(BatchReport::toJson).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<BatchReport> query(String feed, Long id) throws SQLException {
        List<BatchReport> reports = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(BATCHES)) {
            ps.setString(1, feed);
            ps.setString(2, feed);
            ps.setObject(3, id);
            ps.setObject(4, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> summary = parse(rs.getString(9));
                    reports.add(new BatchReport(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getObject(5, OffsetDateTime.class),
                            rs.getInt(6),
                            rs.getInt(7),
                            rs.getInt(8),
                            counts(summary.get("reasons")),
                            counts(summary.get("geocode_methods")),
                            counts(summary.get("area_match")),
                            summary.get("linked") instanceof Number n ? n.longValue() : 0,
                            rs.getString(10),
                            rs.getString(11),
                            lines(summary.get("outside_area_lines")),
                            (Integer) rs.getObject(12),
                            rs.getInt(13),
                            rs.getObject(14, OffsetDateTime.class)));
                }
            }
        }
        return reports;
    }

    private static Map<String, Object> parse(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, MAP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Integer> lines(Object node) {
        List<Integer> lines = new ArrayList<>();
        if (node instanceof List<?> list) {
            list.forEach(v -> lines.add(v instanceof Number n ? n.intValue() : 0));
        }
        return List.copyOf(lines);
    }

    private static Map<String, Long> counts(Object node) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> counts.put(String.valueOf(k), v instanceof Number n ? n.longValue() : 0L));
        }
        return counts;
    }
}
