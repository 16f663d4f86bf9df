package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.TestPrincipals;

/**
 * The differencing attack of issue 16, run as an intruder would, for every audience: everything the audience can get
 * about a month's counts of partners' restricted feeds (every LSOA, MSOA and the district, every category group and
 * the total, over HTTP), together with what the rules tell them (a suppressed count is at least 1, since zeros are
 * shown; a shown count lies within its rounding and is not small; the area hierarchy, read here from the database
 * independently), goes into a linear programme solved by GLPK (Debian's python3-swiglpk), an independent reference
 * for SafeMap's own network-flow check. No suppressed count may come out narrower than its protocol's protection
 * width, for any audience; and audiences that share a partner's counts get the very same cells, so their answers
 * cannot be differenced against each other either.
 */
class DifferencingAttackIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MONTH = "2022-07";
    /** Each audience by its test header (role:partner:purpose); "" is anonymous. */
    private static final List<String> AUDIENCES = List.of(
            "",
            "tasking::tasking",
            "tasking::",
            "analyst:police:strategic-assessment",
            "analyst:ambulance:strategic-assessment",
            "analyst:nhs-ed:strategic-assessment",
            "analyst:fire:tasking",
            "analyst:btp:evaluation",
            "analyst:csp:strategic-assessment",
            "analyst:police:",
            "admin:csp:tasking");

    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;

    @BeforeAll
    static void start() {
        server = DemoServer.start();
        db = server.db();
        base = server.base();
    }

    /** One partner's published cells as one audience got them: code to column (group or "all") to value or null. */
    private record Seen(JsonNode rule, Map<String, Map<String, JsonNode>> cells) {}

    @Test
    void noAudienceCanNarrowAnySuppressedCountOfAMonthBeyondItsProtocolsRule() throws Exception {
        Map<String, Seen> byPartner = new TreeMap<>();
        Map<String, String> firstSeenBy = new HashMap<>();
        int audiencesWithShared = 0;
        for (String audience : AUDIENCES) {
            Map<String, Seen> seen = collect(audience);
            audiencesWithShared += seen.isEmpty() ? 0 : 1;
            for (Map.Entry<String, Seen> e : seen.entrySet()) {
                Seen before = byPartner.putIfAbsent(e.getKey(), e.getValue());
                firstSeenBy.putIfAbsent(e.getKey(), audience);
                if (before != null) {
                    assertThat(e.getValue().cells())
                            .as(
                                    "%s's cells as '%s' and as '%s' got them",
                                    e.getKey(), audience, firstSeenBy.get(e.getKey()))
                            .isEqualTo(before.cells());
                }
            }
        }
        assertThat(audiencesWithShared)
                .as("audiences shown some partner's counts")
                .isGreaterThanOrEqualTo(6);
        assertThat(byPartner.keySet()).containsExactlyInAnyOrder("ambulance", "fire", "nhs-ed");
        Hierarchy h = hierarchy();
        int attacked = 0;
        for (Map.Entry<String, Seen> e : byPartner.entrySet()) {
            attacked += attack(e.getKey(), e.getValue(), h);
        }
        assertThat(attacked).as("suppressed counts attacked").isGreaterThan(300);
    }

    /** Every partner's cells the audience gets for the month, at every level. */
    private static Map<String, Seen> collect(String audience) throws Exception {
        Map<String, Seen> out = new TreeMap<>();
        for (String level : List.of("lsoa", "msoa", "lad")) {
            String url = base + "/api/counts?level=" + level + "&period=" + MONTH;
            var response = audience.isEmpty() ? Http.get(url) : Http.get(url, TestPrincipals.HEADER, audience);
            assertThat(response.statusCode()).as("%s %s", audience, url).isEqualTo(200);
            JsonNode body = Http.json(response);
            for (JsonNode p : body.path("partners")) {
                out.computeIfAbsent(p.path("partner").asText(), k -> new Seen(p, new TreeMap<>()));
            }
            for (JsonNode a : body.path("areas")) {
                a.path("partners").fields().forEachRemaining(e -> {
                    Map<String, JsonNode> cols = new TreeMap<>();
                    e.getValue().fields().forEachRemaining(c -> cols.put(c.getKey(), c.getValue()));
                    out.get(e.getKey()).cells().put(a.path("code").asText(), cols);
                });
            }
        }
        return out;
    }

    /** LSOAs' MSOAs and MSOAs' districts, latest vintages, as loaded. */
    private record Hierarchy(Map<String, String> msoaOfLsoa, Map<String, String> ladOfMsoa) {}

    private static Hierarchy hierarchy() throws Exception {
        Map<String, String> msoa = new HashMap<>();
        Map<String, String> lad = new HashMap<>();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                SELECT p.code, p.parent_code, m.parent_code FROM area_parent p
                JOIN area_parent m ON m.level = 'msoa' AND m.code = p.parent_code AND m.parent_level = 'lad'
                WHERE p.level = 'lsoa' AND p.parent_level = 'msoa'
                  AND p.vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')""");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                msoa.put(rs.getString(1), rs.getString(2));
                lad.put(rs.getString(2), rs.getString(3));
            }
        }
        return new Hierarchy(msoa, lad);
    }

    /** Builds the intruder's system for one partner's table and checks every suppressed count; returns how many. */
    private static int attack(String partner, Seen seen, Hierarchy h) throws Exception {
        int threshold = seen.rule().path("threshold").asInt();
        int base = seen.rule().path("rounding").asInt();
        List<String> columns =
                new ArrayList<>(seen.cells().values().iterator().next().keySet());
        columns.remove("all");
        Map<String, Integer> var = new LinkedHashMap<>();
        List<long[]> bounds = new ArrayList<>();
        List<Integer> suppressed = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Map<String, JsonNode>> area : seen.cells().entrySet()) {
            for (Map.Entry<String, JsonNode> cell : area.getValue().entrySet()) {
                String name = area.getKey() + "/" + cell.getKey();
                var.put(name, var.size());
                names.add(name);
                JsonNode v = cell.getValue();
                if (v.isNull()) {
                    bounds.add(new long[] {1, -1});
                    suppressed.add(var.size() - 1);
                } else {
                    long s = Math.round(v.asDouble());
                    assertThat(s % base).as("%s %s is rounded", partner, name).isZero();
                    long lo = Math.max(0, s - base / 2);
                    long hi = s + (base + 1) / 2 - 1;
                    if (threshold > 0 && lo >= 1 && lo <= threshold) {
                        lo = threshold + 1;
                    }
                    if (threshold > 0 && lo == 0 && hi <= threshold) {
                        hi = 0;
                    }
                    bounds.add(new long[] {lo, hi});
                }
            }
        }
        // The relations a reader knows: totals over groups, MSOAs over their LSOAs, the district over its MSOAs.
        List<List<long[]>> equations = new ArrayList<>();
        Map<String, List<String>> children = new HashMap<>();
        for (String code : seen.cells().keySet()) {
            String parent = h.msoaOfLsoa().containsKey(code)
                    ? h.msoaOfLsoa().get(code)
                    : h.ladOfMsoa().get(code);
            if (parent != null && seen.cells().containsKey(parent)) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(code);
            }
        }
        for (String code : seen.cells().keySet()) {
            List<long[]> total = new ArrayList<>();
            total.add(new long[] {var.get(code + "/all"), -1});
            for (String g : columns) {
                total.add(new long[] {var.get(code + "/" + g), 1});
            }
            equations.add(total);
            List<String> kids = children.get(code);
            if (kids == null) {
                continue;
            }
            for (String col : seen.cells().get(code).keySet()) {
                List<long[]> sum = new ArrayList<>();
                sum.add(new long[] {var.get(code + "/" + col), -1});
                for (String kid : kids) {
                    sum.add(new long[] {var.get(kid + "/" + col), 1});
                }
                equations.add(sum);
            }
        }
        assertThat(children)
                .as("%s: the district and MSOAs have children", partner)
                .hasSizeGreaterThan(50);
        assertThat(suppressed).as("%s has suppressed counts", partner).isNotEmpty();
        JsonNode intervals = solve(bounds, equations, suppressed);
        long need = Math.max(1, base - 1);
        for (int k = 0; k < suppressed.size(); k++) {
            JsonNode iv = intervals.get(k);
            double min = iv.get(0).asDouble();
            double width =
                    iv.get(1).isNull() ? Double.POSITIVE_INFINITY : iv.get(1).asDouble() - min;
            assertThat(min).isGreaterThanOrEqualTo(1 - 1e-6);
            assertThat(width)
                    .as(
                            "%s: suppressed %s can be narrowed to [%s, %s]",
                            partner, names.get(suppressed.get(k)), min, iv.get(1))
                    .isGreaterThanOrEqualTo(need - 1e-6);
        }
        return suppressed.size();
    }

    /** Runs the GLPK script over the system; each asked variable's [min, max]. */
    private static JsonNode solve(List<long[]> bounds, List<List<long[]>> equations, List<Integer> ask)
            throws Exception {
        ObjectNode p = JSON.createObjectNode();
        p.put("n", bounds.size());
        ArrayNode lower = p.putArray("lower");
        ArrayNode upper = p.putArray("upper");
        for (long[] b : bounds) {
            lower.add(b[0]);
            if (b[1] < 0) {
                upper.addNull();
            } else {
                upper.add(b[1]);
            }
        }
        ArrayNode eqs = p.putArray("equations");
        for (List<long[]> e : equations) {
            ArrayNode row = eqs.addArray();
            for (long[] term : e) {
                row.addArray().add(term[0]).add(term[1]);
            }
        }
        ArrayNode asked = p.putArray("ask");
        ask.forEach(asked::add);
        Path script = Files.createTempFile("intervals", ".py");
        try (InputStream in = DifferencingAttackIT.class.getResourceAsStream("/lp/intervals.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process proc = new ProcessBuilder("/usr/bin/python3", script.toString()).start();
        proc.getOutputStream().write(JSON.writeValueAsBytes(p));
        proc.getOutputStream().close();
        byte[] out = proc.getInputStream().readAllBytes();
        String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.waitFor(300, TimeUnit.SECONDS)).isTrue();
        Files.deleteIfExists(script);
        assertThat(proc.exitValue()).as("GLPK: %s", err).isZero();
        return JSON.readTree(out);
    }
}
