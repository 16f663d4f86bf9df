package org.safemap.areas;

/**
 * One boundary read from a file, geometry still as the file gave it.
 *
 * @param featureNo   1-based position in the file, for messages
 * @param code        area code, e.g. E01006512
 * @param name        area name
 * @param geometryJson GeoJSON geometry text (Polygon or MultiPolygon)
 */
public record BoundaryFeature(int featureNo, String code, String name, String geometryJson) {
}
