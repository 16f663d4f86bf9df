package org.safemap.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.runs.HotspotRequests;
import org.safemap.runs.Selection;
import org.safemap.time.PeriodLimit;

/**
 * Which incident records a point export holds: records whose time window overlaps the period (the rule of
 * {@code GET /api/incidents}), of the feeds and categories named, in the area of interest and bounding box, placed
 * at least as precisely as asked. Parameters have the hotspot requests' names ({@code period, feeds, categories,
 * area, areaWkt, maxPrecisionM}) and {@code GET /api/incidents}' ({@code month, feed, category, bbox}).
 *
 * @param selection the period, feeds, categories, area of interest and precision, as hotspot runs take them
 * @param bbox      minLon, minLat, maxLon, maxLat in degrees, or absent
 */
public record PointSelection(Selection selection, Optional<double[]> bbox) {
    static final Set<String> NAMES = Set.of(
            "period", "month", "feeds", "feed", "categories", "category", "area", "areaWkt", "bbox", "maxPrecisionM");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the parameters (values are strings or lists), refusing names it does not know. */
    public static PointSelection parse(Map<String, ?> params) {
        return parse(params, PeriodLimit.NONE);
    }

    /** As {@link #parse(Map)}, the period held to {@code limit} (an HTTP request's). */
    public static PointSelection parse(Map<String, ?> params, PeriodLimit limit) {
        Map<String, Object> m = new HashMap<>();
        for (Map.Entry<String, ?> e : params.entrySet()) {
            if (!NAMES.contains(e.getKey())) {
                throw bad("unknown parameter '" + e.getKey() + "'; a points export takes some of "
                        + new TreeSet<>(NAMES));
            }
            if (e.getValue() != null) {
                m.put(e.getKey(), e.getValue());
            }
        }
        alias(m, "month", "period");
        alias(m, "feed", "feeds");
        alias(m, "category", "categories");
        Optional<double[]> bbox = HotspotRequests.text(m, "bbox").map(PointSelection::bbox);
        m.remove("bbox");
        if (HotspotRequests.text(m, "period").isEmpty()) {
            throw bad("period is required (or month), e.g. period=2022-01..2022-03 or month=2022-06");
        }
        return new PointSelection(HotspotRequests.selection(m, limit), bbox);
    }

    /** The filters written out, for the export's provenance. */
    ObjectNode describe(List<String> feedsIncluded) {
        ObjectNode o = JSON.createObjectNode();
        o.put("period", selection.period().label());
        o.put("from", selection.period().from().toString());
        o.put("to", selection.period().to().toString());
        o.put("rule", "records whose time window overlaps [from, to)");
        o.set("feedsRequested", JSON.valueToTree(selection.feeds()));
        o.set("feeds", JSON.valueToTree(feedsIncluded));
        o.set("categories", JSON.valueToTree(selection.categories()));
        o.set(
                "area",
                selection
                        .area()
                        .<JsonNode>map(a -> JSON.valueToTree(
                                a.wkt() != null
                                        ? Map.of("wkt", a.wkt())
                                        : Map.of("level", a.level(), "codes", a.codes())))
                        .orElse(null));
        o.set("bbox", bbox.<JsonNode>map(JSON::valueToTree).orElse(null));
        selection.maxPrecisionM().ifPresentOrElse(v -> o.put("maxPrecisionM", v), () -> o.putNull("maxPrecisionM"));
        return o;
    }

    private static void alias(Map<String, Object> m, String from, String to) {
        Object v = m.remove(from);
        if (v != null) {
            if (m.containsKey(to)) {
                throw bad("give " + from + " or " + to + ", not both");
            }
            m.put(to, v);
        }
    }

    private static double[] bbox(String text) {
        String[] parts = text.split(",");
        if (parts.length != 4) {
            throw bad("bbox must be minLon,minLat,maxLon,maxLat in degrees; got '" + text + "'");
        }
        double[] b = new double[4];
        try {
            for (int i = 0; i < 4; i++) {
                b[i] = Double.parseDouble(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw bad("bbox must be minLon,minLat,maxLon,maxLat in degrees; got '" + text + "'");
        }
        if (b[0] >= b[2] || b[1] >= b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90) {
            throw bad("bbox must be minLon,minLat,maxLon,maxLat in degrees with min below max; got '" + text + "'");
        }
        return b;
    }

    private static SafemapException bad(String message) {
        return new SafemapException(ErrorCode.BAD_REQUEST, message);
    }
}
