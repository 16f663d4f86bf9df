package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.config.DatabaseTarget;
import org.safemap.config.Settings;
import org.safemap.db.DataChanges;
import org.safemap.db.Database;
import org.safemap.db.ReplicaReads;
import org.safemap.db.Work;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.AuditVerifier;
import org.safemap.sharing.Keys;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.Role;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;

/**
 * Two SafeMap servers over one database, as behind a load balancer, with map reads through {@link ReplicaReads}:
 * a session opened on one is honoured by the other, a load through one is announced to every listener with the
 * primary's WAL position and moves the other's maps, both keep one audit chain, and reads fall back to the primary
 * when the replica does not answer. The "replica" here is the database itself (a primary reports no replay position,
 * so it counts as caught up); a real streaming replica, HAProxy and killed servers are exercised by
 * {@code server/src/bench/replicas.sh}, which needs more than a test run should (docs/scaling.md).
 */
class ReplicatedServersIT {
    private static final String PASSWORD = "password for the replicated servers test";

    @AutoClose
    private static Database db;

    private static Settings settings;
    private static App a;
    private static App b;
    private static String baseA;
    private static String baseB;

    @BeforeAll
    static void start() {
        db = TestDatabase.fresh("replicated");
        // Map reads through the replica router, its replica pool on the same database.
        db.withReadReplica(db.target(), 2);
        settings = TestSettings.defaults();
        // Two servers, each on a port of its own, as two machines behind one balancer would be.
        a = App.start(settings.withHttpPort(Http.freePort()), db);
        b = App.start(settings.withHttpPort(Http.freePort()), db);
        baseA = "http://127.0.0.1:" + a.port();
        baseB = "http://127.0.0.1:" + b.port();
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aSessionOpenedOnOneServerIsHonouredOnTheOtherAndEndedThereForBoth() {
        TestUsers.withPassword(db, "two-servers", Role.ANALYST, "csp", PASSWORD);
        IdentityIT.Browser browser = IdentityIT.signIn(baseA, "two-servers", PASSWORD, "tasking");
        assertThat(browser.response().statusCode()).isEqualTo(200);

        var onB = Http.json(Http.get(baseB + "/api/session", browser.headers()));
        assertThat(onB.path("signedIn").asBoolean()).isTrue();
        assertThat(onB.path("user").asText()).isEqualTo("two-servers");
        assertThat(onB.path("csrf").asText()).isEqualTo(browser.csrf());

        HttpResponse<String> out =
                Http.request("DELETE", baseB + "/api/session", null, browser.headers("X-CSRF-Token", browser.csrf()));
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(Http.json(Http.get(baseA + "/api/session", browser.headers()))
                        .path("signedIn")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void aLoadThroughOneServerIsAnnouncedWithItsWalPositionAndMovesTheOthersMaps() throws Exception {
        String token = TestUsers.token(db, "two-servers-admin", Role.ADMIN, "csp", null);
        String before = mapVersion(baseB, token);
        LinkedBlockingQueue<Long> heard = new LinkedBlockingQueue<>();
        try (DataChanges listener = DataChanges.listen(db.target(), heard::add)) {
            Thread.sleep(500); // the listener's LISTEN is in place
            heard.clear();
            long lsnBefore = ReplicaReads.primaryLsn(db.dataSource());

            HttpResponse<String> up = Http.postFiles(
                    baseA + "/api/feeds/police-uk/uploads",
                    "file",
                    Map.of("2022-07-part.csv", policeRows(200)),
                    "Authorization",
                    Http.bearer(token));
            assertThat(up.statusCode()).as(up.body()).isEqualTo(201);

            Long lsn = heard.poll(20, TimeUnit.SECONDS);
            assertThat(lsn).as("a data-change notification").isNotNull();
            assertThat(lsn).isGreaterThan(lsnBefore);
            // The writer's client is told how far the primary had got, at or past the load's commit.
            String cookie = up.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith(ReadYourWrites.COOKIE + "="))
                    .findFirst()
                    .orElseThrow();
            assertThat(cookie).contains("HttpOnly", "SameSite=Strict");
            long written =
                    ReplicaReads.parseLsn(cookie.substring(ReadYourWrites.COOKIE.length() + 1, cookie.indexOf(';')));
            assertThat(written).isGreaterThan(lsnBefore);
        }
        String afterA = mapVersion(baseA, token);
        assertThat(afterA).isNotEqualTo(before);
        assertThat(mapVersion(baseB, token)).isEqualTo(afterA);
    }

    @Test
    void twoServersSigningPeopleInConcurrentlyKeepOneAuditChain() throws Exception {
        TestUsers.withPassword(db, "audit-both", Role.ANALYST, "csp", PASSWORD);
        long before = Sql.count(db, "SELECT count(*) FROM audit_log");
        int each = 12;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (String base : List.of(baseA, baseB, baseA, baseB)) {
                calls.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < each; i++) {
                        if (IdentityIT.signIn(base, "audit-both", PASSWORD, "tasking")
                                        .response()
                                        .statusCode()
                                == 200) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : calls) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(each);
            }
        } finally {
            pool.shutdownNow();
        }
        long added = Sql.count(db, "SELECT count(*) FROM audit_log") - before;
        assertThat(added).isGreaterThanOrEqualTo(4L * each);
        assertThat(Sql.count(db, "SELECT max(seq) - min(seq) + 1 - count(*) FROM audit_log"))
                .as("sequence numbers without gaps")
                .isZero();
        AuditLog log =
                new AuditLog(db.dataSource(), Keys.audit(settings), ProtocolCatalog.builtIn(), Clock.systemUTC());
        AuditVerifier.Verification v = new AuditVerifier(log).verify();
        assertThat(v.intact()).as(v.summary()).isTrue();
    }

    @Test
    void readsGoToTheReplicaWhenItAnswersAndToThePrimaryWhenItDoesNotOrWhenTheWorkWrote() throws Exception {
        DataSource reads = db.reads(settings.limits().dbWaitMs());
        assertThat(reads).isInstanceOf(ReplicaReads.class);
        assertThat(applicationName(reads)).isEqualTo("safemap-replica");
        // A replica that is a primary has replayed everything: a high required position still reads from it.
        ((ReplicaReads) reads).require(ReplicaReads.primaryLsn(db.dataSource()));
        assertThat(applicationName(reads)).isEqualTo("safemap-replica");

        Work work = Work.begin("test", 0);
        try {
            work.readPrimary();
            assertThat(applicationName(reads)).isEqualTo("safemap");
        } finally {
            work.end();
        }

        int nobody = Http.freePort();
        DatabaseTarget t = db.target();
        DatabaseTarget gone = new DatabaseTarget(
                t.jdbcUrl().replaceFirst(":\\d+/", ":" + nobody + "/"), t.user(), t.password(), "gone", "test");
        try (Database other = Database.open(db.target(), 2, "").withReadReplica(gone, 1)) {
            DataSource fallback = other.reads(settings.limits().dbWaitMs());
            assertThat(applicationName(fallback)).isEqualTo("safemap");
            assertThat(((ReplicaReads) fallback).caughtUp(0)).isFalse();
            // and again while the replica is marked down, without trying it
            assertThat(applicationName(fallback)).isEqualTo("safemap");
        }
    }

    private static String applicationName(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('application_name')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String mapVersion(String base, String token) {
        HttpResponse<String> r = Http.getWithToken(base + "/api/map-cache", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r).path("dataVersion").asText();
    }

    /** The header and the first {@code rows} records of the bundled July police.uk file. */
    private static byte[] policeRows(int rows) throws IOException {
        try (InputStream in = new GZIPInputStream(
                ReplicatedServersIT.class.getResourceAsStream("/demo/2022-07-liverpool-street.csv.gz"))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String[] lines = text.split("\n", rows + 2);
            for (int i = 0; i <= rows; i++) {
                out.writeBytes((lines[i] + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return out.toByteArray();
        }
    }
}
