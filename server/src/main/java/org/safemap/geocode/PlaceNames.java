package org.safemap.geocode;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The matching key of a place name or free-text location: lower case, accents and punctuation removed, police.uk's
 * "On or near" and "the" dropped, and common street abbreviations written out, so "On or near Bold St." and
 * "bold street" meet. Gazetteer entries and the text being geocoded go through the same function.
 */
public final class PlaceNames {
    private static final Pattern ON_OR_NEAR = Pattern.compile("^on or near\\s+");
    private static final Pattern NOT_WORD = Pattern.compile("[^a-z0-9]+");
    private static final Map<String, String> ABBREVIATIONS = Map.ofEntries(
            Map.entry("st", "street"),
            Map.entry("rd", "road"),
            Map.entry("ave", "avenue"),
            Map.entry("av", "avenue"),
            Map.entry("ln", "lane"),
            Map.entry("cl", "close"),
            Map.entry("dr", "drive"),
            Map.entry("sq", "square"),
            Map.entry("pl", "place"),
            Map.entry("cres", "crescent"),
            Map.entry("ct", "court"),
            Map.entry("gdns", "gardens"),
            Map.entry("pk", "park"),
            Map.entry("terr", "terrace"),
            Map.entry("tce", "terrace"),
            Map.entry("hwy", "highway"));

    /** Words that say what kind of way a street is, not which: left out of a name's core. */
    static final Set<String> STREET_TYPES = Set.of(
            "street",
            "road",
            "lane",
            "avenue",
            "way",
            "drive",
            "close",
            "place",
            "square",
            "crescent",
            "grove",
            "terrace",
            "walk",
            "gardens",
            "court",
            "park",
            "hill",
            "row",
            "parade",
            "view",
            "mews",
            "rise",
            "vale",
            "green",
            "boulevard",
            "hey",
            "brow",
            "croft",
            "gate",
            "precinct",
            "quay",
            "approach",
            "bank",
            "fold",
            "side",
            "wharf",
            "dock",
            "yard",
            "alley",
            "passage",
            "highway",
            "north",
            "south",
            "east",
            "west",
            "upper",
            "lower");
    /** Words free text wraps around a place ("outside 38 ...", "junction of ... with ..."). */
    private static final Set<String> FILLER = Set.of(
            "outside",
            "near",
            "nr",
            "opposite",
            "opp",
            "junction",
            "jct",
            "with",
            "of",
            "on",
            "in",
            "at",
            "by",
            "and",
            "o",
            "s",
            "the",
            "front",
            "back",
            "rear",
            "corner");

    private PlaceNames() {}

    /**
     * The distinctive words of a key: street types, filler and house numbers removed ("outside 38 bold street" gives
     * "bold"). A misspelt core ("btoanic") is still close in trigrams to the right one, which the whole key, full of
     * "road" and "street", would not show. Empty when nothing distinctive is left.
     */
    public static String core(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (String word : key.split(" ")) {
            if (word.isEmpty()
                    || STREET_TYPES.contains(word)
                    || FILLER.contains(word)
                    || word.chars().allMatch(Character::isDigit)) {
                continue;
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(word);
        }
        return out.toString();
    }

    public static String key(String text) {
        if (text == null) {
            return "";
        }
        String s = Normalizer.normalize(text, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT)
                .strip();
        s = ON_OR_NEAR.matcher(s).replaceFirst("");
        s = NOT_WORD.matcher(s).replaceAll(" ").strip();
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (String word : s.split(" ")) {
            if (word.isEmpty() || word.equals("the")) {
                continue; // "The Grapes" and "Grapes" are one place
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(ABBREVIATIONS.getOrDefault(word, word));
        }
        return out.toString();
    }
}
