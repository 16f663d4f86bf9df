package org.safemap.sharing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * API tokens: bearer credentials for scripts and GIS clients (QGIS and ArcGIS send one as the password of HTTP Basic
 * authentication). A token is {@code smp_} plus 32 random bytes; only its SHA-256 digest is stored
 * ({@link SecretTokens} says why that is enough), and its plaintext is returned once, by {@link #create}.
 */
public final class ApiTokens {
    /** Characters of the token kept in clear so its owner can tell tokens apart: "smp_" and 6 of the 43 random ones. */
    private static final int PREFIX_CHARS = SecretTokens.TOKEN_PREFIX.length() + 6;

    public static final int MAX_EXPIRY_DAYS = 3650;

    private static final String COLUMNS = """
            t.id, t.user_id, u.login, t.name, t.prefix, t.purpose, t.created_at, t.expires_at, t.last_used, t.revoked_at""";
    private static final String INSERT = """
            INSERT INTO api_token (user_id, name, token_hash, prefix, purpose, expires_at)
            VALUES (?, ?, ?, ?, ?, ?) RETURNING id""";
    private static final String BY_ID =
            "SELECT " + COLUMNS + " FROM api_token t JOIN app_user u ON u.id = t.user_id " + "WHERE t.id = ?";
    private static final String LIST = "SELECT " + COLUMNS + " FROM api_token t JOIN app_user u ON u.id = t.user_id "
            + "WHERE (?::text IS NULL OR u.login = ?) ORDER BY t.id";
    private static final String REVOKE = "UPDATE api_token SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL";
    /**
     * One row when the token is live and its owner enabled; nothing otherwise, whatever the reason. Its last column
     * says whether {@link #USED} would change last_used, so a request in the same minute as the last spares itself
     * a second round trip to the database.
     */
    private static final String AUTHENTICATE = "SELECT t.id, t.purpose, " + Users.USER_COLUMNS + """
            , t.name, t.last_used IS NULL OR t.last_used < now() - interval '1 minute'
             FROM api_token t JOIN app_user u ON u.id = t.user_id
            WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
              AND NOT u.disabled""";
    /** last_used is for people ("is this token still in use?"): minute precision spares a write per request. */
    private static final String USED = """
            UPDATE api_token SET last_used = now()
            WHERE id = ? AND (last_used IS NULL OR last_used < now() - interval '1 minute')""";

    /**
     * A token as its owner and admins see it: never the secret, only the prefix.
     *
     * @param purpose   the purpose every request with it declares; null: each request declares its own (or none)
     * @param expiresAt null: does not expire
     */
    public record Token(
            long id,
            long userId,
            String login,
            String name,
            String prefix,
            String purpose,
            Instant createdAt,
            Instant expiresAt,
            Instant lastUsed,
            Instant revokedAt) {
        /** active, expired or revoked. */
        public String state(Instant now) {
            if (revokedAt != null) {
                return "revoked";
            }
            return expiresAt != null && !expiresAt.isAfter(now) ? "expired" : "active";
        }
    }

    /** A token just made, with its one-time plaintext. */
    public record Issued(Token token, String secret) {
        @Override
        public String toString() {
            return "Issued[" + token + ", secret=***]";
        }
    }

    /** The user a presented token stands for, the token's own purpose, and its name (what its owner called it). */
    public record Authenticated(Users.User user, long tokenId, String purpose, String name) {}

    private final DataSource dataSource;
    private final Users users;

    public ApiTokens(DataSource dataSource, Users users) {
        this.dataSource = dataSource;
        this.users = users;
    }

    /**
     * A new token for {@code login}. {@code purpose} must already be checked ({@link Purposes#check});
     * {@code expiresInDays} null means it never expires (discouraged; the CLI defaults to 90 days).
     */
    public Issued create(String login, String name, String purpose, Integer expiresInDays) throws SQLException {
        Users.User owner = users.require(login);
        if (owner.disabled()) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "user '" + owner.login() + "' is disabled; enable them first");
        }
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 100) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "a token needs a name of 1 to 100 characters saying what uses "
                            + "it (e.g. 'QGIS on the analysts' PC')");
        }
        if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > MAX_EXPIRY_DAYS)) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "expiry must be from 1 to " + MAX_EXPIRY_DAYS + " days");
        }
        Instant expires = expiresInDays == null ? null : Instant.now().plus(Duration.ofDays(expiresInDays));
        String secret = SecretTokens.apiToken();
        long id;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setLong(1, owner.id());
            ps.setString(2, n);
            ps.setBytes(3, SecretTokens.digest(secret));
            ps.setString(4, secret.substring(0, PREFIX_CHARS));
            ps.setString(5, purpose);
            Users.setInstant(ps, 6, expires);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        return new Issued(find(id).orElseThrow(), secret);
    }

    public Optional<Token> find(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(BY_ID)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Every token, or only {@code login}'s when it is not null; revoked and expired ones too, oldest first. */
    public List<Token> list(String login) throws SQLException {
        String l = login == null ? null : login.strip().toLowerCase(java.util.Locale.ROOT);
        List<Token> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setString(1, l);
            ps.setString(2, l);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        }
        return out;
    }

    /** Revokes a token for good; false when it was already revoked. */
    public boolean revoke(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(REVOKE)) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** The live token's user, if {@code secret} is a live token of an enabled user; empty for anything else. */
    public Optional<Authenticated> authenticate(String secret) throws SQLException {
        if (!SecretTokens.looksLikeApiToken(secret)) {
            return Optional.empty();
        }
        Authenticated found;
        boolean stale;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(AUTHENTICATE)) {
                ps.setBytes(1, SecretTokens.digest(secret));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    found = new Authenticated(Users.read(rs, 3), rs.getLong(1), rs.getString(2), rs.getString(12));
                    stale = rs.getBoolean(13);
                }
            }
            if (!stale) {
                return Optional.of(found);
            }
            try (PreparedStatement ps = c.prepareStatement(USED)) {
                ps.setLong(1, found.tokenId());
                ps.executeUpdate();
            }
        }
        return Optional.of(found);
    }

    private static Token read(ResultSet rs) throws SQLException {
        return new Token(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                Users.instant(rs.getTimestamp(7)),
                Users.instant(rs.getTimestamp(8)),
                Users.instant(rs.getTimestamp(9)),
                Users.instant(rs.getTimestamp(10)));
    }
}
