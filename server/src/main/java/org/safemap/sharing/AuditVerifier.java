package org.safemap.sharing;

import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.safemap.ErrorCode;

/**
 * Walks the audit chain in order and checks every entry: its number follows the last, it links to the last entry's
 * hash, and its hash is the HMAC of that link and its content. At the first entry that fails it works out what kind
 * of tampering explains it, so the operator knows what to look for in backups:
 * <ul>
 * <li><b>altered</b>: the entry's content changed (the next entry still links to its original hash);</li>
 * <li><b>deleted</b>: entries are missing (a gap in the numbers, or an entry renumbered down whose predecessor is gone);</li>
 * <li><b>inserted</b>: an entry SafeMap did not write (no number makes its hash fit; the next entry links past it);</li>
 * <li><b>reordered</b>: a genuine entry at another position (its hash fits another number, its predecessor is present);</li>
 * <li><b>rewritten</b>: the chain from this entry on is consistent but was made with another key (a forger re-chained
 * it, or SAFEMAP_AUDIT_KEY changed).</li>
 * </ul>
 * Without the key none of these can be hidden. With database access alone, someone can still cut entries off the end
 * and move the head row back; that is what anchors are for: record the head hash somewhere else, and check it later.
 */
public final class AuditVerifier {
    /** How far either side of its position a moved entry's original number is looked for. */
    static final int SEARCH_WINDOW = 10_000;

    /** What kind of tampering explains the first broken entry. */
    public enum Tampering {
        ALTERED,
        DELETED,
        INSERTED,
        REORDERED,
        REWRITTEN;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The outcome of a walk.
     *
     * @param entries  entries that checked out, in order, before the first problem (all of them when intact)
     * @param headSeq  last good entry's number
     * @param headHash last good entry's hash: the value to anchor
     * @param problem  the first problem, or null when the chain is intact
     */
    public record Verification(long entries, long headSeq, String headHash, Problem problem) {
        public boolean intact() {
            return problem == null;
        }

        /** One line for people: "N entries, chain intact, head H" or the problem. */
        public String summary() {
            if (intact()) {
                return String.format(
                        java.util.Locale.UK,
                        "%,d %s, chain intact, head %s",
                        entries,
                        entries == 1 ? "entry" : "entries",
                        headHash);
            }
            return "audit log tampered: " + problem.message();
        }
    }

    /**
     * @param kind    what kind of tampering
     * @param seq     the first entry (position in the walk) that does not check out
     * @param message what was found and what it implies
     */
    public record Problem(Tampering kind, long seq, String message) {}

    /** A head hash recorded elsewhere earlier: entry {@code seq} must still carry {@code hash}. */
    public record Anchor(long seq, String hash) {
        public static Anchor parse(String text) {
            String[] parts = text == null ? new String[0] : text.strip().split(":", 2);
            if (parts.length == 2 && parts[0].matches("\\d{1,18}") && parts[1].matches("[0-9a-f]{64}")) {
                return new Anchor(Long.parseLong(parts[0]), parts[1]);
            }
            throw new org.safemap.SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "an anchor is SEQ:HASH as audit verify printed it "
                            + "(e.g. 1234:9f86...), with the 64 hex digits of the hash; got '" + text + "'");
        }
    }

    private final AuditLog log;

    public AuditVerifier(AuditLog log) {
        this.log = log;
    }

    public Verification verify() {
        return verify(List.of(), n -> {});
    }

    /**
     * Walks the whole chain; {@code progress} hears how many entries are done. Anchors are checked after the walk
     * (the first that fails is the problem when the chain itself is intact).
     */
    public Verification verify(List<Anchor> anchors, LongConsumer progress) {
        AuditChain chain = log.chain();
        long[] good = {0};
        long[] expected = {1};
        String[] link = {AuditChain.GENESIS};
        Problem[] found = {null};
        AuditEntry[] broken = {null};
        try {
            log.forEach(1, e -> {
                if (e.seq() == expected[0] && e.prevHash().equals(link[0]) && chain.matches(e)) {
                    good[0]++;
                    expected[0]++;
                    link[0] = e.hash();
                    if ((good[0] & 1023) == 0) {
                        progress.accept(good[0]);
                    }
                    return;
                }
                broken[0] = e;
                throw new Stop();
            });
        } catch (Stop stop) {
            found[0] = diagnose(chain, broken[0], expected[0], link[0]);
        }
        progress.accept(good[0]);
        long lastSeq = expected[0] - 1;
        if (found[0] == null) {
            found[0] = checkHead(lastSeq, link[0]);
        }
        if (found[0] == null) {
            for (Anchor a : anchors) {
                Optional<AuditEntry> at = log.entry(a.seq());
                if (at.isEmpty()) {
                    found[0] = new Problem(
                            Tampering.DELETED,
                            a.seq(),
                            "the anchored entry " + a.seq() + " is no longer in the log (it ends at " + lastSeq
                                    + "): entries were cut off the end");
                } else if (!at.get().hash().equals(a.hash())) {
                    found[0] = new Problem(
                            Tampering.REWRITTEN,
                            a.seq(),
                            "entry " + a.seq() + " no longer carries the " + "anchored hash " + a.hash()
                                    + ": the log up to it was replaced since the anchor was taken");
                }
                if (found[0] != null) {
                    break;
                }
            }
        }
        return new Verification(good[0], lastSeq, link[0], found[0]);
    }

    private Problem diagnose(AuditChain chain, AuditEntry e, long expected, String link) {
        long prev = expected - 1;
        boolean macOk = chain.matches(e);
        if (macOk && e.seq() > expected) {
            long missing = e.seq() - expected;
            return new Problem(
                    Tampering.DELETED,
                    expected,
                    (missing == 1
                                    ? "entry " + expected + " is missing"
                                    : "entries " + expected + " to " + (e.seq() - 1) + " are missing")
                            + ": the log jumps from entry "
                            + prev + " to entry " + e.seq() + ", whose link names an entry no longer there (deleted)");
        }
        if (macOk) {
            return new Problem(
                    predecessorPresent(e) ? Tampering.REORDERED : Tampering.DELETED,
                    expected,
                    "entry "
                            + e.seq() + " is genuine but does not follow entry " + prev + ": the entry it followed "
                            + (predecessorPresent(e) ? "is elsewhere in the log (reordered)" : "is gone (deleted)"));
        }
        long original = originalSeq(chain, e, expected);
        if (original > 0) {
            if (predecessorPresent(e)) {
                long before = log.seqOfHash(e.prevHash()).orElseThrow();
                return new Problem(
                        Tampering.REORDERED,
                        expected,
                        "entry " + e.seq() + " is the genuine entry " + original
                                + " moved out of place (it was written after the entry now numbered " + before
                                + "): reordered");
            }
            long shift = original - e.seq();
            return new Problem(
                    Tampering.DELETED,
                    expected,
                    "entry " + e.seq() + " is the genuine entry " + original
                            + ", renumbered: "
                            + (shift > 0
                                    ? shift + " entr" + (shift == 1 ? "y" : "ies") + " before it were "
                                            + "deleted and the rest renumbered to close the gap"
                                    : "the entry it followed is gone (deleted)"));
        }
        Optional<AuditEntry> next = log.entryAfter(e.seq());
        if (next.isPresent() && next.get().prevHash().equals(e.hash())) {
            if (!chain.matches(next.get()) && e.prevHash().equals(link)) {
                return new Problem(
                        Tampering.REWRITTEN,
                        expected,
                        "entries from " + e.seq() + " on link to each other but "
                                + "none carries the hash SafeMap's key gives: the log was altered and re-chained with another key "
                                + "from entry " + e.seq()
                                + " (or SAFEMAP_AUDIT_KEY is not the key it was written with)");
            }
            return new Problem(
                    Tampering.ALTERED,
                    expected,
                    "entry " + e.seq() + " was altered after it was written: its "
                            + "content no longer gives its hash, and entry "
                            + next.get().seq() + " still links to the original");
        }
        if (next.isPresent()
                && (next.get().prevHash().equals(link)
                        || chain.matches(next.get().withSeq(e.seq())))) {
            return new Problem(
                    Tampering.INSERTED,
                    expected,
                    "entry " + e.seq() + " was not written by SafeMap: no "
                            + "number makes its hash fit, and the entry after it links past it to entry " + prev
                            + " (inserted)");
        }
        if (next.isEmpty()) {
            AuditLog.Head head = log.head();
            if (head != null && head.seq() < e.seq()) {
                return new Problem(
                        Tampering.INSERTED,
                        expected,
                        "entry " + e.seq() + " was not written by SafeMap: it " + "comes after the chain head (entry "
                                + head.seq() + ") and its hash does not fit (inserted)");
            }
        }
        return new Problem(
                Tampering.ALTERED,
                expected,
                "entry " + e.seq() + " was altered or forged: its content and " + "link do not give its hash");
    }

    /** Whether the entry this one was written after is still somewhere in the log. */
    private boolean predecessorPresent(AuditEntry e) {
        return !e.prevHash().equals(AuditChain.GENESIS)
                && log.seqOfHash(e.prevHash()).isPresent();
    }

    /** The number under which this entry's hash fits, near its position; 0 when none does. */
    private static long originalSeq(AuditChain chain, AuditEntry e, long expected) {
        return chain.seqThatFits(
                e,
                java.util.stream.LongStream.rangeClosed(1, SEARCH_WINDOW)
                        .flatMap(d ->
                                java.util.stream.LongStream.of(expected + d, expected - d, e.seq() + d, e.seq() - d))
                        .filter(s -> s >= 1 && s != e.seq()));
    }

    /** The head row must name the last entry: if it is ahead, entries were cut off the end. */
    private Problem checkHead(long lastSeq, String lastHash) {
        AuditLog.Head head = log.head();
        if (head == null) {
            return new Problem(Tampering.DELETED, lastSeq + 1, "the chain head row is gone (audit_head was emptied)");
        }
        if (head.seq() > lastSeq) {
            long missing = head.seq() - lastSeq;
            return new Problem(
                    Tampering.DELETED,
                    lastSeq + 1,
                    "the log ends at entry " + lastSeq + " but SafeMap last "
                            + "wrote entry " + head.seq() + ": " + missing + " entr"
                            + (missing == 1 ? "y was" : "ies were")
                            + " deleted from the end");
        }
        if (head.seq() < lastSeq) {
            return new Problem(
                    Tampering.INSERTED,
                    head.seq() + 1,
                    "entries after " + head.seq() + " were added "
                            + "outside SafeMap's append (the chain head was not moved)");
        }
        if (!head.hash().equals(lastHash)) {
            return new Problem(
                    Tampering.ALTERED,
                    lastSeq,
                    "the chain head's hash differs from entry " + lastSeq + "'s: one of them was altered");
        }
        return null;
    }

    /** Ends the walk at the first broken entry. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }
}
