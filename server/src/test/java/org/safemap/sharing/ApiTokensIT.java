package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestUsers;

/**
 * A token's check against the database: live tokens authenticate, last_used keeps minute precision without a write
 * on every request, and a revoked token or a disabled owner is refused at the very next request.
 */
class ApiTokensIT {
    @AutoClose
    private static Database db;

    private static ApiTokens tokens;

    @BeforeAll
    static void database() {
        db = TestDatabase.fresh("api_tokens");
        tokens = new ApiTokens(
                db.dataSource(),
                new Users(db.dataSource(), new PasswordHashing(new PasswordHashing.Params(1024, 1, 1))));
    }

    @Test
    void lastUsedIsWrittenOnceAMinuteNotOnEveryRequest() throws Exception {
        String secret = TestUsers.token(db, "minute-user", Role.ANALYST, "csp", null);
        assertThat(tokens.authenticate(secret)).isPresent();
        assertThat(lastUsed("minute-user")).isNotNull();

        // used half a minute ago: the request is answered and last_used left as it was
        Sql.execute(
                db,
                "UPDATE api_token SET last_used = date_trunc('second', now()) - interval '30 seconds'"
                        + " WHERE user_id = (SELECT id FROM app_user WHERE login = 'minute-user')");
        Timestamp recent = lastUsed("minute-user");
        assertThat(tokens.authenticate(secret)).isPresent();
        assertThat(lastUsed("minute-user")).isEqualTo(recent);

        // used two minutes ago: this request moves it to now
        Sql.execute(
                db,
                "UPDATE api_token SET last_used = now() - interval '2 minutes'"
                        + " WHERE user_id = (SELECT id FROM app_user WHERE login = 'minute-user')");
        Timestamp old = lastUsed("minute-user");
        assertThat(tokens.authenticate(secret)).isPresent();
        assertThat(lastUsed("minute-user")).isAfter(old);
        assertThat((Boolean) Sql.value(
                        db,
                        "SELECT last_used > now() - interval '10 seconds' FROM api_token"
                                + " WHERE user_id = (SELECT id FROM app_user WHERE login = 'minute-user')"))
                .isTrue();
    }

    @Test
    void aRevokedTokenOrADisabledOwnerIsRefusedAtTheNextRequestThoughUsedWithinTheMinute() throws Exception {
        String revoked = TestUsers.token(db, "revoked-user", Role.ANALYST, "csp", null);
        String disabled = TestUsers.token(db, "disabled-user", Role.ANALYST, "csp", null);
        assertThat(tokens.authenticate(revoked)).isPresent();
        assertThat(tokens.authenticate(disabled)).isPresent();

        long id = tokens.authenticate(revoked).orElseThrow().tokenId();
        assertThat(tokens.revoke(id)).isTrue();
        Sql.execute(db, "UPDATE app_user SET disabled = true WHERE login = 'disabled-user'");

        assertThat(tokens.authenticate(revoked)).isEmpty();
        assertThat(tokens.authenticate(disabled)).isEmpty();
    }

    private static Timestamp lastUsed(String login) {
        return (Timestamp) Sql.value(
                db, "SELECT last_used FROM api_token WHERE user_id = (SELECT id FROM app_user WHERE login = ?)", login);
    }
}
