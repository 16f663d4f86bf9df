package org.safemap.api;

import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.Optional;
import org.safemap.areas.AreaLevel;
import org.safemap.areas.AreaQueries;

/** /api/areas: boundaries as GeoJSON. */
final class AreaHandlers {
    private final AreaQueries areas;

    AreaHandlers(AreaQueries areas) {
        this.areas = areas;
    }

    /** {@code GET /api/areas?level=lsoa[&vintage=2011][&bbox=minLon,minLat,maxLon,maxLat]} */
    void list(Context ctx) throws SQLException {
        AreaLevel level = AreaLevel.parse(QueryParams.text(ctx, "level").orElse("lsoa"));
        Optional<Integer> vintage = QueryParams.integer(ctx, "vintage", 1990, 2100);
        Optional<double[]> bbox = QueryParams.bbox(ctx);
        Optional<Integer> chosen = vintage.isPresent() ? vintage : areas.latestVintage(level);
        if (chosen.isEmpty()) {
            throw ApiException.notFound("no " + level + " boundaries are loaded");
        }
        ctx.contentType("application/geo+json");
        ctx.result(areas.featureCollection(level, chosen.get(), bbox));
    }
}
