package org.safemap.geo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Great Britain's outline against real places: its coasts and islands are in, Ireland, the Isle of Man, the Irish Sea
 * and the Continent are out, though all lie inside the National Grid's box, which used to be the test.
 */
class GreatBritainTest {
    private final Crs.Transform toGrid = Crs.WGS84.to(Crs.BNG);

    private boolean inside(double lon, double lat) {
        double[] en = new double[2];
        toGrid.apply(lon, lat, en);
        return GreatBritain.containsGrid(en[0], en[1]);
    }

    @Test
    void keepsTheMainlandItsIslandsAndItsDocks() {
        assertThat(inside(-2.992, 53.400)).as("Albert Dock, Liverpool").isTrue();
        assertThat(inside(-3.025, 53.462))
                .as("Royal Seaforth Dock, at the mouth of the Mersey")
                .isTrue();
        assertThat(inside(-1.145, 60.155)).as("Lerwick, Shetland").isTrue();
        assertThat(inside(-0.885, 60.855))
                .as("Muckle Flugga, Britain's northernmost rock")
                .isTrue();
        assertThat(inside(-6.315, 49.914)).as("Hugh Town, Isles of Scilly").isTrue();
        assertThat(inside(-1.290, 50.700)).as("Newport, Isle of Wight").isTrue();
        assertThat(inside(-4.320, 53.300)).as("Anglesey").isTrue();
        assertThat(inside(-8.570, 57.810)).as("St Kilda").isTrue();
        assertThat(inside(-5.714, 50.066)).as("Land's End").isTrue();
        assertThat(inside(1.762, 52.481))
                .as("Lowestoft Ness, the most easterly point")
                .isTrue();
        assertThat(inside(-5.580, 55.280)).as("Sanda, off the Mull of Kintyre").isTrue();
    }

    @Test
    void refusesIrelandTheIrishSeaTheIsleOfManAndFrance() {
        assertThat(inside(-6.260, 53.350)).as("Dublin").isFalse();
        assertThat(inside(-5.930, 54.600))
                .as("Belfast: Northern Ireland is in the UK, not Great Britain")
                .isFalse();
        assertThat(inside(-6.200, 55.290))
                .as("Rathlin Island, Northern Ireland")
                .isFalse();
        assertThat(inside(-5.000, 53.800)).as("the Irish Sea").isFalse();
        assertThat(inside(-4.480, 54.150)).as("Douglas, Isle of Man").isFalse();
        assertThat(inside(1.860, 50.950)).as("Calais").isFalse();
        assertThat(inside(-2.000, 57.000))
                .as("the North Sea, 12 km off Stonehaven")
                .isFalse();
    }

    @Test
    void aTruncatedEastingIsNoLongerInGreatBritain() {
        // Liverpool city centre, and the same point with the easting's last digit lost: it lands in the Irish
        // midlands (7.5° W, 53.3° N), inside the National Grid's box but not in Great Britain.
        assertThat(GreatBritain.containsGrid(335_150, 390_650)).isTrue();
        assertThat(GreatBritain.containsGrid(33_515, 390_650)).isFalse();
        // And the northing's: the English Channel, 25 km south of Lyme Bay.
        assertThat(GreatBritain.containsGrid(335_150, 39_065)).isFalse();
    }

    @Test
    void refusesNumbersThatAreNotPlaces() {
        assertThat(GreatBritain.containsGrid(Double.NaN, 390_650)).isFalse();
        assertThat(GreatBritain.containsGrid(335_150, Double.POSITIVE_INFINITY)).isFalse();
        assertThat(GreatBritain.containsGrid(-335_150, 390_650)).isFalse();
    }
}
