package org.safemap.sharing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * The people (and services) who may sign in or hold API tokens: who they are, their role and partner, and their
 * password as an Argon2id hash. Establishes identity only; what a user may see is {@link Policy}'s decision.
 */
public final class Users {
    /** Logins are lower case, so "JSmith" and "jsmith" are one user; e-mail addresses are allowed. */
    private static final Pattern LOGIN = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");

    private static final Pattern PARTNER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** NIST SP 800-63B asks for at least 8; a partnership's data deserves more. Long passphrases are welcome. */
    public static final int MIN_PASSWORD_CHARS = 12;

    public static final int MAX_PASSWORD_CHARS = 256;

    private static final String COLUMNS = """
            id, login, display_name, role, partner, disabled, password_hash IS NOT NULL, created_at, last_login""";
    /** The same columns of {@code app_user u}, for queries that find a user through a token or a session. */
    static final String USER_COLUMNS = """
            u.id, u.login, u.display_name, u.role, u.partner, u.disabled, u.password_hash IS NOT NULL, u.created_at,
            u.last_login""";

    private static final String INSERT = "INSERT INTO app_user (login, display_name, role, partner, password_hash) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (login) DO NOTHING RETURNING " + COLUMNS;
    private static final String BY_LOGIN = "SELECT " + COLUMNS + " FROM app_user WHERE login = ?";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM app_user WHERE id = ?";
    private static final String ALL = "SELECT " + COLUMNS + " FROM app_user ORDER BY login";
    private static final String HASH_OF = "SELECT id, password_hash, disabled FROM app_user WHERE login = ?";
    private static final String SIGNED_IN = "UPDATE app_user SET last_login = now() WHERE id = ?";
    private static final String REHASH = "UPDATE app_user SET password_hash = ? WHERE id = ? AND password_hash = ?";
    private static final String UPDATE = """
            UPDATE app_user SET role = ?, partner = ?, disabled = ?, display_name = ?,
                   password_hash = COALESCE(?, password_hash)
            WHERE login = ? RETURNING""" + " " + COLUMNS;
    private static final String END_SESSIONS = "DELETE FROM user_session WHERE user_id = ?";
    private static final String ANY_ADMIN =
            "SELECT EXISTS (SELECT 1 FROM app_user WHERE role = 'admin' AND NOT disabled)";

    /**
     * A user as SafeMap knows them (never their password or its hash).
     *
     * @param hasPassword whether they can sign in with a password (else tokens only)
     * @param lastLogin   last successful password sign-in; null if never
     */
    public record User(
            long id,
            String login,
            String name,
            Role role,
            String partner,
            boolean disabled,
            boolean hasPassword,
            Instant createdAt,
            Instant lastLogin) {
        /** The principal this user acts as, with the purpose they declared, authenticated {@code via}. */
        public Principal principal(String purpose, String via) {
            return new Principal(login, role, partner, purpose, via);
        }
    }

    /** A change to a user; null fields stay as they are. {@code clearPartner} removes the partner. */
    public record Change(
            Role role, String partner, boolean clearPartner, Boolean disabled, String name, String password) {
        public static Change disable() {
            return new Change(null, null, false, true, null, null);
        }

        public static Change enable() {
            return new Change(null, null, false, false, null, null);
        }

        public static Change password(String password) {
            return new Change(null, null, false, null, null, password);
        }
    }

    private final DataSource dataSource;
    private final PasswordHashing hashing;

    public Users(DataSource dataSource, PasswordHashing hashing) {
        this.dataSource = dataSource;
        this.hashing = hashing;
    }

    /**
     * Adds a user. {@code password} may be null for a user who only holds tokens (a service); {@code name} defaults
     * to the login.
     */
    public User add(String login, String name, Role role, String partner, String password) throws SQLException {
        String l = login(login);
        checkRole(role, partner);
        String p = partner(partner);
        String hash = password == null ? null : hashing.hash(checkPassword(password));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, l);
            ps.setString(2, name(name, l));
            ps.setString(3, role.key());
            ps.setString(4, p);
            ps.setString(5, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SafemapException(ErrorCode.CONFLICT, "a user with login '" + l + "' already exists");
                }
                return read(rs);
            }
        }
    }

    public List<User> list() throws SQLException {
        List<User> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(ALL);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    public Optional<User> find(String login) throws SQLException {
        if (login == null) {
            return Optional.empty();
        }
        return one(BY_LOGIN, login.strip().toLowerCase(Locale.ROOT));
    }

    public Optional<User> byId(long id) throws SQLException {
        return one(BY_ID, id);
    }

    /** The user named {@code login}, or the stable not_found error. */
    public User require(String login) throws SQLException {
        return find(login)
                .orElseThrow(() -> new SafemapException(ErrorCode.NOT_FOUND, "no user with login '" + login + "'"));
    }

    /**
     * Applies a change. Disabling a user or setting their password ends their sessions at once: a disabled user is
     * out now, and a reset password is usually a response to a password someone else knows.
     */
    public User update(String login, Change change) throws SQLException {
        User u = require(login);
        Role role = change.role() == null ? u.role() : change.role();
        String partner =
                change.clearPartner() ? null : change.partner() == null ? u.partner() : partner(change.partner());
        checkRole(role, partner);
        boolean disabled = change.disabled() == null ? u.disabled() : change.disabled();
        String name = change.name() == null ? u.name() : name(change.name(), u.login());
        String hash = change.password() == null ? null : hashing.hash(checkPassword(change.password()));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                User after;
                try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                    ps.setString(1, role.key());
                    ps.setString(2, partner);
                    ps.setBoolean(3, disabled);
                    ps.setString(4, name);
                    ps.setString(5, hash);
                    ps.setString(6, u.login());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        after = read(rs);
                    }
                }
                if (disabled || hash != null || role != u.role() || !java.util.Objects.equals(partner, u.partner())) {
                    // sessions carry no copy of role or partner, but a changed user should sign in afresh anyway
                    try (PreparedStatement ps = c.prepareStatement(END_SESSIONS)) {
                        ps.setLong(1, u.id());
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return after;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * The user whose login and password these are, if they may sign in. Unknown login, wrong password, no password
     * and disabled user all give empty after the same Argon2 work, so neither the answer nor its time tells which.
     * A hash made with old parameters is replaced by one with the current parameters.
     */
    public Optional<User> authenticate(String login, String password) throws SQLException {
        if (login == null || password == null || password.length() > MAX_PASSWORD_CHARS) {
            hashing.spend(
                    password == null ? "" : password.substring(0, Math.min(password.length(), MAX_PASSWORD_CHARS)));
            return Optional.empty();
        }
        String l = login.strip().toLowerCase(Locale.ROOT);
        long id = -1;
        String hash = null;
        boolean disabled = true;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(HASH_OF)) {
            ps.setString(1, l);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    id = rs.getLong(1);
                    hash = rs.getString(2);
                    disabled = rs.getBoolean(3);
                }
            }
        }
        boolean matches = hashing.verify(password, hash); // runs the decoy when hash is null
        if (!matches || disabled) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection()) {
            if (hashing.needsRehash(hash)) {
                try (PreparedStatement ps = c.prepareStatement(REHASH)) {
                    ps.setString(1, hashing.hash(password));
                    ps.setLong(2, id);
                    ps.setString(3, hash);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(SIGNED_IN)) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
        }
        return byId(id);
    }

    /** Whether an enabled admin exists (serve warns when none does: nobody could manage users over HTTP). */
    public boolean anyAdmin() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(ANY_ADMIN);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Checks a new password against the length rule; returns it. */
    public static String checkPassword(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD_CHARS) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "a password needs at least " + MIN_PASSWORD_CHARS
                            + " characters (a few unrelated words make a good one)");
        }
        if (password.length() > MAX_PASSWORD_CHARS) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "a password may have at most " + MAX_PASSWORD_CHARS + " characters");
        }
        return password;
    }

    static String login(String login) {
        String l = login == null ? "" : login.strip().toLowerCase(Locale.ROOT);
        if (!LOGIN.matcher(l).matches()) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "login '" + login + "' is not usable: use 1 to 64 letters, "
                            + "digits, dots, dashes, underscores or @, starting with a letter or digit");
        }
        return l;
    }

    private static String partner(String partner) {
        if (partner == null || partner.isBlank()) {
            return null;
        }
        String p = partner.strip().toLowerCase(Locale.ROOT);
        if (!PARTNER.matcher(p).matches()) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "partner '" + partner + "' is not a partner id: use the id "
                            + "protocols name partners by (e.g. csp, police, nhs-ed)");
        }
        return p;
    }

    private static void checkRole(Role role, String partner) {
        if (role == null || role == Role.PUBLIC) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "a user's role is admin, analyst or tasking; public is " + "everyone without a login");
        }
        if (role == Role.ANALYST && (partner == null || partner.isBlank())) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "an analyst works for a partner: give the partner " + "(e.g. csp, police, nhs-ed)");
        }
    }

    private static String name(String name, String login) {
        String n = name == null || name.isBlank() ? login : name.strip();
        if (n.length() > 200) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "a display name may have at most 200 characters");
        }
        return n;
    }

    private Optional<User> one(String sql, Object key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static User read(ResultSet rs) throws SQLException {
        return read(rs, 1);
    }

    /** A user from the result's columns {@code first} onwards, in {@link #USER_COLUMNS} order. */
    static User read(ResultSet rs, int first) throws SQLException {
        int i = first;
        return new User(
                rs.getLong(i),
                rs.getString(i + 1),
                rs.getString(i + 2),
                Role.parse(rs.getString(i + 3)),
                rs.getString(i + 4),
                rs.getBoolean(i + 5),
                rs.getBoolean(i + 6),
                instant(rs.getTimestamp(i + 7)),
                instant(rs.getTimestamp(i + 8)));
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, java.time.OffsetDateTime.ofInstant(value, java.time.ZoneOffset.UTC));
        }
    }
}
