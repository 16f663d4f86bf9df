package org.safemap.sharing;

import java.time.Duration;
import javax.sql.DataSource;
import org.safemap.config.Settings;

/**
 * Everything that establishes who is asking, built once from the settings: users, API tokens, sessions, the purpose
 * codes one may declare and the sign-in throttle. Shared by the HTTP server and the command line.
 */
public record Identity(
        Users users, ApiTokens tokens, Sessions sessions, ProtocolCatalog protocols, LoginThrottle throttle) {

    public static Identity create(DataSource dataSource, Settings settings, ProtocolCatalog protocols) {
        Users users = new Users(dataSource, PasswordHashing.standard());
        return new Identity(
                users,
                new ApiTokens(dataSource, users),
                new Sessions(dataSource, Duration.ofHours(settings.trust().sessionHours())),
                protocols,
                new LoginThrottle());
    }

    /** The purposes one may declare: those the protocols in force list (a reload may add some). */
    public Purposes purposes() {
        return Purposes.of(protocols);
    }
}
