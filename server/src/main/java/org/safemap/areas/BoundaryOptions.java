package org.safemap.areas;

/**
 * How to read a boundary file, as the user asked.
 *
 * @param level     the level the boundaries are loaded as
 * @param layer     table (GeoPackage) or Shapefile (zip) when the file holds several, or null
 * @param codeField property holding the code, or null to detect ONS names (LSOA11CD ...)
 * @param nameField property holding the name, or null to detect
 * @param crs       EPSG code (27700, 4326, 3857) that wins over the file's own CRS, or null
 */
public record BoundaryOptions(AreaLevel level, String layer, String codeField, String nameField, Integer crs) {

    /** Detect everything; read the file's own CRS. */
    public static BoundaryOptions detect(AreaLevel level) {
        return new BoundaryOptions(level, null, null, null, null);
    }
}
