package org.safemap.actions;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * What a client sends to create or change an action. For a change, null fields are left as they are, and
 * {@code clearDue} removes the due date.
 *
 * @param version the version the client last read; a change to a newer action is refused (409), so nobody
 *                overwrites an edit they have not seen. Null: no check
 */
public record ActionDraft(
        String areaCode,
        Long hotspotRunId,
        String problem,
        String action,
        String agency,
        String owner,
        LocalDate agreedOn,
        LocalDate dueOn,
        boolean clearDue,
        ActionStatus status,
        String notes,
        Integer version) {
    static final int MAX_TEXT = 2000;
    static final int MAX_NAME = 200;
    static final int MAX_NOTES = 4000;

    /** The fields a new action must have, named in one bad_request. */
    void requireComplete() {
        List<String> missing = new ArrayList<>();
        if (blank(areaCode)) {
            missing.add("area");
        }
        if (blank(problem)) {
            missing.add("problem");
        }
        if (blank(action)) {
            missing.add("action");
        }
        if (blank(agency)) {
            missing.add("agency");
        }
        if (blank(owner)) {
            missing.add("owner");
        }
        if (!missing.isEmpty()) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "an action needs " + String.join(", ", missing));
        }
    }

    /** Lengths the table holds, checked here so the client is told which field is too long. */
    void checkLengths() {
        length("problem", problem, MAX_TEXT);
        length("action", action, MAX_TEXT);
        length("agency", agency, MAX_NAME);
        length("owner", owner, MAX_NAME);
        length("notes", notes, MAX_NOTES);
        if (dueOn != null && agreedOn != null && dueOn.isBefore(agreedOn)) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "the due date " + dueOn + " is before the day agreed " + agreedOn);
        }
    }

    private static void length(String field, String value, int max) {
        if (value != null && value.strip().length() > max) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, field + " is longer than " + max + " characters");
        }
        if (value != null && value.strip().isEmpty() && !field.equals("notes")) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, field + " may not be empty");
        }
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
