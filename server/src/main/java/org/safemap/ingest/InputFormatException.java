package org.safemap.ingest;

import org.safemap.SafemapException;

/** A source file that cannot be loaded at all; the message names the file, the line and the field. */
public final class InputFormatException extends SafemapException {
    /**
     * @param line  1-based line, or 0 when the problem has no single line (two features share a code)
     * @param field the field at fault, or null
     */
    public InputFormatException(String file, int line, String field, String problem) {
        super("bad_input", file + (line > 0 ? " line " + line : "") + (field == null ? "" : ", field '" + field + "'")
                + ": " + problem);
    }
}
