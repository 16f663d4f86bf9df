package org.safemap.api;

import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.Optional;
import org.safemap.map.IncidentPoints;

/** /api/incidents: incident points and their summary. */
final class IncidentHandlers {
    static final int DEFAULT_LIMIT = 20_000;
    static final int MAX_LIMIT = 100_000;

    private final IncidentPoints points;

    IncidentHandlers(IncidentPoints points) {
        this.points = points;
    }

    /** {@code GET /api/incidents?month=2022-07[&feed=][&category=][&bbox=][&limit=]}; month defaults to the latest. */
    void list(Context ctx) throws SQLException {
        Optional<YearMonth> asked = QueryParams.month(ctx, "month");
        Optional<YearMonth> month = asked.isPresent() ? asked : points.latestMonth();
        IncidentPoints.Filter filter = new IncidentPoints.Filter(month, QueryParams.text(ctx, "feed"),
                QueryParams.text(ctx, "category"), QueryParams.bbox(ctx),
                QueryParams.integer(ctx, "limit", 1, MAX_LIMIT).orElse(DEFAULT_LIMIT));
        ctx.contentType("application/geo+json");
        if (month.isEmpty()) {
            ctx.result("{\"type\":\"FeatureCollection\",\"numberReturned\":0,\"truncated\":false,\"features\":[]}");
            return;
        }
        ctx.result(points.featureCollection(month.get(), filter));
    }

    /** {@code GET /api/incidents/summary}: months, feeds and categories with counts. */
    void summary(Context ctx) throws SQLException {
        ctx.contentType("application/json");
        ctx.result(points.summary());
    }
}
