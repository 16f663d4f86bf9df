package org.safemap.geocode;

/**
 * How a record's point was found, and how far the true location may be from it. The hotspot engine uses the
 * precision to weight or leave out imprecise points; docs/feeds.md explains each figure.
 */
public enum GeocodeMethod {
    /** Coordinates given by the source (GPS, a dispatcher's map click, a full-resolution easting/northing). */
    COORDINATE("coordinate", 10),
    /** An easting/northing the source rounded to a grid (LFB publishes 50 m): half the cell's diagonal. */
    ROUNDED_GRID("rounded-grid", 35),
    /** police.uk's anonymous map point: the centre of a catchment of at least eight postal addresses. */
    SNAPPED_MAP_POINT("snapped-map-point", 200),
    /** An address point (OS Open UPRN). */
    UPRN("uprn", 1),
    /** The centroid of a postcode unit (about 15 addresses). */
    POSTCODE("postcode", 100),
    /** A named venue in the gazetteer. */
    VENUE("venue", 50),
    /** A street in the gazetteer: somewhere along it. */
    STREET("street", 250),
    /** The centroid of a postcode district (outward code such as "L1"). */
    POSTCODE_DISTRICT("postcode-district", 2500);

    private final String code;
    private final float defaultPrecisionM;

    GeocodeMethod(String code, float defaultPrecisionM) {
        this.code = code;
        this.defaultPrecisionM = defaultPrecisionM;
    }

    /** As stored in incident.geocode_method. */
    public String code() {
        return code;
    }

    /** The precision in metres used when nothing more specific is known. */
    public float defaultPrecisionM() {
        return defaultPrecisionM;
    }
}
