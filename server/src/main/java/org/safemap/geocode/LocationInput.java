package org.safemap.geocode;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a source row says about where something happened. A row may give several (an ambulance record with
 * both an easting/northing and a postcode); the geocoder uses the most precise that works: coordinates, then
 * UPRN, then postcode, then the free-text location against the gazetteer, then the postcode district.
 *
 * @param x               easting or longitude, or null
 * @param y               northing or latitude, or null
 * @param srid            EPSG code of x/y (27700, 4326 or 3857)
 * @param coordinateMethod how the source got its coordinates (COORDINATE, ROUNDED_GRID, SNAPPED_MAP_POINT)
 * @param precisionM      the source's stated precision for the coordinates, or null for the method's default
 * @param uprn            a UPRN, or null
 * @param postcode        a full postcode as written, or null
 * @param text            a free-text location (street, venue, "outside the Krazyhouse"), or null
 * @param district        a postcode district (outward code, "L1"), or null
 * @param coordinateField the source field the coordinates came from ("Longitude", "easting"), to name in a
 *                        quarantine entry when they cannot be used; null for "location"
 */
public record LocationInput(
        Double x,
        Double y,
        int srid,
        GeocodeMethod coordinateMethod,
        Float precisionM,
        Long uprn,
        String postcode,
        String text,
        String district,
        String coordinateField) {

    public static LocationInput coordinates(double x, double y, int srid, GeocodeMethod method, Float precisionM) {
        return new LocationInput(x, y, srid, method, precisionM, null, null, null, null, null);
    }

    public static LocationInput none() {
        return new LocationInput(null, null, 0, null, null, null, null, null, null, null);
    }

    public LocationInput withUprn(Long value) {
        return new LocationInput(
                x, y, srid, coordinateMethod, precisionM, value, postcode, text, district, coordinateField);
    }

    public LocationInput withPostcode(String value) {
        return new LocationInput(
                x, y, srid, coordinateMethod, precisionM, uprn, blankToNull(value), text, district, coordinateField);
    }

    public LocationInput withText(String value) {
        return new LocationInput(
                x,
                y,
                srid,
                coordinateMethod,
                precisionM,
                uprn,
                postcode,
                blankToNull(value),
                district,
                coordinateField);
    }

    public LocationInput withDistrict(String value) {
        return new LocationInput(
                x, y, srid, coordinateMethod, precisionM, uprn, postcode, text, blankToNull(value), coordinateField);
    }

    /** The same, naming the source field the coordinates came from. */
    public LocationInput withCoordinateField(String field) {
        return new LocationInput(x, y, srid, coordinateMethod, precisionM, uprn, postcode, text, district, field);
    }

    public boolean hasCoordinates() {
        return x != null && y != null;
    }

    /** What was given, for a quarantine message when nothing could be located. */
    public String describe() {
        List<String> given = new ArrayList<>();
        if (uprn != null) {
            given.add("UPRN " + uprn);
        }
        if (postcode != null) {
            given.add("postcode '" + postcode + "'");
        }
        if (text != null) {
            given.add("location '" + text + "'");
        }
        if (district != null) {
            given.add("postcode district '" + district + "'");
        }
        return given.isEmpty() ? "no location at all" : String.join(", ", given);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
