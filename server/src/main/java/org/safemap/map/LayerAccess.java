package org.safemap.map;

import java.util.Collection;
import java.util.List;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;

/**
 * Which catalogue layers a principal may see, and which feeds each layer draws for them: the layer's audience floor
 * and kind, over the feed levels {@link Policy} decides.
 */
public final class LayerAccess {
    private final Policy policy;

    public LayerAccess(Policy policy) {
        this.policy = policy;
    }

    /**
     * Whether {@code who} may see a catalogue layer at all: its own audience floor (public, partner, owner) and at
     * least one of its feeds visible at the level the layer needs. A layer naming no feeds draws on every feed, and
     * is shown if any feed is visible; its content is then limited feed by feed.
     */
    public boolean visible(Principal who, LayerCatalogue.Layer layer, Collection<String> allFeeds) {
        if (!policy.meetsFloor(who, layer.disclosure())) {
            return false;
        }
        return !usesFeeds(layer) || !feeds(who, layer, allFeeds).isEmpty();
    }

    /**
     * The feeds a layer draws for {@code who}: its own feeds (or, naming none, every feed) that they may see at the
     * level the layer needs (points layers: reduced or better; counts and surfaces: aggregates or better). Empty for
     * boundary and deprivation layers, which hold no partner data.
     */
    public List<String> feeds(Principal who, LayerCatalogue.Layer layer, Collection<String> allFeeds) {
        DisclosureLevel needed = layer.kind().feedLevel();
        if (needed == null) {
            return List.of();
        }
        List<String> feeds = layer.source().feeds().isEmpty()
                ? List.copyOf(allFeeds)
                : layer.source().feeds();
        return policy.feedsAtLeast(who, feeds, needed);
    }

    /** Boundaries and deprivation hold no partner data; every other layer kind counts or draws records. */
    private static boolean usesFeeds(LayerCatalogue.Layer layer) {
        return layer.kind().feedLevel() != null;
    }
}
