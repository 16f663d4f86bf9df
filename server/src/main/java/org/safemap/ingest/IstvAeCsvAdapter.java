package org.safemap.ingest;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.safemap.files.SourceFile;
import org.safemap.geocode.LocationInput;

/**
 * A&E assault attendances as the Information Sharing to Tackle Violence minimum dataset (ISB 1594), one row per
 * attendance. The file may hold only the dataset's fields: a column outside them (a name, NHS number, date of
 * birth or home address) refuses the whole file, and nothing from it is stored, not even in quarantine.
 */
public final class IstvAeCsvAdapter implements FeedAdapter {
    /** ISB 1594 data elements as CSV columns; docs/feeds.md maps each to the NHS Data Dictionary name. */
    public static final List<String> COLUMNS = List.of(
            "site_code",
            "arrival_date",
            "arrival_time",
            "assault_date",
            "assault_time",
            "assault_location",
            "location_type",
            "assault_method",
            "assault_method_other");

    private static final Set<String> DECLARED = new LinkedHashSet<>(COLUMNS);
    private static final Set<String> REQUIRED =
            new LinkedHashSet<>(List.of("assault_date", "assault_location", "assault_method"));

    @Override
    public String format() {
        return "istv-csv";
    }

    @Override
    public void read(SourceFile file, FeedDefinition feed, RowSink sink, LongConsumer rawBytesRead) throws IOException {
        CsvFeedReader.read(file, feed, DECLARED, REQUIRED, ',', sink, rawBytesRead, IstvAeCsvAdapter::row);
    }

    private static IncidentRecord row(CsvFeedReader.Row row) {
        LocalDate date = DateTimes.date(row.required("assault_date"), "assault_date");
        Instant from;
        Instant to;
        if (row.has("assault_time")) {
            from = DateTimes.uk(LocalDateTime.of(date, DateTimes.time(row.get("assault_time"), "assault_time")));
            to = from;
        } else {
            Instant[] day = DateTimes.day(date);
            from = day[0];
            to = day[1];
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        PoliceUkCsvAdapter.putIfPresent(attributes, "site_code", row.get("site_code"));
        PoliceUkCsvAdapter.putIfPresent(attributes, "location_type", row.get("location_type"));
        PoliceUkCsvAdapter.putIfPresent(attributes, "assault_method_other", row.get("assault_method_other"));
        if (row.has("arrival_date")) {
            LocalDate arrivalDate = DateTimes.date(row.get("arrival_date"), "arrival_date");
            Instant arrival = row.has("arrival_time")
                    ? DateTimes.uk(
                            LocalDateTime.of(arrivalDate, DateTimes.time(row.get("arrival_time"), "arrival_time")))
                    : DateTimes.day(arrivalDate)[0];
            if (arrival.isBefore(from)) {
                throw new RowProblem("arrival_date", "arrival at A&E is before the assault");
            }
            attributes.put("arrival", arrival.toString());
        }
        String location = row.required("assault_location");
        return new IncidentRecord(
                row.line(),
                null,
                row.required("assault_method"),
                from,
                to,
                location,
                LocationInput.none().withText(location),
                null,
                attributes,
                row.raw(),
                "assault_date",
                "assault_date");
    }
}
