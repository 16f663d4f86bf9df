package org.safemap.hotspot;

import java.util.Arrays;

/**
 * Incident locations in EPSG:27700 metres with a weight each (1 unless severity or aoristic weighting applies), held
 * as parallel primitive arrays so a million points cost 24 MB, not a million objects.
 */
public record WeightedPoints(double[] x, double[] y, double[] weight) {
    public WeightedPoints {
        if (x.length != y.length || x.length != weight.length) {
            throw new IllegalArgumentException(
                    "x, y and weight arrays differ in length: " + x.length + ", " + y.length + ", " + weight.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("point " + (i + 1) + " has a coordinate that is not a number");
            }
            if (!Double.isFinite(weight[i]) || weight[i] < 0) {
                throw new IllegalArgumentException(
                        "point " + (i + 1) + " has weight " + weight[i] + "; weights must be finite and not negative");
            }
        }
    }

    /** Points of weight 1. */
    public static WeightedPoints unweighted(double[] x, double[] y) {
        double[] w = new double[x.length];
        Arrays.fill(w, 1.0);
        return new WeightedPoints(x, y, w);
    }

    public int size() {
        return x.length;
    }

    public double totalWeight() {
        double sum = 0;
        for (double w : weight) {
            sum += w;
        }
        return sum;
    }

    /** The smallest rectangle holding every point, as {minX, minY, maxX, maxY}; refused for no points. */
    public double[] bounds() {
        if (x.length == 0) {
            throw new IllegalArgumentException("no points");
        }
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            minX = Math.min(minX, x[i]);
            maxX = Math.max(maxX, x[i]);
            minY = Math.min(minY, y[i]);
            maxY = Math.max(maxY, y[i]);
        }
        return new double[] {minX, minY, maxX, maxY};
    }
}
