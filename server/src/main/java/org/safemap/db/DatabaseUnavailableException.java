package org.safemap.db;

import org.safemap.SafemapException;

/** The database cannot be reached, logged in to, or lacks what SafeMap needs (PostGIS 3.1+). */
public final class DatabaseUnavailableException extends SafemapException {
    public DatabaseUnavailableException(String message) {
        super("database_unavailable", message);
    }

    public DatabaseUnavailableException(String message, Throwable cause) {
        super("database_unavailable", message, cause);
    }
}
