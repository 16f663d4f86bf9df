package org.safemap.api;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.ByteArrayInputStream;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import javax.sql.DataSource;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.Services;
import org.safemap.actions.ActionLog;
import org.safemap.areas.AreaProfiles;
import org.safemap.areas.AreaQueries;
import org.safemap.areas.AreaSearch;
import org.safemap.areas.DrawnAreas;
import org.safemap.config.Settings;
import org.safemap.config.TempFiles;
import org.safemap.db.DataChanges;
import org.safemap.db.Database;
import org.safemap.db.DatabaseUnavailableException;
import org.safemap.db.ReplicaReads;
import org.safemap.db.ServingDataSource;
import org.safemap.db.Work;
import org.safemap.export.Exports;
import org.safemap.geocode.PlaceSearch;
import org.safemap.ingest.Catalogues;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.FeedReports;
import org.safemap.ingest.IncidentLoader;
import org.safemap.ingest.Quarantine;
import org.safemap.ingest.ReloadRequests;
import org.safemap.map.ExceptionReport;
import org.safemap.map.FeaturesService;
import org.safemap.map.IncidentPoints;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.LayerSources;
import org.safemap.map.MapState;
import org.safemap.map.OgcException;
import org.safemap.map.TileCache;
import org.safemap.map.TileService;
import org.safemap.map.WmsService;
import org.safemap.map.WmsVersion;
import org.safemap.map.WmtsService;
import org.safemap.pack.ViewPrinter;
import org.safemap.runs.AreaResults;
import org.safemap.runs.EmergingRunner;
import org.safemap.runs.EvaluateRunner;
import org.safemap.runs.HotspotRunner;
import org.safemap.runs.IncidentProfiles;
import org.safemap.runs.NearRepeats;
import org.safemap.runs.RunStore;
import org.safemap.runs.Sources;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.FeedRefusal;
import org.safemap.sharing.Identity;
import org.safemap.sharing.Keys;
import org.safemap.sharing.LinkageSeal;
import org.safemap.sharing.Policy;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.ProtocolCatalog;
import org.safemap.sharing.ProtocolRegistry;
import org.safemap.sharing.RetentionReports;
import org.safemap.sharing.UsageReports;
import org.safemap.time.PeriodLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: the route table, static viewer files, error mapping and request logging, all in one place.
 * Handlers translate HTTP to service calls and back; every failure leaves as {@link ApiError} JSON.
 */
public final class ApiServer {
    private static final Logger LOG = LoggerFactory.getLogger("http");
    /** Map requests on a restricted layer after the first are recorded in one audit entry this often. */
    private static final long MAP_AUDIT_FLUSH_S = 300;
    /** Query parameters whose values never reach the log. */
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(token|password|passwd|secret|key|auth|session|signature).*");
    /**
     * Routes whose requests can cost a lot (many months of protected tables, a run, a pack, a file, a large page of
     * records): they run a few at a time per requester, for the public and overall ({@link RequestGuard}). Maps and
     * tiles count when they are drawn rather than found in the cache.
     */
    private static final List<String> EXPENSIVE = List.of(
            "/api/profile",
            "/api/hotspots",
            "/api/emerging",
            "/api/evaluate",
            "/api/near-repeat",
            "/api/repeat-locations",
            "/api/exports/*",
            "/api/packs",
            "/api/print",
            "/api/feeds/{feed}/uploads",
            "/api/incidents",
            "/api/counts",
            FeatureHandlers.ROOT + "/collections/{id}/items",
            FeatureHandlers.ROOT + "/collections/{id}/items/{featureId}");
    /** WMS requests that draw or query rather than describe. */
    private static final Set<String> EXPENSIVE_WMS = Set.of("getmap", "map", "getfeatureinfo", "feature_info");
    /** Logged queries are cut here: a WMS SLD_BODY can be 64 KB, and a log line should stay a line. */
    private static final int LOGGED_QUERY_CHARS = 2000;

    private ApiServer() {}

    /**
     * Builds the server from the process's {@link Services}; call {@code start(host, port)} on the result. Who each
     * request comes from is established before any route runs: by the server's own sign-in ({@link Credentials}: API
     * tokens, Basic with a token, the viewer's session), or, when a test passes one, by {@code override} in its place.
     * The feed and protocol catalogues are the services' own: a reload ({@code POST /api/protocols/reload},
     * {@code safemap protocols reload}) swaps their contents in place, so whatever else holds them (the retention
     * purge) sees it too.
     */
    public static Javalin create(Services services, Authenticator override) {
        Settings settings = services.settings();
        Database db = services.database();
        FeedCatalog feedCatalog = services.feeds();
        ProtocolCatalog protocols = services.protocols();
        Settings.LimitSettings limits = settings.limits();
        // Every service reads through the serving pool: outages refused at once, connections tied to the request.
        ServingDataSource ds = db.serving(limits.dbWaitMs());
        SystemHandlers system = new SystemHandlers(db, ds.watch(), settings);
        AreaProfiles areaProfiles = new AreaProfiles(ds);
        AreaHandlers areas = new AreaHandlers(new AreaQueries(ds), areaProfiles);
        SearchHandlers search = new SearchHandlers(new PlaceSearch(ds), new AreaSearch(ds));
        ProtocolRegistry protocolRegistry = new ProtocolRegistry(ds);
        protocolRegistry.sync(protocols);
        Policy policy = services.policy();
        AuditLog audit = services.audit();
        Catalogues catalogues = new Catalogues(feedCatalog, protocols, protocolRegistry, audit);
        ProtocolHandlers protocolHandlers = new ProtocolHandlers(policy, protocolRegistry, catalogues);
        LayerCatalogue catalogue = services.layers();
        catalogue.parseStyles(); // every style is drawn or listed sooner or later; a broken one stops the start
        Access access = new Access(policy, feedCatalog, audit, catalogue);
        ProtectedCounts protectedCounts = services.counts();
        WmsService wms = services.map();
        DataSource reads = services.reads();
        // Another server's load or run (or this one's) moves every server's maps at once, not at its next look;
        // with a read replica, reads wait for the replica to replay the change or go to the primary meanwhile.
        DataChanges dataChanges = DataChanges.listen(db.target(), lsn -> {
            if (reads instanceof ReplicaReads replica) {
                replica.require(lsn);
            }
            wms.invalidate();
        });
        PeriodLimit periods = new PeriodLimit(limits.maxPeriodMonths(), () -> dataMonths(wms.state()));
        IncidentHandlers incidents = new IncidentHandlers(new IncidentPoints(ds), access);
        LinkageSeal seal = new LinkageSeal(Keys.linkage(settings));
        FeedHandlers feeds = new FeedHandlers(
                feedCatalog,
                new FeedReports(ds),
                new Quarantine(ds),
                IncidentLoader.configured(ds, settings, protocols),
                settings.uploadMaxMb(),
                access,
                seal);
        HotspotHandlers hotspots = new HotspotHandlers(
                new HotspotRunner(ds),
                new EmergingRunner(ds),
                new EvaluateRunner(ds),
                new NearRepeats(ds),
                new RunStore(ds),
                new AreaResults(ds),
                access,
                periods);
        ExportHandlers exports = new ExportHandlers(new Exports(ds, feedCatalog, policy), access, periods);

        ProfileHandlers profiles = new ProfileHandlers(
                ds,
                areaProfiles,
                new DrawnAreas(ds),
                new IncidentProfiles(ds),
                new Sources(ds, feedCatalog),
                access,
                new ProtectedProfile(protectedCounts),
                periods);
        LayerSources layerSources = new LayerSources(ds, wms, policy, feedCatalog);
        LayerHandlers layers = new LayerHandlers(wms, access, feedCatalog, layerSources);
        CountHandlers counts = new CountHandlers(protectedCounts, access, periods);
        ChangeHandlers changes = new ChangeHandlers(protectedCounts, access, periods);
        TileCache tileCache = services.tiles();
        MapAudit mapAudit = new MapAudit(access, audit, layerSources);
        ClientAddress clientAddress = new ClientAddress(settings.trust().trustedProxies());
        RequestGuard guard = new RequestGuard(limits, clientAddress);
        MapHandlers maps = new MapHandlers(wms, new TileService(wms, tileCache), mapAudit, guard);
        PrintHandlers prints = new PrintHandlers(
                new ViewPrinter(wms, ds, feedCatalog), wms, access, feedCatalog, layerSources, mapAudit);
        FeatureHandlers features = new FeatureHandlers(new FeaturesService(wms), access, layerSources, mapAudit);
        ScheduledExecutorService auditFlush = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "map-audit-flush");
            t.setDaemon(true);
            return t;
        });
        auditFlush.scheduleWithFixedDelay(mapAudit::flush, MAP_AUDIT_FLUSH_S, MAP_AUDIT_FLUSH_S, TimeUnit.SECONDS);
        // A reload changes what maps may show: the map service re-keys its caches at once, not at its next look.
        catalogues.onChange(wms::invalidate);
        ReloadRequests reloadRequests = new ReloadRequests(db.dataSource());
        ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "catalogue-reload");
            t.setDaemon(true);
            return t;
        });
        reloads.scheduleWithFixedDelay(
                () -> reloadRequests.poll(catalogues), 0, ReloadRequests.POLL_SECONDS, TimeUnit.SECONDS);
        PackHandlers packs = new PackHandlers(services.packs(), access, periods);
        AuditHandlers audits = new AuditHandlers(
                policy,
                audit,
                new UsageReports(ds, policy, java.time.Clock.systemUTC()),
                RetentionReports.of(settings));
        ActionHandlers actions = new ActionHandlers(new ActionLog(ds, policy, audit, java.time.Clock.systemUTC()));
        Identity identity = Identity.create(ds, settings, protocols);
        String cookieSecure = settings.trust().cookieSecure();
        SessionHandlers session = new SessionHandlers(identity, cookieSecure, clientAddress);
        UserHandlers users = new UserHandlers(identity, policy);
        TokenHandlers tokens = new TokenHandlers(identity, policy);
        Handler authentication = override != null
                ? ctx -> Principals.set(ctx, override.principal(ctx))
                : new Credentials(identity, cookieSecure);

        return Javalin.create(config -> {
            configure(config, access, guard, ds);
            config.events.serverStopping(() -> {
                // After the requests have been drained (configure): the audit's last word.
                reloads.shutdown();
                dataChanges.close();
                auditFlush.shutdown();
                mapAudit.flush();
            });
            config.jetty.multipartConfig.maxFileSize(settings.uploadMaxMb(), SizeUnit.MB);
            // The whole request may carry a little more than one file: part headers and boundaries.
            config.jetty.multipartConfig.maxTotalRequestSize(settings.uploadMaxMb() + 1L, SizeUnit.MB);
            config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            // Parts on their way in are spooled where a restart after a crash removes them (TempFiles).
            config.jetty.multipartConfig.cacheDirectory(TempFiles.dir().toString());
            config.http.maxRequestSize = limits.maxBodyKb() * 1024L;
            // The guard first (shutdown, the request's work), then who is asking, then what they may cost.
            config.routes.before(guard::begin);
            config.routes.before(authentication);
            config.routes.before(guard::admit);
            config.routes.before(ctx -> RequestBodies.check(ctx, guard.maxBodyBytes(), FeedHandlers.UPLOADS));
            for (String path : EXPENSIVE) {
                config.routes.before(path, ctx -> {
                    if (!ctx.method().name().equals("OPTIONS")) {
                        guard.expensive(ctx);
                    }
                });
            }
            config.routes.before("/wms", ctx -> {
                String request = wmsParameter(ctx, "REQUEST");
                if (request != null && EXPENSIVE_WMS.contains(request.toLowerCase(Locale.ROOT))) {
                    guard.expensive(ctx);
                }
            });
            if (reads instanceof ReplicaReads replica) {
                ReadYourWrites ownWrites = new ReadYourWrites(replica, wms, cookieSecure);
                config.routes.before(ownWrites::before);
                config.routes.after(ownWrites::after);
                // A pack stores its runs, then draws them: it reads what it wrote.
                config.routes.before("/api/packs", ctx -> Work.current().ifPresent(Work::readPrimary));
            }
            config.routes.after(guard::end);
            config.routes.after(ApiServer::tagContent);
            config.routes.get("/health", system::health);
            // Browsers ask for /favicon.ico on any page that names no icon (packs, API answers): a 404 there is noise
            // in every console, so it points at the viewer's icon.
            config.routes.get("/favicon.ico", ctx -> ctx.redirect("/favicon.svg", HttpStatus.MOVED_PERMANENTLY));
            config.routes.get("/api/version", system::version);
            config.routes.get("/api/viewer-config", system::viewerConfig);
            config.routes.get("/api/layers", layers::list);
            config.routes.get("/api/layers/{name}/withheld", layers::withheld);
            config.routes.get("/api/areas", areas::list);
            config.routes.get("/api/areas/{code}", areas::profile);
            config.routes.get("/api/search", search::search);
            config.routes.get("/api/profile", profiles::named);
            config.routes.post("/api/profile", profiles::drawn);
            config.routes.get("/api/counts", counts::counts);
            config.routes.get("/api/changes", changes::changes);
            config.routes.get("/api/incidents", incidents::list);
            config.routes.get("/api/incidents/summary", incidents::summary);
            config.routes.get("/api/protocols", protocolHandlers::list);
            config.routes.get("/api/protocols/{feed}", protocolHandlers::get);
            config.routes.post("/api/protocols/reload", protocolHandlers::reload);
            config.routes.get("/api/feeds", feeds::list);
            config.routes.get("/api/feeds/{feed}/batches", feeds::batches);
            config.routes.get("/api/feeds/{feed}/batches/{id}", feeds::batchReport);
            config.routes.get("/api/feeds/{feed}/batches/{id}/quarantine", feeds::quarantined);
            config.routes.post("/api/feeds/{feed}/uploads", feeds::upload);
            config.routes.post("/api/hotspots", hotspots::create);
            config.routes.get("/api/hotspots/{id}", hotspots::get);
            config.routes.get("/api/hotspots/{id}/areas", hotspots::areas);
            config.routes.get("/api/hotspots/{id}/surface", hotspots::surface);
            config.routes.post("/api/emerging", hotspots::createEmerging);
            config.routes.get("/api/evaluate", hotspots::evaluate);
            config.routes.get("/api/near-repeat", hotspots::nearRepeat);
            config.routes.get("/api/repeat-locations", hotspots::repeatLocations);
            config.routes.get("/api/exports/runs/{id}/{file}", exports::run);
            config.routes.get("/api/exports/{file}", exports::incidents);
            config.routes.get("/api/packs", packs::get);
            config.routes.get("/api/print", prints::print);
            config.routes.get("/api/actions", actions::list);
            config.routes.post("/api/actions", actions::create);
            config.routes.get("/api/actions/{id}", actions::get);
            config.routes.patch("/api/actions/{id}", actions::update);
            config.routes.get("/api/map-cache", maps::stats);
            config.routes.get("/api/audit", audits::list);
            config.routes.get("/api/audit/usage", audits::usage);
            config.routes.get("/api/retention/reports", audits::retentionReports);
            config.routes.get("/api/retention/reports/{file}", audits::retentionReport);
            config.routes.get("/api/session", session::whoAmI);
            config.routes.post("/api/session", session::signIn);
            config.routes.delete("/api/session", session::signOut);
            config.routes.get("/api/users", users::list);
            config.routes.post("/api/users", users::add);
            config.routes.patch("/api/users/{login}", users::update);
            config.routes.get("/api/tokens", tokens::list);
            config.routes.post("/api/tokens", tokens::create);
            config.routes.delete("/api/tokens/{id}", tokens::revoke);
            config.routes.get("/wms", maps::wms);
            config.routes.get("/tiles/{layer}/{z}/{x}/{file}", maps::tile);
            config.routes.get("/wmts", maps::wmts);
            config.routes.get("/wmts/{layer}/<rest>", maps::wmtsRest);
            config.routes.before(FeatureHandlers.ROOT, FeatureHandlers::cacheRules);
            config.routes.before(FeatureHandlers.ROOT + "/*", FeatureHandlers::cacheRules);
            config.routes.get(FeatureHandlers.ROOT, features::landing);
            config.routes.get(FeatureHandlers.ROOT + "/conformance", features::conformance);
            config.routes.get(FeatureHandlers.ROOT + "/api", features::openApi);
            config.routes.get(FeatureHandlers.ROOT + "/collections", features::collections);
            config.routes.get(FeatureHandlers.ROOT + "/collections/{id}", features::collection);
            config.routes.get(FeatureHandlers.ROOT + "/collections/{id}/queryables", features::queryables);
            config.routes.get(FeatureHandlers.ROOT + "/collections/{id}/items", features::items);
            config.routes.get(FeatureHandlers.ROOT + "/collections/{id}/items/{featureId}", features::item);
            IdentityAudit identityAudit = new IdentityAudit(audit);
            config.routes.after("/api/session", identityAudit::after);
            config.routes.after("/api/users", identityAudit::after);
            config.routes.after("/api/users/*", identityAudit::after);
            config.routes.after("/api/tokens", identityAudit::after);
            config.routes.after("/api/tokens/*", identityAudit::after);
            config.routes.after("/api/feeds/*", maps::changed);
            config.routes.after("/api/hotspots", maps::changed);
            config.routes.after("/api/emerging", maps::changed);
        });
    }

    /**
     * A strong, quoted ETag for a GET answer held in memory that has none of its own (tiles and maps set theirs).
     * Javalin answers 304 when the request's {@code If-None-Match} is that tag, before anything is written.
     */
    private static void tagContent(Context ctx) {
        if (ctx.method() != HandlerType.GET
                || ctx.status().getCode() != 200
                || ctx.res().getHeader("ETag") != null
                || !(ctx.resultInputStream() instanceof ByteArrayInputStream body)) {
            return;
        }
        CRC32C crc = new CRC32C();
        crc.update(body.readAllBytes());
        body.reset();
        ctx.header("ETag", "\"" + Long.toHexString(crc.getValue()) + "-" + Long.toHexString(body.available()) + "\"");
    }

    private static void configure(JavalinConfig config, Access access, RequestGuard guard, ServingDataSource ds) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        // Javalin's own ETags are bare numbers, which HTTP does not allow (RFC 9110 8.8.3): tagContent quotes them.
        config.http.generateEtags = false;
        config.http.prefer405over404 = true;
        config.jsonMapper(new JavalinJackson()
                .updateMapper(m -> m.registerModule(new JavaTimeModule())
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)));
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/safemap-web";
            files.location = Location.CLASSPATH;
        });
        config.staticFiles.enableWebjars();
        // Running requests are drained (or stopped) before Jetty stops (RequestGuard.drain): whatever is left then
        // has a second, so the process is gone within 10 s of SIGTERM.
        AtomicReference<Server> jetty = new AtomicReference<>();
        config.jetty.modifyServer(server -> {
            server.setStopTimeout(1_000);
            server.setErrorHandler(new ErrorPages());
            jetty.set(server);
        });
        config.events.serverStopping(() -> {
            // Stop taking connections, let running requests finish or stop them, then close what is left (idle
            // keep-alive connections), so Jetty's own stop has nothing to wait for.
            Server server = jetty.get();
            if (server != null) {
                stopAccepting(server);
            }
            guard.drain();
            if (server != null) {
                for (Connector c : server.getConnectors()) {
                    c.getConnectedEndPoints().forEach(EndPoint::close);
                }
            }
        });
        // WMS clients send SLD_BODY in the query string: room for the largest one the map service accepts (64 KB,
        // URL-encoded), so an over-long style gets an OGC exception, not a bare 414.
        config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(256 * 1024));
        config.requestLogger.http(ApiServer::logRequest);

        config.routes.exception(Exception.class, (e, ctx) -> failure(ctx, e, access, guard, ds));
        // Javalin answers its own (404, 405, 413 ...) in plain text unless this class has a handler of its own.
        config.routes.exception(HttpResponseException.class, (e, ctx) -> failure(ctx, e, access, guard, ds));
        config.routes.error(404, "*", ctx -> {
            if (ctx.resultInputStream() == null) {
                error(ctx, ErrorCode.NOT_FOUND, "nothing at " + ctx.method() + " " + ctx.path());
            }
        });
        config.routes.error(405, "*", ctx -> {
            if (ctx.resultInputStream() == null) {
                error(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.method() + " is not allowed on " + ctx.path());
            }
        });
    }

    /** Closes the listening sockets at once: a stopping server takes no new connections while it drains. */
    private static void stopAccepting(Server server) {
        for (Connector c : server.getConnectors()) {
            c.shutdown();
        }
    }

    /**
     * Every failure leaves here as the one error shape (an OGC report on /wms), with the right status: a stopped
     * request as 503, the database gone as 503 {@code database_unavailable} (never the driver's text), bad input as
     * 4xx, and only a defect as 500.
     */
    private static void failure(Context ctx, Exception e, Access access, RequestGuard guard, ServingDataSource ds) {
        RequestBodies.discard(ctx, guard.maxBodyBytes() + 65_536);
        Work.Reason stopped = stoppedBy(e);
        if (stopped != null) {
            switch (stopped) {
                case SHUTDOWN -> {
                    ctx.header("Connection", "close");
                    retryLater(ctx, ErrorCode.SHUTTING_DOWN, "the server is shutting down; try again in a moment", 10);
                }
                case DEADLINE ->
                    retryLater(
                            ctx,
                            ErrorCode.TIMEOUT,
                            "the request took longer than the server gives one "
                                    + "request (SAFEMAP_REQUEST_TIMEOUT_S); ask for less (a shorter period, a smaller area) or "
                                    + "try again later",
                            10);
                case CLIENT_GONE -> error(ctx, ErrorCode.CLIENT_GONE, "the client closed the connection");
                default -> internalError(ctx, e);
            }
            return;
        }
        org.eclipse.jetty.http.HttpException unreadable = badMessage(e);
        if (unreadable != null) {
            int status = unreadable.getCode() >= 400 && unreadable.getCode() < 500 ? unreadable.getCode() : 400;
            String reason = unreadable.getReason() == null ? "it ends early or is malformed" : unreadable.getReason();
            error(ctx, status, ErrorCode.ofStatus(status), "the request could not be read: " + reason);
            return;
        }
        if (databaseLost(e)) {
            ds.watch().check();
            retryLater(ctx, ErrorCode.DATABASE_UNAVAILABLE, "the database does not answer; try again shortly", 5);
            return;
        }
        if (e instanceof ApiException a) {
            if (!a.code().shownToClient()) {
                internalError(ctx, e);
            } else if (a.retryAfterSeconds() > 0) {
                retryLater(ctx, a.code(), a.getMessage(), a.retryAfterSeconds());
            } else {
                error(ctx, a.code(), a.getMessage());
            }
        } else if (e instanceof SafemapException se) {
            ErrorCode code = se.code();
            if (se instanceof FeedRefusal || code == ErrorCode.WITHHELD || code == ErrorCode.FORBIDDEN) {
                try {
                    access.auditRefusal(ctx, se.getMessage(), se instanceof FeedRefusal r ? r.feeds() : List.of());
                } catch (SafemapException auditFailure) {
                    LOG.error("could not audit a refusal on {}: {}", ctx.path(), auditFailure.getMessage());
                }
            }
            if (code == ErrorCode.UNAUTHORISED && Principals.of(ctx).anonymous()) {
                // Credentials that do not check out cost the sender's address like any anonymous request.
                try {
                    guard.charge(ctx);
                } catch (ApiException limited) {
                    retryLater(ctx, limited.code(), limited.getMessage(), limited.retryAfterSeconds());
                    return;
                }
            }
            if (!code.shownToClient()) {
                internalError(ctx, e);
            } else if (code.fault() == ErrorCode.Fault.TEMPORARY) {
                retryLater(ctx, code, se.getMessage(), 5);
            } else {
                error(ctx, code, se.getMessage());
            }
        } else if (e instanceof HttpResponseException h) {
            String message = switch (h.getStatus()) {
                case 404 -> "nothing at " + ctx.method() + " " + ctx.path();
                case 405 -> ctx.method() + " is not allowed on " + ctx.path();
                case 413 -> "the request body is larger than the server accepts (SAFEMAP_MAX_BODY_KB)";
                default -> h.getMessage();
            };
            if (h.getStatus() >= 500) {
                internalError(ctx, e);
            } else {
                error(ctx, h.getStatus(), ErrorCode.ofStatus(h.getStatus()), message);
            }
        } else {
            internalError(ctx, e);
        }
    }

    /**
     * Jetty's verdict that the request itself is broken (a bad chunk, a body that ends early, a malformed multipart),
     * met while a handler read it; Javalin passes these on undeclared.
     */
    private static org.eclipse.jetty.http.HttpException badMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jetty.http.HttpException h) {
                return h;
            }
        }
        return null;
    }

    /** Why the request's work was stopped, if it was: a {@link Work.Stopped} anywhere in the chain. */
    private static Work.Reason stoppedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Work.Stopped s) {
                return s.reason();
            }
        }
        // A statement cancelled by the watchdog fails with the driver's "canceling statement" error instead.
        return Work.current().map(Work::stopped).orElse(null);
    }

    /**
     * Whether {@code e} comes from losing the database: a connection failure (SQL state class 08), the server shutting
     * down or crashing (57P01 to 57P03) or refusing connections (53300), anywhere in the chain.
     */
    static boolean databaseLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException x = sql; x != null; x = x.getNextException()) {
                    String state = x.getSQLState();
                    if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"))) {
                        return true;
                    }
                }
            }
            if (t instanceof DatabaseUnavailableException) {
                return true;
            }
        }
        return false;
    }

    private static void retryLater(Context ctx, ErrorCode code, String message, long seconds) {
        ctx.header("Retry-After", Long.toString(seconds));
        error(ctx, code, message);
    }

    private static void error(Context ctx, ErrorCode code, String message) {
        error(ctx, code.status(), code, message);
    }

    /**
     * The one error shape; on /wms an OGC ServiceExceptionReport of the client's WMS version instead, on /wmts an OWS
     * ExceptionReport. {@code status}
     * differs from the code's only for the HTTP server's own refusals (414 and 431 are {@code too_large}).
     */
    private static void error(Context ctx, int status, ErrorCode code, String message) {
        // A refusal is no answer to keep: a tile sets its cache headers before it waits for a drawing slot, and a
        // browser that kept the 429 under them would show the gap for a minute, however often the tile was asked for.
        ctx.header("Cache-Control", "no-store");
        String ogcCode = status == 429 || status == 503
                ? "ServerBusy"
                : status == 400 || status == 413 ? "InvalidParameterValue" : "NoApplicableCode";
        if (ctx.path().equals("/wmts") || ctx.path().startsWith("/wmts/")) {
            ctx.status(status)
                    .contentType(WmtsService.OWS_REPORT_TYPE)
                    .result(WmtsService.owsReport(new OgcException(ogcCode, null, message)));
            return;
        }
        if (ctx.path().equals("/wms")) {
            String xml = ExceptionReport.xml(
                    new OgcException(ogcCode, null, message),
                    "1.1.1".equals(wmsParameter(ctx, "VERSION")) ? WmsVersion.V1_1_1 : WmsVersion.V1_3_0);
            ctx.status(status).contentType("text/xml; charset=UTF-8").result(xml);
            return;
        }
        ctx.status(status).json(new ApiError(code.wire(), message));
    }

    /** A WMS parameter, its name in any case (WMS names are case-insensitive). */
    static String wmsParameter(Context ctx, String name) {
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** The months holding records, for clipping periods ({@link PeriodLimit}); empty before any load. */
    private static Optional<YearMonth[]> dataMonths(MapState state) {
        return state.firstMonth() == null
                ? Optional.empty()
                : Optional.of(new YearMonth[] {state.firstMonth(), state.lastMonth()});
    }

    /**
     * A defect or a setup fault: the client gets {@code internal_error} and a reference, never the exception's text
     * (a driver's message can quote SQL and data); the log gets the stack trace under the same reference.
     */
    private static void internalError(Context ctx, Exception e) {
        error(ctx, ErrorCode.INTERNAL_ERROR, internalMessage(logDefect(ctx.method() + " " + ctx.path(), e)));
    }

    /** Logs {@code e} with its stack trace under a new short random reference, and returns the reference. */
    static String logDefect(String where, Throwable e) {
        String ref = ErrorCode.newReference();
        ErrorCode code = e instanceof SafemapException se ? se.code() : ErrorCode.INTERNAL_ERROR;
        LOG.error("internal error {} on {} ({})", ref, where, code.wire(), e);
        return ref;
    }

    /** What a client is told of a defect: its reference in the log, nothing else. */
    static String internalMessage(String ref) {
        return "unexpected error (reference " + ref + "); the server log has the details";
    }

    private static void logRequest(Context ctx, Float ms) {
        String query = ctx.queryString();
        String shown = query == null ? "" : "?" + redact(query);
        LOG.info(
                "{} {}{} {} {}ms",
                ctx.method(),
                ctx.path(),
                shown,
                ctx.statusCode(),
                String.format(Locale.ROOT, "%.1f", ms));
    }

    /** Replaces the values of secret-looking parameters with ***. */
    static String redact(String query) {
        // Parameter by parameter, so the cost is linear in the query's length whatever it holds.
        StringBuilder out = new StringBuilder(Math.min(query.length(), LOGGED_QUERY_CHARS + 16));
        for (String pair : query.split("&", -1)) {
            if (out.length() > LOGGED_QUERY_CHARS) {
                out.append("&...");
                break;
            }
            if (out.length() > 0) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (eq >= 0 && name.length() < 100 && SECRET_NAME.matcher(name).matches()) {
                out.append(name).append("=***");
            } else {
                out.append(pair, 0, Math.min(pair.length(), LOGGED_QUERY_CHARS));
            }
        }
        return out.toString();
    }
}
