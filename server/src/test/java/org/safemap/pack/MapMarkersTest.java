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
    void everyCrowdBigEnoughIsFoundLargestFirst() {
        List<MapMarkers.Anchor> anchors = new ArrayList<>();
        // a city centre of five (1, 2, 4, 6, 9) and a town centre of four (3, 5, 7, 8) far from it, and 10 alone
        int[] centre = {1, 2, 4, 6, 9};
        int[] town = {3, 5, 7, 8};
        for (int k = 0; k < centre.length; k++) {
            anchors.add(new MapMarkers.Anchor(centre[k], 700 + 12 * k, 200 + 5 * k));
        }
        for (int k = 0; k < town.length; k++) {
            anchors.add(new MapMarkers.Anchor(town[k], 250 + 10 * k, 520 - 8 * k));
        }
        anchors.add(new MapMarkers.Anchor(10, 500, 400));
        assertThat(MapMarkers.crowds(anchors, 3 * R, 4)).containsExactly(List.of(1, 2, 4, 6, 9), List.of(3, 5, 7, 8));
        assertThat(MapMarkers.crowd(anchors, 3 * R, 4)).containsExactly(1, 2, 4, 6, 9);
        assertThat(MapMarkers.crowds(anchors, 3 * R, 5)).containsExactly(List.of(1, 2, 4, 6, 9));
    }

    @Test
    void twoCrowdsGetTwoInsetsThatOverlapNothingAndTheirMarkersAreReadable() {
        int width = 1060;
        int height = 760;
        List<MapMarkers.Anchor> anchors = new ArrayList<>();
        for (int k = 0; k < 5; k++) { // two dense centres, each markers a few pixels apart, and one hot spot alone
            anchors.add(new MapMarkers.Anchor(1 + k, 560 + 7 * k, 330 + 4 * (k % 2)));
            anchors.add(new MapMarkers.Anchor(6 + k, 330 + 6 * (k % 3), 470 + 6 * k));
        }
        anchors.add(new MapMarkers.Anchor(11, 900, 120));
        List<MapMarkers.Crowd> crowds = new ArrayList<>();
        for (List<Integer> c : MapMarkers.crowds(anchors, 3 * R, 4)) {
            crowds.add(new MapMarkers.Crowd(c, frame(anchors, c)));
        }
        assertThat(crowds).hasSize(2);
        Rectangle2D credit = new Rectangle2D.Double(0, height - 40, width, 40);
        Rectangle2D north = new Rectangle2D.Double(width - 38, 10, 28, 60);
        List<Rectangle2D> furniture = List.of(credit, north);
        // every corner hides as much of the area as any other: only the rules decide
        List<MapMarkers.Inset> insets =
                MapMarkers.insets(crowds, 3, anchors, width, height, height - 46, furniture, box -> 0);
        assertThat(insets).hasSize(2);
        assertThat(insets).extracting(MapMarkers.Inset::label).containsExactly("A", "B");
        assertThat(insets.get(0).numbers()).containsExactly(1, 2, 3, 4, 5);
        assertThat(insets.get(1).numbers()).containsExactly(6, 7, 8, 9, 10);
        Rectangle2D map = new Rectangle2D.Double(0, 0, width, height);
        for (MapMarkers.Inset inset : insets) {
            Rectangle2D at = inset.at();
            assertThat(map.contains(at)).isTrue();
            assertThat(at.intersects(credit)).isFalse();
            assertThat(at.intersects(north)).isFalse();
            for (MapMarkers.Crowd c : crowds) {
                assertThat(at.intersects(c.frame()))
                        .as("inset over a crowd's frame")
                        .isFalse();
            }
            assertThat(at.contains(900, 120)).as("inset over the lone hot spot").isFalse();
            // enlarged: the crowd's markers, at the overview's marker size, are set apart and inside the inset
            List<MapMarkers.Anchor> inner = MapMarkers.enlarged(anchors, inset);
            assertThat(inner).extracting(MapMarkers.Anchor::number).containsExactlyElementsOf(inset.numbers());
            List<MapMarkers.Marker> placed =
                    MapMarkers.place(inner, R, (int) at.getWidth(), (int) at.getHeight(), List.of());
            assertDisjointInside(placed, at.getWidth(), at.getHeight());
            // a crowd's spread grows: neighbours a few pixels apart on the overview are far apart in the inset
            double spread = Math.hypot(
                    inner.get(0).x() - inner.get(inner.size() - 1).x(),
                    inner.get(0).y() - inner.get(inner.size() - 1).y());
            assertThat(spread).isGreaterThan(4 * R);
        }
        assertThat(MapMarkers.grow(insets.get(0).at(), MapMarkers.INSET_GAP)
                        .intersects(insets.get(1).at()))
                .isFalse();
        // the lone marker goes on the overview, clear of both insets
        List<Rectangle2D> clear = new ArrayList<>(furniture);
        insets.forEach(i -> clear.add(i.at()));
        List<MapMarkers.Marker> lone = MapMarkers.place(List.of(anchors.get(10)), R, width, height, clear);
        for (MapMarkers.Inset inset : insets) {
            assertThat(lone.get(0).box().intersects(inset.at())).isFalse();
        }
    }

    @Test
    void crowdsBeyondTheMaximumOrWithNoFreeCornerKeepTheirMarkersOnTheMap() {
        int width = 1060;
        int height = 760;
        List<MapMarkers.Anchor> anchors = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            anchors.add(new MapMarkers.Anchor(1 + k, 530 + 6 * k, 380)); // the middle
            anchors.add(new MapMarkers.Anchor(5 + k, 100 + 6 * k, 100)); // the top left corner
        }
        List<MapMarkers.Crowd> crowds = new ArrayList<>();
        for (List<Integer> c : MapMarkers.crowds(anchors, 3 * R, 4)) {
            crowds.add(new MapMarkers.Crowd(c, frame(anchors, c)));
        }
        assertThat(crowds).hasSize(2);
        // at most one: the first crowd only
        List<MapMarkers.Inset> one =
                MapMarkers.insets(crowds, 1, anchors, width, height, height - 8, List.of(), b -> 0);
        assertThat(one).hasSize(1);
        assertThat(one.get(0).label()).isEmpty();
        assertThat(one.get(0).at().intersects(crowds.get(1).frame())).isFalse();
        // a map so small that no inset clears both frames: none rather than one over a crowd
        List<MapMarkers.Inset> none = MapMarkers.insets(
                List.of(new MapMarkers.Crowd(List.of(1, 2, 3, 4), new Rectangle2D.Double(40, 40, 220, 160))),
                3,
                anchors,
                300,
                240,
                232,
                List.of(),
                b -> 0);
        assertThat(none).isEmpty();
        // every marker then stays on the map, offset where they crowd, none overlapping
        assertDisjointInside(MapMarkers.place(anchors, R, width, height, List.of()), width, height);
    }

    @Test
    void crowdNumbersReadAsRanges() {
        assertThat(MapMarkers.numbers(List.of(1, 2, 3, 4, 6, 8, 9, 10, 13, 16, 17, 18, 19)))
                .isEqualTo("1\u20134, 6, 8\u201310, 13, 16\u201319");
        assertThat(MapMarkers.numbers(List.of(1, 2, 3, 4, 5))).isEqualTo("1\u20135");
        assertThat(MapMarkers.numbers(List.of(2, 3, 7))).isEqualTo("2, 3, 7");
    }

    /** A crowd's frame as the pack draws it: its points' extent with a margin. */
    private static Rectangle2D frame(List<MapMarkers.Anchor> anchors, List<Integer> crowd) {
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (MapMarkers.Anchor a : anchors) {
            if (crowd.contains(a.number())) {
                minX = Math.min(minX, a.x());
                minY = Math.min(minY, a.y());
                maxX = Math.max(maxX, a.x());
                maxY = Math.max(maxY, a.y());
            }
        }
        return new Rectangle2D.Double(minX - 12, minY - 12, maxX - minX + 24, maxY - minY + 24);
    }

    private static void assertDisjointInside(List<MapMarkers.Marker> placed, double width, double height) {
        for (int i = 0; i < placed.size(); i++) {
            MapMarkers.Marker a = placed.get(i);
            assertThat(new Rectangle2D.Double(0, 0, width, height).contains(a.box()))
                    .as("marker " + a.number() + " inside")
                    .isTrue();
            for (int j = i + 1; j < placed.size(); j++) {
                MapMarkers.Marker b = placed.get(j);
                assertThat(Math.hypot(a.x() - b.x(), a.y() - b.y()))
                        .as("markers " + a.number() + " and " + b.number())
                        .isGreaterThanOrEqualTo(a.radius() + b.radius() + MapMarkers.GAP);
            }
        }
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
