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

/** /api/incidents: record-level queries, paged, and the summary the viewer builds its controls from. */
final class IncidentHandlers {
    static final int DEFAULT_LIMIT = 10_000;
    static final int MAX_LIMIT = 50_000;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private final IncidentPoints points;
    private final Access access;

    IncidentHandlers(IncidentPoints points, Access access) {
        this.points = points;
        this.access = access;
    }

    /**
     * {@code GET /api/incidents?bbox=&from=&to=&month=&category=&feed=&limit=&after=&properties=}: records whose time
     * window overlaps [from, to), oldest id first; {@code links} holds the next page when there is one;
     * {@code properties} names the only properties each feature keeps (the viewer's points take few).
     */
    void list(Context ctx) throws SQLException, java.io.IOException {
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
        List<String> feedNames =
                access.feeds(ctx, QueryParams.list(ctx, "feed"), DisclosureLevel.REDUCED, "GET /api/incidents");
        List<String> categories = QueryParams.list(ctx, "category");
        if (!categories.isEmpty()) {
            Set<String> codes = points.knownCategoryCodes();
            for (String code : categories) {
                if (!codes.contains(code)) {
                    throw ApiException.badRequest(
                            "no category or group '" + code + "'; they are " + String.join(", ", codes));
                }
            }
        }
        List<String> properties = QueryParams.list(ctx, "properties");
        for (String name : properties) {
            if (!IncidentPoints.PROPERTY_NAMES.contains(name)) {
                throw ApiException.badRequest("no property '" + name + "'; they are "
                        + String.join(", ", new java.util.TreeSet<>(IncidentPoints.PROPERTY_NAMES)));
            }
        }
        int limit = QueryParams.integer(ctx, "limit", 1, MAX_LIMIT).orElse(DEFAULT_LIMIT);
        long after = QueryParams.longValue(ctx, "after", 0, Long.MAX_VALUE).orElse(0L);
        Map<String, IncidentPoints.Reduced> reduced = new java.util.LinkedHashMap<>(access.reduced(ctx, feedNames));
        // A filter finer than a reduced feed's protocol shows (days of a feed shown by month, a category inside a
        // group) would tell the reader which records match: the feed is left out and named instead.
        Map<String, String> withheld = new java.util.TreeMap<>();
        Set<String> groups = points.groupCodes();
        for (Map.Entry<String, IncidentPoints.Reduced> e : reduced.entrySet()) {
            org.safemap.sharing.ReducedDetail d = e.getValue().detail();
            if (!d.allows(detailOf(from)) || !d.allows(detailOf(to))) {
                withheld.put(e.getKey(), "its records are shown by " + d.time().key() + " only, and from/to are finer");
            } else if (!d.categories() && categories.stream().anyMatch(c -> !groups.contains(c))) {
                withheld.put(e.getKey(), "its records are shown by category group only, and a category is asked for");
            }
        }
        reduced.keySet().removeAll(withheld.keySet());
        List<String> drawn =
                feedNames.stream().filter(f -> !withheld.containsKey(f)).toList();
        IncidentPoints.Page page = points.page(new IncidentPoints.Filter(
                from, to, drawn, categories, QueryParams.bbox(ctx), after, limit, reduced, properties));

        access.audit(ctx, "api.incidents", feedNames, page.count());
        StringBuilder json = new StringBuilder(page.features().length() + 400);
        json.append("{\"type\":\"FeatureCollection\",\"numberReturned\":")
                .append(page.count())
                .append(",\"truncated\":")
                .append(page.nextAfter().isPresent());
        if (!withheld.isEmpty()) {
            json.append(",\"withheld_feeds\":").append(JSON.writeValueAsString(withheld));
        }
        json.append(",\"links\":[");
        page.nextAfter()
                .ifPresent(next -> json.append("{\"rel\":\"next\",\"type\":\"application/geo+json\",\"href\":\"")
                        .append(nextHref(ctx, next))
                        .append("\"}"));
        json.append("],\"features\":").append(page.features()).append('}');
        ctx.contentType("application/geo+json");
        ctx.result(json.toString());
    }

    /** {@code GET /api/incidents/summary}: months, feeds and categories with counts. */
    void summary(Context ctx) throws SQLException {
        List<String> visible = access.feeds(ctx, List.of(), DisclosureLevel.AGGREGATES, "GET /api/incidents/summary");
        List<String> protectedFeeds = visible.stream()
                .filter(f -> access.policy().level(Principals.of(ctx), f) != DisclosureLevel.POINTS)
                .toList();
        String summary = points.summary(visible, protectedFeeds);
        access.audit(ctx, "api.incidents.summary", visible, visible.size());
        ctx.contentType("application/json");
        ctx.result(summary);
    }

    /**
     * How finely a bound (absent: none) selects records: at the start of a UK month, by month; at a UK midnight, by
     * day; anywhere else, by time.
     */
    private static org.safemap.sharing.ReducedDetail.Time detailOf(Optional<Instant> bound) {
        if (bound.isEmpty()) {
            return org.safemap.sharing.ReducedDetail.Time.MONTH;
        }
        java.time.ZonedDateTime t = bound.get().atZone(org.safemap.time.Period.LONDON);
        if (!t.toLocalTime().equals(java.time.LocalTime.MIDNIGHT)) {
            return org.safemap.sharing.ReducedDetail.Time.TIME;
        }
        return t.getDayOfMonth() == 1
                ? org.safemap.sharing.ReducedDetail.Time.MONTH
                : org.safemap.sharing.ReducedDetail.Time.DAY;
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
