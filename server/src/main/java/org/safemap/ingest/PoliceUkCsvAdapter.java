package org.safemap.ingest;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * police.uk street-level CSV ({@code YYYY-MM-<force>-street.csv}), used for police crime, police ASB and
 * British Transport Police. Points are police.uk's anonymous map points ("On or near ..."), each the centre
 * of a catchment of at least eight postal addresses, and times are whole months.
 */
public final class PoliceUkCsvAdapter implements FeedAdapter {
    static final List<String> COLUMNS = List.of("Crime ID", "Month", "Reported by", "Falls within", "Longitude",
            "Latitude", "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context");

    /** police.uk crime types and their codes in the common taxonomy (table category). */
    static final Map<String, String> CATEGORIES = Map.ofEntries(
            Map.entry("Anti-social behaviour", "anti-social-behaviour"),
            Map.entry("Bicycle theft", "bicycle-theft"),
            Map.entry("Burglary", "burglary"),
            Map.entry("Criminal damage and arson", "criminal-damage-and-arson"),
            Map.entry("Drugs", "drugs"),
            Map.entry("Other crime", "other-crime"),
            Map.entry("Other theft", "other-theft"),
            Map.entry("Possession of weapons", "possession-of-weapons"),
            Map.entry("Public order", "public-order"),
            Map.entry("Robbery", "robbery"),
            Map.entry("Shoplifting", "shoplifting"),
            Map.entry("Theft from the person", "theft-from-the-person"),
            Map.entry("Vehicle crime", "vehicle-crime"),
            Map.entry("Violence and sexual offences", "violence-and-sexual-offences"));

    /**
     * Nominal precision of a police.uk map point. The true location is somewhere in the point's catchment
     * (at least eight addresses, usually a street segment), so 200 m is a fair urban figure; docs/feeds.md.
     */
    public static final float SNAPPED_POINT_PRECISION_M = 200f;
    public static final String GEOCODE_METHOD = "snapped-map-point";

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
    private static final Pattern LSOA_CODE = Pattern.compile("[EW]01\\d{6}");
    // Great Britain with a margin: Scilly to Shetland, Ireland's coast to Lowestoft.
    private static final double MIN_LON = -9.0;
    private static final double MAX_LON = 2.5;
    private static final double MIN_LAT = 49.0;
    private static final double MAX_LAT = 61.5;

    @Override
    public String format() {
        return "police-uk";
    }

    @Override
    public void read(SourceFile file, String feed, RowSink sink, LongConsumer rawBytesRead) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true)
                .get();
        try (Reader reader = file.openReader(rawBytesRead); CSVParser parser = CSVParser.parse(reader, format)) {
            checkHeader(file, parser.getHeaderNames());
            for (CSVRecord row : parser) {
                int line = (int) row.getRecordNumber() + 1;
                if (!row.isConsistent()) {
                    sink.reject(new Rejection(line, null, "expected " + COLUMNS.size() + " fields, found " + row.size(),
                            raw(row)));
                    continue;
                }
                read(row, line, feed, sink);
            }
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            // commons-csv reports malformed quoting this way; its message carries "(line N)"
            throw new InputFormatException(file.name(), CsvErrors.lineOf(e), null, "not valid CSV: " + CsvErrors.describe(e));
        }
    }

    private static void checkHeader(SourceFile file, List<String> header) {
        for (String column : COLUMNS) {
            if (!header.contains(column)) {
                throw new InputFormatException(file.name(), 1, column, "missing column; a police.uk street-level "
                        + "file has " + String.join(", ", COLUMNS) + " (found " + String.join(", ", header) + ")");
            }
        }
        for (String column : header) {
            if (!COLUMNS.contains(column)) {
                throw new InputFormatException(file.name(), 1, column, "unexpected column; a police.uk street-level "
                        + "file has only " + String.join(", ", COLUMNS));
            }
        }
    }

    private static void read(CSVRecord row, int line, String feed, RowSink sink) throws IOException {
        String month = row.get("Month");
        if (!MONTH.matcher(month).matches()) {
            sink.reject(new Rejection(line, "Month", "expected a month as YYYY-MM, got '" + month + "'", raw(row)));
            return;
        }
        YearMonth yearMonth;
        try {
            yearMonth = YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            sink.reject(new Rejection(line, "Month", "no such month '" + month + "'", raw(row)));
            return;
        }
        String crimeType = row.get("Crime type");
        String category = CATEGORIES.get(crimeType);
        if (category == null) {
            sink.reject(new Rejection(line, "Crime type", "unknown police.uk crime type '" + crimeType + "'", raw(row)));
            return;
        }
        String lonText = row.get("Longitude");
        String latText = row.get("Latitude");
        if (lonText.isEmpty() && latText.isEmpty()) {
            sink.reject(new Rejection(line, "Longitude", "no location given (police.uk 'No location' record)", raw(row)));
            return;
        }
        double lon;
        double lat;
        try {
            lon = Double.parseDouble(lonText);
        } catch (NumberFormatException e) {
            sink.reject(new Rejection(line, "Longitude", "not a number: '" + lonText + "'", raw(row)));
            return;
        }
        try {
            lat = Double.parseDouble(latText);
        } catch (NumberFormatException e) {
            sink.reject(new Rejection(line, "Latitude", "not a number: '" + latText + "'", raw(row)));
            return;
        }
        if (!inGreatBritain(lon, lat)) {
            String reason = inGreatBritain(lat, lon)
                    ? "longitude " + lonText + " and latitude " + latText + " look swapped"
                    : "point " + lonText + ", " + latText + " is outside Great Britain";
            sink.reject(new Rejection(line, "Longitude", reason, raw(row)));
            return;
        }
        String lsoa = row.get("LSOA code");
        if (!lsoa.isEmpty() && !LSOA_CODE.matcher(lsoa).matches()) {
            sink.reject(new Rejection(line, "LSOA code", "not an LSOA code: '" + lsoa + "'", raw(row)));
            return;
        }

        Instant from = yearMonth.atDay(1).atStartOfDay(LONDON).toInstant();
        Instant to = yearMonth.plusMonths(1).atDay(1).atStartOfDay(LONDON).toInstant();
        String recordFeed = feed.equals("police") && category.equals("anti-social-behaviour") ? "asb" : feed;
        Map<String, String> attributes = new LinkedHashMap<>();
        putIfPresent(attributes, "reported_by", row.get("Reported by"));
        putIfPresent(attributes, "falls_within", row.get("Falls within"));
        putIfPresent(attributes, "lsoa_name", row.get("LSOA name"));
        putIfPresent(attributes, "last_outcome", row.get("Last outcome category"));
        putIfPresent(attributes, "context", row.get("Context"));
        String crimeId = row.get("Crime ID");
        String location = row.get("Location");
        sink.accept(new IncidentRecord(line, recordFeed, crimeId.isEmpty() ? null : crimeId, crimeType, category,
                from, to, location.isEmpty() ? null : location, lon, lat, 4326, GEOCODE_METHOD,
                SNAPPED_POINT_PRECISION_M, lsoa.isEmpty() ? null : lsoa, attributes));
    }

    private static boolean inGreatBritain(double lon, double lat) {
        return lon >= MIN_LON && lon <= MAX_LON && lat >= MIN_LAT && lat <= MAX_LAT;
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isEmpty()) {
            map.put(key, value);
        }
    }

    /** The row re-written as one CSV line, for quarantine. */
    static String raw(CSVRecord row) {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setRecordSeparator("").get())) {
            printer.printRecord((Object[]) row.values());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }
}
