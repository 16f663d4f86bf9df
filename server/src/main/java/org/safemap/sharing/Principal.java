package org.safemap.sharing;

import java.util.Objects;

/**
 * Who is asking, as the policy sees them: the authenticated user (or nobody), their role, the partner they work
 * for, and the purpose they declared for this session or token. Every decision about data starts from one.
 *
 * @param user    login name; null for an anonymous (public) request
 * @param role    audience in the protocols
 * @param partner partner id (as protocols name partners, e.g. csp, police, nhs-ed); null if none
 * @param purpose declared purpose code (as protocols list purposes, e.g. tasking); null if none declared
 * @param via     how they authenticated: session, token, cli or anonymous (for the audit)
 */
public record Principal(String user, Role role, String partner, String purpose, String via) {
    /** A request with no credentials. */
    public static final Principal ANONYMOUS = new Principal(null, Role.PUBLIC, null, null, "anonymous");

    public Principal {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(via, "via");
    }

    /**
     * Someone at the server's own command line (the operator running {@code ./safemap}). They can already read the
     * database directly, so the CLI acts for the partner they name (or none), and what it reads is audited.
     */
    public static Principal cli(String osUser, String partner, String purpose) {
        return new Principal("cli:" + osUser, Role.ADMIN, partner, purpose, "cli");
    }

    public boolean anonymous() {
        return user == null;
    }

    public Principal withPurpose(String declared) {
        return new Principal(user, role, partner, declared, via);
    }

    /** For logs and errors: never a secret, only who and how. */
    public String describe() {
        return anonymous() ? "anonymous" : user + " (" + role.key() + (partner == null ? "" : ", " + partner) + ")";
    }
}
