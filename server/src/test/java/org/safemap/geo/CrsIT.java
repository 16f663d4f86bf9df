package org.safemap.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;

/** SafeMap's own transforms against PostGIS/PROJ on the same points. */
class CrsIT {

    @Test
    void wgs84ToBritishNationalGridAgreesWithPostgis() {
        Database db = TestDatabase.shared();
        Crs.Transform toBng = Crs.WGS84.to(Crs.BNG);
        double[] r = new double[2];
        double worst = 0;
        // A grid over Great Britain, Scilly to Shetland.
        for (double lon = -7.5; lon <= 1.75; lon += 0.75) {
            for (double lat = 49.9; lat <= 60.8; lat += 0.9) {
                toBng.apply(lon, lat, r);
                List<Object> pg = Sql.rows(
                                db,
                                "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID("
                                        + "ST_MakePoint(?, ?), 4326), 27700) p) t",
                                lon,
                                lat)
                        .get(0);
                double dx = r[0] - ((Number) pg.get(0)).doubleValue();
                double dy = r[1] - ((Number) pg.get(1)).doubleValue();
                worst = Math.max(worst, Math.hypot(dx, dy));
            }
        }
        assertThat(worst).as("largest difference in metres").isLessThan(0.01);
    }

    @Test
    void webMercatorRoundTripsThroughPostgis() {
        Database db = TestDatabase.shared();
        double[] r = new double[2];
        Crs.BNG.to(Crs.WEB_MERCATOR).apply(334937.66, 389689.23, r);
        List<Object> pg = Sql.rows(
                        db,
                        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID("
                                + "ST_MakePoint(334937.66, 389689.23), 27700), 3857) p) t")
                .get(0);
        assertThat(r[0]).isCloseTo(((Number) pg.get(0)).doubleValue(), org.assertj.core.data.Offset.offset(0.01));
        assertThat(r[1]).isCloseTo(((Number) pg.get(1)).doubleValue(), org.assertj.core.data.Offset.offset(0.01));
    }
}
