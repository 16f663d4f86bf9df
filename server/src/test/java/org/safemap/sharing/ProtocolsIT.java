package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.App;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.Database;
import org.safemap.files.InputFormatException;
import org.safemap.ingest.AmbulanceCsvAdapter;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.IncidentLoader;
import org.safemap.ingest.IstvAeCsvAdapter;
import org.safemap.testing.Http;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestSettings;

/**
 * Protocols at ingest: a feed without one is refused, a column it does not list refuses the file, linkage
 * identifiers are stored only as keyed hashes (records and quarantine alike), every batch names the version it
 * arrived under, and a protocol edited without a new version is refused.
 */
class ProtocolsIT {
    private static final byte[] KEY = "protocols-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final String AMBULANCE = String.join(",", AmbulanceCsvAdapter.COLUMNS) + "\n";
    private static final FeedCatalog FEEDS = FeedCatalog.builtIn();

    @AutoClose
    private Database db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.fresh("protocols");
    }

    private IncidentLoader loader(ProtocolCatalog protocols) {
        return new IncidentLoader(db.dataSource(), IncidentLoader.LinkRule.DEFAULT, protocols, new Pseudonymiser(KEY));
    }

    /** HMAC-SHA-256 computed here, independently of Pseudonymiser. */
    private static String expectedPseudonym(String ref) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] h = mac.doFinal(ref.getBytes(StandardCharsets.UTF_8));
        return "hmac:" + HexFormat.of().formatHex(h).substring(0, 32);
    }

    @Test
    void aFeedWithoutAProtocolIsRefusedAndNothingIsKept(@TempDir Path feedsDir) throws IOException {
        Files.writeString(feedsDir.resolve("youth-offending.json"), """
                {"name": "youth-offending", "title": "YOT", "partner": "Youth offending team", "format": "mapped-csv",
                 "mapping": {"fields": ["ref", "when", "kind", "x", "y"], "reference": "ref", "time": {"at": "when"},
                   "location": {"easting": "x", "northing": "y"},
                   "category": {"column": "kind", "map": {"assault": "violence-and-sexual-offences"}}}}""");
        FeedCatalog feeds = FeedCatalog.load(feedsDir);
        assertThatThrownBy(() -> loader(ProtocolCatalog.builtIn())
                        .load(
                                SourceFiles.text(
                                        "yot.csv", "ref,when,kind,x,y\nY1,2022-03-01 10:00,assault,334600,390400\n"),
                                feeds.get("youth-offending"),
                                null))
                .isInstanceOf(SafemapException.class)
                .hasMessageContaining("feed 'youth-offending' has no data-sharing protocol")
                .satisfies(e -> assertThat(((SafemapException) e).code()).isEqualTo(ErrorCode.NO_PROTOCOL));
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE kind = 'incidents'"))
                .isZero();
    }

    @Test
    void aColumnTheProtocolDoesNotListRefusesTheFileNamingIt(@TempDir Path protocolsDir) throws IOException {
        // The A&E protocol here leaves out assault_method_other: a file carrying it is refused whole.
        String text = new String(
                        getClass()
                                .getClassLoader()
                                .getResourceAsStream("protocols/istv-ae.json")
                                .readAllBytes(),
                        StandardCharsets.UTF_8)
                .replace(", \"assault_method_other\"]", "]");
        assertThat(text).doesNotContain("assault_method_other");
        Files.writeString(protocolsDir.resolve("istv-ae.json"), text);
        ProtocolCatalog protocols = ProtocolCatalog.load(protocolsDir);
        String header = String.join(",", IstvAeCsvAdapter.COLUMNS) + "\n";
        assertThatThrownBy(() -> loader(protocols)
                        .load(
                                SourceFiles.text(
                                        "ae.csv",
                                        header
                                                + "REM,06/03/2022,00:40,05/03/2022,23:50,outside The Grapes,Licensed premises,Other,Chair leg\n"),
                                FEEDS.get("istv-ae"),
                                null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("ae.csv")
                .hasMessageContaining("line 1")
                .hasMessageContaining("assault_method_other")
                .hasMessageContaining("protocol istv-ae version 1");
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE kind = 'incidents'"))
                .isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM quarantine")).isZero();

        // Without the column, the same protocol accepts the file.
        String allowed = "site_code,arrival_date,arrival_time,assault_date,assault_time,assault_location,location_type,"
                + "assault_method\nREM,06/03/2022,00:40,05/03/2022,23:50,outside The Grapes,Licensed premises,Other\n";
        IncidentLoader.Result r =
                loader(protocols).load(SourceFiles.text("ae2.csv", allowed), FEEDS.get("istv-ae"), null);
        assertThat(r.rowsRead()).isEqualTo(1);
    }

    @Test
    void linkageIdentifiersAreStoredOnlyAsKeyedHashesEvenInQuarantine() throws Exception {
        IncidentLoader.Result r = loader(ProtocolCatalog.builtIn())
                .load(
                        SourceFiles.text(
                                "amb.csv",
                                AMBULANCE
                                        + "NWAS-7781,2022-03-05 23:41,4,04D01,334600,390400,,,,Y\n"
                                        + "NWAS-7782,not a date,4,04D01,334600,390400,,,,Y\n"
                                        + "\"NWAS-7783\",2022-03-05 23:45,4,04D01,336600,392400,,,,\"N\"\n"),
                        FEEDS.get("ambulance"),
                        null);
        assertThat(r.rowsLoaded()).isEqualTo(2);
        assertThat(r.rowsQuarantined()).isEqualTo(1);

        assertThat(Sql.rows(db, "SELECT source_ref FROM incident ORDER BY line_no"))
                .containsExactly(List.of(expectedPseudonym("NWAS-7781")), List.of(expectedPseudonym("NWAS-7783")));
        String everything = Sql.rows(db, "SELECT i::text FROM incident i").toString()
                + Sql.rows(db, "SELECT q::text FROM quarantine q").toString()
                + Sql.rows(db, "SELECT summary::text FROM load_batch").toString();
        assertThat(everything).doesNotContain("NWAS-778").contains(expectedPseudonym("NWAS-7782"));
        // The quarantined row is kept, with its reason, its identifier hashed.
        assertThat((String) Sql.value(db, "SELECT raw_record FROM quarantine"))
                .startsWith(expectedPseudonym("NWAS-7782") + ",not a date,4,04D01");
        // Repeat calls still link: the same reference gives the same pseudonym in a later batch.
        loader(ProtocolCatalog.builtIn())
                .load(
                        SourceFiles.text(
                                "amb2.csv", AMBULANCE + " NWAS-7781 ,2022-03-07 01:00,4,04D01,334600,390400,,,,Y\n"),
                        FEEDS.get("ambulance"),
                        null);
        assertThat(Sql.count(db, "SELECT count(*) FROM incident WHERE source_ref = ?", expectedPseudonym("NWAS-7781")))
                .isEqualTo(2);
    }

    @Test
    void everyBatchNamesItsProtocolVersionAndAnEditWithoutANewVersionIsRefused(@TempDir Path protocolsDir)
            throws IOException {
        loader(ProtocolCatalog.builtIn())
                .load(
                        SourceFiles.text("amb.csv", AMBULANCE + "A1,2022-03-05 23:41,4,04D01,334600,390400,,,,Y\n"),
                        FEEDS.get("ambulance"),
                        null);
        assertThat(Sql.rows(db, "SELECT feed, protocol_version FROM load_batch WHERE kind = 'incidents'"))
                .containsExactly(List.of("ambulance", 1));
        Protocol builtIn = ProtocolCatalog.builtIn().require("ambulance");
        assertThat(Sql.rows(db, "SELECT feed, version, sha256 FROM protocol_version"))
                .containsExactly(List.of("ambulance", 1, builtIn.sha256()));

        // The same version with a longer retention: refused, and the load with it.
        String edited = builtIn.text().replace("\"P3Y\"", "\"P30Y\"");
        Files.writeString(protocolsDir.resolve("ambulance.json"), edited);
        ProtocolCatalog changed = ProtocolCatalog.load(protocolsDir);
        assertThatThrownBy(() -> loader(changed)
                        .load(
                                SourceFiles.text(
                                        "amb2.csv", AMBULANCE + "A2,2022-03-06 23:41,4,04D01,334600,390400,,,,Y\n"),
                                FEEDS.get("ambulance"),
                                null))
                .isInstanceOf(SafemapException.class)
                .hasMessageContaining("differs from the one SafeMap recorded under that version");
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE kind = 'incidents'"))
                .isEqualTo(1);

        // As version 2 it is accepted, and both versions stay on record.
        Files.writeString(protocolsDir.resolve("ambulance.json"), edited.replace("\"version\": 1", "\"version\": 2"));
        loader(ProtocolCatalog.load(protocolsDir))
                .load(
                        SourceFiles.text("amb2.csv", AMBULANCE + "A2,2022-03-06 23:41,4,04D01,334600,390400,,,,Y\n"),
                        FEEDS.get("ambulance"),
                        null);
        assertThat(Sql.rows(db, "SELECT protocol_version FROM load_batch WHERE kind = 'incidents' ORDER BY id"))
                .containsExactly(List.of(1), List.of(2));
        assertThat(new ProtocolRegistry(db.dataSource()).history("ambulance"))
                .extracting(ProtocolRegistry.Version::version)
                .containsExactly(2, 1);
    }

    @Test
    void badProtocolFilesAreRefusedNamingFileAndField(@TempDir Path protocolsDir) throws IOException {
        String good = ProtocolCatalog.builtIn().require("istv-ae").text();
        Map<String, String> broken = Map.of(
                "\"retention\": \"P3Y\"", "\"retention\": \"three years\"",
                "\"precision_m\": 100", "\"precision_m\": 10",
                "\"public\": \"none\"", "\"public\": \"everything\"");
        for (Map.Entry<String, String> e : broken.entrySet()) {
            Path file = protocolsDir.resolve("istv-ae.json");
            Files.writeString(file, good.replace(e.getKey(), e.getValue()));
            assertThatThrownBy(() -> ProtocolCatalog.load(protocolsDir))
                    .isInstanceOf(SafemapException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining(e.getKey().split("\"")[1]);
        }
    }

    @Test
    void theApiListsProtocolsWithTheAskersLevelAndHistory() throws IOException {
        loader(ProtocolCatalog.builtIn())
                .load(
                        SourceFiles.text("amb.csv", AMBULANCE + "A1,2022-03-05 23:41,4,04D01,334600,390400,,,,Y\n"),
                        FEEDS.get("ambulance"),
                        null);
        try (App app = App.start(TestSettings.defaults(), db)) {
            String base = "http://127.0.0.1:" + app.port();
            JsonNode list = new ObjectMapper()
                    .readTree(Http.get(base + "/api/protocols").body());
            assertThat(list.path("protocols").findValuesAsText("feed"))
                    .containsExactly("police-uk", "btp", "istv-ae", "ambulance", "fire-irs");
            JsonNode amb = new ObjectMapper()
                    .readTree(Http.get(base + "/api/protocols/ambulance").body());
            assertThat(amb.path("linkage_fields").get(0).asText()).isEqualTo("incident_ref");
            assertThat(amb.path("audiences").path("public").asText()).isEqualTo("none");
            assertThat(amb.path("your_level").asText()).isEqualTo("none"); // anonymous
            assertThat(amb.path("history").get(0).path("version").asInt()).isEqualTo(1);
            assertThat(Http.get(base + "/api/protocols/nope").statusCode()).isEqualTo(404);
        }
    }
}
