package org.safemap.api;

import io.javalin.http.Context;
import org.safemap.sharing.Principal;

/**
 * Decides who a request comes from, in place of the server's own sign-in ({@link Credentials}): what a test installs
 * to stand for a given audience without signing in, through {@code App.start(settings, db, authenticator)}. The
 * product never installs one; every data path then still asks the same policy about the principal it gets.
 */
@FunctionalInterface
public interface Authenticator {
    /** The request's principal; never null ({@link Principal#ANONYMOUS} when there are no credentials). */
    Principal principal(Context ctx);
}
