package org.safemap.map;

import java.time.YearMonth;
import java.util.List;
import java.util.Map;

/**
 * What the map service knows of the data at one moment: a version token that changes with every load, deletion,
 * run or protocol change (caches and ETags key on it), the months with records, the valid dimension values and the
 * extent.
 *
 * @param version   changes whenever the maps would
 * @param firstMonth first month with records, or null when there are none
 * @param lastMonth  last month with records, or null
 * @param names     category, group and feed names
 * @param extent    minX, minY, maxX, maxY in EPSG:27700 of the areas (of the incidents when no areas are
 *                  loaded; England and Wales when there is neither)
 */
public record MapState(
        String version, YearMonth firstMonth, YearMonth lastMonth, Map<String, List<String>> names, double[] extent) {
    /** England and Wales, roughly, for an empty database. */
    static final double[] ENGLAND_AND_WALES = {82_000, 5_000, 656_000, 658_000};

    /** The state now, under {@code version} (the data's, with whatever else the maps depend on). */
    static MapState read(MapData data, String version) {
        YearMonth[] months = data.months();
        double[] extent = data.extent();
        return new MapState(
                version,
                months == null ? null : months[0],
                months == null ? null : months[1],
                Map.copyOf(data.names()),
                extent == null ? ENGLAND_AND_WALES : extent);
    }

    boolean hasRecords() {
        return firstMonth != null;
    }

    List<String> names(String kind) {
        return names.getOrDefault(kind, List.of());
    }
}
