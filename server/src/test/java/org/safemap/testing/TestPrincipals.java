package org.safemap.testing;

import org.safemap.sharing.Principal;
import org.safemap.sharing.Role;

/** Principals for tests that call services directly, named for the audience they stand for in the demo protocols. */
public final class TestPrincipals {
    /** The Community Safety Partnership's analyst: every demo feed as points (the partner feeds name csp). */
    public static final Principal CSP_ANALYST = new Principal("test-csp", Role.ANALYST, "csp", "strategic-assessment",
            "test");
    /** A police analyst: open feeds as points, ambulance reduced, A&E as aggregates. */
    public static final Principal POLICE_ANALYST = new Principal("test-police", Role.ANALYST, "police",
            "strategic-assessment", "test");
    /** A tasking meeting member: partner feeds as aggregates. */
    public static final Principal TASKING = new Principal("test-tasking", Role.TASKING, null, "tasking", "test");

    private TestPrincipals() {
    }
}
