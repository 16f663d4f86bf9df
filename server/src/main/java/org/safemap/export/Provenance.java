package org.safemap.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.runs.Sources;

/**
 * Where an exported file came from, carried inside it (or beside it, for CSV): what it is, the run and its
 * parameters or the record selection, the period, the SafeMap version, when it was exported, and every data
 * source with the attribution it asks for.
 *
 * @param export         {@code run-areas}, {@code incidents} or {@code run-surface}
 * @param title          one line for people, e.g. "SafeMap hotspots run 12: lsoa areas"
 * @param runId          the stored run, null for an incident selection
 * @param runKind        hotspots, emerging ...; null for an incident selection
 * @param params         the run's stored parameters (every default written out); null for a selection
 * @param dataVersion    the run's data version (the load batches it read, the areas); null for a selection
 * @param selection      the record filters of an incident selection; null for a run
 * @param period         the period the data covers, as analysts write it (2022-01..2022-03)
 * @param feedsIncluded  feeds whose records may be in the file (for points: those disclosure allowed)
 * @param feedsWithheld  feeds asked for but not disclosed in this export
 * @param features       rows, features or cells in the file
 * @param crs            the file's coordinate reference system, e.g. EPSG:27700
 * @param sources        the feeds behind the numbers, from the load batches read ({@link Sources})
 * @param safemapVersion the version that wrote the file
 * @param exportedAt     when, to the second
 */
public record Provenance(
        String export,
        String title,
        Long runId,
        String runKind,
        JsonNode params,
        JsonNode dataVersion,
        String period,
        JsonNode selection,
        List<String> feedsIncluded,
        List<String> feedsWithheld,
        long features,
        String crs,
        List<Sources.Source> sources,
        String safemapVersion,
        Instant exportedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Header values must be ASCII: attribution text may hold ©, so everything else is escaped. */
    private static final ObjectMapper ASCII_JSON =
            JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    public Provenance {
        feedsIncluded = List.copyOf(feedsIncluded);
        feedsWithheld = List.copyOf(feedsWithheld);
        sources = List.copyOf(sources);
        exportedAt = exportedAt.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The credit line every source asks for, joined. */
    public String attribution() {
        return Sources.credit(sources);
    }

    /** Everything, as the JSON object GeoJSON, GeoPackage metadata and CSV sidecars carry. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("export", export);
        o.put("title", title);
        if (runId != null) {
            ObjectNode run = o.putObject("run");
            run.put("id", runId);
            run.put("kind", runKind);
            run.put("link", "/api/hotspots/" + runId);
            run.set("params", params);
            run.set("dataVersion", dataVersion);
        }
        if (selection != null) {
            o.set("selection", selection);
        }
        o.put("period", period);
        ArrayNode included = o.putArray("feedsIncluded");
        feedsIncluded.forEach(included::add);
        ArrayNode withheld = o.putArray("feedsWithheld");
        feedsWithheld.forEach(withheld::add);
        o.put("features", features);
        o.put("crs", crs);
        o.put("safemapVersion", safemapVersion);
        o.put("exportedAt", exportedAt.toString());
        ArrayNode list = o.putArray("sources");
        for (Sources.Source s : sources) {
            list.add(JSON.valueToTree(s.toMap()));
        }
        o.put("attribution", attribution());
        return o;
    }

    /** Pretty JSON for a sidecar file or a metadata table. */
    public String toPrettyJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One line of ASCII JSON for an HTTP header. A response header has room for about 8 KB, so when the run's
     * parameters and data version would not fit (a long area-of-interest polygon) they are left out and the run's
     * link, which serves them, stays.
     */
    public String toHeaderJson(int maxChars) {
        try {
            ObjectNode o = toJson();
            String text = ASCII_JSON.writeValueAsString(o);
            if (text.length() > maxChars && o.has("run")) {
                ObjectNode run = (ObjectNode) o.get("run");
                run.remove("params");
                run.remove("dataVersion");
                run.put("omitted", "params and dataVersion: see link");
                text = ASCII_JSON.writeValueAsString(o);
            }
            return text;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A paragraph for a GeoPackage layer's description or a TIFF's ImageDescription. */
    public String description() {
        return title + ". Period " + period + ". Exported by SafeMap " + safemapVersion + " at " + exportedAt
                + (runId != null
                        ? "; parameters in the run's metadata (SAFEMAP_PARAMS) and at /api/hotspots/" + runId
                        : "")
                + ". Sources: " + attribution();
    }

    /** JSON with non-ASCII escaped, so a TIFF's 7-bit text holds it unchanged and it parses back equal. */
    private static String asciiJson(JsonNode node) {
        try {
            return ASCII_JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Name-value pairs for GDAL-style metadata (GeoTIFF GDAL_METADATA, GeoPackage layer metadata). */
    public Map<String, String> metadataItems() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("SAFEMAP_EXPORT", export);
        m.put("SAFEMAP_TITLE", title);
        if (runId != null) {
            m.put("SAFEMAP_RUN_ID", Long.toString(runId));
            m.put("SAFEMAP_RUN_KIND", runKind);
            m.put("SAFEMAP_PARAMS", asciiJson(params));
            m.put("SAFEMAP_DATA_VERSION", asciiJson(dataVersion));
        }
        if (selection != null) {
            m.put("SAFEMAP_SELECTION", asciiJson(selection));
        }
        m.put("SAFEMAP_PERIOD", period);
        m.put("SAFEMAP_FEEDS", String.join(",", feedsIncluded));
        m.put("SAFEMAP_VERSION", safemapVersion);
        m.put("SAFEMAP_EXPORTED_AT", exportedAt.toString());
        m.put("SAFEMAP_SOURCES", asciiJson(toJson().get("sources")));
        m.put("ATTRIBUTION", attribution());
        return m;
    }
}
