package org.safemap.runs;

import java.util.ArrayList;
import java.util.List;
import org.safemap.hotspot.CountComparison;
import org.safemap.hotspot.FalseDiscovery;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.SharedCounts;
import org.safemap.time.Period;

/**
 * Per-area change between a baseline period and a later one, with a stated test: each area's two counts compared by
 * the exact conditional test of two Poisson counts ({@link CountComparison}, exposures in months, so periods of
 * different lengths compare rate with rate), and the areas' p-values adjusted for testing many areas at once
 * (Benjamini–Hochberg, {@link FalseDiscovery}). An area changed significantly when its adjusted p-value is under
 * {@link #ALPHA}.
 *
 * <p>Every count comes from the published count tables ({@link ProtectedCounts}): each period's count is a sum of
 * published monthly cells, exactly the figure the count layers, profiles and {@code /api/counts} show for that
 * period, so the difference of two periods is a difference of two published figures and recovers no suppressed
 * cell. An area suppressed in either period is not tested. Counts are rounded to whole incidents for the test
 * (an incident timed across two months counts in each by its share).
 */
public final class AreaChanges {
    /** The false discovery rate at which a change is called significant. */
    public static final double ALPHA = 0.05;

    /** The test, in words for a legend or a table's note. */
    public static final String TEST = "exact conditional Poisson test of the two counts (rates per month), two-sided; "
            + "significant at a false discovery rate of 5% across the areas (Benjamini-Hochberg)";

    private AreaChanges() {}

    /**
     * One area's change.
     *
     * @param before     incidents in the baseline period (null when suppressed)
     * @param after      incidents in the later period (null when suppressed)
     * @param rateRatio  after's monthly rate over before's (NaN when both are 0 or either is suppressed)
     * @param pValue     the exact two-sided p-value (NaN when not tested)
     * @param qValue     the Benjamini–Hochberg adjusted p-value over the areas tested (NaN when not tested)
     * @param change     {@code more}, {@code fewer}, {@code no change}, or {@code suppressed}
     * @param withheld   restricted feeds left out of both counts (see {@link ProtectedCounts.Count#withheld})
     */
    public record Change(
            String code,
            Long before,
            Long after,
            double rateRatio,
            double pValue,
            double qValue,
            String change,
            List<String> withheld) {
        public boolean suppressed() {
            return before == null || after == null;
        }
    }

    /** What was compared, and the changes area by area (in the order of {@code codes}). */
    public record Comparison(Period baseline, Period period, String suppression, List<Change> areas) {}

    /**
     * Compares the areas' counts in two runs of whole months.
     *
     * @param baseline the baseline period's monthly tables, in order (from {@link ProtectedCounts#tables})
     * @param later    the later period's
     */
    public static Comparison compare(
            Period baselinePeriod,
            List<ProtectedCounts.Table> baseline,
            Period laterPeriod,
            List<ProtectedCounts.Table> later,
            List<String> codes,
            ProtectedCounts.Selection selection) {
        int monthsBefore = baseline.size();
        int monthsAfter = later.size();
        List<CountComparison.Result> results = new ArrayList<>(codes.size());
        List<ProtectedCounts.Count[]> counts = new ArrayList<>(codes.size());
        double[] p = new double[codes.size()];
        for (int k = 0; k < codes.size(); k++) {
            ProtectedCounts.Count b = ProtectedCounts.overMonths(baseline, codes.get(k), selection);
            ProtectedCounts.Count a = ProtectedCounts.overMonths(later, codes.get(k), selection);
            counts.add(new ProtectedCounts.Count[] {b, a});
            if (b.suppressed() || a.suppressed() || b.value() == null || a.value() == null) {
                results.add(null);
                p[k] = Double.NaN;
                continue;
            }
            CountComparison.Result r = CountComparison.compare(
                    Math.round(b.value()), monthsBefore, Math.round(a.value()), monthsAfter, ALPHA);
            results.add(r);
            p[k] = r.pValue();
        }
        double[] q = FalseDiscovery.adjusted(p);
        List<Change> out = new ArrayList<>(codes.size());
        for (int k = 0; k < codes.size(); k++) {
            CountComparison.Result r = results.get(k);
            ProtectedCounts.Count[] c = counts.get(k);
            java.util.TreeSet<String> withheld = new java.util.TreeSet<>(c[0].withheld());
            withheld.addAll(c[1].withheld());
            if (r == null) {
                out.add(new Change(
                        codes.get(k),
                        null,
                        null,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        "suppressed",
                        List.copyOf(withheld)));
                continue;
            }
            String change = !(q[k] < ALPHA)
                    ? CountComparison.Direction.NO_CHANGE.words()
                    : r.rateRatio() < 1
                            ? CountComparison.Direction.FEWER.words()
                            : CountComparison.Direction.MORE.words();
            out.add(new Change(
                    codes.get(k),
                    r.before(),
                    r.after(),
                    r.rateRatio(),
                    r.pValue(),
                    q[k],
                    change,
                    List.copyOf(withheld)));
        }
        String rules = later.isEmpty() ? "" : SharedCounts.rules(later.get(0).sharingGroups());
        String suppression = rules.isEmpty()
                ? ""
                : "restricted feeds counted only from their partners' published monthly tables (" + rules
                        + "), so each period is a sum of published figures; an area suppressed in either period is "
                        + "not tested";
        return new Comparison(baselinePeriod, laterPeriod, suppression, out);
    }
}
