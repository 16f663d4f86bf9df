package org.safemap.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.geocode.GeocodeMethod;
import org.safemap.geocode.LocationInput;

/**
 * A partner's feed described by a mapping instead of code: which columns (or GeoJSON properties) it sends, which
 * hold the reference, time, category and location, and how its categories map onto the common taxonomy. See
 * docs/feeds.md for the format and an example.
 */
final class MappedFeed {
    private final String origin;
    final char delimiter;
    final Set<String> fields;
    private final String reference;
    private final String at;
    private final String from;
    private final String to;
    private final String date;
    private final String clock;
    private final DateTimeFormatter format;
    final String categoryColumn;
    final Map<String, String> categoryMap;
    private final Map<String, String> location;
    private final Float precisionM;
    private final Float roundedToM;
    private final List<String> keep;

    private MappedFeed(FeedDefinition feed) {
        JsonNode m = feed.mapping();
        origin = feed.origin();
        String d = m.path("delimiter").asText(",");
        if (d.equals("\\t") || d.equals("tab")) {
            d = "\t";
        }
        if (d.length() != 1) {
            throw bad("'delimiter' must be one character (or \"tab\"); got '" + d + "'");
        }
        delimiter = d.charAt(0);
        fields = new LinkedHashSet<>();
        m.path("fields").forEach(f -> fields.add(f.asText()));
        if (fields.isEmpty()) {
            throw bad("'fields' must list every column the partner sends");
        }
        reference = optional(m, "reference");
        JsonNode time = m.path("time");
        at = optional(time, "at");
        from = optional(time, "from");
        to = optional(time, "to");
        date = optional(time, "date");
        clock = optional(time, "time");
        if (at == null && from == null && date == null) {
            throw bad(
                    "'time' needs 'at' (one column), 'from' (and optionally 'to'), or 'date' (and optionally 'time')");
        }
        String pattern = optional(time, "format");
        try {
            format = pattern == null
                    ? null
                    : DateTimeFormatter.ofPattern(pattern.replace("yyyy", "uuuu"), Locale.UK)
                            .withResolverStyle(ResolverStyle.STRICT);
        } catch (IllegalArgumentException e) {
            throw bad("time 'format' '" + pattern + "' is not a date pattern: " + e.getMessage());
        }
        JsonNode category = m.path("category");
        categoryColumn = optional(category, "column");
        categoryMap = new LinkedHashMap<>();
        category.path("map")
                .fields()
                .forEachRemaining(e -> categoryMap.put(e.getKey(), e.getValue().asText()));
        if (categoryColumn == null && !categoryMap.containsKey("*")) {
            throw bad("'category' needs a 'column', or a map with \"*\" for a feed of one category");
        }
        if (categoryMap.isEmpty()) {
            throw bad("'category.map' must map the partner's categories onto common codes (docs/feeds.md)");
        }
        location = new LinkedHashMap<>();
        for (String key :
                List.of("latitude", "longitude", "easting", "northing", "postcode", "uprn", "text", "district")) {
            String column = optional(m.path("location"), key);
            if (column != null) {
                location.put(key, column);
            }
        }
        precisionM = metres(m.path("location"), "precision_m");
        roundedToM = metres(m.path("location"), "rounded_to_m");
        keep = new ArrayList<>();
        m.path("keep").forEach(k -> keep.add(k.asText()));
        List<String> used = new ArrayList<>(location.values());
        used.addAll(keep);
        for (String c : new String[] {reference, at, from, to, date, clock, categoryColumn}) {
            if (c != null) {
                used.add(c);
            }
        }
        for (String c : used) {
            if (!fields.contains(c)) {
                throw bad("the mapping uses '" + c + "', which is not in 'fields'");
            }
        }
    }

    /** Checks a definition when the catalog is read, so a broken mapping is found before any file arrives. */
    static void check(FeedDefinition feed) {
        new MappedFeed(feed);
    }

    static MappedFeed of(FeedDefinition feed) {
        return new MappedFeed(feed);
    }

    /** True when the feed's location may come from a GeoJSON geometry instead of columns. */
    boolean hasLocationColumns() {
        return !location.isEmpty();
    }

    /**
     * One row or feature as a record.
     *
     * @param get      value of a field ("" when absent)
     * @param geometry the feature's point [x, y] in WGS84 for GeoJSON input, or null
     */
    IncidentRecord record(int line, String raw, Function<String, String> get, double[] geometry) {
        Instant[] window = window(get);
        String category =
                categoryColumn == null ? "*" : get.apply(categoryColumn).strip();
        if (category.isEmpty()) {
            throw new RowProblem(categoryColumn, "empty, but the category is required");
        }
        LocationInput where = location(get, geometry);
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String k : keep) {
            PoliceUkCsvAdapter.putIfPresent(attributes, k, get.apply(k).strip());
        }
        String ref = reference == null ? "" : get.apply(reference).strip();
        String text =
                location.containsKey("text") ? get.apply(location.get("text")).strip() : "";
        String fromField = at != null ? at : from != null ? from : date;
        String toField = from != null && to != null && !get.apply(to).isBlank() ? to : fromField;
        return new IncidentRecord(
                line,
                ref.isEmpty() ? null : ref,
                category,
                window[0],
                window[1],
                text.isEmpty() ? null : text,
                where,
                null,
                attributes,
                raw,
                fromField,
                toField);
    }

    /** A distance in metres from the mapping, or null; a negative or non-finite one refuses the mapping. */
    private Float metres(JsonNode location, String key) {
        if (!location.has(key)) {
            return null;
        }
        double v = location.path(key).asDouble(Double.NaN);
        if (!location.path(key).isNumber() || !(v >= 0) || v > 100_000) {
            throw bad("'location." + key + "' must be a number of metres from 0 to 100000; got " + location.path(key));
        }
        return (float) v;
    }

    private LocationInput location(Function<String, String> get, double[] geometry) {
        LocationInput in = LocationInput.none();
        GeocodeMethod method = roundedToM != null ? GeocodeMethod.ROUNDED_GRID : GeocodeMethod.COORDINATE;
        // Boxed on both sides: a float branch would unbox a null precisionM.
        Float precision = roundedToM != null ? Float.valueOf((float) (roundedToM * Math.sqrt(0.5))) : precisionM;
        Double e = number(get, "easting");
        Double n = number(get, "northing");
        Double lat = number(get, "latitude");
        Double lon = number(get, "longitude");
        if (e != null && n != null) {
            in = LocationInput.coordinates(e, n, 27700, method, precision).withCoordinateField(location.get("easting"));
        } else if (lat != null && lon != null) {
            in = LocationInput.coordinates(lon, lat, 4326, method, precision)
                    .withCoordinateField(location.get("longitude"));
        } else if (geometry != null) {
            in = LocationInput.coordinates(geometry[0], geometry[1], 4326, method, precision)
                    .withCoordinateField("geometry");
        }
        if (location.containsKey("uprn") && !get.apply(location.get("uprn")).isBlank()) {
            try {
                in = in.withUprn(Long.parseLong(get.apply(location.get("uprn")).strip()));
            } catch (NumberFormatException ex) {
                throw new RowProblem(location.get("uprn"), "'" + get.apply(location.get("uprn")) + "' is not a UPRN");
            }
        }
        return in.withPostcode(text(get, "postcode"))
                .withText(text(get, "text"))
                .withDistrict(text(get, "district"));
    }

    private String text(Function<String, String> get, String key) {
        return location.containsKey(key) ? get.apply(location.get(key)) : null;
    }

    private Double number(Function<String, String> get, String key) {
        if (!location.containsKey(key)) {
            return null;
        }
        String v = get.apply(location.get(key)).strip();
        if (v.isEmpty()) {
            return null;
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new RowProblem(location.get(key), "'" + v + "' is not a number");
        }
    }

    private Instant[] window(Function<String, String> get) {
        if (at != null) {
            return span(get.apply(at), at, false);
        }
        if (from != null) {
            Instant[] start = span(get.apply(from), from, false);
            if (to == null || get.apply(to).isBlank()) {
                return start;
            }
            Instant[] end = span(get.apply(to), to, true);
            if (end[1].isBefore(start[0])) {
                throw new RowProblem(to, "ends before it starts");
            }
            return new Instant[] {start[0], end[1]};
        }
        String d = get.apply(date).strip();
        if (d.isEmpty()) {
            throw new RowProblem(date, "empty, but the date is required");
        }
        LocalDate day = DateTimes.date(d, date);
        if (clock == null || get.apply(clock).isBlank()) {
            return DateTimes.day(day);
        }
        Instant instant = DateTimes.uk(LocalDateTime.of(day, DateTimes.time(get.apply(clock), clock)));
        return new Instant[] {instant, instant};
    }

    /** A value as [start, end): an instant for a date-time, the whole day for a date. */
    private Instant[] span(String value, String column, boolean endOfRange) {
        String v = value.strip();
        if (v.isEmpty()) {
            throw new RowProblem(column, "empty, but the time is required");
        }
        if (format != null) {
            try {
                TemporalAccessor t = format.parse(v);
                LocalDate day = LocalDate.from(t);
                if (!t.isSupported(ChronoField.HOUR_OF_DAY)) {
                    return DateTimes.day(day);
                }
                Instant instant = DateTimes.uk(LocalDateTime.from(t));
                return new Instant[] {instant, instant};
            } catch (DateTimeParseException e) {
                throw new RowProblem(column, "'" + v + "' does not match the feed's time format");
            } catch (DateTimeException e) {
                // The pattern matched but does not make a date (a pattern without a day, an impossible instant).
                throw new RowProblem(column, "'" + v + "' does not give a date in the feed's time format");
            }
        }
        if (v.length() <= 11 && !v.contains(":")) {
            return DateTimes.day(DateTimes.date(v, column));
        }
        Instant instant = DateTimes.uk(DateTimes.dateTime(v, column));
        return new Instant[] {instant, instant};
    }

    private SafemapException bad(String message) {
        return new SafemapException(ErrorCode.BAD_FEED, origin + ": mapping: " + message);
    }

    private static String optional(JsonNode node, String field) {
        String v = node.path(field).asText("");
        return v.isBlank() ? null : v;
    }
}
