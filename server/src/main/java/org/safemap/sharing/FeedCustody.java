package org.safemap.sharing;

import java.util.List;
import org.safemap.ErrorCode;

/**
 * Custody of a feed's files, as distinct from seeing its data: who may load files into a feed, read its batch
 * reports and quarantine, and see the partner's own references in quarantine. Disclosure decisions stay with
 * {@link Policy}; this answers the custodian's question "who can put data in my feed, and who sees it as I sent it?".
 *
 * <ul>
 * <li><b>Loading</b> is for the feed's own partner (its analysts, whom the protocol names as owner) and for admins,
 * who run the installation. A partner named at points level (the CSP for the A&E feed) may read the records but not
 * add to them: data enters a partner's feed only from that partner. No purpose need be declared: loading a partner's
 * own file uses nothing shared.</li>
 * <li><b>Batch reports and quarantine</b> are for those who may load, and for anyone who may see the feed record by
 * record ({@link Policy#mayHandleRecords}): quarantined rows are records as sent.</li>
 * <li><b>References as sent</b> (the sealed copy of a quarantined row, {@link LinkageSeal}) are for those who may
 * load only: everyone else sees the keyed hashes the protocol promises.</li>
 * </ul>
 * Every refusal is a {@link FeedRefusal} naming the feed, so it counts in the owner's usage report.
 */
public final class FeedCustody {
    private final Policy policy;

    public FeedCustody(Policy policy) {
        this.policy = policy;
    }

    /** The partner whose feed it is, as its protocol says; null for a feed without a protocol. */
    public String owner(String feed) {
        return policy.protocols().find(feed).map(Protocol::partner).orElse(null);
    }

    /** Whether {@code who} may load files into {@code feed}: its owner's analysts, and admins. */
    public boolean mayLoad(Principal who, String feed) {
        if (who.anonymous()) {
            return false;
        }
        if (who.role() == Role.ADMIN) {
            return true;
        }
        String owner = owner(feed);
        return who.role() == Role.ANALYST && owner != null && owner.equals(who.partner());
    }

    /** Refuses anyone who may not load into the feed, naming whose feed it is. */
    public void requireLoader(Principal who, String feed, String what) {
        if (who.anonymous()) {
            throw new FeedRefusal(
                    ErrorCode.UNAUTHORISED, what + " needs a signed-in user or an API token", List.of(feed));
        }
        if (!mayLoad(who, feed)) {
            String owner = owner(feed);
            throw new FeedRefusal(
                    ErrorCode.FORBIDDEN,
                    what + " '" + feed + "' is for "
                            + (owner == null
                                    ? "admins (the feed has no data-sharing protocol)"
                                    : "partner '" + owner + "' (the feed's custodians) and admins")
                            + "; " + who.describe()
                            + " is neither. Data enters a partner's feed only from that partner.",
                    List.of(feed));
        }
    }

    /** Whether {@code who} may read the feed's batch reports and quarantined rows. */
    public boolean mayReadBatches(Principal who, String feed) {
        return mayLoad(who, feed) || policy.mayHandleRecords(who, feed);
    }

    /** Refuses anyone who may read neither, naming what is missing. */
    public void requireBatchReader(Principal who, String feed, String what) {
        if (who.anonymous()) {
            throw new FeedRefusal(
                    ErrorCode.UNAUTHORISED, what + " needs a signed-in user or an API token", List.of(feed));
        }
        if (!mayReadBatches(who, feed)) {
            throw new FeedRefusal(
                    ErrorCode.FORBIDDEN,
                    what + " is for the custodians of feed '" + feed + "', admins, "
                            + "and analysts who may see it record by record under its protocol; " + who.describe()
                            + " may see it at " + policy.level(who, feed).key() + " level"
                            + (who.purpose() == null ? " (no purpose declared)" : ""),
                    List.of(feed));
        }
    }

    /** Whether {@code who} sees quarantined rows as sent, with the partner's own references: those who may load. */
    public boolean maySeeReferences(Principal who, String feed) {
        return mayLoad(who, feed);
    }
}
