package org.safemap.map;

/**
 * A request the map service refuses, reported to the client as an OGC ServiceExceptionReport with a code from the
 * WMS specification (InvalidFormat, InvalidCRS, LayerNotDefined, StyleNotDefined, LayerNotQueryable, InvalidPoint,
 * MissingDimensionValue, InvalidDimensionValue, OperationNotSupported, or MissingParameterValue and
 * InvalidParameterValue for the rest) and, where useful, the parameter at fault as the locator.
 */
public final class OgcException extends RuntimeException {
    private final String code;
    private final String locator;

    public OgcException(String code, String locator, String message) {
        super(message);
        this.code = code;
        this.locator = locator;
    }

    public String code() {
        return code;
    }

    /** The parameter at fault, or null. */
    public String locator() {
        return locator;
    }

    public static OgcException missing(String parameter) {
        return new OgcException("MissingParameterValue", parameter, "the " + parameter + " parameter is required");
    }

    public static OgcException invalid(String parameter, String message) {
        return new OgcException("InvalidParameterValue", parameter, message);
    }
}
