package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestSettings;

/**
 * The viewer's search box over real HTTP on the demo: postcodes whole and by sector, streets, area codes and names
 * (partial too), grid references and coordinates, each answer checked against the reference tables in SQL.
 */
class SearchIT {
    private static Database db;
    private static App app;
    private static String base;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        app = App.start(TestSettings.defaults(), db);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static JsonNode search(String q) {
        var r = Http.get(base + "/api/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r).path("results");
    }

    /** PostGIS's own answer: the point in degrees and the LSOA holding it. */
    private static List<Object> where(double x, double y) {
        return Sql.rows(
                        db,
                        "SELECT ST_X(p), ST_Y(p), (SELECT code FROM area WHERE level = 'lsoa' AND ST_Covers(geom, "
                                + "ST_SetSRID(ST_MakePoint(?, ?), 27700)) ORDER BY vintage DESC LIMIT 1) FROM (SELECT "
                                + "ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 27700), 4326) AS p) q",
                        x,
                        y,
                        x,
                        y)
                .get(0);
    }

    @Test
    void aFullPostcodeWrittenAnyWayIsPlacedWithTheLsoaItLiesIn() {
        List<Object> pc = Sql.rows(
                        db,
                        "SELECT postcode, display, x, y FROM postcode p WHERE EXISTS (SELECT 1 FROM area a WHERE a.level = 'lsoa' "
                                + "AND ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 27700))) ORDER BY postcode LIMIT 1 OFFSET 7")
                .get(0);
        String display = (String) pc.get(1);
        JsonNode r = search(display.toLowerCase().replace(" ", "")).get(0);
        assertThat(r.path("kind").asText()).isEqualTo("postcode");
        assertThat(r.path("label").asText()).isEqualTo(display);
        List<Object> expected = where((Double) pc.get(2), (Double) pc.get(3));
        assertThat(r.path("lon").asDouble()).isCloseTo((Double) expected.get(0), within(1e-5));
        assertThat(r.path("lat").asDouble()).isCloseTo((Double) expected.get(1), within(1e-5));
        assertThat(r.at("/area/code").asText()).isEqualTo(expected.get(2));
    }

    @Test
    void aPostcodeSectorIsTheCentreOfItsPostcodes() {
        List<Object> sector = Sql.rows(
                        db,
                        "SELECT district || ' ' || substr(postcode, length(district) + 1, 1), count(*), avg(x), avg(y) "
                                + "FROM postcode GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
                .get(0);
        JsonNode r = search((String) sector.get(0)).get(0);
        assertThat(r.path("kind").asText()).isEqualTo("postcode-sector");
        assertThat(r.path("detail").asText()).contains(sector.get(1) + " postcodes");
        List<Object> expected = where(((Number) sector.get(2)).doubleValue(), ((Number) sector.get(3)).doubleValue());
        assertThat(r.path("lat").asDouble()).isCloseTo((Double) expected.get(1), within(1e-5));
    }

    @Test
    void aStreetIsFoundByThePartOfItsNameTyped() {
        List<Object> street = Sql.rows(
                        db,
                        "SELECT name, x, y FROM gazetteer WHERE kind = 'street' AND name LIKE '% Street' "
                                + "ORDER BY name LIMIT 1")
                .get(0);
        String name = (String) street.get(0);
        JsonNode results = search(name.substring(0, name.length() - " Street".length()));
        JsonNode r = first(results, "street", name);
        List<Object> expected = where((Double) street.get(1), (Double) street.get(2));
        assertThat(r.path("lon").asDouble()).isCloseTo((Double) expected.get(0), within(1e-5));
    }

    @Test
    void areasAreFoundByWholeOrPartialCodeAndByName() {
        List<Object> lsoa = Sql.rows(
                        db, "SELECT code, name FROM area WHERE level = 'lsoa' ORDER BY code LIMIT 1 OFFSET 12")
                .get(0);
        String code = (String) lsoa.get(0);
        String name = (String) lsoa.get(1);
        JsonNode exact = search(code).get(0);
        assertThat(exact.at("/area/code").asText()).isEqualTo(code);
        assertThat(exact.path("kind").asText()).isEqualTo("lsoa");
        List<Object> box = Sql.rows(
                        db,
                        "SELECT ST_XMin(b), ST_YMax(b) FROM (SELECT box2d(ST_Transform(geom, 4326)) b FROM area "
                                + "WHERE level = 'lsoa' AND code = ?) q",
                        code)
                .get(0);
        assertThat(exact.at("/bounds/0").asDouble()).isCloseTo((Double) box.get(0), within(1e-4));
        assertThat(exact.at("/bounds/3").asDouble()).isCloseTo((Double) box.get(1), within(1e-4));
        // "Liverpool 060C" is found by "060C" alone.
        String suffix = name.substring(name.lastIndexOf(' ') + 1);
        JsonNode partial = search(suffix);
        assertThat(partial.findValuesAsText("label")).contains(name);
        JsonNode ward =
                search((String) Sql.value(db, "SELECT name FROM area WHERE level = 'ward' ORDER BY code LIMIT 1"));
        assertThat(ward.get(0).path("kind").asText()).isEqualTo("ward");
    }

    @Test
    void gridReferencesAndCoordinatesArePlacedInGreatBritain() {
        // SJ 3450 9050: Liverpool, 10 m square; its centre is 334505, 390505.
        JsonNode grid = search("SJ 3450 9050").get(0);
        assertThat(grid.path("kind").asText()).isEqualTo("grid-reference");
        List<Object> expected = where(334505, 390505);
        assertThat(grid.path("lat").asDouble()).isCloseTo((Double) expected.get(1), within(1e-6));
        assertThat(grid.path("lon").asDouble()).isCloseTo((Double) expected.get(0), within(1e-6));
        JsonNode latLon = search("53.4055, -2.98").get(0);
        assertThat(latLon.path("kind").asText()).isEqualTo("coordinates");
        assertThat(latLon.path("lat").asDouble()).isEqualTo(53.4055);
        assertThat(latLon.path("area").isNull()).isFalse();
        // A district code is a postcode district, not a grid reference.
        assertThat(search("L1").get(0).path("kind").asText()).isEqualTo("postcode-district");
        assertThat(search("nowhere-at-all-xyz")).isEmpty();
        assertThat(Http.get(base + "/api/search?q=" + "x".repeat(101)).statusCode())
                .isEqualTo(400);
    }

    private static JsonNode first(JsonNode results, String kind, String label) {
        for (JsonNode r : results) {
            if (r.path("kind").asText().equals(kind) && r.path("label").asText().equals(label)) {
                return r;
            }
        }
        throw new AssertionError("no " + kind + " " + label + " in " + results);
    }
}
