package org.safemap.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.areas.AreaLevel;
import org.safemap.areas.AreaProfiles;
import org.safemap.areas.DrawnAreas;
import org.safemap.runs.HotspotRequests;
import org.safemap.runs.IncidentProfiles;
import org.safemap.runs.Selection;
import org.safemap.runs.Sources;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.time.PeriodLimit;

/**
 * {@code /api/profile}: what happened in an area over a period (records by category, month, hour and weekday; rate
 * per 1,000 residents; deprivation; the area's Gi* and emerging hot spot classes in the newest stored runs; the
 * sources credited), for a named area (GET) or one drawn on the map (POST). A named area's profile also gives the
 * protected counts of the feeds its reader sees only as aggregates ({@link ProtectedProfile}).
 */
final class ProfileHandlers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final Set<String> NAMES =
            Set.of("area", "period", "categories", "feeds", "hours", "weekdays", "maxPrecisionM", "countEvents");
    private static final String LATEST_MONTH =
            "SELECT to_char(max(event_from) AT TIME ZONE 'Europe/London', 'YYYY-MM') FROM incident";

    private final DataSource dataSource;
    private final AreaProfiles areas;
    private final DrawnAreas drawn;
    private final IncidentProfiles profiles;
    private final Sources sources;

    private final Access access;
    private final ProtectedProfile protectedCounts;
    private final PeriodLimit periods;

    ProfileHandlers(
            DataSource dataSource,
            AreaProfiles areas,
            DrawnAreas drawn,
            IncidentProfiles profiles,
            Sources sources,
            Access access,
            ProtectedProfile protectedCounts,
            PeriodLimit periods) {
        this.access = access;
        this.periods = periods;
        this.protectedCounts = protectedCounts;
        this.dataSource = dataSource;
        this.areas = areas;
        this.drawn = drawn;
        this.profiles = profiles;
        this.sources = sources;
    }

    /** {@code GET /api/profile?area=lsoa:E01006512&period=2022-01..2022-12[&categories=&feeds=&hours=&weekdays=]} */
    void named(Context ctx) throws SQLException {
        Map<String, Object> params = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> params.put(k, String.join(",", v)));
        check(params);
        String area = HotspotRequests.text(params, "area")
                .orElseThrow(() -> ApiException.badRequest(
                        "area is required: LEVEL:CODE, e.g. lsoa:E01006512, ward:E05000886 or lad:E08000012"));
        String[] parts = area.split(":", 2);
        if (parts.length != 2 || parts[1].isBlank() || parts[1].contains(",")) {
            throw ApiException.badRequest("area should be one LEVEL:CODE, e.g. lsoa:E01006512");
        }
        AreaLevel level = AreaLevel.parse(parts[0]);
        AreaProfiles.Profile p = areas.profile(parts[1], Optional.of(level), Optional.empty())
                .orElseThrow(() -> ApiException.notFound("no area " + parts[1] + " at level " + parts[0]));
        params.putIfAbsent("period", defaultPeriod());
        // The tables count a record where its window starts; the headline weighs it as the ranking does
        // (IncidentProfiles.incidents), whatever this flag says.
        params.put("aoristic", "false");
        Selection asked = HotspotRequests.selection(params, periods);
        Scoped scoped = exactFeeds(ctx, asked);
        Selection selection = scoped.selection();
        IncidentProfiles.Counts counts = profiles.counts(selection);
        double incidents = profiles.incidents(selection);
        Map<String, Object> shared = protectedCounts.of(Principals.of(ctx), p.code(), asked);

        Map<String, Object> a = new LinkedHashMap<>();
        a.put("level", p.level());
        a.put("vintage", p.vintage());
        a.put("code", p.code());
        a.put("name", p.name());
        a.put("areaKm2", p.areaKm2());
        a.put("centroid", p.centroid());
        a.put("bbox", p.bbox());
        a.put("population", p.population());
        a.put("deprivation", p.deprivation());
        Long residents = p.population() == null ? null : p.population().residents();
        Map<String, Object> body = body(scoped, a, counts, incidents, residents);
        body.put("protected", shared);
        List<String> used = new ArrayList<>(selection.feeds());
        if (shared != null && Boolean.TRUE.equals(shared.get("available"))) {
            @SuppressWarnings("unchecked")
            List<String> restricted = (List<String>) shared.get("feeds");
            used.addAll(restricted);
        }
        access.audit(ctx, "api.profile", used, counts.records());
        String runLevel = p.level();
        List<String> readable = access.feeds(ctx, List.of(), DisclosureLevel.AGGREGATES, "an area profile");
        List<String> exact = access.feeds(ctx, List.of(), DisclosureLevel.POINTS, "an area profile");
        body.put(
                "gistar",
                profiles.newestClass("hotspots", runLevel, p.code(), readable, exact)
                        .map(IncidentProfiles.RunClass::toMap)
                        .orElse(null));
        body.put(
                "emerging",
                profiles.newestClass("emerging", runLevel, p.code(), readable, exact)
                        .map(IncidentProfiles.RunClass::toMap)
                        .orElse(null));
        ctx.json(body);
    }

    /**
     * {@code POST /api/profile} with {@code {"geometry": <GeoJSON Polygon in WGS84>} } or
     * {@code {"circle": {"center": [lon, lat], "radiusM": 400}}}, plus the selection (period, categories, ...).
     */
    void drawn(Context ctx) throws SQLException {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (IOException e) {
            throw ApiException.badRequest("the body must be JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object, e.g. {\"circle\": {\"center\": "
                    + "[-2.98, 53.40], \"radiusM\": 400}, \"period\": \"2022-01..2022-12\"}");
        }
        DrawnAreas.Drawn area;
        if (body.has("geometry") == body.has("circle")) {
            throw ApiException.badRequest("give either geometry (a GeoJSON Polygon in longitude/latitude) or circle "
                    + "({\"center\": [lon, lat], \"radiusM\": metres})");
        }
        if (body.has("geometry")) {
            area = drawn.polygon(body.get("geometry").toString());
        } else {
            JsonNode c = body.get("circle");
            JsonNode centre = c.path("center");
            if (!centre.isArray()
                    || centre.size() != 2
                    || !centre.get(0).isNumber()
                    || !centre.get(1).isNumber()
                    || !c.path("radiusM").isNumber()) {
                throw ApiException.badRequest("circle needs center [lon, lat] and radiusM, both numbers");
            }
            area = drawn.circle(
                    centre.get(0).asDouble(),
                    centre.get(1).asDouble(),
                    c.get("radiusM").asDouble());
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("geometry")
                    || e.getKey().equals("circle")
                    || e.getValue().isNull()) {
                continue;
            }
            if (e.getValue().isArray()) {
                List<String> items = new ArrayList<>();
                e.getValue().forEach(x -> items.add(x.asText()));
                params.put(e.getKey(), items);
            } else {
                params.put(e.getKey(), e.getValue().asText());
            }
        }
        check(params);
        if (params.containsKey("area")) {
            throw ApiException.badRequest("a drawn area's profile takes geometry or circle, not area");
        }
        params.putIfAbsent("period", defaultPeriod());
        params.put("areaWkt", area.wkt());
        params.put("aoristic", "false");
        Scoped scoped = exactFeeds(ctx, HotspotRequests.selection(params, periods));
        Selection selection = scoped.selection();
        IncidentProfiles.Counts counts = profiles.counts(selection);
        double incidents = profiles.incidents(selection);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("level", "drawn");
        a.put(
                "name",
                body.has("circle")
                        ? String.format(
                                "Circle of %.0f m",
                                body.get("circle").get("radiusM").asDouble())
                        : "Drawn area");
        a.put("areaKm2", area.areaKm2());
        a.put("lsoas", area.lsoas());
        a.put(
                "population",
                area.residents() == null
                        ? null
                        : Map.of(
                                "year",
                                area.populationYear(),
                                "residents",
                                area.residents(),
                                "method",
                                "area-weighted from LSOAs",
                                "areas",
                                area.lsoas()));
        a.put("residentsByImdDecile", area.residentsByDecile());
        access.audit(ctx, "api.profile.drawn", selection.feeds(), counts.records());
        Map<String, Object> out = body(scoped, a, counts, incidents, area.residents());
        if (!scoped.withheld().isEmpty()) {
            Map<String, Object> shared = new LinkedHashMap<>();
            shared.put("feeds", scoped.withheld());
            shared.put("available", false);
            shared.put(
                    "reason",
                    "these feeds are counted by LSOA, MSOA or ward, and district only, not by a drawn "
                            + "shape; the map's count layers show them");
            out.put("protected", shared);
        }
        ctx.json(out);
    }

    /**
     * A profile counts records exactly, by month and by hour of the week, for any area including drawn ones: only
     * feeds the asker may see as points go in. Feeds shared with them as aggregates are named in {@code withheld};
     * a feed asked for by name that may not go in is refused.
     */
    private Scoped exactFeeds(Context ctx, Selection s) {
        List<String> feeds = access.feeds(ctx, s.feeds(), DisclosureLevel.POINTS, "an area profile");
        List<String> withheld =
                new ArrayList<>(access.feeds(ctx, List.of(), DisclosureLevel.AGGREGATES, "an area profile"));
        withheld.removeAll(feeds);
        // An empty list means every feed to the selector: a principal with no exact feed selects one that has none.
        return new Scoped(
                s.withFeeds(feeds.isEmpty() ? List.of(NO_FEED) : feeds),
                s.feeds().isEmpty() ? withheld : List.of());
    }

    /** A selection limited to the asker's exact feeds, and the feeds it left out that they could see as aggregates. */
    private record Scoped(Selection selection, List<String> withheld) {}

    /** A feed name no feed has (names are lower case): selects nothing. */
    private static final String NO_FEED = "(none)";

    /**
     * @param incidents the headline: the area's incidents as the ranking counts them ({@link
     *                  IncidentProfiles#incidents}), which the rate is of; the tables count records
     */
    private Map<String, Object> body(
            Scoped scoped, Map<String, Object> area, IncidentProfiles.Counts counts, double incidents, Long residents) {
        Selection selection = scoped.selection();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("area", area);
        body.put("withheld", scoped.withheld());
        body.put("selection", selection.describe());
        body.put("incidents", Math.round(incidents * 1000) / 1000.0);
        body.put("records", counts.records());
        body.put(
                "ratePer1000",
                residents == null || residents == 0 ? null : Math.round(incidents * 1000.0 / residents * 10) / 10.0);
        body.put("categories", counts.byCategory());
        body.put("groups", counts.byGroup());
        List<Map<String, Object>> months = new ArrayList<>();
        counts.byMonth().forEach((m, n) -> {
            Map<String, Object> month = new LinkedHashMap<>();
            month.put("month", m);
            month.put("records", n);
            months.add(month);
        });
        body.put("months", months);
        Map<String, Object> hw = new LinkedHashMap<>();
        hw.put("days", DAYS);
        hw.put("counts", counts.hourWeekday());
        hw.put("timed", counts.timed());
        hw.put("untimed", counts.untimed());
        hw.put("untimedDropped", counts.untimedDropped());
        body.put("hourWeekday", hw);
        body.put(
                "sources",
                sources.of(counts.batches()).stream().map(Sources.Source::toMap).toList());
        return body;
    }

    private static void check(Map<String, Object> params) {
        for (String k : params.keySet()) {
            if (!NAMES.contains(k)) {
                throw ApiException.badRequest("unknown parameter '" + k + "'; profiles take "
                        + String.join(", ", new java.util.TreeSet<>(NAMES)));
            }
        }
    }

    /** The twelve months up to the newest record loaded. */
    private String defaultPeriod() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(LATEST_MONTH);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            String last = rs.getString(1);
            if (last == null) {
                throw new SafemapException(ErrorCode.NOT_FOUND, "no incidents are loaded yet");
            }
            YearMonth to = YearMonth.parse(last);
            return to.minusMonths(11) + ".." + to;
        }
    }
}
