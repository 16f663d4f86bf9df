package org.safemap.ingest;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.safemap.files.SourceFile;
import org.safemap.geocode.GeocodeMethod;
import org.safemap.geocode.LocationInput;

/**
 * Fire and rescue incidents in the style of London Fire Brigade's public incident records (an Incident Recording
 * System extract), plus the IRS motive. The category key is "stop code|motive", e.g. "Secondary Fire|Deliberate";
 * the fire-irs mapping decides which are shared (false alarms and special services are not fires).
 */
public final class FireIrsCsvAdapter implements FeedAdapter {
    /** LFB's published columns and IRS Motive. Only those marked in docs/feeds.md are read; the rest are allowed. */
    public static final List<String> COLUMNS = List.of(
            "IncidentNumber",
            "DateOfCall",
            "CalYear",
            "TimeOfCall",
            "HourOfCall",
            "IncidentGroup",
            "StopCodeDescription",
            "SpecialServiceType",
            "PropertyCategory",
            "PropertyType",
            "AddressQualifier",
            "Postcode_full",
            "Postcode_district",
            "UPRN",
            "USRN",
            "IncGeo_BoroughCode",
            "IncGeo_BoroughName",
            "ProperCase",
            "IncGeo_WardCode",
            "IncGeo_WardName",
            "IncGeo_WardNameNew",
            "Easting_m",
            "Northing_m",
            "Easting_rounded",
            "Northing_rounded",
            "Latitude",
            "Longitude",
            "FRS",
            "IncidentStationGround",
            "FirstPumpArriving_AttendanceTime",
            "FirstPumpArriving_DeployedFromStation",
            "SecondPumpArriving_AttendanceTime",
            "SecondPumpArriving_DeployedFromStation",
            "NumStationsWithPumpsAttending",
            "NumPumpsAttending",
            "PumpCount",
            "PumpMinutesRounded",
            "Notional Cost (£)",
            "NumCalls",
            "Motive");

    private static final Set<String> DECLARED = new LinkedHashSet<>(COLUMNS);
    private static final Set<String> REQUIRED =
            new LinkedHashSet<>(List.of("DateOfCall", "TimeOfCall", "StopCodeDescription", "Motive"));

    @Override
    public String format() {
        return "fire-irs-csv";
    }

    @Override
    public void read(SourceFile file, FeedDefinition feed, RowSink sink, LongConsumer rawBytesRead) throws IOException {
        CsvFeedReader.read(file, feed, DECLARED, REQUIRED, ',', sink, rawBytesRead, FireIrsCsvAdapter::row);
    }

    private static IncidentRecord row(CsvFeedReader.Row row) {
        // IRS extracts hold false alarms and special services too; only fires are in this feed's protocol.
        if (row.has("IncidentGroup") && !row.get("IncidentGroup").equalsIgnoreCase("Fire")) {
            throw new RowProblem(
                    "IncidentGroup",
                    "'" + row.get("IncidentGroup") + "' incidents are outside this feed, " + "which shares fires only");
        }
        Instant at = DateTimes.uk(LocalDateTime.of(
                DateTimes.date(row.required("DateOfCall"), "DateOfCall"),
                DateTimes.time(row.required("TimeOfCall"), "TimeOfCall")));
        LocationInput location = LocationInput.none();
        Double e = row.number("Easting_m");
        Double n = row.number("Northing_m");
        Double er = row.number("Easting_rounded");
        Double nr = row.number("Northing_rounded");
        if (e != null && n != null) {
            location = LocationInput.coordinates(e, n, 27700, GeocodeMethod.COORDINATE, null)
                    .withCoordinateField("Easting_m");
        } else if (er != null && nr != null) {
            location = LocationInput.coordinates(er, nr, 27700, GeocodeMethod.ROUNDED_GRID, null)
                    .withCoordinateField("Easting_rounded");
        }
        location = location.withPostcode(row.get("Postcode_full")).withDistrict(row.get("Postcode_district"));
        if (row.has("UPRN")) {
            try {
                location = location.withUprn(Long.parseLong(row.get("UPRN")));
            } catch (NumberFormatException ex) {
                throw new RowProblem("UPRN", "'" + row.get("UPRN") + "' is not a UPRN");
            }
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String column : List.of("IncidentGroup", "PropertyCategory", "PropertyType", "IncidentStationGround")) {
            PoliceUkCsvAdapter.putIfPresent(attributes, column, row.get(column));
        }
        String ref = row.get("IncidentNumber");
        String key = row.required("StopCodeDescription") + "|" + row.required("Motive");
        return new IncidentRecord(
                row.line(),
                ref.isEmpty() ? null : ref,
                key,
                at,
                at,
                row.has("Postcode_district") ? row.get("Postcode_district") : null,
                location,
                null,
                attributes,
                row.raw(),
                "DateOfCall",
                "DateOfCall");
    }
}
