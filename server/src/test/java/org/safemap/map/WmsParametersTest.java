package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.YearMonth;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.safemap.geo.Crs;

class WmsParametersTest {

    @Test
    void epsg4326IsLatitudeFirstOnlyInWms130() {
        assertThat(MapCrs.parse("EPSG:4326", WmsVersion.V1_3_0).northingFirst()).isTrue();
        assertThat(MapCrs.parse("EPSG:4326", WmsVersion.V1_1_1).northingFirst()).isFalse();
        assertThat(MapCrs.parse("CRS:84", WmsVersion.V1_3_0).northingFirst()).isFalse();
        assertThat(MapCrs.parse("epsg:27700", WmsVersion.V1_3_0).crs()).isEqualTo(Crs.BNG);
        assertThat(MapCrs.parse("EPSG:900913", WmsVersion.V1_1_1).code()).isEqualTo("EPSG:3857");
        assertThat(MapCrs.parse("urn:ogc:def:crs:EPSG::27700", WmsVersion.V1_3_0)
                        .crs())
                .isEqualTo(Crs.BNG);
        assertThatThrownBy(() -> MapCrs.parse("EPSG:2154", WmsVersion.V1_3_0))
                .isInstanceOfSatisfying(
                        OgcException.class, e -> assertThat(e.code()).isEqualTo("InvalidCRS"));
        assertThatThrownBy(() -> MapCrs.parse("EPSG:2154", WmsVersion.V1_1_1))
                .isInstanceOfSatisfying(
                        OgcException.class, e -> assertThat(e.code()).isEqualTo("InvalidSRS"));
    }

    @Test
    void versionsNegotiateAsWms130Says() {
        assertThat(WmsVersion.negotiate(null)).isEqualTo(WmsVersion.V1_3_0);
        assertThat(WmsVersion.negotiate("1.1.0")).isEqualTo(WmsVersion.V1_1_1);
        assertThat(WmsVersion.negotiate("1.2.0")).isEqualTo(WmsVersion.V1_1_1);
        assertThat(WmsVersion.negotiate("2.0.0")).isEqualTo(WmsVersion.V1_3_0);
        assertThatThrownBy(() -> WmsVersion.exact("1.2.0")).isInstanceOf(OgcException.class);
    }

    /**
     * Every value capabilities advertise selects its month when sent back, in winter and in British Summer Time
     * (when London's month starts at 23:00 UTC the day before), and the whole extent selects every month.
     */
    @Test
    void eachAdvertisedMonthValueSelectsThatMonth() {
        YearMonth first = YearMonth.of(2021, 10);
        YearMonth last = YearMonth.of(2022, 11);
        for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
            String value = TimeDimension.monthValue(m);
            assertThat(TimeDimension.parse(value, first, last)).as(value).isEqualTo(TimeDimension.months(m, m));
        }
        assertThat(TimeDimension.monthValue(YearMonth.of(2022, 3))).isEqualTo("2022-03-01T00:00:00Z");
        assertThat(TimeDimension.monthsExtent(first, last)).isEqualTo("2021-10-01T00:00:00Z/2022-11-01T00:00:00Z/P1M");
        assertThat(TimeDimension.months(last, last).capabilitiesText()).isEqualTo("2022-11-01T00:00:00Z");
        // several months (a forecast's window) have no single value: they keep the months' spelling
        assertThat(TimeDimension.months(first, last).capabilitiesText()).isEqualTo("2021-10/2022-11");
    }

    @Test
    void timeTakesMonthsRangesAndDatesWithinTheData() {
        YearMonth first = YearMonth.of(2022, 1);
        YearMonth last = YearMonth.of(2022, 7);
        assertThat(TimeDimension.parse(null, first, last)).isEqualTo(TimeDimension.months(last, last));
        assertThat(TimeDimension.parse("current", first, last)).isEqualTo(TimeDimension.months(last, last));
        assertThat(TimeDimension.parse("2022-03", first, last).months()).isEqualTo(1);
        TimeDimension q = TimeDimension.parse("2022-01/2022-03/P1M", first, last);
        assertThat(q.months()).isEqualTo(3);
        assertThat(q.text()).isEqualTo("2022-01/2022-03");
        assertThat(q.monthsLong()).isEqualTo(3.0);
        assertThat(q.period().to())
                .isEqualTo(org.safemap.time.Period.parse("2022-01..2022-03").to());
        // A date-time alone is what QGIS sends for a frame of a layer advertising months: it stands for its month.
        assertThat(TimeDimension.parse("2022-03-01T12:30:00+01:00", first, last))
                .isEqualTo(TimeDimension.months(YearMonth.of(2022, 3), YearMonth.of(2022, 3)));
        // Midnight UTC on 1 July is 01:00 on 1 July in London: July.
        assertThat(TimeDimension.parse("2022-07-01T00:00:00Z", first, last).text())
                .isEqualTo("2022-07");
        for (String bad : new String[] {
            "2023-01",
            "2021-01/2021-12",
            "2022-05/2022-02",
            "July",
            "2022-13",
            "1900-01/2100-01",
            "2022-07-32",
            "2022-07-14/2022-07-01",
            "2021-12-01/2021-12-31",
            "2022-08-01",
            "2022-07-01/2022-07-14/2022-07-20"
        }) {
            assertThatThrownBy(() -> TimeDimension.parse(bad, first, last))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            OgcException.class, e -> assertThat(e.code()).isEqualTo("InvalidDimensionValue"));
        }
    }

    @Test
    void timeTakesDaysAndDayRangesAsTheirExactDays() {
        YearMonth first = YearMonth.of(2022, 1);
        YearMonth last = YearMonth.of(2022, 7);
        TimeDimension fortnight = TimeDimension.parse("2022-07-01/2022-07-14", first, last);
        assertThat(fortnight.wholeMonths()).isFalse();
        assertThat(fortnight.days()).isEqualTo(14);
        assertThat(fortnight.text()).isEqualTo("2022-07-01/2022-07-14");
        assertThat(fortnight.touchedMonths().text()).isEqualTo("2022-07");
        // 14 days over the mean Gregorian month of 30.436875 days
        assertThat(fortnight.monthsLong()).isCloseTo(14 / 30.436875, within(1e-12));
        // The exact days in UK time, 1 July 00:00 BST to 15 July 00:00 BST: the API's period of the same days.
        assertThat(fortnight.period().from()).isEqualTo(Instant.parse("2022-06-30T23:00:00Z"));
        assertThat(fortnight.period().to()).isEqualTo(Instant.parse("2022-07-14T23:00:00Z"));
        org.safemap.time.Period api = org.safemap.time.Period.parse("2022-07-01..2022-07-14");
        assertThat(fortnight.period().from()).isEqualTo(api.from());
        assertThat(fortnight.period().to()).isEqualTo(api.to());
        // One day, and a day range across months (with a resolution, ignored).
        TimeDimension day = TimeDimension.parse("2022-03-15", first, last);
        assertThat(day.text()).isEqualTo("2022-03-15");
        assertThat(day.days()).isEqualTo(1);
        TimeDimension across = TimeDimension.parse("2022-02-26/2022-03-06/P1D", first, last);
        assertThat(across.months()).isEqualTo(2);
        assertThat(across.days()).isEqualTo(9);
        assertThat(across.touchedMonths().text()).isEqualTo("2022-02/2022-03");
        // Days covering whole months are those months, one spelling for cache keys and legends.
        assertThat(TimeDimension.parse("2022-02-01/2022-03-31", first, last).text())
                .isEqualTo("2022-02/2022-03");
        assertThat(TimeDimension.parse("2022-02/2022-03-10", first, last).text())
                .isEqualTo("2022-02-01/2022-03-10");
        // Date-time ranges are the UK days they fall in; an end at midnight (UK, or UTC as QGIS writes frames)
        // is where the range stops.
        assertThat(TimeDimension.parse("2022-01-01T00:00:00Z/2022-03-31T22:59:59Z", first, last)
                        .text())
                .isEqualTo("2022-01/2022-03");
        assertThat(TimeDimension.parse("2022-07-01T00:00:00Z/2022-08-01T00:00:00Z", first, last)
                        .text())
                .isEqualTo("2022-07");
        assertThat(TimeDimension.parse("2022-07-01T00:00:00+01:00/2022-07-15T00:00:00+01:00", first, last)
                        .text())
                .isEqualTo("2022-07-01/2022-07-14");
        assertThat(TimeDimension.parse("2022-07-03T18:00:00Z/2022-07-03T23:30:00Z", first, last)
                        .text())
                .isEqualTo("2022-07-03/2022-07-04");
    }

    @Test
    void scaleDenominatorsUseTheStandardisedPixel() {
        MapView bng = new MapView(new MapCrs("EPSG:27700", Crs.BNG, false), 0, 0, 2800, 2800, 1000, 1000);
        assertThat(bng.scaleDenominator()).isCloseTo(10_000, org.assertj.core.data.Offset.offset(1e-6));
        MapView geo = new MapView(new MapCrs("CRS:84", Crs.WGS84, false), -3, 53, -2, 54, 1000, 1000);
        assertThat(geo.scaleDenominator())
                .isCloseTo(111_319.49 / 1000 / 0.00028, org.assertj.core.data.Percentage.withPercentage(0.01));
    }

    @Test
    void eightBitPngKeepsExactColoursAndTransparencyWhenThereAreFew() throws Exception {
        BufferedImage argb = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                argb.setRGB(x, y, x < 32 ? 0x80FF0000 : y < 32 ? 0xFF00FF00 : 0x00000000);
            }
        }
        byte[] png = ImageEncoder.encode(argb, ImageEncoder.Format.PNG8, true, java.awt.Color.WHITE);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(back.getColorModel()).isInstanceOf(IndexColorModel.class);
        assertThat(back.getRGB(0, 0)).isEqualTo(0x80FF0000);
        assertThat(back.getRGB(40, 0)).isEqualTo(0xFF00FF00);
        assertThat(back.getRGB(40, 40) >>> 24).isZero();
    }

    @Test
    void eightBitPngOfARampStaysCloseToTheOriginal() throws Exception {
        BufferedImage argb = new BufferedImage(256, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 256; x++) {
                argb.setRGB(x, y, 0xFF << 24 | x << 16 | (y * 4) << 8 | (255 - x));
            }
        }
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(
                ImageEncoder.encode(argb, ImageEncoder.Format.PNG8, true, java.awt.Color.WHITE)));
        long error = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 256; x++) {
                int a = argb.getRGB(x, y);
                int b = back.getRGB(x, y);
                for (int s = 0; s < 24; s += 8) {
                    error += Math.abs((a >> s & 0xFF) - (b >> s & 0xFF));
                }
            }
        }
        assertThat(error / (256.0 * 64 * 3)).as("mean error per channel").isLessThan(6);
    }

    @Test
    void jpegIsFlattenedOntoTheBackground() throws Exception {
        BufferedImage argb = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
        byte[] jpeg = ImageEncoder.encode(argb, ImageEncoder.Format.JPEG, true, new java.awt.Color(0x336699));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(jpeg));
        int p = back.getRGB(8, 8);
        assertThat(Math.abs((p >> 16 & 0xFF) - 0x33)).isLessThan(4);
        assertThat(Math.abs((p & 0xFF) - 0x99)).isLessThan(4);
    }
}
