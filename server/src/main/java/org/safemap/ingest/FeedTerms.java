package org.safemap.ingest;

import java.util.Map;
import java.util.Set;
import org.safemap.sharing.Protocol;
import org.safemap.sharing.Pseudonymiser;

/**
 * What a feed's data-sharing protocol allows a file to carry, as the readers apply it: the columns it lists (any
 * other refuses the whole file) and the linkage columns whose values are replaced by keyed hashes the moment they are
 * read, before anything (record, attributes, quarantine) can keep them.
 *
 * @param protocol      e.g. "istv-ae version 3", for messages
 * @param fieldKeys     permitted columns, lower case, trimmed
 * @param linkageKeys   columns pseudonymised on read, lower case, trimmed
 * @param pseudonymiser the keyed hash
 * @param originals     where readers note each row as sent, by line, before its identifiers are hashed, so the load
 *                      can seal the quarantined ones for the feed's custodians (the loader empties it chunk by chunk);
 *                      null when nothing is to be sealed
 */
public record FeedTerms(
        String protocol,
        Set<String> fieldKeys,
        Set<String> linkageKeys,
        Pseudonymiser pseudonymiser,
        Map<Integer, String> originals) {
    public FeedTerms {
        fieldKeys = Set.copyOf(fieldKeys);
        linkageKeys = Set.copyOf(linkageKeys);
    }

    public static FeedTerms of(Protocol p, Pseudonymiser pseudonymiser) {
        return of(p, pseudonymiser, null);
    }

    /** As {@link #of(Protocol, Pseudonymiser)}, noting rows as sent in {@code originals} (null: not noted). */
    public static FeedTerms of(Protocol p, Pseudonymiser pseudonymiser, Map<Integer, String> originals) {
        Set<String> linkage = new java.util.TreeSet<>();
        p.linkageFields().forEach(f -> linkage.add(Protocol.key(f)));
        return new FeedTerms(p.feed() + " version " + p.version(), p.fieldKeys(), linkage, pseudonymiser, originals);
    }

    /** Notes a row as sent (line in the file, content) before its identifiers are replaced, when rows are sealed. */
    public void keepOriginal(int line, String raw) {
        if (originals != null) {
            originals.put(line, raw);
        }
    }

    /** Whether rows as sent are kept (sealed) for the custodian. */
    public boolean keepsOriginals() {
        return originals != null;
    }

    public boolean permits(String column) {
        return fieldKeys.contains(Protocol.key(column));
    }

    public boolean isLinkage(String column) {
        return linkageKeys.contains(Protocol.key(column));
    }
}
