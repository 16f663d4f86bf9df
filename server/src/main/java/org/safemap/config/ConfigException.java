package org.safemap.config;

import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/** A setting is missing, malformed or unknown. */
public final class ConfigException extends SafemapException {
    public ConfigException(String message) {
        super(ErrorCode.BAD_CONFIGURATION, message);
    }
}
