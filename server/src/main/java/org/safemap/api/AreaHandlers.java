package org.safemap.api;

import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.safemap.areas.AreaLevel;
import org.safemap.areas.AreaProfiles;
import org.safemap.areas.AreaQueries;

/** /api/areas: boundaries as GeoJSON, and one area's profile. */
final class AreaHandlers {
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final AreaQueries areas;
    private final AreaProfiles profiles;

    AreaHandlers(AreaQueries areas, AreaProfiles profiles) {
        this.areas = areas;
        this.profiles = profiles;
    }

    /** {@code GET /api/areas?level=lsoa[&vintage=2011][&bbox=minLon,minLat,maxLon,maxLat][&zoom=12]} */
    void list(Context ctx) throws SQLException {
        AreaLevel level = AreaLevel.parse(QueryParams.text(ctx, "level").orElse("lsoa"));
        Optional<Integer> vintage = QueryParams.integer(ctx, "vintage", 1990, 2100);
        Optional<double[]> bbox = QueryParams.bbox(ctx);
        Optional<Integer> zoom = QueryParams.integer(ctx, "zoom", 0, 24);
        Optional<Integer> chosen = vintage.isPresent() ? vintage : areas.latestVintage(level);
        if (chosen.isEmpty()) {
            throw ApiException.notFound("no " + level + " boundaries are loaded");
        }
        ctx.contentType("application/geo+json");
        ctx.result(areas.featureCollection(level, chosen.get(), bbox, zoom));
    }

    /** {@code GET /api/areas/{code}[?level=lsoa][&vintage=2011]}: name, parents, population, IMD, neighbours. */
    void profile(Context ctx) throws SQLException {
        String code = ctx.pathParam("code");
        if (!CODE.matcher(code).matches()) {
            throw ApiException.badRequest("'" + code + "' is not an area code");
        }
        Optional<AreaLevel> level = QueryParams.text(ctx, "level").map(AreaLevel::parse);
        Optional<Integer> vintage = QueryParams.integer(ctx, "vintage", 1990, 2100);
        ctx.json(profiles.profile(code, level, vintage)
                .orElseThrow(() -> ApiException.notFound(
                        "no area " + code + level.map(l -> " at level " + l).orElse("")
                                + vintage.map(v -> " of " + v).orElse(""))));
    }
}
