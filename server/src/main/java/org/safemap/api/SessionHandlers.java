package org.safemap.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.sharing.Identity;
import org.safemap.sharing.Principal;
import org.safemap.sharing.Sessions;
import org.safemap.sharing.Users;

/** {@code /api/session}: viewer sign-in (POST), who am I (GET), sign-out (DELETE). */
final class SessionHandlers {
    private final Identity identity;
    private final String cookieSecure;
    private final ClientAddress clients;

    SessionHandlers(Identity identity, String cookieSecure, ClientAddress clients) {
        this.identity = identity;
        this.cookieSecure = cookieSecure;
        this.clients = clients;
    }

    /**
     * {@code POST /api/session} with {@code {"login", "password", "purpose"}}: checks the password (throttled per login
     * and per client address), opens a session and sets its cookie. Every failure gets the same answer.
     */
    void signIn(Context ctx) throws SQLException {
        JsonNode body =
                JsonBodies.object(ctx, "{\"login\": \"jsmith\", \"password\": \"...\", \"purpose\": \"tasking\"}");
        String login = JsonBodies.text(body, "login");
        String password = JsonBodies.text(body, "password");
        if (login == null || login.isBlank() || password == null || password.isEmpty()) {
            throw ApiException.badRequest("give both 'login' and 'password'");
        }
        String purpose = identity.purposes().check(JsonBodies.text(body, "purpose"), "purpose");
        String address = clients.of(ctx);
        Optional<Duration> wait = identity.throttle().wait(login, address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, wait.get().toSeconds() + 1);
            ctx.header("Retry-After", String.valueOf(seconds));
            throw new ApiException(
                    ErrorCode.TOO_MANY_REQUESTS,
                    "too many failed sign-ins for this login or from this " + "address; try again in "
                            + Math.max(1, (seconds + 59) / 60) + " minute(s)");
        }
        Optional<Users.User> user = identity.users().authenticate(login, password);
        if (user.isEmpty()) {
            identity.throttle().failed(login, address);
            throw new SafemapException(
                    ErrorCode.UNAUTHORISED, "the login or password is not right, or the account is " + "disabled");
        }
        identity.throttle().succeeded(login);
        identity.sessions().close(SessionCookie.read(ctx)); // a new sign-in replaces the browser's old session
        Sessions.Opened opened = identity.sessions().open(user.get(), purpose);
        SessionCookie.set(ctx, opened.id(), cookieSecure);
        Sessions.Session s = opened.session();
        ctx.header("Cache-Control", "no-store");
        ctx.json(describe(s.user().principal(s.purpose(), "session"), s));
    }

    /** {@code GET /api/session}: who the request is from, the CSRF token of a browser session, declarable purposes. */
    void whoAmI(Context ctx) throws SQLException {
        Principal who = Principals.of(ctx);
        Sessions.Session session = ctx.attribute(Credentials.SESSION_ATTRIBUTE);
        Map<String, Object> body = describe(who, session);
        if (session == null && !who.anonymous()) {
            body.put(
                    "name",
                    identity.users().find(who.user()).map(Users.User::name).orElse(null));
        }
        ctx.header("Cache-Control", "no-store");
        ctx.json(body);
    }

    /** {@code DELETE /api/session}: ends the browser's session and drops its cookie. Signing out twice is fine. */
    void signOut(Context ctx) throws SQLException {
        identity.sessions().close(SessionCookie.read(ctx));
        SessionCookie.clear(ctx, cookieSecure);
        ctx.status(204);
    }

    private Map<String, Object> describe(Principal who, Sessions.Session session) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("signedIn", !who.anonymous());
        m.put("user", who.user());
        m.put("name", session == null ? null : session.user().name());
        m.put("role", who.role().key());
        m.put("partner", who.partner());
        m.put("purpose", who.purpose());
        m.put("via", who.via());
        if (session != null) {
            m.put("csrf", session.csrf());
            m.put("expiresAt", session.expiresAt().toString());
        }
        m.put("purposes", identity.purposes().codes());
        return m;
    }
}
