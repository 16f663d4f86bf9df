package org.safemap.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.map.ExceptionReport;
import org.safemap.map.OgcException;
import org.safemap.map.WmsVersion;
import org.safemap.sharing.ApiTokens;
import org.safemap.sharing.Identity;
import org.safemap.sharing.Principal;
import org.safemap.sharing.SecretTokens;
import org.safemap.sharing.Sessions;

/**
 * Establishes who is asking, before every route: {@code Authorization: Bearer <token>}, then
 * {@code Authorization: Basic base64(login:token)} (what QGIS and ArcGIS can send; the password must be an API
 * token, never the login password), then the viewer's session cookie; no credentials make the request anonymous
 * (the public role). It sets the principal ({@link Principals#set}); what that principal may see is decided later,
 * by the policy.
 *
 * <p>Credentials that do not check out are refused (401), never quietly downgraded to anonymous, so a client learns
 * its token has lapsed instead of seeing an emptier map. The message never says which part was wrong. Static viewer
 * files are the exception: they hold no data, and the page must load to let the user sign in again.
 *
 * <p>Also here, because they concern credentials on every path: tokens in the query string are refused (they would
 * land in logs, proxies and browser history); cookie-authenticated requests that change something must carry the
 * session's CSRF token and, when the browser sends an Origin, come from this server's own pages; and
 * {@code X-SafeMap-Purpose} declares the request's purpose.
 */
final class Credentials implements Handler {
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String PURPOSE_HEADER = "X-SafeMap-Purpose";
    /** Where the handlers find the session of a cookie-authenticated request (for its CSRF token). */
    static final String SESSION_ATTRIBUTE = "safemap.session";

    private static final Set<String> TOKEN_PARAMETERS = Set.of("token", "access_token", "api_key", "apikey");
    private static final Set<String> UNSAFE = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String REALM = "realm=\"SafeMap\"";

    private final Identity identity;
    private final String cookieSecure;

    Credentials(Identity identity, String cookieSecure) {
        this.identity = identity;
        this.cookieSecure = cookieSecure;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        try {
            refuseTokensInQuery(ctx);
            Principal who = principal(ctx);
            Principals.set(ctx, declarePurpose(ctx, who));
        } catch (SafemapException e) {
            if (status(e) == 401) {
                ctx.header(
                        "WWW-Authenticate",
                        basicChallenge(ctx) ? "Basic " + REALM + ", charset=\"UTF-8\"" : "Bearer " + REALM);
            }
            if (!ctx.path().equals("/wms") || e.code().fault() != ErrorCode.Fault.CALLER) {
                throw e; // the one failure path answers (on /wms as an OGC report too)
            }
            // WMS clients understand OGC exception reports, not our JSON.
            String version = wmsParameter(ctx, "VERSION");
            String xml = ExceptionReport.xml(
                    new OgcException(ogcCode(e), null, e.getMessage()),
                    "1.1.1".equals(version) ? WmsVersion.V1_1_1 : WmsVersion.V1_3_0);
            ctx.status(status(e)).contentType("text/xml; charset=UTF-8").result(xml);
            ctx.skipRemainingHandlers();
        }
    }

    private Principal principal(Context ctx) throws Exception {
        String authorization = ctx.header("Authorization");
        if (authorization != null && !authorization.isBlank()) {
            try {
                return fromAuthorization(ctx, authorization);
            } catch (SafemapException e) {
                if (isStatic(ctx)) {
                    return Principal.ANONYMOUS;
                }
                throw e;
            }
        }
        if (isSignIn(ctx)) {
            // A sign-in ignores any old cookie (the handler replaces it) but must come from our own page.
            checkOrigin(ctx);
            return Principal.ANONYMOUS;
        }
        String cookie = SessionCookie.read(ctx);
        if (cookie == null || cookie.isEmpty()) {
            return Principal.ANONYMOUS;
        }
        Optional<Sessions.Session> session = identity.sessions().resolve(cookie);
        if (session.isEmpty()) {
            SessionCookie.clear(ctx, cookieSecure);
            if (isStatic(ctx) || ctx.path().equals("/api/session")) {
                return Principal.ANONYMOUS;
            }
            throw new SafemapException(
                    ErrorCode.UNAUTHORISED,
                    "your session has ended (signed out, expired or closed by " + "an administrator); sign in again");
        }
        Sessions.Session s = session.get();
        if (UNSAFE.contains(ctx.method().name())) {
            if (!SecretTokens.same(ctx.header(CSRF_HEADER), s.csrf())) {
                throw new SafemapException(
                        ErrorCode.FORBIDDEN,
                        "a signed-in browser request that changes something must " + "send the " + CSRF_HEADER
                                + " header with the token from GET /api/session");
            }
            checkOrigin(ctx);
        }
        ctx.attribute(SESSION_ATTRIBUTE, s);
        return s.user().principal(s.purpose(), "session");
    }

    /** A token's principal; its name is kept for records that say how something was done (a batch's loader). */
    private static Principal token(Context ctx, ApiTokens.Authenticated a) {
        ctx.attribute(Principals.CREDENTIAL_ATTRIBUTE, "token '" + a.name() + "'");
        return a.user().principal(a.purpose(), "token");
    }

    private Principal fromAuthorization(Context ctx, String header) throws Exception {
        int space = header.indexOf(' ');
        String scheme = (space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT);
        String credentials = space < 0 ? "" : header.substring(space + 1).strip();
        switch (scheme) {
            case "bearer" -> {
                ApiTokens.Authenticated a = identity.tokens()
                        .authenticate(credentials)
                        .orElseThrow(() -> new SafemapException(
                                ErrorCode.UNAUTHORISED,
                                "the API token was not accepted: it "
                                        + "may be mistyped, expired or revoked, or its user disabled"));
                return token(ctx, a);
            }
            case "basic" -> {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new SafemapException(ErrorCode.UNAUTHORISED, "the Basic credentials are not valid base64");
                }
                int colon = decoded.indexOf(':');
                String login = colon < 0 ? decoded : decoded.substring(0, colon);
                String secret = colon < 0 ? "" : decoded.substring(colon + 1);
                if (!SecretTokens.looksLikeApiToken(secret)) {
                    // Never checked as a password: a login password must not travel with every map request.
                    throw new SafemapException(
                            ErrorCode.UNAUTHORISED,
                            "HTTP Basic authentication takes an API token as the "
                                    + "password, never a sign-in password; create a token (safemap tokens create, or POST "
                                    + "/api/tokens) and give it as the password");
                }
                ApiTokens.Authenticated a = identity.tokens()
                        .authenticate(secret)
                        .filter(t -> t.user().login().equals(login.strip().toLowerCase(Locale.ROOT)))
                        .orElseThrow(() -> new SafemapException(
                                ErrorCode.UNAUTHORISED,
                                "the user name and API token were "
                                        + "not accepted: the token may be mistyped, expired, revoked or another user's, or "
                                        + "its user disabled"));
                return token(ctx, a);
            }
            default ->
                throw new SafemapException(
                        ErrorCode.UNAUTHORISED,
                        "the Authorization scheme is not supported; send "
                                + "'Bearer <token>', or Basic with an API token as the password");
        }
    }

    /** The purpose the request declares: any code a protocol lists, and no other than its credential's own. */
    private Principal declarePurpose(Context ctx, Principal who) {
        String declared = identity.purposes().check(ctx.header(PURPOSE_HEADER), PURPOSE_HEADER);
        if (declared == null || declared.equals(who.purpose())) {
            return who;
        }
        if (who.purpose() != null) {
            throw new SafemapException(
                    ErrorCode.FORBIDDEN,
                    (who.via().equals("token")
                            ? "this API token was issued for " + "purpose '" + who.purpose()
                                    + "'; create another token for '" + declared + "'"
                            : "this session declared purpose '" + who.purpose()
                                    + "' at sign-in; sign in again to declare '" + declared + "'"));
        }
        return who.withPurpose(declared);
    }

    private static void refuseTokensInQuery(Context ctx) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (TOKEN_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "credentials are not accepted in the address ('" + name
                                + "='): addresses end up in logs, proxies and browser history. Send the token in the "
                                + "Authorization header ('Bearer <token>', or Basic with the token as the password), and "
                                + "revoke this one if it was real");
            }
        }
    }

    /** A foreign Origin on a cookie-authenticated change is a cross-site request forgery. */
    private static void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        String host = ctx.header("X-Forwarded-Host");
        if (host == null) {
            host = ctx.header("Host");
        }
        if (host == null || !authority(origin).equalsIgnoreCase(host.strip())) {
            throw new SafemapException(
                    ErrorCode.FORBIDDEN,
                    "the request comes from another site's page (Origin " + abbreviate(origin)
                            + "); sign in and act from SafeMap's own pages");
        }
    }

    private static String authority(String origin) {
        try {
            URI u = URI.create(origin.strip());
            if (u.getHost() == null) {
                return "";
            }
            int port = u.getPort();
            boolean defaultPort = port == -1
                    || (port == 80 && "http".equals(u.getScheme()))
                    || (port == 443 && "https".equals(u.getScheme()));
            return u.getHost() + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static boolean isSignIn(Context ctx) {
        return ctx.path().equals("/api/session") && ctx.method().name().equals("POST");
    }

    /** The viewer's own files: no data, so they are served whatever the credentials. */
    private static boolean isStatic(Context ctx) {
        String p = ctx.path();
        return !(p.equals("/api")
                || p.startsWith("/api/")
                || p.equals("/wms")
                || p.equals("/wmts")
                || p.startsWith("/wmts/")
                || p.startsWith("/tiles/")
                || p.equals("/health"));
    }

    /** GIS clients prompt for a user name and password when challenged with Basic; browsers' fetches must not. */
    private static boolean basicChallenge(Context ctx) {
        String a = ctx.header("Authorization");
        return ctx.path().equals("/wms")
                || ctx.path().equals("/wmts")
                || ctx.path().startsWith("/wmts/")
                || (a != null && a.regionMatches(true, 0, "basic", 0, 5));
    }

    private static int status(SafemapException e) {
        return e.code().status();
    }

    private static String ogcCode(SafemapException e) {
        return switch (e.code()) {
            case UNAUTHORISED -> "AuthenticationFailed";
            case FORBIDDEN -> "AccessDenied";
            default -> "InvalidParameterValue";
        };
    }

    private static String wmsParameter(Context ctx, String name) {
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0).strip();
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
