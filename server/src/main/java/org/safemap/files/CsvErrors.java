package org.safemap.files;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns commons-csv's parse failures into a line number and a short description. */
final class CsvErrors {
    /** commons-csv writes "(line 5)" in older versions and "at line: 5, position: 12" in newer ones. */
    private static final Pattern LINE = Pattern.compile("\\(line (\\d+)\\)|at line: (\\d+)(, position: \\d+)?");

    private CsvErrors() {}

    /** The line commons-csv names in the message chain, or 0 when it names none. */
    static int lineOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = t.getMessage() == null ? null : LINE.matcher(t.getMessage());
            if (m != null && m.find()) {
                return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        return 0;
    }

    /** The innermost message, without the Java exception class names. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return LINE.matcher(message).replaceAll("").strip();
    }
}
