package org.safemap.db;

import java.util.Map;

/**
 * JSON text for jsonb columns written through COPY, built by hand: a load writes one object per record, and a
 * general JSON library's setup per call cost more than the writing. jsonb keeps the value, not the text, so any valid
 * spelling of the same object stores the same.
 */
public final class JsonText {
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private JsonText() {}

    /** A JSON object of string values (a null value is JSON null); "{}" for an empty map. */
    public static String object(Map<String, String> values) {
        if (values.isEmpty()) {
            return "{}";
        }
        StringBuilder b = new StringBuilder(32 * values.size() + 2);
        b.append('{');
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            if (e.getKey() == null) {
                throw new IllegalArgumentException("a JSON object's key cannot be null");
            }
            string(b, e.getKey());
            b.append(':');
            string(b, e.getValue());
        }
        return b.append('}').toString();
    }

    /** A JSON string: the quote, the backslash and control characters escaped (RFC 8259), the rest as it is. */
    private static void string(StringBuilder b, String value) {
        if (value == null) {
            b.append("null");
            return;
        }
        b.append('"');
        int n = value.length();
        int plain = 0;
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            if (ch >= 0x20 && ch != '"' && ch != '\\') {
                continue;
            }
            b.append(value, plain, i);
            plain = i + 1;
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append("\\u00").append(HEX_DIGITS[ch >> 4]).append(HEX_DIGITS[ch & 0xf]);
            }
        }
        b.append(value, plain, n).append('"');
    }
}
