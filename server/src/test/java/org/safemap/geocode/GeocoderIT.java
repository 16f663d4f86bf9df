package org.safemap.geocode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.files.SourceFile;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;

/** The geocoder against real reference tables in PostGIS: each method, its precision, and its refusals. */
class GeocoderIT {
    @AutoClose
    private static Database db;

    private static Geocoder geocoder;

    @BeforeAll
    static void setUp() {
        db = TestDatabase.fresh("geocoder");
        // Real Code-Point Open rows for the L area (the demo's copy) ...
        new PostcodeLoader(db.dataSource()).load(SourceFile.resource("demo/codepoint_open_l.csv.gz"), n -> {});
        // ... and a made-up sector-quality postcode to show how coarse centroids are treated.
        new PostcodeLoader(db.dataSource())
                .load(
                        SourceFiles.text(
                                "coarse.csv",
                                "\"L99 9ZZ\",50,335100,390100,\"E92000001\",\"\",\"\",\"\",\"E08000012\",\"\"\n"),
                        n -> {});
        new UprnLoader(db.dataSource())
                .load(
                        SourceFiles.text(
                                "uprn.csv",
                                "UPRN,X_COORDINATE,Y_COORDINATE,LATITUDE,LONGITUDE\n38012345,334987.21,390123.88,53.4071,-2.9832\n"),
                        n -> {});
        new GazetteerLoader(db.dataSource()).load(SourceFiles.text("places.csv", """
                name,kind,locality,x,y,precision_m
                Bold Street,street,Central,335020,390010,150
                The Grapes,venue,Central,334560,390420,25
                Church Road,street,Wavertree,338900,389300,300
                Church Road,street,Walton,336200,395400,300
                Mathew Street,street,Central,334550,390450,100
                """), n -> {});
    }

    private static Geocoder.Result one(LocationInput in) {
        if (geocoder == null) {
            geocoder = new Geocoder(db.dataSource());
        }
        return geocoder.resolve(List.of(in))[0];
    }

    @Test
    void coordinatesComeThroughInBritishNationalGridWithTheirSourcesPrecision() {
        Geocoder.Result bng = one(LocationInput.coordinates(335000, 390000, 27700, GeocodeMethod.COORDINATE, null));
        assertThat(bng.method()).isEqualTo(GeocodeMethod.COORDINATE);
        assertThat(bng.x()).isEqualTo(335000);
        assertThat(bng.precisionM()).isEqualTo(GeocodeMethod.COORDINATE.defaultPrecisionM());
        // WGS84 agrees with PostGIS's own transform (PROJ) to well under a metre.
        Geocoder.Result wgs =
                one(LocationInput.coordinates(-2.99158, 53.40701, 4326, GeocodeMethod.SNAPPED_MAP_POINT, null));
        List<List<Object>> postgis = Sql.rows(
                db,
                "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID("
                        + "ST_MakePoint(-2.99158, 53.40701), 4326), 27700) p");
        assertThat(wgs.x()).isCloseTo((Double) postgis.get(0).get(0), within(0.5));
        assertThat(wgs.y()).isCloseTo((Double) postgis.get(0).get(1), within(0.5));
        assertThat(wgs.method()).isEqualTo(GeocodeMethod.SNAPPED_MAP_POINT);
        assertThat(one(LocationInput.coordinates(2.35, 48.85, 4326, null, null)).failure())
                .isEqualTo("could not locate: point 2.35, 48.85 is outside Great Britain");
        // Any feed's swapped latitude and longitude are named as such, not just police.uk's.
        assertThat(one(LocationInput.coordinates(53.404, -2.981, 4326, null, null))
                        .failure())
                .isEqualTo("could not locate: longitude 53.404 and latitude -2.981 look swapped");
        assertThat(one(LocationInput.coordinates(335000, 1_400_000, 27700, null, null))
                        .failure())
                .isEqualTo("could not locate: coordinates 335000.0, 1400000.0 are outside Great Britain");
    }

    @Test
    void aPostcodeIsFoundHoweverItIsWrittenAndCoarseCentroidsSaySo() {
        Geocoder.Result r = one(LocationInput.none().withPostcode("l1 0aa"));
        assertThat(r.method()).isEqualTo(GeocodeMethod.POSTCODE);
        assertThat(r.x()).isEqualTo(334864);
        assertThat(r.y()).isEqualTo(389326);
        assertThat(r.precisionM()).isEqualTo(GeocodeMethod.POSTCODE.defaultPrecisionM());
        assertThat(one(LocationInput.none().withPostcode("L1  0AA")).x()).isEqualTo(334864);
        assertThat(one(LocationInput.none().withPostcode("L99 9ZZ")).precisionM())
                .isEqualTo(1000f);
        assertThat(one(LocationInput.none().withPostcode("L1 9ZZ")).failure())
                .isEqualTo("could not locate: postcode L1 9ZZ is not in the postcode table");
        // A postcode written into free text counts as a postcode.
        assertThat(one(LocationInput.none().withText("outside flats near L1 0AA"))
                        .method())
                .isEqualTo(GeocodeMethod.POSTCODE);
    }

    @Test
    void aUprnIsTheMostPreciseAfterCoordinates() {
        Geocoder.Result r = one(LocationInput.none().withUprn(38012345L).withPostcode("L1 0AA"));
        assertThat(r.method()).isEqualTo(GeocodeMethod.UPRN);
        assertThat(r.x()).isEqualTo(334987.21);
        assertThat(r.precisionM()).isEqualTo(1f);
        // An unknown UPRN falls back to the postcode rather than failing.
        assertThat(one(LocationInput.none().withUprn(1L).withPostcode("L1 0AA")).method())
                .isEqualTo(GeocodeMethod.POSTCODE);
    }

    @Test
    void freeTextFindsVenuesAndStreetsDespiteAbbreviationsAndMisspellings() {
        Geocoder.Result venue = one(LocationInput.none().withText("outside the Grapes, Mathew St"));
        assertThat(venue.method()).isEqualTo(GeocodeMethod.VENUE);
        assertThat(venue.matched()).isEqualTo("The Grapes, Central");
        assertThat(venue.precisionM()).isEqualTo(25f);

        assertThat(one(LocationInput.none().withText("Bold St.")).matched()).isEqualTo("Bold Street, Central");
        Geocoder.Result misspelt = one(LocationInput.none().withText("bold stret"));
        assertThat(misspelt.method()).isEqualTo(GeocodeMethod.STREET);
        assertThat(misspelt.x()).isEqualTo(335020);
        assertThat(misspelt.precisionM()).isEqualTo(150f);

        assertThat(one(LocationInput.none().withText("at home")).failure())
                .isEqualTo("could not locate: location 'at home' matches no street or venue in the gazetteer");
    }

    @Test
    void twoPlacesOfOneNameAreAmbiguousUntilTheTextSaysWhich() {
        assertThat(one(LocationInput.none().withText("Church Road")).failure())
                .startsWith("could not locate: location 'Church Road' could be Church Road, ")
                .endsWith("; add the area or a postcode");
        Geocoder.Result which = one(LocationInput.none().withText("church rd, Wavertree"));
        assertThat(which.ok()).isTrue();
        assertThat(which.matched()).isEqualTo("Church Road, Wavertree");
        assertThat(which.x()).isEqualTo(338900);
    }

    @Test
    void aDistrictIsTheLastResortWithTheDistrictsOwnReachAsPrecision() {
        Geocoder.Result r =
                one(LocationInput.none().withText("somewhere unknown").withDistrict("L1"));
        assertThat(r.method()).isEqualTo(GeocodeMethod.POSTCODE_DISTRICT);
        assertThat(r.precisionM()).isGreaterThan(300f).isLessThan(3000f);
        assertThat(one(LocationInput.none()).failure())
                .isEqualTo("no location given: no coordinates, postcode or place");
    }

    @Test
    void aChunkIsAnsweredInOrderWithOneQueryPerKind() {
        List<LocationInput> inputs = List.of(
                LocationInput.none().withPostcode("L1 0AA"),
                LocationInput.none().withText("Bold Street"),
                LocationInput.none().withText("nowhere at all"),
                LocationInput.coordinates(335000, 390000, 27700, null, null));
        Geocoder.Result[] out = new Geocoder(db.dataSource()).resolve(inputs);
        assertThat(out)
                .extracting(Geocoder.Result::method)
                .containsExactly(GeocodeMethod.POSTCODE, GeocodeMethod.STREET, null, GeocodeMethod.COORDINATE);
    }

    @Test
    void referenceFilesWithBadRowsAreRefusedNamingLineAndField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GazetteerLoader(db.dataSource())
                        .load(
                                SourceFiles.text(
                                        "bad-places.csv",
                                        "name,kind,locality,longitude,latitude,precision_m\n"
                                                + "Lime Street Station,venue,Central,-2.9777,53.4076,25\n"
                                                + "The Vines,pub,Central,-2.9790,53.4070,about 20\n"),
                                n -> {}))
                .hasMessage("bad-places.csv line 3, field 'kind': 'pub' is not street, venue or place");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new UprnLoader(db.dataSource())
                        .load(
                                SourceFiles.text(
                                        "bad-uprn.csv", "UPRN,X_COORDINATE,Y_COORDINATE\n12A,334987.2,390123.9\n"),
                                n -> {}))
                .hasMessage("bad-uprn.csv line 2, field 'UPRN': '12A' is not a UPRN (up to 12 digits)");
        // Nothing from a refused file is kept, and a good longitude/latitude file is transformed to the grid.
        GazetteerLoader.Result ok = new GazetteerLoader(db.dataSource())
                .load(
                        SourceFiles.text(
                                "ll.csv",
                                "name,kind,locality,longitude,latitude\nLime Street Station,venue,Central,-2.9777,53.4076\n"),
                        n -> {});
        assertThat(ok.stored()).isEqualTo(1);
        List<List<Object>> row =
                Sql.rows(db, "SELECT x, y, precision_m FROM gazetteer WHERE name_key = 'lime street station'");
        List<List<Object>> postgis = Sql.rows(
                db,
                "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID("
                        + "ST_MakePoint(-2.9777, 53.4076), 4326), 27700) p");
        assertThat((Double) row.get(0).get(0)).isCloseTo((Double) postgis.get(0).get(0), within(0.5));
        assertThat((Double) row.get(0).get(1)).isCloseTo((Double) postgis.get(0).get(1), within(0.5));
        assertThat(row.get(0).get(2)).isEqualTo(GeocodeMethod.VENUE.defaultPrecisionM());
        assertThat(Sql.count(db, "SELECT count(*) FROM gazetteer WHERE name = 'The Vines'"))
                .isZero();
    }
}
