package org.safemap.api;

import io.javalin.http.Context;
import java.util.Set;
import javax.sql.DataSource;
import org.safemap.db.ReplicaReads;
import org.safemap.map.WmsService;

/**
 * An uploader sees its own writes whichever server behind the balancer answers next, though map reads come from a
 * replica that may lag. A request that changed something (any method but GET, HEAD and OPTIONS, answered below 400)
 * gets cookie {@value #COOKIE} with the primary's WAL position after it; a request carrying that cookie, on any
 * server, makes that server read nothing older ({@link ReplicaReads#require}): from the primary until the replica
 * has replayed that far, its map state re-read at once. Without a read replica this does nothing.
 *
 * <p>The cookie holds no secret (a WAL position), lives five minutes (far beyond any healthy replica's lag) and is
 * HttpOnly and SameSite=Strict like the session's.
 */
final class ReadYourWrites {
    static final String COOKIE = "safemap_lsn";
    private static final int MAX_AGE_S = 300;
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final ReplicaReads reads;
    private final DataSource primary;
    private final WmsService wms;
    private final String cookieSecure;

    ReadYourWrites(ReplicaReads reads, WmsService wms, String cookieSecure) {
        this.reads = reads;
        this.primary = ReplicaReads.primaryOf(reads);
        this.wms = wms;
        this.cookieSecure = cookieSecure;
    }

    /** Before every request: a client that has seen a write is not shown anything older. */
    void before(Context ctx) {
        String seen = ctx.cookie(COOKIE);
        if (seen == null) {
            return;
        }
        long lsn;
        try {
            lsn = ReplicaReads.parseLsn(seen);
        } catch (IllegalArgumentException e) {
            return; // not ours to refuse: the cookie only ever speeds things up
        }
        if (!reads.caughtUp(lsn)) {
            reads.require(lsn);
            wms.invalidate();
        }
    }

    /** After every request: one that wrote tells its client how far the primary had got. */
    void after(Context ctx) {
        if (READS.contains(ctx.method().name()) || ctx.statusCode() >= 400) {
            return;
        }
        String lsn;
        try {
            lsn = ReplicaReads.formatLsn(ReplicaReads.primaryLsn(primary));
        } catch (RuntimeException e) {
            return; // the primary went away after the write: the data-change listener covers it
        }
        ctx.res()
                .addHeader(
                        "Set-Cookie",
                        COOKIE + "=" + lsn + "; Max-Age=" + MAX_AGE_S + "; Path=/; HttpOnly; SameSite=Strict"
                                + (SessionCookie.secure(ctx, cookieSecure) ? "; Secure" : ""));
    }
}
