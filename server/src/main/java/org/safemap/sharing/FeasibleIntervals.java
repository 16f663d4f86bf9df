package org.safemap.sharing;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * What an intruder can work out about each value of a published {@link CountTable}: the smallest and largest value
 * it can take given everything published and everything the rules tell them. Pure Java over primitive arrays.
 *
 * <p><b>What the intruder knows.</b> Every shown value lies within its rounding interval ({@code s - ⌊b/2⌋ ..
 * s + ⌈b/2⌉ - 1} for base b, halves rounded up) and is 0 or above the threshold (small values are never shown); a
 * suppressed value is at least 1 (zeros are shown, so a hidden value is not zero) unless zeros are suppressed in their
 * own right; every value is the sum of its parts (a node's columns, a parent's children).
 *
 * <p><b>How it is solved.</b> The table's constraints form a network: for each column a tree from the grand total
 * down to the rows' cells, and a tree of totals from the rows back up to the grand total, joined at a hub. Every
 * published value is the flow on exactly one arc, bounded by what the intruder knows of it, and the true table is a
 * feasible circulation. The largest value of arc e is its true value plus the most flow that can be pushed round
 * cycles through e in the residual network, which augmenting paths find (Ford and Fulkerson 1956); the smallest
 * likewise in the other direction. Network matrices are totally unimodular, so these bounds are exactly what an
 * intruder's linear programme finds, and what an integer programme finds too (every vertex is integral). The one
 * thing the network cannot say is a disjunction: a shown 0 that rounding alone would let be 1 or 2 when the threshold
 * is below that; such a value is given its hull ({@code 0 .. ⌈b/2⌉ - 1}), which protocols with
 * {@code threshold ≥ ⌈rounding/2⌉ - 1} (every NHS-style rule) never meet.
 *
 * <p>Cost: one breadth-first search of the table's network per unit of width asked for, per value asked about.
 * Not thread-safe; build one per check.
 */
final class FeasibleIntervals {
    /** Stands in for "no upper bound": larger than any count a table holds. */
    static final long UNBOUNDED = Long.MAX_VALUE / 4;

    private final CountTable table;
    private final long[] truth;
    private final long[] lower;
    private final long[] upper;
    private final long[] flow;
    private final int[] tail;
    private final int[] head;
    private final int[] outStart;
    private final int[] outArcs;
    private final int[] inStart;
    private final int[] inArcs;
    private final int vertices;
    private final boolean zerosHide;
    // Search state, reused.
    private int[] changedArcs = new int[0];
    private long[] changedBy = new long[0];
    private int changes;
    private final int[] via;
    private final int[] seen;
    private int stamp;

    private FeasibleIntervals(CountTable table, long[] truth, long[] lower, long[] upper, boolean zerosHide) {
        this.table = table;
        this.zerosHide = zerosHide;
        this.truth = truth;
        this.lower = lower;
        this.upper = upper;
        this.flow = truth.clone();
        int cols = table.cols();
        int w = table.width();
        int nodes = table.nodes();
        int root = nodes - 1;
        int[] parent = table.parent();
        boolean[] leaf = new boolean[nodes];
        for (int n = 0; n < table.rows(); n++) {
            leaf[n] = true;
        }
        // Vertices: A(n, c) = n·cols + c (column trees), B(n) = nodes·cols + n (the totals tree), the hub last.
        int hub = nodes * cols + nodes;
        vertices = hub + 1;
        int arcs = nodes * w;
        tail = new int[arcs];
        head = new int[arcs];
        for (int n = 0; n < nodes; n++) {
            for (int c = 0; c < cols; c++) {
                int j = n * w + c;
                tail[j] = n == root ? hub : parent[n] * cols + c;
                head[j] = leaf[n] ? nodes * cols + n : n * cols + c;
            }
            int j = n * w + cols;
            tail[j] = nodes * cols + n;
            head[j] = n == root ? hub : nodes * cols + parent[n];
        }
        outStart = new int[vertices + 1];
        inStart = new int[vertices + 1];
        for (int j = 0; j < arcs; j++) {
            outStart[tail[j] + 1]++;
            inStart[head[j] + 1]++;
        }
        for (int v = 0; v < vertices; v++) {
            outStart[v + 1] += outStart[v];
            inStart[v + 1] += inStart[v];
        }
        outArcs = new int[arcs];
        inArcs = new int[arcs];
        int[] fo = Arrays.copyOf(outStart, vertices);
        int[] fi = Arrays.copyOf(inStart, vertices);
        for (int j = 0; j < arcs; j++) {
            outArcs[fo[tail[j]]++] = j;
            inArcs[fi[head[j]]++] = j;
        }
        via = new int[vertices];
        seen = new int[vertices];
    }

    /**
     * The intruder's view of {@code table} published with {@code suppressed} and {@code shown} (rounded) values under
     * {@code rule}.
     *
     * @param zerosHide zeros are suppressed in their own right, so a suppressed value may be 0
     */
    static FeasibleIntervals of(
            CountTable table, boolean[] suppressed, long[] shown, SuppressionRule rule, boolean zerosHide) {
        long[] truth = table.values();
        long[] lo = new long[truth.length];
        long[] hi = new long[truth.length];
        for (int j = 0; j < truth.length; j++) {
            if (suppressed[j]) {
                lo[j] = zerosHide ? 0 : 1;
                hi[j] = UNBOUNDED;
            } else {
                long[] b = shownBounds(shown[j], rule);
                lo[j] = b[0];
                hi[j] = b[1];
            }
            if (truth[j] < lo[j] || truth[j] > hi[j]) {
                throw new IllegalStateException("value " + j + " (" + truth[j] + ") is outside what its publication "
                        + "says: " + lo[j] + ".." + hi[j]);
            }
        }
        return new FeasibleIntervals(table, truth, lo, hi, zerosHide);
    }

    /**
     * What a shown value tells a reader of the true one: its rounding interval, less the small values that would have
     * been suppressed (the hull, when only 0 and values above the threshold remain).
     */
    static long[] shownBounds(long shown, SuppressionRule rule) {
        int b = rule.rounding();
        long lo = Math.max(0, shown - b / 2);
        long hi = shown + (b + 1) / 2 - 1;
        int t = rule.threshold();
        if (t > 0) {
            if (lo == 0) {
                hi = hi <= t ? 0 : hi;
            } else if (lo <= t) {
                lo = t + 1;
            }
        }
        return new long[] {lo, hi};
    }

    /**
     * How far value j can move: the width of its feasible interval (largest minus smallest), counted up to
     * {@code cap} only.
     */
    long width(int j, long cap) {
        long up = push(j, true, cap);
        return up + (up >= cap ? 0 : push(j, false, cap - up));
    }

    /** The smallest and largest value j can take, each looked for up to {@code reach} away from the true value. */
    long[] interval(int j, long reach) {
        return new long[] {truth[j] - push(j, false, reach), truth[j] + push(j, true, reach)};
    }

    /**
     * The best value to suppress next so that j can move further: an unsuppressed, non-zero value on the cut that
     * stops j rising (the last search's frontier), the smallest first, ties by position. -1 when none is left.
     */
    int blocking(int j, boolean[] suppressed) {
        int[] found = {-1};
        searchUp(j, found, suppressed);
        return found[0];
    }

    /** Pushes flow round cycles through j, up or down, up to {@code cap}; the flow is restored afterwards. */
    private long push(int j, boolean up, long cap) {
        long moved = augment(j, up, Math.min(cap, up ? upper[j] - flow[j] : flow[j] - lower[j]));
        restore();
        return moved;
    }

    /**
     * Pushes up to {@code need} round cycles through j, changing the flow and noting each change so that
     * {@link #restore} can undo it; returns how much moved. Raising j needs the same amount carried from its head back
     * to its tail, lowering it the reverse. The last search, when it failed, leaves {@code seen} marking what it reached.
     */
    private long augment(int j, boolean up, long need) {
        int from = up ? head[j] : tail[j];
        int to = up ? tail[j] : head[j];
        long moved = 0;
        while (moved < need && search(from, to, j)) {
            long amount = need - moved;
            for (int v = to; v != from; ) {
                int a = via[v];
                int arc = a >= 0 ? a : ~a;
                amount = Math.min(amount, a >= 0 ? upper[arc] - flow[arc] : flow[arc] - lower[arc]);
                v = a >= 0 ? tail[arc] : head[arc];
            }
            for (int v = to; v != from; ) {
                int a = via[v];
                int arc = a >= 0 ? a : ~a;
                long delta = a >= 0 ? amount : -amount;
                flow[arc] += delta;
                if (changes == changedArcs.length) {
                    changedArcs = Arrays.copyOf(changedArcs, Math.max(8, changes * 2));
                    changedBy = Arrays.copyOf(changedBy, changedArcs.length);
                }
                changedArcs[changes] = arc;
                changedBy[changes++] = delta;
                v = a >= 0 ? tail[arc] : head[arc];
            }
            moved += amount;
        }
        return moved;
    }

    /** Undoes every change {@link #augment} made since the last restore. */
    private void restore() {
        for (int k = changes - 1; k >= 0; k--) {
            flow[changedArcs[k]] -= changedBy[k];
        }
        changes = 0;
    }

    /**
     * Breadth-first search of the residual network from {@code from} to {@code to}, never through arc
     * {@code skip}; {@code via[v]} records the arc that reached v ({@code a} forward, {@code ~a} backward).
     */
    private boolean search(int from, int to, int skip) {
        stamp++;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        seen[from] = stamp;
        queue.add(from);
        while (!queue.isEmpty()) {
            int v = queue.poll();
            for (int k = outStart[v]; k < outStart[v + 1]; k++) {
                int a = outArcs[k];
                int w = head[a];
                if (a != skip && seen[w] != stamp && flow[a] < upper[a]) {
                    seen[w] = stamp;
                    via[w] = a;
                    if (w == to) {
                        return true;
                    }
                    queue.add(w);
                }
            }
            for (int k = inStart[v]; k < inStart[v + 1]; k++) {
                int a = inArcs[k];
                int w = tail[a];
                if (a != skip && seen[w] != stamp && flow[a] > lower[a]) {
                    seen[w] = stamp;
                    via[w] = ~a;
                    if (w == to) {
                        return true;
                    }
                    queue.add(w);
                }
            }
        }
        return false;
    }

    /**
     * Raises j as far as it goes, then looks at the frontier of the last (failed) search: the arcs leaving the
     * reached set at their upper bound, or entering it at their lower bound, are what stops j. Suppressing one
     * lifts its bound (to unbounded above, or to 1 below).
     */
    private void searchUp(int j, int[] best, boolean[] suppressed) {
        // Saturate as a real push would, keeping the flow to read the frontier, then restore it.
        augment(j, true, upper[j] - flow[j]);
        // seen[] now marks the set the failed search reached.
        for (int v = 0; v < vertices; v++) {
            if (seen[v] != stamp) {
                continue;
            }
            for (int k = outStart[v]; k < outStart[v + 1]; k++) {
                consider(outArcs[k], head[outArcs[k]], j, best, suppressed);
            }
            for (int k = inStart[v]; k < inStart[v + 1]; k++) {
                int a = inArcs[k];
                // Entering arcs help only once lowered: a value of 1 cannot go below its new bound of 1.
                if (flow[a] > (zerosHide ? 0 : 1)) {
                    consider(a, tail[a], j, best, suppressed);
                }
            }
        }
        restore();
    }

    /** Keeps the better complement: non-zero before zero (zeros only where they hide), then smallest, then first. */
    private void consider(int arc, int other, int j, int[] best, boolean[] suppressed) {
        if (arc == j || seen[other] == stamp || suppressed[arc] || (truth[arc] == 0 && !zerosHide)) {
            return;
        }
        int b = best[0];
        boolean better = b < 0
                || (truth[arc] != 0 && truth[b] == 0)
                || ((truth[arc] == 0) == (truth[b] == 0)
                        && (truth[arc] < truth[b] || (truth[arc] == truth[b] && arc < b)));
        if (better) {
            best[0] = arc;
        }
    }

    int size() {
        return truth.length;
    }

    CountTable table() {
        return table;
    }
}
