package org.safemap.map;

/** The WMS versions served. 1.3.0 is the default; 1.1.1 is for older clients (MapInfo, older ArcGIS). */
public enum WmsVersion {
    V1_1_1("1.1.1"),
    V1_3_0("1.3.0");

    private final String text;

    WmsVersion(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /**
     * Version negotiation (WMS 1.3.0 §6.2.4): no version means the highest; an unknown one is answered with the
     * highest version below it, or the lowest if it is below both.
     */
    public static WmsVersion negotiate(String requested) {
        if (requested == null || requested.isBlank()) {
            return V1_3_0;
        }
        int asked = rank(requested.trim());
        if (asked < 0) {
            return V1_3_0;
        }
        return asked >= rank(V1_3_0.text) ? V1_3_0 : V1_1_1;
    }

    /** The version of a GetMap or GetFeatureInfo request, which must be one we speak exactly. */
    public static WmsVersion exact(String requested) {
        if (requested == null || requested.isBlank()) {
            throw OgcException.missing("VERSION");
        }
        for (WmsVersion v : values()) {
            if (v.text.equals(requested.trim())) {
                return v;
            }
        }
        throw OgcException.invalid("VERSION", "VERSION " + requested + " is not served; use 1.3.0 or 1.1.1");
    }

    private static int rank(String version) {
        String[] parts = version.split("\\.");
        if (parts.length != 3) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[0]) * 10_000 + Integer.parseInt(parts[1]) * 100 + Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
