package org.safemap.api;

import io.javalin.http.Context;
import org.safemap.sharing.Principal;

/**
 * Where a request's principal lives while it is handled. The authentication step before every route puts it here;
 * handlers read it and hand it to the policy. A request that reaches a handler without one is a wiring fault, and is
 * treated as anonymous: the safe side.
 */
public final class Principals {
    static final String ATTRIBUTE = "safemap.principal";

    private Principals() {
    }

    public static Principal of(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        return p == null ? Principal.ANONYMOUS : p;
    }

    static void set(Context ctx, Principal p) {
        ctx.attribute(ATTRIBUTE, p);
    }
}
