package org.safemap.config;

import org.safemap.SafemapException;

/** A setting is missing, malformed or unknown. */
public final class ConfigException extends SafemapException {
    public ConfigException(String message) {
        super("bad_configuration", message);
    }
}
