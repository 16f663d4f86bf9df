package org.safemap.geo;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

/**
 * Whether coordinates are in Great Britain, before anything is computed from them. A point in British National Grid
 * must lie inside Great Britain's outline: the mainland and its islands (not Ireland, the Isle of Man or the Channel
 * Islands) from GSHHG's full-resolution shorelines, 1.2 km out to sea so that docks, piers and beaches pass, held
 * as a JTS prepared geometry ({@code geo/great-britain-27700.wkt.gz}; its README says where it comes from). So a
 * truncated easting that lands in Ireland or in the Irish Sea is caught, though both are inside the National Grid.
 * Longitude and latitude first meet a coarse box, to tell swapped ones from points elsewhere; the geocoder then
 * tests the transformed point against the outline. The areas decide where inside Great Britain a point is.
 *
 * <p>Thread-safe. The outline is read once, on first use (about 10,000 vertices, a few tens of milliseconds); a
 * test is an indexed point-in-polygon lookup, about a microsecond.
 */
public final class GreatBritain {
    private static final double MIN_LON = -9.0;
    private static final double MAX_LON = 2.5;
    private static final double MIN_LAT = 49.0;
    private static final double MAX_LAT = 61.5;
    static final String OUTLINE_RESOURCE = "geo/great-britain-27700.wkt.gz";

    private GreatBritain() {}

    /** Read on first use, by the class loader's lock, so every thread sees one outline. */
    private static final class Outline {
        static final GeometryFactory FACTORY = new GeometryFactory(new PrecisionModel(), 27700);
        static final PreparedGeometry SHAPE = PreparedGeometryFactory.prepare(read());
        static final Envelope BOX = SHAPE.getGeometry().getEnvelopeInternal();

        private static Geometry read() {
            InputStream raw = GreatBritain.class.getClassLoader().getResourceAsStream(OUTLINE_RESOURCE);
            if (raw == null) {
                throw new IllegalStateException(OUTLINE_RESOURCE + " is missing from the build");
            }
            try (Reader in = new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII)) {
                return new WKTReader(FACTORY).read(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + OUTLINE_RESOURCE, e);
            } catch (ParseException e) {
                throw new IllegalStateException(OUTLINE_RESOURCE + " is not WKT: " + e.getMessage(), e);
            }
        }
    }

    /** Inside the coarse longitude/latitude box around Great Britain (with some sea and some of Ireland). */
    public static boolean containsLonLat(double lon, double lat) {
        return lon >= MIN_LON && lon <= MAX_LON && lat >= MIN_LAT && lat <= MAX_LAT;
    }

    /** Inside Great Britain's outline (with 1 km of sea around it), British National Grid metres. */
    public static boolean containsGrid(double easting, double northing) {
        if (!Outline.BOX.contains(easting, northing)) {
            return false; // NaN and infinities too
        }
        return Outline.SHAPE.covers(Outline.FACTORY.createPoint(new Coordinate(easting, northing)));
    }

    /**
     * Why a longitude and latitude cannot be used, or null when they pass the coarse box: outside Great Britain, or
     * (the commonest slip in hand-made files) latitude and longitude swapped.
     */
    public static String lonLatProblem(String lon, String lat, double lonValue, double latValue) {
        if (containsLonLat(lonValue, latValue)) {
            return null;
        }
        return containsLonLat(latValue, lonValue)
                ? "longitude " + lon + " and latitude " + lat + " look swapped"
                : "point " + lon + ", " + lat + " is outside Great Britain";
    }
}
