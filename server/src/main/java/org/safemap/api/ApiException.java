package org.safemap.api;

import org.safemap.SafemapException;

/** A request that cannot be served as asked, with its HTTP status. */
public final class ApiException extends SafemapException {
    private final int status;

    public ApiException(int status, String code, String message) {
        super(code, message);
        this.status = status;
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
}
