package org.safemap.geo;

import org.locationtech.proj4j.CRSFactory;
import org.locationtech.proj4j.CoordinateReferenceSystem;
import org.locationtech.proj4j.CoordinateTransform;
import org.locationtech.proj4j.CoordinateTransformFactory;
import org.locationtech.proj4j.ProjCoordinate;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * The coordinate reference systems SafeMap speaks, and transforms between them (Proj4J).
 *
 * <p>WGS84 to British National Grid uses the EPSG:1314 seven-parameter Helmert transformation (OSGB36 to WGS 84,
 * about 2 m accuracy), which is also what PostGIS/PROJ use when the OSTN15 grid is not installed, as on Debian;
 * SafeMap stores the coordinates it computes, so point-in-area assignment and the stored geometry always agree.
 */
public enum Crs {
    /** WGS84 longitude/latitude, x = longitude (the axis order of GeoJSON and CRS:84). */
    WGS84(4326, "+proj=longlat +datum=WGS84 +no_defs"),
    /** OSGB36 / British National Grid, metres: how SafeMap stores everything. */
    BNG(
            27700,
            "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy "
                    + "+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs"),
    /** Web Mercator, metres: web tiles. */
    WEB_MERCATOR(
            3857,
            "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m "
                    + "+nadgrids=@null +wktext +no_defs");

    private final int epsg;
    private final CoordinateReferenceSystem proj;

    Crs(int epsg, String parameters) {
        this.epsg = epsg;
        this.proj = new CRSFactory().createFromParameters("EPSG:" + epsg, parameters);
    }

    public int epsg() {
        return epsg;
    }

    public static Crs ofEpsg(int epsg) {
        for (Crs crs : values()) {
            if (crs.epsg == epsg) {
                return crs;
            }
        }
        throw new SafemapException(
                ErrorCode.BAD_REQUEST,
                "unsupported coordinate reference system EPSG:" + epsg
                        + "; SafeMap speaks EPSG:27700, EPSG:4326 and EPSG:3857");
    }

    /**
     * A transform from this CRS to another. Instances are not thread-safe (they reuse a coordinate buffer);
     * make one per thread or per load.
     */
    public Transform to(Crs target) {
        return new Transform(
                this == target ? null : new CoordinateTransformFactory().createTransform(proj, target.proj));
    }

    /** Transforms points; reuses its buffers, so one instance per thread. */
    public static final class Transform {
        private final CoordinateTransform transform;
        private final ProjCoordinate in = new ProjCoordinate();
        private final ProjCoordinate out = new ProjCoordinate();

        private Transform(CoordinateTransform transform) {
            this.transform = transform;
        }

        /** Transforms (x, y) into {@code result[0..1]}. */
        public void apply(double x, double y, double[] result) {
            if (transform == null) {
                result[0] = x;
                result[1] = y;
                return;
            }
            in.x = x;
            in.y = y;
            transform.transform(in, out);
            result[0] = out.x;
            result[1] = out.y;
        }

        /**
         * The envelope {minX, minY, maxX, maxY} of a box's image, each side traced at {@code steps} + 1 points: a
         * straight side in one CRS is curved in another, so the corners alone can miss part of it.
         */
        public double[] envelope(double[] box, int steps) {
            double[] out = {
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY
            };
            double[] p = new double[2];
            for (int k = 0; k <= steps; k++) {
                double x = box[0] + (box[2] - box[0]) * k / steps;
                double y = box[1] + (box[3] - box[1]) * k / steps;
                for (double[] c : new double[][] {{x, box[1]}, {x, box[3]}, {box[0], y}, {box[2], y}}) {
                    apply(c[0], c[1], p);
                    out[0] = Math.min(out[0], p[0]);
                    out[1] = Math.min(out[1], p[1]);
                    out[2] = Math.max(out[2], p[0]);
                    out[3] = Math.max(out[3], p[1]);
                }
            }
            return out;
        }
    }
}
