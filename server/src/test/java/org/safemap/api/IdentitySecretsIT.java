package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safemap.api.IdentityIT.assertError;
import static org.safemap.api.IdentityIT.basic;
import static org.safemap.api.IdentityIT.signIn;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.sharing.PasswordHashing;
import org.safemap.sharing.Role;
import org.safemap.sharing.Users;
import org.safemap.testing.CliRun;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;
import org.slf4j.LoggerFactory;

/**
 * What an attacker or a careless log could learn: sign-in throttling, identical answers for unknown users and wrong
 * passwords, and no password, token, session id or CSRF token in the server's log, in an error body or in an address,
 * over HTTP and at the command line. Each server here is started fresh: failed sign-ins count per client address.
 */
class IdentitySecretsIT {
    private static final String PASSWORD = "the victim's real password";

    @AutoClose
    private static Database db;

    @BeforeAll
    static void database() {
        db = TestDatabase.fresh("identity_secrets");
        TestUsers.withPassword(db, "victim", Role.ANALYST, "csp", PASSWORD);
        TestUsers.withPassword(db, "boss", Role.ADMIN, "csp", "the admin's own password");
    }

    @Test
    void afterFiveFailuresSignInIsRefusedWithRetryAfterEvenWithTheRightPassword() {
        try (App app = App.start(TestSettings.defaults(), db)) {
            String base = "http://127.0.0.1:" + app.port();
            for (int i = 0; i < 5; i++) {
                assertError(signIn(base, "victim", "guess number " + i, null).response(), 401, "unauthorised");
            }
            HttpResponse<String> blocked =
                    signIn(base, "victim", PASSWORD, null).response();
            assertError(blocked, 429, "too_many_requests");
            long retry =
                    Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retry).isBetween(890L, 901L);
            // the same address guessing at another login is held back too
            assertError(signIn(base, "boss", "the admin's own password", null).response(), 429, "too_many_requests");
            // tokens are not throttled: they cannot be guessed, and the map must keep working
            String token = TestUsers.token(db, "victim", Role.ANALYST, "csp", null);
            assertThat(Http.getWithToken(base + "/api/session", token).statusCode())
                    .isEqualTo(200);
        }
        // in memory, as documented: a restarted server starts counting afresh
        try (App app = App.start(TestSettings.defaults(), db)) {
            assertThat(signIn("http://127.0.0.1:" + app.port(), "victim", PASSWORD, null)
                            .response()
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void behindATrustedProxyEachClientIsThrottledOnItsOwnAndNoClientCanPassForAnother() {
        try (App app =
                App.start(TestSettings.withOverrides(Map.of("SAFEMAP_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")), db)) {
            String base = "http://127.0.0.1:" + app.port();
            for (int i = 0; i < 5; i++) {
                assertError(
                        signIn(base, "nobody-" + i, "guess " + i, null, "X-Forwarded-For", "203.0.113.5")
                                .response(),
                        401,
                        "unauthorised");
            }
            assertError(
                    signIn(base, "boss", "the admin's own password", null, "X-Forwarded-For", "203.0.113.5")
                            .response(),
                    429,
                    "too_many_requests");
            // a client writing another address first is still known by the one the proxy appended
            assertError(
                    signIn(
                                    base,
                                    "boss",
                                    "the admin's own password",
                                    null,
                                    "X-Forwarded-For",
                                    "198.51.100.1, 203.0.113.5")
                            .response(),
                    429,
                    "too_many_requests");
            // behind two proxies (the second trusted by its block) the client is the first untrusted from the right
            assertError(
                    signIn(base, "boss", "the admin's own password", null, "X-Forwarded-For", "203.0.113.5, 10.1.2.3")
                            .response(),
                    429,
                    "too_many_requests");
            // everyone else behind the same proxy signs in as usual
            assertThat(signIn(base, "boss", "the admin's own password", null, "X-Forwarded-For", "203.0.113.6")
                            .response()
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void withoutTrustedProxiesXForwardedForIsIgnored() {
        try (App app = App.start(TestSettings.defaults(), db)) {
            String base = "http://127.0.0.1:" + app.port();
            for (int i = 0; i < 5; i++) {
                // a guesser cannot escape the per-address limit by writing a new address each time
                assertError(
                        signIn(base, "nobody-" + i, "guess " + i, null, "X-Forwarded-For", "203.0.113." + i)
                                .response(),
                        401,
                        "unauthorised");
            }
            assertError(
                    signIn(base, "boss", "the admin's own password", null, "X-Forwarded-For", "203.0.113.99")
                            .response(),
                    429,
                    "too_many_requests");
        }
    }

    @Test
    void unknownUsersWrongPasswordsAndDisabledUsersGetOneAnswerAfterTheSameWork() throws Exception {
        TestUsers.withPassword(db, "gone", Role.TASKING, null, "a disabled user's password");
        new Users(db.dataSource(), PasswordHashing.standard()).update("gone", Users.Change.disable());
        try (App app = App.start(TestSettings.defaults(), db)) {
            String base = "http://127.0.0.1:" + app.port();
            HttpResponse<String> unknown = signIn(base, "nobody-at-all", "some password or other", null)
                    .response();
            HttpResponse<String> wrong =
                    signIn(base, "boss", "some password or other", null).response();
            HttpResponse<String> disabled =
                    signIn(base, "gone", "a disabled user's password", null).response();
            assertError(unknown, 401, "unauthorised");
            assertThat(wrong.statusCode()).isEqualTo(unknown.statusCode());
            assertThat(wrong.body()).isEqualTo(unknown.body());
            assertThat(disabled.body()).isEqualTo(unknown.body());
        }
        // The work behind the answer: an unknown login runs one Argon2 against a decoy, as a wrong password does.
        Users users = new Users(db.dataSource(), PasswordHashing.standard());
        // a successful sign-in leaves the victim's hash with the standard parameters (the test made a cheap one),
        // so both paths below run the same Argon2; it also warms the JIT
        assertThat(users.authenticate("victim", PASSWORD)).isPresent();
        long[] unknown = new long[9];
        long[] wrong = new long[9];
        for (int i = 0; i < unknown.length; i++) {
            long t0 = System.nanoTime();
            assertThat(users.authenticate("nobody-at-all-" + i, "some password or other"))
                    .isEmpty();
            long t1 = System.nanoTime();
            assertThat(users.authenticate("victim", "some password or other")).isEmpty();
            wrong[i] = System.nanoTime() - t1;
            unknown[i] = t1 - t0;
        }
        double ratio = (double) median(unknown) / median(wrong);
        assertThat(ratio).as("unknown login / wrong password time").isBetween(0.6, 1.6);
        assertThat(median(unknown) / 1e6).as("ms for an unknown login").isGreaterThan(5.0);
    }

    @Test
    void secretsNeverReachTheLogErrorBodiesOrAddresses(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Level before = root.getLevel();
        root.setLevel(Level.DEBUG); // an operator debugging must not see secrets either
        root.addAppender(log);
        List<String> secrets = new ArrayList<>(List.of(PASSWORD, "a wrong guess, also secret"));
        List<HttpResponse<String>> responses = new ArrayList<>();
        try (App app = App.start(TestSettings.defaults(), db)) {
            String base = "http://127.0.0.1:" + app.port();
            IdentityIT.Browser b = signIn(base, "victim", PASSWORD, "tasking");
            responses.add(
                    signIn(base, "victim", "a wrong guess, also secret", null).response());
            secrets.add(b.cookie().substring("safemap_session=".length()));
            secrets.add(b.csrf());
            HttpResponse<String> created = Http.request(
                    "POST",
                    base + "/api/tokens",
                    "{\"name\": \"log test\"}",
                    b.headers("Content-Type", "application/json", "X-CSRF-Token", b.csrf()));
            String token = Http.json(created).path("token").asText();
            secrets.add(token);
            responses.add(Http.getWithToken(base + "/api/session", token));
            responses.add(Http.get(
                    base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities", "Authorization", basic("victim", PASSWORD)));
            responses.add(Http.get(base + "/api/incidents/summary?token=" + token));
            responses.add(Http.get(base + "/wms?REQUEST=GetCapabilities&access_token=" + token));
            responses.add(Http.get(base + "/api/session", "Authorization", "Bearer " + token + "x"));
            responses.add(Http.request(
                    "POST",
                    base + "/api/session",
                    "{\"login\": \"victim\", \"password\": \"" + PASSWORD + "\"",
                    "Content-Type",
                    "application/json")); // not JSON: must not echo the body
            String admin = TestUsers.token(db, "boss", Role.ADMIN, "csp", null);
            secrets.add(admin);
            secrets.add("new user's password, secret");
            responses.add(Http.postJsonWithToken(
                    base + "/api/users",
                    admin,
                    "{\"login\": \"newbie\", \"role\": "
                            + "\"tasking\", \"password\": \"new user's password, secret\"}"));
            responses.add(Http.postJsonWithToken(
                    base + "/api/users",
                    admin,
                    "{\"login\": \"newbie\", \"role\": "
                            + "\"tasking\", \"password\": \"new user's password, secret\"}")); // 409
            responses.add(Http.postJsonWithToken(
                    base + "/api/users",
                    admin,
                    "{\"login\": \"shorty\", \"role\": "
                            + "\"tasking\", \"password\": \"short pw\"}")); // 400: too short, and still not echoed
            secrets.add("short pw");
            responses.add(Http.request("DELETE", base + "/api/session", null, b.headers("X-CSRF-Token", b.csrf())));
            responses.add(Http.get(base + "/api/tokens", b.headers())); // 401 after sign-out
        } finally {
            root.detachAppender(log);
            root.setLevel(before);
        }

        assertThat(responses).extracting(HttpResponse::statusCode).contains(200, 201, 204, 400, 401, 409);
        List<String> lines = log.list.stream()
                .map(e -> e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .toList();
        assertThat(lines).anyMatch(l -> l.startsWith("POST /api/session 200"));
        assertThat(lines).anyMatch(l -> l.startsWith("GET /api/incidents/summary?token=*** 400"));
        for (String secret : secrets) {
            assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
            for (HttpResponse<String> r : responses) {
                assertThat(r.body()).as(r.uri() + " body").doesNotContain(secret);
                assertThat(r.headers().map().toString())
                        .as(r.uri() + " headers")
                        .doesNotContain(secret);
                assertThat(r.headers().firstValue("Location")).isEmpty();
            }
        }

        // The command line: a password comes from a file and is never printed; a token is printed exactly once.
        Map<String, String> env = Map.of("SAFEMAP_DB_URL", CliRun.url(TestDatabase.target(db)));
        Path pw = dir.resolve("pw.txt");
        Files.writeString(pw, "command line user's password\n");
        CliRun.Result added = CliRun.run(
                env,
                "users",
                "add",
                "cli-user",
                "--role",
                "analyst",
                "--partner",
                "fire",
                "--password-file",
                pw.toString());
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out())
                .contains("Added cli-user (analyst, fire)")
                .doesNotContain("command line user's password");
        CliRun.Result onLine = CliRun.run(env, "users", "password", "cli-user", "--password", "typed where all see it");
        assertThat(onLine.code()).isEqualTo(1);
        assertThat(onLine.err())
                .contains("never accepted on the command line")
                .doesNotContain("typed where all see it");
        assertThat(Sql.count(
                        db, "SELECT count(*) FROM app_user WHERE login = 'cli-user' AND password_hash IS NOT NULL"))
                .isEqualTo(1);

        CliRun.Result made = CliRun.run(
                env,
                "tokens",
                "create",
                "--user",
                "cli-user",
                "--name",
                "QGIS",
                "--purpose",
                "strategic-assessment",
                "--expires-days",
                "30");
        assertThat(made.code()).as(made.err()).isZero();
        String cliToken = Arrays.stream(made.out().split("\\s+"))
                .filter(w -> w.startsWith("smp_"))
                .findFirst()
                .orElseThrow();
        assertThat(made.out().split(cliToken, -1)).hasSize(2);
        assertThat(made.err()).contains("not shown again");
        CliRun.Result listed = CliRun.run(env, "tokens", "list", "--user", "cli-user");
        assertThat(listed.out())
                .contains("QGIS", "active", "strategic-assessment", cliToken.substring(0, 10))
                .doesNotContain(cliToken);
        assertThat(CliRun.run(env, "users", "list").out()).containsPattern("cli-user\\s+analyst\\s+fire\\s+active");

        try (App app = App.start(TestSettings.defaults(), db)) {
            String base = "http://127.0.0.1:" + app.port();
            HttpResponse<String> ok = Http.get(
                    base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities", "Authorization", basic("cli-user", cliToken));
            assertThat(ok.statusCode()).isEqualTo(200);
            long id = Long.parseLong(listed.out()
                    .lines()
                    .filter(l -> l.contains("QGIS"))
                    .findFirst()
                    .orElseThrow()
                    .strip()
                    .split("\\s+")[0]);
            assertThat(CliRun.run(env, "tokens", "revoke", String.valueOf(id)).out())
                    .contains("Revoked token " + id);
            assertThat(Http.get(
                                    base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities",
                                    "Authorization",
                                    basic("cli-user", cliToken))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(CliRun.run(env, "users", "disable", "cli-user").code()).isZero();
            assertThat(Sql.value(db, "SELECT disabled FROM app_user WHERE login = 'cli-user'"))
                    .isEqualTo(true);
        }
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
