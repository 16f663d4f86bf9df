package org.safemap.ingest;

import java.io.IOException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.safemap.files.SourceFile;
import org.safemap.geo.GreatBritain;
import org.safemap.geocode.GeocodeMethod;
import org.safemap.geocode.LocationInput;
import org.safemap.time.Period;

/**
 * police.uk street-level CSV ({@code YYYY-MM-<force>-street.csv}), used for police crime and ASB and for
 * British Transport Police. Points are police.uk's anonymous map points ("On or near ..."), each the centre of a
 * catchment of at least eight postal addresses, and times are whole months.
 */
public final class PoliceUkCsvAdapter implements FeedAdapter {
    public static final List<String> COLUMNS = List.of(
            "Crime ID",
            "Month",
            "Reported by",
            "Falls within",
            "Longitude",
            "Latitude",
            "Location",
            "LSOA code",
            "LSOA name",
            "Crime type",
            "Last outcome category",
            "Context");
    private static final Set<String> DECLARED = new LinkedHashSet<>(COLUMNS);

    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
    private static final Pattern LSOA_CODE = Pattern.compile("[EW]01\\d{6}");
    // Great Britain with a margin: Scilly to Shetland, Ireland's coast to Lowestoft.

    @Override
    public String format() {
        return "police-uk";
    }

    @Override
    public void read(SourceFile file, FeedDefinition feed, RowSink sink, LongConsumer rawBytesRead) throws IOException {
        Months months = new Months();
        CsvFeedReader.read(file, feed, DECLARED, DECLARED, ',', sink, rawBytesRead, row -> row(row, months));
    }

    /**
     * The last month a file's rows named, as the instants it starts and ends: a file's rows name one month or a few,
     * so each row need not parse its month and find its start in the London zone again.
     */
    private static final class Months {
        private String month;
        private Instant from;
        private Instant to;

        void read(String value) {
            if (value.equals(month)) {
                return;
            }
            if (!MONTH.matcher(value).matches()) {
                throw new RowProblem("Month", "expected a month as YYYY-MM, got '" + value + "'");
            }
            YearMonth yearMonth;
            try {
                yearMonth = YearMonth.parse(value);
            } catch (DateTimeParseException e) {
                throw new RowProblem("Month", "no such month '" + value + "'");
            }
            from = yearMonth.atDay(1).atStartOfDay(Period.LONDON).toInstant();
            to = yearMonth.plusMonths(1).atDay(1).atStartOfDay(Period.LONDON).toInstant();
            month = value;
        }
    }

    private static IncidentRecord row(CsvFeedReader.Row row, Months months) {
        months.read(row.get("Month"));
        Instant from = months.from;
        Instant to = months.to;
        String crimeType = row.required("Crime type");
        if (!row.has("Longitude") && !row.has("Latitude")) {
            throw new RowProblem("Longitude", "no location given (police.uk 'No location' record)");
        }
        Double lon = row.number("Longitude");
        Double lat = row.number("Latitude");
        if (lon == null || lat == null) {
            throw new RowProblem(lon == null ? "Longitude" : "Latitude", "only one of longitude and latitude is given");
        }
        String problem = GreatBritain.lonLatProblem(row.get("Longitude"), row.get("Latitude"), lon, lat);
        if (problem != null) {
            throw new RowProblem("Longitude", problem);
        }
        String lsoa = row.get("LSOA code");
        if (!lsoa.isEmpty() && !LSOA_CODE.matcher(lsoa).matches()) {
            throw new RowProblem("LSOA code", "not an LSOA code: '" + lsoa + "'");
        }
        // The force and the LSOA name repeat what the feed and the LSOA code say; only differences are kept.
        Map<String, String> attributes = new LinkedHashMap<>();
        String reportedBy = row.get("Reported by");
        String fallsWithin = row.get("Falls within");
        if (!reportedBy.equals(fallsWithin)) {
            putIfPresent(attributes, "reported_by", reportedBy);
            putIfPresent(attributes, "falls_within", fallsWithin);
        }
        putIfPresent(attributes, "last_outcome", row.get("Last outcome category"));
        putIfPresent(attributes, "context", row.get("Context"));
        String crimeId = row.get("Crime ID");
        String location = row.get("Location");
        return new IncidentRecord(
                row.line(),
                crimeId.isEmpty() ? null : crimeId,
                crimeType,
                from,
                to,
                location.isEmpty() ? null : location,
                LocationInput.coordinates(lon, lat, 4326, GeocodeMethod.SNAPPED_MAP_POINT, null)
                        .withCoordinateField("Longitude"),
                lsoa.isEmpty() ? null : lsoa,
                attributes,
                row.raw(),
                "Month",
                "Month");
    }

    static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isEmpty()) {
            map.put(key, value);
        }
    }
}
