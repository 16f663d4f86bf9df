package org.safemap.map;

import java.util.Map;

/** Index of Multiple Deprivation deciles, ranks and scores by LSOA. */
public record DeprivationKind() implements ReferenceAreaKind {
    @Override
    public String code() {
        return "deprivation";
    }

    @Override
    public Map<String, Map<String, Object>> values(LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        return data.values.get("deprivation", k -> data.store().deprivation());
    }
}
