package org.safemap.areas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.files.SourceFile;
import org.safemap.testing.SourceFiles;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;

/** What is derived from boundaries, checked against PostGIS on the demo data. */
class AreaGeometryIT {
    private static Database db;

    @BeforeAll
    static void setUp() {
        db = TestData.demoDatabase();
    }

    @Test
    void snappingMakesTheLsoasAnExactCoverage() {
        assertThat(Sql.count(db, """
                SELECT count(*) FROM area a JOIN area b ON a.level = b.level AND a.vintage = b.vintage AND a.code < b.code
                 AND a.geom && b.geom WHERE a.level = 'lsoa' AND ST_Overlaps(a.geom, b.geom)""")).isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM area WHERE NOT ST_IsValid(geom)"))
                .isZero();
    }

    @Test
    void displayGeometryKeepsNeighboursSharingTheirEdgesAtEveryTolerance() {
        long full = Sql.count(db, "SELECT sum(ST_NPoints(geom)) FROM area WHERE level = 'lsoa'");
        double fullArea =
                ((Number) Sql.value(db, "SELECT sum(ST_Area(geom)) FROM area WHERE level = 'lsoa'")).doubleValue();
        long previous = full;
        for (double t : AreaDerivatives.DISPLAY_TOLERANCES_M) {
            assertThat(Sql.count(
                            db, "SELECT count(*) FROM area_display WHERE level = 'lsoa' AND tolerance_m = ?", (float)
                                    t))
                    .isEqualTo(TestData.DEMO_LSOAS);
            assertThat(Sql.count(
                            db,
                            "SELECT count(*) FROM area_display WHERE tolerance_m = ? AND NOT ST_IsValid(geom)",
                            (float) t))
                    .isZero();
            // No overlaps open between neighbours, and every pair that shared an edge still shares one.
            List<Object> check = Sql.rows(db, """
                    SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))), 0),
                           count(*) FILTER (WHERE n.shared_boundary_m > 0
                                AND ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2)) = 0)
                    FROM area_neighbour n
                    JOIN area_display a ON a.level = n.level AND a.vintage = n.vintage AND a.code = n.code
                                       AND a.tolerance_m = ?
                    JOIN area_display b ON b.level = n.level AND b.vintage = n.vintage AND b.code = n.neighbour_code
                                       AND b.tolerance_m = a.tolerance_m
                    WHERE n.level = 'lsoa' AND n.code < n.neighbour_code""", (float) t).get(0);
            assertThat(((Number) check.get(0)).doubleValue())
                    .as("overlap m² at %s m", t)
                    .isLessThan(1.0);
            assertThat(((Number) check.get(1)).longValue())
                    .as("pairs that lost their edge at %s m", t)
                    .isZero();
            double area = ((Number) Sql.value(
                            db,
                            "SELECT sum(ST_Area(geom)) FROM area_display WHERE level = 'lsoa' " + "AND tolerance_m = ?",
                            (float) t))
                    .doubleValue();
            assertThat(area / fullArea).isBetween(0.98, 1.02);
            long points = Sql.count(
                    db,
                    "SELECT sum(ST_NPoints(geom)) FROM area_display WHERE level = 'lsoa' " + "AND tolerance_m = ?",
                    (float) t);
            assertThat(points).isLessThanOrEqualTo(previous);
            previous = points;
        }
        assertThat(previous).isLessThan(full / 2);
    }

    @Test
    void neighboursAreTheAreasPostgisSaysMeetWithTheirSharedBoundary() {
        long pairs = Sql.count(db, "SELECT count(*) FROM area_neighbour WHERE level = 'lsoa'");
        long postgis = Sql.count(db, """
                SELECT 2 * count(*) FROM area a JOIN area b ON a.level = b.level AND a.vintage = b.vintage
                 AND a.code < b.code AND a.geom && b.geom WHERE a.level = 'lsoa' AND ST_Intersects(a.geom, b.geom)""");
        assertThat(pairs).isEqualTo(postgis).isGreaterThan(1000);
        assertThat(Sql.count(db, """
                SELECT count(*) FROM area_neighbour n WHERE NOT EXISTS (SELECT 1 FROM area_neighbour m
                 WHERE m.level = n.level AND m.vintage = n.vintage AND m.code = n.neighbour_code
                   AND m.neighbour_code = n.code AND m.shared_boundary_m = n.shared_boundary_m)""")).isZero();
        double worst = ((Number) Sql.value(db, """
                SELECT max(abs(n.shared_boundary_m - ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2))))
                FROM area_neighbour n
                JOIN area a ON a.level = n.level AND a.vintage = n.vintage AND a.code = n.code
                JOIN area b ON b.level = n.level AND b.vintage = n.vintage AND b.code = n.neighbour_code
                WHERE n.level = 'lsoa'""")).doubleValue();
        assertThat(worst).as("metres").isLessThan(0.01);
    }

    @Test
    void ingestAssignsEveryIncidentByTheDocumentedRule() {
        // The same rule in SQL: the area whose closure holds the point, interiors first, then the smallest code.
        assertThat(Sql.count(db, """
                SELECT count(*) FROM incident i WHERE i.lsoa_code IS DISTINCT FROM (SELECT a.code FROM area a
                 WHERE a.level = 'lsoa' AND ST_Intersects(a.geom, i.geom)
                 ORDER BY ST_Contains(a.geom, i.geom) DESC, a.code LIMIT 1)""")).isZero();
        assertThat(Sql.count(db, """
                SELECT count(*) FROM incident i WHERE i.ward_code IS DISTINCT FROM (SELECT a.code FROM area a
                 WHERE a.level = 'ward' AND ST_Intersects(a.geom, i.geom)
                 ORDER BY ST_Contains(a.geom, i.geom) DESC, a.code LIMIT 1)""")).isZero();
        // MSOA and district follow the LSOA through the lookup, so the levels nest.
        assertThat(Sql.count(db, """
                SELECT count(*) FROM incident i JOIN area_parent p ON p.level = 'lsoa' AND p.code = i.lsoa_code
                 AND p.parent_level = 'msoa' WHERE i.msoa_code IS DISTINCT FROM p.parent_code""")).isZero();
        assertThat(Sql.count(
                        db, "SELECT count(*) FROM incident WHERE area_match = 'inside' AND lad_code <> 'E08000012'"))
                .isZero();
        // Points in no LSOA are kept and flagged, not dropped.
        long outside = Sql.count(db, "SELECT count(*) FROM incident WHERE area_match = 'outside'");
        assertThat(outside).isPositive().isEqualTo(Sql.count(db, """
                SELECT count(*) FROM incident i WHERE NOT EXISTS (SELECT 1 FROM area a
                 WHERE a.level = 'lsoa' AND ST_Intersects(a.geom, i.geom))"""));
        assertThat(Sql.count(
                        db, "SELECT count(*) FROM incident WHERE area_match = 'outside' AND lsoa_code IS NOT NULL"))
                .isZero();
    }

    @Test
    void customSetsAreRelatedToLsoasByAreaAndIncidentsAreReassigned() {
        Database own = org.safemap.testing.TestDatabase.fresh("custom");
        try {
            org.safemap.demo.DemoData.load(own, new org.safemap.demo.DemoData.Listener() {
                @Override
                public java.util.function.LongConsumer starting(SourceFile file, int index, int total) {
                    return n -> {};
                }

                @Override
                public void finished(SourceFile file, String summary) {}
            });
            // Beat A is exactly one LSOA; beat B is two neighbouring LSOAs merged.
            List<Object> pair = Sql.rows(
                            own,
                            "SELECT code, neighbour_code FROM area_neighbour WHERE level = 'lsoa' "
                                    + "AND code <> 'E01006512' AND neighbour_code <> 'E01006512' ORDER BY shared_boundary_m DESC LIMIT 1")
                    .get(0);
            String json = (String) Sql.value(own, """
                    SELECT json_build_object('type', 'FeatureCollection',
                      'crs', json_build_object('type', 'name', 'properties', json_build_object('name', 'EPSG:27700')),
                      'features', json_build_array(
                        json_build_object('type', 'Feature', 'properties', json_build_object('beat', 'A', 'label', 'Beat A'),
                          'geometry', (SELECT ST_AsGeoJSON(geom, 9)::json FROM area WHERE level = 'lsoa' AND code = 'E01006512')),
                        json_build_object('type', 'Feature', 'properties', json_build_object('beat', 'B', 'label', 'Beat B'),
                          'geometry', (SELECT ST_AsGeoJSON(ST_Union(geom), 9)::json FROM area WHERE level = 'lsoa'
                                       AND code IN (?, ?)))))::text""", pair.get(0), pair.get(1));
            AreaLoader.Result r = new AreaLoader(own.dataSource())
                    .load(
                            SourceFiles.text("beats.geojson", json),
                            AreaLevel.parse("custom:beats"),
                            2024,
                            "beat",
                            "label",
                            n -> {});
            assertThat(r.areas()).isEqualTo(2);

            assertThat(((Number) Sql.value(
                                    own,
                                    "SELECT share_of_area FROM area_overlap WHERE code = 'A' "
                                            + "AND lsoa_code = 'E01006512'"))
                            .doubleValue())
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(((Number) Sql.value(own, "SELECT sum(share_of_area) FROM area_overlap WHERE code = 'B'"))
                            .doubleValue())
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            AreaProfiles profiles = new AreaProfiles(own.dataSource());
            long popA = Sql.count(own, "SELECT population FROM area_population WHERE code = 'E01006512'");
            long popB = Sql.count(
                    own, "SELECT sum(population) FROM area_population WHERE code IN (?, ?)", pair.get(0), pair.get(1));
            try {
                assertThat(profiles.profile(
                                        "A",
                                        java.util.Optional.of(AreaLevel.parse("custom:beats")),
                                        java.util.Optional.empty())
                                .orElseThrow()
                                .population()
                                .residents())
                        .isEqualTo(popA);
                assertThat(profiles.profile(
                                        "B",
                                        java.util.Optional.of(AreaLevel.parse("custom:beats")),
                                        java.util.Optional.empty())
                                .orElseThrow()
                                .population()
                                .residents())
                        .isEqualTo(popB);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }

            IncidentAreaUpdater.Result u =
                    new IncidentAreaUpdater(own.dataSource()).reassignAll(AreaAssigner.load(own.dataSource()), n -> {});
            long inA = Sql.count(own, "SELECT count(*) FROM incident WHERE lsoa_code = 'E01006512'");
            long inB =
                    Sql.count(own, "SELECT count(*) FROM incident WHERE lsoa_code IN (?, ?)", pair.get(0), pair.get(1));
            assertThat(Sql.count(own, "SELECT count(*) FROM incident WHERE custom_areas->>'custom:beats' = 'A'"))
                    .isEqualTo(inA);
            assertThat(Sql.count(own, "SELECT count(*) FROM incident WHERE custom_areas->>'custom:beats' = 'B'"))
                    .isEqualTo(inB);
            assertThat(u.changed()).isEqualTo(inA + inB);
            assertThat(u.incidents()).isEqualTo(TestData.demoRecords());
        } finally {
            own.close();
        }
    }
}
