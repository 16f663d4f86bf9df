package org.safemap.geo;

/**
 * Whether coordinates can be in Great Britain: a coarse box, for catching coordinates that are swapped, in the
 * wrong system, or plainly elsewhere, before anything is computed from them. Both checks are deliberately loose
 * (the box includes a little sea and some of Ireland); the areas decide where a point really is.
 */
public final class GreatBritain {
    private static final double MIN_LON = -9.0;
    private static final double MAX_LON = 2.5;
    private static final double MIN_LAT = 49.0;
    private static final double MAX_LAT = 61.5;
    /** British National Grid's extent, in metres. */
    private static final double MAX_EASTING = 700_000;
    private static final double MAX_NORTHING = 1_300_000;

    private GreatBritain() {
    }

    public static boolean containsLonLat(double lon, double lat) {
        return lon >= MIN_LON && lon <= MAX_LON && lat >= MIN_LAT && lat <= MAX_LAT;
    }

    public static boolean containsGrid(double easting, double northing) {
        return easting >= 0 && easting <= MAX_EASTING && northing >= 0 && northing <= MAX_NORTHING;
    }

    /**
     * Why a longitude and latitude cannot be used, or null when they can: outside Great Britain, or (the commonest
     * slip in hand-made files) latitude and longitude swapped.
     */
    public static String lonLatProblem(String lon, String lat, double lonValue, double latValue) {
        if (containsLonLat(lonValue, latValue)) {
            return null;
        }
        return containsLonLat(latValue, lonValue) ? "longitude " + lon + " and latitude " + lat + " look swapped"
                : "point " + lon + ", " + lat + " is outside Great Britain";
    }
}
