package org.safemap.sharing;

import java.util.Locale;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * What a user is to the partnership. Each role is an audience a data-sharing protocol grants a disclosure level to;
 * only {@link #ADMIN} may manage users, tokens and protocols.
 */
public enum Role {
    /** Runs the system: users, tokens, protocols, retention. Sees data as a partner analyst of its partner. */
    ADMIN,
    /** A partner's analyst (police, council, NHS, fire...): tied to one partner, the owner of that partner's feeds. */
    ANALYST,
    /** Tasking meeting members: aggregates and hot spots, not records. */
    TASKING,
    /** Anyone without a login: the public map, at aggregated, suppressed level only. */
    PUBLIC;

    /** The name used in protocols, configuration and the API: admin, analyst, tasking, public. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String key) {
        for (Role r : values()) {
            if (r.key().equalsIgnoreCase(key == null ? "" : key.strip())) {
                return r;
            }
        }
        throw new SafemapException(
                ErrorCode.BAD_REQUEST, "unknown role '" + key + "'; roles are admin, analyst, tasking, public");
    }
}
