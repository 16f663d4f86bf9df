package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.ingest.AmbulanceCsvAdapter;
import org.safemap.ingest.IstvAeCsvAdapter;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;

/**
 * Custodians' uploads over real HTTP into real PostGIS, and the feeds' reports. Each feed's own custodian uploads
 * (the ambulance service's to ambulance, the trust's to A&E); the CSP analyst, whom the protocols name at points
 * level, reads the batches and quarantine, as CSV or page by page as JSON.
 */
class FeedsApiIT {
    private static final String AMBULANCE = String.join(",", AmbulanceCsvAdapter.COLUMNS) + "\n";
    private static final String[] AMBULANCE_CUSTODIAN = {TestPrincipals.HEADER, "analyst:ambulance:"};
    private static final String[] NHS_CUSTODIAN = {TestPrincipals.HEADER, "analyst:nhs-ed:"};
    private static final String[] CSP = {TestPrincipals.HEADER, "analyst:csp:strategic-assessment"};
    private static final String[] TASKING = {TestPrincipals.HEADER, "tasking::tasking"};

    @AutoClose
    private static Database db;

    private static App app;
    private static String base;

    @BeforeAll
    static void start() {
        db = TestDatabase.fresh("feeds_api");
        app = App.start(
                TestSettings.withOverrides(Map.of("SAFEMAP_UPLOAD_MAX_MB", "1")), db, TestPrincipals.fromHeader());
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static Map<String, byte[]> files(String... nameAndContent) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < nameAndContent.length; i += 2) {
            files.put(nameAndContent[i], nameAndContent[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return files;
    }

    @Test
    void anUploadLoadsLikeIngestAndReturnsTheBatchReport() {
        String csv =
                AMBULANCE + "A1,2022-03-05 23:41,4,04D01,335000,390000,,,,Y\n" + "A2,2022-03-05 23:45,4,04D01,,,,,,N\n";
        HttpResponse<String> first = Http.postFiles(
                base + "/api/feeds/ambulance/uploads",
                "file",
                files("C:\\\\Users\\\\jane.smith\\\\calls-march.csv", csv),
                AMBULANCE_CUSTODIAN);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        JsonNode upload = Http.json(first).path("uploads").get(0);
        assertThat(upload.path("file").asText()).isEqualTo("calls-march.csv"); // folders (a person's name) dropped
        assertThat(upload.path("status").asText()).isEqualTo("loaded");
        JsonNode batch = upload.path("batch");
        assertThat(batch.path("feed").asText()).isEqualTo("ambulance");
        assertThat(batch.path("rows_read").asInt()).isEqualTo(2);
        assertThat(batch.path("accepted").asInt()).isEqualTo(1);
        assertThat(batch.path("quarantined").asInt()).isEqualTo(1);
        assertThat(batch.path("geocode_methods").path("coordinate").asInt()).isEqualTo(1);
        assertThat(batch.path("reasons")
                        .path("no location given: no coordinates, postcode or place")
                        .asInt())
                .isEqualTo(1);
        assertThat(Sql.value(
                        db,
                        "SELECT source_name FROM load_batch WHERE id = ?",
                        batch.path("batch").asLong()))
                .isEqualTo("calls-march.csv");

        HttpResponse<String> again = Http.postFiles(
                base + "/api/feeds/ambulance/uploads", "file", files("copy.csv", csv), AMBULANCE_CUSTODIAN);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Http.json(again).path("uploads").get(0).path("status").asText())
                .isEqualTo("already_loaded");
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE feed = 'ambulance'"))
                .isEqualTo(1);

        JsonNode batches = Http.json(Http.get(base + "/api/feeds/ambulance/batches", CSP));
        assertThat(batches.size()).isEqualTo(1);
        HttpResponse<String> quarantine = Http.get(
                base + "/api/feeds/ambulance/batches/" + batch.path("batch").asLong() + "/quarantine", CSP);
        assertThat(quarantine.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
        assertThat(quarantine.body())
                .startsWith("line,field,reason,raw\r\n3,\"location\",")
                // the ambulance reference is a linkage field: quarantine keeps its keyed hash, never the reference
                .containsPattern("hmac:[0-9a-f]{32},2022-03-05 23:45")
                .doesNotContain("A2,");

        JsonNode feeds = Http.json(Http.get(base + "/api/feeds", CSP));
        JsonNode ambulance = null;
        for (JsonNode f : feeds) {
            if (f.path("name").asText().equals("ambulance")) {
                ambulance = f;
            }
        }
        assertThat(ambulance).isNotNull();
        assertThat(ambulance.path("label").asText()).isEqualTo("Ambulance assault call-outs");
        assertThat(ambulance.path("records").asInt()).isEqualTo(1);
        assertThat(ambulance.path("batches").asInt()).isEqualTo(1);
    }

    @Test
    void aFileWithPatientIdentifiersIsRefusedWhileTheOthersLoad() {
        String good = String.join(",", IstvAeCsvAdapter.COLUMNS) + "\n"
                + "REM,02/07/2022,01:40,02/07/2022,00:55,Bold Street,Public place,Body part,\n";
        String withIds = String.join(",", IstvAeCsvAdapter.COLUMNS) + ",patient_name\n"
                + "REM,02/07/2022,01:40,02/07/2022,00:55,Bold Street,Public place,Body part,,Jane Smith\n";
        HttpResponse<String> r = Http.postFiles(
                base + "/api/feeds/istv-ae/uploads",
                "file",
                files("ae-ids.csv", withIds, "ae-ok.csv", good),
                NHS_CUSTODIAN);
        assertThat(r.statusCode()).isEqualTo(422);
        JsonNode uploads = Http.json(r).path("uploads");
        assertThat(uploads.get(0).path("status").asText()).isEqualTo("refused");
        assertThat(uploads.get(0).path("error").path("error").asText()).isEqualTo("bad_input");
        assertThat(uploads.get(0).path("error").path("message").asText())
                .startsWith("ae-ids.csv line 1, field "
                        + "'patient_name': this column is not among the fields the feed declares");
        // The second file is read, though with no gazetteer loaded it cannot be placed: quarantined, not lost.
        assertThat(uploads.get(1).path("status").asText()).isEqualTo("loaded");
        assertThat(uploads.get(1).path("batch").path("rows_read").asInt()).isEqualTo(1);
        assertThat(Sql.count(db, "SELECT count(*) FROM quarantine WHERE raw_record LIKE '%Jane Smith%'"))
                .isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE source_name = 'ae-ids.csv'"))
                .isZero();
    }

    @Test
    void wrongUploadsGetTheUsualJsonErrors() {
        HttpResponse<String> noFeed =
                Http.postFiles(base + "/api/feeds/nope/uploads", "file", files("x.csv", "a\n"), AMBULANCE_CUSTODIAN);
        assertThat(noFeed.statusCode()).isEqualTo(404);
        assertThat(Http.json(noFeed).path("error").asText()).isEqualTo("not_found");
        HttpResponse<String> wrongField = Http.postFiles(
                base + "/api/feeds/ambulance/uploads", "data", files("x.csv", "a\n"), AMBULANCE_CUSTODIAN);
        assertThat(wrongField.statusCode()).isEqualTo(400);
        assertThat(Http.json(wrongField).path("message").asText()).contains("part named 'file'");
        HttpResponse<String> notMultipart =
                Http.request("POST", base + "/api/feeds/ambulance/uploads", null, AMBULANCE_CUSTODIAN);
        assertThat(notMultipart.statusCode()).isEqualTo(415);
        HttpResponse<String> tooLarge = Http.postFiles(
                base + "/api/feeds/ambulance/uploads",
                "file",
                Map.of("big.csv", new byte[2 * 1024 * 1024]),
                AMBULANCE_CUSTODIAN);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(Http.json(tooLarge).path("error").asText()).isEqualTo("too_large");
        assertThat(Http.json(Http.get(base + "/api/feeds/ambulance/batches/999999", CSP))
                        .path("error")
                        .asText())
                .isEqualTo("not_found");
    }

    @Test
    void quarantinedRowsComePageByPageAsJsonUnderTheCsvsRulesAuditAndReferencesHeader() {
        // Seven rows without a location (the ambulance reference is a linkage field), then one that loads.
        StringBuilder csv = new StringBuilder(AMBULANCE);
        for (int i = 1; i <= 7; i++) {
            csv.append("PAGE-REF-").append(i).append(",2022-04-0").append(i).append(" 21:00,4,04D01,,,,,,N\n");
        }
        csv.append("PAGE-REF-8,2022-04-08 21:00,4,04D01,335000,390000,,,,Y\n");
        HttpResponse<String> up = Http.postFiles(
                base + "/api/feeds/ambulance/uploads",
                "file",
                files("calls-april.csv", csv.toString()),
                AMBULANCE_CUSTODIAN);
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        long id = Http.json(up).at("/uploads/0/batch/batch").asLong();
        String path = "/api/feeds/ambulance/batches/" + id + "/quarantine";

        // The custodian: rows 3 to 5 (file lines 4 to 6) with their own references, and the header says so.
        HttpResponse<String> own = Http.get(base + path + "?format=json&offset=2&limit=3", AMBULANCE_CUSTODIAN);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(own.headers().firstValue("X-SafeMap-References")).contains("as-sent");
        JsonNode page = Http.json(own);
        assertThat(page.path("total").asLong()).isEqualTo(7);
        assertThat(page.path("offset").asLong()).isEqualTo(2);
        assertThat(page.path("limit").asInt()).isEqualTo(3);
        assertThat(page.path("rows").size()).isEqualTo(3);
        JsonNode row = page.path("rows").get(0);
        assertThat(row.path("line").asInt()).isEqualTo(4);
        assertThat(row.path("field").asText()).isEqualTo("location");
        assertThat(row.path("reason").asText()).isEqualTo("no location given: no coordinates, postcode or place");
        assertThat(row.path("row").asText()).isEqualTo("PAGE-REF-3,2022-04-03 21:00,4,04D01,,,,,,N");
        assertThat(page.path("rows").get(2).path("line").asInt()).isEqualTo(6);

        // The CSP: the same rows, with the keyed hashes, exactly as its CSV has them.
        HttpResponse<String> csp = Http.get(base + path + "?format=json&offset=2&limit=3", CSP);
        assertThat(csp.headers().firstValue("X-SafeMap-References")).contains("hashed");
        JsonNode hashed = Http.json(csp).path("rows").get(0);
        assertThat(hashed.path("line").asInt()).isEqualTo(4);
        assertThat(hashed.path("row").asText()).matches("hmac:[0-9a-f]{32},2022-04-03 21:00,4,04D01,,,,,,N");
        String[] csvLines = Http.get(base + path, CSP).body().split("\r\n");
        assertThat(csvLines).hasSize(8);
        assertThat(csvLines[3])
                .isEqualTo("4,\"location\",\"" + hashed.path("reason").asText() + "\",\""
                        + hashed.path("row").asText() + "\"");

        // Defaults, and a page past the end.
        JsonNode all = Http.json(Http.get(base + path + "?format=json", CSP));
        assertThat(all.path("offset").asLong()).isZero();
        assertThat(all.path("limit").asInt()).isEqualTo(50);
        assertThat(all.path("rows").size()).isEqualTo(7);
        JsonNode past = Http.json(Http.get(base + path + "?format=json&offset=100", CSP));
        assertThat(past.path("total").asLong()).isEqualTo(7);
        assertThat(past.path("rows").size()).isZero();

        // The CSV's access rules, and clear 400s for a bad page, none of them audited as a reading.
        assertThat(Http.get(base + path + "?format=json", TASKING).statusCode()).isEqualTo(403);
        assertThat(Http.get(base + path + "?format=json").statusCode()).isEqualTo(401);
        for (String bad : new String[] {
            "format=json&limit=0",
            "format=json&limit=1001",
            "format=json&offset=-1",
            "format=json&offset=two",
            "format=xml"
        }) {
            HttpResponse<String> r = Http.get(base + path + "?" + bad, CSP);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(Http.json(r).path("error").asText()).isEqualTo("bad_request");
        }
        assertThat(Http.json(Http.get(base + path + "?format=json&limit=0", CSP))
                        .path("message")
                        .asText())
                .startsWith("limit must be")
                .contains("1000");

        // Every page read is audited as the CSV is: who, which page, how many rows, and whether with references.
        assertThat(Sql.rows(
                                db,
                                "SELECT actor, resource, result_size, detail->>'references' FROM audit_log "
                                        + "WHERE action = 'api.quarantine' AND resource LIKE ? ORDER BY seq",
                                path + "%")
                        .stream()
                        .map(Object::toString)
                        .toList())
                .containsExactly(
                        "[test-analyst-ambulance, " + path + "?format=json&limit=3&offset=2, 3, true]",
                        "[test-analyst-csp, " + path + "?format=json&limit=3&offset=2, 3, false]",
                        "[test-analyst-csp, " + path + ", 7, false]",
                        "[test-analyst-csp, " + path + "?format=json, 7, false]",
                        "[test-analyst-csp, " + path + "?format=json&offset=100, 0, false]");
    }

    @Test
    void batchReportsSayTheProtocolVersionAndWhatRetentionDeletedAndTheViewerIsToldTheUploadLimit() {
        String csv = AMBULANCE + "V1,2022-05-05 23:41,4,04D01,335000,390000,,,,Y\n";
        HttpResponse<String> up = Http.postFiles(
                base + "/api/feeds/ambulance/uploads", "file", files("calls-may.csv", csv), AMBULANCE_CUSTODIAN);
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        long id = Http.json(up).at("/uploads/0/batch/batch").asLong();
        JsonNode report = Http.json(Http.get(base + "/api/feeds/ambulance/batches/" + id, CSP));
        assertThat(report.path("protocol_version").asInt()).isEqualTo(1);
        assertThat(report.path("rows_purged").asInt()).isZero();
        assertThat(report.path("purged_at").isNull()).isTrue();
        assertThat(report.path("loaded_by").asText()).isEqualTo("test-analyst-ambulance");

        // What the purge records is what the report says (the purge itself is RetentionPurgeIT's).
        Sql.execute(db, "UPDATE load_batch SET rows_purged = 1, purged_at = '2025-05-06T02:00:00Z' WHERE id = " + id);
        JsonNode purged = null;
        for (JsonNode b : Http.json(Http.get(base + "/api/feeds/ambulance/batches", CSP))) {
            if (b.path("batch").asLong() == id) {
                purged = b;
            }
        }
        assertThat(purged).isNotNull();
        assertThat(purged.path("rows_purged").asInt()).isEqualTo(1);
        assertThat(java.time.OffsetDateTime.parse(purged.path("purged_at").asText())
                        .toInstant())
                .isEqualTo(java.time.Instant.parse("2025-05-06T02:00:00Z"));

        assertThat(Http.json(Http.get(base + "/api/viewer-config"))
                        .path("uploadMaxMb")
                        .asInt())
                .isEqualTo(1);
    }
}
