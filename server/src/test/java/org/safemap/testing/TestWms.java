package org.safemap.testing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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

    /**
     * The parameters of a WMS 1.3.0 GetMap of {@code layer} in EPSG:27700 over the box, {@code width} x {@code height}
     * pixels as PNG, for {@code time}; a mutable map, so a test may add dimensions.
     */
    public static Map<String, String> getMap(
            String layer, double minX, double minY, double maxX, double maxY, long width, long height, String time) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("SERVICE", "WMS");
        q.put("VERSION", "1.3.0");
        q.put("REQUEST", "GetMap");
        q.put("LAYERS", layer);
        q.put("STYLES", "");
        q.put("CRS", "EPSG:27700");
        q.put("BBOX", String.format(Locale.ROOT, "%.2f,%.2f,%.2f,%.2f", minX, minY, maxX, maxY));
        q.put("WIDTH", String.valueOf(width));
        q.put("HEIGHT", String.valueOf(height));
        q.put("FORMAT", "image/png");
        q.put("TIME", time);
        return q;
    }
}
