package org.safemap.sharing;

import java.util.Collection;
import java.util.List;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * A request refused because of what it asked of particular feeds (withheld, forbidden, or a login needed). It names
 * those feeds so the refusal is recorded against them in the audit log, and so counts in each owning partner's usage
 * report, whoever asked, anonymous requests included: a custodian should see attempts on their data, not only uses.
 */
public final class FeedRefusal extends SafemapException {
    private final List<String> feeds;

    /**
     * @param code    withheld, forbidden or unauthorised (the HTTP status follows the code, as for any refusal), or
     *                not_found where something the asker may not see is answered as if it did not exist
     * @param feeds   the feeds the refusal is about
     */
    public FeedRefusal(ErrorCode code, String message, Collection<String> feeds) {
        super(code, message);
        this.feeds = List.copyOf(new java.util.LinkedHashSet<>(feeds));
    }

    public List<String> feeds() {
        return feeds;
    }
}
