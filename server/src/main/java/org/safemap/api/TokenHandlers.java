package org.safemap.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.sharing.ApiTokens;
import org.safemap.sharing.Identity;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;

/**
 * {@code /api/tokens}: any signed-in user lists, creates and revokes their own API tokens; an admin, anyone's. The
 * plaintext token is in the creation response only.
 */
final class TokenHandlers {
    static final int DEFAULT_EXPIRY_DAYS = 90;

    private final Identity identity;
    private final Policy policy;

    TokenHandlers(Identity identity, Policy policy) {
        this.identity = identity;
        this.policy = policy;
    }

    /** {@code GET /api/tokens[?user=login]}: one's own tokens; an admin sees everyone's (or one user's). */
    void list(Context ctx) throws SQLException {
        Principal who = Principals.of(ctx);
        policy.requireSignedIn(who, "listing API tokens");
        String user = policy.mayAdminister(who) ? ctx.queryParam("user") : who.user();
        Instant now = Instant.now();
        List<Map<String, Object>> out =
                identity.tokens().list(user).stream().map(t -> json(t, now)).toList();
        ctx.json(out);
    }

    /**
     * {@code POST /api/tokens} with {@code {"name", "purpose", "expiresDays"}} (90 days unless given); an admin may
     * add {@code "user"} to make one for someone else (a service account). Answers 201 with the token, once.
     */
    void create(Context ctx) throws SQLException {
        Principal who = Principals.of(ctx);
        policy.requireSignedIn(who, "creating API tokens");
        JsonNode b = JsonBodies.object(
                ctx, "{\"name\": \"QGIS on my PC\", \"purpose\": \"strategic-assessment\", " + "\"expiresDays\": 90}");
        String user = JsonBodies.text(b, "user");
        if (user == null) {
            user = who.user();
        } else if (!user.equalsIgnoreCase(who.user())) {
            policy.requireAdmin(who, "creating a token for another user");
        }
        Integer days = DEFAULT_EXPIRY_DAYS;
        if (b.has("expiresDays")) {
            JsonNode d = b.get("expiresDays");
            if (!d.isNull() && !d.canConvertToInt()) {
                throw ApiException.badRequest("'expiresDays' must be a whole number of days (or null: never)");
            }
            days = d.isNull() ? null : d.asInt();
        }
        String purpose = identity.purposes().check(JsonBodies.text(b, "purpose"), "purpose");
        ApiTokens.Issued issued = identity.tokens().create(user, JsonBodies.text(b, "name"), purpose, days);
        Map<String, Object> body = json(issued.token(), Instant.now());
        body.put("token", issued.secret());
        body.put(
                "warning",
                "This is the only time the token is shown: store it now (e.g. in QGIS's authentication "
                        + "manager). SafeMap keeps only a hash of it.");
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).json(body);
    }

    /** {@code DELETE /api/tokens/{id}}: revokes one's own token (an admin, anyone's). */
    void revoke(Context ctx) throws SQLException {
        Principal who = Principals.of(ctx);
        policy.requireSignedIn(who, "revoking API tokens");
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("a token id is a whole number (GET /api/tokens lists them)");
        }
        ApiTokens.Token token = identity.tokens()
                .find(id)
                .filter(t -> policy.mayAdminister(who) || t.login().equals(who.user()))
                .orElseThrow(() -> ApiException.notFound("no token " + id + " of yours"));
        identity.tokens().revoke(token.id());
        ctx.json(json(identity.tokens().find(id).orElseThrow(), Instant.now()));
    }

    static Map<String, Object> json(ApiTokens.Token t, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("user", t.login());
        m.put("name", t.name());
        m.put("prefix", t.prefix());
        m.put("purpose", t.purpose());
        m.put("state", t.state(now));
        m.put("createdAt", text(t.createdAt()));
        m.put("expiresAt", text(t.expiresAt()));
        m.put("lastUsed", text(t.lastUsed()));
        m.put("revokedAt", text(t.revokedAt()));
        return m;
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }
}
