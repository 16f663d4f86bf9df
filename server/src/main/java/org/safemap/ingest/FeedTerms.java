package org.safemap.ingest;

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
 */
public record FeedTerms(String protocol, Set<String> fieldKeys, Set<String> linkageKeys, Pseudonymiser pseudonymiser) {
    public FeedTerms {
        fieldKeys = Set.copyOf(fieldKeys);
        linkageKeys = Set.copyOf(linkageKeys);
    }

    public static FeedTerms of(Protocol p, Pseudonymiser pseudonymiser) {
        Set<String> linkage = new java.util.TreeSet<>();
        p.linkageFields().forEach(f -> linkage.add(Protocol.key(f)));
        return new FeedTerms(p.feed() + " version " + p.version(), p.fieldKeys(), linkage, pseudonymiser);
    }

    public boolean permits(String column) {
        return fieldKeys.contains(Protocol.key(column));
    }

    public boolean isLinkage(String column) {
        return linkageKeys.contains(Protocol.key(column));
    }
}
