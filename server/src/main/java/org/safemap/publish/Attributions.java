package org.safemap.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.map.AreaCountsKind;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.RunAreasKind;
import org.safemap.runs.Sources;

/**
 * Each published layer's attribution, as plain text for GeoServer's layer attribution (shown in capabilities and
 * by clients): boundaries and deprivation carry their catalogue credit; counts and run results credit exactly the
 * feeds behind them through {@link Sources}, then the boundaries.
 */
public final class Attributions {
    /** The load batches geoserver.incident_counts counts. */
    private static final String PUBLIC_BATCHES = """
            SELECT id FROM load_batch WHERE kind = 'incidents' AND feed = ANY(?::text[]) ORDER BY id""";

    /** The load batches completed runs of a kind read (their data version). */
    private static final String RUN_BATCHES = """
            SELECT DISTINCT (b ->> 'id')::bigint FROM hotspot_run h,
                   jsonb_array_elements(coalesce(h.data_version -> 'batches', '[]'::jsonb)) b
            WHERE h.kind = ? AND h.status = 'done' ORDER BY 1""";

    private Attributions() {}

    /** Attribution text by layer name. */
    public static Map<String, String> of(
            List<PublishedLayer> layers, LayerCatalogue catalogue, DataSource db, Sources sources) {
        LayerCatalogue.Layer lsoa = catalogue.layer("lsoa-boundaries");
        String boundaries = lsoa == null ? "" : " " + lsoa.attributionText();
        Map<String, String> out = new LinkedHashMap<>();
        for (PublishedLayer l : layers) {
            String text;
            if (l.layer().kind() instanceof AreaCountsKind) {
                text = Sources.credit(sources.of(batches(db, PUBLIC_BATCHES, (Object)
                                PublicFeeds.names(db).toArray(String[]::new))))
                        + boundaries;
            } else if (l.layer().kind() instanceof RunAreasKind) {
                text = Sources.credit(sources.of(
                                batches(db, RUN_BATCHES, l.layer().source().runKind())))
                        + boundaries;
            } else {
                text = l.layer().attributionText();
            }
            out.put(l.name(), text.strip());
        }
        return out;
    }

    /** Credit for the published run surfaces: the batches those runs read, then the boundaries. */
    public static String surfaces(
            List<RunSurfaces.Published> runs, LayerCatalogue catalogue, DataSource db, Sources sources) {
        LayerCatalogue.Layer lsoa = catalogue.layer("lsoa-boundaries");
        String boundaries = lsoa == null ? "" : " " + lsoa.attributionText();
        Long[] ids = runs.stream().map(RunSurfaces.Published::runId).toArray(Long[]::new);
        return (Sources.credit(sources.of(batches(db, """
                SELECT DISTINCT (b ->> 'id')::bigint FROM hotspot_run h,
                       jsonb_array_elements(coalesce(h.data_version -> 'batches', '[]'::jsonb)) b
                WHERE h.id = ANY(?) ORDER BY 1""", (Object) ids))) + boundaries).strip();
    }

    private static long[] batches(DataSource db, String sql, Object... params) {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int k = 0; k < params.length; k++) {
                if (params[k] instanceof String[] values) {
                    ps.setArray(k + 1, c.createArrayOf("text", values));
                } else if (params[k] instanceof Long[] values) {
                    ps.setArray(k + 1, c.createArrayOf("bigint", values));
                } else {
                    ps.setObject(k + 1, params[k]);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "could not read the published layers' sources", e);
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}
