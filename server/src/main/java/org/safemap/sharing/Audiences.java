package org.safemap.sharing;

import java.util.Map;

/**
 * The disclosure level a protocol grants each audience. The owning partner's analysts, and partners the protocol
 * names, get their own level; everyone else gets their role's.
 *
 * @param owner   the owning partner's analysts and admins (usually points)
 * @param named   partner id to level, for partners the protocol names (e.g. the CSP's analysts)
 * @param analyst other partners' analysts and admins
 * @param tasking tasking meeting members
 * @param pub     anyone, without a login
 */
public record Audiences(
        DisclosureLevel owner,
        Map<String, DisclosureLevel> named,
        DisclosureLevel analyst,
        DisclosureLevel tasking,
        DisclosureLevel pub) {
    public Audiences {
        named = Map.copyOf(named);
    }

    /** The level for a principal of {@code role} working for {@code partner}, on a feed {@code owner} supplies. */
    DisclosureLevel levelFor(Role role, String partner, String ownerPartner) {
        DisclosureLevel byRole = switch (role) {
            case ADMIN, ANALYST -> analyst;
            case TASKING -> tasking;
            case PUBLIC -> pub;
        };
        if (role == Role.PUBLIC || partner == null) {
            return byRole;
        }
        if (role != Role.TASKING && partner.equals(ownerPartner)) {
            return max(byRole, owner);
        }
        DisclosureLevel n = named.get(partner);
        if (n != null && role != Role.TASKING) {
            return max(byRole, n);
        }
        return byRole;
    }

    private static DisclosureLevel max(DisclosureLevel a, DisclosureLevel b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
