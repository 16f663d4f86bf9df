package org.safemap.api;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.ingest.Catalogues;
import org.safemap.sharing.Policy;
import org.safemap.sharing.Principal;
import org.safemap.sharing.Protocol;
import org.safemap.sharing.ProtocolRegistry;

/**
 * /api/protocols: the data-sharing protocols in force, readable by anyone. Agreements are governance documents,
 * not data: showing them is how a partnership shows it is lawful. Each also says what the asker may see under it.
 * Admins put changed protocol and feed files in force with {@code POST /api/protocols/reload}.
 */
final class ProtocolHandlers {
    private final Policy policy;
    private final ProtocolRegistry registry;
    private final Catalogues catalogues;

    ProtocolHandlers(Policy policy, ProtocolRegistry registry, Catalogues catalogues) {
        this.policy = policy;
        this.registry = registry;
        this.catalogues = catalogues;
    }

    /**
     * {@code POST /api/protocols/reload} (admins): re-reads SAFEMAP_PROTOCOLS_DIR and SAFEMAP_FEEDS_DIR and puts them
     * in force, answering what changed; a bad file is a 400 naming it, and nothing changes.
     */
    void reload(Context ctx) {
        Principal who = Principals.of(ctx);
        policy.requireAdmin(who, "reloading protocols and feeds");
        Catalogues.Change change = catalogues.reload(who);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outcome", change.none() ? "unchanged" : "reloaded");
        out.put("summary", change.describe());
        out.putAll(change.toJson());
        ctx.json(out);
    }

    /** {@code GET /api/protocols}. */
    void list(Context ctx) {
        Principal who = Principals.of(ctx);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Protocol p : policy.protocols().all()) {
            out.add(summary(p, who));
        }
        ctx.json(Map.of("protocols", out));
    }

    /** {@code GET /api/protocols/{feed}}: the protocol in full and every version SafeMap has run under. */
    void get(Context ctx) {
        String feed = ctx.pathParam("feed");
        Protocol p = policy.protocols()
                .find(feed)
                .orElseThrow(
                        () -> new SafemapException(ErrorCode.NOT_FOUND, "no protocol governs a feed '" + feed + "'"));
        Map<String, Object> m = summary(p, Principals.of(ctx));
        m.put("text", p.text());
        List<Map<String, Object>> history = new ArrayList<>();
        for (ProtocolRegistry.Version v : registry.history(feed)) {
            history.add(Map.of(
                    "version",
                    v.version(),
                    "sha256",
                    v.sha256(),
                    "first_used",
                    v.firstSeen().toString()));
        }
        m.put("history", history);
        ctx.json(m);
    }

    static Map<String, Object> summary(Protocol p, Principal who) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feed", p.feed());
        m.put("version", p.version());
        m.put("title", p.title());
        m.put("partner", p.partner());
        m.put("partner_name", p.partnerName());
        m.put("controller", p.controller());
        m.put("purposes", p.purposes());
        m.put("lawful_basis", p.lawfulBasis());
        m.put("powers", p.powers());
        m.put("fields", p.fields());
        m.put("linkage_fields", p.linkageFields());
        m.put("retention", p.retention().toString());
        m.put("retention_from", p.retentionFrom());
        m.put("review_date", p.reviewDate().toString());
        Map<String, Object> audiences = new LinkedHashMap<>();
        audiences.put("owner", p.audiences().owner().key());
        Map<String, String> named = new LinkedHashMap<>();
        p.audiences().named().forEach((k, v) -> named.put(k, v.key()));
        audiences.put("named", named);
        audiences.put("analyst", p.audiences().analyst().key());
        audiences.put("tasking", p.audiences().tasking().key());
        audiences.put("public", p.audiences().pub().key());
        m.put("audiences", audiences);
        m.put(
                "disclosure",
                Map.of(
                        "threshold",
                        p.suppression().threshold(),
                        "rounding",
                        p.suppression().rounding(),
                        "precision_m",
                        p.precisionM(),
                        "density_min_points",
                        p.densityMinPoints()));
        m.put("your_level", p.levelFor(who).key());
        m.put("sha256", p.sha256());
        return m;
    }
}
