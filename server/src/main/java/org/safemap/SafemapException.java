package org.safemap;

/**
 * A failure with its {@link ErrorCode}: bad input, bad configuration, an unreachable database, or a defect. The
 * message is one sentence, safe to print (no secrets), and says what to do where it can; for a code the client is not
 * shown ({@link ErrorCode#shownToClient()}) it may name server-side details, and the cause keeps the driver's text for
 * the log. The CLI prints the code and the message; the HTTP API maps it to {@code {"error","message"}}.
 */
public class SafemapException extends RuntimeException {
    private final ErrorCode code;

    public SafemapException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public SafemapException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** A failure the code did not expect (a query that should not fail, unreadable stored data): a defect. */
    public static SafemapException internal(String message, Throwable cause) {
        return new SafemapException(ErrorCode.INTERNAL_ERROR, message, cause);
    }

    public ErrorCode code() {
        return code;
    }
}
