package org.safemap.api;

import io.javalin.http.Context;

/**
 * The viewer's session cookie, {@code safemap_session}: HttpOnly (no script can read it), SameSite=Strict (no other
 * site's page can make the browser send it), Path=/, no Max-Age (gone when the browser closes; the server's own
 * expiry governs before that), and Secure per SAFEMAP_COOKIE_SECURE: always, never, or auto, meaning when the request
 * came over HTTPS, directly or through a proxy that says so in X-Forwarded-Proto.
 */
final class SessionCookie {
    static final String NAME = "safemap_session";

    private SessionCookie() {}

    static void set(Context ctx, String sessionId, String secureSetting) {
        ctx.res().addHeader("Set-Cookie", NAME + "=" + sessionId + attributes(ctx, secureSetting));
    }

    /** Tells the browser to drop the cookie (sign-out, or a session the server no longer knows). */
    static void clear(Context ctx, String secureSetting) {
        ctx.res().addHeader("Set-Cookie", NAME + "=; Max-Age=0" + attributes(ctx, secureSetting));
    }

    static String read(Context ctx) {
        return ctx.cookie(NAME);
    }

    static boolean secure(Context ctx, String setting) {
        return switch (setting) {
            case "always" -> true;
            case "never" -> false;
            default ->
                "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        };
    }

    private static String attributes(Context ctx, String secureSetting) {
        return "; Path=/; HttpOnly; SameSite=Strict" + (secure(ctx, secureSetting) ? "; Secure" : "");
    }
}
