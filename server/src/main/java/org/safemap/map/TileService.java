package org.safemap.map;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * XYZ tiles for the viewer, {@code /tiles/{layer}/{z}/{x}/{y}.png}: 256 × 256 PNG in Web Mercator (EPSG:3857),
 * drawn by the same renderer and styles as WMS GetMap and cached by {@link TileCache}. Dimensions come as query
 * parameters (time, category, feed, run, style). A tile's ETag is the digest of everything that makes it, data
 * version included, so a client revalidating after a load gets the new tile and otherwise a 304.
 */
public final class TileService {
    public static final int SIZE = 256;
    public static final int MAX_ZOOM = 22;
    /** Half the width of the Web Mercator square, metres. */
    static final double ORIGIN = 20037508.342789244;

    /** A tile and its ETag (quoted). */
    public record Tile(byte[] png, String etag) {}

    private final WmsService wms;
    private final TileCache cache;

    public TileService(WmsService wms, TileCache cache) {
        this.wms = wms;
        this.cache = cache;
    }

    /** A tile request checked and keyed, before anything is drawn: its ETag answers conditional requests. */
    public record Prepared(WmsService.MapRequest request, String version, String key) {
        public String etag() {
            return '"' + key + '"';
        }
    }

    /** Checks the request and works out its key (data version included) without drawing. */
    public Prepared prepare(
            String layer, int z, int x, int y, Map<String, String> query, org.safemap.sharing.Principal who) {
        WmsService.MapRequest r = request(layer, z, x, y, query, who);
        String version = wms.state().version();
        return new Prepared(r, version, key(r, version, z + "/" + x + "/" + y));
    }

    /**
     * A tile of any grid: {@code bbox} in {@code crs} (x first), {@code cell} naming it in the cache. XYZ tiles and
     * WMTS GoogleMapsCompatible tiles share cells ({@code z/x/y}), so they share the cache.
     */
    Prepared prepare(
            String layer,
            String crs,
            double[] bbox,
            String cell,
            Map<String, String> query,
            org.safemap.sharing.Principal who) {
        WmsService.MapRequest r = request(layer, crs, bbox, query, who);
        String version = wms.state().version();
        return new Prepared(r, version, key(r, version, cell));
    }

    /** The tile if the cache has it; nothing is drawn. */
    public java.util.Optional<Tile> cached(Prepared p) {
        byte[] png = cache.get(p.version(), p.key());
        return png == null ? java.util.Optional.empty() : java.util.Optional.of(new Tile(png, p.etag()));
    }

    /** The tile, from the cache or drawn and cached. */
    public Tile tile(Prepared p) {
        byte[] png = cache.get(p.version(), p.key());
        if (png == null) {
            png = wms.render(p.request());
            cache.put(p.version(), p.key(), png);
        }
        return new Tile(png, p.etag());
    }

    public Tile tile(String layer, int z, int x, int y, Map<String, String> query, org.safemap.sharing.Principal who) {
        return tile(prepare(layer, z, x, y, query, who));
    }

    public Map<String, Long> stats() {
        return cache.stats();
    }

    /** The bounding box of tile (z, x, y) in EPSG:3857: minx, miny, maxx, maxy. */
    public static double[] bounds(int z, int x, int y) {
        double span = 2 * ORIGIN / (1L << z);
        double minX = -ORIGIN + x * span;
        double maxY = ORIGIN - y * span;
        return new double[] {minX, maxY - span, minX + span, maxY};
    }

    private WmsService.MapRequest request(
            String layer, int z, int x, int y, Map<String, String> query, org.safemap.sharing.Principal who) {
        if (z < 0 || z > MAX_ZOOM) {
            throw OgcException.invalid("z", "zoom " + z + " is outside 0 to " + MAX_ZOOM);
        }
        long n = 1L << z;
        if (x < 0 || y < 0 || x >= n || y >= n) {
            throw OgcException.invalid("x", "tile " + z + "/" + x + "/" + y + " does not exist at zoom " + z);
        }
        return request(layer, "EPSG:3857", bounds(z, x, y), query, who);
    }

    private WmsService.MapRequest request(
            String layer, String crs, double[] b, Map<String, String> query, org.safemap.sharing.Principal who) {
        Map<String, String> p = new HashMap<>();
        query.forEach((k, v) -> p.put(k.toUpperCase(java.util.Locale.ROOT), v));
        p.put("VERSION", "1.3.0");
        p.put("LAYERS", layer);
        p.put("STYLES", p.getOrDefault("STYLE", ""));
        p.remove("SLD_BODY");
        p.remove("SLD");
        p.put("CRS", crs);
        p.put("BBOX", b[0] + "," + b[1] + "," + b[2] + "," + b[3]);
        p.put("WIDTH", String.valueOf(SIZE));
        p.put("HEIGHT", String.valueOf(SIZE));
        p.put("FORMAT", "image/png");
        p.put("TRANSPARENT", "TRUE");
        return wms.parseMap(p, true, who);
    }

    /**
     * The digest of everything that makes the tile. {@link WmsService.MapRequest#key()} carries each layer's
     * {@code FeedView}: the requester's levels for the feeds that shape it, so audiences who see the same (everyone,
     * for open-data layers) share a tile and audiences who see differently never do.
     */
    private static String key(WmsService.MapRequest r, String version, String cell) {
        String text = version + "|" + r.key() + "|" + cell;
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
