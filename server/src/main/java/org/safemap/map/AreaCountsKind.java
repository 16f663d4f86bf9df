package org.safemap.map;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.geo.Crs;
import org.safemap.sharing.ProtectedCounts;
import org.safemap.sharing.SharedCounts;

/**
 * Incidents per area for the period, with monthly rates per 1,000 residents: the published count tables
 * ({@link ProtectedCounts}), so a restricted feed's small numbers are suppressed exactly as everywhere else.
 */
public record AreaCountsKind() implements CountTableKind {
    @Override
    public String code() {
        return "area-counts";
    }

    /** An area with no count (none of its records selected) is still drawn: its count is zero. */
    @Override
    public boolean drawsUnvalued() {
        return true;
    }

    @Override
    public Map<String, Map<String, Object>> values(LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        return data.values.get(data.version() + "|" + layer.name() + "|" + dims.key(), k -> counts(data, layer, dims));
    }

    private static Map<String, Map<String, Object>> counts(LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        String level = layer.source().level();
        // A range of months is the sum of the months' own published tables: a range's table protected on its own
        // could be differenced against its months to recover a suppressed one.
        List<ProtectedCounts.Table> tables =
                data.counts().tables(dims.view(), dims.time().period());
        ProtectedCounts.Selection sel = CountTableKind.selection(layer, dims);
        Map<String, Integer> population = data.store().population("lsoa");
        Map<String, Map<String, Object>> out = new HashMap<>();
        int months = dims.time().months();
        for (LayerData.Shape s : data.shapes(level, 0, Crs.BNG).shapes()) {
            ProtectedCounts.Count c = ProtectedCounts.overMonths(tables, s.code(), sel);
            Integer pop = level.equals("lsoa")
                    ? population.get(s.code())
                    : populationOf(tables.get(0).lsoas(s.code()), population);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("period", dims.time().text());
            if (c.suppressed()) {
                v.put("incidents", null);
                v.put("monthly", null);
                v.put("shown", "*");
                v.put("suppressed", true);
            } else {
                double n = c.value();
                v.put("incidents", LayerData.round(n));
                v.put("monthly", LayerData.round(n / months));
                v.put("suppressed", false);
            }
            v.put("population", pop);
            v.put(
                    "monthly_rate_per_1000",
                    c.suppressed() || pop == null || pop == 0
                            ? null
                            : LayerData.round(1000 * c.value() / months / pop));
            if (!c.withheld().isEmpty()) {
                v.put("withheld_feeds", c.withheld());
            }
            String rules = SharedCounts.rules(tables.get(0).sharingGroups());
            if (!rules.isEmpty()) {
                v.put(
                        "suppression",
                        "restricted feeds, each partner's on its own: " + rules
                                + (tables.size() > 1 ? ", month by month" : ""));
            }
            out.put(s.code(), v);
        }
        return out;
    }

    /** Residents of the LSOAs, or null when any of them has no population (or there are none). */
    private static Integer populationOf(List<String> lsoas, Map<String, Integer> population) {
        if (lsoas.isEmpty()) {
            return null;
        }
        int total = 0;
        for (String code : lsoas) {
            Integer p = population.get(code);
            if (p == null) {
                return null;
            }
            total += p;
        }
        return total;
    }
}
