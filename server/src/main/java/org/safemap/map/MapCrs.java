package org.safemap.map;

import java.util.List;
import java.util.Locale;
import org.safemap.geo.Crs;

/**
 * A coordinate reference system as a WMS client names it, with its axis order. WMS 1.3.0 follows the EPSG
 * definition, so EPSG:4326 bounding boxes are latitude first; CRS:84 is the same datum longitude first; WMS 1.1.1
 * is always x (easting or longitude) first.
 *
 * @param code           the identifier as advertised (EPSG:27700, EPSG:3857, EPSG:4326, CRS:84)
 * @param crs            the underlying system
 * @param northingFirst  true when BBOX and I/J axes come latitude first (EPSG:4326 in 1.3.0)
 */
public record MapCrs(String code, Crs crs, boolean northingFirst) {
    /** What capabilities advertise, in this order. */
    public static final List<String> ADVERTISED = List.of("EPSG:27700", "EPSG:3857", "EPSG:4326", "CRS:84");

    public static MapCrs parse(String text, WmsVersion version) {
        String parameter = version == WmsVersion.V1_3_0 ? "CRS" : "SRS";
        String code = code(text, parameter);
        return switch (code) {
            case "EPSG:27700" -> new MapCrs(code, Crs.BNG, false);
            case "EPSG:3857", "EPSG:900913" -> new MapCrs("EPSG:3857", Crs.WEB_MERCATOR, false);
            case "EPSG:4326" -> new MapCrs(code, Crs.WGS84, version == WmsVersion.V1_3_0);
            case "CRS:84" -> new MapCrs(code, Crs.WGS84, false);
            default ->
                throw new OgcException(
                        version == WmsVersion.V1_3_0 ? "InvalidCRS" : "InvalidSRS",
                        parameter,
                        parameter + " " + text + " is not served; use one of " + String.join(", ", ADVERTISED));
        };
    }

    /** True for geographic systems, whose units are degrees. */
    public boolean degrees() {
        return crs == Crs.WGS84;
    }

    private static String code(String text, String parameter) {
        if (text == null || text.isBlank()) {
            throw OgcException.missing(parameter);
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        // Clients also send OGC URNs and URLs for the same systems.
        if (t.startsWith("URN:OGC:DEF:CRS:EPSG:")) {
            t = "EPSG:" + t.substring(t.lastIndexOf(':') + 1);
        } else if (t.equals("URN:OGC:DEF:CRS:OGC:1.3:CRS84") || t.equals("OGC:CRS84")) {
            t = "CRS:84";
        } else if (t.startsWith("HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/")) {
            t = "EPSG:" + t.substring(t.lastIndexOf('/') + 1);
        }
        return t;
    }
}
