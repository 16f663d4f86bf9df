package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.safemap.SafemapException;
import org.safemap.geo.Crs;

/** The coordinate writer against BigDecimal's rounding, and the CRS names features accept. */
class FeaturesServiceTest {
    @Test
    void coordinatesAreWrittenAsTheirRoundedDecimalValue() throws Exception {
        Random random = new Random(20261207L);
        for (int decimals : new int[] {2, 7}) {
            double scale = Math.pow(10, decimals);
            for (int k = 0; k < 20_000; k++) {
                double v = switch (k % 4) {
                    case 0 -> (random.nextDouble() - 0.5) * 360;
                    case 1 -> random.nextDouble() * 1_300_000;
                    case 2 -> (random.nextDouble() - 0.5) * 2e-6;
                    default -> Math.round(random.nextGaussian() * 1000) / 10.0;
                };
                StringWriter out = new StringWriter();
                try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(out)) {
                    FeaturesService.writeFixed(g, v, scale, decimals, new char[32]);
                }
                BigDecimal expected = BigDecimal.valueOf(Math.round(v * scale)).movePointLeft(decimals);
                assertThat(new BigDecimal(out.toString()))
                        .as("%s at %d decimals", v, decimals)
                        .isEqualByComparingTo(expected);
                assertThat(out.toString())
                        .doesNotContain("E")
                        .doesNotEndWith(".")
                        .isNotEqualTo("-0");
            }
        }
    }

    @Test
    void crsByUriCurieOrEpsgCodeAndNothingElse() {
        assertThat(FeaturesService.crs(null, "crs")).isEqualTo(Crs.WGS84);
        assertThat(FeaturesService.crs("http://www.opengis.net/def/crs/EPSG/0/27700", "crs"))
                .isEqualTo(Crs.BNG);
        assertThat(FeaturesService.crs("[EPSG:3857]", "crs")).isEqualTo(Crs.WEB_MERCATOR);
        assertThat(FeaturesService.crs("https://www.opengis.net/def/crs/OGC/1.3/CRS84", "crs"))
                .isEqualTo(Crs.WGS84);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> FeaturesService.crs("http://www.opengis.net/def/crs/EPSG/0/4326", "bbox-crs"))
                .isInstanceOf(SafemapException.class)
                .hasMessageContaining("bbox-crs");
    }
}
