package org.safemap.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.safemap.files.CsvRecords;
import org.safemap.files.InputFormatException;
import org.safemap.files.PgText;
import org.safemap.files.SourceFile;

/**
 * A partner's GeoJSON FeatureCollection of points (RFC 7946, WGS84), read through the feed's mapping: properties
 * play the part of columns, and the point geometry is the location unless the mapping names location properties.
 * Features are streamed one at a time; the "line" of a feature is its number in the collection.
 */
public final class MappedGeoJsonAdapter implements FeedAdapter {
    /** NaN and Infinity are read, so that a feature holding them costs that feature, not the file. */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build());
    /** For a feature's text in quarantine when it holds what text cannot (an unpaired surrogate): escaped. */
    private static final ObjectWriter ASCII = JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

    @Override
    public String format() {
        return "mapped-geojson";
    }

    @Override
    public void read(SourceFile file, FeedDefinition feed, RowSink sink, LongConsumer rawBytesRead) throws IOException {
        MappedFeed mapping = MappedFeed.of(feed);
        try (Reader reader = file.openReader(rawBytesRead);
                JsonParser p = JSON.createParser(reader)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InputFormatException(file.name(), 1, null, "not a GeoJSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals("features")) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    throw new InputFormatException(
                            file.name(), p.currentLocation().getLineNr(), "features", "expected an array of features");
                }
                int number = 0;
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    number++;
                    JsonNode feature = JSON.readTree(p);
                    read(feature, number, mapping, feed.terms(), file, sink);
                }
            }
        } catch (JsonProcessingException e) {
            // Malformed JSON, or past Jackson's limits (a 20 MB string, a 1,000-digit number): the rest cannot be read.
            throw new InputFormatException(
                    file.name(),
                    e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    null,
                    "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static void read(
            JsonNode feature, int number, MappedFeed mapping, FeedTerms terms, SourceFile file, RowSink sink)
            throws IOException {
        JsonNode properties = feature.path("properties");
        for (Iterator<String> names = properties.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String shown = PgText.shown(name);
            if (!mapping.fields.contains(name)) {
                throw new InputFormatException(
                        file.name(),
                        0,
                        shown,
                        "feature " + number + " has a property the feed "
                                + "does not declare, so the file is refused and nothing from it is kept; declared fields: "
                                + String.join(", ", mapping.fields));
            }
            if (terms != null && !terms.permits(name)) {
                throw new InputFormatException(
                        file.name(),
                        0,
                        shown,
                        "feature " + number + " has a property the "
                                + "data-sharing protocol " + terms.protocol()
                                + " does not list, so the file is refused and "
                                + "nothing from it is kept");
            }
        }
        if (terms != null && !terms.linkageKeys().isEmpty() && properties instanceof ObjectNode props) {
            terms.keepOriginal(number, feature.toString());
            // Hashed before anything, the raw feature in quarantine included, can keep the identifier.
            List<String> names = new java.util.ArrayList<>();
            props.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (terms.isLinkage(name) && !props.get(name).isNull()) {
                    props.put(
                            name,
                            terms.pseudonymiser().pseudonym(props.get(name).asText()));
                }
            }
        }
        String raw = feature.toString();
        if (!PgText.storable(raw)) {
            raw = ASCII.writeValueAsString(feature);
        }
        if (raw.length() > CsvRecords.MAX_RECORD_BYTES) {
            sink.reject(new Rejection(
                    number,
                    null,
                    "the feature is longer than " + (CsvRecords.MAX_RECORD_BYTES >> 20) + " MB",
                    raw.substring(0, 4096) + " [... " + raw.length() + " characters in all]"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> values = properties.fields(); values.hasNext(); ) {
            Map.Entry<String, JsonNode> value = values.next();
            String problem = value.getValue().isTextual()
                    ? PgText.problem(value.getValue().textValue())
                    : null;
            if (problem != null) {
                sink.reject(new Rejection(number, value.getKey(), "the value " + problem, raw));
                return;
            }
        }
        double[] point = null;
        JsonNode geometry = feature.path("geometry");
        if (geometry.isObject()) {
            if (!"Point".equals(geometry.path("type").asText())) {
                sink.reject(new Rejection(
                        number,
                        "geometry",
                        "the geometry is a " + geometry.path("type").asText() + "; incidents must be Points",
                        raw));
                return;
            }
            JsonNode c = geometry.path("coordinates");
            if (c.size() < 2 || !c.get(0).isNumber() || !c.get(1).isNumber()) {
                sink.reject(new Rejection(
                        number, "geometry", "the point's coordinates are not [longitude, latitude]", raw));
                return;
            }
            point = new double[] {c.get(0).asDouble(), c.get(1).asDouble()};
            if (!Double.isFinite(point[0]) || !Double.isFinite(point[1])) {
                sink.reject(new Rejection(number, "geometry", "the point's coordinates are not finite numbers", raw));
                return;
            }
        }
        try {
            sink.accept(mapping.record(
                    number,
                    raw,
                    name -> {
                        JsonNode v = properties.get(name);
                        return v == null || v.isNull() ? "" : v.asText();
                    },
                    point));
        } catch (RowProblem e) {
            sink.reject(new Rejection(number, e.field(), e.getMessage(), raw));
        }
    }
}
