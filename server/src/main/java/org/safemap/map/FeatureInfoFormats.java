package org.safemap.map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** GetFeatureInfo answers as GeoJSON (geometry-free features), plain text and an HTML table. */
final class FeatureInfoFormats {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FeatureInfoFormats() {}

    static String json(Map<String, List<Map<String, Object>>> found) {
        List<Map<String, Object>> features = new ArrayList<>();
        found.forEach((layer, list) -> list.forEach(p -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("type", "Feature");
            f.put("id", layer + "." + (p.containsKey("code") ? p.get("code") : features.size()));
            f.put("layer", layer);
            f.put("geometry", null);
            f.put("properties", p);
            features.add(f);
        }));
        Map<String, Object> collection = new LinkedHashMap<>();
        collection.put("type", "FeatureCollection");
        collection.put("features", features);
        try {
            return JSON.writeValueAsString(collection);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String plain(Map<String, List<Map<String, Object>>> found) {
        StringBuilder b = new StringBuilder();
        found.forEach((layer, list) -> {
            b.append("Layer '")
                    .append(layer)
                    .append("': ")
                    .append(list.size())
                    .append(list.size() == 1 ? " feature\n" : " features\n");
            for (Map<String, Object> p : list) {
                p.forEach((k, v) -> b.append("  ")
                        .append(k)
                        .append(" = ")
                        .append(v == null ? "" : v)
                        .append('\n'));
                b.append('\n');
            }
        });
        return b.toString();
    }

    static String html(Map<String, List<Map<String, Object>>> found, LayerCatalogue catalogue) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>SafeMap</title>"
                + "<style>body{font:13px sans-serif}table{border-collapse:collapse;margin-bottom:8px}"
                + "th,td{border:1px solid #cbd5e1;padding:2px 6px;text-align:left}th{background:#f1f5f9}</style>"
                + "</head><body>");
        found.forEach((layer, list) -> {
            LayerCatalogue.Layer l = catalogue.layer(layer);
            b.append("<h3>").append(Xml.escape(l == null ? layer : l.title())).append("</h3>");
            if (list.isEmpty()) {
                b.append("<p>Nothing here.</p>");
            }
            for (Map<String, Object> p : list) {
                b.append("<table>");
                p.forEach((k, v) -> b.append("<tr><th>")
                        .append(Xml.escape(k))
                        .append("</th><td>")
                        .append(Xml.escape(v == null ? "" : v.toString()))
                        .append("</td></tr>"));
                b.append("</table>");
            }
        });
        return b.append("</body></html>").toString();
    }
}
