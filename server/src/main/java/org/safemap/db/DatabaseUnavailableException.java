package org.safemap.db;

import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/** The database cannot be reached, logged in to, or lacks what SafeMap needs (PostGIS 3.1+). */
public final class DatabaseUnavailableException extends SafemapException {
    public DatabaseUnavailableException(String message) {
        super(ErrorCode.DATABASE_UNAVAILABLE, message);
    }

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(ErrorCode.DATABASE_UNAVAILABLE, message, cause);
    }
}
