package org.safemap.api;

import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safemap.areas.AreaSearch;
import org.safemap.geo.Crs;
import org.safemap.geocode.PlaceSearch;

/**
 * /api/search: the viewer's one search box. Places come from the geocoder's tables ({@link PlaceSearch}), each with
 * the LSOA it lies in, so the viewer can offer that area's profile; areas by code or name from {@link AreaSearch}.
 * Reference data only (postcodes, gazetteer, boundaries): nothing a protocol restricts, so nothing is audited.
 */
final class SearchHandlers {
    /** Answers per kind of result; a search box lists a handful. */
    private static final int LIMIT = 8;

    private final PlaceSearch places;
    private final AreaSearch areas;

    SearchHandlers(PlaceSearch places, AreaSearch areas) {
        this.places = places;
        this.areas = areas;
    }

    /**
     * {@code GET /api/search?q=}: {@code {query, results: [...]}}, places before areas, each result with kind, label,
     * detail, and either lon, lat and radiusM (a place, with the LSOA it lies in as area) or bounds
     * [west, south, east, north] (an area, with level and code).
     */
    void search(Context ctx) throws SQLException {
        String q = QueryParams.text(ctx, "q").orElse("").strip();
        if (q.length() > 100) {
            throw ApiException.badRequest("q is longer than 100 characters");
        }
        List<Map<String, Object>> results = new ArrayList<>();
        if (!q.isEmpty()) {
            Crs.Transform toLonLat = Crs.BNG.to(Crs.WGS84);
            double[] lonLat = new double[2];
            for (PlaceSearch.Place p : places.find(q, LIMIT)) {
                toLonLat.apply(p.x(), p.y(), lonLat);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("kind", p.kind());
                r.put("label", p.label());
                r.put("detail", p.detail());
                r.put("lon", Math.round(lonLat[0] * 1e6) / 1e6);
                r.put("lat", Math.round(lonLat[1] * 1e6) / 1e6);
                r.put("radiusM", Math.round(p.precisionM()));
                Optional<AreaSearch.Area> in = areas.lsoaAt(p.x(), p.y());
                r.put("area", in.map(SearchHandlers::area).orElse(null));
                results.add(r);
            }
            for (AreaSearch.Area a : areas.find(q, LIMIT)) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("kind", a.level());
                r.put("label", a.name());
                r.put("detail", a.level().toUpperCase(java.util.Locale.ROOT) + " " + a.code());
                r.put("bounds", a.bounds());
                r.put("area", area(a));
                results.add(r);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", q);
        body.put("results", results);
        ctx.json(body);
    }

    private static Map<String, String> area(AreaSearch.Area a) {
        return Map.of("level", a.level(), "code", a.code(), "name", a.name());
    }
}
