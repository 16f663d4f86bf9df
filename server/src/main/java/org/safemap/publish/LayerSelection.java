package org.safemap.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safemap.map.AreaCountsKind;
import org.safemap.map.AreasKind;
import org.safemap.map.DensityChangeKind;
import org.safemap.map.DensityKind;
import org.safemap.map.DeprivationKind;
import org.safemap.map.LayerCatalogue;
import org.safemap.map.PointsKind;
import org.safemap.map.RunAreasKind;

/**
 * Which catalogue layers go to GeoServer, and over which view: only what the trust rules allow. GeoServer reads
 * PostGIS directly, so nothing SafeMap decides per request or per record may reach it:
 * <ul>
 *   <li>{@code owner} layers never;</li>
 *   <li>{@code partner} layers only when asked ({@code --include-partner}), and then GeoServer's own security must
 *       restrict them;</li>
 *   <li>layers of kind {@code points} (record-level incidents) never, whatever their level: GeoServer would bypass
 *       SafeMap's per-record disclosure rules;</li>
 *   <li>{@code density} layers never: SafeMap computes those surfaces per request, which GeoServer cannot.</li>
 * </ul>
 */
public final class LayerSelection {
    /** Boundary views by level. */
    private static final Map<String, String> BOUNDARIES = Map.of(
            "lsoa", "lsoa_boundaries", "msoa", "msoa_boundaries", "ward", "ward_boundaries", "lad", "lad_boundaries");

    /** Catalogue values that reach SQL are checked against this first. */
    private static final String SAFE = "[a-z][a-z0-9-]{0,30}";

    /** The run parameter of the run-result SQL views: "default" or a run id. */
    static final PublishedLayer.Parameter RUN =
            new PublishedLayer.Parameter("run", "default", "^(default|[0-9]{1,18})$");

    /**
     * One catalogue layer and what becomes of it.
     *
     * @param layer     the catalogue layer
     * @param published how GeoServer serves it, or empty when it is not published
     * @param reason    why it is left out (empty when published)
     */
    public record Choice(LayerCatalogue.Layer layer, Optional<PublishedLayer> published, String reason) {}

    private LayerSelection() {}

    /** Every catalogue layer, in catalogue order, with what becomes of it. */
    public static List<Choice> choose(LayerCatalogue catalogue, boolean includePartner) {
        List<Choice> out = new ArrayList<>();
        for (LayerCatalogue.Layer l : catalogue.layers()) {
            out.add(choose(l, includePartner));
        }
        return out;
    }

    static Choice choose(LayerCatalogue.Layer l, boolean includePartner) {
        String disclosure = l.disclosure();
        if (!disclosure.equals("public") && !disclosure.equals("partner")) {
            return skip(l, "disclosure '" + disclosure + "': only public and partner layers are ever published");
        }
        if (l.kind() instanceof PointsKind) {
            return skip(
                    l,
                    "record-level incidents: GeoServer reads PostGIS directly and would bypass SafeMap's "
                            + "per-record disclosure rules; serve them from SafeMap's own WMS");
        }
        if (l.kind() instanceof DensityKind || l.kind() instanceof DensityChangeKind) {
            return skip(
                    l,
                    "a density surface SafeMap computes per request, which GeoServer cannot; serve it from "
                            + "SafeMap's own WMS, or export a run's surface as GeoTIFF");
        }
        if (disclosure.equals("partner") && !includePartner) {
            return skip(l, "partner level: add --include-partner, and restrict it with GeoServer's security");
        }
        String level = l.source().level();
        if (l.kind() instanceof AreasKind) {
            String view = BOUNDARIES.get(level);
            return view == null
                    ? skip(l, "no GeoServer view for level '" + level + "'")
                    : publish(l, view, Optional.empty(), Optional.empty());
        }
        if (l.kind() instanceof DeprivationKind) {
            return publish(l, "deprivation", Optional.empty(), Optional.empty());
        }
        if (l.kind() instanceof AreaCountsKind) {
            if (!level.equals("lsoa") || !l.source().groups().isEmpty()) {
                return skip(l, "geoserver.incident_counts holds LSOA counts of every category group only");
            }
            return publish(l, "incident_counts", Optional.empty(), Optional.of("month"));
        }
        if (l.kind() instanceof RunAreasKind) {
            String runKind = l.source().runKind();
            if (!runKind.matches(SAFE) || !level.matches(SAFE)) {
                return skip(l, "run kind or level is not a plain name");
            }
            String sql = "SELECT * FROM " + DatastoreParams.SCHEMA + ".hotspot_results WHERE run_kind = '"
                    + runKind + "' AND level = '" + level + "' AND (('%run%' = 'default' AND is_default) OR "
                    + "run_id::text = '%run%')";
            PublishedLayer.SqlView view = new PublishedLayer.SqlView(
                    sql, "id", new PublishedLayer.Geometry("geom", "MultiPolygon", 27700), List.of(RUN));
            return publish(l, l.name().replace('-', '_'), Optional.of(view), Optional.empty());
        }
        return skip(l, "no GeoServer view for layers of kind '" + l.kind().code() + "'");
    }

    private static Choice publish(
            LayerCatalogue.Layer l, String nativeName, Optional<PublishedLayer.SqlView> view, Optional<String> time) {
        return new Choice(l, Optional.of(new PublishedLayer(l, nativeName, view, time)), "");
    }

    private static Choice skip(LayerCatalogue.Layer l, String reason) {
        return new Choice(l, Optional.empty(), reason);
    }
}
