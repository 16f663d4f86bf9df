package org.safemap.sharing;

import java.util.Arrays;

/**
 * A table of whole counts to publish: rows are areas (LSOAs), columns are categories, months or hours, and rows may
 * nest in parents (LSOA in MSOA in LAD). Every published quantity is a cell of a "node": a row, a parent or the
 * grand total, each with one value per column and a total over the columns.
 *
 * <p>Nodes are numbered rows first ({@code 0..rows-1}), then parents level by level, then the grand total last.
 * A node's values are {@code cols + 1} wide: the columns, then the node's total. Index of node n, column c:
 * {@code n·(cols+1) + c}; the total is column {@code cols}.
 *
 * @param rows    areas (leaves)
 * @param cols    columns
 * @param counts  row-major {@code rows × cols}, every count ≥ 0
 * @param parent  for every node but the grand total, its parent node; {@code parent.length == nodes() - 1}.
 *                Use {@link #nested} to build it from level-by-level parent indices.
 */
public record CountTable(int rows, int cols, int[] counts, int[] parent) {
    public CountTable {
        if (rows < 0 || cols < 1 || counts.length != rows * cols) {
            throw new IllegalArgumentException("counts must be rows × cols");
        }
        for (int v : counts) {
            if (v < 0) {
                throw new IllegalArgumentException("counts are never negative");
            }
        }
        int nodes = parent.length + 1;
        if (nodes < rows + 1) {
            throw new IllegalArgumentException("every row needs a parent entry");
        }
        for (int n = 0; n < parent.length; n++) {
            if (parent[n] <= n || parent[n] >= nodes) {
                throw new IllegalArgumentException("a node's parent must come after it: node " + n);
            }
        }
    }

    /** A flat table: every row directly under the grand total. */
    public static CountTable flat(int rows, int cols, int[] counts) {
        return nested(rows, cols, counts);
    }

    /**
     * A table whose rows nest in parents, level by level: {@code levels[0][r]} is row r's parent among the
     * {@code levels[0]}-level parents (0-based, or -1 when it has none at that level and sits directly under the next
     * level or the grand total), {@code levels[1][g]} the parent of level-0 parent g, and so on. The number of
     * parents at a level is one more than the largest index used at that level, or the next level's length.
     */
    public static CountTable nested(int rows, int cols, int[] counts, int[]... levels) {
        int[] sizes = new int[levels.length];
        for (int l = 0; l < levels.length; l++) {
            int max = -1;
            for (int p : levels[l]) {
                max = Math.max(max, p);
            }
            sizes[l] = l + 1 < levels.length ? Math.max(max + 1, levels[l + 1].length) : max + 1;
        }
        int nodes = rows + Arrays.stream(sizes).sum() + 1;
        int root = nodes - 1;
        int[] parent = new int[nodes - 1];
        int base = 0;
        int count = rows;
        for (int l = 0; l <= levels.length; l++) {
            int next = base + count;
            for (int k = 0; k < count; k++) {
                int p = l < levels.length && k < levels[l].length ? levels[l][k] : -1;
                // A node with no parent at the next level sits directly under the grand total.
                parent[base + k] = p < 0 ? root : next + p;
            }
            base = next;
            count = l < levels.length ? sizes[l] : 0;
        }
        return new CountTable(rows, cols, counts, parent);
    }

    /** Rows, parents and the grand total. */
    public int nodes() {
        return parent.length + 1;
    }

    /** Values per node: the columns and the total. */
    public int width() {
        return cols + 1;
    }

    /** Every published value, node by node (see the class comment), summed from the counts. */
    public long[] values() {
        int w = width();
        long[] v = new long[nodes() * w];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r * w + c] = counts[r * cols + c];
            }
        }
        for (int n = 0; n < parent.length; n++) {
            long total = 0;
            for (int c = 0; c < cols; c++) {
                total += v[n * w + c];
            }
            v[n * w + cols] = total;
            int p = parent[n];
            for (int c = 0; c <= cols; c++) {
                v[p * w + c] += v[n * w + c];
            }
        }
        return v;
    }
}
