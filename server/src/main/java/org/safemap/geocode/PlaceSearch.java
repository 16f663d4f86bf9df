package org.safemap.geocode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.safemap.geo.Crs;
import org.safemap.geo.GreatBritain;

/**
 * What a person types into the viewer's search box, placed from the geocoder's own reference tables: a full
 * postcode, a postcode sector ("L1 8") or district ("L1"), a street, venue or named place (gazetteer, pg_trgm as
 * the geocoder matches names), an OS grid reference ("SJ 345 905"), latitude and longitude ("53.40, -2.98") or an
 * easting and northing ("334500 390500"). Each answer is a point in British National Grid with how far the place
 * reaches from it. Thread-safe; one query per kind the text could be, each on an index.
 */
public final class PlaceSearch {
    /**
     * One place found.
     *
     * @param kind       postcode, postcode-sector, postcode-district, street, venue, place, grid-reference,
     *                   coordinates
     * @param label      what the person would call it ("L1 8JQ", "Bold Street")
     * @param detail     what tells it apart ("Liverpool", "postcode sector, 212 postcodes"), or ""
     * @param x          easting, EPSG:27700
     * @param y          northing
     * @param precisionM how far the place reaches from (x, y), metres: a zoom for the map
     */
    public record Place(String kind, String label, String detail, double x, double y, double precisionM) {}

    private static final String POSTCODE = "SELECT display, x, y FROM postcode WHERE postcode = ?";
    /** A sector or district: the centroid of its postcodes, and how far they reach from it. */
    private static final String POSTCODE_GROUP = """
            SELECT count(*), avg(x), avg(y), max(sqrt((x - ax) ^ 2 + (y - ay) ^ 2))
            FROM (SELECT x, y, avg(x) OVER () AS ax, avg(y) OVER () AS ay FROM postcode
                  WHERE district = ? AND (?::text IS NULL OR substr(postcode, length(district) + 1, 1) = ?)) p""";
    /**
     * Streets, venues and places whose name starts with the text or resembles a stretch of it ({@code <%}: word
     * similarity, the gazetteer's trigram index), best first.
     */
    private static final String NAMES = """
            SELECT kind, name, coalesce(locality, ''), x, y, precision_m
            FROM gazetteer
            WHERE name_key LIKE ? || '%' OR ? <% name_key
            ORDER BY name_key LIKE ? || '%' DESC, word_similarity(?, name_key) DESC, name_key, locality
            LIMIT ?""";

    private static final Pattern SECTOR = Pattern.compile("([A-Z]{1,2}[0-9][A-Z0-9]?)\\s+([0-9])");
    private static final Pattern GRID_REFERENCE =
            Pattern.compile("([HNOST][A-HJ-Z])\\s*([0-9]{1,5})\\s*([0-9]{0,5})", Pattern.CASE_INSENSITIVE);
    private static final Pattern PAIR =
            Pattern.compile("(-?[0-9]+(?:\\.[0-9]+)?)\\s*[,; ]\\s*(-?[0-9]+(?:\\.[0-9]+)?)");

    private final DataSource dataSource;

    public PlaceSearch(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Places the text may name, the exact kinds (postcode, grid reference, coordinates) first; at most limit. */
    public List<Place> find(String text, int limit) throws SQLException {
        String t = text.strip();
        List<Place> out = new ArrayList<>();
        Place exact = coordinates(t);
        if (exact == null) {
            exact = gridReference(t);
        }
        if (exact != null) {
            out.add(exact);
            return out;
        }
        try (Connection c = dataSource.getConnection()) {
            String postcode = Postcodes.key(t);
            if (postcode != null) {
                try (PreparedStatement ps = c.prepareStatement(POSTCODE)) {
                    ps.setString(1, postcode);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            out.add(new Place(
                                    "postcode", rs.getString(1), "postcode", rs.getDouble(2), rs.getDouble(3), 50));
                        }
                    }
                }
                return out;
            }
            String upper = t.toUpperCase(Locale.ROOT);
            Matcher sector = SECTOR.matcher(upper);
            if (sector.matches()) {
                group(c, sector.group(1), sector.group(2), out);
            } else if (Postcodes.district(t) != null) {
                group(c, Postcodes.district(t), null, out);
            }
            String key = PlaceNames.key(t);
            if (key.length() >= 3 && out.size() < limit) {
                try (PreparedStatement ps = c.prepareStatement(NAMES)) {
                    ps.setString(1, escapeLike(key));
                    ps.setString(2, key);
                    ps.setString(3, escapeLike(key));
                    ps.setString(4, key);
                    ps.setInt(5, limit - out.size());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new Place(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getDouble(4),
                                    rs.getDouble(5),
                                    Math.max(100, rs.getDouble(6))));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void group(Connection c, String district, String sector, List<Place> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(POSTCODE_GROUP)) {
            ps.setString(1, district);
            ps.setString(2, sector);
            ps.setString(3, sector);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int n = rs.getInt(1);
                if (n > 0) {
                    out.add(new Place(
                            sector == null ? "postcode-district" : "postcode-sector",
                            sector == null ? district : district + " " + sector,
                            (sector == null ? "postcode district, " : "postcode sector, ")
                                    + n
                                    + (n == 1 ? " postcode" : " postcodes"),
                            rs.getDouble(2),
                            rs.getDouble(3),
                            Math.max(200, rs.getDouble(4))));
                }
            }
        }
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /**
     * An OS grid reference: two letters for the 100 km square, then 4 to 10 digits (or two groups of equal length)
     * for easting and northing within it; the point is the square's centre.
     */
    static Place gridReference(String text) {
        Matcher m = GRID_REFERENCE.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        String digits = m.group(2) + m.group(3);
        // Four digits at least (a 1 km square), so a postcode district such as "SO14" stays a postcode.
        boolean split = !m.group(3).isEmpty();
        if (digits.length() % 2 != 0
                || digits.length() < 4
                || (split && m.group(2).length() != m.group(3).length())) {
            return null;
        }
        String letters = m.group(1).toUpperCase(Locale.ROOT);
        // The 500 km square (S, T, N, O, H) and the 100 km square within it, on letter grids without I.
        int first = index(letters.charAt(0));
        int second = index(letters.charAt(1));
        long e100 = ((first - 2) % 5) * 5L + second % 5;
        long n100 = (19 - (first / 5) * 5) - second / 5;
        int half = digits.length() / 2;
        double unit = Math.pow(10, 5 - half);
        double e = e100 * 100_000 + Long.parseLong(digits.substring(0, half)) * unit + unit / 2;
        double n = n100 * 100_000 + Long.parseLong(digits.substring(half)) * unit + unit / 2;
        if (!GreatBritain.containsGrid(e, n)) {
            return null;
        }
        String written = letters + " " + digits.substring(0, half) + " " + digits.substring(half);
        return new Place("grid-reference", written, "OS grid reference, " + (long) unit + " m square", e, n, unit / 2);
    }

    /** The letter's place on the 5 by 5 grid of 25 letters (A to Z without I), row by row from the top left. */
    private static int index(char letter) {
        return letter > 'I' ? letter - 'A' - 1 : letter - 'A';
    }

    /** Latitude and longitude (either order, told apart by Great Britain), or an easting and northing in metres. */
    static Place coordinates(String text) {
        Matcher m = PAIR.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        double a = Double.parseDouble(m.group(1));
        double b = Double.parseDouble(m.group(2));
        if (Math.abs(a) <= 90 && Math.abs(b) <= 180) {
            double lat = a;
            double lon = b;
            if (!GreatBritain.containsLonLat(lon, lat) && GreatBritain.containsLonLat(a, b)) {
                lon = a;
                lat = b;
            }
            if (!GreatBritain.containsLonLat(lon, lat)) {
                return null;
            }
            double[] xy = new double[2];
            Crs.WGS84.to(Crs.BNG).apply(lon, lat, xy);
            return new Place(
                    "coordinates",
                    String.format(Locale.UK, "%.5f, %.5f", lat, lon),
                    "latitude, longitude",
                    xy[0],
                    xy[1],
                    25);
        }
        if (GreatBritain.containsGrid(a, b)) {
            return new Place(
                    "coordinates",
                    String.format(Locale.UK, "%.0f, %.0f", a, b),
                    "easting, northing (British National Grid)",
                    a,
                    b,
                    25);
        }
        return null;
    }
}
