package org.safemap.sharing;

/**
 * How a protocol protects small numbers in aggregates. NHS practice, for example: counts of 1 to 7 are shown as
 * {@code *} and larger ones rounded to the nearest 5 ({@code threshold 7, rounding 5}).
 *
 * @param threshold counts from 1 up to this are suppressed (0: no suppression)
 * @param rounding  shown counts are rounded to a multiple of this (1: exact)
 */
public record SuppressionRule(int threshold, int rounding) {
    /** Open data: nothing suppressed, nothing rounded. */
    public static final SuppressionRule NONE = new SuppressionRule(0, 1);

    public SuppressionRule {
        if (threshold < 0 || rounding < 1) {
            throw new IllegalArgumentException("threshold must be >= 0 and rounding >= 1");
        }
    }

    /** The stricter of two rules, for a table drawing on both feeds. */
    public SuppressionRule strictest(SuppressionRule other) {
        return new SuppressionRule(Math.max(threshold, other.threshold), Math.max(rounding, other.rounding));
    }

    /**
     * How wide the feasible interval of every suppressed small count must stay, whatever an intruder combines: as
     * wide as a shown count's rounding leaves it ({@code rounding - 1}: five possible values for a base of 5), and
     * never less than 1 (two possible values), so that no suppressed count can be worked out exactly.
     */
    public long protectionWidth() {
        return Math.max(1, rounding - 1);
    }

    public boolean protects() {
        return threshold > 0 || rounding > 1;
    }

    /** For readers: "counts 1 to 7 are suppressed (shown as *), others rounded to the nearest 5". */
    public String describe() {
        if (!protects()) {
            return "exact counts";
        }
        if (threshold == 0) {
            return "counts rounded to the nearest " + rounding;
        }
        return "counts 1 to " + threshold + " are suppressed (shown as *)"
                + (rounding > 1 ? ", others rounded to the nearest " + rounding : "");
    }
}
