package org.safemap.api;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.safemap.map.LayerCatalogue;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits map requests (WMS GetMap and GetFeatureInfo, tiles) on layers that draw restricted feeds. A viewer pans
 * through dozens of tiles a second; one entry each would bury the log and cost every tile a synchronous write. So
 * the first request of a principal on a layer is recorded at once, and the requests that follow are counted and
 * recorded as one entry ("N more tile requests") when {@link #flush} runs (every few minutes, and at shutdown).
 * Nobody can look at restricted data on the map without an entry naming them, the layer and when it began.
 */
final class MapAudit {
    private static final Logger LOG = LoggerFactory.getLogger(MapAudit.class);

    /** Who did what on which layer: everything an entry says except the count. */
    private record Key(Principal who, String action, String layer) {
    }

    private final Access access;
    private final AuditLog audit;
    private final Map<Key, AtomicLong> open = new ConcurrentHashMap<>();

    MapAudit(Access access, AuditLog audit) {
        this.access = access;
        this.audit = audit;
    }

    /** Notes a request answered with data from {@code layer} (e.g. action wms.getmap, tiles). */
    void note(Context ctx, String action, LayerCatalogue.Layer layer) {
        Principal who = Principals.of(ctx);
        List<String> feeds = feeds(who, layer);
        if (!access.restricted(feeds)) {
            return;
        }
        Key key = new Key(who, action, layer.name());
        AtomicLong count = open.get(key);
        if (count != null) {
            count.incrementAndGet();
            return;
        }
        if (open.putIfAbsent(key, new AtomicLong()) == null) {
            audit.record(AuditEvent.of(who, action, AuditEvent.resource(ctx.path(), ctx.queryParamMap()))
                    .feeds(feeds).resultSize(1).detail("layer", layer.name()).detail("first", true));
        } else {
            open.get(key).incrementAndGet();
        }
    }

    /** Records the requests counted since each key's last entry; a key with none closes. */
    void flush() {
        for (Map.Entry<Key, AtomicLong> e : new ArrayList<>(open.entrySet())) {
            long n = e.getValue().getAndSet(0);
            Key k = e.getKey();
            if (n == 0) {
                open.remove(k, e.getValue());
                continue;
            }
            try {
                audit.record(AuditEvent.of(k.who(), k.action(), "layer " + k.layer())
                        .feeds(feeds(k.who(), access.catalogueLayer(k.layer()))).resultSize(n)
                        .detail("layer", k.layer()).detail("requests", n));
            } catch (RuntimeException failure) {
                e.getValue().addAndGet(n); // kept for the next flush
                LOG.error("could not record {} map requests in the audit log: {}", n, failure.getMessage());
            }
        }
    }

    private List<String> feeds(Principal who, LayerCatalogue.Layer layer) {
        return layer == null ? List.of() : access.policy().layerFeeds(who, layer, access.allFeeds());
    }
}
