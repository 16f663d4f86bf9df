package org.safemap.cli;

import java.util.Collection;
import java.util.List;

/** The one warning about users whose partner no protocol names, for {@code serve} and {@code users list}. */
final class UnknownPartners {
    private UnknownPartners() {}

    static String warning(List<String> logins, Collection<String> partners) {
        return logins.size() + " user" + (logins.size() == 1 ? " has" : "s have") + " a partner no data-sharing "
                + "protocol names (marked ! in 'safemap users list'): " + String.join(", ", logins) + ". The protocols "
                + "treat them as any other partner's analyst, never as an owner or a named partner. Set a partner the "
                + "protocols name (" + String.join(", ", partners) + ") with PATCH /api/users/LOGIN, or add the "
                + "partner to a protocol.";
    }
}
