package org.safemap.actions;

import java.util.Arrays;
import java.util.Locale;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/** Where a tasking action stands. The key is what the API, the CSV and the database hold; the label what people read. */
public enum ActionStatus {
    OPEN("Open"),
    IN_PROGRESS("In progress"),
    DONE("Done"),
    DROPPED("Dropped");

    private final String label;

    ActionStatus(String label) {
        this.label = label;
    }

    /** open, in_progress, done, dropped. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String label() {
        return label;
    }

    /** By key or label, in any case; a bad_request naming the choices otherwise. */
    public static ActionStatus parse(String text) {
        String t = text == null ? "" : text.strip();
        for (ActionStatus s : values()) {
            if (s.key().equalsIgnoreCase(t) || s.label.equalsIgnoreCase(t)) {
                return s;
            }
        }
        throw new SafemapException(
                ErrorCode.BAD_REQUEST,
                "unknown status '" + text + "'; a status is one of "
                        + Arrays.stream(values()).map(ActionStatus::key).toList());
    }
}
