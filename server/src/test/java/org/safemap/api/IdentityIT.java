package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.sharing.Role;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;

/**
 * Who is asking, over real HTTP against real PostGIS: sign-in and sign-out, the session cookie, CSRF, bearer and
 * Basic tokens, revoked and expired tokens, disabled users, the admin API and the refusal of credentials in the
 * address. Throttling and the secrets audit have their own servers ({@link IdentitySecretsIT}): failed sign-ins
 * count per client address, and every test here comes from 127.0.0.1.
 */
class IdentityIT {
    static final String ADMIN_PASSWORD = "admin password for the identity tests";
    static final String ANALYST_PASSWORD = "analyst password for the identity tests";

    @AutoClose
    private static Database db;

    private static App app;
    private static String base;

    @BeforeAll
    static void start() {
        db = TestDatabase.fresh("identity");
        TestUsers.withPassword(db, "it-admin", Role.ADMIN, "csp", ADMIN_PASSWORD);
        TestUsers.withPassword(db, "it-analyst", Role.ANALYST, "nhs-ed", ANALYST_PASSWORD);
        app = App.start(TestSettings.defaults(), db);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A signed-in browser: its cookie header value and CSRF token. */
    record Browser(String cookie, String csrf, HttpResponse<String> response) {
        String[] headers(String... more) {
            String[] h = new String[more.length + 2];
            h[0] = "Cookie";
            h[1] = cookie;
            System.arraycopy(more, 0, h, 2, more.length);
            return h;
        }
    }

    static Browser signIn(String base, String login, String password, String purpose, String... headers) {
        String body = "{\"login\": \"" + login + "\", \"password\": \"" + password + "\""
                + (purpose == null ? "" : ", \"purpose\": \"" + purpose + "\"") + "}";
        String[] h = new String[headers.length + 2];
        h[0] = "Content-Type";
        h[1] = "application/json";
        System.arraycopy(headers, 0, h, 2, headers.length);
        HttpResponse<String> r = Http.request("POST", base + "/api/session", body, h);
        if (r.statusCode() != 200) {
            return new Browser(null, null, r);
        }
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new Browser(
                setCookie.substring(0, setCookie.indexOf(';')),
                Http.json(r).path("csrf").asText(),
                r);
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieAndSignOutEndsTheSession() {
        Browser b = signIn(base, "IT-Analyst ", ANALYST_PASSWORD, "tasking");
        assertThat(b.response().statusCode()).isEqualTo(200);
        JsonNode me = Http.json(b.response());
        assertThat(me.path("user").asText()).isEqualTo("it-analyst");
        assertThat(me.path("role").asText()).isEqualTo("analyst");
        assertThat(me.path("partner").asText()).isEqualTo("nhs-ed");
        assertThat(me.path("purpose").asText()).isEqualTo("tasking");
        assertThat(me.path("csrf").asText()).matches("[A-Za-z0-9_-]{43}");
        String setCookie = b.response().headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).matches("safemap_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict");
        assertThat(b.response().headers().firstValue("Cache-Control")).contains("no-store");

        // who am I, with the cookie: the same user, the same CSRF token, and the purposes one may declare
        JsonNode again = Http.json(Http.get(base + "/api/session", b.headers()));
        assertThat(again.path("signedIn").asBoolean()).isTrue();
        assertThat(again.path("via").asText()).isEqualTo("session");
        assertThat(again.path("csrf").asText()).isEqualTo(b.csrf());
        assertThat(again.path("purposes").toString()).contains("strategic-assessment", "tasking", "public-information");
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM user_session s JOIN app_user u ON u.id = s.user_id "
                                + "WHERE u.login = 'it-analyst' AND s.purpose = 'tasking'"))
                .isGreaterThanOrEqualTo(1);

        HttpResponse<String> out =
                Http.request("DELETE", base + "/api/session", null, b.headers("X-CSRF-Token", b.csrf()));
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("safemap_session=; Max-Age=0;");
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM user_session WHERE id_hash = sha256(convert_to(?, 'UTF8'))",
                        b.cookie().substring("safemap_session=".length())))
                .isZero();
        // the old cookie is refused on data paths, and who-am-I answers anonymous and drops it
        assertError(Http.get(base + "/api/tokens", b.headers()), 401, "unauthorised");
        HttpResponse<String> anon = Http.get(base + "/api/session", b.headers());
        assertThat(Http.json(anon).path("signedIn").asBoolean()).isFalse();
        assertThat(anon.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        // signing out twice is not an error
        assertThat(Http.request("DELETE", base + "/api/session", null).statusCode())
                .isEqualTo(204);
    }

    @Test
    void theCookieIsSecureBehindAnHttpsProxy() {
        Browser b = signIn(base, "it-analyst", ANALYST_PASSWORD, null, "X-Forwarded-Proto", "https");
        assertThat(b.response().headers().firstValue("Set-Cookie").orElseThrow())
                .endsWith("; Path=/; HttpOnly; SameSite=Strict; Secure");
    }

    @Test
    void safemapCookieSecureAlwaysAndNeverOverrideWhatTheRequestSays() {
        for (String setting : List.of("always", "never")) {
            try (App other = App.start(TestSettings.withOverrides(Map.of("SAFEMAP_COOKIE_SECURE", setting)), db)) {
                // plain HTTP for always, an HTTPS proxy for never: each the opposite of what auto would do
                String cookie = signIn(
                                "http://127.0.0.1:" + other.port(),
                                "it-analyst",
                                ANALYST_PASSWORD,
                                null,
                                "X-Forwarded-Proto",
                                setting.equals("always") ? "http" : "https")
                        .response()
                        .headers()
                        .firstValue("Set-Cookie")
                        .orElseThrow();
                assertThat(cookie.endsWith("; Secure")).as(setting).isEqualTo(setting.equals("always"));
            }
        }
    }

    @Test
    void cookieRequestsThatChangeSomethingNeedTheCsrfTokenAndOurOrigin() {
        Browser b = signIn(base, "it-analyst", ANALYST_PASSWORD, "evaluation");
        String json = "{\"name\": \"csrf test\"}";
        String host = base.substring("http://".length());
        assertError(
                Http.request("POST", base + "/api/tokens", json, b.headers("Content-Type", "application/json")),
                403,
                "forbidden");
        assertError(
                Http.request(
                        "POST",
                        base + "/api/tokens",
                        json,
                        b.headers("Content-Type", "application/json", "X-CSRF-Token", "A".repeat(43))),
                403,
                "forbidden");
        assertError(
                Http.request(
                        "POST",
                        base + "/api/tokens",
                        json,
                        b.headers(
                                "Content-Type",
                                "application/json",
                                "X-CSRF-Token",
                                b.csrf(),
                                "Origin",
                                "https://evil.example")),
                403,
                "forbidden");
        assertError(
                Http.request("DELETE", base + "/api/session", null, b.headers("Origin", "http://" + host)),
                403,
                "forbidden");
        assertThat(Sql.count(db, "SELECT count(*) FROM api_token WHERE name = 'csrf test'"))
                .isZero();

        HttpResponse<String> ok = Http.request(
                "POST",
                base + "/api/tokens",
                json,
                b.headers("Content-Type", "application/json", "X-CSRF-Token", b.csrf(), "Origin", "http://" + host));
        assertThat(ok.statusCode()).isEqualTo(201);
        // safe methods need no token
        assertThat(Http.get(base + "/api/tokens", b.headers()).statusCode()).isEqualTo(200);
        // a sign-in from another site's page is refused too (login CSRF)
        assertError(
                Http.request(
                        "POST",
                        base + "/api/session",
                        "{\"login\": \"it-analyst\", \"password\": \"" + ANALYST_PASSWORD + "\"}",
                        "Content-Type",
                        "application/json",
                        "Origin",
                        "https://evil.example"),
                403,
                "forbidden");
    }

    @Test
    void aBearerTokenOrBasicWithTheTokenAsPasswordAuthenticatesButBasicWithThePasswordNever() {
        String token = TestUsers.token(db, "it-gis", Role.ANALYST, "police", "strategic-assessment");
        JsonNode me = Http.json(Http.getWithToken(base + "/api/session", token));
        assertThat(me.path("user").asText()).isEqualTo("it-gis");
        assertThat(me.path("via").asText()).isEqualTo("token");
        assertThat(me.path("purpose").asText()).isEqualTo("strategic-assessment");
        assertThat(me.has("csrf")).isFalse();

        JsonNode basic = Http.json(Http.get(base + "/api/session", "Authorization", basic("it-gis", token)));
        assertThat(basic.path("user").asText()).isEqualTo("it-gis");
        // a token needs no CSRF header even for unsafe methods: no browser sends it by itself
        assertThat(Http.postJsonWithToken(base + "/api/tokens", token, "{\"name\": \"second\"}")
                        .statusCode())
                .isEqualTo(201);

        // Basic with a right token but another user's name, and Basic with the login password: refused
        assertError(Http.get(base + "/api/session", "Authorization", basic("it-analyst", token)), 401, "unauthorised");
        HttpResponse<String> withPassword = Http.get(
                base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities",
                "Authorization",
                basic("it-analyst", ANALYST_PASSWORD));
        assertThat(withPassword.statusCode()).isEqualTo(401);
        assertThat(withPassword.headers().firstValue("WWW-Authenticate"))
                .contains("Basic realm=\"SafeMap\", charset=\"UTF-8\"");
        assertThat(withPassword.headers().firstValue("Content-Type").orElse("")).startsWith("text/xml");
        assertThat(withPassword.body())
                .contains("<ServiceExceptionReport", "code=\"AuthenticationFailed\"", "API token as the password")
                .doesNotContain(ANALYST_PASSWORD);

        HttpResponse<String> wms =
                Http.get(base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities", "Authorization", basic("it-gis", token));
        assertThat(wms.statusCode()).isEqualTo(200);
        assertThat(wms.body()).contains("WMS_Capabilities");

        HttpResponse<String> unknown = Http.get(base + "/api/session", "Authorization", "Bearer smp_" + "x".repeat(43));
        assertError(unknown, 401, "unauthorised");
        // a browser must not pop up its own password box for the viewer's fetches: Bearer, not Basic
        assertThat(unknown.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"SafeMap\"");
        assertError(Http.get(base + "/api/session", "Authorization", "Digest abc"), 401, "unauthorised");
        // the viewer's files are served whatever the credentials: the page must load to sign in again
        assertThat(Http.get(base + "/", "Authorization", "Bearer nonsense").statusCode())
                .isEqualTo(200);
    }

    @Test
    void revokedAndExpiredTokensAndDisabledUsersAreRefused() {
        String token = TestUsers.token(db, "it-lapsing", Role.TASKING, null, null);
        assertThat(Http.getWithToken(base + "/api/tokens", token).statusCode()).isEqualTo(200);
        long id = Http.json(Http.getWithToken(base + "/api/tokens", token))
                .get(0)
                .path("id")
                .asLong();

        // revoked by its owner
        HttpResponse<String> revoke =
                Http.request("DELETE", base + "/api/tokens/" + id, null, "Authorization", Http.bearer(token));
        assertThat(revoke.statusCode()).isEqualTo(200);
        assertThat(Http.json(revoke).path("state").asText()).isEqualTo("revoked");
        assertError(Http.getWithToken(base + "/api/session", token), 401, "unauthorised");

        // expired: the database's clock says so
        String second = TestUsers.token(db, "it-lapsing", Role.TASKING, null, null);
        assertThat(Http.getWithToken(base + "/api/session", second).statusCode())
                .isEqualTo(200);
        Sql.execute(
                db,
                "UPDATE api_token SET expires_at = now() - interval '1 second' WHERE token_hash = "
                        + "sha256(convert_to('" + second + "', 'UTF8'))");
        assertError(Http.getWithToken(base + "/api/session", second), 401, "unauthorised");

        // disabled by an admin: the token and the session both stop at once
        String third = TestUsers.token(db, "it-lapsing", Role.TASKING, null, null);
        TestUsers.withPassword(db, "it-lapsing", Role.TASKING, null, "lapsing user's password");
        Browser b = signIn(base, "it-lapsing", "lapsing user's password", null);
        assertThat(b.response().statusCode()).isEqualTo(200);
        String admin = TestUsers.token(db, "it-admin", Role.ADMIN, "csp", null);
        HttpResponse<String> disable = Http.request(
                "PATCH",
                base + "/api/users/it-lapsing",
                "{\"disabled\": true}",
                "Authorization",
                Http.bearer(admin),
                "Content-Type",
                "application/json");
        assertThat(disable.statusCode()).isEqualTo(200);
        assertThat(Http.json(disable).path("disabled").asBoolean()).isTrue();
        assertError(Http.getWithToken(base + "/api/session", third), 401, "unauthorised");
        assertError(Http.get(base + "/api/tokens", b.headers()), 401, "unauthorised");
        // and the disabled user cannot sign in again, with the message every failed sign-in gets
        Browser refused = signIn(base, "it-lapsing", "lapsing user's password", null);
        assertError(refused.response(), 401, "unauthorised");
    }

    @Test
    void anEndedSessionIsRefusedAndALiveOneSlides() {
        Browser b = signIn(base, "it-analyst", ANALYST_PASSWORD, null);
        String id = b.cookie().substring("safemap_session=".length());
        // a request a while after the last one moves the expiry to SAFEMAP_SESSION_HOURS (12) from now
        Sql.execute(
                db,
                "UPDATE user_session SET last_seen = now() - interval '2 minutes', "
                        + "expires_at = now() + interval '1 hour' WHERE id_hash = sha256(convert_to('" + id
                        + "', 'UTF8'))");
        assertThat(Http.get(base + "/api/tokens", b.headers()).statusCode()).isEqualTo(200);
        double hoursLeft = ((Number) Sql.value(
                        db,
                        "SELECT extract(epoch FROM expires_at - now()) / 3600 FROM "
                                + "user_session WHERE id_hash = sha256(convert_to(?, 'UTF8'))",
                        id))
                .doubleValue();
        assertThat(hoursLeft).isBetween(11.9, 12.0);

        Sql.execute(
                db,
                "UPDATE user_session SET expires_at = now() - interval '1 second' "
                        + "WHERE id_hash = sha256(convert_to('" + id + "', 'UTF8'))");
        HttpResponse<String> ended = Http.get(base + "/api/tokens", b.headers());
        assertError(ended, 401, "unauthorised");
        assertThat(ended.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    }

    @Test
    void nothingSecretIsStoredInClear() {
        TestUsers.withPassword(db, "it-at-rest", Role.ANALYST, "fire", "password kept only as a hash");
        Browser b = signIn(base, "it-at-rest", "password kept only as a hash", null);
        String cookie = b.cookie().substring("safemap_session=".length());
        String token = Http.json(Http.request(
                        "POST",
                        base + "/api/tokens",
                        "{\"name\": \"at rest\"}",
                        b.headers("Content-Type", "application/json", "X-CSRF-Token", b.csrf())))
                .path("token")
                .asText();
        assertThat(token).startsWith("smp_");

        for (String secret : List.of("password kept only as a hash", cookie, token, token.substring(4))) {
            for (String table : List.of("app_user", "api_token", "user_session")) {
                assertThat(Sql.count(db, "SELECT count(*) FROM " + table + " t WHERE strpos(t::text, ?) > 0", secret))
                        .as(table)
                        .isZero();
            }
        }
        // PostgreSQL's own SHA-256 finds each by its digest
        assertThat(Sql.count(
                        db, "SELECT count(*) FROM api_token WHERE token_hash = sha256(convert_to(?, 'UTF8'))", token))
                .isEqualTo(1);
        assertThat(Sql.count(
                        db, "SELECT count(*) FROM user_session WHERE id_hash = sha256(convert_to(?, 'UTF8'))", cookie))
                .isEqualTo(1);
        // the test made the hash with cheap parameters; the sign-in replaced it with the standard ones
        assertThat((String) Sql.value(db, "SELECT password_hash FROM app_user WHERE login = 'it-at-rest'"))
                .startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    }

    @Test
    void onlyAnAdminManagesUsersAndTokensAreOnesOwn() {
        String admin = TestUsers.token(db, "it-admin", Role.ADMIN, "csp", null);
        String analyst = TestUsers.token(db, "it-analyst", Role.ANALYST, "nhs-ed", null);
        assertError(Http.getWithToken(base + "/api/users", analyst), 403, "forbidden");
        assertError(Http.get(base + "/api/users"), 403, "forbidden");
        assertError(
                Http.postJsonWithToken(base + "/api/users", analyst, "{\"login\": \"sneaky\", \"role\": \"admin\"}"),
                403,
                "forbidden");

        HttpResponse<String> added = Http.postJsonWithToken(
                base + "/api/users",
                admin,
                "{\"login\": \"It-New\", "
                        + "\"name\": \"New Analyst\", \"role\": \"analyst\", \"partner\": \"ambulance\", \"password\": "
                        + "\"a new user's first password\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(Http.json(added).path("login").asText()).isEqualTo("it-new");
        assertThat(added.body()).doesNotContain("first password").doesNotContain("argon2");
        assertError(
                Http.postJsonWithToken(base + "/api/users", admin, "{\"login\": \"it-new\", \"role\": \"tasking\"}"),
                409,
                "conflict");
        assertError(
                Http.postJsonWithToken(
                        base + "/api/users", admin, "{\"login\": \"it-nopartner\", \"role\": " + "\"analyst\"}"),
                400,
                "bad_request");
        assertError(
                Http.postJsonWithToken(
                        base + "/api/users",
                        admin,
                        "{\"login\": \"it-short\", \"role\": " + "\"tasking\", \"password\": \"short\"}"),
                400,
                "bad_request");

        HttpResponse<String> changed = Http.request(
                "PATCH",
                base + "/api/users/it-new",
                "{\"role\": \"tasking\", " + "\"partner\": null, \"password\": \"a reset password for it-new\"}",
                "Authorization",
                Http.bearer(admin),
                "Content-Type",
                "application/json");
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(Http.json(changed).path("role").asText()).isEqualTo("tasking");
        assertThat(Http.json(changed).path("partner").isNull()).isTrue();
        assertThat(signIn(base, "it-new", "a reset password for it-new", null)
                        .response()
                        .statusCode())
                .isEqualTo(200);
        assertError(
                Http.request(
                        "PATCH",
                        base + "/api/users/it-admin",
                        "{\"disabled\": true}",
                        "Authorization",
                        Http.bearer(admin),
                        "Content-Type",
                        "application/json"),
                409,
                "conflict");
        assertError(
                Http.request(
                        "PATCH",
                        base + "/api/users/nobody-here",
                        "{\"disabled\": true}",
                        "Authorization",
                        Http.bearer(admin),
                        "Content-Type",
                        "application/json"),
                404,
                "not_found");

        // tokens: each user sees their own; an admin sees and revokes anyone's
        JsonNode mine = Http.json(Http.getWithToken(base + "/api/tokens", analyst));
        assertThat(mine.size()).isPositive();
        mine.forEach(t -> assertThat(t.path("user").asText()).isEqualTo("it-analyst"));
        mine.forEach(t -> assertThat(t.has("token")).isFalse());
        long adminTokenId = Http.json(Http.getWithToken(base + "/api/tokens?user=it-admin", admin))
                .get(0)
                .path("id")
                .asLong();
        assertError(
                Http.request(
                        "DELETE", base + "/api/tokens/" + adminTokenId, null, "Authorization", Http.bearer(analyst)),
                404,
                "not_found");
        long analystTokenId = -1;
        for (JsonNode t : mine) {
            if (t.path("prefix").asText().equals(analyst.substring(0, 10))) {
                analystTokenId = t.path("id").asLong();
            }
        }
        assertThat(analystTokenId).isPositive();
        JsonNode all = Http.json(Http.getWithToken(base + "/api/tokens", admin));
        assertThat(all.findValuesAsText("user")).contains("it-admin", "it-analyst");
        String forService = Http.json(Http.postJsonWithToken(
                        base + "/api/tokens",
                        admin,
                        "{\"name\": \"service\", \"user\": \"it-analyst\", \"expiresDays\": 7}"))
                .path("token")
                .asText();
        assertThat(Http.json(Http.getWithToken(base + "/api/session", forService))
                        .path("user")
                        .asText())
                .isEqualTo("it-analyst");
        assertError(
                Http.postJsonWithToken(base + "/api/tokens", analyst, "{\"name\": \"x\", \"user\": \"it-admin\"}"),
                403,
                "forbidden");
        assertThat(Http.request(
                                "DELETE",
                                base + "/api/tokens/" + analystTokenId,
                                null,
                                "Authorization",
                                Http.bearer(admin))
                        .statusCode())
                .isEqualTo(200);
        assertError(Http.getWithToken(base + "/api/tokens", analyst), 401, "unauthorised");
        assertError(Http.getWithToken(base + "/api/tokens", "no"), 401, "unauthorised");
        assertError(Http.get(base + "/api/tokens"), 401, "unauthorised");
    }

    @Test
    void aPurposeHeaderDeclaresOnlyKnownPurposesAndNeverContradictsTheCredential() {
        String open = TestUsers.token(db, "it-purpose", Role.ANALYST, "csp", null);
        assertThat(Http.json(Http.get(
                                base + "/api/session",
                                "Authorization",
                                Http.bearer(open),
                                "X-SafeMap-Purpose",
                                "Problem-Solving"))
                        .path("purpose")
                        .asText())
                .isEqualTo("problem-solving");
        assertThat(Http.json(Http.getWithToken(base + "/api/session", open))
                        .path("purpose")
                        .isNull())
                .isTrue();
        assertError(
                Http.get(base + "/api/session", "Authorization", Http.bearer(open), "X-SafeMap-Purpose", "marketing"),
                400,
                "bad_request");
        String fixed = TestUsers.token(db, "it-purpose", Role.ANALYST, "csp", "evaluation");
        assertError(
                Http.get(base + "/api/session", "Authorization", Http.bearer(fixed), "X-SafeMap-Purpose", "tasking"),
                403,
                "forbidden");
        assertThat(Http.get(
                                base + "/api/session",
                                "Authorization",
                                Http.bearer(fixed),
                                "X-SafeMap-Purpose",
                                "evaluation")
                        .statusCode())
                .isEqualTo(200);
        // anonymous requests may declare one too: it grants nothing above the public level
        assertThat(Http.json(Http.get(base + "/api/session", "X-SafeMap-Purpose", "public-information"))
                        .path("role")
                        .asText())
                .isEqualTo("public");
        assertError(
                Http.request(
                        "POST",
                        base + "/api/session",
                        "{\"login\": \"it-analyst\", \"password\": \"" + ANALYST_PASSWORD
                                + "\", \"purpose\": \"curiosity\"}",
                        "Content-Type",
                        "application/json"),
                400,
                "bad_request");
    }

    @Test
    void credentialsInTheAddressAreRefusedWherever() {
        String token = TestUsers.token(db, "it-query", Role.TASKING, null, null);
        for (String name : List.of("token", "access_token", "ACCESS_TOKEN", "api_key")) {
            HttpResponse<String> r = Http.get(base + "/api/incidents/summary?" + name + "=" + token);
            assertError(r, 400, "bad_request");
            assertThat(r.body()).contains("Authorization header").doesNotContain(token);
        }
        HttpResponse<String> wms = Http.get(base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities&token=" + token);
        assertThat(wms.statusCode()).isEqualTo(400);
        assertThat(wms.body()).contains("<ServiceExceptionReport").doesNotContain(token);
    }

    static String basic(String login, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((login + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode())
                .as(response.request().method() + " " + response.uri() + ": " + response.body())
                .isEqualTo(status);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode body = Http.json(response);
        assertThat(body.path("error").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.size()).isEqualTo(2);
    }
}
