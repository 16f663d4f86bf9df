package org.safemap.api;

import io.javalin.http.Context;
import org.safemap.sharing.Principal;

/**
 * Decides who a request comes from, before any route runs. Until the login work (sessions, API tokens) is merged
 * every request is anonymous ({@link #NONE}), which is the safe side: public layers and public-level data only.
 */
@FunctionalInterface
public interface Authenticator {
    /** Every request anonymous. */
    Authenticator NONE = ctx -> Principal.ANONYMOUS;

    /** The request's principal; never null ({@link Principal#ANONYMOUS} when there are no credentials). */
    Principal principal(Context ctx);
}
