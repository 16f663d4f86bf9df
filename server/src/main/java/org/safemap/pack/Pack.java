package org.safemap.pack;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.locationtech.jts.geom.Geometry;
import org.safemap.actions.TaskingAction;
import org.safemap.hotspot.CountComparison;
import org.safemap.runs.Sources;
import org.safemap.time.Period;

/**
 * A tasking pack's content, computed from the store: every number it prints, the runs they come from and the
 * sources behind them. Rendering ({@link PackDocument}) only lays this out.
 *
 * @param dataFirst    first month with records (of the chosen feeds)
 * @param dataLast     last month with records
 * @param previous     the period just before, of equal length
 * @param yearEarlier  the same period a year before
 * @param previousKnown     whether the data covers the previous period whole (otherwise its numbers are not shown)
 * @param yearEarlierKnown  the same for the year-earlier period
 * @param headline     records in the area by category group (the last row is the total)
 * @param hotspots     the top hot spots, most incidents first
 * @param breakdowns   what each hot spot holds, in the order of {@code hotspots}
 * @param reviews      the actions agreed before the period's end in the area, oldest first, each with the incidents
 *                     before and after it
 * @param notes        what the reader must know to read the numbers (data caveats, gaps)
 */
public record Pack(
        PackRequest request,
        PackArea area,
        YearMonth dataFirst,
        YearMonth dataLast,
        Period previous,
        Period yearEarlier,
        boolean previousKnown,
        boolean yearEarlierKnown,
        List<Headline> headline,
        List<Hotspot> hotspots,
        List<Breakdown> breakdowns,
        EmergingSection emerging,
        RepeatSection repeats,
        List<ActionReview> reviews,
        List<SourceNote> sources,
        List<String> referenceData,
        List<CitedRun> runs,
        Method method,
        List<String> notes,
        Instant generated,
        String version) {

    /**
     * One row of the headline table: weighted incident counts (an event seen by several feeds counts once; a record
     * known only to a window counts by the share of it inside the period).
     *
     * @param group   a category group or code; "all" for the total row
     * @param label   its plain name ("Anti-social behaviour"), as printed
     * @param members what it holds, for people
     */
    public record Headline(
            String group, String label, String members, double current, Double previous, Double yearEarlier) {}

    /**
     * One hot spot LSOA.
     *
     * @param number       its number in this pack (on the maps)
     * @param contextRank  its rank by incidents among all the district's LSOAs in the stored run
     * @param previous     incidents in the previous period (null when the data does not cover it)
     * @param giClass      hot_99 ... none ... cold_99, Gi* over the district with FDR correction
     * @param emergingClass the emerging hot spot class code, null when too few months exist
     */
    public record Hotspot(
            int number,
            int contextRank,
            String code,
            String name,
            double incidents,
            Integer residents,
            Double ratePer1000,
            Double previous,
            Double giZ,
            String giClass,
            String emergingClass,
            Integer imdDecile,
            Geometry geometry) {}

    /**
     * One hot spot taken apart, so the meeting sees whose problem it is: its incidents by category group against the
     * previous period and a year earlier (counted as the headline counts), each exact feed's part, when its timed
     * records happen, and its repeat locations. Feeds its reader sees only as counts are added by
     * {@link PackSharedCounts#byHotspot}, never here.
     *
     * @param code      the hot spot's LSOA
     * @param groups    the category groups with any incident in one of the three periods, the headline's order
     * @param feeds     each feed the pack reads exactly, with its events here in the period (an event two feeds both
     *                  recorded counts once for each), largest first; feeds with none left out
     * @param timed     records here in the period timed to within an hour (the viewer's profile's rule)
     * @param untimed   records known only to a longer window (police.uk: the month)
     * @param peakHours the busiest hours of the timed records, busiest first (at most three)
     * @param peakDays  the busiest days of the week of the timed records, busiest first (at most two)
     * @param repeats   the repeat locations inside it, most incidents first
     */
    public record Breakdown(
            String code,
            List<GroupCount> groups,
            List<FeedCount> feeds,
            long timed,
            long untimed,
            List<Peak> peakHours,
            List<Peak> peakDays,
            List<RepeatLocation> repeats) {}

    /** A category group's incidents in one hot spot; previous and yearEarlier null when the pack shows no such period. */
    public record GroupCount(String group, String label, double current, Double previous, Double yearEarlier) {}

    /** A feed's events in one hot spot, named as the sources footnote names it. */
    public record FeedCount(String feed, String title, double events) {}

    /** An hour ("22:00 to 23:00") or a day ("Saturday") and the timed records in it. */
    public record Peak(String label, long records) {}

    /**
     * Emerging and persistent hot spots over the months up to the period's end.
     *
     * @param runId   the stored emerging run, empty when there were too few months
     * @param months  the monthly steps used
     * @param classes the number of the area's LSOAs in each class (code to count)
     * @param hot     the area's LSOAs in a hot class, the run's order
     * @param note    why there is no run, or empty
     */
    public record EmergingSection(
            Optional<Long> runId,
            List<String> months,
            Map<String, Integer> classes,
            List<EmergingArea> hot,
            Optional<String> note) {}

    public record EmergingArea(
            String code,
            String name,
            String emergingClass,
            double incidents,
            int hotSteps,
            int steps,
            double trendTau,
            double trendP) {}

    /** Places where incidents recur in the period, from a stored repeats run. */
    public record RepeatSection(
            long runId,
            double incidents,
            int locations,
            double repeatIncidents,
            List<RepeatLocation> top,
            boolean snapped) {}

    /**
     * @param description the location as the records give it (police.uk's "On or near ..."), the most frequent
     * @param lsoa        the LSOA it lies in
     */
    public record RepeatLocation(
            int rank,
            double x,
            double y,
            double incidents,
            String first,
            String last,
            String description,
            String lsoa) {}

    /**
     * A feed behind the pack and the protocol it is shared under; empty only for files loaded before SafeMap
     * recorded protocols, and the footnote then says so.
     */
    public record SourceNote(Sources.Source source, Optional<String> protocol) {
        /** The feeds a pack's numbers read (its sources), for the audit. */
        public static java.util.List<String> feeds(java.util.List<SourceNote> notes) {
            return notes.stream().map(n -> n.source().feed()).toList();
        }
    }

    /** A stored run the pack's numbers come from: {@code GET /api/hotspots/{id}} shows it whole. */
    public record CitedRun(long id, String kind, String what) {}

    /** The method's settings, printed so the figures can be reproduced. */
    public record Method(double bandwidthMetres, double cellMetres, String kernel, String neighbours, boolean fdr) {}

    /**
     * An action from an earlier meeting, reviewed: the incidents in its area (the pack's categories and feeds) in the
     * months before the month it was agreed and as many months after it, and the exact test of the change.
     *
     * @param before  the months before, empty when there is nothing to compare (agreed too recently, or before the data)
     * @param after   as many months after the month agreed, to the end of the pack's period
     * @param change  the counts (rounded to whole events) and the test; empty with {@code before}
     * @param note    why there is no comparison, or empty
     */
    public record ActionReview(
            TaskingAction action,
            Optional<Period> before,
            Optional<Period> after,
            Optional<CountComparison.Result> change,
            Optional<String> note) {}
}
