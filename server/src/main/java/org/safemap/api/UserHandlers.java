package org.safemap.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.sharing.Identity;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.Role;
import org.safemap.sharing.Users;

/**
 * {@code /api/users}: user administration, for admins only. Passwords go in; nothing about them comes out. A user's
 * partner must be one the protocols in force name; users left with a partner no protocol names (a protocol was
 * withdrawn) are listed with {@code partnerKnown: false}.
 */
final class UserHandlers {
    private final Identity identity;
    private final Policy policy;

    UserHandlers(Identity identity, Policy policy) {
        this.identity = identity;
        this.policy = policy;
    }

    void list(Context ctx) throws SQLException {
        policy.requireAdmin(Principals.of(ctx), "listing users");
        java.util.Set<String> partners = policy.protocols().partners();
        ctx.json(identity.users().list().stream()
                .map(u -> {
                    Map<String, Object> m = json(u);
                    m.put("partnerKnown", u.partner() == null || partners.contains(u.partner()));
                    return m;
                })
                .toList());
    }

    /** {@code POST /api/users} with {@code {"login", "name", "role", "partner", "password"}}; password optional. */
    void add(Context ctx) throws SQLException {
        policy.requireAdmin(Principals.of(ctx), "adding users");
        JsonNode b = JsonBodies.object(
                ctx,
                "{\"login\": \"jsmith\", \"name\": \"Jo Smith\", \"role\": \"analyst\", "
                        + "\"partner\": \"csp\", \"password\": \"...\"}");
        String role = JsonBodies.text(b, "role");
        if (role == null) {
            throw ApiException.badRequest("'role' is required: admin, analyst or tasking");
        }
        String partner = policy.protocols().requirePartner(JsonBodies.text(b, "partner"), "partner");
        Users.User u = identity.users()
                .add(
                        JsonBodies.text(b, "login"),
                        JsonBodies.text(b, "name"),
                        Role.parse(role),
                        partner,
                        JsonBodies.text(b, "password"));
        ctx.status(201).json(json(u));
    }

    /**
     * {@code PATCH /api/users/{login}} with any of role, partner (null removes it), name, disabled, password.
     * An admin cannot disable or demote themselves, so the last admin cannot lock everyone out by a slip.
     */
    void update(Context ctx) throws SQLException {
        Principal who = Principals.of(ctx);
        policy.requireAdmin(who, "changing users");
        JsonNode b = JsonBodies.object(ctx, "{\"disabled\": true} or {\"role\": \"tasking\", \"partner\": null}");
        String login = ctx.pathParam("login");
        String role = JsonBodies.text(b, "role");
        Boolean disabled = null;
        if (b.has("disabled")) {
            if (!b.get("disabled").isBoolean()) {
                throw ApiException.badRequest("'disabled' must be true or false");
            }
            disabled = b.get("disabled").asBoolean();
        }
        Users.User target = identity.users().require(login);
        if (target.login().equals(who.user())
                && (Boolean.TRUE.equals(disabled) || (role != null && Role.parse(role) != Role.ADMIN))) {
            throw new ApiException(
                    ErrorCode.CONFLICT, "an admin cannot disable or demote themselves; ask another admin");
        }
        boolean clearPartner = b.has("partner") && b.get("partner").isNull();
        String partner = policy.protocols().requirePartner(JsonBodies.text(b, "partner"), "partner");
        Users.User u = identity.users()
                .update(
                        login,
                        new Users.Change(
                                role == null ? null : Role.parse(role),
                                partner,
                                clearPartner,
                                disabled,
                                JsonBodies.text(b, "name"),
                                JsonBodies.text(b, "password")));
        ctx.json(json(u));
    }

    static Map<String, Object> json(Users.User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("login", u.login());
        m.put("name", u.name());
        m.put("role", u.role().key());
        m.put("partner", u.partner());
        m.put("disabled", u.disabled());
        m.put("hasPassword", u.hasPassword());
        m.put("createdAt", u.createdAt() == null ? null : u.createdAt().toString());
        m.put("lastLogin", u.lastLogin() == null ? null : u.lastLogin().toString());
        return m;
    }
}
