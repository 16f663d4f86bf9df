package org.safemap.geocode;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The matching key of a place name or free-text location: lower case, accents and punctuation removed, police.uk's
 * "On or near" dropped, and common street abbreviations written out, so "On or near Bold St." and "bold street"
 * meet. Gazetteer entries and the text being geocoded go through the same function.
 */
public final class PlaceNames {
    private static final Pattern ON_OR_NEAR = Pattern.compile("^on or near\\s+");
    private static final Pattern NOT_WORD = Pattern.compile("[^a-z0-9]+");
    private static final Map<String, String> ABBREVIATIONS = Map.ofEntries(
            Map.entry("st", "street"), Map.entry("rd", "road"), Map.entry("ave", "avenue"), Map.entry("av", "avenue"),
            Map.entry("ln", "lane"), Map.entry("dr", "drive"), Map.entry("sq", "square"), Map.entry("pl", "place"),
            Map.entry("cres", "crescent"), Map.entry("ct", "court"), Map.entry("gdns", "gardens"),
            Map.entry("pk", "park"), Map.entry("terr", "terrace"), Map.entry("tce", "terrace"), Map.entry("hwy", "highway"));

    private PlaceNames() {
    }

    public static String key(String text) {
        if (text == null) {
            return "";
        }
        String s = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT).strip();
        s = ON_OR_NEAR.matcher(s).replaceFirst("");
        s = NOT_WORD.matcher(s).replaceAll(" ").strip();
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (String word : s.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(ABBREVIATIONS.getOrDefault(word, word));
        }
        return out.toString();
    }
}
