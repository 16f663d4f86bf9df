package org.safemap.ingest;

import java.time.Instant;
import java.util.Map;

/**
 * One incident as an adapter read it, before it is stored: located (in the given SRID) and timed.
 *
 * @param lineNo          line in the source file (header = 1)
 * @param feed            feed the record belongs to (police, asb, transport, ...)
 * @param sourceRef       the source's own id, or null
 * @param sourceCategory  the category exactly as given
 * @param category        code in the common taxonomy (table {@code category})
 * @param eventFrom       start of the time window
 * @param eventTo         end of the window (exclusive); equal to eventFrom for an instant
 * @param locationText    the location as given, or null
 * @param x               easting or longitude
 * @param y               northing or latitude
 * @param srid            4326 (x = longitude) or 27700
 * @param geocodeMethod   how the point was found, e.g. {@code snapped-map-point}
 * @param precisionMetres how far the true location may be from the point
 * @param statedLsoaCode  the LSOA the source named, or null
 * @param attributes      other source fields worth keeping, by name
 */
public record IncidentRecord(
        int lineNo,
        String feed,
        String sourceRef,
        String sourceCategory,
        String category,
        Instant eventFrom,
        Instant eventTo,
        String locationText,
        double x,
        double y,
        int srid,
        String geocodeMethod,
        float precisionMetres,
        String statedLsoaCode,
        Map<String, String> attributes) {
}
