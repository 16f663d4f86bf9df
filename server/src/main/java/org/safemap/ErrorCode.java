package org.safemap;

import java.util.Locale;
import java.util.UUID;

/**
 * Every error SafeMap reports, with its HTTP status and whose it is to fix. The wire name ({@link #wire()}) is what
 * the API's {@code {"error","message"}} shape and the CLI print; clients and tests depend on it, so a code's name and
 * status do not change. docs/api.md lists exactly these codes ({@code ErrorCodeDocsTest} keeps the two equal).
 *
 * <p>A {@link Fault#SETUP} or {@link Fault#DEFECT} code never reaches an HTTP client as itself: the client gets
 * {@link #INTERNAL_ERROR} with a reference that the server log repeats beside the stack trace, so no driver or
 * exception text leaves the server. The CLI, whose user is the operator, prints the code and its message.
 */
public enum ErrorCode {
    BAD_REQUEST(400, Fault.CALLER),
    BAD_INPUT(400, Fault.CALLER),
    BAD_POINTS(400, Fault.CALLER),
    BAD_STYLE(400, Fault.CALLER),
    BAD_PROTOCOL(400, Fault.CALLER),
    BAD_FEED(400, Fault.CALLER),
    UPLOAD_FAILED(400, Fault.CALLER),
    UNAUTHORISED(401, Fault.CALLER),
    FORBIDDEN(403, Fault.CALLER),
    WITHHELD(403, Fault.CALLER),
    NO_PROTOCOL(403, Fault.CALLER),
    NOT_FOUND(404, Fault.CALLER),
    FILE_NOT_FOUND(404, Fault.CALLER),
    METHOD_NOT_ALLOWED(405, Fault.CALLER),
    CONFLICT(409, Fault.CALLER),
    TOO_LARGE(413, Fault.CALLER),
    UNSUPPORTED_MEDIA_TYPE(415, Fault.CALLER),
    TOO_MANY_REQUESTS(429, Fault.CALLER),
    CLIENT_GONE(499, Fault.CALLER),
    HTTP_VERSION_NOT_SUPPORTED(505, Fault.CALLER),
    BUSY(503, Fault.TEMPORARY),
    TIMEOUT(503, Fault.TEMPORARY),
    SHUTTING_DOWN(503, Fault.TEMPORARY),
    DATABASE_UNAVAILABLE(503, Fault.TEMPORARY),
    AUDIT_FAILED(503, Fault.TEMPORARY),
    BAD_CONFIGURATION(500, Fault.SETUP),
    BAD_CATALOGUE(500, Fault.SETUP),
    MIGRATION_FAILED(500, Fault.SETUP),
    POSTGIS_MISSING(500, Fault.SETUP),
    INSTALL_FAILED(500, Fault.SETUP),
    CLUSTER_FAILED(500, Fault.SETUP),
    PORT_IN_USE(500, Fault.SETUP),
    DEMO_MISSING(500, Fault.SETUP),
    UNSEALABLE(500, Fault.SETUP),
    WRITE_FAILED(500, Fault.SETUP),
    GEOSERVER_UNAVAILABLE(500, Fault.SETUP),
    GEOSERVER_UNAUTHORIZED(500, Fault.SETUP),
    GEOSERVER_FORBIDDEN(500, Fault.SETUP),
    GEOSERVER_ERROR(500, Fault.SETUP),
    INTERNAL_ERROR(500, Fault.DEFECT);

    /** Whose the error is to fix, which decides what a client is told. */
    public enum Fault {
        /** The request or command as given: the client gets the code and the message, which names what to change. */
        CALLER,
        /** The server cannot serve it now (busy, stopping, database away): try again; the answer has Retry-After. */
        TEMPORARY,
        /** The installation (settings, files, programs): the operator's to fix; a client sees internal_error. */
        SETUP,
        /** A bug, or a failure the code did not expect: a client sees internal_error with a log reference. */
        DEFECT
    }

    private final int status;
    private final Fault fault;

    ErrorCode(int status, Fault fault) {
        this.status = status;
        this.fault = fault;
    }

    /** The HTTP status this error answers with (for SETUP and DEFECT: 500, as internal_error). */
    public int status() {
        return status;
    }

    public Fault fault() {
        return fault;
    }

    /** Whether the client may be told the code and message as they are (CALLER and TEMPORARY). */
    public boolean shownToClient() {
        return fault == Fault.CALLER || fault == Fault.TEMPORARY;
    }

    /** The stable machine-readable name, e.g. {@code database_unavailable}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The code whose wire name is {@code wire}, or null. */
    public static ErrorCode ofWire(String wire) {
        for (ErrorCode c : values()) {
            if (c.wire().equals(wire)) {
                return c;
            }
        }
        return null;
    }

    /**
     * A new reference for one defect: 8 random hex digits, shown to whoever met it and logged beside its stack trace,
     * so a report can be matched to the log without the client learning anything about the server.
     */
    public static String newReference() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** The code for an HTTP status met outside SafeMap's own code (Jetty's and Javalin's own refusals). */
    public static ErrorCode ofStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHORISED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 413, 414, 431 -> TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> TOO_MANY_REQUESTS;
            case 503 -> BUSY;
            case 505 -> HTTP_VERSION_NOT_SUPPORTED;
            default -> status < 500 ? BAD_REQUEST : INTERNAL_ERROR;
        };
    }
}
