package org.safemap.map;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.safemap.sharing.FeedView;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.Protocol;

/**
 * Who a map is drawn for: which layers a principal may see (asked of {@link Policy}) and the {@link FeedView} that
 * shapes each layer's picture for them. A layer they may not see is answered exactly as one that does not exist.
 */
final class MapAudience {
    private final Policy policy;
    private final LayerAccess layers;

    MapAudience(Policy policy) {
        this.policy = policy;
        this.layers = new LayerAccess(policy);
    }

    Policy policy() {
        return policy;
    }

    /** Every feed a protocol governs or a load has brought in, sorted. */
    List<String> knownFeeds(MapState state) {
        TreeSet<String> out = new TreeSet<>(state.names("feed"));
        for (Protocol p : policy.protocols().all()) {
            out.add(p.feed());
        }
        return new ArrayList<>(out);
    }

    /** The levels behind every count table of {@code who}: each known feed's. */
    FeedView view(Principal who, MapState state) {
        return policy.view(who, knownFeeds(state));
    }

    boolean visible(Principal who, LayerCatalogue.Layer layer, MapState state) {
        return layers.visible(who, layer, knownFeeds(state));
    }

    List<LayerCatalogue.Layer> visibleLayers(Principal who, LayerCatalogue catalogue, MapState state) {
        List<String> feeds = knownFeeds(state);
        return catalogue.layers().stream()
                .filter(l -> layers.visible(who, l, feeds))
                .toList();
    }

    /** The levels that shape a layer's picture for {@code who}: the kind decides ({@link LayerKind#view}). */
    FeedView view(Principal who, LayerCatalogue.Layer layer, LayerDims dims, MapState state) {
        return layer.kind().view(this, who, dims, state);
    }
}
