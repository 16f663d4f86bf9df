package org.safemap.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.ProtectedCounts;

/**
 * Areas valued from the published count tables ({@link ProtectedCounts}): timed, shown to whoever sees the feeds as
 * aggregates or better, with DIM_CATEGORY adding up whatever categories are asked in place of the layer's groups, and
 * shaped by every known feed, since the canonical tables span them all ({@link AreaKind#view}).
 */
public sealed interface CountTableKind extends AreaKind permits AreaCountsKind, AreaChangeKind {
    /**
     * What every count layer's feature info and legend say of hours: the tables count whole months, so a request's
     * DIM_HOURS and DIM_WEEKDAYS are not applied (refusing them would break a map that draws a surface, which applies
     * them, with counts under it), and the answer says so rather than let a count pass for the hours asked.
     */
    String EVERY_HOUR =
            "every hour and day: the published count tables are monthly, so hour and day filters do not " + "apply";

    @Override
    default boolean timed() {
        return true;
    }

    /** Feature info of the areas, each saying that the counts are of every hour and day ({@link #EVERY_HOUR}). */
    @Override
    default List<Map<String, Object>> info(
            LayerData data, LayerCatalogue.Layer layer, LayerDims dims, MapView view, double[] bng, int count) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> p : AreaKind.super.info(data, layer, dims, view, bng, count)) {
            Map<String, Object> q = new LinkedHashMap<>(p);
            q.put("hours", EVERY_HOUR);
            out.add(q);
        }
        return out;
    }

    @Override
    default boolean categoriesReplaceGroups() {
        return true;
    }

    @Override
    default DisclosureLevel feedLevel() {
        return DisclosureLevel.AGGREGATES;
    }

    /** The feeds and categories asked for: DIM_FEED, and DIM_CATEGORY or else the layer's groups. */
    static ProtectedCounts.Selection selection(LayerCatalogue.Layer layer, LayerDims dims) {
        return new ProtectedCounts.Selection(
                dims.feeds(), dims.categories().isEmpty() ? layer.source().groups() : dims.categories());
    }
}
