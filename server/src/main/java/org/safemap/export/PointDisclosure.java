package org.safemap.export;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;

/**
 * Decides which feeds' records a point export may hold. Record-level points are what the data-sharing rules
 * restrict most (BRIEF section 7: points only for the owning partner or whom the protocol names), so every point
 * export asks here, once, before it reads a record, and says in its provenance what was included and withheld.
 *
 * <p>A file leaves SafeMap's control, so it holds only feeds the asker may see as points under their protocols
 * ({@link Policy#level}); feeds they may see at reduced precision or as aggregates are withheld and named, as are
 * feeds they may not see at all when they asked for them by name.
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
    private final Policy policy;

    PointDisclosure(DataSource dataSource, Policy policy) {
        this.dataSource = dataSource;
        this.policy = policy;
    }

    /**
     * The feeds a point export of {@code requested} (empty: every loaded feed) may include for {@code who}.
     *
     * @throws SafemapException bad_request for a feed with no records loaded, naming those that have
     */
    Decision feedsForPoints(List<String> requested, Principal who) {
        List<String> loaded = loadedFeeds();
        for (String f : requested) {
            if (!loaded.contains(f)) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "no records from feed '" + f + "' are loaded; the feeds " + "with records are " + loaded);
            }
        }
        List<String> asked = requested.isEmpty()
                ? loaded
                : requested.stream().distinct().sorted().toList();
        List<String> included = new ArrayList<>();
        List<String> withheld = new ArrayList<>();
        for (String f : asked) {
            DisclosureLevel level = policy.level(who, f);
            if (level == DisclosureLevel.POINTS) {
                included.add(f);
            } else if (!requested.isEmpty() || level != DisclosureLevel.NONE) {
                // A feed not asked for and invisible is not even named: its existence is not the asker's business.
                withheld.add(f);
            }
        }
        return new Decision(included, withheld);
    }

    private List<String> loadedFeeds() {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LOADED);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the loaded feeds", e);
        }
        return out;
    }
}
