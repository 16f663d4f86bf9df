package org.safemap.ingest;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.safemap.files.SourceFile;
import org.safemap.geocode.GeocodeMethod;
import org.safemap.geocode.LocationInput;

/**
 * Ambulance assault call-outs: time of call, AMPDS chief complaint (4 Assault/Sexual Assault, 27 Stab/Gunshot/
 * Penetrating Trauma) and determinant, and a location as easting/northing, latitude/longitude or postcode.
 */
public final class AmbulanceCsvAdapter implements FeedAdapter {
    public static final List<String> COLUMNS = List.of(
            "incident_ref",
            "call_datetime",
            "chief_complaint",
            "determinant",
            "easting",
            "northing",
            "latitude",
            "longitude",
            "postcode",
            "conveyed");
    private static final Set<String> DECLARED = new LinkedHashSet<>(COLUMNS);
    private static final Set<String> REQUIRED = new LinkedHashSet<>(List.of("call_datetime", "chief_complaint"));
    private static final Pattern DETERMINANT = Pattern.compile("\\d{1,2}[A-EO]\\d{2}[A-Z]?");

    @Override
    public String format() {
        return "ambulance-csv";
    }

    @Override
    public void read(SourceFile file, FeedDefinition feed, RowSink sink, LongConsumer rawBytesRead) throws IOException {
        CsvFeedReader.read(file, feed, DECLARED, REQUIRED, ',', sink, rawBytesRead, AmbulanceCsvAdapter::row);
    }

    private static IncidentRecord row(CsvFeedReader.Row row) {
        Instant at = DateTimes.uk(DateTimes.dateTime(row.required("call_datetime"), "call_datetime"));
        String complaint = row.required("chief_complaint").replaceFirst("^0+(?=\\d)", "");
        String determinant = row.get("determinant").toUpperCase();
        if (!determinant.isEmpty() && !DETERMINANT.matcher(determinant).matches()) {
            throw new RowProblem(
                    "determinant", "'" + row.get("determinant") + "' is not an AMPDS determinant (e.g. 04D01)");
        }
        LocationInput location = LocationInput.none();
        Double e = row.number("easting");
        Double n = row.number("northing");
        Double lat = row.number("latitude");
        Double lon = row.number("longitude");
        if (e != null && n != null) {
            location = LocationInput.coordinates(e, n, 27700, GeocodeMethod.COORDINATE, null)
                    .withCoordinateField("easting");
        } else if (lat != null && lon != null) {
            location = LocationInput.coordinates(lon, lat, 4326, GeocodeMethod.COORDINATE, null)
                    .withCoordinateField("longitude");
        } else if ((e == null) != (n == null) || (lat == null) != (lon == null)) {
            throw new RowProblem(
                    e != null || n != null ? "easting" : "latitude", "only half of a coordinate pair is given");
        }
        location = location.withPostcode(row.get("postcode"));
        Map<String, String> attributes = new LinkedHashMap<>();
        PoliceUkCsvAdapter.putIfPresent(attributes, "determinant", determinant);
        PoliceUkCsvAdapter.putIfPresent(attributes, "conveyed", row.get("conveyed"));
        String ref = row.get("incident_ref");
        return new IncidentRecord(
                row.line(),
                ref.isEmpty() ? null : ref,
                complaint,
                at,
                at,
                row.has("postcode") ? row.get("postcode") : null,
                location,
                null,
                attributes,
                row.raw(),
                "call_datetime",
                "call_datetime");
    }
}
