package org.safemap.sharing;

/**
 * A {@link CountTable} as it may be published under a {@link SuppressionRule}: each value either shown (rounded to
 * the rule's base) or suppressed. Indexed like {@link CountTable#values()}: node {@code n}, column {@code c}
 * (column {@code cols} is the node's total).
 *
 * @param table      the table protected
 * @param rule       the rule applied
 * @param shown      published values (rounded); meaningless where suppressed
 * @param suppressed whether each value is withheld
 * @param primary    whether each value was withheld for being small itself (the rest are complements)
 */
public record ProtectedTable(
        CountTable table, SuppressionRule rule, long[] shown, boolean[] suppressed, boolean[] primary) {

    public int index(int node, int col) {
        return node * table.width() + col;
    }

    public boolean isSuppressed(int node, int col) {
        return suppressed[index(node, col)];
    }

    /** The published value, or -1 when suppressed. */
    public long value(int node, int col) {
        int k = index(node, col);
        return suppressed[k] ? -1 : shown[k];
    }

    /** The node's total over the columns, or -1 when suppressed. */
    public long total(int node) {
        return value(node, table.cols());
    }

    /** The grand total's node. */
    public int root() {
        return table.nodes() - 1;
    }

    /** Values withheld, primary and complementary. */
    public int suppressedCount() {
        int n = 0;
        for (boolean s : suppressed) {
            if (s) {
                n++;
            }
        }
        return n;
    }
}
