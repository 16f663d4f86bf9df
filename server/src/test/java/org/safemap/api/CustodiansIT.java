package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.ingest.AmbulanceCsvAdapter;
import org.safemap.ingest.IstvAeCsvAdapter;
import org.safemap.sharing.PasswordHashing;
import org.safemap.sharing.Role;
import org.safemap.sharing.Users;
import org.safemap.testing.CliRun;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;

/**
 * A partner's data custodian in control of their feed, over real HTTP with real tokens, against real PostGIS holding
 * the demo data (a database of its own: these tests load files, add a feed and change protocols):
 * <ul>
 * <li>only the feed's own partner (or an admin) loads into it: the CSP, named at points level for A&E, reads the
 * feed but cannot load into it, and that refusal, like an anonymous one, counts in the trust's usage report;</li>
 * <li>the batch list, the batch report and {@code safemap feeds report} say who loaded each batch;</li>
 * <li>the ambulance custodian sees their own references in quarantine, everyone else keyed hashes, and the database
 * holds the references only sealed;</li>
 * <li>a user's partner must be one a protocol names;</li>
 * <li>a new feed and protocol take effect after a reload (API and CLI), and a lowered level or raised threshold at
 * once, tiles and counts included;</li>
 * <li>a layer credits, and audits as used, only the feeds whose categories it draws.</li>
 * </ul>
 */
class CustodiansIT {
    private static final String AMBULANCE = String.join(",", AmbulanceCsvAdapter.COLUMNS) + "\n";
    private static final String AE = String.join(",", IstvAeCsvAdapter.COLUMNS) + "\n";
    private static final String LINKAGE_KEY = "custodians-test-linkage-key-0123456789";
    private static final String TILE = "/tiles/incident-counts/12/2014/1326.png?time=2022-07&category=deliberate-fire";

    @AutoClose
    private static Database db;

    private static App app;
    private static String base;
    private static Path protocolsDir;
    private static Path feedsDir;
    private static String nhs;
    private static String ambulance;
    private static String csp;
    private static String police;
    private static String tasking;
    private static String admin;

    @BeforeAll
    static void start() throws IOException {
        db = TestDatabase.fresh("custodians");
        TestData.loadDemo(db);
        protocolsDir = Files.createTempDirectory("custodian-protocols");
        feedsDir = Files.createTempDirectory("custodian-feeds");
        app = App.start(TestSettings.withOverrides(settings()), db);
        base = "http://127.0.0.1:" + app.port();
        nhs = TestUsers.token(db, "ae-manager", Role.ANALYST, "nhs-ed", null);
        ambulance = TestUsers.token(db, "amb-manager", Role.ANALYST, "ambulance", null);
        csp = TestUsers.token(db, "csp-analyst", Role.ANALYST, "csp", "strategic-assessment");
        police = TestUsers.token(db, "police-analyst", Role.ANALYST, "police", "strategic-assessment");
        tasking = TestUsers.token(db, "tasking-member", Role.TASKING, null, "tasking");
        admin = TestUsers.token(db, "the-admin", Role.ADMIN, null, null);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static Map<String, String> settings() {
        return Map.of(
                "SAFEMAP_PROTOCOLS_DIR",
                protocolsDir.toString(),
                "SAFEMAP_FEEDS_DIR",
                feedsDir.toString(),
                "SAFEMAP_LINKAGE_KEY",
                LINKAGE_KEY);
    }

    private static CliRun.Result cli(String... args) {
        Map<String, String> env = new LinkedHashMap<>(settings());
        env.put("SAFEMAP_DB_URL", CliRun.url(db.target()));
        return CliRun.run(env, args);
    }

    private static String[] auth(String token) {
        return token == null ? new String[0] : new String[] {"Authorization", Http.bearer(token)};
    }

    private static HttpResponse<String> get(String path, String token) {
        return Http.get(base + path, auth(token));
    }

    private static HttpResponse<String> upload(String feed, String token, String name, String content) {
        return Http.postFiles(
                base + "/api/feeds/" + feed + "/uploads",
                "file",
                Map.of(name, content.getBytes(StandardCharsets.UTF_8)),
                auth(token));
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    /** Refusals recorded against the trust's feeds, by user, as the trust's own usage report gives them. */
    private static Map<String, Long> refusalsInTheTrustsReport() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (JsonNode u : ok(get("/api/audit/usage?partner=nhs-ed", nhs)).path("byUser")) {
            out.merge(u.path("user").asText(), u.path("refused").asLong(), Long::sum);
        }
        return out;
    }

    private static void writeProtocol(String name, String text) throws IOException {
        Files.writeString(protocolsDir.resolve(name + ".json"), text);
    }

    private static String builtInProtocol(String feed) throws IOException {
        return new String(
                CustodiansIT.class
                        .getClassLoader()
                        .getResourceAsStream("protocols/" + feed + ".json")
                        .readAllBytes(),
                StandardCharsets.UTF_8);
    }

    private static JsonNode reload(String token, int status) {
        HttpResponse<String> r = Http.request("POST", base + "/api/protocols/reload", null, auth(token));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Http.json(r);
    }

    @Test
    void theCspMayReadTheAAndEFeedButNotLoadIntoItAndEveryRefusalCountsInTheTrustsUsageReport() {
        Map<String, Long> before = refusalsInTheTrustsReport();

        HttpResponse<String> byCsp = upload(
                "istv-ae",
                csp,
                "ae.csv",
                AE + "REM,02/07/2022,01:40,02/07/2022,00:55,Bold Street,Public place,Body part,\n");
        assertThat(byCsp.statusCode()).as(byCsp.body()).isEqualTo(403);
        assertThat(Http.json(byCsp).path("error").asText()).isEqualTo("forbidden");
        assertThat(Http.json(byCsp).path("message").asText())
                .contains("partner 'nhs-ed'")
                .contains("csp-analyst (analyst, csp) is neither");
        // ... though the CSP may read the feed's batches: it sees the records as points. The feed list says so.
        assertThat(get("/api/feeds/istv-ae/batches", csp).statusCode()).isEqualTo(200);
        assertThat(feed("istv-ae", csp).toString())
                .contains("\"owner\":\"nhs-ed\",\"may_load\":false," + "\"may_read_batches\":true");
        assertThat(feed("istv-ae", nhs).toString()).contains("\"may_load\":true,\"may_read_batches\":true");
        assertThat(feed("istv-ae", null).toString()).contains("\"may_load\":false,\"may_read_batches\":false");
        // Reading a partner's records is audited, open data's is not, whoever asks (the viewer fetches ahead only
        // what is not).
        assertThat(feed("istv-ae", csp).path("audited").asBoolean()).isTrue();
        assertThat(feed("istv-ae", null).path("audited").asBoolean()).isTrue();
        assertThat(feed("police-uk", csp).path("audited").isBoolean()).isTrue();
        assertThat(feed("police-uk", csp).path("audited").asBoolean()).isFalse();
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM load_batch WHERE feed = 'istv-ae' AND loaded_by = " + "'csp-analyst'"))
                .isZero();

        // Anonymous attempts: an upload, a named feed, and a map layer answered as if it did not exist.
        assertThat(upload("istv-ae", null, "ae.csv", AE).statusCode()).isEqualTo(401);
        assertThat(get("/api/incidents?month=2022-07&feed=istv-ae", null).statusCode())
                .isEqualTo(403);
        assertThat(get("/tiles/density-ae-assaults/12/2014/1326.png?time=2022-07", null)
                        .statusCode())
                .isEqualTo(404);

        Map<String, Long> after = refusalsInTheTrustsReport();
        assertThat(after.getOrDefault("csp-analyst", 0L) - before.getOrDefault("csp-analyst", 0L))
                .isEqualTo(1);
        assertThat(after.getOrDefault("anonymous", 0L) - before.getOrDefault("anonymous", 0L))
                .isEqualTo(3);
        List<List<Object>> tiles = Sql.rows(
                db,
                "SELECT feeds::text, outcome, detail->>'layer' FROM audit_log "
                        + "WHERE action = 'tiles' AND actor IS NULL ORDER BY seq DESC LIMIT 1");
        assertThat(tiles.get(0)).containsExactly("{\"istv-ae\": 1}", "refused", "density-ae-assaults");
    }

    @Test
    void theCustodianLoadsAndTheBatchesSayWhoLoadedEachFromTheApiAndTheCommandLine() {
        HttpResponse<String> r = upload(
                "istv-ae",
                nhs,
                "ae-july.csv",
                AE
                        + "REM,03/07/2022,01:40,03/07/2022,00:55,Bold Street,Public place,Body part,\n"
                        + "REM,03/07/2022,02:10,03/07/2022,01:30,,Public place,Body part,\n");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode batch = Http.json(r).at("/uploads/0/batch");
        assertThat(batch.path("loaded_by").asText()).isEqualTo("ae-manager");
        assertThat(batch.path("loaded_via").asText()).isEqualTo("token 'test token'");
        long id = batch.path("batch").asLong();

        JsonNode listed = null;
        for (JsonNode b : ok(get("/api/feeds/istv-ae/batches", csp))) {
            if (b.path("batch").asLong() == id) {
                listed = b;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("loaded_by").asText()).isEqualTo("ae-manager");
        assertThat(ok(get("/api/feeds/istv-ae/batches/" + id, nhs))
                        .path("loaded_by")
                        .asText())
                .isEqualTo("ae-manager");
        // Demo batches were loaded before loaders were recorded by anyone: null, not a guess.
        assertThat(ok(get("/api/feeds/istv-ae/batches", nhs))
                        .get(0)
                        .path("loaded_by")
                        .isNull())
                .isTrue();

        // The command line loads as the operator, an admin, named by their login on the machine.
        String operator = "cli:" + System.getProperty("user.name").toLowerCase(Locale.ROOT);
        Path file = write(
                "ae-august.csv",
                AE + "REM,03/08/2022,01:40,03/08/2022,00:55,Bold Street,Public place," + "Body part,\n");
        CliRun.Result ingest = cli("ingest", "--feed", "istv-ae", file.toString());
        assertThat(ingest.code()).as(ingest.out() + ingest.err()).isZero();
        assertThat(Sql.value(
                        db,
                        "SELECT loaded_by || ' ' || loaded_via FROM load_batch WHERE source_name = "
                                + "'ae-august.csv'"))
                .isEqualTo(operator + " cli");
        CliRun.Result report = cli("feeds", "report", "--feed", "istv-ae");
        assertThat(report.out())
                .contains("ae-july.csv: 2 read")
                .contains("loaded by ae-manager (token 'test token')")
                .contains("ae-august.csv: 1 read")
                .contains("loaded by " + operator + "\n");
        assertThat(cli("feeds", "report", "--feed", "istv-ae", "--format", "json")
                        .out())
                .contains("\"loaded_by\" : \"ae-manager\"", "\"loaded_via\" : \"token 'test token'\"");
    }

    @Test
    void theCustodianSeesTheirOwnReferencesInQuarantineAndEveryoneElseTheKeyedHashes() {
        HttpResponse<String> r = upload(
                "ambulance",
                ambulance,
                "calls.csv",
                AMBULANCE
                        + "AMB-REF-77,2022-03-05 23:45,4,04D01,,,,,,N\n"
                        + "AMB-REF-78,2022-03-05 23:41,4,04D01,335000,390000,,,,Y\n"
                        + "AMB-REF-79,\"2022-03-05 23:50,4,04D01,,,,,,N\n");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long id = Http.json(r).at("/uploads/0/batch/batch").asLong();
        assertThat(Http.json(r).at("/uploads/0/batch/quarantined").asInt()).isEqualTo(2);
        String path = "/api/feeds/ambulance/batches/" + id + "/quarantine";

        HttpResponse<String> custodian = get(path, ambulance);
        assertThat(custodian.statusCode()).as(custodian.body()).isEqualTo(200);
        assertThat(custodian.headers().firstValue("X-SafeMap-References")).contains("as-sent");
        assertThat(custodian.body())
                .contains("AMB-REF-77,2022-03-05 23:45")
                .contains("AMB-REF-79,\"\"2022-03-05")
                .doesNotContain("hmac:");
        HttpResponse<String> byAdmin = get(path, admin);
        assertThat(byAdmin.headers().firstValue("X-SafeMap-References")).contains("as-sent");
        assertThat(byAdmin.body()).contains("AMB-REF-77");

        // The CSP may read the quarantine (it sees ambulance records as points), but not the service's references.
        HttpResponse<String> byCsp = get(path, csp);
        assertThat(byCsp.statusCode()).isEqualTo(200);
        assertThat(byCsp.headers().firstValue("X-SafeMap-References")).contains("hashed");
        assertThat(byCsp.body())
                .doesNotContain("AMB-REF")
                .containsPattern("hmac:[0-9a-f]{32},2022-03-05 23:45")
                .contains("(line shown only to the feed's custodians");
        assertThat(get(path, police).statusCode()).isEqualTo(403);
        assertThat(Sql.rows(
                                db,
                                "SELECT actor, detail->>'references' FROM audit_log WHERE action = 'api.quarantine' "
                                        + "AND resource = ? ORDER BY seq",
                                path)
                        .stream()
                        .map(Object::toString)
                        .toList())
                .containsExactly("[amb-manager, true]", "[the-admin, true]", "[csp-analyst, false]");

        // Nowhere in the database is a reference readable: only hashes, and the rows as sent sealed.
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM quarantine WHERE raw_record LIKE '%AMB-REF%' "
                                + "OR raw_sealed LIKE '%AMB-REF%'"))
                .isZero();
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM incident WHERE source_ref LIKE '%AMB-REF%' "
                                + "OR attributes::text LIKE '%AMB-REF%'"))
                .isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM quarantine WHERE batch_id = ? AND raw_sealed IS NOT NULL", id))
                .isEqualTo(2);

        // The command line shows hashes unless the operator asks for the references (and both are audited).
        CliRun.Result hashed = cli("feeds", "quarantine", "--batch", String.valueOf(id));
        assertThat(hashed.out()).doesNotContain("AMB-REF").contains("hmac:");
        CliRun.Result sent = cli("feeds", "quarantine", "--batch", String.valueOf(id), "--references");
        assertThat(sent.out()).contains("AMB-REF-77");
        assertThat(Sql.count(db, "SELECT count(*) FROM audit_log WHERE action = 'cli.quarantine'"))
                .isEqualTo(2);

        // A sealed copy moved onto another row does not open there: the row shows its hashes and says why.
        Sql.execute(
                db,
                "UPDATE quarantine q SET raw_sealed = o.raw_sealed FROM quarantine o WHERE q.batch_id = " + id
                        + " AND o.batch_id = " + id + " AND q.line_no = 2 AND o.line_no = 4");
        HttpResponse<String> moved = get(path, ambulance);
        assertThat(moved.body())
                .contains("does not open")
                .contains("AMB-REF-79")
                .doesNotContain("AMB-REF-77")
                .contains("hmac:");
    }

    @Test
    void aUserMustWorkForAPartnerAProtocolNames() throws Exception {
        HttpResponse<String> add = Http.postJsonWithToken(
                base + "/api/users",
                admin,
                "{\"login\": \"council-analyst\", \"role\": \"analyst\", \"partner\": \"council\"}");
        assertThat(add.statusCode()).as(add.body()).isEqualTo(400);
        assertThat(Http.json(add).path("message").asText())
                .contains("partner 'council' is not one the data-sharing " + "protocols name")
                .contains("ambulance, btp, csp, fire, nhs-ed, police");
        HttpResponse<String> patch = Http.request(
                "PATCH",
                base + "/api/users/tasking-member",
                "{\"partner\": \"counsil\"}",
                "Authorization",
                Http.bearer(admin),
                "Content-Type",
                "application/json");
        assertThat(patch.statusCode()).isEqualTo(400);
        HttpResponse<String> good = Http.postJsonWithToken(
                base + "/api/users", admin, "{\"login\": \"csp-two\", \"role\": \"analyst\", \"partner\": \"csp\"}");
        assertThat(good.statusCode()).as(good.body()).isEqualTo(201);
        CliRun.Result cliAdd =
                cli("users", "add", "council-two", "--role", "analyst", "--partner", "council", "--no-password");
        assertThat(cliAdd.code()).isNotZero();
        assertThat(cliAdd.err() + cliAdd.out()).contains("partner 'council' is not one");
        assertThat(Sql.count(db, "SELECT count(*) FROM app_user WHERE partner = 'council'"))
                .isZero();

        // A user left over from before (or whose partner's protocol was withdrawn) is flagged, not hidden.
        new Users(db.dataSource(), PasswordHashing.standard()).add("old-council", null, Role.ANALYST, "council", null);
        JsonNode listed = null;
        for (JsonNode u : ok(get("/api/users", admin))) {
            if (u.path("login").asText().equals("old-council")) {
                listed = u;
            }
            if (u.path("login").asText().equals("csp-two")) {
                assertThat(u.path("partnerKnown").asBoolean()).isTrue();
            }
        }
        assertThat(listed.path("partnerKnown").asBoolean()).isFalse();
        CliRun.Result list = cli("users", "list");
        assertThat(list.out())
                .contains("council!")
                .contains("a partner no data-sharing protocol names")
                .contains("old-council");
    }

    @Test
    void aNewFeedAndItsProtocolTakeEffectAfterAReloadAndABadOneChangesNothing() throws Exception {
        assertThat(upload("yot", admin, "yot.csv", "ref,when,kind,x,y\n").statusCode())
                .isEqualTo(404);
        Files.writeString(feedsDir.resolve("yot.json"), """
                {"name": "yot", "title": "Youth offending team referrals", "partner": "Youth offending team",
                 "format": "mapped-csv",
                 "mapping": {"fields": ["ref", "when", "kind", "x", "y"], "reference": "ref", "time": {"at": "when"},
                   "location": {"easting": "x", "northing": "y"},
                   "category": {"column": "kind", "map": {"assault": "violence-and-sexual-offences"}}}}""");
        String protocol = builtInProtocol("istv-ae")
                .replace("\"feed\": \"istv-ae\"", "\"feed\": \"yot\"")
                .replace("\"partner\": \"nhs-ed\"", "\"partner\": \"yot\"")
                .replaceAll("\"fields\": \\[[^\\]]*]", "\"fields\": [\"ref\", \"when\", \"kind\", \"x\", \"y\"]");
        assertThat(protocol).contains("\"feed\": \"yot\"", "\"partner\": \"yot\"", "\"version\": 1");
        writeProtocol("yot", protocol);

        assertThat(reload(tasking, 403).path("error").asText()).isEqualTo("forbidden");
        JsonNode change = reload(admin, 200);
        assertThat(change.path("outcome").asText()).isEqualTo("reloaded");
        assertThat(change.path("protocols_added").toString()).contains("yot v1");
        assertThat(change.path("feeds_added").toString()).contains("yot");
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM protocol_version WHERE feed = 'yot' AND version = 1 " + "AND in_force"))
                .isEqualTo(1);
        assertThat(Sql.value(
                        db,
                        "SELECT actor FROM audit_log WHERE action = 'protocols.reload' AND outcome = 'ok' "
                                + "ORDER BY seq DESC LIMIT 1"))
                .isEqualTo("the-admin");
        assertThat(ok(get("/api/protocols/yot", null)).path("partner").asText()).isEqualTo("yot");

        // The new partner may now have users, whose custodian loads into the new feed.
        HttpResponse<String> user = Http.postJsonWithToken(
                base + "/api/users",
                admin,
                "{\"login\": \"yot-manager\", \"role\": \"analyst\", \"partner\": \"yot\"}");
        assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
        String yot = TestUsers.token(db, "yot-manager", Role.ANALYST, "yot", null);
        HttpResponse<String> loaded =
                upload("yot", yot, "yot-march.csv", "ref,when,kind,x,y\nY1,2022-03-01 10:00,assault,334600,390400\n");
        assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(201);
        assertThat(upload("yot", nhs, "yot-other.csv", "ref,when,kind,x,y\n").statusCode())
                .isEqualTo(403);

        // A text changed under the same version number is refused, named, and nothing changes.
        String before = ok(get("/api/protocols/yot", null)).path("sha256").asText();
        writeProtocol("yot", protocol.replace("\"retention\": \"P3Y\"", "\"retention\": \"P4Y\""));
        JsonNode refused = reload(admin, 400);
        assertThat(refused.path("error").asText()).isEqualTo("bad_protocol");
        assertThat(refused.path("message").asText()).contains("yot.json").contains("needs a new version number");
        assertThat(ok(get("/api/protocols/yot", null)).path("sha256").asText()).isEqualTo(before);
        assertThat(Sql.value(
                        db,
                        "SELECT outcome FROM audit_log WHERE action = 'protocols.reload' ORDER BY seq DESC "
                                + "LIMIT 1"))
                .isEqualTo("refused");

        // The command line checks the files, asks the running server through the database, and prints its answer.
        writeProtocol(
                "yot",
                protocol.replace("\"retention\": \"P3Y\"", "\"retention\": \"P4Y\"")
                        .replace("\"version\": 1", "\"version\": 2"));
        CliRun.Result viaCli = cli("protocols", "reload");
        assertThat(viaCli.code()).as(viaCli.out() + viaCli.err()).isZero();
        assertThat(viaCli.out()).contains("Server: reloaded: protocols changed: yot v1 -> v2");
        assertThat(ok(get("/api/protocols/yot", null)).path("version").asInt()).isEqualTo(2);
        assertThat(Sql.value(
                        db,
                        "SELECT actor FROM audit_log WHERE action = 'protocols.reload' ORDER BY seq DESC " + "LIMIT 1"))
                .isEqualTo("cli:" + System.getProperty("user.name").toLowerCase(Locale.ROOT));
    }

    @Test
    void aLoweredLevelOrRaisedThresholdTakesEffectAtOnceOnTilesAndCounts() throws Exception {
        String fire = builtInProtocol("fire-irs");
        HttpResponse<String> first = Http.get(base + TILE, auth(tasking));
        assertThat(first.statusCode()).isEqualTo(200);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(Http.get(base + TILE, auth(tasking)).headers().firstValue("ETag"))
                .contains(etag);
        assertThat(feedNames(ok(get("/api/incidents/summary", tasking)).path("feeds")))
                .contains("fire-irs");

        // A stricter rule at the same level: the tile cached under the old rule is not served again.
        writeProtocol(
                "fire-irs",
                fire.replace("\"version\": 1", "\"version\": 41").replace("\"threshold\": 3", "\"threshold\": 9"));
        assertThat(reload(admin, 200).path("protocols_changed").toString()).contains("fire-irs v1 -> v41");
        HttpResponse<String> stricter = Http.get(base + TILE, auth(tasking));
        assertThat(stricter.statusCode()).isEqualTo(200);
        assertThat(stricter.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);

        // Tasking members lose the fire feed altogether: at once, on every path.
        JsonNode profileBefore = ok(get("/api/profile?area=lsoa:E01006512&period=2022-01..2022-07", tasking));
        assertThat(profileBefore.at("/protected/feeds").toString()).contains("fire-irs");
        writeProtocol(
                "fire-irs",
                fire.replace("\"version\": 1", "\"version\": 42")
                        .replace("\"tasking\": \"aggregates\"", "\"tasking\": \"none\""));
        reload(admin, 200);
        assertThat(feedNames(ok(get("/api/incidents/summary", tasking)).path("feeds")))
                .doesNotContain("fire-irs");
        assertThat(ok(get("/api/profile?area=lsoa:E01006512&period=2022-01..2022-07", tasking))
                        .at("/protected/feeds")
                        .toString())
                .doesNotContain("fire-irs");
        assertThat(sources(tasking, "density-damage")).doesNotContain("fire-irs");
        HttpResponse<String> lowered = Http.get(base + TILE, auth(tasking));
        assertThat(lowered.headers().firstValue("ETag").orElseThrow())
                .isNotEqualTo(etag)
                .isNotEqualTo(stricter.headers().firstValue("ETag").orElseThrow());

        // Put the built-in levels back (as a newer version) for the other tests.
        writeProtocol("fire-irs", fire.replace("\"version\": 1", "\"version\": 43"));
        reload(admin, 200);
        assertThat(sources(tasking, "density-damage")).contains("fire-irs");
    }

    @Test
    void aLayerCreditsAndAuditsOnlyTheFeedsWhoseCategoriesItDraws() {
        // Violence: every feed by name, but the fire service's categories hold no violence. (The youth offending
        // team's feed, when another test here has added it, maps assaults to violence: it is credited.)
        assertThat(sources(police, "density-violence"))
                .contains("police-uk", "btp", "istv-ae", "ambulance")
                .doesNotContain("fire-irs");
        assertThat(sources(police, "density-damage")).containsExactlyInAnyOrder("police-uk", "btp", "fire-irs");
        // What the viewer credits under the map: the feeds drawn, each by its own attribution, not the catalogue's
        // sentence naming every partner; on areas, the boundaries too.
        assertThat(credits(police, "density-violence"))
                .anyMatch(c -> c.contains("data.police.uk"))
                .noneMatch(c -> c.contains("Incident Recording System"))
                .noneMatch(c -> c.contains("Pooled partner data"));
        assertThat(credits(police, "density-damage")).anyMatch(c -> c.contains("Incident Recording System"));
        assertThat(credits(police, "incident-counts")).last().asString().contains("National Statistics boundaries");
        assertThat(get("/tiles/density-violence/12/2014/1326.png?time=2022-07", police)
                        .statusCode())
                .isEqualTo(200);
        assertThat(tileFeeds("density-violence"))
                .asString()
                .startsWith("ambulance,btp,istv-ae,police-uk")
                .doesNotContain("fire-irs");
        // A category asked for narrows the credit the same way: deliberate fires are the fire service's alone.
        assertThat(get("/tiles/incident-counts/12/2014/1326.png?time=2022-07&category=deliberate-fire", police)
                        .statusCode())
                .isEqualTo(200);
        assertThat(tileFeeds("incident-counts")).isEqualTo("fire-irs");
        // ... and violence on the counts layer leaves the fire service out.
        assertThat(get("/tiles/incident-counts-msoa/12/2014/1326.png?time=2022-07&category=violence", police)
                        .statusCode())
                .isEqualTo(200);
        assertThat(tileFeeds("incident-counts-msoa"))
                .asString()
                .startsWith("ambulance,btp,istv-ae,police-uk")
                .doesNotContain("fire-irs");
    }

    /** The feeds named by the police analyst's latest tile entry on {@code layer}. */
    private static Object tileFeeds(String layer) {
        return Sql.value(
                db,
                "SELECT (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(feeds) k) FROM "
                        + "audit_log WHERE action = 'tiles' AND actor = 'police-analyst' AND detail->>'layer' = ? "
                        + "ORDER BY seq DESC LIMIT 1",
                layer);
    }

    private static JsonNode feed(String name, String token) {
        for (JsonNode f : ok(get("/api/feeds", token))) {
            if (f.path("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no feed " + name);
    }

    private static List<String> sources(String token, String layer) {
        for (JsonNode l : ok(get("/api/layers", token)).path("layers")) {
            if (l.path("name").asText().equals(layer)) {
                return l.path("sources").findValuesAsText("feed");
            }
        }
        return List.of();
    }

    private static List<String> credits(String token, String layer) {
        for (JsonNode l : ok(get("/api/layers", token)).path("layers")) {
            if (l.path("name").asText().equals(layer)) {
                List<String> out = new ArrayList<>();
                l.path("credits").forEach(c -> out.add(c.asText()));
                return out;
            }
        }
        return List.of();
    }

    private static List<String> feedNames(JsonNode feeds) {
        List<String> out = new ArrayList<>();
        feeds.forEach(f -> out.add(f.path("feed").asText()));
        return out;
    }

    private static Path write(String name, String content) {
        try {
            Path dir = Files.createTempDirectory("custodian-files");
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
