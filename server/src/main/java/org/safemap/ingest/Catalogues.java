package org.safemap.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.safemap.SafemapException;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.Principal;
import org.safemap.sharing.Protocol;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.ProtocolRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feed and protocol catalogues a running server holds, and their reload: a new feed or protocol version takes
 * effect without a restart ({@code POST /api/protocols/reload}, {@code safemap protocols reload}).
 *
 * <p>A reload reads both folders again, checks them as a start does, records every protocol version in the registry
 * as a start does (refusing a text changed under the same version number), and only then puts both catalogues in
 * force at once. Anything wrong leaves everything as it was: a half-read folder must never be in force. Each reload,
 * refused or not, is an audit entry naming who asked and what changed. Listeners (the map service, whose caches key on
 * the protocols) hear of every reload that changed something.
 */
public final class Catalogues {
    private static final Logger LOG = LoggerFactory.getLogger(Catalogues.class);

    /**
     * What a reload changed.
     *
     * @param protocolsAdded   feeds that gained a protocol, "feed vN"
     * @param protocolsChanged "feed vN -> vM" (or the same number when only the file's place changed)
     * @param protocolsRemoved feeds that lost their protocol (their data is then shown to nobody)
     * @param feedsAdded       feed definitions added
     * @param feedsChanged     feed definitions changed
     * @param feedsRemoved     feed definitions removed
     */
    public record Change(
            List<String> protocolsAdded,
            List<String> protocolsChanged,
            List<String> protocolsRemoved,
            List<String> feedsAdded,
            List<String> feedsChanged,
            List<String> feedsRemoved) {
        public boolean none() {
            return protocolsAdded.isEmpty()
                    && protocolsChanged.isEmpty()
                    && protocolsRemoved.isEmpty()
                    && feedsAdded.isEmpty()
                    && feedsChanged.isEmpty()
                    && feedsRemoved.isEmpty();
        }

        /** One line for people and logs. */
        public String describe() {
            if (none()) {
                return "nothing changed";
            }
            List<String> parts = new ArrayList<>();
            part(parts, "protocols added", protocolsAdded);
            part(parts, "protocols changed", protocolsChanged);
            part(parts, "protocols removed", protocolsRemoved);
            part(parts, "feeds added", feedsAdded);
            part(parts, "feeds changed", feedsChanged);
            part(parts, "feeds removed", feedsRemoved);
            return String.join("; ", parts);
        }

        /** The stable JSON shape of docs/api.md (snake_case keys). */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("protocols_added", protocolsAdded);
            m.put("protocols_changed", protocolsChanged);
            m.put("protocols_removed", protocolsRemoved);
            m.put("feeds_added", feedsAdded);
            m.put("feeds_changed", feedsChanged);
            m.put("feeds_removed", feedsRemoved);
            return m;
        }

        private static void part(List<String> parts, String what, List<String> names) {
            if (!names.isEmpty()) {
                parts.add(what + ": " + String.join(", ", names));
            }
        }
    }

    private final FeedCatalog feeds;
    private final ProtocolCatalog protocols;
    private final ProtocolRegistry registry;
    private final AuditLog audit;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public Catalogues(FeedCatalog feeds, ProtocolCatalog protocols, ProtocolRegistry registry, AuditLog audit) {
        this.feeds = feeds;
        this.protocols = protocols;
        this.registry = registry;
        this.audit = audit;
    }

    public FeedCatalog feeds() {
        return feeds;
    }

    public ProtocolCatalog protocols() {
        return protocols;
    }

    /** Runs {@code listener} after every reload that changed something (it must not throw). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Re-reads the protocols and feeds folders and puts them in force, for {@code who} (audited).
     *
     * @throws SafemapException bad_protocol or bad_feed naming the file and field, with nothing changed
     */
    public synchronized Change reload(Principal who) {
        Change change;
        try {
            ProtocolCatalog freshProtocols = protocols.reread();
            FeedCatalog freshFeeds = feeds.reread();
            change = diff(freshProtocols, freshFeeds);
            registry.sync(freshProtocols);
            protocols.adopt(freshProtocols);
            feeds.adopt(freshFeeds);
        } catch (SafemapException e) {
            LOG.warn("reload of protocols and feeds refused for {}: {}", who.describe(), e.getMessage());
            audit.record(AuditEvent.of(who, "protocols.reload", "protocols and feeds")
                    .refused(e.getMessage()));
            throw e;
        }
        LOG.info("protocols and feeds reloaded for {}: {}", who.describe(), change.describe());
        List<String> touched = new ArrayList<>();
        touched.addAll(names(change.protocolsAdded()));
        touched.addAll(names(change.protocolsChanged()));
        touched.addAll(names(change.protocolsRemoved()));
        audit.record(AuditEvent.of(who, "protocols.reload", "protocols and feeds")
                .feeds(touched)
                .detail("changes", change.toJson()));
        if (!change.none()) {
            for (Runnable l : listeners) {
                l.run();
            }
        }
        return change;
    }

    private Change diff(ProtocolCatalog fresh, FeedCatalog freshFeeds) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Protocol p : fresh.all()) {
            Protocol before = protocols.find(p.feed()).orElse(null);
            if (before == null) {
                added.add(p.feed() + " v" + p.version());
            } else if (!before.sha256().equals(p.sha256())) {
                changed.add(p.feed() + " v" + before.version() + " -> v" + p.version());
            }
        }
        for (Protocol p : protocols.all()) {
            if (fresh.find(p.feed()).isEmpty()) {
                removed.add(p.feed() + " v" + p.version());
            }
        }
        List<String> feedsAdded = new ArrayList<>();
        List<String> feedsChanged = new ArrayList<>();
        List<String> feedsRemoved = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        freshFeeds.all().forEach(f -> names.add(f.name()));
        feeds.all().forEach(f -> names.add(f.name()));
        for (String name : names) {
            FeedDefinition now = freshFeeds.find(name).orElse(null);
            FeedDefinition before = feeds.find(name).orElse(null);
            if (before == null) {
                feedsAdded.add(name);
            } else if (now == null) {
                feedsRemoved.add(name);
            } else if (!Objects.equals(before, now)) {
                feedsChanged.add(name);
            }
        }
        return new Change(
                List.copyOf(added),
                List.copyOf(changed),
                List.copyOf(removed),
                List.copyOf(feedsAdded),
                List.copyOf(feedsChanged),
                List.copyOf(feedsRemoved));
    }

    /** "istv-ae v1 -> v2" to "istv-ae". */
    private static List<String> names(List<String> described) {
        return described.stream().map(d -> d.substring(0, d.indexOf(' '))).toList();
    }
}
