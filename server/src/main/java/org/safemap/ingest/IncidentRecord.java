package org.safemap.ingest;

import java.time.Instant;
import java.util.Map;
import org.safemap.geocode.LocationInput;

/**
 * One record as an adapter read it: timed, with what the source says about where, not yet located or mapped.
 *
 * @param lineNo         line in the source file (header = 1)
 * @param sourceRef      the source's own id, or null
 * @param sourceCategory the category exactly as given (the key the feed's category mapping looks up)
 * @param eventFrom      start of the time window
 * @param eventTo        end of the window (exclusive); equal to eventFrom for an instant
 * @param locationText   the location as given, for people, or null
 * @param location       what the source says about where (coordinates, postcode, text ...)
 * @param statedLsoaCode the LSOA the source named, or null
 * @param attributes     other source fields worth keeping, by name
 * @param raw            the row as read, for quarantine if it cannot be located or mapped
 * @param fromField      the source field the start of the window came from, to name when it is implausible
 * @param toField        the source field the end came from (the same as fromField for a window read from one)
 */
public record IncidentRecord(
        int lineNo,
        String sourceRef,
        String sourceCategory,
        Instant eventFrom,
        Instant eventTo,
        String locationText,
        LocationInput location,
        String statedLsoaCode,
        Map<String, String> attributes,
        String raw,
        String fromField,
        String toField) {}
