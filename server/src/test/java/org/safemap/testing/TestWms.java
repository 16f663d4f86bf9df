package org.safemap.testing;

import javax.sql.DataSource;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.MapData;
import org.safemap.map.WmsService;
import org.safemap.sharing.Policy;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.ProtocolCatalog;

/** A map service in the test's own process, as the server builds one: the shipped catalogue and protocols. */
public final class TestWms {
    private TestWms() {}

    /**
     * Over {@code dataSource}, with the built-in protocols, maps up to 4096 pixels a side and the map state kept
     * {@code stateTtlMillis} (0: read again for every map).
     */
    public static WmsService builtIn(DataSource dataSource, long stateTtlMillis) {
        Policy policy = new Policy(ProtocolCatalog.builtIn());
        return new WmsService(
                LayerCatalogue.load(),
                new MapData(dataSource),
                policy,
                new ProtectedCounts(dataSource, policy, ProtectedCounts.Geography.LSOA_MSOA_LAD),
                4096,
                4096,
                stateTtlMillis);
    }
}
