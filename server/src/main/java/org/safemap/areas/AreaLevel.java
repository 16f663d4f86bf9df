package org.safemap.areas;

import java.util.Locale;
import java.util.regex.Pattern;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * A kind of boundary: lsoa, msoa, ward, lad, or a named custom set ({@code custom:beats}).
 *
 * @param name the level as stored in {@code area.level}
 */
public record AreaLevel(String name) {
    private static final Pattern VALID = Pattern.compile("lsoa|msoa|ward|lad|custom:[a-z0-9_-]{1,40}");

    public AreaLevel {
        if (!VALID.matcher(name).matches()) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "unknown area level '" + name
                            + "'; use lsoa, msoa, ward, lad or custom:<name> (lower case letters, digits, - and _)");
        }
    }

    public static AreaLevel parse(String text) {
        return new AreaLevel(text.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * The ONS column prefix for code and name fields of this level (LSOA11CD, WD13NM, LAD17CD ...),
     * or null for custom sets, which name their columns explicitly.
     */
    String onsPrefix() {
        return switch (name) {
            case "lsoa" -> "LSOA";
            case "msoa" -> "MSOA";
            case "ward" -> "WD";
            case "lad" -> "LAD";
            default -> null;
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
