package org.safemap.hotspot;

import java.util.HashMap;
import java.util.Map;

/**
 * The naive forecasts any hotspot method has to beat, scored per place (grid cell or area) from the training
 * incidents alone. Places differ in size when they are areas, and coverage is measured in area, so every map ranks
 * by incidents per km²: ranking areas by raw count would favour big areas that hold many incidents thinly.
 */
public final class NaiveMaps {
    private NaiveMaps() {}

    /** An exact location (millimetres) within one place. */
    private record Location(long x, long y, int place) {}

    /** Incidents per km² of each place; a place of no area scores its count (it costs no coverage). */
    public static double[] perKm2(double[] counts, double[] areaKm2) {
        double[] out = new double[counts.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = areaKm2[i] > 0 ? counts[i] / areaKm2[i] : counts[i];
        }
        return out;
    }

    /**
     * Incidents per km² counting only incidents whose time (the middle of their window) falls at or after
     * {@code sinceEpochSecond}: "last period's map".
     *
     * @param place the place of each incident, -1 for none
     */
    public static double[] recentPerKm2(
            int[] place, double[] weight, long[] when, long sinceEpochSecond, double[] areaKm2) {
        double[] counts = new double[areaKm2.length];
        for (int p = 0; p < place.length; p++) {
            if (place[p] >= 0 && when[p] >= sinceEpochSecond) {
                counts[place[p]] += weight[p];
            }
        }
        return perKm2(counts, areaKm2);
    }

    /**
     * The snap-point map: each place scored by its busiest exact location (police.uk publishes incidents at anonymous
     * snap points, so one location often holds many), ties broken by the place's
     * incidents per km². The map a reader of the published points would draw by hand: circle the busiest points.
     */
    public static double[] busiestLocation(int[] place, WeightedPoints points, double[] areaKm2) {
        Map<Location, Double> atLocation = new HashMap<>();
        double[] counts = new double[areaKm2.length];
        for (int p = 0; p < place.length; p++) {
            if (place[p] >= 0) {
                counts[place[p]] += points.weight()[p];
                atLocation.merge(
                        new Location(Math.round(points.x()[p] * 1000), Math.round(points.y()[p] * 1000), place[p]),
                        points.weight()[p],
                        Double::sum);
            }
        }
        double[] busiest = new double[areaKm2.length];
        atLocation.forEach((location, total) -> busiest[location.place()] = Math.max(busiest[location.place()], total));
        double[] density = perKm2(counts, areaKm2);
        double maxDensity = 0;
        for (double d : density) {
            maxDensity = Math.max(maxDensity, d);
        }
        double[] out = new double[areaKm2.length];
        for (int i = 0; i < out.length; i++) {
            // the density share is below 1, so it orders only places whose busiest location is equal
            out[i] = busiest[i] + (maxDensity > 0 ? 0.999 * density[i] / maxDensity : 0);
        }
        return out;
    }
}
