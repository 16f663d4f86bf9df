package org.safemap.geocode;

import java.util.Locale;
import java.util.regex.Pattern;

/** UK postcode normalisation: "l1 8jq" and "L18JQ" are both "L18JQ" (key) and "L1 8JQ" (display). */
public final class Postcodes {
    private static final Pattern UNIT = Pattern.compile("[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}");
    private static final Pattern DISTRICT = Pattern.compile("[A-Z]{1,2}[0-9][A-Z0-9]?");
    /** A postcode written inside free text: "outside 12 Bold St, L1 4DS". */
    static final Pattern IN_TEXT = Pattern.compile("\\b([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\\s*([0-9][A-Za-z]{2})\\b");

    private Postcodes() {}

    /** The key (upper case, no spaces) of a full postcode, or null when the text is not one. */
    public static String key(String text) {
        if (text == null) {
            return null;
        }
        String k = text.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
        return UNIT.matcher(k).matches() ? k : null;
    }

    /** "L18JQ" to "L1 8JQ". */
    public static String display(String key) {
        return key.substring(0, key.length() - 3) + " " + key.substring(key.length() - 3);
    }

    /** The outward code (district) of a postcode key: "L18JQ" to "L1". */
    public static String districtOf(String key) {
        return key.substring(0, key.length() - 3);
    }

    /** A district as written ("l1", "L1 "), normalised, or null when it is not one. */
    public static String district(String text) {
        if (text == null) {
            return null;
        }
        String k = text.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
        return DISTRICT.matcher(k).matches() ? k : null;
    }
}
