package org.safemap.api;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.safemap.SafemapException;
import org.safemap.areas.AreaProfiles;
import org.safemap.areas.AreaQueries;
import org.safemap.areas.DrawnAreas;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.db.DatabaseUnavailableException;
import org.safemap.export.Exports;
import org.safemap.ingest.Catalogues;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.FeedReports;
import org.safemap.ingest.IncidentLoader;
import org.safemap.ingest.Quarantine;
import org.safemap.ingest.ReloadRequests;
import org.safemap.map.IncidentPoints;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.LayerSources;
import org.safemap.map.TileCache;
import org.safemap.map.TileService;
import org.safemap.map.WmsService;
import org.safemap.pack.PackService;
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
    /** Logged queries are cut here: a WMS SLD_BODY can be 64 KB, and a log line should stay a line. */
    private static final int LOGGED_QUERY_CHARS = 2000;

    private ApiServer() {
    }

    /** Builds the server; call {@code start(host, port)} on the result. */
    public static Javalin create(Settings settings, Database db, LayerCatalogue catalogue) {
        return create(settings, db, catalogue, null);
    }

    /**
     * Builds the server. Who each request comes from is established before any route runs: by the server's own
     * sign-in ({@link Credentials}: API tokens, Basic with a token, the viewer's session), or, when a test passes
     * one, by {@code override} in its place.
     */
    public static Javalin create(Settings settings, Database db, LayerCatalogue catalogue, Authenticator override) {
        return create(settings, db, catalogue, override, FeedCatalog.load(settings.feedsDir()),
                ProtocolCatalog.load(settings.trust().protocolsDir()));
    }

    /**
     * As {@link #create(Settings, Database, LayerCatalogue, Authenticator)}, with the feed and protocol catalogues the
     * caller holds: a reload ({@code POST /api/protocols/reload}, {@code safemap protocols reload}) swaps their
     * contents in place, so whatever else the caller gave them to (the retention purge) sees it too.
     */
    public static Javalin create(Settings settings, Database db, LayerCatalogue catalogue, Authenticator override,
                                 FeedCatalog feedCatalog, ProtocolCatalog protocols) {
        SystemHandlers system = new SystemHandlers(db, settings);
        AreaProfiles areaProfiles = new AreaProfiles(db.dataSource());
        AreaHandlers areas = new AreaHandlers(new AreaQueries(db.dataSource()), areaProfiles);
        ProtocolRegistry protocolRegistry = new ProtocolRegistry(db.dataSource());
        protocolRegistry.sync(protocols);
        Policy policy = new Policy(protocols);
        AuditLog audit = AuditLog.open(settings, db.dataSource(), protocols);
        Catalogues catalogues = new Catalogues(feedCatalog, protocols, protocolRegistry, audit);
        ProtocolHandlers protocolHandlers = new ProtocolHandlers(policy, protocolRegistry, catalogues);
        Access access = new Access(policy, feedCatalog, audit, catalogue);
        IncidentHandlers incidents = new IncidentHandlers(new IncidentPoints(db.dataSource()), access);
        LinkageSeal seal = new LinkageSeal(Keys.linkage(settings));
        FeedHandlers feeds = new FeedHandlers(feedCatalog, new FeedReports(db.dataSource()),
                new Quarantine(db.dataSource()), IncidentLoader.configured(db.dataSource(), settings, protocols),
                settings.uploadMaxMb(), access, seal);
        HotspotHandlers hotspots = new HotspotHandlers(new HotspotRunner(db.dataSource()),
                new EmergingRunner(db.dataSource()), new EvaluateRunner(db.dataSource()),
                new NearRepeats(db.dataSource()), new RunStore(db.dataSource()),
                new AreaResults(db.dataSource()), access);
        ExportHandlers exports = new ExportHandlers(new Exports(db.dataSource(), feedCatalog, policy), access);

        WmsService wms = WmsService.forStore(catalogue, db.dataSource(), policy,
                ProtectedCounts.Geography.parse(settings.trust().protectedGeography()), settings.map().wmsMaxSize(),
                settings.map().wmsMaxSize(), 1000);
        ProfileHandlers profiles = new ProfileHandlers(db.dataSource(), areaProfiles,
                new DrawnAreas(db.dataSource()), new IncidentProfiles(db.dataSource()),
                new Sources(db.dataSource(), feedCatalog), access, new ProtectedProfile(wms));
        LayerSources layerSources = new LayerSources(db.dataSource(), wms, policy, feedCatalog);
        LayerHandlers layers = new LayerHandlers(wms, access, feedCatalog, layerSources);
        CountHandlers counts = new CountHandlers(wms, access);
        TileCache tileCache = new TileCache(settings.map().tileMemoryMb() * 1024L * 1024L,
                settings.map().tileDiskMb() * 1024L * 1024L, settings.varDir().resolve("tiles"));
        MapAudit mapAudit = new MapAudit(access, audit, layerSources);
        MapHandlers maps = new MapHandlers(wms, new TileService(wms, tileCache), mapAudit);
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
        reloads.scheduleWithFixedDelay(() -> reloadRequests.poll(catalogues), 0, ReloadRequests.POLL_SECONDS,
                TimeUnit.SECONDS);
        PackHandlers packs = new PackHandlers(new PackService(db.dataSource(), feedCatalog, wms, policy), access);
        AuditHandlers audits = new AuditHandlers(policy, audit,
                new UsageReports(db.dataSource(), policy, java.time.Clock.systemUTC()), RetentionReports.of(settings));
        Identity identity = Identity.create(db.dataSource(), settings, protocols);
        String cookieSecure = settings.trust().cookieSecure();
        SessionHandlers session = new SessionHandlers(identity, cookieSecure,
                new ClientAddress(settings.trust().trustedProxies()));
        UserHandlers users = new UserHandlers(identity, policy);
        TokenHandlers tokens = new TokenHandlers(identity, policy);
        Handler authentication = override != null ? ctx -> Principals.set(ctx, override.principal(ctx))
                : new Credentials(identity, cookieSecure);

        return Javalin.create(config -> {
            configure(config, access);
            config.events.serverStopping(() -> {
                reloads.shutdown();
                auditFlush.shutdown();
                mapAudit.flush();
            });
            config.jetty.multipartConfig.maxFileSize(settings.uploadMaxMb(), SizeUnit.MB);
            // The whole request may carry a little more than one file: part headers and boundaries.
            config.jetty.multipartConfig.maxTotalRequestSize(settings.uploadMaxMb() + 1L, SizeUnit.MB);
            config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            config.routes.before(authentication);
            config.routes.get("/health", system::health);
            config.routes.get("/api/version", system::version);
            config.routes.get("/api/viewer-config", system::viewerConfig);
            config.routes.get("/api/layers", layers::list);
            config.routes.get("/api/areas", areas::list);
            config.routes.get("/api/areas/{code}", areas::profile);
            config.routes.get("/api/profile", profiles::named);
            config.routes.post("/api/profile", profiles::drawn);
            config.routes.get("/api/counts", counts::counts);
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

    private static void configure(JavalinConfig config, Access access) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.generateEtags = true;
        config.http.prefer405over404 = true;
        config.jsonMapper(new JavalinJackson().updateMapper(m -> m
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)));
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/safemap-web";
            files.location = Location.CLASSPATH;
        });
        config.staticFiles.enableWebjars();
        // Stop accepting, then give running requests up to 10 s to finish.
        config.jetty.modifyServer(server -> server.setStopTimeout(10_000));
        // WMS clients send SLD_BODY in the query string: room for the largest one the map service accepts (64 KB,
        // URL-encoded), so an over-long style gets an OGC exception, not a bare 414.
        config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(256 * 1024));
        config.requestLogger.http(ApiServer::logRequest);

        config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        config.routes.exception(DatabaseUnavailableException.class,
                (e, ctx) -> error(ctx, 503, e.code(), e.getMessage()));
        config.routes.exception(SafemapException.class, (e, ctx) -> {
            if (e instanceof FeedRefusal || e.code().equals("withheld") || e.code().equals("forbidden")) {
                try {
                    access.auditRefusal(ctx, e.getMessage(), e instanceof FeedRefusal r ? r.feeds() : List.of());
                } catch (SafemapException auditFailure) {
                    LOG.error("could not audit a refusal on {}: {}", ctx.path(), auditFailure.getMessage());
                }
            }
            error(ctx, statusOf(e.code()), e.code(), e.getMessage());
        });
        config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), codeOf(e.getStatus()),
                e.getStatus() == 405 ? ctx.method() + " is not allowed on " + ctx.path() : e.getMessage()));
        config.routes.exception(SQLException.class, (e, ctx) -> {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                error(ctx, 503, "database_unavailable", "the database does not answer; try again shortly");
            } else {
                internalError(ctx, e);
            }
        });
        config.routes.exception(Exception.class, (e, ctx) -> internalError(ctx, e));
        config.routes.error(404, "*", ctx -> {
            if (ctx.resultInputStream() == null) {
                error(ctx, 404, "not_found", "nothing at " + ctx.method() + " " + ctx.path());
            }
        });
        config.routes.error(405, "*", ctx -> {
            if (ctx.resultInputStream() == null) {
                error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path());
            }
        });
    }

    private static void error(Context ctx, int status, String code, String message) {
        ctx.status(status).json(new ApiError(code, message));
    }

    /** Unexpected: the client gets a reference, the log gets the stack trace under the same reference. */
    private static void internalError(Context ctx, Exception e) {
        String ref = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("internal error {} on {} {}", ref, ctx.method(), ctx.path(), e);
        error(ctx, 500, "internal_error", "unexpected error (reference " + ref + "); the server log has the details");
    }

    static int statusOf(String code) {
        return switch (code) {
            case "bad_request", "bad_input", "bad_style", "bad_points" -> 400;
            case "unauthorised" -> 401;
            case "forbidden", "no_protocol", "withheld" -> 403;
            case "not_found", "file_not_found" -> 404;
            case "conflict" -> 409;
            case "too_many_requests" -> 429;
            case "audit_failed" -> 503;
            case "database_unavailable" -> 503;
            default -> 500;
        };
    }

    private static String codeOf(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorised";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "too_large";
            case 415 -> "unsupported_media_type";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
    }

    private static void logRequest(Context ctx, Float ms) {
        String query = ctx.queryString();
        String shown = query == null ? "" : "?" + redact(query);
        LOG.info("{} {}{} {} {}ms", ctx.method(), ctx.path(), shown, ctx.statusCode(), String.format(Locale.ROOT, "%.1f", ms));
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
