package org.safemap.sharing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One access to record in the {@link AuditLog}: who (a {@link Principal}), what they did, to which resource, which
 * feeds it touched, how much came back and whether it was refused. Built in one expression on a data path:
 *
 * <pre>{@code
 * audit.record(AuditEvent.of(principal, "api.incidents", AuditEvent.resource(ctx.path(), ctx.queryParamMap()))
 *         .feeds(feedsShown).resultSize(rows.size()));
 * }</pre>
 *
 * @param who        who asked
 * @param action     what they did, dotted: {@code api.incidents}, {@code wms.getmap}, {@code export.points}, {@code pack}
 * @param resource   path, layer or run and the parameters that matter; never a secret (see {@link #resource})
 * @param feeds      feeds whose records the answer drew on (their protocol versions are added when recorded)
 * @param resultSize records or cells returned; null when not counted
 * @param outcome    ok, or refused
 * @param detail     anything else worth keeping (strings, numbers, booleans, lists, maps); never personal data
 */
public record AuditEvent(
        Principal who,
        String action,
        String resource,
        List<String> feeds,
        Long resultSize,
        Outcome outcome,
        Map<String, Object> detail) {
    /** Longest resource kept: a WMS SLD_BODY can be 64 KB, and an entry should stay readable. */
    public static final int MAX_RESOURCE_CHARS = 1000;

    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*");
    /** Parameter names whose values never reach the audit (as the request log redacts them). */
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(token|password|passwd|secret|key|auth|session|signature|csrf).*");

    /** Whether the access was answered or refused. */
    public enum Outcome {
        OK,
        REFUSED;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AuditEvent {
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(outcome, "outcome");
        if (action == null || !ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("audit action must be dotted lower-case words; got '" + action + "'");
        }
        resource = resource == null ? "" : clip(resource);
        feeds = List.copyOf(new java.util.TreeSet<>(feeds));
        if (resultSize != null && resultSize < 0) {
            throw new IllegalArgumentException("resultSize must be >= 0");
        }
        detail = java.util.Collections.unmodifiableMap(new TreeMap<>(detail));
    }

    /** An access that succeeded, touching no feeds yet; add them with {@link #feeds}. */
    public static AuditEvent of(Principal who, String action, String resource) {
        return new AuditEvent(who, action, resource, List.of(), null, Outcome.OK, Map.of());
    }

    public AuditEvent feeds(Collection<String> touched) {
        return new AuditEvent(who, action, resource, new ArrayList<>(touched), resultSize, outcome, detail);
    }

    public AuditEvent resultSize(long size) {
        return new AuditEvent(who, action, resource, feeds, size, outcome, detail);
    }

    /** The same access, refused, with the reason the user was given. */
    public AuditEvent refused(String reason) {
        return new AuditEvent(
                who, action, resource, feeds, resultSize, Outcome.REFUSED, with(detail, "reason", reason));
    }

    public AuditEvent detail(String key, Object value) {
        return new AuditEvent(who, action, resource, feeds, resultSize, outcome, with(detail, key, value));
    }

    /**
     * A request's path and query as a resource: parameters sorted by name, secret-looking ones dropped (names like
     * token, key, password), values cut to 200 characters, the whole to {@link #MAX_RESOURCE_CHARS}.
     */
    public static String resource(String path, Map<String, List<String>> query) {
        StringBuilder out = new StringBuilder(path);
        char sep = '?';
        for (Map.Entry<String, List<String>> e : new TreeMap<>(query).entrySet()) {
            if (SECRET_NAME.matcher(e.getKey()).matches()) {
                continue;
            }
            for (String v : e.getValue()) {
                out.append(sep)
                        .append(e.getKey())
                        .append('=')
                        .append(v.length() > 200 ? v.substring(0, 200) + "..." : v);
                sep = '&';
            }
        }
        return clip(out.toString());
    }

    private static String clip(String s) {
        return s.length() <= MAX_RESOURCE_CHARS ? s : s.substring(0, MAX_RESOURCE_CHARS - 3) + "...";
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        out.put(key, value);
        return out;
    }
}
