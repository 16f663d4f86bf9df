package org.safemap.map;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.safemap.runs.AreaResults;
import org.safemap.sharing.DisclosureLevel;

/**
 * A stored hotspot or emerging run's per-area results (the layer's {@code source.runKind} at its level), the newest
 * finished run unless DIM_RUN names another. A requester below points on any feed the run read sees classes, never
 * counts; one who may not see a feed it read sees nothing.
 */
public record RunAreasKind() implements AreaKind {
    @Override
    public String code() {
        return "run-areas";
    }

    @Override
    public DisclosureLevel feedLevel() {
        return DisclosureLevel.AGGREGATES;
    }

    @Override
    public LayerDims dims(
            LayerCatalogue.Layer layer, Map<String, String> params, MapState state, Supplier<List<Long>> runs) {
        return LayerDims.run(layer, params, runs.get());
    }

    @Override
    public Map<String, Map<String, Object>> values(LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        if (dims.run() == null) {
            return Map.of();
        }
        return data.values.get(data.version() + "|" + layer.name() + "|" + dims.key(), k -> {
            Map<String, Map<String, Object>> rows =
                    data.store().runResults(dims.run(), layer.source().level());
            DisclosureLevel least = DisclosureLevel.POINTS;
            for (String f : data.store().runFeeds(dims.run())) {
                least = DisclosureLevel.min(least, dims.view().level(f));
            }
            if (least == DisclosureLevel.NONE) {
                return Map.of(); // the run read a feed this requester may not see at all
            }
            if (least != DisclosureLevel.POINTS) {
                rows.values().forEach(v -> {
                    v.keySet().retainAll(AreaResults.CLASS_FIELDS);
                    v.put("counts_withheld", true);
                });
            }
            rows.values().forEach(v -> v.put("run", dims.run()));
            return rows;
        });
    }
}
