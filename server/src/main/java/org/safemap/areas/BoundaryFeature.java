package org.safemap.areas;

/**
 * One boundary read from a file, geometry still as the file gave it: GeoJSON text or WKB, in the file's CRS.
 *
 * @param featureNo    1-based position in the file, for messages
 * @param code         area code, e.g. E01006512
 * @param name         area name
 * @param geometryJson GeoJSON geometry (Polygon or MultiPolygon), or null when {@code wkb} is given
 * @param wkb          well-known binary geometry, or null when {@code geometryJson} is given
 */
public record BoundaryFeature(int featureNo, String code, String name, String geometryJson, byte[] wkb) {}
