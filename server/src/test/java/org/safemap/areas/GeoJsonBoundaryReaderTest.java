package org.safemap.areas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;
import org.safemap.testing.SourceFiles;

class GeoJsonBoundaryReaderTest {
    private static final String SQUARE_DEGREES =
            "[[[-2.99,53.40],[-2.98,53.40],[-2.98,53.41],[-2.99,53.41],[-2.99,53.40]]]";
    private static final String SQUARE_BNG =
            "[[[334000,390000],[335000,390000],[335000,391000],[334000,391000],[334000,390000]]]";

    private static String collection(String crs, String... features) {
        return "{\"type\":\"FeatureCollection\","
                + (crs == null ? "" : "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"" + crs + "\"}},")
                + "\"features\":[" + String.join(",", features) + "]}";
    }

    private static String feature(String props, String type, String coordinates) {
        return "{\"type\":\"Feature\",\"properties\":{" + props + "},\"geometry\":{\"type\":\"" + type
                + "\",\"coordinates\":" + coordinates + "}}";
    }

    private static List<BoundaryFeature> read(SourceFile file, BoundaryReader.Summary[] summary) throws IOException {
        List<BoundaryFeature> out = new ArrayList<>();
        summary[0] = new GeoJsonBoundaryReader(file, BoundaryOptions.detect(AreaLevel.parse("lsoa")))
                .read(out::add, n -> {});
        return out;
    }

    @Test
    void readsTheDemoBoundariesDetectingOnsFieldsAndCrs84() throws IOException {
        BoundaryReader.Summary[] summary = new BoundaryReader.Summary[1];
        List<BoundaryFeature> features = read(SourceFile.resource("demo/liverpool_lsoa_2011_bgc.geojson.gz"), summary);
        assertThat(features).hasSize(298);
        assertThat(summary[0].srid()).isEqualTo(4326);
        assertThat(summary[0].codeField()).isEqualTo("LSOA11CD");
        assertThat(summary[0].nameField()).isEqualTo("LSOA11NM");
        assertThat(features).allSatisfy(f -> {
            assertThat(f.code()).matches("E01\\d{6}");
            assertThat(f.name()).startsWith("Liverpool ");
        });
    }

    @Test
    void refusesMetresWithoutACrsAndSaysWhichFlagToUse() {
        assertThatThrownBy(() -> read(
                        SourceFiles.text(
                                "bng.geojson",
                                collection(
                                        null,
                                        feature(
                                                "\"LSOA21CD\":\"E01000001\",\"LSOA21NM\":\"A\"",
                                                "Polygon",
                                                SQUARE_BNG))),
                        new BoundaryReader.Summary[1]))
                .isInstanceOf(InputFormatException.class)
                .hasMessage("bng.geojson line 1, field 'crs': the file names no coordinate reference system and its "
                        + "coordinates (334000, 390000) are not degrees; they look like British National Grid metres: "
                        + "if so, load it with --crs EPSG:27700");
    }

    @Test
    void takesTheCrsFromTheFlagWhenTheFileHasNone() throws IOException {
        List<BoundaryFeature> out = new ArrayList<>();
        BoundaryReader.Summary s = new GeoJsonBoundaryReader(
                        SourceFiles.text(
                                "bng.geojson",
                                collection(
                                        null,
                                        feature(
                                                "\"LSOA21CD\":\"E01000001\",\"LSOA21NM\":\"A\"",
                                                "Polygon",
                                                SQUARE_BNG))),
                        new BoundaryOptions(AreaLevel.parse("lsoa"), null, null, null, 27700))
                .read(out::add, n -> {});
        assertThat(s.srid()).isEqualTo(27700);
        assertThat(out).hasSize(1);
    }

    @Test
    void readsTheLegacyCrsMember() throws IOException {
        BoundaryReader.Summary[] summary = new BoundaryReader.Summary[1];
        read(
                SourceFiles.text(
                        "x.geojson",
                        collection(
                                "urn:ogc:def:crs:EPSG::27700",
                                feature("\"LSOA11CD\":\"E01000001\",\"LSOA11NM\":\"A\"", "Polygon", SQUARE_BNG))),
                summary);
        assertThat(summary[0].srid()).isEqualTo(27700);
        read(
                SourceFiles.text(
                        "x.geojson",
                        collection(
                                "EPSG:3857",
                                feature(
                                        "\"LSOA11CD\":\"E01000001\",\"LSOA11NM\":\"A\"",
                                        "Polygon",
                                        "[[[-332000,7050000],[-331000,7050000],[-331000,7051000],[-332000,7050000]]]"))),
                summary);
        assertThat(summary[0].srid()).isEqualTo(3857);
    }

    @Test
    void refusesAnUnsupportedCrs() {
        assertThatThrownBy(() -> read(
                        SourceFiles.text(
                                "x.geojson",
                                collection(
                                        "EPSG:2154",
                                        feature(
                                                "\"LSOA11CD\":\"E01000001\",\"LSOA11NM\":\"A\"",
                                                "Polygon",
                                                SQUARE_BNG))),
                        new BoundaryReader.Summary[1]))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("field 'crs': unsupported coordinate reference system 'EPSG:2154'");
    }

    @Test
    void asksForFlagsWhenCodeFieldCannotBeFound() {
        assertThatThrownBy(() -> read(
                        SourceFiles.text(
                                "beats.geojson",
                                collection(
                                        null, feature("\"beat\":\"B1\",\"label\":\"A\"", "Polygon", SQUARE_DEGREES))),
                        new BoundaryReader.Summary[1]))
                .hasMessageContaining("beats.geojson line 1: cannot tell which property holds the area code "
                        + "(properties: beat, label); name it with --code-field");
    }

    @Test
    void refusesNonPolygonGeometryNamingTheFeature() {
        assertThatThrownBy(() -> read(
                        SourceFiles.text(
                                "x.geojson",
                                collection(
                                        null,
                                        feature(
                                                "\"LSOA11CD\":\"E01000001\",\"LSOA11NM\":\"A\"",
                                                "Polygon",
                                                SQUARE_DEGREES),
                                        feature(
                                                "\"LSOA11CD\":\"E01000002\",\"LSOA11NM\":\"B\"",
                                                "Point",
                                                "[-2.98,53.4]"))),
                        new BoundaryReader.Summary[1]))
                .hasMessageContaining(
                        "field 'geometry': feature 2 (E01000002) is a Point; boundaries must be Polygon or MultiPolygon");
    }

    @Test
    void refusesDegenerateRings() {
        assertThatThrownBy(() -> read(
                        SourceFiles.text(
                                "x.geojson",
                                collection(
                                        null,
                                        feature(
                                                "\"LSOA11CD\":\"E01000001\",\"LSOA11NM\":\"A\"",
                                                "Polygon",
                                                "[[[-2.99,53.40],[-2.98,53.40],[-2.99,53.40]]]"))),
                        new BoundaryReader.Summary[1]))
                .hasMessageContaining("has a ring of fewer than 4 positions");
    }

    @Test
    void refusesInvalidJsonWithItsLine() {
        assertThatThrownBy(() -> read(
                        SourceFiles.text("x.geojson", "{\"type\":\"FeatureCollection\",\n\"features\":[{,]}"),
                        new BoundaryReader.Summary[1]))
                .isInstanceOf(InputFormatException.class)
                .hasMessageStartingWith("x.geojson line 2: not valid JSON");
    }
}
