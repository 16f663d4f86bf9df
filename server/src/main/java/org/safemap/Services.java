package org.safemap;

import java.util.function.Supplier;
import javax.sql.DataSource;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.IncidentLoader;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.MapData;
import org.safemap.map.ServiceInfo;
import org.safemap.map.TileCache;
import org.safemap.map.WmsService;
import org.safemap.pack.PackService;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.Policy;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.ProtocolCatalog;

/**
 * The composition root: the long-lived services of one SafeMap process (settings, database, the feed, protocol and
 * layer catalogues, the policy, the audit log, the map service with its protected counts and caches, the pack
 * service), each built once from the settings and shared by whichever CLI verb or server runs. Nothing else builds
 * them, so a verb and the server cannot differ in a size, a key or a catalogue.
 *
 * <p>Each service is built on first use: a verb that only lists the feeds opens no database. Thread-safe. Closing
 * closes the database when these services opened it, and nothing twice.
 */
public final class Services implements AutoCloseable {
    /** How often the map service asks the store whether its data moved (one cheap query). */
    private static final long MAP_STATE_TTL_MS = 1000;

    /** Who answers through these services: one command, or the server's concurrent requests. */
    public enum Use {
        /** One verb: services read through the plain pool. */
        COMMAND,
        /**
         * The HTTP server: services read through the serving pool ({@link Database#serving}), which refuses at once
         * during an outage and ties each connection to its request's work.
         */
        SERVER
    }

    private final Settings settings;
    private final Supplier<Database> opener;
    private final boolean ownsDatabase;
    private final Use use;

    private Database database;
    private FeedCatalog feeds;
    private ProtocolCatalog protocols;
    private LayerCatalogue layers;
    private Policy policy;
    private AuditLog audit;
    private ProtectedCounts counts;
    private WmsService map;
    private TileCache tiles;
    private PackService packs;
    private boolean closed;

    private Services(Settings settings, Supplier<Database> opener, boolean ownsDatabase, Use use) {
        this.settings = settings;
        this.opener = opener;
        this.ownsDatabase = ownsDatabase;
        this.use = use;
    }

    /** Services over a database {@code opener} opens on first use; closing them closes it. */
    public static Services open(Settings settings, Supplier<Database> opener, Use use) {
        return new Services(settings, opener, true, use);
    }

    /** The server's services over a database the caller holds and closes (tests, embedding). */
    public static Services serving(Settings settings, Database db) {
        return new Services(settings, () -> db, false, Use.SERVER);
    }

    public Settings settings() {
        return settings;
    }

    public Use use() {
        return use;
    }

    /** The database, opened (brought up and migrated, as the opener does it) on first use. */
    public synchronized Database database() {
        if (closed) {
            throw new IllegalStateException("services closed");
        }
        if (database == null) {
            database = opener.get();
        }
        return database;
    }

    /** Where services answering requests read: the serving pool for the server, the plain pool for a command. */
    public DataSource dataSource() {
        Database db = database();
        return use == Use.SERVER ? db.serving(settings.limits().dbWaitMs()) : db.dataSource();
    }

    /**
     * Where the map service and the count tables read: for the server, the read replica when one is configured
     * ({@code SAFEMAP_DB_READ_URL}, {@link Database#reads}), else the same as {@link #dataSource}. Nothing written
     * goes through it.
     */
    public DataSource reads() {
        Database db = database();
        return use == Use.SERVER ? db.reads(settings.limits().dbWaitMs()) : db.dataSource();
    }

    /**
     * The built-in feeds and the partners' definitions, one instance: a reload swaps its contents in place, so every
     * holder sees it.
     */
    public synchronized FeedCatalog feeds() {
        if (feeds == null) {
            feeds = FeedCatalog.load(settings.feedsDir());
        }
        return feeds;
    }

    /** The data-sharing protocols in force, one instance (reloaded in place, as {@link #feeds}). */
    public synchronized ProtocolCatalog protocols() {
        if (protocols == null) {
            protocols = ProtocolCatalog.load(settings.trust().protocolsDir());
        }
        return protocols;
    }

    /** The declared map layers. */
    public synchronized LayerCatalogue layers() {
        if (layers == null) {
            layers = LayerCatalogue.load();
        }
        return layers;
    }

    /** Decisions under {@link #protocols}. */
    public synchronized Policy policy() {
        if (policy == null) {
            policy = new Policy(protocols());
        }
        return policy;
    }

    /** The tamper-evident audit log, keyed as configured. */
    public synchronized AuditLog audit() {
        if (audit == null) {
            audit = AuditLog.open(settings, dataSource(), protocols());
        }
        return audit;
    }

    /** The loader of partners' files, with the configured link rule, keys and checks. */
    public IncidentLoader loader() {
        return IncidentLoader.configured(database().dataSource(), settings, protocols());
    }

    /**
     * The published count tables, protected under {@link #policy} in the configured geography and cached inside: the
     * count layers, /api/counts, profiles and packs all read these.
     */
    public synchronized ProtectedCounts counts() {
        if (counts == null) {
            counts = new ProtectedCounts(
                    reads(),
                    policy(),
                    ProtectedCounts.Geography.parse(settings.trust().protectedGeography()));
        }
        return counts;
    }

    /** The map service (WMS over {@link #counts} and its own caches), with the configured largest image. */
    public synchronized WmsService map() {
        if (map == null) {
            map = new WmsService(
                    layers(),
                    new MapData(reads()),
                    policy(),
                    counts(),
                    settings.map().wmsMaxSize(),
                    settings.map().wmsMaxSize(),
                    MAP_STATE_TTL_MS,
                    new ServiceInfo(
                            settings.map().contactOrganisation(),
                            settings.map().contactPerson(),
                            settings.map().contactEmail(),
                            settings.map().layerMetadataUrl()));
        }
        return map;
    }

    /** The tile cache, in memory and under {@code var/tiles}, with the configured sizes. */
    public synchronized TileCache tiles() {
        if (tiles == null) {
            tiles = new TileCache(
                    settings.map().tileMemoryMb() * 1024L * 1024L,
                    settings.map().tileDiskMb() * 1024L * 1024L,
                    settings.varDir().resolve("tiles"));
        }
        return tiles;
    }

    /** Tasking packs, drawn by {@link #map}. */
    public synchronized PackService packs() {
        if (packs == null) {
            packs = new PackService(dataSource(), feeds(), map(), counts(), policy());
        }
        return packs;
    }

    /** Closes the database if these services opened it; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsDatabase && database != null) {
            database.close();
        }
    }
}
