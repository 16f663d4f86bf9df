package org.safemap.sharing;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One stored audit entry, as written and as read back for verification and reports.
 *
 * @param seq        position in the chain, from 1, without gaps
 * @param at         when it was recorded (microseconds, as PostgreSQL keeps them)
 * @param actor      login, {@code cli:<os user>} or {@code system:<task>}; null for an anonymous request
 * @param role       admin, analyst, tasking or public
 * @param partner    the actor's partner, or null
 * @param via        how the actor authenticated: session, token, cli, schedule, anonymous
 * @param purpose    the purpose code they declared, or null
 * @param action     what they did (see {@link AuditEvent#action})
 * @param resource   what they did it to
 * @param feeds      feed to the version of its protocol in force (null when the feed has none), sorted by feed
 * @param resultSize records or cells returned, or null
 * @param outcome    ok or refused
 * @param detailJson anything else, as JSON (kept in canonical form, {@link AuditChain#canonicalJson})
 * @param prevHash   the previous entry's hash (64 zeros before the first)
 * @param hash       HMAC-SHA256 of prevHash and this entry's canonical form, hex
 */
public record AuditEntry(
        long seq,
        Instant at,
        String actor,
        String role,
        String partner,
        String via,
        String purpose,
        String action,
        String resource,
        Map<String, Integer> feeds,
        Long resultSize,
        String outcome,
        String detailJson,
        String prevHash,
        String hash) {
    public AuditEntry {
        feeds = Collections.unmodifiableMap(new TreeMap<>(feeds));
        detailJson = AuditChain.canonicalJson(detailJson);
    }

    /** The same entry carrying {@code signature} as its hash. */
    AuditEntry withHash(String signature) {
        return with(seq, signature);
    }

    /** The same entry with another number (verification tries where a moved entry came from). */
    AuditEntry withSeq(long other) {
        return with(other, hash);
    }

    private AuditEntry with(long number, String entryHash) {
        return new AuditEntry(
                number,
                at,
                actor,
                role,
                partner,
                via,
                purpose,
                action,
                resource,
                feeds,
                resultSize,
                outcome,
                detailJson,
                prevHash,
                entryHash);
    }
}
