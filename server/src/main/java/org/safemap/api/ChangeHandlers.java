package org.safemap.api;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.safemap.runs.AreaChanges;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.SharingGroup;
import org.safemap.time.Period;
import org.safemap.time.PeriodLimit;

/**
 * {@code /api/changes}: every area's change in incidents between a baseline period and a later one, with the test
 * {@link AreaChanges} states, ranked with the significant changes first: the same figures as the map's change layer
 * (both from the published count tables, {@link ProtectedCounts}).
 */
final class ChangeHandlers {
    private final ProtectedCounts tables;
    private final Access access;
    private final PeriodLimit periods;

    ChangeHandlers(ProtectedCounts tables, Access access, PeriodLimit periods) {
        this.tables = tables;
        this.access = access;
        this.periods = periods;
    }

    /**
     * {@code GET /api/changes?baseline=2022-01..2022-03&period=2022-04..2022-06&level=lsoa&categories=violence&feeds=...}
     */
    void changes(Context ctx) {
        String level = QueryParams.text(ctx, "level").orElse("lsoa");
        if (!List.of("lsoa", "msoa", "ward", "lad").contains(level)) {
            throw ApiException.badRequest("level must be lsoa, msoa, ward or lad, not '" + level + "'");
        }
        Period period = months(ctx, "period");
        Period baseline = months(ctx, "baseline");
        List<String> feeds = QueryParams.list(ctx, "feeds");
        List<String> categories = QueryParams.list(ctx, "categories");
        Principal who = Principals.of(ctx);
        List<ProtectedCounts.Table> before = tables.tables(who, baseline);
        List<ProtectedCounts.Table> after = tables.tables(who, period);
        ProtectedCounts.Table first = after.get(0);
        if (level.equals(first.middleLevel().equals("msoa") ? "ward" : "msoa")) {
            throw ApiException.badRequest("this installation counts partners' restricted feeds per "
                    + first.middleLevel() + ", not per " + level + "; compare " + first.middleLevel() + "s instead");
        }
        AreaChanges.Comparison c = AreaChanges.compare(
                baseline, before, period, after, first.codes(level), new ProtectedCounts.Selection(feeds, categories));
        List<AreaChanges.Change> ranked = new ArrayList<>(c.areas());
        // Significant changes first, most significant first; then the rest by p-value; suppressed areas last.
        ranked.sort(Comparator.comparing((AreaChanges.Change a) -> a.suppressed())
                .thenComparing(a -> a.change().equals("no change"))
                .thenComparingDouble(a -> Double.isNaN(a.qValue()) ? 2 : a.qValue())
                .thenComparingDouble(a -> Double.isNaN(a.pValue()) ? 2 : a.pValue())
                .thenComparing(AreaChanges.Change::code));
        List<Map<String, Object>> areas = new ArrayList<>(ranked.size());
        int more = 0;
        int fewer = 0;
        for (AreaChanges.Change a : ranked) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", a.code());
            m.put("baseline_incidents", a.before());
            m.put("incidents", a.after());
            m.put("rate_ratio", finite(a.rateRatio()));
            m.put("p_value", finite(a.pValue()));
            m.put("q_value", finite(a.qValue()));
            m.put("change", a.change());
            if (!a.withheld().isEmpty()) {
                m.put("withheld_feeds", a.withheld());
            }
            more += a.change().equals("more") ? 1 : 0;
            fewer += a.change().equals("fewer") ? 1 : 0;
            areas.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("level", level);
        body.put("baseline", baseline.label());
        body.put("baseline_months", before.size());
        body.put("period", period.label());
        body.put("months", after.size());
        body.put("test", AreaChanges.TEST);
        body.put("alpha", AreaChanges.ALPHA);
        body.put("more", more);
        body.put("fewer", fewer);
        if (!c.suppression().isEmpty()) {
            body.put("suppression", c.suppression());
        }
        body.put("areas", areas);
        TreeSet<String> used = new TreeSet<>(first.view().at(DisclosureLevel.POINTS));
        for (SharingGroup g : first.sharingGroups()) {
            used.addAll(g.feeds());
        }
        access.audit(ctx, "api.changes", used, areas.size());
        ctx.json(body);
    }

    private Period months(Context ctx, String name) {
        String text = QueryParams.text(ctx, name)
                .orElseThrow(() -> ApiException.badRequest(
                        name + " is required: a month (2022-07) or a range of months (2022-01..2022-03)"));
        Period p;
        try {
            p = periods.apply(Period.parse(text));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (!p.wholeMonths()) {
            throw ApiException.badRequest(
                    "counts are published by whole months; " + name + " '" + text + "' is not whole months");
        }
        return p;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
