package org.safemap.map;

import org.safemap.geo.Crs;

/**
 * What one map image shows: an extent in a CRS, x (easting or longitude) first whatever the request's axis order,
 * and the image size. Pixel (i, j) has its centre at {@code minX + (i + 0.5)·resX}, {@code maxY − (j + 0.5)·resY}
 * (rows run north to south, as in the image).
 */
public record MapView(MapCrs crs, double minX, double minY, double maxX, double maxY, int width, int height) {
    /** OGC's standardised rendering pixel, 0.28 mm, which scale denominators are defined by. */
    public static final double PIXEL_METRES = 0.00028;
    /** Metres per degree on the WGS84 semi-major axis, as OGC and GeoServer use for geographic scales. */
    public static final double METRES_PER_DEGREE = 6378137 * Math.PI / 180;

    public MapView {
        if (!(maxX > minX) || !(maxY > minY)) {
            throw new IllegalArgumentException("empty or inverted extent");
        }
    }

    public double resX() {
        return (maxX - minX) / width;
    }

    public double resY() {
        return (maxY - minY) / height;
    }

    public double centreX(int i) {
        return minX + (i + 0.5) * resX();
    }

    public double centreY(int j) {
        return maxY - (j + 0.5) * resY();
    }

    /** The scale denominator, from the horizontal resolution, as SLD scale ranges use it. */
    public double scaleDenominator() {
        double metresPerPixel = crs.degrees() ? resX() * METRES_PER_DEGREE : resX();
        return metresPerPixel / PIXEL_METRES;
    }

    /** The extent in British National Grid (the envelope of its transformed edges), for queries. */
    public double[] bngEnvelope() {
        if (crs.crs() == Crs.BNG) {
            return new double[] {minX, minY, maxX, maxY};
        }
        Crs.Transform t = crs.crs().to(Crs.BNG);
        double[] env = {
            Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY
        };
        double[] p = new double[2];
        int steps = 16;
        for (int k = 0; k <= steps; k++) {
            double fx = minX + (maxX - minX) * k / steps;
            double fy = minY + (maxY - minY) * k / steps;
            double[][] edge = {{fx, minY}, {fx, maxY}, {minX, fy}, {maxX, fy}};
            for (double[] e : edge) {
                t.apply(e[0], clampLat(e[1]), p);
                if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                    env[0] = Math.min(env[0], p[0]);
                    env[1] = Math.min(env[1], p[1]);
                    env[2] = Math.max(env[2], p[0]);
                    env[3] = Math.max(env[3], p[1]);
                }
            }
        }
        return env;
    }

    private double clampLat(double v) {
        return crs.degrees() ? Math.max(-89.9, Math.min(89.9, v)) : v;
    }
}
