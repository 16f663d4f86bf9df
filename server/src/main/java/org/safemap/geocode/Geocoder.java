package org.safemap.geocode;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.geo.Crs;
import org.safemap.geo.GreatBritain;

/**
 * The one geocoder every adapter's records go through. It works a chunk of records at a time: coordinates are
 * transformed in Java; UPRNs, postcodes, districts and free text are looked up for the whole chunk with one query
 * each (pg_trgm for text), so the reference tables can be national without being held in memory.
 */
public final class Geocoder {
    /**
     * Candidates are gazetteer names whose trigrams come this close (0 to 1) to some stretch of the text; the final
     * say is {@link PlaceMatch}'s, word by word. Low enough to let "Btoanic Road" reach "Botanic Road".
     */
    static final double CANDIDATE_SIMILARITY = 0.4;
    /** The same for a name's distinctive words against the text's: "mitlon" and "milton" share little else. */
    static final double CORE_SIMILARITY = 0.2;
    /** Candidates looked at per text and way of finding them, best trigram similarity first. */
    private static final int CANDIDATES = 20;

    private static final String UPRNS = "SELECT uprn, x, y FROM uprn WHERE uprn = ANY(?)";
    private static final String POSTCODES = "SELECT postcode, x, y, quality FROM postcode WHERE postcode = ANY(?)";
    /** A district's centroid and, as its precision, how far its postcodes reach from it. */
    private static final String DISTRICTS = """
            SELECT district, avg(x), avg(y), max(sqrt((x - ax) ^ 2 + (y - ay) ^ 2))
            FROM (SELECT district, x, y, avg(x) OVER w AS ax, avg(y) OVER w AS ay FROM postcode
                  WHERE district = ANY(?) WINDOW w AS (PARTITION BY district)) p
            GROUP BY district""";

    private static final String SET_THRESHOLDS = "SELECT set_config('pg_trgm.strict_word_similarity_threshold', ?, "
            + "false), set_config('pg_trgm.similarity_threshold', ?, false)";
    /**
     * Gazetteer names that may appear in each text, for {@link PlaceMatch} to judge: those whose whole name is close
     * to a stretch of the text, and those whose distinctive words are close to the text's (misspellings).
     */
    private static final String TEXTS = """
            SELECT q.text, g.kind, g.x, g.y, g.precision_m, g.name, g.locality, g.name_key
            FROM unnest(?::text[], ?::text[]) AS q(text, core)
            CROSS JOIN LATERAL (
                (SELECT id, kind, x, y, precision_m, name, locality, name_key
                 FROM gazetteer
                 WHERE name_key <<% q.text
                 ORDER BY strict_word_similarity(name_key, q.text) DESC, id
                 LIMIT ?)
                UNION
                (SELECT id, kind, x, y, precision_m, name, locality, name_key
                 FROM gazetteer
                 WHERE q.core <> '' AND name_core % q.core
                 ORDER BY similarity(name_core, q.core) DESC, id
                 LIMIT ?)) g""";
    /** Two equally good matches further apart than this make a text ambiguous. */
    static final double AMBIGUOUS_BEYOND_M = 1000;

    /**
     * Where a record is, or why it could not be placed.
     *
     * @param x         easting, EPSG:27700 (NaN when failed)
     * @param y         northing
     * @param method    how it was found, or null when failed
     * @param precisionM how far the true location may be
     * @param failure   why nothing worked, or null
     * @param matched   what the text matched in the gazetteer, for the record's attributes, or null
     */
    public record Result(double x, double y, GeocodeMethod method, float precisionM, String failure, String matched) {
        public boolean ok() {
            return failure == null;
        }

        static Result failed(String reason) {
            return new Result(Double.NaN, Double.NaN, null, 0, reason, null);
        }
    }

    /** A place found; {@code ambiguity} says why it cannot be used when two places fit equally well. */
    private record Point(double x, double y, float precisionM, GeocodeMethod method, String matched, String ambiguity) {
        Point(double x, double y, float precisionM, GeocodeMethod method, String matched) {
            this(x, y, precisionM, method, matched, null);
        }
    }

    private final DataSource dataSource;
    private final Crs.Transform fromWgs84 = Crs.WGS84.to(Crs.BNG);
    private final Crs.Transform fromWebMercator = Crs.WEB_MERCATOR.to(Crs.BNG);
    private final double[] bng = new double[2];

    public Geocoder(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Locates every input of a chunk; results in the same order. */
    public Result[] resolve(List<LocationInput> inputs) {
        Result[] out = new Result[inputs.size()];
        Set<Long> uprns = new LinkedHashSet<>();
        Set<String> postcodes = new LinkedHashSet<>();
        Set<String> texts = new LinkedHashSet<>();
        Set<String> districts = new LinkedHashSet<>();
        for (int i = 0; i < out.length; i++) {
            LocationInput in = inputs.get(i);
            if (in.hasCoordinates()) {
                out[i] = coordinates(in);
                if (out[i].ok()) {
                    continue;
                }
            }
            if (in.uprn() != null) {
                uprns.add(in.uprn());
            }
            String pc = Postcodes.key(in.postcode());
            if (pc != null) {
                postcodes.add(pc);
            }
            if (in.text() != null) {
                String inText = postcodeInText(in.text());
                if (inText != null) {
                    postcodes.add(inText);
                }
                String key = PlaceNames.key(in.text());
                if (!key.isEmpty()) {
                    texts.add(key);
                }
            }
            String district = Postcodes.district(in.district());
            if (district != null) {
                districts.add(district);
            }
        }
        if (uprns.isEmpty() && postcodes.isEmpty() && texts.isEmpty() && districts.isEmpty()) {
            fillFailures(inputs, out, Map.of(), Map.of(), Map.of(), Map.of());
            return out;
        }
        try (Connection c = dataSource.getConnection()) {
            Map<Long, Point> byUprn = uprns.isEmpty() ? Map.of() : uprns(c, uprns);
            Map<String, Point> byPostcode = postcodes.isEmpty() ? Map.of() : postcodes(c, postcodes);
            Map<String, Point> byText = texts.isEmpty() ? Map.of() : texts(c, texts);
            Map<String, Point> byDistrict = districts.isEmpty() ? Map.of() : districts(c, districts);
            fillFailures(inputs, out, byUprn, byPostcode, byText, byDistrict);
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.DATABASE_UNAVAILABLE, "geocoding lookup failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** Resolves what coordinates could not, in order of precision: UPRN, postcode, text, district. */
    private void fillFailures(
            List<LocationInput> inputs,
            Result[] out,
            Map<Long, Point> byUprn,
            Map<String, Point> byPostcode,
            Map<String, Point> byText,
            Map<String, Point> byDistrict) {
        for (int i = 0; i < out.length; i++) {
            if (out[i] != null && out[i].ok()) {
                continue;
            }
            LocationInput in = inputs.get(i);
            List<String> tried = new ArrayList<>();
            if (out[i] != null) {
                tried.add(out[i].failure());
            }
            Point p = null;
            if (in.uprn() != null) {
                p = byUprn.get(in.uprn());
                if (p == null) {
                    tried.add("UPRN " + in.uprn() + " is not in the UPRN table");
                }
            }
            String pc = Postcodes.key(in.postcode());
            if (p == null && in.postcode() != null) {
                p = pc == null ? null : byPostcode.get(pc);
                if (p == null) {
                    tried.add(
                            pc == null
                                    ? "'" + in.postcode() + "' is not a postcode"
                                    : "postcode " + Postcodes.display(pc) + " is not in the postcode table");
                }
            }
            if (p == null && in.text() != null) {
                String inText = postcodeInText(in.text());
                p = inText == null ? null : byPostcode.get(inText);
                if (p == null) {
                    p = byText.get(PlaceNames.key(in.text()));
                    if (p != null && p.ambiguity() != null) {
                        tried.add("location '" + in.text() + "' " + p.ambiguity());
                        p = null;
                    } else if (p == null) {
                        tried.add("location '" + in.text() + "' matches no street or venue in the gazetteer");
                    }
                }
            }
            if (p == null && in.district() != null) {
                String d = Postcodes.district(in.district());
                p = d == null ? null : byDistrict.get(d);
                if (p == null) {
                    tried.add("postcode district '" + in.district() + "' is not in the postcode table");
                }
            }
            if (p != null) {
                out[i] = new Result(p.x, p.y, p.method, p.precisionM, null, p.matched);
            } else if (tried.isEmpty()) {
                out[i] = Result.failed("no location given: no coordinates, postcode or place");
            } else {
                out[i] = Result.failed("could not locate: " + String.join("; ", tried));
            }
        }
    }

    private Result coordinates(LocationInput in) {
        if (in.srid() == 4326) {
            // Caught before transforming: swapped latitude and longitude still land somewhere, just not here.
            String problem =
                    GreatBritain.lonLatProblem(Double.toString(in.x()), Double.toString(in.y()), in.x(), in.y());
            if (problem != null) {
                return Result.failed(problem);
            }
        }
        switch (in.srid()) {
            case 27700 -> {
                bng[0] = in.x();
                bng[1] = in.y();
            }
            case 4326 -> fromWgs84.apply(in.x(), in.y(), bng);
            case 3857 -> fromWebMercator.apply(in.x(), in.y(), bng);
            default -> {
                return Result.failed("coordinates in unsupported EPSG:" + in.srid());
            }
        }
        if (!GreatBritain.containsGrid(bng[0], bng[1])) {
            return Result.failed("coordinates " + in.x() + ", " + in.y() + " are outside Great Britain");
        }
        GeocodeMethod method = in.coordinateMethod() == null ? GeocodeMethod.COORDINATE : in.coordinateMethod();
        float precision = in.precisionM() != null ? in.precisionM() : method.defaultPrecisionM();
        return new Result(bng[0], bng[1], method, precision, null, null);
    }

    private static String postcodeInText(String text) {
        Matcher m = Postcodes.IN_TEXT.matcher(text);
        return m.find() ? Postcodes.key(m.group(1) + m.group(2)) : null;
    }

    private static Map<Long, Point> uprns(Connection c, Set<Long> keys) throws SQLException {
        Map<Long, Point> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(UPRNS)) {
            ps.setArray(1, c.createArrayOf("bigint", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(
                            rs.getLong(1),
                            new Point(
                                    rs.getDouble(2),
                                    rs.getDouble(3),
                                    GeocodeMethod.UPRN.defaultPrecisionM(),
                                    GeocodeMethod.UPRN,
                                    null));
                }
            }
        }
        return out;
    }

    private static Map<String, Point> postcodes(Connection c, Set<String> keys) throws SQLException {
        Map<String, Point> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(POSTCODES)) {
            Array array = c.createArrayOf("text", keys.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int quality = rs.getInt(4);
                    out.put(
                            rs.getString(1),
                            new Point(
                                    rs.getDouble(2),
                                    rs.getDouble(3),
                                    postcodePrecision(quality),
                                    GeocodeMethod.POSTCODE,
                                    null));
                }
            }
        }
        return out;
    }

    /**
     * Code-Point Open positional quality: 10 to 40 place the centroid within the postcode's own addresses; 50 is a
     * sector mean and 60 a district mean, which are far coarser.
     */
    static float postcodePrecision(int quality) {
        if (quality >= 60) {
            return GeocodeMethod.POSTCODE_DISTRICT.defaultPrecisionM();
        }
        return quality >= 50 ? 1000 : GeocodeMethod.POSTCODE.defaultPrecisionM();
    }

    /** A gazetteer name found in a text, and how well. */
    private record TextMatch(Point point, int words, int edits, boolean localityNamed, boolean venue, String label) {
        /**
         * Better: a venue over a street ("outside the Grapes, Mathew Street" is at the Grapes), then more of the text
         * explained, fewer slips, the text naming the area.
         */
        boolean beats(TextMatch o) {
            if (venue != o.venue) {
                return venue;
            }
            if (words != o.words) {
                return words > o.words;
            }
            if (edits != o.edits) {
                return edits < o.edits;
            }
            return localityNamed && !o.localityNamed;
        }

        boolean ties(TextMatch o) {
            return words == o.words && edits == o.edits && localityNamed == o.localityNamed && venue == o.venue;
        }
    }

    private static Map<String, Point> texts(Connection c, Set<String> keys) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SET_THRESHOLDS)) {
            ps.setString(1, Double.toString(CANDIDATE_SIMILARITY));
            ps.setString(2, Double.toString(CORE_SIMILARITY));
            ps.executeQuery().close();
        }
        String[] texts = keys.toArray(String[]::new);
        String[] cores = new String[texts.length];
        for (int i = 0; i < texts.length; i++) {
            cores[i] = PlaceNames.core(texts[i]);
        }
        Map<String, List<TextMatch>> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TEXTS)) {
            ps.setArray(1, c.createArrayOf("text", texts));
            ps.setArray(2, c.createArrayOf("text", cores));
            ps.setInt(3, CANDIDATES);
            ps.setInt(4, CANDIDATES);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String text = rs.getString(1);
                    String nameKey = rs.getString(8);
                    int edits = PlaceMatch.edits(nameKey, text);
                    if (edits < 0) {
                        continue;
                    }
                    String locality = rs.getString(7);
                    String localityKey = locality == null ? "" : PlaceNames.key(locality.replaceAll("\\s+\\d+$", ""));
                    boolean localityNamed = !localityKey.isEmpty() && PlaceMatch.edits(localityKey, text) >= 0;
                    boolean venue = "venue".equals(rs.getString(2));
                    String label = rs.getString(6) + (locality == null ? "" : ", " + locality);
                    Point p = new Point(
                            rs.getDouble(3),
                            rs.getDouble(4),
                            rs.getFloat(5),
                            venue ? GeocodeMethod.VENUE : GeocodeMethod.STREET,
                            label);
                    found.computeIfAbsent(text, k -> new ArrayList<>())
                            .add(new TextMatch(p, nameKey.split(" ").length, edits, localityNamed, venue, label));
                }
            }
        }
        Map<String, Point> out = new HashMap<>();
        found.forEach((text, matches) -> {
            TextMatch best = matches.get(0);
            for (TextMatch m : matches) {
                if (m.beats(best)) {
                    best = m;
                }
            }
            for (TextMatch m : matches) {
                if (m != best
                        && m.ties(best)
                        && Math.hypot(
                                        m.point().x() - best.point().x(),
                                        m.point().y() - best.point().y())
                                > AMBIGUOUS_BEYOND_M) {
                    Point p = best.point();
                    out.put(
                            text,
                            new Point(
                                    p.x(),
                                    p.y(),
                                    p.precisionM(),
                                    p.method(),
                                    p.matched(),
                                    "could be " + best.label() + " or " + m.label() + "; add the area or a postcode"));
                    return;
                }
            }
            out.put(text, best.point());
        });
        return out;
    }

    private static Map<String, Point> districts(Connection c, Set<String> keys) throws SQLException {
        Map<String, Point> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(DISTRICTS)) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    float radius = (float) Math.max(rs.getDouble(4), GeocodeMethod.POSTCODE.defaultPrecisionM());
                    out.put(
                            rs.getString(1),
                            new Point(rs.getDouble(2), rs.getDouble(3), radius, GeocodeMethod.POSTCODE_DISTRICT, null));
                }
            }
        }
        return out;
    }
}
