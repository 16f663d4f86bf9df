package org.safemap.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * The feeds whose records the public may see record by record under their data-sharing protocols (police.uk and
 * British Transport Police in the built-in examples). The geoserver.incident_counts view counts these and no other,
 * reading the same rule from the recorded protocols (view geoserver.public_feed, V10).
 */
public final class PublicFeeds {
    private static final String NAMES = "SELECT feed FROM geoserver.public_feed ORDER BY feed";

    private PublicFeeds() {}

    public static List<String> names(DataSource db) {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(NAMES);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot read the public feeds", e);
        }
        return out;
    }
}
