package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;
import org.safemap.geocode.GeocodeMethod;
import org.safemap.ingest.PoliceUkCsvAdapterTest.Collected;
import org.safemap.testing.SourceFiles;

/** The A&E, ambulance, fire and mapped adapters: what each reads, what it refuses, and why. */
class PartnerAdaptersTest {
    private static final FeedCatalog FEEDS = FeedCatalog.builtIn();
    private static final String ISTV_HEADER = String.join(",", IstvAeCsvAdapter.COLUMNS) + "\n";
    private static final String AMBULANCE_HEADER = String.join(",", AmbulanceCsvAdapter.COLUMNS) + "\n";

    private static Collected read(String feed, SourceFile file) throws IOException {
        return read(FEEDS.get(feed), file);
    }

    private static Collected read(FeedDefinition feed, SourceFile file) throws IOException {
        Collected c = new Collected();
        FeedAdapters.forFormat(feed.format()).read(file, feed, c, n -> {});
        return c;
    }

    @Test
    void istvRowsKeepTheAssaultTimeInUkTimeAndTheFreeTextLocation() throws IOException {
        Collected c = read(
                "istv-ae",
                SourceFiles.text(
                        "ae.csv",
                        ISTV_HEADER
                                + "REM,02/07/2022,01:40,02/07/2022,00:55,\"outside The Grapes, Mathew St\",Licensed premises,Glass or bottle,\n"
                                + "REM,,,15/01/2022,,Bold Street,Public place,Body part,\n"));
        assertThat(c.rejections).isEmpty();
        IncidentRecord summer = c.records.get(0);
        assertThat(summer.eventFrom()).isEqualTo(Instant.parse("2022-07-01T23:55:00Z")); // BST
        assertThat(summer.eventTo()).isEqualTo(summer.eventFrom());
        assertThat(summer.sourceCategory()).isEqualTo("Glass or bottle");
        assertThat(summer.location().text()).isEqualTo("outside The Grapes, Mathew St");
        assertThat(summer.location().hasCoordinates()).isFalse();
        assertThat(summer.attributes())
                .containsEntry("location_type", "Licensed premises")
                .containsEntry("arrival", "2022-07-02T00:40:00Z");
        // No time of assault: the whole day, in UK time.
        IncidentRecord day = c.records.get(1);
        assertThat(day.eventFrom()).isEqualTo(Instant.parse("2022-01-15T00:00:00Z"));
        assertThat(day.eventTo()).isEqualTo(Instant.parse("2022-01-16T00:00:00Z"));
    }

    @Test
    void istvRefusesAFileCarryingAPatientIdentifierBeforeReadingAnyRow() {
        for (String identifier : new String[] {"nhs_number", "patient_name", "date_of_birth", "home_address"}) {
            SourceFile file = SourceFiles.text(
                    "ae-with-ids.csv",
                    ISTV_HEADER.strip() + "," + identifier + "\n"
                            + "REM,02/07/2022,01:40,02/07/2022,00:55,Bold Street,Public place,Body part,,secret\n");
            assertThatThrownBy(() -> read("istv-ae", file))
                    .isInstanceOf(InputFormatException.class)
                    .hasMessageStartingWith("ae-with-ids.csv line 1, field '" + identifier + "': this column is not "
                            + "among the fields the feed declares, so the file is refused and nothing from it is kept");
        }
    }

    @Test
    void istvQuarantinesImpossibleDatesAndArrivalsBeforeTheAssault() throws IOException {
        Collected c = read(
                "istv-ae",
                SourceFiles.text(
                        "ae.csv",
                        ISTV_HEADER
                                + "REM,30/02/2022,01:40,30/02/2022,00:55,Bold Street,Public place,Body part,\n"
                                + "REM,02/03/2022,00:10,02/03/2022,00:55,Bold Street,Public place,Body part,\n"
                                + "REM,02/03/2022,01:10,02/03/2022,25:55,Bold Street,Public place,Body part,\n"));
        assertThat(c.records).isEmpty();
        assertThat(c.rejections)
                .extracting(Rejection::lineNo, Rejection::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2, "assault_date"),
                        org.assertj.core.groups.Tuple.tuple(3, "arrival_date"),
                        org.assertj.core.groups.Tuple.tuple(4, "assault_time"));
        assertThat(c.rejections.get(1).reason()).isEqualTo("arrival at A&E is before the assault");
    }

    @Test
    void ambulanceTakesGridReferenceLatLonOrPostcode() throws IOException {
        Collected c = read(
                "ambulance",
                SourceFiles.text(
                        "amb.csv",
                        AMBULANCE_HEADER
                                + "A1,2022-03-05 23:41,4,04D01,335000,390000,,,,Y\n"
                                + "A2,2022-03-05 23:45,04,04B01,,,53.404,-2.981,,N\n"
                                + "A3,2022-03-06 00:10,27,27D03,,,,,L1 4DQ,Y\n"
                                + "A4,2022-03-06 00:20,4,4X99,,,,,L1 4DQ,Y\n"
                                + "A5,2022-03-06 00:30,4,04A01,335000,,,,,Y\n"));
        assertThat(c.records).extracting(IncidentRecord::sourceRef).containsExactly("A1", "A2", "A3");
        assertThat(c.records).extracting(IncidentRecord::sourceCategory).containsExactly("4", "4", "27");
        assertThat(c.records.get(0).location().srid()).isEqualTo(27700);
        assertThat(c.records.get(0).location().coordinateMethod()).isEqualTo(GeocodeMethod.COORDINATE);
        assertThat(c.records.get(1).location().srid()).isEqualTo(4326);
        assertThat(c.records.get(1).location().x()).isEqualTo(-2.981);
        assertThat(c.records.get(2).location().hasCoordinates()).isFalse();
        assertThat(c.records.get(2).location().postcode()).isEqualTo("L1 4DQ");
        assertThat(c.records.get(0).eventFrom()).isEqualTo(Instant.parse("2022-03-05T23:41:00Z"));
        assertThat(c.rejections)
                .extracting(Rejection::lineNo, Rejection::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(5, "determinant"),
                        org.assertj.core.groups.Tuple.tuple(6, "easting"));
    }

    @Test
    void fireRecordsCarryRoundedGridOrTheDistrictWithHonestPrecision() throws IOException {
        String header = "IncidentNumber,DateOfCall,TimeOfCall,IncidentGroup,StopCodeDescription,PropertyCategory,"
                + "PropertyType,Postcode_district,Easting_m,Northing_m,Easting_rounded,Northing_rounded,Motive\n";
        Collected c = read(
                "fire-irs",
                SourceFiles.text(
                        "fire.csv",
                        header
                                + "F1,01 Jan 2022,23:10:00,Fire,Secondary Fire,Outdoor,Loose refuse,L6,336512,392288,,,Deliberate\n"
                                + "F2,01-Jan-2022,23:30:00,Fire,Primary Fire,Dwelling,House - single occupancy,L6,,,336550,392250,Accidental\n"
                                + "F3,2022-01-02,02:00:00,Fire,Primary Fire,Road Vehicle,Car,L8,,,,,Deliberate\n"
                                + "F4,2022-01-02,03:00:00,False Alarm,AFA,Non Residential,Retail - Other,L1,334900,390300,,,\n"));
        assertThat(c.rejections).singleElement().satisfies(r -> {
            assertThat(r.field()).isEqualTo("IncidentGroup");
            assertThat(r.reason()).isEqualTo("'False Alarm' incidents are outside this feed, which shares fires only");
        });
        assertThat(c.records)
                .extracting(IncidentRecord::sourceCategory)
                .containsExactly("Secondary Fire|Deliberate", "Primary Fire|Accidental", "Primary Fire|Deliberate");
        assertThat(c.records.get(0).location().coordinateMethod()).isEqualTo(GeocodeMethod.COORDINATE);
        assertThat(c.records.get(1).location().coordinateMethod()).isEqualTo(GeocodeMethod.ROUNDED_GRID);
        assertThat(c.records.get(2).location().hasCoordinates()).isFalse();
        assertThat(c.records.get(2).location().district()).isEqualTo("L8");
    }

    @Test
    void aMappedCsvFeedNeedsOnlyConfiguration(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("council-asb.json"), """
                {"name": "council-asb", "title": "Council ASB reports", "partner": "Liverpool City Council",
                 "format": "mapped-csv",
                 "mapping": {
                   "delimiter": ";",
                   "fields": ["Ref", "Reported", "Type", "Lat", "Lon", "Postcode", "Officer notes"],
                   "reference": "Ref",
                   "time": {"at": "Reported", "format": "dd/MM/yyyy HH:mm"},
                   "category": {"column": "Type", "map": {"Noise": "asb-nuisance", "Fly-tipping": "asb-environmental",
                                                         "Harassment": "asb-personal"}},
                   "location": {"latitude": "Lat", "longitude": "Lon", "postcode": "Postcode"},
                   "keep": []
                 }}""");
        FeedDefinition feed = FeedCatalog.load(dir).get("council-asb");
        Collected c = read(
                feed,
                SourceFiles.text(
                        "asb.csv",
                        "Ref;Reported;Type;Lat;Lon;Postcode;Officer notes\n"
                                + "C1;03/04/2022 21:15;Noise;53.40;-2.97;;loud music\n"
                                + "C2;03/04/2022 22:00;Fly-tipping;;;L8 1TH;\n"
                                + "C3;31/04/2022 22:00;Noise;53.40;-2.97;;\n"));
        assertThat(c.records).extracting(IncidentRecord::sourceRef).containsExactly("C1", "C2");
        assertThat(c.records.get(0).eventFrom()).isEqualTo(Instant.parse("2022-04-03T20:15:00Z"));
        assertThat(c.records.get(0).attributes()).doesNotContainKey("Officer notes"); // not in 'keep'
        assertThat(c.records.get(1).location().postcode()).isEqualTo("L8 1TH");
        assertThat(c.rejections).singleElement().satisfies(r -> {
            assertThat(r.lineNo()).isEqualTo(4);
            assertThat(r.field()).isEqualTo("Reported");
        });
    }

    @Test
    void aMappedGeoJsonFeedReadsPointFeaturesAndRefusesUndeclaredProperties(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("transport-ops.json"), """
                {"name": "transport-ops", "title": "Merseytravel incidents", "partner": "Merseytravel",
                 "format": "mapped-geojson",
                 "mapping": {
                   "fields": ["id", "when", "kind"],
                   "reference": "id",
                   "time": {"at": "when"},
                   "category": {"column": "kind", "map": {"assault": "violence-and-sexual-offences",
                                                         "vandalism": "criminal-damage-and-arson"}}
                 }}""");
        FeedDefinition feed = FeedCatalog.load(dir).get("transport-ops");
        Collected c = read(feed, SourceFiles.text("ops.geojson", """
                {"type": "FeatureCollection", "features": [
                  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-2.977, 53.407]},
                   "properties": {"id": "M1", "when": "2022-05-01 08:00", "kind": "vandalism"}},
                  {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[-2.9, 53.4], [-2.8, 53.4]]},
                   "properties": {"id": "M2", "when": "2022-05-01 09:00", "kind": "assault"}}
                ]}"""));
        assertThat(c.records).singleElement().satisfies(r -> {
            assertThat(r.sourceRef()).isEqualTo("M1");
            assertThat(r.location().x()).isEqualTo(-2.977);
            assertThat(r.eventFrom()).isEqualTo(Instant.parse("2022-05-01T07:00:00Z"));
        });
        assertThat(c.rejections)
                .singleElement()
                .satisfies(r -> assertThat(r.field()).isEqualTo("geometry"));

        assertThatThrownBy(() -> read(feed, SourceFiles.text("ops2.geojson", """
                {"type": "FeatureCollection", "features": [
                  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-2.977, 53.407]},
                   "properties": {"id": "M3", "when": "2022-05-01 08:00", "kind": "vandalism", "victim": "J. Smith"}}]}""")))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("field 'victim'");
    }

    @Test
    void aBrokenMappingIsRefusedWhenTheCatalogIsRead(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.json"), """
                {"name": "bad-feed", "format": "mapped-csv",
                 "mapping": {"fields": ["a"], "time": {"at": "when"}, "category": {"column": "a", "map": {"x": "other"}}}}""");
        assertThatThrownBy(() -> FeedCatalog.load(dir))
                .hasMessageContaining("bad.json: mapping: the mapping uses 'when', which is not in 'fields'");
    }
}
