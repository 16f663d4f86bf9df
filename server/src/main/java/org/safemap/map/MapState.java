package org.safemap.map;

import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.safemap.geo.Crs;

/**
 * What the map service knows of the data at one moment: a version token that changes with every load, deletion,
 * run or protocol change (caches and ETags key on it), the months with records, the valid dimension values and the
 * extent.
 *
 * @param version         changes whenever the maps would
 * @param firstMonth      first month with records, or null when there are none
 * @param lastMonth       last month with records, or null
 * @param names           category, group and feed names
 * @param extent          minX, minY, maxX, maxY in EPSG:27700 of the areas (of the incidents when no areas are
 *                        loaded; England and Wales when there is neither)
 * @param holdsIncidents  whether every incident lies inside {@code extent} (records outside the partnership's areas
 *                        are accepted, so it need not)
 */
public record MapState(
        String version,
        YearMonth firstMonth,
        YearMonth lastMonth,
        Map<String, List<String>> names,
        double[] extent,
        boolean holdsIncidents) {
    /** England and Wales, roughly, for an empty database. */
    static final double[] ENGLAND_AND_WALES = {82_000, 5_000, 656_000, 658_000};

    /** Points along each side of a box transformed to longitude and latitude: its sides curve a little. */
    private static final int SIDE_STEPS = 64;

    /** The state now, under {@code version} (the data's, with whatever else the maps depend on). */
    static MapState read(MapData data, String version) {
        YearMonth[] months = data.months();
        double[] extent = data.extent();
        return new MapState(
                version,
                months == null ? null : months[0],
                months == null ? null : months[1],
                Map.copyOf(data.names()),
                extent == null ? ENGLAND_AND_WALES : extent,
                extent != null && data.incidentsWithin(extent));
    }

    boolean hasRecords() {
        return firstMonth != null;
    }

    List<String> names(String kind) {
        return names.getOrDefault(kind, List.of());
    }

    /**
     * West, south, east and north (longitude and latitude) of a box outside which a layer whose picture reaches at
     * most {@code reachMetres} beyond the incidents draws nothing, whatever the period or filter; null when that is
     * not known (some incident outside the extent, or no data). The extent is the areas' when they are loaded
     * (public boundaries, as capabilities give them), not the records', so the box tells nobody where a record is. Its sides are traced point by point, so the box holds
     * the whole grown extent although BNG's straight sides curve in longitude and latitude.
     */
    public double[] lonLatBounds(double reachMetres) {
        if (!holdsIncidents) {
            return null;
        }
        double[] e = {extent[0] - reachMetres, extent[1] - reachMetres, extent[2] + reachMetres, extent[3] + reachMetres
        };
        return Crs.BNG.to(Crs.WGS84).envelope(e, SIDE_STEPS);
    }
}
