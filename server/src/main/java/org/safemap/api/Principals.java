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
    /** How the principal signed in, when more than {@link Principal#via} says: "token 'name'". */
    static final String CREDENTIAL_ATTRIBUTE = "safemap.credential";

    private Principals() {}

    public static Principal of(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        return p == null ? Principal.ANONYMOUS : p;
    }

    /** How the request's principal signed in, for records: session, token 'name', or the principal's via. */
    static String credential(Context ctx) {
        String c = ctx.attribute(CREDENTIAL_ATTRIBUTE);
        return c != null ? c : of(ctx).via();
    }

    static void set(Context ctx, Principal p) {
        ctx.attribute(ATTRIBUTE, p);
    }
}
