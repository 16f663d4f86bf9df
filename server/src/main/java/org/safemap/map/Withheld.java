package org.safemap.map;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The feeds a surface leaves out for its requester because the selection is finer than those feeds are published at
 * ({@link LayerData#feeds}: they see them below points, as monthly counts), and which part of the selection is the
 * finer one, so a legend can say it in words. The one home of those words: the viewer's legend asks for them
 * ({@code GET /api/layers/{name}/withheld}) and the print writes them under the layer's legend.
 *
 * @param feeds       the feeds left out, in the layer's order; empty when the surface leaves nothing out
 * @param partOfMonth whether the period (or a change layer's baseline) is part of a month
 * @param hours       whether only some hours of the day are drawn
 * @param weekdays    whether only some days of the week are drawn
 */
public record Withheld(List<String> feeds, boolean partOfMonth, boolean hours, boolean weekdays) {
    /** Nothing left out. */
    public static final Withheld NONE = new Withheld(List.of(), false, false, false);
    /** Why, in feature info's few words ({@code withheld_because}). */
    static final String BECAUSE = "shared as monthly counts: not drawn for part of a month or some hours or days";

    public Withheld {
        feeds = List.copyOf(feeds);
    }

    /** {@code feeds} left out of a surface drawn with {@code dims} (and, for a change layer, over its baseline). */
    static Withheld of(List<String> feeds, LayerDims dims) {
        if (feeds.isEmpty()) {
            return NONE;
        }
        boolean partOfMonth = dims.time() != null && !dims.time().wholeMonths()
                || dims.baseline() != null && !dims.baseline().wholeMonths();
        return new Withheld(feeds, partOfMonth, dims.hours() != null, dims.weekdays() != null);
    }

    /** Only the feeds among {@code kept} (those a layer draws at all), in {@code kept}'s order. */
    public Withheld only(List<String> kept) {
        List<String> out = new ArrayList<>(kept);
        out.retainAll(feeds);
        return out.isEmpty() ? NONE : new Withheld(out, partOfMonth, hours, weekdays);
    }

    /**
     * In plain words, each feed by {@code label}: "A&amp;E assaults (ISTV) is left out of this map of some hours of
     * the day: it is shared with you as monthly counts, so it is drawn only for whole months at every hour and day."
     * Empty when nothing is left out.
     */
    public String sentence(Function<String, String> label) {
        if (feeds.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (partOfMonth) {
            parts.add("part of a month");
        }
        if (hours) {
            parts.add("some hours of the day");
        }
        if (weekdays) {
            parts.add("some days of the week");
        }
        boolean one = feeds.size() == 1;
        return words(feeds.stream().map(label).toList()) + (one ? " is" : " are") + " left out of this map of "
                + words(parts) + ": " + (one ? "it is" : "they are") + " shared with you as monthly counts, so "
                + (one ? "it is" : "they are") + " drawn only for whole months at every hour and day.";
    }

    /** "a", "a and b", "a, b and c". */
    private static String words(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }
}
