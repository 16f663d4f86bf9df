package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safemap.testing.SourceFiles.POLICE_UK_HEADER;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.db.Database;
import org.safemap.files.InputFormatException;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.Pseudonymiser;
import org.safemap.testing.CliRun;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;

/**
 * Values PostgreSQL would refuse, implausible dates and points outside the partnership's area, in real police.uk rows
 * and partners' files, through the real loader into real PostGIS: each costs its own row, which is quarantined with
 * its line, field and reason, while every other row loads, the batch stays whole and a reload changes nothing.
 * Before, a NUL byte, a month of 0000-01 or 9999-12, or a line of just "\." in a quoted field failed the COPY and so
 * the whole file.
 */
class BadValuesIT {
    /** The load's "now": mid-August 2022, so July's rows are past and September's are in the future. */
    private static final Instant NOW = Instant.parse("2022-08-15T12:00:00Z");

    private static final LocalDate DATA_FROM = LocalDate.of(2010, 1, 1);
    private static final FeedCatalog FEEDS = FeedCatalog.builtIn();
    private static final FeedDefinition POLICE_UK = FEEDS.get("police-uk");

    @AutoClose
    private static Database db;

    private static List<String> mayRows;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        db = TestData.liverpoolLsoas("bad_values");
        mayRows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(
                        BadValuesIT.class.getClassLoader().getResourceAsStream("demo/2022-05-liverpool-street.csv.gz")),
                StandardCharsets.UTF_8))) {
            r.readLine();
            for (int i = 0; i < 10; i++) {
                mayRows.add(r.readLine());
            }
        }
    }

    private static IncidentLoader loader(boolean quarantineOutsideArea) {
        return loader(ProtocolCatalog.builtIn(), quarantineOutsideArea);
    }

    private static IncidentLoader loader(ProtocolCatalog protocols, boolean quarantineOutsideArea) {
        return new IncidentLoader(
                db.dataSource(),
                IncidentLoader.LinkRule.DEFAULT,
                protocols,
                new Pseudonymiser(new byte[32]),
                new IncidentLoader.Checks(DATA_FROM, quarantineOutsideArea, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    /** A police.uk row at Bold Street, Liverpool, with one field replaced (0-based index; 4 and 5 are lon, lat). */
    private static String row(String id, int field, String value) {
        String[] f = ("%s,2022-05,Merseyside Police,Merseyside Police,-2.98,53.40,On or near Bold Street,E01006512,"
                        + "Liverpool 060A,Burglary,,")
                .formatted(id)
                .split(",", -1);
        if (field >= 0) {
            f[field] = value;
        }
        return String.join(",", f);
    }

    /** Quarantine rows of a batch: line, field, reason. */
    private static List<List<Object>> quarantined(long batch) {
        return Sql.rows(db, "SELECT line_no, field, reason FROM quarantine WHERE batch_id = ? ORDER BY line_no", batch);
    }

    @Test
    void eachBadValueCostsItsRowAndIsQuarantinedWithLineFieldAndReason() {
        StringBuilder file = new StringBuilder(POLICE_UK_HEADER);
        mayRows.forEach(r -> file.append(r).append('\n')); // lines 2-11
        file.append(row("n1", 6, "On or near \u0000Bold Street")).append('\n'); // 12 a NUL byte
        file.append(row("m1", 1, "0000-01")).append('\n'); // 13 no year 0
        file.append(row("m2", 1, "9999-12")).append('\n'); // 14 the far future
        file.append(row("m3", 1, "2009-12")).append('\n'); // 15 before the data
        file.append(row("m4", 1, "2022-09")).append('\n'); // 16 next month
        file.append(row("ok1", 1, "2022-08")).append('\n'); // 17 this month: fine
        file.append(row("c1", 4, "NaN")).append('\n'); // 18
        file.append(row("c2", 5, "Infinity")).append('\n'); // 19
        file.append(row("c3", 4, "-6.26").replace(",53.40,", ",53.35,")).append('\n'); // 20 Dublin
        file.append(row("ok2", 6, "\"On or near X\n\\.\nY\"")).append('\n'); // 21-23 a line of \.
        file.append(row("n2\u0000", -1, null)).append('\n'); // 24 a NUL in the Crime ID
        file.append(row("ok3", -1, null)).append('\n'); // 25
        IncidentLoader.Result r =
                loader(false).load(SourceFiles.text("2022-05-bad-values.csv", file.toString()), POLICE_UK, null);

        assertThat(r.rowsLoaded()).isEqualTo(13);
        assertThat(r.rowsQuarantined()).isEqualTo(9);
        List<List<Object>> q = quarantined(r.batchId());
        assertThat(q).extracting(row -> row.get(0)).containsExactly(12, 13, 14, 15, 16, 18, 19, 20, 24);
        assertThat(q)
                .extracting(row -> row.get(1))
                .containsExactly(
                        "Location",
                        "Month",
                        "Month",
                        "Month",
                        "Month",
                        "Longitude",
                        "Latitude",
                        "Longitude",
                        "Crime ID");
        assertThat(q)
                .extracting(row -> (String) row.get(2))
                .containsExactly(
                        "the field holds a NUL character (a zero byte), which no text column can store",
                        "'0000-01-01' is before the partnership's data begins (2010-01-01, SAFEMAP_DATA_FROM)",
                        "'9999-12-01' is in the future: more than a day after this load (2022-08-15)",
                        "'2009-12-01' is before the partnership's data begins (2010-01-01, SAFEMAP_DATA_FROM)",
                        "'2022-09-01' is in the future: more than a day after this load (2022-08-15)",
                        "'NaN' is not a number",
                        "'Infinity' is not a number",
                        "could not locate: coordinates -6.26, 53.35 are outside Great Britain",
                        "the field holds a NUL character (a zero byte), which no text column can store");
        assertThat(Sql.rows(
                        db,
                        "SELECT source_ref, location_text FROM incident WHERE batch_id = ? AND source_ref LIKE "
                                + "'ok%' ORDER BY line_no",
                        r.batchId()))
                .containsExactly(
                        List.of("ok1", "On or near Bold Street"),
                        List.of("ok2", "On or near X\n\\.\nY"),
                        List.of("ok3", "On or near Bold Street"));

        // The NUL rows are kept exactly as bytes, and shown with ␀ where the NUL was.
        String nulRow = row("n1", 6, "On or near \u0000Bold Street");
        List<Object> kept = Sql.rows(
                        db,
                        "SELECT raw_record, raw_bytes FROM quarantine WHERE batch_id = ? AND line_no = 12",
                        r.batchId())
                .get(0);
        assertThat(kept.get(0)).isEqualTo(nulRow.replace('\u0000', '\u2400'));
        assertThat((byte[]) kept.get(1)).isEqualTo(nulRow.getBytes(StandardCharsets.UTF_8));
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM quarantine WHERE batch_id = ? AND raw_bytes IS NOT NULL",
                        r.batchId()))
                .isEqualTo(2);

        // Loading the same content again changes nothing.
        long incidents = Sql.count(db, "SELECT count(*) FROM incident");
        long quarantine = Sql.count(db, "SELECT count(*) FROM quarantine");
        IncidentLoader.Result again =
                loader(false).load(SourceFiles.gzip("2022-05-bad-values.csv.gz", file.toString()), POLICE_UK, null);
        assertThat(again.alreadyLoaded()).isTrue();
        assertThat(again.batchId()).isEqualTo(r.batchId());
        assertThat(Sql.count(db, "SELECT count(*) FROM incident")).isEqualTo(incidents);
        assertThat(Sql.count(db, "SELECT count(*) FROM quarantine")).isEqualTo(quarantine);
    }

    @Test
    void aTruncatedEastingOrAPointInTheIrishSeaIsQuarantinedNamingItsField() {
        String header = String.join(",", AmbulanceCsvAdapter.COLUMNS) + "\n";
        IncidentLoader.Result r = loader(false)
                .load(
                        SourceFiles.text(
                                "calls.csv",
                                header
                                        + "A1,2022-03-05 23:41,4,04D01,335150,390650,,,,Y\n" // Liverpool city centre
                                        + "A2,2022-03-05 23:45,4,04D01,33515,390650,,,,Y\n" // its easting cut short:
                                        // Ireland
                                        + "A3,2022-03-05 23:50,4,04D01,,,53.8,-5.0,,N\n" // the Irish Sea
                                        + "A4,2022-03-06 00:10,4,04D01,,,53.4,-2.98,,N\n"),
                        FEEDS.get("ambulance"),
                        null);
        assertThat(r.rowsLoaded()).isEqualTo(2);
        assertThat(quarantined(r.batchId()))
                .containsExactly(
                        List.of(
                                3,
                                "easting",
                                "could not locate: coordinates 33515.0, 390650.0 are outside Great Britain"),
                        List.of(4, "longitude", "could not locate: coordinates -5.0, 53.8 are outside Great Britain"));
    }

    @Test
    void partnersFilesHaveEveryStoredValueCheckedToo(@TempDir Path feeds, @TempDir Path protocols) throws IOException {
        Files.writeString(feeds.resolve("council-asb.json"), """
                {"name": "council-asb", "title": "Council ASB", "partner": "Liverpool City Council",
                 "format": "mapped-csv",
                 "mapping": {"fields": ["ref", "from", "to", "type", "lat", "lon", "notes"], "reference": "ref",
                   "time": {"from": "from", "to": "to"},
                   "category": {"column": "type", "map": {"noise": "asb-nuisance"}},
                   "location": {"latitude": "lat", "longitude": "lon"}, "keep": ["notes"]}}""");
        Files.writeString(feeds.resolve("transport.json"), """
                {"name": "transport", "title": "Transport", "partner": "Merseytravel", "format": "mapped-geojson",
                 "mapping": {"fields": ["id", "when", "kind"], "reference": "id", "time": {"at": "when"},
                   "category": {"column": "kind", "map": {"abuse": "public-order"}}}}""");
        protocol(protocols, "council-asb", "\"ref\", \"from\", \"to\", \"type\", \"lat\", \"lon\", \"notes\"");
        protocol(protocols, "transport", "\"id\", \"when\", \"kind\"");
        FeedCatalog catalog = FeedCatalog.load(feeds);
        IncidentLoader loader = loader(ProtocolCatalog.load(protocols), false);

        IncidentLoader.Result csv = loader.load(
                SourceFiles.text(
                        "asb.csv",
                        "ref,from,to,type,lat,lon,notes\n"
                                + "C1,2022-04-03 21:15,2022-04-03 23:00,noise,53.40,-2.97,loud music\n"
                                + "C2,2022-04-03 21:15,9999-12-31 23:00,noise,53.40,-2.97,\n" // ends in the far future
                                + "C3,1899-12-31 21:15,,noise,53.40,-2.97,\n" // before the data
                                + "C4,2022-04-03 21:15,,noise,53.40,-2.97,bad \u0000 notes\n" // NUL in a kept column
                                + "C5,2022-04-03 21:15,,noise,NaN,-2.97,\n"),
                catalog.get("council-asb"),
                null);
        assertThat(csv.rowsLoaded()).isEqualTo(1);
        assertThat(quarantined(csv.batchId()))
                .containsExactly(
                        List.of(
                                3,
                                "to",
                                "the time ends '9999-12-31', in the future: more than a day after this load (2022-08-15)"),
                        List.of(
                                4,
                                "from",
                                "'1899-12-31' is before the partnership's data begins (2010-01-01, SAFEMAP_DATA_FROM)"),
                        List.of(
                                5,
                                "notes",
                                "the field holds a NUL character (a zero byte), which no text column can store"),
                        List.of(6, "lat", "'NaN' is not a number"));

        String feature = """
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [%s]},
                 "properties": {"id": "%s", "when": "2022-05-01 08:10", "kind": "abuse"}}""";
        IncidentLoader.Result geojson = loader.load(
                SourceFiles.text(
                        "ops.geojson",
                        "{\"type\": \"FeatureCollection\", "
                                + "\"features\": ["
                                + String.join(
                                        ",\n",
                                        feature.formatted("-2.978, 53.407", "T1"),
                                        feature.formatted("NaN, 53.407", "T2"),
                                        feature.formatted("-2.978, 1e999", "T3"),
                                        feature.formatted("-2.978, 53.407", "T4\\u0000"),
                                        feature.formatted("-2.978, 53.407", "T5\\ud800"),
                                        feature.formatted("-2.978, 53.407", "T6"))
                                + "]}"),
                catalog.get("transport"),
                null);
        assertThat(geojson.rowsLoaded()).isEqualTo(2);
        assertThat(quarantined(geojson.batchId()))
                .containsExactly(
                        List.of(2, "geometry", "the point's coordinates are not finite numbers"),
                        List.of(3, "geometry", "the point's coordinates are not finite numbers"),
                        List.of(
                                4,
                                "id",
                                "the value holds a NUL character (a zero byte), which no text column can store"),
                        List.of(
                                5,
                                "id",
                                "the value holds half of a UTF-16 surrogate pair without its other half (a JSON "
                                        + "escape such as \\ud800 alone), which is not a character"));
        // A feature's text in quarantine is JSON, so the lone surrogate is kept as its escape: nothing is lost.
        assertThat((String) Sql.value(
                        db, "SELECT raw_record FROM quarantine WHERE batch_id = ? AND line_no = 5", geojson.batchId()))
                .contains("\"T5\\uD800\"");
    }

    @Test
    void aFileNameHoldingANulIsStoredWithASymbolInItsPlace() {
        IncidentLoader.Result r = loader(false)
                .load(
                        SourceFiles.text("2022-05\u0000.csv", POLICE_UK_HEADER + row("f1", -1, null) + "\n"),
                        POLICE_UK,
                        null);
        assertThat(r.rowsLoaded()).isEqualTo(1);
        assertThat(Sql.value(db, "SELECT source_name FROM load_batch WHERE id = ?", r.batchId()))
                .isEqualTo("2022-05\u2400.csv");
    }

    @Test
    void aFileRefusedPartWayLeavesNothingBehind() {
        long batches = Sql.count(db, "SELECT count(*) FROM load_batch");
        long quarantine = Sql.count(db, "SELECT count(*) FROM quarantine");
        // The first feature is accepted and the second quarantined (a point in no country) before the third, cut
        // short, breaks the file: by then the batch, its partition and the spilled quarantine row exist.
        String json = "{\"type\": \"FeatureCollection\", \"features\": [\n"
                + "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [-2.978, 53.407]}, "
                + "\"properties\": {\"id\": \"MT-1\", \"when\": \"2022-05-01 08:10\", \"kind\": \"abuse\", \"route\": \"8\"}},\n"
                + "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [99, 99]}, "
                + "\"properties\": {\"id\": \"MT-2\", \"when\": \"2022-05-01 08:10\", \"kind\": \"abuse\", \"route\": \"8\"}},\n"
                + "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [-2.978, 53.4";
        FeedDefinition merseytravel = FeedCatalog.load(Path.of(System.getenv("SAFEMAP_HOME"), "docs/samples/feeds"))
                .get("merseytravel");
        Path protocols = dir.resolve("refused-protocols");
        try {
            Files.createDirectories(protocols);
            protocol(protocols, "merseytravel", "\"id\", \"when\", \"kind\", \"route\"");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThatThrownBy(() -> loader(ProtocolCatalog.load(protocols), false)
                        .load(SourceFiles.text("cut.geojson", json), merseytravel, null))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("cut.geojson line 4: not valid JSON");
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch")).isEqualTo(batches);
        assertThat(Sql.count(db, "SELECT count(*) FROM quarantine")).isEqualTo(quarantine);
        assertThat(Sql.count(
                        db,
                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'batches' AND tablename NOT IN "
                                + "(SELECT 'incident_' || id FROM load_batch)"))
                .isZero();
    }

    @Test
    void rowsOutsideThePartnershipsAreaAreListedByLineOrQuarantinedAsTheInstallationChooses() throws Exception {
        // Manchester and Chester are in Great Britain but in none of Liverpool's LSOAs.
        String manchester = row("out1", 4, "-2.2426").replace(",53.40,", ",53.4808,");
        String chester = row("out2", 4, "-2.8919").replace(",53.40,", ",53.1910,");
        String content = POLICE_UK_HEADER + row("in1", -1, null) + "\n" + manchester + "\n" + row("in2", -1, null)
                + "\n" + chester + "\n";

        IncidentLoader.Result kept =
                loader(false).load(SourceFiles.text("2022-05-mixed.csv", content), POLICE_UK, null);
        assertThat(kept.rowsLoaded()).isEqualTo(4);
        FeedReports.BatchReport report = new FeedReports(db.dataSource()).batch(kept.batchId());
        assertThat(report.outsideAreaLines()).containsExactly(3, 5);
        assertThat(report.outsideArea()).isEqualTo(2);
        assertThat(report.outsideAreaLineText()).isEqualTo("3, 5");
        assertThat(report.toJson()).containsEntry("outside_area_lines", List.of(3, 5));
        assertThat(Sql.rows(
                        db,
                        "SELECT line_no FROM incident WHERE batch_id = ? AND area_match = 'outside' ORDER BY 1",
                        kept.batchId()))
                .containsExactly(List.of(3), List.of(5));
        CliRun.Result cli =
                CliRun.run(Map.of("SAFEMAP_DB_URL", CliRun.url(db.target())), "feeds", "report", "--feed", "police-uk");
        assertThat(cli.code()).as(cli.err()).isZero();
        assertThat(cli.out())
                .contains("2022-05-mixed.csv: 4 read, 4 accepted, 0 quarantined; loaded by (not recorded)\n"
                        + "    located by: snapped-map-point 100.0%\n"
                        + "    inside the loaded LSOAs: 50.0%\n"
                        + "    outside the partnership's area (in no loaded LSOA), kept: 2, line 3, 5\n");

        IncidentLoader.Result quarantinedOutside = loader(true)
                .load(
                        SourceFiles.text("2022-05-mixed-again.csv", content + row("in3", -1, null) + "\n"),
                        POLICE_UK,
                        null);
        assertThat(quarantinedOutside.rowsLoaded()).isEqualTo(3);
        assertThat(quarantined(quarantinedOutside.batchId()))
                .containsExactly(
                        List.of(
                                3,
                                "Longitude",
                                "outside the partnership's area: in none of the loaded LSOAs "
                                        + "(SAFEMAP_OUTSIDE_AREA is quarantine)"),
                        List.of(
                                5,
                                "Longitude",
                                "outside the partnership's area: in none of the loaded LSOAs "
                                        + "(SAFEMAP_OUTSIDE_AREA is quarantine)"));
        assertThat(new FeedReports(db.dataSource())
                        .batch(quarantinedOutside.batchId())
                        .outsideAreaLines())
                .isEmpty();
    }

    /** A protocol for a partner's test feed, like the built-in ones, listing the feed's fields. */
    private static void protocol(Path dir, String feed, String fields) throws IOException {
        Files.writeString(dir.resolve(feed + ".json"), """
                {"feed": "%s", "version": 1, "title": "Test feed", "partner": "council", "partner_name": "A council",
                 "controller": "A council", "custodian": "ig@example.org", "purposes": ["tasking"],
                 "lawful_basis": "test", "powers": ["Crime and Disorder Act 1998, section 115"],
                 "fields": [%s], "linkage_fields": [], "retention": "P3Y", "retention_from": "received",
                 "review_date": "2027-03-31",
                 "audiences": {"owner": "points", "named": {}, "analyst": "aggregates", "tasking": "aggregates",
                               "public": "none"},
                 "disclosure": {"threshold": 7, "rounding": 5, "precision_m": 100, "density_min_points": 8}}""".formatted(feed, fields));
    }
}
