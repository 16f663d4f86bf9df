package org.safemap.sharing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * The one component that decides what a principal may see. Every path (JSON API, WMS, tiles, exports, packs, CLI)
 * asks here, so a rule changes in one place; nothing else compares roles or reads protocol audiences.
 *
 * <p>A feed's level comes from its protocol ({@link Protocol#levelFor}); a feed without a protocol is invisible to
 * everyone. A result drawing on several feeds includes each only as far as its own level allows: points paths take
 * feeds at {@link DisclosureLevel#REDUCED} or better (reduced ones generalised), aggregate paths take feeds at
 * {@link DisclosureLevel#AGGREGATES} or better, each partner's feeds the principal may not see as points counted in
 * that partner's own published tables ({@link #sharingGroups}, {@link ProtectedCounts}).
 */
public final class Policy {
    private final ProtocolCatalog protocols;

    public Policy(ProtocolCatalog protocols) {
        this.protocols = protocols;
    }

    public ProtocolCatalog protocols() {
        return protocols;
    }

    public DisclosureLevel level(Principal who, String feed) {
        return protocols.find(feed).map(p -> p.levelFor(who)).orElse(DisclosureLevel.NONE);
    }

    /** Each feed's level for {@code who}, in the order given. */
    public Map<String, DisclosureLevel> levels(Principal who, Collection<String> feeds) {
        Map<String, DisclosureLevel> out = new LinkedHashMap<>();
        for (String f : feeds) {
            out.put(f, level(who, f));
        }
        return out;
    }

    /** Each of {@code feeds}' level for {@code who}, as one value the map paths and count tables are shaped by. */
    public FeedView view(Principal who, Collection<String> feeds) {
        return new FeedView(levels(who, feeds));
    }

    /**
     * The rule a density surface applies to {@code restricted} feeds' records: their contribution is drawn only where
     * at least this many of them lie within the kernel's reach (the largest {@code density_min_points} among them).
     */
    public int densityMinPoints(Collection<String> restricted) {
        int k = 1;
        for (String f : restricted) {
            k = Math.max(k, protocols.require(f).densityMinPoints());
        }
        return k;
    }

    /** The grid a reduced-precision feed's points are generalised to, metres. */
    public int precisionM(String feed) {
        return protocols.require(feed).precisionM();
    }

    /** The feeds among {@code feeds} that {@code who} may see at {@code min} or better, in the order given. */
    public List<String> feedsAtLeast(Principal who, Collection<String> feeds, DisclosureLevel min) {
        List<String> out = new ArrayList<>();
        for (String f : feeds) {
            if (level(who, f).atLeast(min)) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * The {@link SharingGroup}s of {@code feeds} (those with a protocol), in order of their first feed: feeds whose
     * protocols name the same partner and agree on audiences, purposes and small-number rule, so that every principal
     * sees all of a group's feeds at one level. Counts of restricted feeds are published one table per group.
     */
    public List<SharingGroup> sharingGroups(Collection<String> feeds) {
        Map<List<Object>, List<String>> byTerms = new LinkedHashMap<>();
        Map<List<Object>, Protocol> first = new LinkedHashMap<>();
        for (String f : new java.util.TreeSet<>(feeds)) {
            Protocol p = protocols.find(f).orElse(null);
            if (p == null) {
                continue;
            }
            List<Object> terms =
                    List.of(p.partner(), p.audiences(), new java.util.TreeSet<>(p.purposes()), p.suppression());
            byTerms.computeIfAbsent(terms, k -> new ArrayList<>()).add(f);
            first.putIfAbsent(terms, p);
        }
        List<SharingGroup> out = new ArrayList<>();
        byTerms.forEach((terms, fs) -> {
            Protocol p = first.get(terms);
            out.add(new SharingGroup(p.partner(), p.partnerName(), fs, p.suppression()));
        });
        return out;
    }

    /**
     * Whether {@code who} meets a layer's audience floor, as the layer catalogue names it: {@code public} (anyone),
     * {@code partner} (anyone signed in as a partner's member) or {@code owner} (analysts and admins).
     */
    public boolean meetsFloor(Principal who, String floor) {
        return switch (floor) {
            case "public" -> true;
            case "partner" -> who.role() != Role.PUBLIC;
            case "owner" -> who.role() == Role.ANALYST || who.role() == Role.ADMIN;
            default -> false;
        };
    }

    /**
     * How much of a stored result (a hot spot run) that read {@code feeds} {@code who} may see: nothing when any of
     * them is invisible to them, classes only when any is below points (counts, rates, densities and z-scores could
     * be solved back to counts), everything otherwise.
     */
    public ResultView resultView(Principal who, Collection<String> feeds) {
        ResultView view = ResultView.FULL;
        for (String f : feeds) {
            DisclosureLevel l = level(who, f);
            if (l == DisclosureLevel.NONE) {
                return ResultView.NONE;
            }
            if (l != DisclosureLevel.POINTS) {
                view = ResultView.CLASSES;
            }
        }
        return view;
    }

    /** See {@link #resultView}. */
    public enum ResultView {
        NONE,
        CLASSES,
        FULL
    }

    /**
     * Reading a feed's batch reports and quarantined rows (which hold records as sent), besides its custodians
     * ({@link FeedCustody}, who alone may load into it). Analysts and admins who may see the feed's records as
     * points: its owner, a partner the protocol names at that level, or anyone for open data.
     */
    public boolean mayHandleRecords(Principal who, String feed) {
        return (who.role() == Role.ANALYST || who.role() == Role.ADMIN)
                && !who.anonymous()
                && level(who, feed) == DisclosureLevel.POINTS;
    }

    /** Refuses anyone who may not handle the feed's records, naming what is missing. */
    public void requireRecordHandler(Principal who, String feed, String what) {
        if (who.anonymous()) {
            throw new SafemapException(ErrorCode.UNAUTHORISED, what + " needs a signed-in user or an API token");
        }
        if (!mayHandleRecords(who, feed)) {
            throw new SafemapException(
                    ErrorCode.FORBIDDEN,
                    what + " is for analysts who may see feed '" + feed
                            + "' record by record under its protocol; " + who.describe() + " may see it at "
                            + level(who, feed).key() + " level"
                            + (who.purpose() == null ? " (no purpose declared)" : ""));
        }
    }

    /**
     * Whether an answer drawing on these feeds holds restricted data: a feed whose protocol shows the public less
     * than points (or that has no protocol). Such answers are audited; answers from open feeds only are not.
     */
    public boolean restricted(Collection<String> feeds) {
        for (String f : feeds) {
            if (protocols.find(f).map(Protocol::restricted).orElse(true)) {
                return true;
            }
        }
        return false;
    }

    /** Managing users, tokens, protocols and retention. */
    public boolean mayAdminister(Principal who) {
        return who.role() == Role.ADMIN;
    }

    /** Refuses anyone but an admin, with the stable error the API maps to 403. */
    public void requireAdmin(Principal who, String what) {
        if (!mayAdminister(who)) {
            throw new SafemapException(
                    ErrorCode.FORBIDDEN,
                    what + " needs the admin role; "
                            + (who.anonymous() ? "sign in first" : who.describe() + " does not have it"));
        }
    }

    /**
     * The custodian's view of a partner's data (how it was used, what retention deleted): admins, and that partner's
     * own analysts. It shows who used the data and when, never the data itself, so no purpose is needed.
     */
    public boolean mayReadCustodianReports(Principal who, String partner) {
        return who.role() == Role.ADMIN
                || who.role() == Role.ANALYST && partner != null && partner.equals(who.partner());
    }

    /** Refuses anyone but an admin or {@code partner}'s analysts, with the stable 401/403 errors. */
    public void requireCustodian(Principal who, String partner, String what) {
        requireSignedIn(who, what);
        if (!mayReadCustodianReports(who, partner)) {
            throw new SafemapException(
                    ErrorCode.FORBIDDEN,
                    what + " for partner '" + partner + "' is for that partner's " + "analysts and admins; "
                            + who.describe() + " is neither");
        }
    }

    /** The feeds a partner supplies, as their protocols say: the feeds whose use its custodian may review. */
    public List<String> feedsOwnedBy(String partner) {
        List<String> out = new ArrayList<>();
        for (Protocol p : protocols.all()) {
            if (p.partner().equals(partner)) {
                out.add(p.feed());
            }
        }
        return out;
    }

    /** The purposes under which a meeting decides and reviews actions (the action log). */
    public static final List<String> ACTION_PURPOSES = List.of("tasking", "problem-solving");

    /**
     * Recording and changing the tasking meeting's actions: a partner's member (tasking member, analyst or admin) who
     * declared a purpose for which the protocols in force share data to act on, tasking or problem-solving. The log
     * holds no records, but it names people and says where partners will act, so purpose limitation applies as it
     * does to the data the meeting acts on.
     */
    public boolean mayRecordActions(Principal who) {
        return !who.anonymous()
                && who.role() != Role.PUBLIC
                && who.purpose() != null
                && ACTION_PURPOSES.contains(who.purpose())
                && protocols.all().stream().anyMatch(p -> p.purposes().contains(who.purpose()));
    }

    /** Refuses anyone who may not record actions (401 anonymous, 403 otherwise), naming what is missing. */
    public void requireActionRecorder(Principal who, String what) {
        requireSignedIn(who, what);
        if (!mayRecordActions(who)) {
            throw new SafemapException(
                    ErrorCode.FORBIDDEN,
                    what + " is for partners' members who declared the purpose tasking or problem-solving (a "
                            + "purpose the data-sharing protocols list); " + who.describe() + " declared "
                            + (who.purpose() == null ? "none" : "'" + who.purpose() + "'"));
        }
    }

    /** Reading the action log: any partner's member (it names people and plans, so never the public). */
    public void requireActionReader(Principal who, String what) {
        requireSignedIn(who, what);
        if (who.role() == Role.PUBLIC) {
            throw new SafemapException(ErrorCode.FORBIDDEN, what + " is for partners' members");
        }
    }

    /** Refuses anonymous requests, for paths that need a login whatever the data. */
    public void requireSignedIn(Principal who, String what) {
        if (who.anonymous()) {
            throw new SafemapException(ErrorCode.UNAUTHORISED, what + " needs a signed-in user or an API token");
        }
    }
}
