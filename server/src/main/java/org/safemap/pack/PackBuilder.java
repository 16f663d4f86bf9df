package org.safemap.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.safemap.AppVersion;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.actions.ActionLog;
import org.safemap.actions.TaskingAction;
import org.safemap.db.DataVersion;
import org.safemap.db.Work;
import org.safemap.geo.GridReference;
import org.safemap.hotspot.BandwidthRule;
import org.safemap.hotspot.CountComparison;
import org.safemap.hotspot.EmergingRules;
import org.safemap.hotspot.KdeMode;
import org.safemap.hotspot.Kernel;
import org.safemap.runs.EmergingRunner;
import org.safemap.runs.HotspotRunner;
import org.safemap.runs.IncidentProfiles;
import org.safemap.runs.NearRepeats;
import org.safemap.runs.PointSelector;
import org.safemap.runs.RunStore;
import org.safemap.runs.Selection;
import org.safemap.runs.Sources;
import org.safemap.time.Period;

/**
 * Computes a tasking pack with the hotspot engine: a hotspot run for the period and one for the previous period
 * over the district's LSOAs, an emerging hot spot run over the months up to the period's end, a repeats run over
 * the area, and counts by category group through the same record selection the runs use. Every run is stored, so
 * the pack cites it.
 */
public final class PackBuilder {
    /** Kernel radius of the runs: the usual practice for police.uk's snapped points (docs/hotspots.md). */
    static final double BANDWIDTH_METRES = 250;
    /** Months of history the emerging classes look back over, the period's last month included. */
    static final int EMERGING_MONTHS = 12;

    static final int REPEATS_SHOWN = 10;
    /** Repeat locations the run keeps, so each hot spot finds its own beyond the area's top ten. */
    static final int REPEATS_KEPT = 300;
    /** Repeat locations listed under each hot spot. */
    static final int REPEATS_PER_HOTSPOT = 3;

    static final int PEAK_HOURS = 3;
    static final int PEAK_DAYS = 2;
    /** Longest window either side of an action's month in its review, months. */
    static final int REVIEW_MONTHS = 6;
    /** Actions agreed up to this long before the period's last month are reviewed, months. */
    static final int REVIEW_LOOKBACK_MONTHS = 12;

    static final int REVIEWS_SHOWN = 20;
    /** Significance level of the reviews' change test. */
    static final double REVIEW_ALPHA = 0.05;

    static final int EMERGING_SHOWN = 15;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA_MONTHS = """
            SELECT min(event_from), max(event_from) FROM incident
            WHERE cardinality(?::text[]) = 0 OR feed = ANY(?::text[])""";
    private static final String GROUPS = """
            SELECT c.group_code, coalesce(max(g.label), c.group_code), string_agg(c.label, ', ' ORDER BY c.sort_order)
            FROM category c LEFT JOIN category_group g ON g.code = c.group_code
            GROUP BY c.group_code ORDER BY min(c.sort_order)""";
    private static final String CATEGORY = """
            SELECT coalesce((SELECT label FROM category WHERE code = ?), (SELECT label FROM category_group WHERE code = ?)),
                   string_agg(label, ', ' ORDER BY sort_order)
            FROM category WHERE code = ? OR group_code = ?""";
    /** The run's rows for the area's LSOAs, in the run's order, with last period, emerging class and deprivation. */
    private static final String TOP = """
            SELECT r.rank, r.code, coalesce(a.name, r.code), r.incidents, r.population, r.rate_per_1000, r.gi_z,
                   r.gi_class, p.incidents, e.emerging_class, d.imd_decile, ST_AsBinary(a.geom)
            FROM hotspot_area_result r
            LEFT JOIN area a ON a.level = r.level AND a.vintage = r.vintage AND a.code = r.code
            LEFT JOIN hotspot_area_result p ON p.run_id = ? AND p.level = r.level AND p.code = r.code
            LEFT JOIN hotspot_area_result e ON e.run_id = ? AND e.level = r.level AND e.code = r.code
            LEFT JOIN LATERAL (SELECT imd_decile FROM lsoa_deprivation x
                               WHERE x.code = r.code AND x.vintage = r.vintage
                               ORDER BY x.edition DESC LIMIT 1) d ON true
            WHERE r.run_id = ? AND r.level = 'lsoa' AND r.code = ANY(?::text[]) AND r.incidents > 0
            ORDER BY r.rank LIMIT ?""";

    private static final String EMERGING = """
            SELECT r.code, coalesce(a.name, r.code), r.emerging_class, r.incidents, r.hot_steps, r.steps,
                   r.trend_tau, r.trend_p
            FROM hotspot_area_result r
            LEFT JOIN area a ON a.level = r.level AND a.vintage = r.vintage AND a.code = r.code
            WHERE r.run_id = ? AND r.level = 'lsoa' AND r.code = ANY(?::text[])
            ORDER BY r.rank""";
    /** What the records at a repeat location call it, the commonest first, and its LSOA. */
    private static final String PLACE = """
            SELECT coalesce(location_text, ''), coalesce(lsoa_code, ''), count(*) FROM incident
            WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(?, ?), 27700), 0.5)
              AND event_from < ? AND event_to >= ?
            GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 1""";

    /** The nearest named street in the gazetteer, for a repeat location its records do not name. */
    private static final String NEAREST_STREET = """
            SELECT name FROM gazetteer
            WHERE kind = 'street' AND x BETWEEN ? AND ? AND y BETWEEN ? AND ?
            ORDER BY (x - ?) * (x - ?) + (y - ?) * (y - ?), name LIMIT 1""";
    /** How far a repeat location looks for the street that names it, metres. */
    static final double STREET_REACH_M = 250;

    private static final Pattern UNNAMED = Pattern.compile("(?i)\\s*(on or near)?\\s*[-.,]?\\s*");

    private final DataSource dataSource;
    private final Sources sources;
    private final List<String> referenceData;
    private final Map<String, String> feedTitles;
    private final Executor helper;

    /**
     * @param referenceData credit lines for boundaries, population and deprivation, printed in the footnote
     * @param feedTitles    every feed's name and title, in the catalogue's order (the hot spots' feed parts)
     * @param helper        runs parts of a pack beside the calling thread (the other core)
     */
    public PackBuilder(
            DataSource dataSource,
            Sources sources,
            List<String> referenceData,
            Map<String, String> feedTitles,
            Executor helper) {
        this.dataSource = dataSource;
        this.sources = sources;
        this.referenceData = List.copyOf(referenceData);
        this.feedTitles = new LinkedHashMap<>(feedTitles);
        this.helper = helper;
    }

    public Pack build(PackRequest r, Consumer<String> progress) {
        PackArea area = r.shape() != null
                ? new PackAreas(dataSource).drawn(r.shape())
                : new PackAreas(dataSource).find(r.area());
        progress.accept(String.format(
                Locale.UK,
                "%s %s (%s): %d LSOAs; hot spots judged among %s's %d LSOAs",
                area.levelTitle(),
                area.code(),
                area.name(),
                area.lsoas().size(),
                area.contextName(),
                area.contextLsoas().size()));
        YearMonth[] data = dataMonths(r.feeds());
        Period dataPeriod = ComparisonPeriods.monthRange(data[0], data[1]);
        Period period = r.period();
        List<String> notes = new ArrayList<>();
        if (!r.withheld().isEmpty()) {
            notes.add("Left out under the data-sharing protocols: " + String.join(", ", r.withheld()) + ". This pack "
                    + "counts and places records exactly, and those feeds are shared with its reader only as "
                    + "suppressed aggregates or at reduced precision: their counts are under \"Shared as counts\" "
                    + "below the headline, and the map's layers show them at that level.");
        }
        if (r.hours() != null || r.weekdays() != null) {
            notes.add("Narrowed to" + PackDocument.filters(r).substring(1) + ": every count, hot spot and repeat "
                    + "location keeps only those times; a record known only to a longer window (police.uk: the month) "
                    + "counts by the share of its window that falls in them; the density maps are drawn for them "
                    + "in the same way.");
        }
        if (!period.from().isBefore(dataPeriod.to()) || !period.to().isAfter(dataPeriod.from())) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "period " + period.label() + " is outside the data: records "
                            + (r.feeds().isEmpty() ? "" : "of " + String.join(", ", r.feeds()) + " ") + "run from "
                            + data[0]
                            + " to " + data[1]);
        }
        if (period.from().isBefore(dataPeriod.from()) || period.to().isAfter(dataPeriod.to())) {
            notes.add("The period reaches beyond the months with data (" + data[0] + " to " + data[1] + "); its "
                    + "counts cover only those months.");
        }
        Period previous = ComparisonPeriods.previous(period);
        Period yearEarlier = ComparisonPeriods.yearEarlier(period);
        boolean previousKnown = covers(dataPeriod, previous);
        boolean yearKnown = covers(dataPeriod, yearEarlier);
        if (!previousKnown) {
            notes.add("No comparison with " + previous.label() + ": the data starts in " + data[0] + ".");
        }
        if (!yearKnown) {
            notes.add("No comparison with a year earlier (" + yearEarlier.label() + "): the data starts in " + data[0]
                    + ".");
        }

        TreeSet<Long> batches = new TreeSet<>();
        List<Pack.CitedRun> runs = new ArrayList<>();
        Selection inArea = selection(r, period, area.lsoas());
        Consumer<String> said = message -> {
            synchronized (progress) {
                progress.accept(message);
            }
        };

        YearMonth last = YearMonth.from(period.to().minusNanos(1).atZone(Period.LONDON));
        YearMonth first = last.minusMonths(EMERGING_MONTHS - 1L);
        if (first.isBefore(data[0])) {
            first = data[0];
        }
        if (last.isAfter(data[1])) {
            last = data[1];
        }
        int steps = first.isAfter(last) ? 0 : (int) java.time.temporal.ChronoUnit.MONTHS.between(first, last) + 1;
        Period span = steps >= EmergingRunner.MIN_STEPS ? ComparisonPeriods.monthRange(first, last) : null;
        // The previous period's run and the emerging run go on the other core while this thread counts and makes the
        // period's run; neither reads what the other writes.
        HotspotRunner runner = new HotspotRunner(dataSource);
        CompletableFuture<Long[]> beside = CompletableFuture.supplyAsync(
                Work.carried(() -> new Long[] {
                    previousKnown
                            ? hotspotRun(runner, selection(r, previous, area.contextLsoas()), previous, said)
                            : null,
                    span == null ? null : emergingRun(selection(r, span, area.contextLsoas()), steps, span, said)
                }),
                helper);
        said.accept("counting records by category group");
        List<Pack.Headline> headline =
                headline(r, area, period, previousKnown ? previous : null, yearKnown ? yearEarlier : null, batches);

        said.accept("reviewing the actions of earlier meetings");
        List<Pack.ActionReview> reviews = reviews(r, area, period, data, batches);

        long current = hotspotRun(runner, selection(r, period, area.contextLsoas()), period, said);
        runs.add(new Pack.CitedRun(
                current, "hotspots", "counts, rates and Gi* for " + period.label() + " over " + area.contextName()));

        said.accept("repeat locations");
        NearRepeats.Outcome repeats = new NearRepeats(dataSource).repeats(inArea, 0, 2, REPEATS_KEPT, "pack");

        Long[] besides = joined(beside);
        Long before = besides[0];
        Long emergingRun = besides[1];
        if (before != null) {
            runs.add(new Pack.CitedRun(before, "hotspots", "counts for the previous period, " + previous.label()));
        }
        List<String> months = new ArrayList<>();
        Optional<String> emergingNote = Optional.empty();
        if (emergingRun != null) {
            runs.add(new Pack.CitedRun(emergingRun, "emerging", "emerging hot spot classes over " + span.label()));
            for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
                months.add(m.toString());
            }
        } else {
            emergingNote = Optional.of("Emerging hot spot classes need at least " + EmergingRunner.MIN_STEPS
                    + " months of data up to the period's end; only " + steps
                    + (steps == 1 ? " month exists" : " months exist")
                    + " (the data starts in "
                    + data[0] + "), so this pack shows none.");
        }

        runs.add(new Pack.CitedRun(
                repeats.runId(), "repeats", "repeat locations in " + area.name() + ", " + period.label()));

        RunStore store = new RunStore(dataSource);
        for (Pack.CitedRun run : runs) {
            batches.addAll(batchesOf(store, run.id()));
        }
        List<Pack.SourceNote> notesBySource = new ArrayList<>();
        for (Sources.Source s :
                sources.of(batches.stream().mapToLong(Long::longValue).toArray())) {
            notesBySource.add(
                    new Pack.SourceNote(s, s.protocol().isEmpty() ? Optional.empty() : Optional.of(s.protocol())));
        }
        Map<String, Object> summary = readJson(store.run(current).orElseThrow().summary());
        double cell = ((Number) summary.getOrDefault("cellM", 0)).doubleValue();

        try (Connection c = dataSource.getConnection()) {
            List<Pack.Hotspot> hotspots = top(c, current, before, emergingRun, area, r.top());
            Pack.EmergingSection emerging = emergingSection(c, emergingRun, months, area, emergingNote);
            Map<String, List<Pack.RepeatLocation>> repeatsIn = new LinkedHashMap<>();
            Pack.RepeatSection repeatSection = repeatSection(c, repeats, period, hotspots, repeatsIn);
            said.accept("taking the " + hotspots.size() + " hot spots apart");
            List<Pack.Breakdown> breakdowns = breakdowns(
                    r,
                    period,
                    previousKnown ? previous : null,
                    yearKnown ? yearEarlier : null,
                    headline,
                    hotspots,
                    repeatsIn,
                    batches);
            if (repeatSection.snapped()) {
                notes.add("Police.uk records are placed on anonymous snap points (\"On or near ...\"), each standing "
                        + "for several addresses, and are known only to the month: no date or time of day.");
            }
            if (hotspots.stream().anyMatch(h -> h.incidents() < 10)) {
                notes.add("Counts under 10 are small: a change of a few incidents is within ordinary month-to-month "
                        + "variation.");
            }
            return new Pack(
                    r,
                    area,
                    data[0],
                    data[1],
                    previous,
                    yearEarlier,
                    previousKnown,
                    yearKnown,
                    headline,
                    hotspots,
                    breakdowns,
                    emerging,
                    repeatSection,
                    reviews,
                    notesBySource,
                    referenceData,
                    runs,
                    new Pack.Method(BANDWIDTH_METRES, cell, Kernel.QUARTIC.code(), "queen", true),
                    notes,
                    Instant.now(),
                    AppVersion.current());
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the pack's runs", e);
        }
    }

    /**
     * The actions agreed before the period's end whose area overlaps the pack's (by LSOA), agreed within
     * {@link #REVIEW_LOOKBACK_MONTHS} of its last month, the latest {@link #REVIEWS_SHOWN}, oldest first.
     */
    private List<Pack.ActionReview> reviews(
            PackRequest r, PackArea area, Period period, YearMonth[] data, TreeSet<Long> batches) {
        YearMonth last = YearMonth.from(period.to().minusNanos(1).atZone(Period.LONDON));
        if (last.isAfter(data[1])) {
            last = data[1];
        }
        LocalDate end = period.to().atZone(Period.LONDON).toLocalDate();
        Set<String> mine = new HashSet<>(area.lsoas());
        PackAreas areas = new PackAreas(dataSource);
        PointSelector selector = new PointSelector(dataSource);
        List<Pack.ActionReview> out = new ArrayList<>();
        for (TaskingAction a : ActionLog.select(dataSource, new ActionLog.Filter(null, null, end))) {
            YearMonth agreed = YearMonth.from(a.agreedOn());
            if (agreed.isBefore(last.minusMonths(REVIEW_LOOKBACK_MONTHS))) {
                break; // newest first: the rest are older still
            }
            List<String> lsoas;
            if (a.areaCode().equals(area.code())) {
                lsoas = area.lsoas();
            } else {
                try {
                    lsoas = areas.find(a.areaCode()).lsoas();
                } catch (SafemapException e) {
                    continue; // an area whose boundaries are no longer loaded
                }
            }
            if (lsoas.stream().noneMatch(mine::contains)) {
                continue;
            }
            out.add(review(r, a, lsoas, agreed, last, data[0], selector, batches));
            if (out.size() == REVIEWS_SHOWN) {
                break;
            }
        }
        Collections.reverse(out);
        return out;
    }

    /**
     * One action's review: k months before the month it was agreed against the k months after it (that month, half
     * before and half after, is in neither), k as many as the data and the period allow, at most
     * {@link #REVIEW_MONTHS}.
     */
    private static Pack.ActionReview review(
            PackRequest r,
            TaskingAction a,
            List<String> lsoas,
            YearMonth agreed,
            YearMonth last,
            YearMonth dataFirst,
            PointSelector selector,
            TreeSet<Long> batches) {
        long after = ChronoUnit.MONTHS.between(agreed, last);
        long before = ChronoUnit.MONTHS.between(dataFirst, agreed);
        if (after <= 0) {
            return new Pack.ActionReview(
                    a,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of("agreed in " + PackDocument.name(agreed) + ": too recent to compare; the next pack "
                            + "will show what followed"));
        }
        if (before <= 0) {
            return new Pack.ActionReview(
                    a,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of("no data before " + PackDocument.name(agreed) + ", when it was agreed"));
        }
        int k = (int) Math.min(REVIEW_MONTHS, Math.min(after, before));
        Period pb = ComparisonPeriods.monthRange(agreed.minusMonths(k), agreed.minusMonths(1));
        Period pa = ComparisonPeriods.monthRange(agreed.plusMonths(1), agreed.plusMonths(k));
        long nb = Math.round(count(selector, selection(r, pb, lsoas), batches));
        long na = Math.round(count(selector, selection(r, pa, lsoas), batches));
        return new Pack.ActionReview(
                a,
                Optional.of(pb),
                Optional.of(pa),
                Optional.of(CountComparison.compare(nb, k, na, k, REVIEW_ALPHA)),
                Optional.empty());
    }

    /** The district-wide hot spot run of {@code s}: a stored one made over the same records, else a new one. */
    private static long hotspotRun(HotspotRunner runner, Selection s, Period p, Consumer<String> progress) {
        HotspotRunner.Request request = hotspotRequest(s);
        Optional<Long> stored = runner.stored(request);
        if (stored.isPresent()) {
            progress.accept(
                    "hot spot run for " + p.label() + ": run " + stored.get() + ", stored over the same records");
            return stored.get();
        }
        progress.accept("hot spot run for " + p.label());
        return runner.run(request, m -> {});
    }

    private long emergingRun(Selection s, int steps, Period span, Consumer<String> progress) {
        EmergingRunner runner = new EmergingRunner(dataSource);
        EmergingRunner.Request request = new EmergingRunner.Request(
                s, "lsoa", Optional.empty(), false, "queen", 1, true, EmergingRules.DEFAULT, "pack");
        Optional<Long> stored = runner.stored(request);
        String what = "emerging hot spot run over " + steps + " months (" + span.label() + ")";
        if (stored.isPresent()) {
            progress.accept(what + ": run " + stored.get() + ", stored over the same records");
            return stored.get();
        }
        progress.accept(what);
        return runner.run(request, m -> {});
    }

    /** The value of a part computed beside this thread, its failure rethrown as it was thrown. */
    static <T> T joined(CompletableFuture<T> part) {
        try {
            return part.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static HotspotRunner.Request hotspotRequest(Selection s) {
        return new HotspotRunner.Request(
                s,
                "lsoa",
                Optional.empty(),
                Optional.of(BANDWIDTH_METRES),
                BandwidthRule.PPL,
                Kernel.QUARTIC,
                KdeMode.EXACT,
                false,
                "queen",
                true,
                10,
                Optional.empty(),
                "pack");
    }

    static Selection selection(PackRequest r, Period period, List<String> lsoas) {
        return new Selection(
                period,
                r.categories(),
                r.feeds(),
                r.hourMask(),
                r.weekdayMask(),
                Optional.of(Selection.AreaOfInterest.codes("lsoa", lsoas)),
                Optional.empty(),
                true,
                true);
    }

    private static boolean covers(Period data, Period p) {
        return !p.from().isBefore(data.from()) && !p.to().isAfter(data.to());
    }

    private YearMonth[] dataMonths(List<String> feeds) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(DATA_MONTHS)) {
            java.sql.Array a = c.createArrayOf("text", feeds.toArray());
            ps.setArray(1, a);
            ps.setArray(2, a);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getObject(1) == null) {
                    throw new SafemapException(
                            ErrorCode.BAD_REQUEST,
                            feeds.isEmpty()
                                    ? "no records are loaded yet"
                                    : "no records of " + String.join(", ", feeds) + " are loaded");
                }
                return new YearMonth[] {month(rs.getTimestamp(1)), month(rs.getTimestamp(2))};
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the data's months", e);
        }
    }

    private static YearMonth month(java.sql.Timestamp t) {
        return YearMonth.from(t.toInstant().atZone(Period.LONDON));
    }

    /** One row per group (or per category asked for) and a total, each in the three periods. */
    private List<Pack.Headline> headline(
            PackRequest r, PackArea area, Period current, Period previous, Period yearEarlier, TreeSet<Long> batches) {
        Map<String, String> rows = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            if (r.categories().isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(GROUPS);
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        labels.put(rs.getString(1), rs.getString(2));
                        rows.put(rs.getString(1), rs.getString(3));
                    }
                }
            } else {
                for (String code : r.categories()) {
                    try (PreparedStatement ps = c.prepareStatement(CATEGORY)) {
                        ps.setString(1, code);
                        ps.setString(2, code);
                        ps.setString(3, code);
                        ps.setString(4, code);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            labels.put(code, rs.getString(1) == null ? code : rs.getString(1));
                            rows.put(code, rs.getString(2) == null ? code : rs.getString(2));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the categories", e);
        }
        PointSelector selector = new PointSelector(dataSource);
        List<Pack.Headline> out = new ArrayList<>();
        for (Map.Entry<String, String> row : rows.entrySet()) {
            PackRequest one = r.withCategories(List.of(row.getKey()));
            out.add(new Pack.Headline(
                    row.getKey(),
                    labels.get(row.getKey()),
                    row.getValue(),
                    count(selector, selection(one, current, area.lsoas()), batches),
                    previous == null ? null : count(selector, selection(one, previous, area.lsoas()), batches),
                    yearEarlier == null ? null : count(selector, selection(one, yearEarlier, area.lsoas()), batches)));
        }
        out.add(new Pack.Headline(
                "all",
                "All records",
                r.categories().isEmpty() ? "all categories" : String.join(", ", r.categories()),
                count(selector, selection(r, current, area.lsoas()), batches),
                previous == null ? null : count(selector, selection(r, previous, area.lsoas()), batches),
                yearEarlier == null ? null : count(selector, selection(r, yearEarlier, area.lsoas()), batches)));
        return out;
    }

    private static double count(PointSelector selector, Selection s, TreeSet<Long> batches) {
        PointSelector.Selected sel = selector.select(s, "lsoa", Map.of());
        for (long b : sel.batches()) {
            batches.add(b);
        }
        return sel.points().totalWeight();
    }

    private static List<Pack.Hotspot> top(Connection c, long run, Long previous, Long emerging, PackArea area, int n)
            throws SQLException {
        List<Pack.Hotspot> out = new ArrayList<>();
        WKBReader wkb = new WKBReader();
        try (PreparedStatement ps = c.prepareStatement(TOP)) {
            ps.setLong(1, previous == null ? -1 : previous);
            ps.setLong(2, emerging == null ? -1 : emerging);
            ps.setLong(3, run);
            ps.setArray(4, c.createArrayOf("text", area.lsoas().toArray()));
            ps.setInt(5, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pack.Hotspot(
                            out.size() + 1,
                            rs.getInt(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getDouble(4),
                            (Integer) rs.getObject(5),
                            nullable(rs, 6),
                            previous == null ? null : nullable(rs, 9),
                            nullable(rs, 7),
                            rs.getString(8),
                            rs.getString(10),
                            rs.getObject(11) == null ? null : rs.getInt(11),
                            wkb.read(rs.getBytes(12))));
                }
            }
        } catch (ParseException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "unreadable LSOA boundary", e);
        }
        return out;
    }

    private static Pack.EmergingSection emergingSection(
            Connection c, Long run, List<String> months, PackArea area, Optional<String> note) throws SQLException {
        Map<String, Integer> classes = new LinkedHashMap<>();
        List<Pack.EmergingArea> hot = new ArrayList<>();
        if (run != null) {
            try (PreparedStatement ps = c.prepareStatement(EMERGING)) {
                ps.setLong(1, run);
                ps.setArray(2, c.createArrayOf("text", area.lsoas().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String cls = rs.getString(3);
                        classes.merge(cls, 1, Integer::sum);
                        if (cls.endsWith("_hot") && hot.size() < EMERGING_SHOWN) {
                            hot.add(new Pack.EmergingArea(
                                    rs.getString(1),
                                    rs.getString(2),
                                    cls,
                                    rs.getDouble(4),
                                    rs.getInt(5),
                                    rs.getInt(6),
                                    rs.getDouble(7),
                                    rs.getDouble(8)));
                        }
                    }
                }
            }
        }
        return new Pack.EmergingSection(Optional.ofNullable(run), months, classes, hot, note);
    }

    /**
     * The area's repeat locations, the first {@link #REPEATS_SHOWN}, and into {@code inHotspot} each hot spot's own
     * (at most {@link #REPEATS_PER_HOTSPOT}, most incidents first). Only the locations printed are named.
     */
    private static Pack.RepeatSection repeatSection(
            Connection c,
            NearRepeats.Outcome o,
            Period period,
            List<Pack.Hotspot> hotspots,
            Map<String, List<Pack.RepeatLocation>> inHotspot)
            throws SQLException {
        Map<String, Object> r = o.result();
        List<Pack.RepeatLocation> top = new ArrayList<>();
        GeometryFactory points = new GeometryFactory();
        for (Pack.Hotspot h : hotspots) {
            inHotspot.put(h.code(), new ArrayList<>());
        }
        for (Object row : (List<?>) r.get("top")) {
            Map<?, ?> m = (Map<?, ?>) row;
            double x = ((Number) m.get("x")).doubleValue();
            double y = ((Number) m.get("y")).doubleValue();
            int rank = ((Number) m.get("rank")).intValue();
            Point at = points.createPoint(new Coordinate(x, y));
            List<Pack.RepeatLocation> mine = null;
            for (Pack.Hotspot h : hotspots) {
                if (h.geometry().covers(at)) {
                    mine = inHotspot.get(h.code());
                    break;
                }
            }
            boolean shown = rank <= REPEATS_SHOWN;
            boolean ownList = mine != null && mine.size() < REPEATS_PER_HOTSPOT;
            if (!shown && !ownList) {
                continue;
            }
            String description = "";
            String lsoa = "";
            try (PreparedStatement ps = c.prepareStatement(PLACE)) {
                ps.setDouble(1, x);
                ps.setDouble(2, y);
                ps.setObject(3, java.time.OffsetDateTime.ofInstant(period.to(), Period.LONDON));
                ps.setObject(4, java.time.OffsetDateTime.ofInstant(period.from(), Period.LONDON));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        description = rs.getString(1);
                        lsoa = rs.getString(2);
                    }
                }
            }
            Pack.RepeatLocation location = new Pack.RepeatLocation(
                    rank,
                    x,
                    y,
                    ((Number) m.get("incidents")).doubleValue(),
                    localDate(m.get("first")),
                    localDate(m.get("last")),
                    named(c, description, x, y),
                    lsoa);
            if (shown) {
                top.add(location);
            }
            if (ownList) {
                mine.add(location);
            }
        }
        return new Pack.RepeatSection(
                o.runId(),
                ((Number) r.get("incidents")).doubleValue(),
                ((Number) r.get("locations")).intValue(),
                ((Number) r.get("repeatIncidents")).doubleValue(),
                top,
                !((List<?>) r.get("warnings")).isEmpty());
    }

    /**
     * Each hot spot taken apart. Counts go through the same selection as the headline (one read per group and period
     * over all the hot spots, split by LSOA), so a hot spot's groups add up to its row in the headline's terms; the
     * hours and days are the viewer's profile's table ({@link IncidentProfiles}).
     */
    private List<Pack.Breakdown> breakdowns(
            PackRequest r,
            Period period,
            Period previous,
            Period yearEarlier,
            List<Pack.Headline> headline,
            List<Pack.Hotspot> hotspots,
            Map<String, List<Pack.RepeatLocation>> repeatsIn,
            TreeSet<Long> batches) {
        if (hotspots.isEmpty()) {
            return List.of();
        }
        List<String> codes = hotspots.stream().map(Pack.Hotspot::code).toList();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < codes.size(); i++) {
            index.put(codes.get(i), i);
        }
        PointSelector selector = new PointSelector(dataSource);
        int n = codes.size();
        List<List<Pack.GroupCount>> groups = new ArrayList<>();
        List<List<Pack.FeedCount>> feeds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            groups.add(new ArrayList<>());
            feeds.add(new ArrayList<>());
        }
        for (Pack.Headline row : headline) {
            if (row.group().equals("all")) {
                continue;
            }
            PackRequest one = r.withCategories(List.of(row.group()));
            double[] now = perHotspot(selector, selection(one, period, codes), index, batches);
            double[] before =
                    previous == null ? null : perHotspot(selector, selection(one, previous, codes), index, batches);
            double[] year = yearEarlier == null
                    ? null
                    : perHotspot(selector, selection(one, yearEarlier, codes), index, batches);
            for (int i = 0; i < n; i++) {
                if (now[i] > 0 || before != null && before[i] > 0 || year != null && year[i] > 0) {
                    groups.get(i)
                            .add(new Pack.GroupCount(
                                    row.group(),
                                    row.label(),
                                    now[i],
                                    before == null ? null : before[i],
                                    year == null ? null : year[i]));
                }
            }
        }
        List<String> feedNames = r.feeds();
        if (feedNames.isEmpty()) { // every loaded feed, in the catalogue's order
            Set<String> loaded = new TreeSet<>(DataVersion.loadedFeeds(dataSource));
            List<String> ordered = new ArrayList<>(feedTitles.keySet());
            ordered.retainAll(loaded);
            loaded.removeAll(ordered);
            ordered.addAll(loaded);
            feedNames = ordered;
        }
        for (String feed : feedNames) {
            double[] now = perHotspot(selector, selection(r.withFeedsOnly(feed), period, codes), index, batches);
            for (int i = 0; i < n; i++) {
                if (now[i] > 0) {
                    feeds.get(i).add(new Pack.FeedCount(feed, feedTitles.getOrDefault(feed, feed), now[i]));
                }
            }
        }
        IncidentProfiles profiles = new IncidentProfiles(dataSource);
        List<Pack.Breakdown> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String code = codes.get(i);
            feeds.get(i).sort((a, b) -> Double.compare(b.events(), a.events()));
            IncidentProfiles.Counts counts = profiles.counts(selection(r, period, List.of(code)));
            long[][] table = counts.hourWeekday();
            long[] byHour = new long[24];
            long[] byDay = new long[7];
            for (int d = 0; d < 7; d++) {
                for (int h = 0; h < 24; h++) {
                    byHour[h] += table[d][h];
                    byDay[d] += table[d][h];
                }
            }
            out.add(new Pack.Breakdown(
                    code,
                    groups.get(i),
                    feeds.get(i),
                    counts.timed(),
                    counts.untimed(),
                    peaks(byHour, PEAK_HOURS, h -> String.format(Locale.UK, "%02d:00 to %02d:00", h, (h + 1) % 24)),
                    peaks(byDay, PEAK_DAYS, d -> DayOfWeek.of(d + 1).getDisplayName(TextStyle.FULL, Locale.UK)),
                    repeatsIn.getOrDefault(code, List.of())));
        }
        return out;
    }

    /** The selection's weighted count in each hot spot (indexed as {@code index}). */
    private static double[] perHotspot(
            PointSelector selector, Selection s, Map<String, Integer> index, TreeSet<Long> batches) {
        PointSelector.Selected sel = selector.select(s, "lsoa", index);
        for (long b : sel.batches()) {
            batches.add(b);
        }
        double[] out = new double[index.size()];
        double[] w = sel.points().weight();
        int[] area = sel.area();
        for (int k = 0; k < w.length; k++) {
            if (area[k] >= 0) {
                out[area[k]] += w[k];
            }
        }
        return out;
    }

    /** The {@code n} largest non-zero counts, largest first (earlier first among equals). */
    private static List<Pack.Peak> peaks(long[] counts, int n, java.util.function.IntFunction<String> label) {
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > 0) {
                order.add(k);
            }
        }
        order.sort((a, b) -> counts[b] != counts[a] ? Long.compare(counts[b], counts[a]) : Integer.compare(a, b));
        List<Pack.Peak> out = new ArrayList<>();
        for (int k : order.subList(0, Math.min(n, order.size()))) {
            out.add(new Pack.Peak(label.apply(k), counts[k]));
        }
        return out;
    }

    /**
     * A repeat location as the pack names it: as its records describe it, unless they say only "On or near" (or
     * nothing); then the nearest street in the gazetteer within {@link #STREET_REACH_M}, else its OS grid reference.
     */
    static String named(Connection c, String description, double x, double y) throws SQLException {
        if (description != null && !UNNAMED.matcher(description).matches()) {
            return description;
        }
        try (PreparedStatement ps = c.prepareStatement(NEAREST_STREET)) {
            ps.setDouble(1, x - STREET_REACH_M);
            ps.setDouble(2, x + STREET_REACH_M);
            ps.setDouble(3, y - STREET_REACH_M);
            ps.setDouble(4, y + STREET_REACH_M);
            ps.setDouble(5, x);
            ps.setDouble(6, x);
            ps.setDouble(7, y);
            ps.setDouble(8, y);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return "Near " + rs.getString(1) + " (nearest street)";
                }
            }
        }
        return GridReference.of(x, y) + " (grid reference)";
    }

    /** The run stores instants; a police.uk month starts at local midnight, which is the day before in UTC. */
    private static String localDate(Object instant) {
        return Instant.parse(String.valueOf(instant))
                .atZone(Period.LONDON)
                .toLocalDate()
                .toString();
    }

    private static List<Long> batchesOf(RunStore store, long runId) {
        List<Long> out = new ArrayList<>();
        try {
            JsonNode v = JSON.readTree(store.run(runId).orElseThrow().dataVersion());
            v.path("batches").forEach(b -> out.add(b.path("id").asLong()));
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "unreadable data version of run " + runId, e);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJson(String text) {
        try {
            return JSON.readValue(text, Map.class);
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "unreadable run summary", e);
        }
    }

    private static Double nullable(ResultSet rs, int k) throws SQLException {
        double v = rs.getDouble(k);
        return rs.wasNull() ? null : v;
    }
}
