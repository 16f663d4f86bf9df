package org.safemap.sharing;

import java.nio.charset.StandardCharsets;
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
 * Every protocol version SafeMap has run under, kept in the database (table protocol_version) so a load batch's
 * "arrived under istv-ae version 3" always means one text, even after the file has moved on. A protocol whose text
 * changed while its version number did not is refused: agreements change by new versions, not by edits.
 */
public final class ProtocolRegistry {
    private static final String FIND = "SELECT sha256 FROM protocol_version WHERE feed = ? AND version = ?";
    private static final String INSERT = """
            INSERT INTO protocol_version (feed, version, sha256, body) VALUES (?, ?, ?, ?::jsonb)
            ON CONFLICT (feed, version) DO NOTHING""";
    /** One version per feed is in force: the one the server last ran (or loaded) under. */
    private static final String IN_FORCE = "UPDATE protocol_version SET in_force = (version = ?) WHERE feed = ?";

    private static final String HISTORY = """
            SELECT version, sha256, first_seen, body::text FROM protocol_version WHERE feed = ? ORDER BY version DESC""";

    /** A recorded version: its number, hash, when SafeMap first ran under it, and its text. */
    public record Version(int version, String sha256, java.time.OffsetDateTime firstSeen, String body) {}

    private final DataSource dataSource;

    public ProtocolRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records every protocol in the catalogue, at start and at every reload; refuses one whose text changed under the
     * same version. All or nothing: a refused catalogue leaves the registry (and the versions in force) as they were.
     */
    public void sync(ProtocolCatalog catalog) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Protocol p : catalog.all()) {
                    record(c, p);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot record the protocol versions", e);
        }
    }

    /**
     * Records one protocol on the caller's connection (inside its transaction, as a load does) and marks it the
     * version in force for its feed.
     */
    public static void record(Connection c, Protocol p) throws SQLException {
        insertOrCheck(c, p);
        try (PreparedStatement ps = c.prepareStatement(IN_FORCE)) {
            ps.setInt(1, p.version());
            ps.setString(2, p.feed());
            ps.executeUpdate();
        }
    }

    private static void insertOrCheck(Connection c, Protocol p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, p.feed());
            ps.setInt(2, p.version());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (!rs.getString(1).equals(p.sha256())) {
                        throw new SafemapException(
                                ErrorCode.BAD_PROTOCOL,
                                p.origin() + ": the text of protocol " + p.feed()
                                        + " version " + p.version()
                                        + " differs from the one SafeMap recorded under that "
                                        + "version; an agreed change needs a new version number");
                    }
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, p.feed());
            ps.setInt(2, p.version());
            ps.setString(3, p.sha256());
            ps.setString(4, new String(bodyOf(p), StandardCharsets.UTF_8));
            ps.executeUpdate();
        }
    }

    public List<Version> history(String feed) {
        List<Version> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(HISTORY)) {
            ps.setString(1, feed);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Version(
                            rs.getInt(1),
                            rs.getString(2),
                            rs.getObject(3, java.time.OffsetDateTime.class),
                            rs.getString(4)));
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot read the protocol history", e);
        }
        return out;
    }

    private static byte[] bodyOf(Protocol p) {
        return p.text().getBytes(StandardCharsets.UTF_8);
    }
}
