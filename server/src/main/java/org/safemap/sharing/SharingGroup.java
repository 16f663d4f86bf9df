package org.safemap.sharing;

import java.util.List;

/**
 * Feeds that every audience always sees at the same level: one partner's feeds under protocols that agree on
 * audiences, purposes and small-number rule. Counts of restricted feeds are published one table per group, the same
 * table for every audience that sees the group below points, so no audience's answers can be differenced against
 * another's: a partner that sees its own feed as points never sees it summed with someone else's, and two audiences
 * never see the same records counted under two different suppression patterns.
 *
 * @param partner the partner supplying them (protocol {@code partner})
 * @param name    the partner's name, for readers
 * @param feeds   the feeds, sorted
 * @param rule    the small-number rule of their protocols
 */
public record SharingGroup(String partner, String name, List<String> feeds, SuppressionRule rule) {
    public SharingGroup {
        feeds = List.copyOf(feeds);
    }

    /** A stable key for caches: the feeds. */
    public String key() {
        return String.join(",", feeds);
    }
}
