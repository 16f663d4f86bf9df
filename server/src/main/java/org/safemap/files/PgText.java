package org.safemap.files;

/**
 * What PostgreSQL's {@code text} and {@code jsonb} can hold: any Unicode character but U+0000. A Java string can hold
 * two more things no column can: the NUL character (a zero byte in a file), and half of a UTF-16 surrogate pair
 * (from a JSON escape such as {@code "\ud800"}), which is no character at all and has no UTF-8 form. Every value
 * that goes into a COPY is checked here first, so that one bad value costs its row, not the whole COPY.
 */
public final class PgText {
    /** Shown in place of a NUL character where people read a value: U+2400 SYMBOL FOR NULL. */
    public static final char NUL_SYMBOL = '\u2400';

    private PgText() {}

    /** Why the value cannot be stored, or null when it can (null values can). */
    public static String problem(String value) {
        if (value == null) {
            return null;
        }
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            if (ch == 0) {
                return "holds a NUL character (a zero byte), which no text column can store";
            }
            if (Character.isSurrogate(ch)) {
                if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "holds half of a UTF-16 surrogate pair without its other half (a JSON escape such as \\ud800 "
                        + "alone), which is not a character";
            }
        }
        return null;
    }

    public static boolean storable(String value) {
        return problem(value) == null;
    }

    /**
     * The value as people should see it and as text can store it: each NUL as ␀ (U+2400) and each unpaired
     * surrogate as U+FFFD; the value itself when nothing needs changing.
     */
    public static String shown(String value) {
        if (storable(value)) {
            return value;
        }
        StringBuilder b = new StringBuilder(value.length());
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            if (ch == 0) {
                b.append(NUL_SYMBOL);
            } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                b.append(ch).append(value.charAt(++i));
            } else if (Character.isSurrogate(ch)) {
                b.append('\uFFFD');
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
