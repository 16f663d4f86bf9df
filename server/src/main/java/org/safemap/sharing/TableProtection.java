package org.safemap.sharing;

import java.util.ArrayList;
import java.util.List;

/**
 * Protects a count table for publication: primary suppression of small counts, secondary suppression until no
 * suppressed count can be narrowed by what is published, then rounding. Pure Java over primitive arrays.
 *
 * <ol>
 * <li><b>Primary</b>: every value (cell or total) from 1 to the rule's threshold is suppressed. Zero is shown by
 * default: a zero says no record exists, which identifies nobody, and suppressing zeros would hide most of a sparse
 * table. {@link Options#suppressZeros} suppresses them too, for protocols that count a zero as disclosive (it
 * tells you every case in a row fell in one column).</li>
 * <li><b>Secondary</b>: the published table obeys linear constraints (each node's total is the sum of its columns;
 * each parent's value is the sum of its children's, column by column and in total). A constraint holding exactly
 * one suppressed value would give it away, so a second value of that constraint is suppressed, the one losing
 * least: the smallest non-zero count, ties broken by position, so the pattern is deterministic. That is repeated
 * until every constraint with a suppressed value holds at least two. "Two per constraint" is not enough in general:
 * an intruder combines every constraint with what else they know (a suppressed value is at least 1, because zeros
 * are shown; a shown value is within its rounding and is not small), and can narrow a value or pin it (an MSOA of 8
 * whose LSOAs show 0, 6, *, * makes each * a 1). So the intruder's exact bounds are then computed for every
 * suppressed value ({@link FeasibleIntervals}), complements included (a complement worked out exactly would be a
 * published value in all but name), and wherever one is narrower than {@link SuppressionRule#protectionWidth}
 * another value is suppressed, one on the cut that stops it moving (the smallest), until none is.
 * <br>Unless zeros are suppressed in their own right, a zero is never a complement: the intruder knows every zero
 * (a suppressed value is at least 1), so a hidden zero would protect nothing.</li>
 * <li><b>Rounding</b>: shown values, totals included, are each rounded to the nearest multiple of the base (halves
 * up), independently. Totals are therefore not the sums of the shown cells; the intruder's bounds above already
 * take each shown value as the interval its rounding leaves.</li>
 * </ol>
 */
public final class TableProtection {
    private static final int MAX_REPAIR_ROUNDS = 100_000;

    /** @param suppressZeros suppress zero counts as well as 1..threshold */
    public record Options(boolean suppressZeros) {
        public static final Options DEFAULT = new Options(false);
    }

    private TableProtection() {}

    public static ProtectedTable protect(CountTable table, SuppressionRule rule) {
        return protect(table, rule, Options.DEFAULT);
    }

    public static ProtectedTable protect(CountTable table, SuppressionRule rule, Options options) {
        long[] v = table.values();
        boolean[] suppressed = new boolean[v.length];
        boolean[] primary = new boolean[v.length];
        long[] shown = rounded(v, rule.rounding());
        if (rule.threshold() > 0) {
            for (int k = 0; k < v.length; k++) {
                if ((v[k] >= 1 && v[k] <= rule.threshold()) || (options.suppressZeros() && v[k] == 0)) {
                    suppressed[k] = primary[k] = true;
                }
            }
            Constraints cons = Constraints.of(table);
            boolean zerosHide = options.suppressZeros();
            secondary(cons, v, suppressed, zerosHide);
            long need = rule.protectionWidth();
            for (int round = 0; ; round++) {
                if (round == MAX_REPAIR_ROUNDS) {
                    throw new IllegalStateException("table protection did not settle");
                }
                FeasibleIntervals intruder = FeasibleIntervals.of(table, suppressed, shown, rule, zerosHide);
                boolean added = false;
                for (int j = 0; j < v.length; j++) {
                    if (!suppressed[j] || intruder.width(j, need) >= need) {
                        continue;
                    }
                    int k = intruder.blocking(j, suppressed);
                    if (k < 0) {
                        throw new IllegalStateException("table protection: value " + j + " stays narrower than " + need
                                + " with everything around it suppressed");
                    }
                    suppressed[k] = true;
                    added = true;
                    intruder = FeasibleIntervals.of(table, suppressed, shown, rule, zerosHide);
                    j--; // check the same value again with the new complement
                }
                if (!added) {
                    break;
                }
                secondary(cons, v, suppressed, zerosHide);
            }
        }
        for (int k = 0; k < v.length; k++) {
            if (suppressed[k]) {
                shown[k] = 0;
            }
        }
        return new ProtectedTable(table, rule, shown, suppressed, primary);
    }

    /** Each value rounded to the nearest multiple of {@code base}, halves up. */
    static long[] rounded(long[] v, int base) {
        long[] out = new long[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = base == 1 ? v[k] : ((v[k] + base / 2) / base) * base;
        }
        return out;
    }

    /** Until every constraint holding an unknown value holds at least two (zeros only count if they hide). */
    private static void secondary(Constraints cons, long[] v, boolean[] suppressed, boolean zerosHide) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int k = 0; k < cons.count(); k++) {
                int hidden = 0;
                for (int m = cons.start[k]; m < cons.start[k + 1]; m++) {
                    int j = cons.member[m];
                    if (suppressed[j] && (zerosHide || v[j] != 0)) {
                        hidden++;
                    }
                }
                if (hidden == 1) {
                    int pick = best(cons, k, v, suppressed, -1, zerosHide);
                    if (pick >= 0) {
                        suppressed[pick] = true;
                        changed = true;
                    }
                }
            }
        }
    }

    /**
     * The unsuppressed member of constraint k that loses least, or -1: smallest non-zero first, then zeros if they
     * hide (otherwise a zero complement would protect nothing).
     */
    private static int best(Constraints cons, int k, long[] v, boolean[] suppressed, int current, boolean zerosHide) {
        int pick = current;
        for (int m = cons.start[k]; m < cons.start[k + 1]; m++) {
            int j = cons.member[m];
            if (!suppressed[j] && (zerosHide || v[j] != 0) && (pick < 0 || better(j, pick, v))) {
                pick = j;
            }
        }
        return pick;
    }

    private static boolean better(int a, int b, long[] v) {
        boolean za = v[a] == 0;
        boolean zb = v[b] == 0;
        if (za != zb) {
            return !za;
        }
        if (v[a] != v[b]) {
            return v[a] < v[b];
        }
        return a < b;
    }

    /**
     * The table's linear constraints in compressed form: constraint k is {@code member[start[k]] =
     * sum(member[start[k]+1 .. start[k+1]-1])}; {@code of[j]} lists the constraints value j is in.
     */
    static final class Constraints {
        final int[] start;
        final int[] member;
        final int[][] of;

        private Constraints(int[] start, int[] member, int[][] of) {
            this.start = start;
            this.member = member;
            this.of = of;
        }

        int count() {
            return start.length - 1;
        }

        static Constraints of(CountTable t) {
            int w = t.width();
            int cols = t.cols();
            int nodes = t.nodes();
            int[] childCount = new int[nodes];
            for (int p : t.parent()) {
                childCount[p]++;
            }
            int[][] children = new int[nodes][];
            for (int n = 0; n < nodes; n++) {
                children[n] = new int[childCount[n]];
            }
            int[] fill = new int[nodes];
            for (int n = 0; n < t.parent().length; n++) {
                int p = t.parent()[n];
                children[p][fill[p]++] = n;
            }
            List<int[]> list = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                int[] c = new int[cols + 1];
                c[0] = n * w + cols;
                for (int k = 0; k < cols; k++) {
                    c[k + 1] = n * w + k;
                }
                list.add(c);
            }
            for (int n = 0; n < nodes; n++) {
                if (children[n].length == 0) {
                    continue;
                }
                for (int k = 0; k <= cols; k++) {
                    int[] c = new int[children[n].length + 1];
                    c[0] = n * w + k;
                    for (int m = 0; m < children[n].length; m++) {
                        c[m + 1] = children[n][m] * w + k;
                    }
                    list.add(c);
                }
            }
            int[] start = new int[list.size() + 1];
            int total = 0;
            for (int k = 0; k < list.size(); k++) {
                start[k] = total;
                total += list.get(k).length;
            }
            start[list.size()] = total;
            int[] member = new int[total];
            int[] memberships = new int[nodes * w];
            for (int k = 0; k < list.size(); k++) {
                System.arraycopy(list.get(k), 0, member, start[k], list.get(k).length);
                for (int j : list.get(k)) {
                    memberships[j]++;
                }
            }
            int[][] of = new int[nodes * w][];
            for (int j = 0; j < of.length; j++) {
                of[j] = new int[memberships[j]];
            }
            int[] f = new int[nodes * w];
            for (int k = 0; k < list.size(); k++) {
                for (int j : list.get(k)) {
                    of[j][f[j]++] = k;
                }
            }
            return new Constraints(start, member, of);
        }
    }
}
