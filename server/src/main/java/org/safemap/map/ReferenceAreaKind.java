package org.safemap.map;

import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.FeedView;
import org.safemap.sharing.Principal;

/**
 * Areas drawn from reference data only (boundaries, deprivation): no partner feed shapes them, so every requester
 * who meets the layer's audience floor sees the same picture.
 */
public sealed interface ReferenceAreaKind extends AreaKind permits AreasKind, DeprivationKind {
    @Override
    default DisclosureLevel feedLevel() {
        return null;
    }

    @Override
    default FeedView view(MapAudience audience, Principal who, LayerDims dims, MapState state) {
        return LayerDims.NO_FEEDS;
    }
}
