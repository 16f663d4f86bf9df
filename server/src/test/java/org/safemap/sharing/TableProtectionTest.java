package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.linear.UnboundedSolutionException;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.junit.jupiter.api.Test;

/**
 * Attacks protected tables the way an intruder would: every published value and every additive relation of the
 * table (row totals, column totals, parent totals, the grand total) go into a linear system, solved exactly over
 * the rationals (fraction-free Gaussian elimination on BigInteger). No suppressed value may come out uniquely
 * determined. Then, adding what an intruder also knows (counts are never negative), a simplex LP (Commons Math)
 * finds the smallest and largest value each suppressed cell could take: the interval must be wider than one count.
 *
 * <p>The attacker's constraints are rebuilt here from the parent array, not taken from the code under test.
 */
class TableProtectionTest {
    private static final SuppressionRule NHS = new SuppressionRule(7, 1);

    @Test
    void rowWithOneSmallCellIsProtectedByComplementsInItsRowAndColumn() {
        CountTable t = CountTable.flat(3, 3, new int[] {20, 3, 30, 15, 25, 40, 12, 18, 22});
        ProtectedTable p = TableProtection.protect(t, NHS);
        assertThat(p.isSuppressed(0, 1)).isTrue();
        assertThat(p.primary()[p.index(0, 1)]).isTrue();
        assertThat(p.suppressedCount()).isGreaterThanOrEqualTo(4);
        attack(t, p);
    }

    /** The example in docs/disclosure-control.md, value for value. */
    @Test
    void theWorkedExampleInTheDocs() {
        CountTable t = CountTable.nested(3, 3, new int[] {12, 3, 20, 40, 14, 25, 15, 10, 30}, new int[] {0, 0, 0});
        ProtectedTable p = TableProtection.protect(t, new SuppressionRule(7, 5));
        int msoa = 3;
        long[][] shown = {{-1, -1, 20, 35}, {40, 15, 25, 80}, {-1, -1, 30, 55}, {65, 25, 75, 170}};
        for (int n = 0; n <= msoa; n++) {
            for (int c = 0; c <= 3; c++) {
                assertThat(p.value(n, c)).as("node %d column %d", n, c).isEqualTo(shown[n][c]);
            }
        }
        attack(t, TableProtection.protect(t, NHS));
    }

    @Test
    void parentWithASingleChildIsSuppressedWithTheChild() {
        // Rows 0,1 in parent 0; row 2 alone in parent 1.
        CountTable t = CountTable.nested(3, 2, new int[] {10, 12, 9, 14, 2, 30}, new int[] {0, 0, 1});
        ProtectedTable p = TableProtection.protect(t, NHS);
        int parent1 = 4;
        assertThat(p.isSuppressed(2, 0)).isTrue();
        assertThat(p.isSuppressed(parent1, 0))
                .as("the lone child's parent repeats its value")
                .isTrue();
        attack(t, p);
    }

    @Test
    void allSmallRowsAreProtected() {
        CountTable t = CountTable.nested(4, 3, new int[] {1, 2, 1, 3, 1, 2, 2, 2, 1, 1, 1, 1}, new int[] {0, 0, 1, 1});
        ProtectedTable p = TableProtection.protect(t, NHS);
        attack(t, p);
    }

    @Test
    void singleColumnTableNestedTwoLevels() {
        CountTable t = CountTable.nested(
                6, 1, new int[] {9, 3, 40, 0, 5, 22}, new int[] {0, 0, 1, 1, 2, 2}, new int[] {0, 0, 1});
        attack(t, TableProtection.protect(t, NHS));
    }

    @Test
    void zerosAreShownUnlessTheOptionSaysOtherwise() {
        CountTable t = CountTable.flat(2, 2, new int[] {0, 20, 30, 40});
        assertThat(TableProtection.protect(t, NHS).suppressedCount()).isZero();
        ProtectedTable strict = TableProtection.protect(t, NHS, new TableProtection.Options(true));
        assertThat(strict.isSuppressed(0, 0)).isTrue();
        attack(t, strict, true);
    }

    @Test
    void shownValuesAreRoundedIndependentlyToTheBase() {
        CountTable t = CountTable.flat(2, 2, new int[] {12, 23, 37, 48});
        ProtectedTable p = TableProtection.protect(t, new SuppressionRule(7, 5));
        long[] truth = t.values();
        for (int k = 0; k < truth.length; k++) {
            assertThat(p.shown()[k] % 5).isZero();
            assertThat(Math.abs(p.shown()[k] - truth[k])).isLessThanOrEqualTo(2);
        }
        assertThat(p.value(0, 0)).isEqualTo(10);
        assertThat(p.value(0, 1)).isEqualTo(25);
        assertThat(p.total(p.root())).isEqualTo(120);
    }

    /**
     * The case that broke the old check: an MSOA of 8 whose LSOAs show 0, 6, *, *. Zeros are shown, so each * is at
     * least 1, and the two add up to 2: each is 1. Elimination alone does not see it (two unknowns, one equation).
     */
    @Test
    void suppressedCountsKnownToBeAtLeastOneAreNotPinnedByASmallRemainder() {
        CountTable t = CountTable.nested(4, 1, new int[] {0, 6, 1, 1}, new int[] {0, 0, 0, 0});
        ProtectedTable p = TableProtection.protect(t, new SuppressionRule(3, 1));
        assertThat(p.isSuppressed(2, 0)).isTrue();
        assertThat(p.isSuppressed(3, 0)).isTrue();
        assertThat(p.isSuppressed(1, 0)).as("the 6 must go too").isTrue();
        attack(t, p);
    }

    /** With rounding to 5, every suppressed small count must be as uncertain as a rounded one: five values. */
    @Test
    void underRoundingASuppressedCountIsAtLeastAsUncertainAsAShownOne() {
        CountTable t = CountTable.nested(4, 2, new int[] {0, 20, 9, 33, 2, 14, 11, 0}, new int[] {0, 0, 1, 1});
        ProtectedTable p = TableProtection.protect(t, new SuppressionRule(7, 5));
        attack(t, p);
    }

    @Test
    void noSuppressedValueOfManyRandomRoundedTablesCanBeNarrowed() {
        int suppressed = 0;
        int[] bases = {2, 3, 5, 5, 10};
        for (int seed = 1; seed <= 200; seed++) {
            Random r = new Random(1_000_000 + seed);
            CountTable t = randomTable(r);
            int base = bases[r.nextInt(bases.length)];
            // Thresholds at least ⌈b/2⌉-1, as protocols have: a shown 0 then says 0 (see FeasibleIntervals).
            int threshold = Math.max((base + 1) / 2 - 1, 1) + r.nextInt(8);
            SuppressionRule rule = new SuppressionRule(threshold, base);
            ProtectedTable p = TableProtection.protect(t, rule);
            attack(t, p);
            suppressed += p.suppressedCount();
        }
        assertThat(suppressed).as("the random tables exercise suppression").isGreaterThan(1_000);
    }

    @Test
    void thePatternIsDeterministic() {
        Random r = new Random(11);
        CountTable t = randomTable(r);
        ProtectedTable a = TableProtection.protect(t, NHS);
        ProtectedTable b = TableProtection.protect(t, NHS);
        assertThat(a.suppressed()).isEqualTo(b.suppressed());
    }

    @Test
    void noSuppressedValueOfManyRandomSparseTablesCanBeRecovered() {
        int suppressed = 0;
        for (int seed = 1; seed <= 1500; seed++) {
            Random r = new Random(seed);
            CountTable t = randomTable(r);
            SuppressionRule rule = new SuppressionRule(1 + r.nextInt(9), 1);
            ProtectedTable p = TableProtection.protect(t, rule);
            attack(t, p);
            suppressed += p.suppressedCount();
        }
        assertThat(suppressed).as("the random tables exercise suppression").isGreaterThan(10_000);
    }

    /**
     * Row 5 holds 1 in its second column and zeros beside it; with zeros allowed as complements, the hidden zeros
     * around it were pinned by the shown totals (counts are never negative), and the 1 with them: the simplex found
     * it, exact elimination did not. A hidden zero protects nothing, so complements are never zeros. (Random table
     * 3152 of the sweep below, which found it.)
     */
    @Test
    void aHiddenZeroIsNoComplement() {
        CountTable t = CountTable.nested(
                6,
                4,
                new int[] {5, 0, 0, 7, 0, 0, 5, 29, 64, 0, 62, 7, 2, 1, 1, 54, 3, 0, 0, 1, 2, 0, 0, 0},
                new int[] {0, 1, 2, 3, 2, 2},
                new int[] {0, 0, 0, 0});
        ProtectedTable p = TableProtection.protect(t, new SuppressionRule(3, 1));
        long[] v = t.values();
        for (int k = 0; k < v.length; k++) {
            if (p.suppressed()[k] && !p.primary()[k]) {
                assertThat(v[k]).as("complement %d", k).isNotZero();
            }
        }
        attack(t, p);
    }

    /** Sparse counts like a month of a partner feed per LSOA and category: mostly zeros and small numbers. */
    private static CountTable randomTable(Random r) {
        int parents = 1 + r.nextInt(5);
        int rows = parents + r.nextInt(14);
        int cols = 1 + r.nextInt(5);
        int[] counts = new int[rows * cols];
        for (int k = 0; k < counts.length; k++) {
            double u = r.nextDouble();
            counts[k] = u < 0.45 ? 0 : u < 0.8 ? 1 + r.nextInt(8) : 5 + r.nextInt(60);
        }
        int[] parentOf = new int[rows];
        for (int k = 0; k < rows; k++) {
            parentOf[k] = k < parents ? k : r.nextInt(parents);
        }
        if (r.nextBoolean()) {
            int grand = 1 + r.nextInt(Math.min(parents, 2));
            int[] up = new int[parents];
            for (int g = 0; g < parents; g++) {
                up[g] = g < grand ? g : r.nextInt(grand);
            }
            return CountTable.nested(rows, cols, counts, parentOf, up);
        }
        return CountTable.nested(rows, cols, counts, parentOf);
    }

    /**
     * Builds the intruder's system from the published table and requires every suppressed small value to stay
     * unknown: not determined by the published values (exact elimination, unrounded tables), and, with everything
     * else the intruder knows (a suppressed value is at least 1 because zeros are shown; a shown value lies in its
     * rounding interval and is not small; nothing is negative), with a feasible interval at least the rule's
     * protection width wide (simplex LP over every value that is not known exactly).
     */
    private static void attack(CountTable t, ProtectedTable p) {
        attack(t, p, false);
    }

    private static void attack(CountTable t, ProtectedTable p, boolean zerosHide) {
        long[] truth = t.values();
        int w = t.width();
        int size = truth.length;
        SuppressionRule rule = p.rule();
        int base = rule.rounding();
        List<int[]> relations = relations(t);
        // The intruder's bounds on each value, derived here from the rule's text, not from the code under test.
        long[] lo = new long[size];
        long[] hi = new long[size];
        for (int j = 0; j < size; j++) {
            if (truth[j] >= 1 && truth[j] <= rule.threshold()) {
                assertThat(p.suppressed()[j])
                        .as("value %d (%d) is small", j, truth[j])
                        .isTrue();
            }
            if (p.suppressed()[j]) {
                lo[j] = zerosHide ? 0 : 1;
                hi[j] = Long.MAX_VALUE;
            } else {
                long s = p.shown()[j];
                assertThat(s % base).isZero();
                lo[j] = Math.max(0, s - base / 2);
                hi[j] = s + (base + 1) / 2 - 1;
                // Small values are never shown: what is shown is 0 or above the threshold.
                if (rule.threshold() > 0 && lo[j] >= 1 && lo[j] <= rule.threshold()) {
                    lo[j] = rule.threshold() + 1;
                }
                if (rule.threshold() > 0 && lo[j] == 0 && hi[j] <= rule.threshold()) {
                    hi[j] = 0;
                }
            }
            assertThat(truth[j])
                    .as("value %d lies in what its publication says", j)
                    .isBetween(lo[j], hi[j]);
        }
        int[] var = new int[size];
        Arrays.fill(var, -1);
        int n = 0;
        for (int j = 0; j < size; j++) {
            if (lo[j] != hi[j]) {
                var[j] = n++;
            }
        }
        if (n == 0) {
            return;
        }
        // Each relation: first member = sum of the others; known values move to the right-hand side.
        List<BigInteger[]> rows = new ArrayList<>();
        List<LinearConstraint> cs = new ArrayList<>();
        for (int[] rel : relations) {
            BigInteger[] row = new BigInteger[n + 1];
            Arrays.fill(row, BigInteger.ZERO);
            double[] d = new double[n];
            long rhs = 0;
            boolean any = false;
            for (int m = 0; m < rel.length; m++) {
                long coef = m == 0 ? -1 : 1;
                int j = rel[m];
                if (var[j] >= 0) {
                    row[var[j]] = row[var[j]].add(BigInteger.valueOf(coef));
                    d[var[j]] += coef;
                    any = true;
                } else {
                    rhs -= coef * lo[j];
                }
            }
            if (any) {
                row[n] = BigInteger.valueOf(rhs);
                rows.add(row);
                cs.add(new LinearConstraint(d, Relationship.EQ, rhs));
            }
        }
        for (int j = 0; j < size; j++) {
            if (var[j] < 0) {
                continue;
            }
            double[] unit = new double[n];
            unit[var[j]] = 1;
            cs.add(new LinearConstraint(unit, Relationship.GEQ, lo[j]));
            if (hi[j] != Long.MAX_VALUE) {
                cs.add(new LinearConstraint(unit.clone(), Relationship.LEQ, hi[j]));
            }
        }
        if (base == 1) {
            // Unrounded: the suppressed values alone are unknown; elimination must not determine any of them.
            boolean[] determined = exactlyDetermined(rows, n);
            for (int j = 0; j < size; j++) {
                if (var[j] >= 0) {
                    assertThat(determined[var[j]])
                            .as(
                                    "suppressed value %d (node %d, column %d, true value %d) is "
                                            + "recovered from the published table",
                                    j, j / w, j % w, truth[j])
                            .isFalse();
                }
            }
        }
        long need = Math.max(1, base - 1);
        for (int j = 0; j < size; j++) {
            if (!p.suppressed()[j] || (truth[j] == 0 && !zerosHide)) {
                continue;
            }
            double[] obj = new double[n];
            obj[var[j]] = 1;
            double min = lp(obj, cs, GoalType.MINIMIZE);
            double max = lp(obj, cs, GoalType.MAXIMIZE);
            assertThat(min).isLessThanOrEqualTo(truth[j] + 1e-6);
            assertThat(max).isGreaterThanOrEqualTo(truth[j] - 1e-6);
            assertThat(max - min)
                    .as(
                            "feasible interval of suppressed value %d (node %d, column %d, true %d): " + "[%s, %s]",
                            j, j / w, j % w, truth[j], min, max)
                    .isGreaterThanOrEqualTo(need - 1e-6);
        }
    }

    /** The optimum; unbounded (every total around the value suppressed too) is infinitely wide. */
    private static double lp(double[] obj, List<LinearConstraint> cs, GoalType goal) {
        try {
            PointValuePair r = new SimplexSolver()
                    .optimize(
                            new MaxIter(100_000),
                            new LinearObjectiveFunction(obj, 0),
                            new LinearConstraintSet(cs),
                            goal,
                            new NonNegativeConstraint(true));
            return r.getValue();
        } catch (UnboundedSolutionException e) {
            return Double.POSITIVE_INFINITY;
        }
    }

    /** The table's additive relations from its parent array: [total, parts...]. */
    private static List<int[]> relations(CountTable t) {
        int w = t.width();
        int cols = t.cols();
        List<int[]> out = new ArrayList<>();
        for (int node = 0; node < t.nodes(); node++) {
            int[] r = new int[cols + 1];
            r[0] = node * w + cols;
            for (int c = 0; c < cols; c++) {
                r[c + 1] = node * w + c;
            }
            out.add(r);
            List<Integer> kids = new ArrayList<>();
            for (int m = 0; m < t.parent().length; m++) {
                if (t.parent()[m] == node) {
                    kids.add(m);
                }
            }
            if (kids.isEmpty()) {
                continue;
            }
            for (int c = 0; c <= cols; c++) {
                int[] s = new int[kids.size() + 1];
                s[0] = node * w + c;
                for (int k = 0; k < kids.size(); k++) {
                    s[k + 1] = kids.get(k) * w + c;
                }
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Fraction-free Gauss-Jordan elimination over the integers (rows divided by their gcd to stay small): variable
     * j is determined exactly when, in reduced form, some row has j as its only non-zero coefficient. Also checks
     * the system is consistent (the true values satisfy it).
     */
    private static boolean[] exactlyDetermined(List<BigInteger[]> in, int n) {
        BigInteger[][] a = in.toArray(new BigInteger[0][]);
        int rows = a.length;
        int rank = 0;
        int[] pivotCol = new int[rows];
        for (int col = 0; col < n && rank < rows; col++) {
            int sel = -1;
            for (int i = rank; i < rows; i++) {
                if (a[i][col].signum() != 0) {
                    sel = i;
                    break;
                }
            }
            if (sel < 0) {
                continue;
            }
            BigInteger[] t = a[sel];
            a[sel] = a[rank];
            a[rank] = t;
            BigInteger pv = a[rank][col];
            for (int i = 0; i < rows; i++) {
                if (i == rank || a[i][col].signum() == 0) {
                    continue;
                }
                BigInteger f = a[i][col];
                BigInteger g = BigInteger.ZERO;
                for (int c = 0; c <= n; c++) {
                    a[i][c] = a[i][c].multiply(pv).subtract(a[rank][c].multiply(f));
                    g = g.gcd(a[i][c]);
                }
                if (g.signum() != 0 && !g.equals(BigInteger.ONE)) {
                    for (int c = 0; c <= n; c++) {
                        a[i][c] = a[i][c].divide(g);
                    }
                }
            }
            pivotCol[rank++] = col;
        }
        for (int i = rank; i < rows; i++) {
            assertThat(a[i][n].signum()).as("published table is consistent").isZero();
        }
        boolean[] out = new boolean[n];
        for (int i = 0; i < rank; i++) {
            int nonZero = 0;
            for (int c = 0; c < n; c++) {
                if (a[i][c].signum() != 0) {
                    nonZero++;
                }
            }
            if (nonZero == 1) {
                out[pivotCol[i]] = true;
            }
        }
        return out;
    }
}
