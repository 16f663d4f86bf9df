package org.safemap.ingest;

/** Why one row cannot be loaded; becomes a quarantine entry naming the field. Carries no stack trace. */
public final class RowProblem extends RuntimeException {
    private final String field;

    public RowProblem(String field, String reason) {
        super(reason, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
