package org.safemap.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Marker and name placement on constructed maps: crowded points, a full corner, names that cannot all fit. */
class MapMarkersTest {
    private static final double R = MapMarkers.radius(13);

    @Test
    void markersOnOnePointAreSetOffWithLeadersAndNeverOverlap() {
        List<MapMarkers.Anchor> anchors = new ArrayList<>();
        for (int k = 1; k <= 6; k++) {
            anchors.add(new MapMarkers.Anchor(k, 300 + k, 200)); // six hot spots within six pixels
        }
        Rectangle2D furniture = new Rectangle2D.Double(0, 0, 600, 40);
        List<MapMarkers.Marker> placed = MapMarkers.place(anchors, R, 600, 400, List.of(furniture));
        assertThat(placed).hasSize(6);
        // a disc never hides another hot spot's point, where that one's leader starts: here every one is set off
        assertThat(placed).allMatch(MapMarkers.Marker::offset);
        for (int i = 0; i < placed.size(); i++) {
            assertThat(placed.get(i).box().intersects(furniture)).isFalse();
            for (int j = i + 1; j < placed.size(); j++) {
                assertThat(Math.hypot(
                                placed.get(i).x() - placed.get(j).x(),
                                placed.get(i).y() - placed.get(j).y()))
                        .isGreaterThanOrEqualTo(2 * R + MapMarkers.GAP);
            }
        }
    }

    @Test
    void aCrowdIsTheLargestGroupOfNearMarkersWhenBigEnough() {
        List<MapMarkers.Anchor> anchors = List.of(
                new MapMarkers.Anchor(1, 100, 100),
                new MapMarkers.Anchor(2, 120, 100),
                new MapMarkers.Anchor(3, 140, 110), // chained to 2, not to 1
                new MapMarkers.Anchor(4, 150, 130),
                new MapMarkers.Anchor(5, 400, 300),
                new MapMarkers.Anchor(6, 420, 300));
        assertThat(MapMarkers.crowd(anchors, 3 * R, 4)).containsExactly(1, 2, 3, 4);
        assertThat(MapMarkers.crowd(anchors, 3 * R, 5)).isEmpty();
    }

    @Test
    void namesThatDoNotFitAreLeftOutAndThePlacedOnesAreDisjoint() {
        List<MapLabels.Place> places = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            places.add(new MapLabels.Place("Street number " + k, "street", 100 + (k % 5) * 6, 100 + (k / 5) * 4));
        }
        places.add(new MapLabels.Place("Street number 3", "street", 250, 250)); // a namesake is named once
        Rectangle2D marker = new Rectangle2D.Double(90, 90, 30, 30);
        List<MapLabels.Placed> placed = MapLabels.place(places, List.of(marker), 300, 300, 30);
        assertThat(placed.size()).isBetween(2, 39);
        assertThat(placed.stream().map(MapLabels.Placed::name).distinct()).hasSize(placed.size());
        for (int i = 0; i < placed.size(); i++) {
            Rectangle2D a = placed.get(i).box();
            assertThat(a.intersects(marker)).isFalse();
            assertThat(new Rectangle2D.Double(0, 0, 300, 300).contains(a)).isTrue();
            for (int j = i + 1; j < placed.size(); j++) {
                assertThat(a.intersects(placed.get(j).box())).isFalse();
            }
        }
    }

    @Test
    void stretchBreaksAreNearestRankPercentiles() {
        float[] values = new float[200];
        for (int k = 0; k < values.length; k++) {
            values[k] = (k * 37) % 200; // 0..199, shuffled
        }
        MapStretch s = MapStretch.of("here", 50, values);
        // nearest rank: the p-th percentile of 0..199 is the value at index ceil(p/100 * 200) - 1
        assertThat(s.breaks()).containsExactly(39, 79, 119, 149, 169, 185, 197);
        assertThat(s.cells()).isEqualTo(200);
        assertThat(s.statement()).startsWith("Colours stretched to here: darkest = top 1% of cells here (at least 197");
    }
}
