package org.safemap.map;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.FeedDefinition;
import org.safemap.sharing.DisclosureLevel;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;

/**
 * The feeds a map layer actually draws for a principal, with the dimensions asked for: what the layer credits (the
 * sources in {@code /api/layers}) and what its audit entries name as used. A violence density layer draws every feed
 * by name but only the violence categories, so it must not credit the fire service, whose categories hold no
 * violence, nor put a map view in the fire service's usage report.
 *
 * <p>A feed counts when the layer may draw it for this principal ({@link LayerAccess#feeds}), it is among the feeds
 * asked for (DIM_FEED), and its <em>taxonomy mapping</em> (the common categories its own categories map to,
 * {@code category_mapping}) reaches a category the layer draws: the layer's groups, narrowed by DIM_CATEGORY, exactly
 * as the map's own selection combines them. The decision is on the mapping, not on which records happen to be loaded
 * for the period: the same question then credits the same feeds whatever the data, the credit cannot be used to learn
 * whether a partner has any record in a category, month or place (it would otherwise leak exactly what suppression
 * hides), and a feed that could have contributed is never silently left out of the attribution. A run's layer credits
 * the feeds its run read, and nothing when the run read a feed the principal may not see (the layer is then empty).
 *
 * <p>Thread-safe; the mapping is read once per map state version (a load of a partner feed may change its map).
 */
public final class LayerSources {
    private static final String CODES = """
            SELECT m.scheme, m.code, c.group_code FROM category_mapping m JOIN category c ON c.code = m.code""";

    /** Each scheme's common category codes, and each code's group, at one map state version. */
    private record Taxonomy(String version, Map<String, Set<String>> codesByScheme, Map<String, String> groupOf) {}

    private final DataSource dataSource;
    private final WmsService wms;
    private final Policy policy;
    private final FeedCatalog feeds;
    private final MapData data;
    private volatile Taxonomy taxonomy;

    public LayerSources(DataSource dataSource, WmsService wms, Policy policy, FeedCatalog feeds) {
        this.dataSource = dataSource;
        this.wms = wms;
        this.policy = policy;
        this.feeds = feeds;
        this.data = new MapData(dataSource);
    }

    /**
     * The feeds {@code layer} draws for {@code who} with these request parameters (WMS or tile query; names in any
     * case), in the order of {@code allFeeds} or the layer's own list. Empty for boundaries and deprivation.
     */
    public List<String> drawn(
            Principal who, LayerCatalogue.Layer layer, Map<String, String> params, Collection<String> allFeeds) {
        List<String> out = new ArrayList<>(reaching(who, layer, params, allFeeds));
        // A surface finer than a month leaves out the feeds shared below points: they are not drawn, so not credited.
        try {
            out.removeAll(wms.withheld(who, layer, upper(params)).feeds());
        } catch (org.safemap.SafemapException e) {
            // Dimensions the map service refuses: it answers that itself, and its audit names every feed reached.
        }
        return out;
    }

    /**
     * What {@code layer} credits when it draws {@code drawn} ({@link #drawn}), as plain text: the attribution of each
     * feed drawn, then the boundaries' credit for a layer drawn on areas; boundaries and deprivation, which draw no
     * feed, credit what the catalogue says. The catalogue's sentence for a layer of records names every feed it could
     * draw for anyone, so a print for a police-only account, or of violence only, would credit partners whose data
     * is not on it.
     */
    public List<String> credits(LayerCatalogue.Layer layer, List<String> drawn) {
        if (layer.kind() instanceof ReferenceAreaKind) {
            return List.of(layer.attributionText());
        }
        List<String> out = new ArrayList<>();
        for (String feed : drawn) {
            out.add(feeds.find(feed).map(FeedDefinition::attribution).orElse(feed));
        }
        LayerCatalogue.Layer boundaries = wms.catalogue().layer("lsoa-boundaries");
        if (layer.kind() instanceof AreaKind && boundaries != null) {
            out.add(boundaries.attributionText());
        }
        return out;
    }

    /** The feeds the layer would draw for {@code who} with these parameters, before anything is withheld. */
    private List<String> reaching(
            Principal who, LayerCatalogue.Layer layer, Map<String, String> params, Collection<String> allFeeds) {
        Map<String, String> p = upper(params);
        if (layer.kind() instanceof RunAreasKind) {
            return runFeeds(who, layer, p);
        }
        List<String> visible = new LayerAccess(policy).feeds(who, layer, allFeeds);
        if (visible.isEmpty() || !layer.kind().timed()) {
            return visible;
        }
        List<String> asked = list(dim(p, "FEED"));
        List<String> categories = list(dim(p, "CATEGORY"));
        List<String> out = new ArrayList<>();
        for (String f : visible) {
            if ((asked.isEmpty() || asked.contains(f)) && drawsCategories(f, layer, categories)) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * What {@code layer} leaves out for {@code who} with these request parameters (any case) because the selection is
     * finer than those feeds are published at ({@link WmsService#withheld}), among the feeds it draws ({@link
     * #reaching}): a violence surface does not name a feed whose categories hold no violence.
     */
    public Withheld withheld(
            Principal who, LayerCatalogue.Layer layer, Map<String, String> params, Collection<String> allFeeds) {
        Withheld w = wms.withheld(who, layer, upper(params));
        return w.feeds().isEmpty() ? w : w.only(reaching(who, layer, params, allFeeds));
    }

    /**
     * The feeds a request for {@code layer}, which {@code who} may not see, was refused for: those it would draw
     * (its own, or every feed, reaching its categories) that {@code who} may not see record by record. What the
     * refusal is recorded against in each owner's usage report.
     */
    public List<String> refused(Principal who, LayerCatalogue.Layer layer, Collection<String> allFeeds) {
        if (layer.kind().feedLevel() == null) {
            return List.of();
        }
        List<String> declared = layer.source().feeds().isEmpty()
                ? List.copyOf(allFeeds)
                : layer.source().feeds();
        List<String> out = new ArrayList<>();
        for (String f : declared) {
            boolean draws = layer.kind() instanceof RunAreasKind || drawsCategories(f, layer, List.of());
            if (draws && policy.level(who, f) != DisclosureLevel.POINTS) {
                out.add(f);
            }
        }
        return out;
    }

    /** Whether feed {@code f}'s taxonomy mapping reaches a category the layer draws with these categories asked. */
    private boolean drawsCategories(String f, LayerCatalogue.Layer layer, List<String> asked) {
        List<String> groups = layer.source().groups();
        if (groups.isEmpty() && asked.isEmpty()) {
            return true;
        }
        FeedDefinition def = feeds.find(f).orElse(null);
        if (def == null) {
            return false;
        }
        Taxonomy t = taxonomy();
        // Counts take DIM_CATEGORY in place of the layer's groups; density and points take both (MapData's filter).
        boolean replaces = layer.kind().categoriesReplaceGroups();
        for (String code : t.codesByScheme().getOrDefault(def.categories(), Set.of())) {
            String group = t.groupOf().get(code);
            boolean inGroups = groups.isEmpty() || groups.contains(group);
            boolean inAsked = asked.isEmpty() || asked.contains(code) || asked.contains(group);
            if (replaces ? (asked.isEmpty() ? inGroups : inAsked) : inGroups && inAsked) {
                return true;
            }
        }
        return false;
    }

    /** A run layer credits what its run read, when every one of those feeds is visible (else it draws nothing). */
    private List<String> runFeeds(Principal who, LayerCatalogue.Layer layer, Map<String, String> p) {
        String asked = dim(p, "RUN");
        Long run;
        if (asked == null || asked.isBlank() || asked.equalsIgnoreCase("latest")) {
            List<Long> runs = wms.runs(layer);
            run = runs.isEmpty() ? null : runs.get(0);
        } else {
            try {
                run = Long.parseLong(asked.strip());
            } catch (NumberFormatException e) {
                return List.of();
            }
        }
        if (run == null) {
            return List.of();
        }
        List<String> read = data.runFeeds(run);
        for (String f : read) {
            if (policy.level(who, f) == DisclosureLevel.NONE) {
                return List.of();
            }
        }
        return read;
    }

    private Taxonomy taxonomy() {
        String version = wms.state().version();
        Taxonomy t = taxonomy;
        if (t != null && t.version().equals(version)) {
            return t;
        }
        Map<String, Set<String>> codes = new HashMap<>();
        Map<String, String> groups = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(CODES);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                codes.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
                groups.put(rs.getString(2), rs.getString(3));
            }
        } catch (SQLException e) {
            throw new SafemapException(ErrorCode.INTERNAL_ERROR, "cannot read the taxonomy mappings", e);
        }
        t = new Taxonomy(version, codes, groups);
        taxonomy = t;
        return t;
    }

    private static Map<String, String> upper(Map<String, String> params) {
        Map<String, String> out = new HashMap<>();
        params.forEach((k, v) -> {
            // WMTS's keyword "default" asks for the dimension's default, as leaving it out does (WmtsService)
            if (v != null && !v.equalsIgnoreCase("default")) {
                out.putIfAbsent(k.toUpperCase(Locale.ROOT), v);
            }
        });
        return out;
    }

    /** A dimension as WMS (DIM_NAME) or a tile URL (NAME) sends it. */
    private static String dim(Map<String, String> p, String name) {
        String v = p.get("DIM_" + name);
        return v != null ? v : p.get(name);
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String part : value.split(",")) {
            String s = part.strip().toLowerCase(Locale.ROOT);
            if (s.equals("all")) {
                return new ArrayList<>();
            }
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
