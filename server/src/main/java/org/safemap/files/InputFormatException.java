package org.safemap.files;

import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * A source file that cannot be loaded at all; the message names the file, the line and the field. It is the user's
 * to fix: the CLI prints the message alone, the API answers 400 (an upload lists the file as "refused").
 */
public final class InputFormatException extends SafemapException {
    /**
     * @param line  1-based line, or 0 when the problem has no single line (two features share a code)
     * @param field the field at fault, or null
     */
    public InputFormatException(String file, int line, String field, String problem) {
        // A header read from a binary file may hold NUL characters: shown as ␀, they cannot garble a terminal.
        super(
                ErrorCode.BAD_INPUT,
                PgText.shown(file + (line > 0 ? " line " + line : "") + (field == null ? "" : ", field '" + field + "'")
                        + ": " + problem));
    }
}
