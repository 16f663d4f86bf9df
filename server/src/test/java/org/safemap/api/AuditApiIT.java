package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.Services;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.Role;
import org.safemap.sharing.UsageReport;
import org.safemap.sharing.UsageReports;
import org.safemap.testing.CliRun;
import org.safemap.testing.Http;
import org.safemap.testing.MutableClock;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestSettings;

/**
 * The usage report and the audit API over real HTTP and PostGIS. Until login lands (another part of issue 8), the
 * test puts the principal on each request with a header, through the same {@link Principals} slot authentication
 * will fill; everything after that is the real server.
 */
class AuditApiIT {
    private static final String KEY = "audit-api-test-key-0123456789abcdef";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @AutoClose
    private static Database db;

    private static Javalin server;
    private static String base;
    private static AuditLog seeder;
    private static final List<Seeded> SEEDED = new ArrayList<>();

    /** What was seeded, to count independently of SQL. */
    record Seeded(Principal who, String action, List<String> feeds, long size, boolean refused, Instant at) {}

    @BeforeAll
    static void start() {
        db = TestDatabase.fresh("audit_api");
        Settings settings = TestSettings.withOverrides(Map.of(
                "SAFEMAP_DB_URL", CliRun.url(db.target()), "SAFEMAP_AUDIT_KEY", KEY, "SAFEMAP_RETENTION_HOUR", "-1"));
        MutableClock clock = new MutableClock(Instant.parse("2024-01-10T10:00:00Z"));
        seeder = new AuditLog(db.dataSource(), KEY.getBytes(StandardCharsets.UTF_8), ProtocolCatalog.builtIn(), clock);
        seed(clock);
        server = ApiServer.create(Services.serving(settings, db), null);
        // stands in for authentication: "role,partner,user,purpose"
        server.unsafe.routes.before(ctx -> {
            String h = ctx.header("X-Test-Principal");
            if (h != null) {
                String[] p = h.split(",", -1);
                Principals.set(
                        ctx,
                        new Principal(
                                p[2],
                                Role.parse(p[0]),
                                p[1].isEmpty() ? null : p[1],
                                p[3].isEmpty() ? null : p[3],
                                "session"));
            }
        });
        server.start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** 300 accesses over Jan to Mar 2024 by analysts of three partners, tasking and the public, on mixed feeds. */
    private static void seed(MutableClock clock) {
        java.util.Random random = new java.util.Random(8);
        List<List<String>> feedSets = List.of(
                List.of("istv-ae"),
                List.of("istv-ae", "ambulance"),
                List.of("police-uk"),
                List.of("ambulance"),
                List.of("fire-irs", "istv-ae"));
        String[] actions = {"api.incidents", "wms.getmap", "export.points", "pack"};
        List<Principal> people = List.of(
                new Principal("ana", Role.ANALYST, "csp", "strategic-assessment", "session"),
                new Principal("bob", Role.ANALYST, "police", "problem-solving", "token"),
                new Principal("nia", Role.ANALYST, "nhs-ed", "evaluation", "session"),
                new Principal("tom", Role.TASKING, "police", "tasking", "session"),
                Principal.ANONYMOUS);
        for (int i = 0; i < 300; i++) {
            clock.set(Instant.parse("2024-01-01T00:00:00Z").plusSeconds(random.nextInt(91 * 24 * 3600)));
            Principal who = people.get(random.nextInt(people.size()));
            List<String> feeds = feedSets.get(random.nextInt(feedSets.size()));
            String action = actions[random.nextInt(actions.length)];
            long size = random.nextInt(5000);
            boolean refused = random.nextInt(10) == 0;
            AuditEvent e = AuditEvent.of(who, action, "/x").feeds(feeds).resultSize(size);
            seeder.record(refused ? e.refused("below protocol level") : e);
            SEEDED.add(new Seeded(who, action, feeds, size, refused, clock.instant()));
        }
    }

    @Test
    void usageReportNumbersEqualCountsOfTheSeededEventsAndOfTheLog() {
        Instant from = LocalDate.parse("2024-02-01")
                .atStartOfDay(java.time.ZoneId.of("Europe/London"))
                .toInstant();
        Instant to = LocalDate.parse("2024-03-16")
                .atStartOfDay(java.time.ZoneId.of("Europe/London"))
                .toInstant();
        UsageReport r = new UsageReports(db.dataSource(), new Policy(ProtocolCatalog.builtIn()), Clock.systemUTC())
                .build("nhs-ed", LocalDate.parse("2024-02-01"), LocalDate.parse("2024-03-15"));
        List<Seeded> mine = SEEDED.stream()
                .filter(s -> s.feeds().contains("istv-ae") && !s.at().isBefore(from) && s.at().isBefore(to))
                .toList();
        assertThat(mine).hasSizeGreaterThan(50);
        assertThat(r.feeds()).containsExactly("istv-ae");
        assertThat(r.totals().accesses()).isEqualTo(mine.size());
        assertThat(r.totals().refused())
                .isEqualTo(mine.stream().filter(Seeded::refused).count());
        assertThat(r.totals().records())
                .isEqualTo(mine.stream()
                        .filter(s -> !s.refused())
                        .mapToLong(Seeded::size)
                        .sum());
        assertThat(r.totals().largest())
                .isEqualTo(mine.stream().mapToLong(Seeded::size).max().orElse(0));
        assertThat(r.totals().first())
                .isEqualTo(mine.stream().map(Seeded::at).min(Instant::compareTo).orElseThrow());
        for (UsageReport.UserRow u : r.byUser()) {
            List<Seeded> theirs = mine.stream()
                    .filter(s -> (s.who().user() == null ? "anonymous" : s.who().user()).equals(u.user()))
                    .toList();
            assertThat(u.accesses()).as(u.user()).isEqualTo(theirs.size());
            assertThat(u.records())
                    .as(u.user())
                    .isEqualTo(theirs.stream()
                            .filter(s -> !s.refused())
                            .mapToLong(Seeded::size)
                            .sum());
            assertThat(u.role()).isEqualTo(theirs.get(0).who().role().key());
        }
        assertThat(r.byUser().stream().mapToLong(UsageReport.UserRow::accesses).sum())
                .isEqualTo(mine.size());
        for (UsageReport.Row a : r.byAction()) {
            assertThat(a.accesses())
                    .as(a.key())
                    .isEqualTo(mine.stream()
                            .filter(s -> s.action().equals(a.key()))
                            .count());
        }
        assertThat(r.byMonth()).extracting(UsageReport.Row::key).containsExactly("2024-02", "2024-03");
        assertThat(r.byMonth().stream().mapToLong(UsageReport.Row::accesses).sum())
                .isEqualTo(mine.size());
        assertThat(r.byPurpose().stream().mapToLong(UsageReport.Row::accesses).sum())
                .isEqualTo(mine.size());
        // and an independent count in SQL
        assertThat(r.totals().accesses())
                .isEqualTo(
                        Sql.count(
                                db,
                                "SELECT count(*) FROM audit_log WHERE feeds ?? 'istv-ae' "
                                        + "AND at >= '2024-02-01 00:00 Europe/London' AND at < '2024-03-16 00:00 Europe/London'"));
        assertThat(r.toText())
                .contains("How partner nhs-ed's data has been used")
                .contains("By purpose declared");
        assertThat(r.toCsv().lines().count())
                .isEqualTo(1
                        + 1
                        + r.byUser().size()
                        + r.byPurpose().size()
                        + r.byAction().size()
                        + r.byMonth().size()
                        + r.byFeed().size());
    }

    @Test
    void theCustodianAndAdminsMayReadTheUsageReportAndNobodyElse() {
        String url = base + "/api/audit/usage?partner=nhs-ed&from=2024-01-01&to=2024-03-31";
        HttpResponse<String> nobody = get(url, null);
        assertThat(nobody.statusCode()).isEqualTo(401);
        assertThat(Http.json(nobody).path("error").asText()).isEqualTo("unauthorised");
        HttpResponse<String> other = get(url, "analyst,police,bob,problem-solving");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(Http.json(other).path("error").asText()).isEqualTo("forbidden");
        assertThat(get(url, "tasking,nhs-ed,tess,tasking").statusCode()).isEqualTo(403);

        HttpResponse<String> custodian = get(url, "analyst,nhs-ed,nia,evaluation");
        assertThat(custodian.statusCode()).as(custodian.body()).isEqualTo(200);
        JsonNode j = Http.json(custodian);
        long expected =
                SEEDED.stream().filter(s -> s.feeds().contains("istv-ae")).count();
        assertThat(j.path("totals").path("accesses").asLong()).isEqualTo(expected);
        assertThat(j.path("byUser").size()).isEqualTo(5);
        assertThat(get(url, "admin,,root,").statusCode()).isEqualTo(200);

        // every read and refusal is in the log, as the principal that made it
        assertThat(Sql.rows(
                        db,
                        "SELECT coalesce(actor, '-'), outcome FROM audit_log WHERE action = 'audit.report' "
                                + "AND (actor IS NULL OR actor NOT LIKE 'cli:%') ORDER BY seq"))
                .containsExactly(
                        List.of("-", "refused"),
                        List.of("bob", "refused"),
                        List.of("tess", "refused"),
                        List.of("nia", "ok"),
                        List.of("root", "ok"));
        assertThat(get(base + "/api/audit/usage?partner=nobody", "admin,,root,").statusCode())
                .isEqualTo(404);
        assertThat(get(base + "/api/audit/usage?partner=nhs-ed&from=yesterday", "admin,,root,")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void onlyAdminsReadTheLogItselfFilteredAndPaged() {
        assertThat(get(base + "/api/audit", "analyst,nhs-ed,nia,evaluation").statusCode())
                .isEqualTo(403);
        HttpResponse<String> page =
                get(base + "/api/audit?actor=ana&action=export&from=2024-01-01&to=2024-03-31&limit=5", "admin,,root,");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        JsonNode entries = Http.json(page).path("entries");
        assertThat(entries.size()).isEqualTo(5);
        for (JsonNode e : entries) {
            assertThat(e.path("actor").asText()).isEqualTo("ana");
            assertThat(e.path("action").asText()).isEqualTo("export.points");
            assertThat(e.path("hash").asText()).hasSize(64);
        }
        long next = Http.json(page).path("next").asLong();
        JsonNode rest = Http.json(
                        get(base + "/api/audit?actor=ana&action=export&after=" + next + "&limit=10000", "admin,,root,"))
                .path("entries");
        long all = SEEDED.stream()
                .filter(s -> "ana".equals(s.who().user()) && s.action().equals("export.points"))
                .count();
        assertThat(5 + rest.size()).isEqualTo(all);
        assertThat(Sql.count(db, "SELECT count(*) FROM audit_log WHERE action = 'audit.read' AND actor = 'root'"))
                .isEqualTo(2);
    }

    @Test
    void theCommandLineReportMatchesTheApi() {
        CliRun.Result csv = CliRun.run(
                Map.of("SAFEMAP_DB_URL", CliRun.url(db.target()), "SAFEMAP_AUDIT_KEY", KEY),
                "audit",
                "report",
                "--partner",
                "ambulance",
                "--from",
                "2024-01-01",
                "--to",
                "2024-03-31",
                "--format",
                "csv");
        assertThat(csv.code()).as(csv.err()).isZero();
        long expected =
                SEEDED.stream().filter(s -> s.feeds().contains("ambulance")).count();
        assertThat(csv.out())
                .startsWith("section,group,role,partner,accesses")
                .contains("total,all,,," + expected + ",");
        CliRun.Result bad = CliRun.run(
                Map.of("SAFEMAP_DB_URL", CliRun.url(db.target()), "SAFEMAP_AUDIT_KEY", KEY),
                "audit",
                "report",
                "--partner",
                "nobody");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("no protocol names partner 'nobody'");
    }

    private static HttpResponse<String> get(String url, String principal) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
            if (principal != null) {
                b.header("X-Test-Principal", principal);
            }
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
