package org.safemap.api;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.Principal;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.SharedCounts;
import org.safemap.sharing.SharingGroup;
import org.safemap.time.Period;
import org.safemap.time.PeriodLimit;

/**
 * {@code /api/counts}: every area's counts of one level for a period, as the reader may see them, in one answer (for
 * a spreadsheet, a GIS join or a script): the feeds they see as points counted exactly, and each partner's feeds they
 * see only as counts from that partner's published tables, '*' (null) where suppressed. The same cells as the count
 * layers, profiles and packs ({@link ProtectedCounts}), so nothing here can be differenced against them.
 */
final class CountHandlers {
    private final ProtectedCounts tables;
    private final Access access;
    private final PeriodLimit periods;

    CountHandlers(ProtectedCounts tables, Access access, PeriodLimit periods) {
        this.tables = tables;
        this.access = access;
        this.periods = periods;
    }

    /** {@code GET /api/counts?level=lsoa|msoa|ward|lad&period=2022-01..2022-03} */
    void counts(Context ctx) {
        String level = QueryParams.text(ctx, "level").orElse("lsoa");
        if (!List.of("lsoa", "msoa", "ward", "lad").contains(level)) {
            throw ApiException.badRequest("level must be lsoa, msoa, ward or lad, not '" + level + "'");
        }
        String text = QueryParams.text(ctx, "period")
                .orElseThrow(() -> ApiException.badRequest(
                        "period is required: a month (2022-07) or a range of months (2022-01..2022-03)"));
        Period period;
        try {
            period = periods.apply(Period.parse(text));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (!period.wholeMonths()) {
            throw ApiException.badRequest(
                    "counts are published by whole months; period '" + text + "' is not whole months");
        }
        Principal who = Principals.of(ctx);
        List<ProtectedCounts.Table> months = tables.tables(who, period);
        ProtectedCounts.Table first = months.get(0);
        List<String> points = first.view().at(DisclosureLevel.POINTS);
        List<SharingGroup> partners = first.sharingGroups();
        List<String> groups = first.groups();
        List<String> codes = first.codes(level);
        boolean published = !level.equals(otherMiddle(first.middleLevel()));

        List<Map<String, Object>> areas = new ArrayList<>(codes.size());
        for (String code : codes) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("code", code);
            a.put("exact", byGroup(months, code, points, groups));
            if (published) {
                Map<String, Object> shared = new LinkedHashMap<>();
                for (SharingGroup g : partners) {
                    shared.put(g.partner(), byGroup(months, code, g.feeds(), groups));
                }
                a.put("partners", shared);
            }
            areas.add(a);
        }
        List<Map<String, Object>> about = new ArrayList<>();
        for (SharingGroup g : partners) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("partner", g.partner());
            m.put("name", g.name());
            m.put("feeds", g.feeds());
            m.put("rule", g.rule().describe());
            m.put("threshold", g.rule().threshold());
            m.put("rounding", g.rule().rounding());
            about.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("level", level);
        body.put("period", period.label());
        body.put("groups", groups);
        body.put("exact_feeds", points);
        body.put("partners", published ? about : List.of());
        if (!published) {
            body.put(
                    "withheld_feeds",
                    partners.stream().flatMap(g -> g.feeds().stream()).sorted().toList());
            body.put(
                    "reason",
                    "this installation counts partners' restricted feeds per " + first.middleLevel() + ", not per "
                            + level);
        } else if (!partners.isEmpty()) {
            body.put(
                    "rule",
                    SharedCounts.rules(partners) + ", month by month; a range of months is the sum of its "
                            + "months, suppressed (null) if any is");
        }
        body.put("areas", areas);
        List<String> used = new ArrayList<>(points);
        if (published) {
            partners.forEach(g -> used.addAll(g.feeds()));
        }
        access.audit(ctx, "api.counts", used, areas.size());
        ctx.json(body);
    }

    /** The area's count by category group and in total ("all"); null where suppressed. */
    private static Map<String, Double> byGroup(
            List<ProtectedCounts.Table> months, String code, List<String> feeds, List<String> groups) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (feeds.isEmpty()) {
            return out;
        }
        for (String g : groups) {
            out.put(
                    g,
                    ProtectedCounts.overMonths(months, code, new ProtectedCounts.Selection(feeds, List.of(g)))
                            .value());
        }
        out.put(
                "all",
                ProtectedCounts.overMonths(months, code, new ProtectedCounts.Selection(feeds, List.of()))
                        .value());
        return out;
    }

    private static String otherMiddle(String middle) {
        return middle.equals("msoa") ? "ward" : "msoa";
    }
}
