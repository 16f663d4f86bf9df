package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.sharing.Role;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;

/**
 * The action log over real HTTP on PostGIS, signed in with real API tokens: who may read and write it (anonymous
 * refused, a tasking member with the tasking purpose allowed, an analyst who declared another purpose refused), the
 * audit entry each creation, change, export and refusal writes, stale edits refused, and the CSV read back.
 */
class ActionsApiIT {
    private static Database db;
    private static App app;
    private static String base;
    private static String tasking;
    private static String analystOtherPurpose;
    private static String lsoa;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        app = App.start(TestSettings.defaults(), db);
        base = "http://127.0.0.1:" + app.port();
        tasking = TestUsers.token(db, "actions-tasking", Role.TASKING, null, "tasking");
        analystOtherPurpose = TestUsers.token(db, "actions-analyst", Role.ANALYST, "csp", "strategic-assessment");
        lsoa = (String)
                Sql.value(db, "SELECT min(code) FROM area_parent WHERE level = 'lsoa' AND parent_code = 'E08000012'");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) {
        return token == null
                ? Http.request(method, base + path, body, "Content-Type", "application/json")
                : Http.request(
                        method,
                        base + path,
                        body,
                        "Authorization",
                        Http.bearer(token),
                        "Content-Type",
                        "application/json");
    }

    private static String body(String problem) {
        return """
                {"area": "%s", "problem": "%s", "action": "Licensing visits on Fridays", "agency": "Council licensing",
                 "owner": "A. Officer", "agreedOn": "2022-04-14", "dueOn": "2022-06-30", "notes": "=HYPERLINK(1)"}""".formatted(lsoa, problem);
    }

    private static long audited(String action, String actor, String outcome) {
        return Sql.count(
                db,
                "SELECT count(*) FROM audit_log WHERE action = ? AND coalesce(actor, '') = ? AND outcome = ?",
                action,
                actor,
                outcome);
    }

    @Test
    void anonymousRequestsAreRefused() {
        assertThat(send("GET", "/api/actions", null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> post = send("POST", "/api/actions", null, body("anonymous try"));
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(Http.json(post).get("error").asText()).isEqualTo("unauthorised");
        assertThat(Sql.count(db, "SELECT count(*) FROM tasking_action WHERE problem = 'anonymous try'"))
                .isZero();
    }

    @Test
    void aTaskingMemberRecordsAndChangesAnActionAndEachStepIsAudited() {
        long creates = audited("actions.create", "actions-tasking", "ok");
        HttpResponse<String> created = send("POST", "/api/actions", tasking, body("Disorder outside late bars"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode a = Http.json(created);
        long id = a.get("id").asLong();
        assertThat(created.headers().firstValue("Location")).contains("/api/actions/" + id);
        assertThat(a.get("status").asText()).isEqualTo("open");
        assertThat(a.get("statusLabel").asText()).isEqualTo("Open");
        assertThat(a.get("version").asInt()).isEqualTo(1);
        assertThat(a.get("createdBy").asText()).isEqualTo("actions-tasking");
        assertThat(a.get("areaName").asText()).isNotEqualTo(lsoa).contains("Liverpool");
        // stored as sent, independently of the API's reading of it
        assertThat(Sql.rows(db, "SELECT area_code, owner, due_on::text FROM tasking_action WHERE id = ?", id))
                .containsExactly(List.of(lsoa, "A. Officer", "2022-06-30"));
        assertThat(audited("actions.create", "actions-tasking", "ok")).isEqualTo(creates + 1);
        assertThat(Sql.value(
                        db,
                        "SELECT detail->>'area' FROM audit_log WHERE action = 'actions.create' AND resource = ?",
                        "/api/actions/" + id))
                .isEqualTo(lsoa);

        HttpResponse<String> changed = send(
                "PATCH",
                "/api/actions/" + id,
                tasking,
                "{\"status\": \"in_progress\", \"notes\": \"first visit done\", \"version\": 1}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(Http.json(changed).get("status").asText()).isEqualTo("in_progress");
        assertThat(Http.json(changed).get("version").asInt()).isEqualTo(2);
        assertThat(Sql.value(
                                db,
                                "SELECT detail->'changed' FROM audit_log WHERE action = 'actions.update' AND resource = ?",
                                "/api/actions/" + id)
                        .toString())
                .contains("status", "notes")
                .doesNotContain("owner");

        // an edit made without seeing version 2 is refused, and changes nothing
        HttpResponse<String> stale =
                send("PATCH", "/api/actions/" + id, tasking, "{\"status\": \"dropped\", \"version\": 1}");
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(Sql.value(db, "SELECT status FROM tasking_action WHERE id = ?", id))
                .isEqualTo("in_progress");

        HttpResponse<String> listed = send("GET", "/api/actions?area=E08000012&status=in_progress", tasking, null);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(Http.json(listed).findValuesAsText("id")).contains(Long.toString(id));
        assertThat(Http.json(send("GET", "/api/actions?status=done", tasking, null))
                        .findValuesAsText("id"))
                .doesNotContain(Long.toString(id));
    }

    @Test
    void anAnalystWhoDeclaredAnotherPurposeMayReadButNotRecord() {
        long refusals = audited("api.refused", "actions-analyst", "refused");
        HttpResponse<String> post = send("POST", "/api/actions", analystOtherPurpose, body("analyst try"));
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(Http.json(post).get("message").asText()).contains("tasking or problem-solving");
        assertThat(audited("api.refused", "actions-analyst", "refused")).isEqualTo(refusals + 1);
        assertThat(send("GET", "/api/actions", analystOtherPurpose, null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void badInputIsNamed() {
        HttpResponse<String> missing = send("POST", "/api/actions", tasking, "{\"area\": \"" + lsoa + "\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(Http.json(missing).get("message").asText()).contains("problem", "action", "agency", "owner");
        HttpResponse<String> area =
                send("POST", "/api/actions", tasking, body("x").replace(lsoa, "E01999999"));
        assertThat(area.statusCode()).isEqualTo(404);
        HttpResponse<String> due = send(
                "POST",
                "/api/actions",
                tasking,
                body("x").replace("\"dueOn\": \"2022-06-30\"", "\"dueOn\": \"2022-01-01\""));
        assertThat(due.statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/actions/999999999", tasking, null).statusCode())
                .isEqualTo(404);
        assertThat(send("GET", "/api/actions?status=finished", tasking, null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void theCsvHoldsEveryListedActionAndDefusesFormulas() throws Exception {
        long id = Http.json(send("POST", "/api/actions", tasking, body("CSV check, with \\\"quotes\\\"")))
                .get("id")
                .asLong();
        long exports = audited("actions.export", "actions-tasking", "ok");
        HttpResponse<String> csv = send("GET", "/api/actions?format=csv", tasking, null);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<CSVRecord> rows = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(csv.body()))
                .getRecords();
        assertThat(rows).hasSize((int) Sql.count(db, "SELECT count(*) FROM tasking_action"));
        CSVRecord row = rows.stream()
                .filter(r -> r.get("id").equals(Long.toString(id)))
                .findFirst()
                .orElseThrow();
        assertThat(row.get("problem")).isEqualTo("CSV check, with \"quotes\"");
        assertThat(row.get("owner")).isEqualTo("A. Officer");
        assertThat(row.get("notes")).isEqualTo("'=HYPERLINK(1)");
        assertThat(row.get("status")).isEqualTo("open");
        assertThat(audited("actions.export", "actions-tasking", "ok")).isEqualTo(exports + 1);
    }
}
