package org.safemap.api;

/**
 * The one shape of every JSON error: {@code {"error": "<code>", "message": "..."}}.
 *
 * @param error   stable machine-readable code (bad_request, not_found, database_unavailable, internal_error ...)
 * @param message one sentence for a person
 */
public record ApiError(String error, String message) {}
