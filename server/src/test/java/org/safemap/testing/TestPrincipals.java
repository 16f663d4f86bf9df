package org.safemap.testing;

import org.safemap.api.Authenticator;
import org.safemap.sharing.Principal;
import org.safemap.sharing.Role;

/**
 * Principals for tests, before the login work is merged: an {@link Authenticator} that reads the header
 * {@code X-Test-Principal: role:partner:purpose} (empty parts for none), and one that makes every request the same
 * principal. Both exist only in test code, installed through {@code App.start(settings, db, authenticator)}; the
 * server itself never reads that header. At merge, swap them for real sessions or API tokens.
 */
public final class TestPrincipals {
    public static final String HEADER = "X-Test-Principal";
    /** The partnership's own analyst: every built-in feed as points, which is what the pre-trust tests saw. */
    public static final Principal CSP_ANALYST =
            new Principal("csp-analyst", Role.ANALYST, "csp", "strategic-assessment", "test");
    /** A police analyst: open feeds as points, ambulance and fire reduced, A&E as aggregates. */
    public static final Principal POLICE_ANALYST =
            new Principal("test-police", Role.ANALYST, "police", "strategic-assessment", "test");
    /** A tasking meeting member: partner feeds as aggregates. */
    public static final Principal TASKING = new Principal("test-tasking", Role.TASKING, null, "tasking", "test");

    private TestPrincipals() {}

    public static Authenticator fixed(Principal p) {
        return ctx -> p;
    }

    /** Requests without the header are anonymous. */
    public static Authenticator fromHeader() {
        return ctx -> {
            String h = ctx.header(HEADER);
            return h == null || h.isBlank() ? Principal.ANONYMOUS : parse(h);
        };
    }

    /** {@code role:partner:purpose}, e.g. {@code tasking::tasking} or {@code analyst:police:strategic-assessment}. */
    public static Principal parse(String text) {
        String[] p = (text + "::").split(":", -1);
        Role role = Role.parse(p[0]);
        return new Principal(
                "test-" + p[0] + (p[1].isEmpty() ? "" : "-" + p[1]),
                role,
                p[1].isEmpty() ? null : p[1],
                p[2].isEmpty() ? null : p[2],
                "test");
    }
}
