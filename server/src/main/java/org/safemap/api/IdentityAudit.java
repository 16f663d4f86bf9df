package org.safemap.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Locale;
import org.safemap.SafemapException;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records sign-ins (good and bad), sign-outs, and changes to users and tokens in the audit log: who may reach
 * partners' data is as much the custodians' business as who did. Runs after the identity routes, from the method,
 * path and status, so the handlers stay about identity. A sign-in names the login tried, never the password; a
 * token's value never reaches it (the path holds only its id).
 */
final class IdentityAudit {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityAudit.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLog audit;

    IdentityAudit(AuditLog audit) {
        this.audit = audit;
    }

    void after(Context ctx) {
        String method = ctx.method().name();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return; // reading one's own session or the user list changes nothing
        }
        String path = ctx.path();
        String action = "identity."
                + (path.startsWith("/api/session")
                        ? (method.equals("POST") ? "signin" : "signout")
                        : path.startsWith("/api/users")
                                ? (method.equals("POST") ? "user-add" : "user-change")
                                : method.equals("POST") ? "token-create" : "token-revoke");
        AuditEvent event =
                AuditEvent.of(Principals.of(ctx), action, method + " " + path).detail("status", ctx.statusCode());
        String login = login(ctx);
        if (login != null) {
            event = event.detail("login", login);
        }
        if (ctx.statusCode() >= 400) {
            event = event.refused("HTTP " + ctx.statusCode());
        }
        try {
            audit.record(event);
        } catch (SafemapException e) {
            LOG.error("could not audit {} {}: {}", method, path, e.getMessage());
        }
    }

    /** The login a sign-in or user change names (the body's "login"), trimmed and capped; never anything else. */
    private static String login(Context ctx) {
        if (!ctx.path().equals("/api/session") && !ctx.path().equals("/api/users")) {
            return ctx.path().startsWith("/api/users/") ? ctx.pathParamMap().getOrDefault("login", null) : null;
        }
        try {
            JsonNode body = JSON.readTree(ctx.body());
            String login = body == null ? null : body.path("login").asText(null);
            if (login == null) {
                return null;
            }
            String clean = login.strip().toLowerCase(Locale.ROOT);
            return clean.substring(0, Math.min(clean.length(), 100));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
