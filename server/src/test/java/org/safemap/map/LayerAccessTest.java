package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.Role;

/** Which layers each audience may see, and which feeds they draw, on the built-in example protocols. */
class LayerAccessTest {
    private static final LayerAccess LAYERS = new LayerAccess(new Policy(ProtocolCatalog.builtIn()));
    private static final List<String> FEEDS = List.of("police-uk", "btp", "istv-ae", "ambulance", "fire-irs");

    private static Principal analyst(String partner, String purpose) {
        return new Principal("u", Role.ANALYST, partner, purpose, "test");
    }

    @Test
    void layersFollowTheirAudienceFloorAndFeeds() {
        LayerCatalogue catalogue = LayerCatalogue.load();
        Principal tasking = new Principal("t", Role.TASKING, null, "tasking", "test");
        List<String> publicLayers = catalogue.layers().stream()
                .filter(l -> LAYERS.visible(Principal.ANONYMOUS, l, FEEDS))
                .map(LayerCatalogue.Layer::name)
                .toList();
        assertThat(publicLayers)
                .contains("lsoa-boundaries", "incidents", "density-asb", "deprivation")
                .doesNotContain("density-ae-assaults", "density-ambulance", "hotspot-gistar", "incident-counts");
        assertThat(LAYERS.visible(tasking, catalogue.layer("density-ae-assaults"), FEEDS))
                .isTrue();
        assertThat(LAYERS.visible(analyst("csp", null), catalogue.layer("density-ae-assaults"), FEEDS))
                .as("no purpose declared: public level, none for A&E")
                .isFalse();
    }

    @Test
    void aLayerDrawsTheFeedsItsReaderMaySeeAtTheLevelItNeeds() {
        LayerCatalogue catalogue = LayerCatalogue.load();
        Principal police = analyst("police", "tasking");
        // a surface takes every feed its reader may see at aggregates or better; the public sees no A&E or ambulance
        assertThat(LAYERS.feeds(police, catalogue.layer("density-all"), FEEDS))
                .containsExactly("police-uk", "btp", "istv-ae", "ambulance", "fire-irs");
        assertThat(LAYERS.feeds(Principal.ANONYMOUS, catalogue.layer("density-all"), FEEDS))
                .containsExactly("police-uk", "btp", "fire-irs");
        assertThat(LAYERS.feeds(police, catalogue.layer("lsoa-boundaries"), FEEDS))
                .isEmpty();
    }
}
