package org.safemap.api;

import org.safemap.SafemapException;

/** A request that cannot be served as asked, with its HTTP status. */
public final class ApiException extends SafemapException {
    private final int status;
    private final long retryAfterSeconds;

    public ApiException(int status, String code, String message) {
        this(status, code, message, 0);
    }

    /** A refusal that tells the client when to try again ({@code Retry-After}, seconds; 0: not said). */
    public ApiException(int status, String code, String message, long retryAfterSeconds) {
        super(code, message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public int status() {
        return status;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
