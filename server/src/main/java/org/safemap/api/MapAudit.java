package org.safemap.api;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.LayerSources;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits map requests (WMS GetMap and GetFeatureInfo, tiles) on layers that draw restricted feeds, and map requests
 * refused because the layer is not shown to the asker. A viewer pans through dozens of tiles a second; one entry each
 * would bury the log and cost every tile a synchronous write. So the first request of a principal on a layer (with
 * the same feeds drawn, or refused) is recorded at once, and the requests that follow are counted and recorded as one
 * entry ("N more tile requests") when {@link #flush} runs (every few minutes, and at shutdown). Nobody can look at
 * restricted data on the map, or try to, without an entry naming them, the layer and when it began.
 *
 * <p>An entry names the feeds the layer actually drew ({@link LayerSources}): a violence layer's entry does not name
 * the fire feed, whose categories hold no violence, so the fire service's usage report does not show it.
 */
final class MapAudit {
    private static final Logger LOG = LoggerFactory.getLogger(MapAudit.class);

    /** Who did what on which layer, drawing (or refused) which feeds: everything an entry says except the count. */
    private record Key(Principal who, String action, String layer, List<String> feeds, boolean refused) {}

    private final Access access;
    private final AuditLog audit;
    private final LayerSources sources;
    private final Map<Key, AtomicLong> open = new ConcurrentHashMap<>();

    MapAudit(Access access, AuditLog audit, LayerSources sources) {
        this.access = access;
        this.audit = audit;
        this.sources = sources;
    }

    /** Notes a request answered with data from {@code layer} (e.g. action wms.getmap, tiles). */
    void note(Context ctx, String action, LayerCatalogue.Layer layer) {
        Principal who = Principals.of(ctx);
        List<String> feeds = sources.drawn(who, layer, params(ctx), access.allFeeds());
        if (!access.restricted(feeds)) {
            return;
        }
        count(ctx, new Key(who, action, layer.name(), feeds, false));
    }

    /**
     * Notes a request refused because {@code layer} is not shown to the asker (answered as if it did not exist),
     * against the feeds it would have drawn that they may not see record by record.
     */
    void noteRefused(Context ctx, String action, LayerCatalogue.Layer layer) {
        Principal who = Principals.of(ctx);
        List<String> feeds = sources.refused(who, layer, access.allFeeds());
        if (feeds.isEmpty()) {
            return;
        }
        count(ctx, new Key(who, action, layer.name(), feeds, true));
    }

    private void count(Context ctx, Key key) {
        AtomicLong count = open.get(key);
        if (count != null) {
            count.incrementAndGet();
            return;
        }
        if (open.putIfAbsent(key, new AtomicLong()) == null) {
            AuditEvent e = AuditEvent.of(key.who(), key.action(), AuditEvent.resource(ctx.path(), ctx.queryParamMap()))
                    .feeds(key.feeds())
                    .detail("layer", key.layer())
                    .detail("first", true);
            audit.record(
                    key.refused()
                            ? e.refused("layer " + key.layer() + " is not shown to "
                                    + key.who().describe() + " (answered as no such layer)")
                            : e.resultSize(1));
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
                AuditEvent event = AuditEvent.of(k.who(), k.action(), "layer " + k.layer())
                        .feeds(k.feeds())
                        .detail("layer", k.layer())
                        .detail("requests", n);
                audit.record(
                        k.refused()
                                ? event.refused(n + " more requests for layer " + k.layer() + ", not shown to "
                                        + k.who().describe())
                                : event.resultSize(n));
            } catch (RuntimeException failure) {
                e.getValue().addAndGet(n); // kept for the next flush
                LOG.error("could not record {} map requests in the audit log: {}", n, failure.getMessage());
            }
        }
    }

    /** The request's parameters, first value of each (WMS names are case-insensitive; LayerSources reads both). */
    private static Map<String, String> params(Context ctx) {
        Map<String, String> out = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.putIfAbsent(k, v.get(0));
            }
        });
        return out;
    }
}
