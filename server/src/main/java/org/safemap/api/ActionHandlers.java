package org.safemap.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.actions.ActionDraft;
import org.safemap.actions.ActionLog;
import org.safemap.actions.ActionStatus;
import org.safemap.actions.TaskingAction;

/**
 * {@code /api/actions}: the tasking meeting's action log. Lists (JSON or CSV) for partners' members; creation and
 * changes for those the protocols allow to act ({@link ActionLog} asks the policy and writes the audit).
 */
final class ActionHandlers {
    private static final String EXAMPLE = "{\"area\": \"E01006512\", \"problem\": \"Night-time disorder outside "
            + "late bars\", \"action\": \"Licensing visits on Fridays\", \"agency\": \"Council licensing\", "
            + "\"owner\": \"A. Officer\", \"dueOn\": \"2022-09-30\"}";

    private final ActionLog log;

    ActionHandlers(ActionLog log) {
        this.log = log;
    }

    /** {@code GET /api/actions[?area=&status=&format=json|csv]}: newest agreed first; an area includes the areas in it. */
    void list(Context ctx) {
        ActionLog.Filter filter = filter(ctx);
        String format = ctx.queryParam("format");
        if (format != null && format.equalsIgnoreCase("csv")) {
            StringBuilder out = new StringBuilder();
            log.csv(
                    Principals.of(ctx),
                    filter,
                    out,
                    ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
            ctx.contentType("text/csv; charset=UTF-8")
                    .header("Content-Disposition", "attachment; filename=\"safemap-actions.csv\"")
                    .header("Cache-Control", "no-store")
                    .result(out.toString());
            return;
        }
        if (format != null && !format.equalsIgnoreCase("json")) {
            throw ApiException.badRequest("format must be json or csv, got '" + format + "'");
        }
        List<Map<String, Object>> out = log.list(Principals.of(ctx), filter).stream()
                .map(ActionHandlers::json)
                .toList();
        ctx.header("Cache-Control", "no-store").json(out);
    }

    /** {@code GET /api/actions/{id}}. */
    void get(Context ctx) {
        ctx.header("Cache-Control", "no-store").json(json(log.get(Principals.of(ctx), id(ctx))));
    }

    /** {@code POST /api/actions} with the action's fields (see docs/api.md); 201 with the stored action. */
    void create(Context ctx) {
        TaskingAction a = log.create(Principals.of(ctx), draft(JsonBodies.object(ctx, EXAMPLE)));
        ctx.status(201).header("Location", "/api/actions/" + a.id()).json(json(a));
    }

    /** {@code PATCH /api/actions/{id}} with the fields to change and the {@code version} last read. */
    void update(Context ctx) {
        long id = id(ctx);
        ctx.json(json(log.update(
                Principals.of(ctx), id, draft(JsonBodies.object(ctx, "{\"status\": \"done\", \"version\": 1}")))));
    }

    private static ActionLog.Filter filter(Context ctx) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!List.of("area", "status", "format").contains(name)) {
                throw ApiException.badRequest(
                        "unknown parameter '" + name + "'; the action log takes area, status and format");
            }
        }
        String area = ctx.queryParam("area");
        String status = ctx.queryParam("status");
        return new ActionLog.Filter(
                area == null || area.isBlank() ? null : area.strip(),
                status == null || status.isBlank() ? null : ActionStatus.parse(status),
                null);
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("an action id is a whole number (GET /api/actions lists them)");
        }
    }

    private static ActionDraft draft(JsonNode b) {
        for (var it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of(
                            "area",
                            "hotspotRun",
                            "problem",
                            "action",
                            "agency",
                            "owner",
                            "agreedOn",
                            "dueOn",
                            "status",
                            "notes",
                            "version")
                    .contains(f)) {
                throw ApiException.badRequest(
                        "unknown field '" + f + "'; an action has area, hotspotRun, problem, action, "
                                + "agency, owner, agreedOn, dueOn, status, notes (and version when changing one)");
            }
        }
        String status = JsonBodies.text(b, "status");
        boolean clearDue = b.has("dueOn") && b.get("dueOn").isNull();
        return new ActionDraft(
                JsonBodies.text(b, "area"),
                whole(b, "hotspotRun"),
                JsonBodies.text(b, "problem"),
                JsonBodies.text(b, "action"),
                JsonBodies.text(b, "agency"),
                JsonBodies.text(b, "owner"),
                date(b, "agreedOn"),
                date(b, "dueOn"),
                clearDue,
                status == null ? null : ActionStatus.parse(status),
                JsonBodies.text(b, "notes"),
                whole(b, "version") == null ? null : whole(b, "version").intValue());
    }

    private static Long whole(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToLong() || !n.isIntegralNumber()) {
            throw ApiException.badRequest("'" + field + "' must be a whole number");
        }
        return n.asLong();
    }

    private static LocalDate date(JsonNode b, String field) {
        String s = JsonBodies.text(b, field);
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(s.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'" + field + "' must be a date such as 2022-09-30, got '" + s + "'");
        }
    }

    static Map<String, Object> json(TaskingAction a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("area", a.areaCode());
        m.put("areaName", a.areaName());
        m.put("hotspotRun", a.hotspotRunId());
        m.put("problem", a.problem());
        m.put("action", a.action());
        m.put("agency", a.agency());
        m.put("owner", a.owner());
        m.put("agreedOn", a.agreedOn().toString());
        m.put("dueOn", a.dueOn() == null ? null : a.dueOn().toString());
        m.put("status", a.status().key());
        m.put("statusLabel", a.status().label());
        m.put("notes", a.notes());
        m.put("createdAt", a.createdAt().toString());
        m.put("createdBy", a.createdBy());
        m.put("updatedAt", a.updatedAt().toString());
        m.put("updatedBy", a.updatedBy());
        m.put("version", a.version());
        return m;
    }
}
