package org.safemap.testing;

import java.sql.SQLException;
import javax.sql.DataSource;
import org.safemap.db.Database;
import org.safemap.sharing.ApiTokens;
import org.safemap.sharing.PasswordHashing;
import org.safemap.sharing.Role;
import org.safemap.sharing.Users;

/**
 * Users and API tokens for tests of any path: {@code token(db, "csp-analyst", Role.ANALYST, "csp", "tasking")} makes
 * (or reuses) the user and returns a fresh bearer token to send with {@link Http#getWithToken} or
 * {@code Http.get(url, "Authorization", Http.bearer(token))}.
 */
public final class TestUsers {
    /** Cheap Argon2 parameters: tests make many users, and the real parameters are tested in PasswordHashingTest. */
    private static final PasswordHashing FAST = new PasswordHashing(new PasswordHashing.Params(1024, 1, 1));

    private TestUsers() {}

    /**
     * A bearer token for {@code login}, creating the user with this role and partner (or setting them, if the user
     * exists), valid for a day, declaring {@code purpose} (null: none; then requests may declare one with the
     * X-SafeMap-Purpose header).
     */
    public static String token(DataSource ds, String login, Role role, String partner, String purpose) {
        try {
            Users users = ensure(ds, login, role, partner, null);
            return new ApiTokens(ds, users)
                    .create(login, "test token", purpose, 1)
                    .secret();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String token(Database db, String login, Role role, String partner, String purpose) {
        return token(db.dataSource(), login, role, partner, purpose);
    }

    /** A user who signs in with {@code password} (at least 12 characters), created or updated to match. */
    public static Users.User withPassword(Database db, String login, Role role, String partner, String password) {
        try {
            Users users = ensure(db.dataSource(), login, role, partner, password);
            return users.require(login);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Users ensure(DataSource ds, String login, Role role, String partner, String password)
            throws SQLException {
        Users users = new Users(ds, FAST);
        if (users.find(login).isEmpty()) {
            users.add(login, null, role, partner, password);
        } else {
            users.update(login, new Users.Change(role, partner, partner == null, false, null, password));
        }
        return users;
    }
}
