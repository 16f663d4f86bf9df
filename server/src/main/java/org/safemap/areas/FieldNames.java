package org.safemap.areas;

import java.util.List;
import java.util.regex.Pattern;

/** Finds the code and name fields of boundary features: ONS names (LSOA11CD, WD13NM ...) unless told. */
final class FieldNames {
    private FieldNames() {}

    /** No field could be chosen; the reader adds the file and line. */
    static final class Missing extends RuntimeException {
        private final String field;

        Missing(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }

        String field() {
            return field;
        }
    }

    /**
     * The field to use: {@code wanted} if given (matched ignoring case), else the one field named like
     * {@code <ONS prefix><two digits><suffix>}.
     *
     * @throws Missing naming the flag to use when neither finds one
     */
    static String pick(List<String> fields, AreaLevel level, String wanted, String suffix, String flag) {
        if (wanted != null) {
            return fields.stream()
                    .filter(f -> f.equalsIgnoreCase(wanted))
                    .findFirst()
                    .orElseThrow(() -> new Missing(
                            wanted, "no such field (" + flag + "); the features have: " + String.join(", ", fields)));
        }
        String prefix = level.onsPrefix();
        if (prefix != null) {
            Pattern pattern = Pattern.compile(prefix + "\\d{2}" + suffix, Pattern.CASE_INSENSITIVE);
            List<String> matches =
                    fields.stream().filter(n -> pattern.matcher(n).matches()).toList();
            if (matches.size() == 1) {
                return matches.get(0);
            }
        }
        String kind = suffix.equals("CD") ? "code" : "name";
        throw new Missing(
                null,
                "cannot tell which property holds the area " + kind + " (properties: " + String.join(", ", fields)
                        + "); name it with " + flag);
    }
}
