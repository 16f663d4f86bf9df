package org.safemap.api;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.FeedDefinition;
import org.safemap.sharing.AuditEvent;
import org.safemap.sharing.AuditLog;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.FeedRefusal;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;

/**
 * The policy as the JSON handlers use it: which feeds a request may draw on, at which level. A feed the request
 * names but may not see is refused by name (403 withheld), so nobody mistakes a withheld feed for an empty one; when
 * no feed is named, the request silently draws on the feeds it may see, as the default "all feeds" means.
 */
final class Access {
    private final Policy policy;
    private final FeedCatalog feeds;
    private final AuditLog audit;
    private final org.safemap.map.LayerCatalogue catalogue;

    Access(Policy policy, FeedCatalog feeds, AuditLog audit, org.safemap.map.LayerCatalogue catalogue) {
        this.policy = policy;
        this.feeds = feeds;
        this.audit = audit;
        this.catalogue = catalogue;
    }

    /**
     * Records an answer that drew on restricted data (a feed whose protocol shows the public less than points) in
     * the audit log, before the answer is sent. Answers from open feeds only are not recorded: the public may see
     * them record by record, and the log stays about what partners shared.
     *
     * @param action dotted, e.g. api.incidents (see {@link AuditEvent#action})
     * @param used   feeds the answer drew on
     * @param size   records, rows or cells returned
     */
    void audit(Context ctx, String action, Collection<String> used, long size) {
        if (!restricted(used)) {
            return;
        }
        audit.record(AuditEvent.of(Principals.of(ctx), action, AuditEvent.resource(ctx.path(), ctx.queryParamMap()))
                .feeds(used)
                .resultSize(size));
    }

    /** Records an access to a feed's records as sent, whether or not its protocol restricts it. */
    void auditAlways(Context ctx, String action, Collection<String> used, long size, boolean references) {
        audit.record(AuditEvent.of(Principals.of(ctx), action, AuditEvent.resource(ctx.path(), ctx.queryParamMap()))
                .feeds(used)
                .resultSize(size)
                .detail("references", references));
    }

    /**
     * Records a refusal (403 withheld or forbidden, or 401 for a request that needs a login): refusals show attempts
     * on restricted data. The feeds the refusal is about are recorded with it, so it counts in each owning partner's
     * usage report, whoever asked (anonymous requests included).
     */
    void auditRefusal(Context ctx, String reason, Collection<String> feeds) {
        audit.record(AuditEvent.of(
                        Principals.of(ctx),
                        "api.refused",
                        ctx.method() + " " + AuditEvent.resource(ctx.path(), ctx.queryParamMap()))
                .feeds(feeds)
                .refused(reason));
    }

    /** Of {@code feeds}, those the request's principal may see only below {@code min}: what a refusal is about. */
    List<String> below(Context ctx, Collection<String> feeds, DisclosureLevel min) {
        List<String> out = new ArrayList<>();
        for (String f : feeds) {
            if (!policy.level(Principals.of(ctx), f).atLeast(min)) {
                out.add(f);
            }
        }
        return out;
    }

    boolean restricted(Collection<String> used) {
        return policy.restricted(used);
    }

    Policy policy() {
        return policy;
    }

    /**
     * The feeds a request may use at {@code min} or better: those it names, or when it names none, every feed.
     *
     * @throws SafemapException withheld (403) naming a requested feed the principal may not see at {@code min}
     */
    List<String> feeds(Context ctx, List<String> requested, DisclosureLevel min, String what) {
        Principal who = Principals.of(ctx);
        if (requested.isEmpty()) {
            return policy.feedsAtLeast(who, allFeeds(), min);
        }
        List<String> out = new ArrayList<>();
        for (String f : requested) {
            if (feeds.find(f).isEmpty()) {
                throw ApiException.badRequest("no feed '" + f + "'; the feeds are " + feeds.names());
            }
            if (!policy.level(who, f).atLeast(min)) {
                throw withheld(who, f, min, what);
            }
            if (!out.contains(f)) {
                out.add(f);
            }
        }
        return out;
    }

    /** Each feed's level for the request's principal. */
    Map<String, DisclosureLevel> levels(Context ctx, List<String> names) {
        return policy.levels(Principals.of(ctx), names);
    }

    /** Feeds the principal sees at exactly {@code level}, with their protocol's grid (for reduced points). */
    Map<String, org.safemap.map.IncidentPoints.Reduced> reduced(Context ctx, List<String> names) {
        Map<String, org.safemap.map.IncidentPoints.Reduced> out = new LinkedHashMap<>();
        for (String f : names) {
            if (policy.level(Principals.of(ctx), f) == DisclosureLevel.REDUCED) {
                org.safemap.sharing.Protocol p = policy.protocols().require(f);
                out.put(f, new org.safemap.map.IncidentPoints.Reduced(p.precisionM(), p.reduced()));
            }
        }
        return out;
    }

    /** A catalogue layer by name, or null (the map's audit names layers it was told about). */
    org.safemap.map.LayerCatalogue.Layer catalogueLayer(String name) {
        return catalogue == null ? null : catalogue.layer(name);
    }

    List<String> allFeeds() {
        List<String> names = new ArrayList<>();
        for (FeedDefinition f : feeds.all()) {
            names.add(f.name());
        }
        return names;
    }

    static SafemapException withheld(Principal who, String feed, DisclosureLevel needed, String what) {
        return new FeedRefusal(
                ErrorCode.WITHHELD,
                what + " needs feed '" + feed + "' at " + needed.key()
                        + " level, which its data-sharing protocol does not give "
                        + (who.anonymous()
                                ? "the public; sign in if your role allows more"
                                : who.describe()
                                        + (who.purpose() == null
                                                ? " without a declared purpose"
                                                : " for the purpose '" + who.purpose() + "'"))
                        + " (see GET /api/protocols/" + feed + ")",
                List.of(feed));
    }
}
