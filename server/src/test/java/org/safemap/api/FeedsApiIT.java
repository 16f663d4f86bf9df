package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
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
 * level, reads the batches and quarantine.
 */
class FeedsApiIT {
    private static final String AMBULANCE = String.join(",", AmbulanceCsvAdapter.COLUMNS) + "\n";
    private static final String[] AMBULANCE_CUSTODIAN = {TestPrincipals.HEADER, "analyst:ambulance:"};
    private static final String[] NHS_CUSTODIAN = {TestPrincipals.HEADER, "analyst:nhs-ed:"};
    private static final String[] CSP = {TestPrincipals.HEADER, "analyst:csp:strategic-assessment"};
    private static Database db;
    private static App app;
    private static String base;

    @BeforeAll
    static void start() {
        db = TestDatabase.fresh("feeds_api");
        app = App.start(TestSettings.withOverrides(Map.of("SAFEMAP_UPLOAD_MAX_MB", "1")), db, TestPrincipals.fromHeader());
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
        String csv = AMBULANCE + "A1,2022-03-05 23:41,4,04D01,335000,390000,,,,Y\n"
                + "A2,2022-03-05 23:45,4,04D01,,,,,,N\n";
        HttpResponse<String> first = Http.postFiles(base + "/api/feeds/ambulance/uploads", "file",
                files("C:\\\\Users\\\\jane.smith\\\\calls-march.csv", csv), AMBULANCE_CUSTODIAN);
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
        assertThat(batch.path("reasons").path("no location given: no coordinates, postcode or place").asInt()).isEqualTo(1);
        assertThat(Sql.value(db, "SELECT source_name FROM load_batch WHERE id = ?", batch.path("batch").asLong()))
                .isEqualTo("calls-march.csv");

        HttpResponse<String> again = Http.postFiles(base + "/api/feeds/ambulance/uploads", "file", files("copy.csv", csv),
                AMBULANCE_CUSTODIAN);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Http.json(again).path("uploads").get(0).path("status").asText()).isEqualTo("already_loaded");
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE feed = 'ambulance'")).isEqualTo(1);

        JsonNode batches = Http.json(Http.get(base + "/api/feeds/ambulance/batches", CSP));
        assertThat(batches.size()).isEqualTo(1);
        HttpResponse<String> quarantine = Http.get(base + "/api/feeds/ambulance/batches/" + batch.path("batch").asLong()
                + "/quarantine", CSP);
        assertThat(quarantine.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
        assertThat(quarantine.body()).startsWith("line,field,reason,raw\r\n3,\"location\",")
                // the ambulance reference is a linkage field: quarantine keeps its keyed hash, never the reference
                .containsPattern("hmac:[0-9a-f]{32},2022-03-05 23:45").doesNotContain("A2,");

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
        HttpResponse<String> r = Http.postFiles(base + "/api/feeds/istv-ae/uploads", "file",
                files("ae-ids.csv", withIds, "ae-ok.csv", good), NHS_CUSTODIAN);
        assertThat(r.statusCode()).isEqualTo(422);
        JsonNode uploads = Http.json(r).path("uploads");
        assertThat(uploads.get(0).path("status").asText()).isEqualTo("refused");
        assertThat(uploads.get(0).path("error").path("error").asText()).isEqualTo("bad_input");
        assertThat(uploads.get(0).path("error").path("message").asText()).startsWith("ae-ids.csv line 1, field "
                + "'patient_name': this column is not among the fields the feed declares");
        // The second file is read, though with no gazetteer loaded it cannot be placed: quarantined, not lost.
        assertThat(uploads.get(1).path("status").asText()).isEqualTo("loaded");
        assertThat(uploads.get(1).path("batch").path("rows_read").asInt()).isEqualTo(1);
        assertThat(Sql.count(db, "SELECT count(*) FROM quarantine WHERE raw_record LIKE '%Jane Smith%'")).isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE source_name = 'ae-ids.csv'")).isZero();
    }

    @Test
    void wrongUploadsGetTheUsualJsonErrors() {
        HttpResponse<String> noFeed = Http.postFiles(base + "/api/feeds/nope/uploads", "file", files("x.csv", "a\n"),
                AMBULANCE_CUSTODIAN);
        assertThat(noFeed.statusCode()).isEqualTo(404);
        assertThat(Http.json(noFeed).path("error").asText()).isEqualTo("not_found");
        HttpResponse<String> wrongField = Http.postFiles(base + "/api/feeds/ambulance/uploads", "data", files("x.csv", "a\n"),
                AMBULANCE_CUSTODIAN);
        assertThat(wrongField.statusCode()).isEqualTo(400);
        assertThat(Http.json(wrongField).path("message").asText()).contains("part named 'file'");
        HttpResponse<String> notMultipart = Http.request("POST", base + "/api/feeds/ambulance/uploads", null,
                AMBULANCE_CUSTODIAN);
        assertThat(notMultipart.statusCode()).isEqualTo(415);
        HttpResponse<String> tooLarge = Http.postFiles(base + "/api/feeds/ambulance/uploads", "file",
                Map.of("big.csv", new byte[2 * 1024 * 1024]), AMBULANCE_CUSTODIAN);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(Http.json(tooLarge).path("error").asText()).isEqualTo("too_large");
        assertThat(Http.json(Http.get(base + "/api/feeds/ambulance/batches/999999", CSP)).path("error").asText())
                .isEqualTo("not_found");
    }
}
