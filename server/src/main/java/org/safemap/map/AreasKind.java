package org.safemap.map;

import java.util.Map;

/** Boundaries: the outlines of one area level. */
public record AreasKind() implements ReferenceAreaKind {
    @Override
    public String code() {
        return "areas";
    }

    @Override
    public Map<String, Map<String, Object>> values(LayerData data, LayerCatalogue.Layer layer, LayerDims dims) {
        return null;
    }
}
