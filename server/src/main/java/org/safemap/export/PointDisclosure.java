package org.safemap.export;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.safemap.SafemapException;

/**
 * Decides which feeds' records a point export may hold. Record-level points are what the data-sharing rules
 * restrict most (BRIEF section 7: points only for the owning partner or whom the protocol names), so every point
 * export asks here, once, before it reads a record, and says in its provenance what was included and withheld.
 *
 * <p>Until the data-sharing protocols exist (issue 8), every loaded feed is visible to anyone who can reach the
 * server, as docs/api.md states for {@code GET /api/incidents}; so today every feed asked for is included. Issue 8's
 * policy decides here, per feed and audience, and the feeds it refuses go to {@link Decision#withheld}.
 */
final class PointDisclosure {
    private static final String LOADED = """
            SELECT DISTINCT feed FROM load_batch WHERE kind = 'incidents' ORDER BY feed""";

    /**
     * @param included feeds whose records the export may hold
     * @param withheld feeds asked for (or, when none were named, loaded) whose records it may not
     */
    record Decision(List<String> included, List<String> withheld) {
        Decision {
            included = List.copyOf(included);
            withheld = List.copyOf(withheld);
        }
    }

    private final DataSource dataSource;

    PointDisclosure(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The feeds a point export of {@code requested} (empty: every loaded feed) may include.
     *
     * @throws SafemapException bad_request for a feed with no records loaded, naming those that have
     */
    Decision feedsForPoints(List<String> requested) {
        List<String> loaded = loadedFeeds();
        for (String f : requested) {
            if (!loaded.contains(f)) {
                throw new SafemapException("bad_request", "no records from feed '" + f + "' are loaded; the feeds "
                        + "with records are " + loaded);
            }
        }
        List<String> asked = requested.isEmpty() ? loaded : requested.stream().distinct().sorted().toList();
        return new Decision(asked, List.of());
    }

    private List<String> loadedFeeds() {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LOADED);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new SafemapException("database_error", "could not read the loaded feeds: " + e.getMessage(), e);
        }
        return out;
    }
}
