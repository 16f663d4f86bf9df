package org.safemap.sharing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Protects a count table for publication: primary suppression of small counts, secondary suppression so that no
 * suppressed value can be worked out from the published ones, then rounding. Pure Java over primitive arrays.
 *
 * <ol>
 * <li><b>Primary</b>: every value (cell or total) from 1 to the rule's threshold is suppressed. Zero is shown by
 * default: a zero says no record exists, which identifies nobody, and suppressing zeros would hide most of a sparse
 * table. {@link Options#suppressZeros} suppresses them too, for protocols that count a zero as disclosive (it
 * tells you every case in a row fell in one column).</li>
 * <li><b>Secondary</b>: the published table obeys linear constraints (each node's total is the sum of its columns;
 * each parent's value is the sum of its children's, column by column and in total). A constraint holding exactly
 * one suppressed value would give it away, so a second value of that constraint is suppressed, the one losing
 * least: the smallest non-zero count, ties broken by position, so the pattern is deterministic. That is repeated until every constraint with a suppressed value holds at least two.
 * Because "two per constraint" is not enough in general (a value can still follow from several constraints
 * combined), the whole system is then solved exactly (Gaussian elimination modulo the prime 2⁶¹−1, component by
 * component) and any suppressed value still uniquely determined gets another complement, the nearest non-zero value
 * along the constraints that give it away, until none is.
 * <br>Unless zeros are suppressed in their own right, a zero is never a complement and the intruder is credited
 * with knowing every zero: counts are never negative, so a hidden zero beside a shown total its other parts already
 * make up is pinned to zero, and so is what it was meant to protect (an intruder's linear programme finds such
 * values where elimination does not). With the zeros known, every hidden value can move both ways along some
 * solution of the system, so non-negativity cannot pin it.</li>
 * <li><b>Rounding</b>: shown values, totals included, are each rounded to the nearest multiple of the base (halves
 * up), independently. Totals are therefore not the sums of the shown cells; independent rounding leaks at most
 * that each true value lies within half a base of its shown value, and with the cells' bounds that narrows a total
 * to an interval, never to one value unless the base is 1.</li>
 * </ol>
 */
public final class TableProtection {
    /** The Mersenne prime 2⁶¹−1: elimination in this field agrees with exact rational elimination in practice. */
    static final long P = (1L << 61) - 1;
    private static final int MAX_REPAIR_ROUNDS = 10_000;

    /** @param suppressZeros suppress zero counts as well as 1..threshold */
    public record Options(boolean suppressZeros) {
        public static final Options DEFAULT = new Options(false);
    }

    private TableProtection() {
    }

    public static ProtectedTable protect(CountTable table, SuppressionRule rule) {
        return protect(table, rule, Options.DEFAULT);
    }

    public static ProtectedTable protect(CountTable table, SuppressionRule rule, Options options) {
        long[] v = table.values();
        boolean[] suppressed = new boolean[v.length];
        boolean[] primary = new boolean[v.length];
        if (rule.threshold() > 0) {
            for (int k = 0; k < v.length; k++) {
                if ((v[k] >= 1 && v[k] <= rule.threshold()) || (options.suppressZeros() && v[k] == 0)) {
                    suppressed[k] = primary[k] = true;
                }
            }
            Constraints cons = Constraints.of(table);
            boolean zerosHide = options.suppressZeros();
            secondary(cons, v, suppressed, zerosHide);
            for (int round = 0; round < MAX_REPAIR_ROUNDS; round++) {
                int[] determined = determined(cons, unknown(v, suppressed, zerosHide), v.length);
                if (determined.length == 0) {
                    break;
                }
                boolean added = false;
                for (int j : determined) {
                    if (suppressed[j] && complementFor(cons, v, suppressed, j, zerosHide)) {
                        added = true;
                    }
                }
                if (!added) {
                    throw new IllegalStateException("table protection: a suppressed value stays determined with "
                            + "everything around it suppressed");
                }
                secondary(cons, v, suppressed, zerosHide);
            }
        }
        long[] shown = new long[v.length];
        int base = rule.rounding();
        for (int k = 0; k < v.length; k++) {
            shown[k] = suppressed[k] ? 0 : base == 1 ? v[k] : ((v[k] + base / 2) / base) * base;
        }
        return new ProtectedTable(table, rule, shown, suppressed, primary);
    }

    /**
     * The values an intruder does not know. A suppressed zero is not among them unless zeros are suppressed in their
     * own right: counts are never negative, so a hidden zero in a sum whose shown total is its other parts' sum is
     * pinned to zero, and so is anything it was meant to protect. The intruder is credited with every zero.
     */
    private static boolean[] unknown(long[] v, boolean[] suppressed, boolean zerosHide) {
        boolean[] out = new boolean[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = suppressed[k] && (zerosHide || v[k] != 0);
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
     * Suppresses the best unsuppressed value in any constraint holding j; if they hold none, in the constraints of
     * their members, and so on outwards (breadth first), since j is given away by a chain of constraints through
     * suppressed values and only a value somewhere along it can break the chain. False if none is left anywhere.
     */
    private static boolean complementFor(Constraints cons, long[] v, boolean[] suppressed, int j,
                                         boolean zerosHide) {
        boolean[] seenCon = new boolean[cons.count()];
        boolean[] seenVal = new boolean[v.length];
        List<Integer> ring = new ArrayList<>();
        for (int k : cons.of[j]) {
            seenCon[k] = true;
            ring.add(k);
        }
        seenVal[j] = true;
        while (!ring.isEmpty()) {
            int pick = -1;
            for (int k : ring) {
                pick = best(cons, k, v, suppressed, pick, zerosHide);
            }
            if (pick >= 0) {
                suppressed[pick] = true;
                return true;
            }
            List<Integer> next = new ArrayList<>();
            for (int k : ring) {
                for (int m = cons.start[k]; m < cons.start[k + 1]; m++) {
                    int member = cons.member[m];
                    if (seenVal[member]) {
                        continue;
                    }
                    seenVal[member] = true;
                    for (int k2 : cons.of[member]) {
                        if (!seenCon[k2]) {
                            seenCon[k2] = true;
                            next.add(k2);
                        }
                    }
                }
            }
            ring = next;
        }
        return false;
    }

    /**
     * The unknown values that the published ones determine uniquely. With S the unknown values and A the
     * constraint matrix, value j is determined exactly when the unit vector e_j lies in the row space of A's
     * columns for S: in reduced row echelon form, j is a pivot whose row has no other non-zero entry. Solved per
     * connected component of suppressed values.
     */
    static int[] determined(Constraints cons, boolean[] unknown, int size) {
        int[] varOf = new int[size];
        Arrays.fill(varOf, -1);
        int nv = 0;
        int[] vars = new int[size];
        for (int j = 0; j < size; j++) {
            if (unknown[j]) {
                varOf[j] = nv;
                vars[nv++] = j;
            }
        }
        if (nv == 0) {
            return new int[0];
        }
        // Components: union-find over suppressed values sharing a constraint.
        int[] uf = new int[nv];
        for (int a = 0; a < nv; a++) {
            uf[a] = a;
        }
        List<Integer> touching = new ArrayList<>();
        for (int k = 0; k < cons.count(); k++) {
            int first = -1;
            for (int m = cons.start[k]; m < cons.start[k + 1]; m++) {
                int var = varOf[cons.member[m]];
                if (var >= 0) {
                    if (first < 0) {
                        first = var;
                        touching.add(k);
                    } else {
                        union(uf, first, var);
                    }
                }
            }
        }
        int[] root = new int[nv];
        int[] compSize = new int[nv];
        for (int a = 0; a < nv; a++) {
            root[a] = find(uf, a);
            compSize[root[a]]++;
        }
        // Group constraints and variables by component.
        int[] local = new int[nv];
        int[][] compVars = new int[nv][];
        int[] fill = new int[nv];
        for (int a = 0; a < nv; a++) {
            int r = root[a];
            if (compVars[r] == null) {
                compVars[r] = new int[compSize[r]];
            }
            local[a] = fill[r];
            compVars[r][fill[r]++] = a;
        }
        List<List<Integer>> compCons = new ArrayList<>(nv);
        for (int a = 0; a < nv; a++) {
            compCons.add(null);
        }
        for (int k : touching) {
            int r = -1;
            for (int m = cons.start[k]; m < cons.start[k + 1] && r < 0; m++) {
                int var = varOf[cons.member[m]];
                if (var >= 0) {
                    r = root[var];
                }
            }
            if (compCons.get(r) == null) {
                compCons.set(r, new ArrayList<>());
            }
            compCons.get(r).add(k);
        }
        List<Integer> out = new ArrayList<>();
        for (int r = 0; r < nv; r++) {
            if (compVars[r] == null) {
                continue;
            }
            int n = compVars[r].length;
            List<Integer> ks = compCons.get(r);
            int rows = ks.size();
            long[][] a = new long[rows][n];
            for (int i = 0; i < rows; i++) {
                int k = ks.get(i);
                for (int m = cons.start[k]; m < cons.start[k + 1]; m++) {
                    int var = varOf[cons.member[m]];
                    if (var >= 0) {
                        // The constraint's total has coefficient -1, its parts +1.
                        a[i][local[var]] = m == cons.start[k] ? P - 1 : 1;
                    }
                }
            }
            for (int col : determinedColumns(a, n)) {
                out.add(vars[compVars[r][col]]);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Columns of {@code a} (mod P) whose unit vectors lie in its row space. */
    static List<Integer> determinedColumns(long[][] a, int n) {
        int rows = a.length;
        int[] pivotCol = new int[rows];
        int rank = 0;
        for (int col = 0; col < n && rank < rows; col++) {
            int sel = -1;
            for (int i = rank; i < rows; i++) {
                if (a[i][col] != 0) {
                    sel = i;
                    break;
                }
            }
            if (sel < 0) {
                continue;
            }
            long[] t = a[sel];
            a[sel] = a[rank];
            a[rank] = t;
            long inv = inverse(a[rank][col]);
            long[] pr = a[rank];
            for (int c = col; c < n; c++) {
                pr[c] = mul(pr[c], inv);
            }
            for (int i = 0; i < rows; i++) {
                if (i != rank && a[i][col] != 0) {
                    long f = a[i][col];
                    long[] ri = a[i];
                    for (int c = col; c < n; c++) {
                        if (pr[c] != 0) {
                            ri[c] = sub(ri[c], mul(f, pr[c]));
                        }
                    }
                }
            }
            pivotCol[rank++] = col;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            int nonZero = 0;
            for (int c = 0; c < n && nonZero < 2; c++) {
                if (a[i][c] != 0) {
                    nonZero++;
                }
            }
            if (nonZero == 1) {
                out.add(pivotCol[i]);
            }
        }
        return out;
    }

    private static int find(int[] uf, int a) {
        while (uf[a] != a) {
            uf[a] = uf[uf[a]];
            a = uf[a];
        }
        return a;
    }

    private static void union(int[] uf, int a, int b) {
        int ra = find(uf, a);
        int rb = find(uf, b);
        if (ra != rb) {
            uf[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    static long mul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        long r = (lo & P) + ((lo >>> 61) | (hi << 3));
        return r >= P ? r - P : r;
    }

    private static long sub(long a, long b) {
        long r = a - b;
        return r < 0 ? r + P : r;
    }

    private static long inverse(long a) {
        long result = 1;
        long base = a;
        long e = P - 2;
        while (e > 0) {
            if ((e & 1) != 0) {
                result = mul(result, base);
            }
            base = mul(base, base);
            e >>= 1;
        }
        return result;
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
