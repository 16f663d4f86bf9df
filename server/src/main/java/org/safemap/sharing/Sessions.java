package org.safemap.sharing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Viewer sign-in sessions. The browser holds a random session id in an HttpOnly cookie; the database holds its
 * SHA-256 digest, the user, the declared purpose and the CSRF token the page must echo on unsafe requests.
 *
 * <p>A session slides: it ends {@code idle} after the last request (SAFEMAP_SESSION_HOURS), and in any case
 * {@link #MAX_LIFETIME_FACTOR} times that after sign-in, so a stolen cookie cannot be kept alive for ever.
 */
public final class Sessions {
    /** A session lasts at most this many idle periods from sign-in, however busy (12 h idle: 7 days). */
    public static final int MAX_LIFETIME_FACTOR = 14;

    private static final String INSERT = """
            INSERT INTO user_session (id_hash, user_id, purpose, csrf_token, expires_at)
            VALUES (?, ?, ?, ?, now() + ?::interval) RETURNING expires_at""";
    private static final String PURGE = "DELETE FROM user_session WHERE expires_at <= now()";
    private static final String FIND = "SELECT s.purpose, s.csrf_token, s.expires_at, " + Users.USER_COLUMNS + """
             FROM user_session s JOIN app_user u ON u.id = s.user_id
            WHERE s.id_hash = ? AND s.expires_at > now() AND NOT u.disabled""";
    /** Slides the expiry; at most once a minute per session, so a map's many tile requests cost one write. */
    private static final String TOUCH = """
            UPDATE user_session SET last_seen = now(),
                   expires_at = least(now() + ?::interval, created_at + ?::interval)
            WHERE id_hash = ? AND last_seen < now() - interval '1 minute'""";

    private static final String DELETE = "DELETE FROM user_session WHERE id_hash = ?";

    /**
     * A live session.
     *
     * @param purpose the purpose declared at sign-in; null if none
     * @param csrf    the token the page sends back in X-CSRF-Token
     */
    public record Session(Users.User user, String purpose, String csrf, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[" + user.login() + ", purpose=" + purpose + ", expires=" + expiresAt + "]";
        }
    }

    /** A session just opened: the id for the cookie (shown only here) and the session. */
    public record Opened(String id, Session session) {
        @Override
        public String toString() {
            return "Opened[" + session + "]";
        }
    }

    private final DataSource dataSource;
    private final Duration idle;

    public Sessions(DataSource dataSource, Duration idle) {
        this.dataSource = dataSource;
        this.idle = idle;
    }

    public Duration idle() {
        return idle;
    }

    /** Opens a session for a user who has just proved who they are. Ended sessions are swept out here. */
    public Opened open(Users.User user, String purpose) throws SQLException {
        String id = SecretTokens.random();
        String csrf = SecretTokens.random();
        Instant expires;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(PURGE)) {
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setBytes(1, SecretTokens.digest(id));
                ps.setLong(2, user.id());
                ps.setString(3, purpose);
                ps.setString(4, csrf);
                ps.setString(5, interval(idle));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    expires = rs.getTimestamp(1).toInstant();
                }
            }
        }
        return new Opened(id, new Session(user, purpose, csrf, expires));
    }

    /** The live session with this id, its expiry slid forward; empty if unknown, ended or its user disabled. */
    public Optional<Session> resolve(String id) throws SQLException {
        if (id == null || !id.matches("[A-Za-z0-9_-]{43}")) {
            return Optional.empty();
        }
        byte[] hash = SecretTokens.digest(id);
        Session found;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setBytes(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    found = new Session(
                            Users.read(rs, 4),
                            rs.getString(1),
                            rs.getString(2),
                            rs.getTimestamp(3).toInstant());
                }
            }
            try (PreparedStatement ps = c.prepareStatement(TOUCH)) {
                ps.setString(1, interval(idle));
                ps.setString(2, interval(idle.multipliedBy(MAX_LIFETIME_FACTOR)));
                ps.setBytes(3, hash);
                ps.executeUpdate();
            }
        }
        return Optional.of(found);
    }

    /** Ends a session (sign-out). Unknown ids are fine: signing out twice is not an error. */
    public void close(String id) throws SQLException {
        if (id == null || !id.matches("[A-Za-z0-9_-]{43}")) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setBytes(1, SecretTokens.digest(id));
            ps.executeUpdate();
        }
    }

    private static String interval(Duration d) {
        return d.toSeconds() + " seconds";
    }
}
