package org.safemap.runs;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.FeedDefinition;

/**
 * The data sources a result draws on, and what each must be credited with: the footnote of a tasking pack and the
 * attribution carried by every export. Sources are found from the load batches a computation read (a stored run's
 * data version, {@link PointSelector.Selected#batches}), so the credit names exactly the files behind the numbers.
 */
public final class Sources {
    private static final String BY_FEED = """
            SELECT b.feed, count(*), sum(b.rows_loaded), min(b.loaded_at), max(b.loaded_at),
                   string_agg(DISTINCT (p.body ->> 'title') || ' (' || p.feed || ' protocol, version ' || p.version || ')',
                              '; ')
            FROM load_batch b LEFT JOIN protocol_version p ON p.feed = b.feed AND p.version = b.protocol_version
            WHERE b.kind = 'incidents' AND b.id = ANY(?::bigint[])
            GROUP BY b.feed ORDER BY b.feed""";

    /**
     * One feed behind a result.
     *
     * @param feed        the feed's name
     * @param title       what it is, for people
     * @param partner     who supplies it
     * @param attribution the credit its definition asks for (source and licence, or the protocol it is shared under)
     * @param files       load batches (files) of the feed the result read
     * @param rowsLoaded  records those files hold, whether or not the result's filters kept them
     * @param protocol    the data-sharing protocol (title, feed, version) those files arrived under; several when the
     *                    files span versions; empty for files loaded before SafeMap recorded protocols
     */
    public record Source(
            String feed,
            String title,
            String partner,
            String attribution,
            int files,
            long rowsLoaded,
            String protocol) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("feed", feed);
            m.put("title", title);
            m.put("partner", partner);
            m.put("attribution", attribution);
            m.put("files", files);
            m.put("rowsLoaded", rowsLoaded);
            m.put("protocol", protocol);
            return m;
        }
    }

    private final DataSource dataSource;
    private final FeedCatalog feeds;

    public Sources(DataSource dataSource, FeedCatalog feeds) {
        this.dataSource = dataSource;
        this.feeds = feeds;
    }

    /** The feeds of these load batches, by feed name. A feed no longer defined is still credited, by its name. */
    public List<Source> of(long[] batches) {
        List<Source> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(BY_FEED)) {
            Array ids = c.createArrayOf(
                    "bigint", java.util.Arrays.stream(batches).boxed().toArray());
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    FeedDefinition f = feeds.find(name).orElse(null);
                    out.add(new Source(
                            name,
                            f != null ? f.title() : name,
                            f != null ? f.partner() : "",
                            f != null ? f.attribution() : name,
                            rs.getInt(2),
                            rs.getLong(3),
                            rs.getString(6) == null ? "" : rs.getString(6)));
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the sources", e);
        }
        return out;
    }

    /** One line crediting every source, for a map's footer or a file's metadata. */
    public static String credit(List<Source> sources) {
        List<String> parts = new ArrayList<>();
        for (Source s : sources) {
            parts.add(s.attribution());
        }
        return parts.isEmpty() ? "No records." : String.join(" ", parts);
    }
}
