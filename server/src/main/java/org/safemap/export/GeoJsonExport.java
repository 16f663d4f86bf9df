package org.safemap.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;

/**
 * Rows as an RFC 7946 GeoJSON FeatureCollection (EPSG:4326, longitude first), written as they are read. Provenance
 * rides as foreign members of the collection, which RFC 7946 section 6.1 allows: {@code attribution} (the credit
 * line) and {@code safemap} (everything in {@link Provenance#toJson()}).
 */
final class GeoJsonExport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private GeoJsonExport() {}

    /**
     * @param idColumn the column whose value becomes each feature's {@code id}
     */
    static long write(FeatureRows rows, Provenance provenance, String name, String idColumn, OutputStream out)
            throws IOException, SQLException {
        // not closed: the stream belongs to the caller
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.setCodec(JSON);
        g.writeStartObject();
        g.writeStringField("type", "FeatureCollection");
        g.writeStringField("name", name);
        g.writeStringField("attribution", provenance.attribution());
        g.writeObjectField("safemap", provenance.toJson());
        g.writeArrayFieldStart("features");
        int n = rows.columns().size();
        int id = -1;
        for (int i = 0; i < n; i++) {
            if (rows.columns().get(i).name().equals(idColumn)) {
                id = i;
            }
        }
        while (rows.next()) {
            g.writeStartObject();
            g.writeStringField("type", "Feature");
            if (id >= 0) {
                writeValue(g, "id", rows.value(id));
            }
            String geometry = rows.geoJson();
            g.writeFieldName("geometry");
            if (geometry == null) {
                g.writeNull();
            } else {
                g.writeRawValue(geometry);
            }
            g.writeObjectFieldStart("properties");
            for (int i = 0; i < n; i++) {
                writeValue(g, rows.columns().get(i).name(), rows.value(i));
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
        return rows.read();
    }

    private static void writeValue(JsonGenerator g, String name, Object v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else if (v instanceof Long l) {
            g.writeNumberField(name, l);
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                g.writeNullField(name);
            } else {
                g.writeNumberField(name, d);
            }
        } else {
            g.writeStringField(name, v.toString());
        }
    }
}
