package org.safemap.map;

import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.ProtectedCounts;

/**
 * Areas valued from the published count tables ({@link ProtectedCounts}): timed, shown to whoever sees the feeds as
 * aggregates or better, with DIM_CATEGORY adding up whatever categories are asked in place of the layer's groups, and
 * shaped by every known feed, since the canonical tables span them all ({@link AreaKind#view}).
 */
public sealed interface CountTableKind extends AreaKind permits AreaCountsKind, AreaChangeKind {
    @Override
    default boolean timed() {
        return true;
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
