package org.safemap.api;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safemap.AppVersion;
import org.safemap.ErrorCode;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.db.DatabaseWatch;

/** /health, /api/version and /api/viewer-config. */
final class SystemHandlers {
    private final Database db;
    private final DatabaseWatch watch;
    private final Settings settings;
    private final String schemaVersion;

    SystemHandlers(Database db, DatabaseWatch watch, Settings settings) {
        this.db = db;
        this.watch = watch;
        this.settings = settings;
        // Migrations run only at start, so the version read once stays true (and /health needs no pool).
        this.schemaVersion = db.schemaVersion();
    }

    /**
     * 200 when the database answers, 503 (with the standard error fields) when it does not. It asks on the watch's
     * own connection, never the pool's, so it answers within about a second however busy the server is.
     */
    void health(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean up = watch.check();
        if (up) {
            body.put("status", "ok");
            body.put("database", "reachable");
            body.put("schemaVersion", schemaVersion);
            ctx.status(200);
        } else {
            body.put("status", "unavailable");
            body.put("database", "unreachable");
            body.put("error", ErrorCode.DATABASE_UNAVAILABLE.wire());
            body.put("message", "the database at " + db.target().description() + " does not answer");
            ctx.status(503);
        }
        ctx.header("Cache-Control", "no-store");
        ctx.json(body);
    }

    void version(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "SafeMap");
        body.put("version", AppVersion.current());
        body.put("java", Runtime.version().toString());
        body.put("postgresql", db.serverVersion());
        body.put("postgis", db.postgisVersion());
        body.put("schemaVersion", schemaVersion);
        ctx.json(body);
    }

    /**
     * What the viewer needs before it draws: the basemaps its switcher offers (the first is shown; an empty list:
     * none), and the upload limit in MB, so a custodian is told a file is too large before sending it rather than
     * after.
     */
    void viewerConfig(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("basemaps", settings.basemaps());
        body.put("uploadMaxMb", settings.uploadMaxMb());
        ctx.json(body);
    }
}
