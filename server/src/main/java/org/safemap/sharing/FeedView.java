package org.safemap.sharing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one principal may see of each feed, as {@link Policy#view} decided: the input every map path, count table and
 * cache key is shaped by. Two principals with equal views get identical answers, so they may share cached tiles;
 * principals with different views never do.
 *
 * @param levels feed to level, sorted by feed, feeds at {@link DisclosureLevel#NONE} included
 */
public record FeedView(Map<String, DisclosureLevel> levels) {
    public FeedView {
        levels = java.util.Collections.unmodifiableMap(new TreeMap<>(levels));
    }

    public DisclosureLevel level(String feed) {
        return levels.getOrDefault(feed, DisclosureLevel.NONE);
    }

    /** Feeds seen at exactly {@code level}, sorted. */
    public List<String> at(DisclosureLevel level) {
        List<String> out = new ArrayList<>();
        levels.forEach((f, l) -> {
            if (l == level) {
                out.add(f);
            }
        });
        return out;
    }

    /** Feeds seen at {@code min} or better, sorted. */
    public List<String> atLeast(DisclosureLevel min) {
        List<String> out = new ArrayList<>();
        levels.forEach((f, l) -> {
            if (l.atLeast(min)) {
                out.add(f);
            }
        });
        return out;
    }

    /** Feeds seen as aggregates or reduced points: their counts are protected, their points restricted. */
    public List<String> restricted() {
        List<String> out = new ArrayList<>();
        levels.forEach((f, l) -> {
            if (l == DisclosureLevel.AGGREGATES || l == DisclosureLevel.REDUCED) {
                out.add(f);
            }
        });
        return out;
    }

    /** This view narrowed to {@code feeds}. */
    public FeedView only(java.util.Collection<String> feeds) {
        Map<String, DisclosureLevel> out = new TreeMap<>();
        for (String f : feeds) {
            out.put(f, level(f));
        }
        return new FeedView(out);
    }

    /** A stable text form for cache keys: {@code feed=level,...}. */
    public String key() {
        StringBuilder b = new StringBuilder();
        levels.forEach((f, l) -> b.append(f).append('=').append(l.key()).append(','));
        return b.toString();
    }
}
