package org.safemap;

/**
 * A failure the user can act on: bad input, bad configuration, an unreachable database.
 * The message is one sentence, safe to print (no secrets), and says what to do where it can.
 * The CLI prints it as one line; the HTTP API maps it to {@code {"error","message"}}.
 */
public class SafemapException extends RuntimeException {
    private final String code;

    public SafemapException(String code, String message) {
        super(message);
        this.code = code;
    }

    public SafemapException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Stable, machine-readable error code, e.g. {@code database_unavailable}. */
    public String code() {
        return code;
    }
}
