package org.safemap.api;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.SafemapException;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.FeedDefinition;
import org.safemap.sharing.DisclosureLevel;
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

    Access(Policy policy, FeedCatalog feeds) {
        this.policy = policy;
        this.feeds = feeds;
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
    Map<String, Integer> reducedGrids(Context ctx, List<String> names) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String f : names) {
            if (policy.level(Principals.of(ctx), f) == DisclosureLevel.REDUCED) {
                out.put(f, policy.protocols().require(f).precisionM());
            }
        }
        return out;
    }

    List<String> allFeeds() {
        List<String> names = new ArrayList<>();
        for (FeedDefinition f : feeds.all()) {
            names.add(f.name());
        }
        return names;
    }

    static SafemapException withheld(Principal who, String feed, DisclosureLevel needed, String what) {
        return new SafemapException("withheld", what + " needs feed '" + feed + "' at " + needed.key()
                + " level, which its data-sharing protocol does not give " + (who.anonymous()
                ? "the public; sign in if your role allows more" : who.describe()
                + (who.purpose() == null ? " without a declared purpose" : " for the purpose '" + who.purpose() + "'"))
                + " (see GET /api/protocols/" + feed + ")");
    }
}
