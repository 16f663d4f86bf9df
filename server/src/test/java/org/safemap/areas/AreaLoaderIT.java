package org.safemap.areas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;

class AreaLoaderIT {
    @AutoClose
    private static Database db;

    private static AreaLoader loader;

    @BeforeAll
    static void setUp() {
        db = TestDatabase.fresh("areas");
        loader = new AreaLoader(db.dataSource());
    }

    private static String square(String code, double x, double y, double side) {
        return "{\"type\":\"Feature\",\"properties\":{\"LSOA21CD\":\"" + code + "\",\"LSOA21NM\":\"" + code
                + " name\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[" + x + "," + y + "],[" + (x + side)
                + ","
                + y + "],[" + (x + side) + "," + (y + side) + "],[" + x + "," + (y + side) + "],[" + x + "," + y
                + "]]]}}";
    }

    private static SourceFile bng(String name, String... features) {
        return SourceFiles.text(
                name,
                "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
                        + "{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},\"features\":[" + String.join(",", features)
                        + "]}");
    }

    @Test
    void loadsTheDemoBoundariesInBritishNationalGrid() {
        AreaLoader.Result r = loader.load(
                SourceFile.resource("demo/liverpool_lsoa_2011_bgc.geojson.gz"),
                AreaLevel.parse("lsoa"),
                2011,
                null,
                null,
                n -> {});
        assertThat(r.unchanged()).isFalse();
        assertThat(r.areas()).isEqualTo(298);
        assertThat(r.srid()).isEqualTo(4326);
        assertThat(Sql.count(db, "SELECT count(*) FROM area WHERE level = 'lsoa' AND vintage = 2011"))
                .isEqualTo(298);
        assertThat(Sql.count(db, "SELECT count(*) FROM area WHERE NOT ST_IsValid(geom)"))
                .isZero();
        assertThat(Sql.value(db, "SELECT DISTINCT ST_SRID(geom) FROM area")).isEqualTo(27700);
        // Liverpool district is about 112 km² of land (ONS); the clipped boundaries must add up to that.
        double km2 = ((Number) Sql.value(db, "SELECT sum(ST_Area(geom)) / 1e6 FROM area WHERE vintage = 2011"))
                .doubleValue();
        assertThat(km2).isBetween(105.0, 120.0);
        // British National Grid: Liverpool lies around easting 335 km, northing 390 km.
        List<Object> centre = Sql.rows(
                        db,
                        "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Collect(geom)) c FROM area "
                                + "WHERE vintage = 2011) x")
                .get(0);
        assertThat(((Number) centre.get(0)).doubleValue()).isBetween(330_000.0, 345_000.0);
        assertThat(((Number) centre.get(1)).doubleValue()).isBetween(382_000.0, 400_000.0);

        AreaLoader.Result again = loader.load(
                SourceFile.resource("demo/liverpool_lsoa_2011_bgc.geojson.gz"),
                AreaLevel.parse("lsoa"),
                2011,
                null,
                null,
                n -> {});
        assertThat(again.unchanged()).isTrue();
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch WHERE kind = 'areas' AND feed = 'lsoa:2011'"))
                .isEqualTo(1);
    }

    @Test
    void reloadingAVintageReplacesItAndABadFileLeavesItUntouched() {
        AreaLevel lsoa = AreaLevel.parse("lsoa");
        loader.load(
                bng("v1.geojson", square("E01900001", 334000, 390000, 500), square("E01900002", 334500, 390000, 500)),
                lsoa,
                2021,
                null,
                null,
                n -> {});
        loader.load(bng("v2.geojson", square("E01900003", 334000, 390000, 1000)), lsoa, 2021, null, null, n -> {});
        assertThat(Sql.rows(db, "SELECT code FROM area WHERE vintage = 2021")).containsExactly(List.of("E01900003"));

        assertThatThrownBy(() -> loader.load(
                        bng(
                                "dup.geojson",
                                square("E01900004", 334000, 390000, 10),
                                square("E01900004", 334010, 390000, 10)),
                        lsoa,
                        2021,
                        null,
                        null,
                        n -> {}))
                .isInstanceOf(InputFormatException.class)
                .hasMessage(
                        "dup.geojson: features 1 and 2 both have code E01900004; codes must be unique within a vintage");
        assertThat(Sql.rows(db, "SELECT code FROM area WHERE vintage = 2021")).containsExactly(List.of("E01900003"));
        assertThat(((Number) Sql.value(db, "SELECT ST_Area(geom) FROM area WHERE code = 'E01900003'")).doubleValue())
                .isEqualTo(1_000_000.0);
    }

    @Test
    void repairsAnInvalidBoundaryAndReportsIt() {
        // A bow-tie ring crosses itself; ST_MakeValid splits it into two triangles of 0.25 km² each.
        String bowTie = "{\"type\":\"Feature\",\"properties\":{\"LSOA21CD\":\"E01900010\",\"LSOA21NM\":\"Bow\"},"
                + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[334000,390000],[335000,391000],[335000,390000],"
                + "[334000,391000],[334000,390000]]]}}";
        AreaLoader.Result r = loader.load(
                bng("bow.geojson", bowTie, square("E01900011", 336000, 390000, 100)),
                AreaLevel.parse("custom:test"),
                2024,
                "LSOA21CD",
                "LSOA21NM",
                n -> {});
        assertThat(r.repairedCodes()).containsExactly("E01900010");
        assertThat(Sql.value(db, "SELECT ST_IsValid(geom) FROM area WHERE code = 'E01900010'"))
                .isEqualTo(true);
        assertThat(((Number) Sql.value(db, "SELECT ST_Area(geom) FROM area WHERE code = 'E01900010'")).doubleValue())
                .isEqualTo(500_000.0);
        assertThat(Sql.value(db, "SELECT ST_GeometryType(geom) FROM area WHERE code = 'E01900011'"))
                .isEqualTo("ST_MultiPolygon");
    }

    @Test
    void customSetsNameTheirColumns() {
        String beat =
                "{\"type\":\"Feature\",\"properties\":{\"beat_id\":\"LV-12\",\"beat_name\":\"City Centre North\"},"
                        + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-2.99,53.40],[-2.98,53.40],[-2.98,53.41],"
                        + "[-2.99,53.41],[-2.99,53.40]]]}}";
        AreaLoader.Result r = loader.load(
                SourceFiles.text("beats.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + beat + "]}"),
                AreaLevel.parse("custom:beats"),
                2024,
                "beat_id",
                "beat_name",
                n -> {});
        assertThat(r.areas()).isEqualTo(1);
        assertThat(Sql.rows(db, "SELECT code, name FROM area WHERE level = 'custom:beats'"))
                .containsExactly(List.of("LV-12", "City Centre North"));
    }
}
