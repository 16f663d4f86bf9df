package org.safemap.areas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import org.safemap.files.InputFormatException;
import org.safemap.files.SourceFile;

/**
 * Streams the features of a GeoJSON FeatureCollection of boundaries, one at a time, so a national file of
 * 35,000 LSOAs never sits in memory as a tree. Finds the code and name properties (ONS names such as
 * LSOA11CD/LSOA11NM unless told otherwise), checks each geometry's structure, and works out the CRS from the
 * legacy {@code crs} member or, failing that, from the size of the coordinates.
 */
final class GeoJsonBoundaryReader implements BoundaryReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SourceFile file;
    private final AreaLevel level;
    private String codeField;
    private String nameField;
    private final Integer crsOverride;
    private Integer crsSrid;
    private Integer coordinateSrid;
    private boolean fieldsChosen;

    GeoJsonBoundaryReader(SourceFile file, BoundaryOptions options) {
        this.file = file;
        this.level = options.level();
        this.codeField = options.codeField();
        this.nameField = options.nameField();
        this.crsOverride = options.crs();
        this.crsSrid = options.crs();
    }

    @Override
    public Summary read(Sink sink, LongConsumer rawBytesRead) throws IOException {
        int count = 0;
        try (Reader reader = file.openReader(rawBytesRead);
                JsonParser p = new JsonFactory(JSON).createParser(reader)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw problem(1, null, "not a GeoJSON object");
            }
            boolean sawFeatures = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "type" -> {
                        if (!"FeatureCollection".equals(p.getText())) {
                            throw problem(
                                    p.currentLocation().getLineNr(),
                                    "type",
                                    "expected a FeatureCollection, found '" + p.getText() + "'");
                        }
                    }
                    case "crs" -> {
                        int declared =
                                sridOfCrs(JSON.readTree(p), p.currentLocation().getLineNr());
                        if (crsOverride == null) {
                            crsSrid = declared;
                        }
                    }
                    case "features" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw problem(p.currentLocation().getLineNr(), "features", "expected an array of features");
                        }
                        sawFeatures = true;
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            int line = p.currentLocation().getLineNr();
                            JsonNode feature = JSON.readTree(p);
                            sink.accept(feature(++count, line, feature));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (!sawFeatures) {
                throw problem(1, "features", "no features array");
            }
        } catch (JsonParseException e) {
            throw problem(
                    e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    null,
                    "not valid JSON: " + e.getOriginalMessage());
        }
        if (count == 0) {
            throw problem(1, "features", "the file holds no features");
        }
        // Without a crs member, RFC 7946 GeoJSON is WGS84; first() already refused metres without one.
        int srid = crsSrid != null ? crsSrid : 4326;
        return new Summary(srid, codeField, nameField, count);
    }

    private BoundaryFeature feature(int featureNo, int line, JsonNode feature) {
        JsonNode properties = feature.path("properties");
        if (!properties.isObject()) {
            throw problem(line, "properties", "feature " + featureNo + " has no properties");
        }
        if (!fieldsChosen) {
            List<String> names = new ArrayList<>();
            properties.fieldNames().forEachRemaining(names::add);
            try {
                codeField = FieldNames.pick(names, level, codeField, "CD", "--code-field");
                nameField = FieldNames.pick(names, level, nameField, "NM", "--name-field");
            } catch (FieldNames.Missing e) {
                throw problem(line, e.field(), e.getMessage());
            }
            fieldsChosen = true;
        }
        String code = text(properties, codeField, featureNo, line);
        String name = text(properties, nameField, featureNo, line);
        JsonNode geometry = feature.path("geometry");
        checkGeometry(geometry, featureNo, code, line);
        if (coordinateSrid == null) {
            coordinateSrid = sridOfCoordinates(firstPosition(geometry), line);
            JsonNode p = firstPosition(geometry);
            String where = "(" + p.get(0).asText() + ", " + p.get(1).asText() + ")";
            if (crsSrid == null && coordinateSrid != 4326) {
                throw problem(
                        line,
                        "crs",
                        "the file names no coordinate reference system and its coordinates " + where
                                + " are not degrees; they look like "
                                + (coordinateSrid == 27700 ? "British National Grid metres" : "Web Mercator metres")
                                + ": if so, load it with --crs EPSG:" + coordinateSrid);
            }
            if (crsSrid != null && (crsSrid == 4326) != (coordinateSrid == 4326)) {
                throw problem(
                        line,
                        "crs",
                        (crsOverride != null ? "--crs says" : "the file declares") + " EPSG:" + crsSrid
                                + " but its coordinates " + where + " look like "
                                + (coordinateSrid == 4326 ? "degrees" : "metres"));
            }
        }
        return new BoundaryFeature(featureNo, code, name, geometry.toString(), null);
    }

    private String text(JsonNode properties, String field, int featureNo, int line) {
        JsonNode node = properties.get(field);
        if (node == null || node.isNull() || node.asText().isBlank()) {
            throw problem(line, field, "feature " + featureNo + " has no value");
        }
        return node.asText().strip();
    }

    private void checkGeometry(JsonNode geometry, int featureNo, String code, int line) {
        String where = "feature " + featureNo + " (" + code + ")";
        if (!geometry.isObject()) {
            throw problem(line, "geometry", where + " has no geometry");
        }
        String type = geometry.path("type").asText();
        JsonNode coordinates = geometry.path("coordinates");
        switch (type) {
            case "Polygon" -> checkPolygon(coordinates, where, line);
            case "MultiPolygon" -> {
                if (!coordinates.isArray() || coordinates.isEmpty()) {
                    throw problem(line, "geometry", where + " has an empty MultiPolygon");
                }
                for (JsonNode polygon : coordinates) {
                    checkPolygon(polygon, where, line);
                }
            }
            default ->
                throw problem(
                        line,
                        "geometry",
                        where + " is a " + (type.isEmpty() ? "geometry without a type" : type)
                                + "; boundaries must be Polygon or MultiPolygon");
        }
    }

    private void checkPolygon(JsonNode rings, String where, int line) {
        if (!rings.isArray() || rings.isEmpty()) {
            throw problem(line, "geometry", where + " has a polygon without rings");
        }
        for (JsonNode ring : rings) {
            if (!ring.isArray() || ring.size() < 4) {
                throw problem(line, "geometry", where + " has a ring of fewer than 4 positions");
            }
            for (JsonNode position : ring) {
                if (!position.isArray()
                        || position.size() < 2
                        || !position.get(0).isNumber()
                        || !position.get(1).isNumber()) {
                    throw problem(line, "geometry", where + " has a position that is not [x, y]: " + position);
                }
            }
        }
    }

    private static JsonNode firstPosition(JsonNode geometry) {
        JsonNode node = geometry.path("coordinates");
        while (node.isArray() && node.size() > 0 && node.get(0).isArray()) {
            node = node.get(0);
        }
        return node;
    }

    /** The legacy GeoJSON (2008) crs member: urn:ogc:def:crs:OGC:1.3:CRS84, urn:ogc:def:crs:EPSG::27700 ... */
    private int sridOfCrs(JsonNode crs, int line) {
        String name = crs.path("properties").path("name").asText("").toUpperCase(Locale.ROOT);
        if (name.contains("CRS84") || name.matches(".*EPSG:+4326$")) {
            return 4326;
        }
        if (name.matches(".*EPSG:+27700$")) {
            return 27700;
        }
        if (name.matches(".*EPSG:+(3857|900913|3785)$")) {
            return 3857;
        }
        throw problem(
                line,
                "crs",
                "unsupported coordinate reference system '" + name
                        + "'; SafeMap reads EPSG:27700, EPSG:4326 (CRS84) and EPSG:3857");
    }

    /** Without a crs member: degrees, British National Grid metres, or Web Mercator metres. */
    private int sridOfCoordinates(JsonNode position, int line) {
        double x = position.get(0).asDouble();
        double y = position.get(1).asDouble();
        if (Math.abs(x) <= 180 && Math.abs(y) <= 90) {
            return 4326;
        }
        if (x >= 0 && x <= 800_000 && y >= 0 && y <= 1_400_000) {
            return 27700;
        }
        if (Math.abs(x) <= 20_037_509 && Math.abs(y) <= 20_037_509) {
            return 3857;
        }
        throw problem(
                line,
                "geometry",
                "coordinates " + x + ", " + y + " are neither degrees, British National Grid nor Web Mercator metres");
    }

    private InputFormatException problem(int line, String field, String message) {
        return new InputFormatException(file.name(), line, field, message);
    }
}
