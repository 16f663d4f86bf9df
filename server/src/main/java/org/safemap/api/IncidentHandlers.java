package org.safemap.api;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.safemap.map.IncidentPoints;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.SuppressionRule;

/** /api/incidents: record-level queries, paged, and the summary the viewer builds its controls from. */
final class IncidentHandlers {
    static final int DEFAULT_LIMIT = 10_000;
    static final int MAX_LIMIT = 50_000;

    private final IncidentPoints points;
    private final Access access;

    IncidentHandlers(IncidentPoints points, Access access) {
        this.points = points;
        this.access = access;
    }

    /**
     * {@code GET /api/incidents?bbox=&from=&to=&month=&category=&feed=&limit=&after=}: records whose time window
     * overlaps [from, to), oldest id first; {@code links} holds the next page when there is one.
     */
    void list(Context ctx) throws SQLException {
        Optional<YearMonth> month = QueryParams.month(ctx, "month");
        Optional<Instant> from = QueryParams.instant(ctx, "from", false);
        Optional<Instant> to = QueryParams.instant(ctx, "to", true);
        if (month.isPresent()) {
            if (from.isPresent() || to.isPresent()) {
                throw ApiException.badRequest("give either month or from/to, not both");
            }
            Instant[] bounds = IncidentPoints.monthBounds(month.get());
            from = Optional.of(bounds[0]);
            to = Optional.of(bounds[1]);
        }
        if (from.isPresent() && to.isPresent() && !to.get().isAfter(from.get())) {
            throw ApiException.badRequest("to must be after from");
        }
        List<String> feedNames = access.feeds(ctx, QueryParams.list(ctx, "feed"), DisclosureLevel.REDUCED,
                "GET /api/incidents");
        List<String> categories = QueryParams.list(ctx, "category");
        if (!categories.isEmpty()) {
            Set<String> codes = points.knownCategoryCodes();
            for (String code : categories) {
                if (!codes.contains(code)) {
                    throw ApiException.badRequest("no category or group '" + code + "'; they are " + String.join(", ", codes));
                }
            }
        }
        int limit = QueryParams.integer(ctx, "limit", 1, MAX_LIMIT).orElse(DEFAULT_LIMIT);
        long after = QueryParams.longValue(ctx, "after", 0, Long.MAX_VALUE).orElse(0L);
        IncidentPoints.Page page = points.page(new IncidentPoints.Filter(from, to, feedNames, categories,
                QueryParams.bbox(ctx), after, limit, access.reducedGrids(ctx, feedNames)));

        access.audit(ctx, "api.incidents", feedNames, page.count());
        StringBuilder json = new StringBuilder(page.features().length() + 400);
        json.append("{\"type\":\"FeatureCollection\",\"numberReturned\":").append(page.count())
                .append(",\"truncated\":").append(page.nextAfter().isPresent());
        json.append(",\"links\":[");
        page.nextAfter().ifPresent(next -> json.append("{\"rel\":\"next\",\"type\":\"application/geo+json\",\"href\":\"")
                .append(nextHref(ctx, next)).append("\"}"));
        json.append("],\"features\":").append(page.features()).append('}');
        ctx.contentType("application/geo+json");
        ctx.result(json.toString());
    }

    /** {@code GET /api/incidents/summary}: months, feeds and categories with counts. */
    void summary(Context ctx) throws SQLException {
        List<String> visible = access.feeds(ctx, List.of(), DisclosureLevel.AGGREGATES, "GET /api/incidents/summary");
        List<String> protectedFeeds = visible.stream()
                .filter(f -> access.policy().level(Principals.of(ctx), f) != DisclosureLevel.POINTS).toList();
        SuppressionRule rule = access.policy().suppression(Principals.of(ctx), visible);
        String summary = points.summary(visible, protectedFeeds, rule);
        access.audit(ctx, "api.incidents.summary", visible, visible.size());
        ctx.contentType("application/json");
        ctx.result(summary);
    }

    /** The same query continuing after {@code lastId}. */
    private static String nextHref(Context ctx, long lastId) {
        StringBuilder href = new StringBuilder(ctx.path()).append('?');
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            if (e.getKey().equals("after")) {
                continue;
            }
            for (String v : e.getValue()) {
                href.append(encode(e.getKey())).append('=').append(encode(v)).append('&');
            }
        }
        return href.append("after=").append(lastId).toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
