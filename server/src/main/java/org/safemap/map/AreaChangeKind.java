package org.safemap.map;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.geo.Crs;
import org.safemap.runs.AreaChanges;
import org.safemap.sharing.ProtectedCounts;

/**
 * Areas classed by how their incidents changed from the baseline period (DIM_BASELINE) to the later one (TIME):
 * significantly more, significantly fewer, no significant change, or suppressed, by the test {@link AreaChanges}
 * states. Both counts come from the published count tables ({@link ProtectedCounts}), as the count layers' do.
 */
public record AreaChangeKind() implements CountTableKind {
    @Override
    public String code() {
        return "area-change";
    }

    @Override
    public boolean compares() {
        return true;
    }

    @Override
    public Map<String, Map<String, Object>> values(LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        if (dims.time() == null || dims.baseline() == null) {
            return Map.of();
        }
        return data.values.get(data.version() + "|" + layer.name() + "|" + dims.key(), k -> changes(data, layer, dims));
    }

    private static Map<String, Map<String, Object>> changes(
            LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        List<String> codes = data.shapes(layer.source().level(), 0, Crs.BNG).shapes().stream()
                .map(LayerData.Shape::code)
                .toList();
        ProtectedCounts.Selection sel = CountTableKind.selection(layer, dims);
        AreaChanges.Comparison c = AreaChanges.compare(
                dims.baseline().period(),
                data.counts().tables(dims.view(), dims.baseline().period()),
                dims.time().period(),
                data.counts().tables(dims.view(), dims.time().period()),
                codes,
                sel);
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (AreaChanges.Change a : c.areas()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("change", a.change());
            v.put("baseline", dims.baseline().text());
            v.put("baseline_incidents", a.before());
            v.put("period", dims.time().text());
            v.put("incidents", a.after());
            v.put("rate_ratio", finite(a.rateRatio()));
            v.put("p_value", finite(a.pValue()));
            v.put("q_value", finite(a.qValue()));
            v.put("test", AreaChanges.TEST);
            if (!a.withheld().isEmpty()) {
                v.put("withheld_feeds", a.withheld());
            }
            if (!c.suppression().isEmpty()) {
                v.put("suppression", c.suppression());
            }
            out.put(a.code(), v);
        }
        return out;
    }

    /** JSON has no NaN or infinity: those are null (untested, or a rise from none). */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
