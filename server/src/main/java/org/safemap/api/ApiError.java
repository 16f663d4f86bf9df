package org.safemap.api;

import org.safemap.ErrorCode;

/**
 * The one shape of every JSON error: {@code {"error": "<code>", "message": "..."}}.
 *
 * @param error   an {@link ErrorCode}'s wire name (bad_request, not_found, database_unavailable, internal_error ...)
 * @param message one sentence for a person
 */
public record ApiError(String error, String message) {
    public ApiError(ErrorCode code, String message) {
        this(code.wire(), message);
    }
}
