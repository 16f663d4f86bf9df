package org.safemap.api;

import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/** A request that cannot be served as asked; the status is its code's, and it may say when to try again. */
public final class ApiException extends SafemapException {
    private final long retryAfterSeconds;

    public ApiException(ErrorCode code, String message) {
        this(code, message, 0);
    }

    /** A refusal that tells the client when to try again ({@code Retry-After}, seconds; 0: not said). */
    public ApiException(ErrorCode code, String message, long retryAfterSeconds) {
        super(code, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(ErrorCode.BAD_REQUEST, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(ErrorCode.NOT_FOUND, message);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
