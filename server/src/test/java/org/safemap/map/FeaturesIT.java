package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.runs.AreaResults;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Gdal;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestPrincipals;

/**
 * OGC API - Features over real HTTP on the demo data, anonymous and signed in (the test-only X-Test-Principal header):
 * the OpenAPI document against the OpenAPI 3.0 rules (swagger-parser, offline), which collections each audience gets,
 * every boundary paged through and checked against PostGIS, count features equal to {@code /api/counts} cell for cell
 * (suppressed where it is), run results as classes only below points, the bbox, datetime, crs and property filters,
 * and GDAL's OAPIF driver and OWSLib reading the service.
 */
class FeaturesIT {
    private static final String HEADER = TestPrincipals.HEADER;
    private static final String CSP = "analyst:csp:strategic-assessment";
    private static final String TASKING = "tasking::tasking";
    /** Debian's interpreter: the python3 first on PATH may be another one without owslib. */
    private static final String PYTHON = "/usr/bin/python3";

    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;
    private static String root;
    private static long run;

    @BeforeAll
    static void start() {
        server = DemoServer.start();
        db = server.db();
        base = server.base();
        root = base + "/ogc/features";
        HttpResponse<String> r = Http.request(
                "POST",
                base + "/api/hotspots",
                "{\"period\": \"2022-01..2022-03\"}",
                "Content-Type",
                "application/json",
                HEADER,
                CSP);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        run = Http.json(r).path("id").asLong();
    }

    private static HttpResponse<String> get(String url, String principal) {
        return principal == null ? Http.get(url) : Http.get(url, HEADER, principal);
    }

    private static JsonNode json(String url, String principal) {
        HttpResponse<String> r = get(url, principal);
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return Http.json(r);
    }

    private static List<String> ids(JsonNode collections) {
        List<String> out = new ArrayList<>();
        collections.path("collections").forEach(c -> out.add(c.path("id").asText()));
        return out;
    }

    @Test
    void theOpenApiDocumentIsValidAndTheLandingPageLinksIt() {
        JsonNode landing = json(root, null);
        Set<String> rels = new HashSet<>();
        landing.path("links").forEach(l -> rels.add(l.path("rel").asText()));
        assertThat(rels).contains("self", "service-desc", "conformance", "data");
        assertThat(json(root + "/conformance", null).path("conformsTo").toString())
                .contains("ogcapi-features-1/1.0/conf/core", "conf/geojson", "ogcapi-features-2/1.0/conf/crs");
        HttpResponse<String> api = Http.get(root + "/api");
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.headers().firstValue("content-type").orElse("")).startsWith("application/vnd.oai.openapi+json");
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(api.body(), null, options);
        assertThat(parsed.getMessages()).as("OpenAPI 3.0 validation").isEmpty();
        assertThat(parsed.getOpenAPI().getServers().get(0).getUrl()).isEqualTo(root);
        assertThat(parsed.getOpenAPI().getPaths()).containsKeys("/collections/{collectionId}/items");
        // A planted fault is found: the validator is not a formality.
        SwaggerParseResult broken =
                new OpenAPIV3Parser().readContents(api.body().replace("\"responses\"", "\"responzes\""), null, options);
        assertThat(broken.getMessages()).isNotEmpty();
    }

    @Test
    void eachAudienceGetsTheAreaLayersTheWmsShowsIt() {
        assertThat(ids(json(root + "/collections", null)))
                .containsExactly(
                        "lsoa-boundaries", "msoa-boundaries", "ward-boundaries", "lad-boundaries", "deprivation");
        List<String> csp = ids(json(root + "/collections", CSP));
        assertThat(csp)
                .containsExactly(
                        "lsoa-boundaries",
                        "msoa-boundaries",
                        "ward-boundaries",
                        "lad-boundaries",
                        "incident-counts",
                        "incident-counts-msoa",
                        "incident-counts-ward",
                        "incident-counts-lad",
                        "incident-change",
                        "hotspot-gistar",
                        "emerging-hotspots",
                        "deprivation");
        // The per-area comparison of two periods is an area layer too: each LSOA with both periods' published counts
        // and its class, as the layer's GetFeatureInfo gives them.
        JsonNode change = json(root + "/collections/incident-change/items?limit=5", CSP);
        assertThat(change.path("features")).hasSize(5);
        assertThat(change.path("features").get(0).path("properties").toString()).contains("change");
        // A collection not shown is answered as one that does not exist.
        HttpResponse<String> hidden = get(root + "/collections/incident-counts/items", null);
        HttpResponse<String> missing = get(root + "/collections/no-such-layer/items", null);
        assertThat(hidden.statusCode()).isEqualTo(404).isEqualTo(missing.statusCode());
        assertThat(Http.json(hidden).path("error").asText()).isEqualTo("not_found");
        assertThat(Http.json(hidden).path("message").asText())
                .isEqualTo(Http.json(missing).path("message").asText().replace("no-such-layer", "incident-counts"));
        // Never incident points: the points layer is no collection for anyone.
        assertThat(get(root + "/collections/incidents", CSP).statusCode()).isEqualTo(404);
        JsonNode counts = json(root + "/collections/incident-counts", CSP);
        assertThat(counts.path("crs").toString()).contains("EPSG/0/27700", "OGC/1.3/CRS84", "EPSG/0/3857");
        assertThat(counts.path("extent")
                        .path("temporal")
                        .path("interval")
                        .get(0)
                        .get(0)
                        .asText())
                .isEqualTo("2022-01-01T00:00:00Z");
        JsonNode bbox = counts.path("extent").path("spatial").path("bbox").get(0);
        assertThat(bbox.get(0).asDouble()).isBetween(-3.1, -2.8);
        assertThat(bbox.get(1).asDouble()).isBetween(53.3, 53.5);
    }

    @Test
    void boundariesPageThroughEveryAreaAsPostgisHasIt() {
        Set<String> codes = new TreeSet<>();
        String next = root + "/collections/lsoa-boundaries/items?limit=100&crs="
                + enc("http://www.opengis.net/def/crs/EPSG/0/27700");
        int pages = 0;
        Map<String, Double> areas = new HashMap<>();
        while (next != null) {
            HttpResponse<String> r = get(next, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/geo+json");
            assertThat(r.headers().firstValue("Content-Crs").orElse(""))
                    .isEqualTo("<http://www.opengis.net/def/crs/EPSG/0/27700>");
            JsonNode page = Http.json(r);
            assertThat(page.path("numberMatched").asInt()).isEqualTo(TestData.DEMO_LSOAS);
            assertThat(page.path("numberReturned").asInt())
                    .isEqualTo(page.path("features").size())
                    .isLessThanOrEqualTo(100);
            for (JsonNode f : page.path("features")) {
                assertThat(codes.add(f.path("id").asText())).isTrue();
                areas.put(f.path("id").asText(), shoelace(f.path("geometry")));
            }
            next = null;
            for (JsonNode l : page.path("links")) {
                if (l.path("rel").asText().equals("next")) {
                    next = l.path("href").asText();
                }
            }
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        List<List<Object>> rows = Sql.rows(db, """
                SELECT code, ST_Area(geom) FROM area
                WHERE level = 'lsoa' AND vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa') ORDER BY code""");
        assertThat(codes)
                .containsExactlyElementsOf(
                        rows.stream().map(r -> (String) r.get(0)).toList());
        for (List<Object> row : rows) {
            assertThat(areas.get((String) row.get(0)))
                    .as("area of %s", row.get(0))
                    .isCloseTo(
                            ((Number) row.get(1)).doubleValue(), org.assertj.core.data.Percentage.withPercentage(0.01));
        }
        // One feature by its code, in CRS84 by default and in Web Mercator when asked.
        String code = codes.iterator().next();
        JsonNode one = json(root + "/collections/lsoa-boundaries/items/" + code, null);
        assertThat(one.path("id").asText()).isEqualTo(code);
        JsonNode lonLat = first(one.path("geometry"));
        assertThat(lonLat.get(0).asDouble()).isBetween(-3.1, -2.8);
        assertThat(lonLat.get(1).asDouble()).isBetween(53.3, 53.5);
        JsonNode merc =
                first(json(root + "/collections/lsoa-boundaries/items/" + code + "?crs=" + enc("[EPSG:3857]"), null)
                        .path("geometry"));
        assertThat(merc.get(1).asDouble()).isBetween(7.0e6, 7.1e6);
        assertThat(get(root + "/collections/lsoa-boundaries/items/E99999999", null)
                        .statusCode())
                .isEqualTo(404);
    }

    /**
     * A filter on {@code period} selects that period, as datetime does, whether it names the month or a day of it: a
     * filter over the latest month's features would find nothing for March. The queryables say period is a date.
     */
    @Test
    void aPeriodFilterSelectsThatPeriod() {
        String items = root + "/collections/incident-counts-ward/items?limit=1000";
        JsonNode byDatetime = json(items + "&datetime=2022-03", CSP);
        assertThat(byDatetime.path("numberMatched").asInt()).isPositive();
        for (String period : List.of("2022-03", "2022-03-01", "2022-03-15")) {
            JsonNode filtered = json(items + "&period=" + period, CSP);
            assertThat(filtered.path("features")).as(period).isEqualTo(byDatetime.path("features"));
            assertThat(filtered.path("links").get(0).path("href").asText())
                    .as("the page's own link names the selection")
                    .contains("datetime=" + period)
                    .doesNotContain("period=");
        }
        JsonNode latest = json(items, CSP);
        assertThat(latest.path("features")
                        .get(0)
                        .path("properties")
                        .path("period")
                        .asText())
                .isEqualTo("2022-07-01");
        assertThat(latest.path("features")).isNotEqualTo(byDatetime.path("features"));
        HttpResponse<String> both = get(items + "&datetime=2022-03&period=2022-04", CSP);
        assertThat(both.statusCode()).as(both.body()).isEqualTo(400);
        JsonNode queryables = json(root + "/collections/incident-counts-ward/queryables", CSP);
        assertThat(queryables.at("/properties/period/format").asText()).isEqualTo("date");
        assertThat(queryables.at("/properties/period_end/format").asText()).isEqualTo("date");
        // a collection without time keeps period an ordinary (unknown) property
        assertThat(get(root + "/collections/ward-boundaries/items?period=2022-03", CSP)
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void countFeaturesAreTheCountsApiCellsSuppressedAlike() {
        for (String who : List.of(TASKING, CSP)) {
            for (String[] period : List.of(
                    new String[] {"2022-03", "2022-03", "2022-03-01", "2022-03-31"},
                    // Instants fall in UK months: 23:00 UTC on 31 March is already April in London.
                    new String[] {
                        "2022-01-01T00:00:00Z/2022-03-31T22:59:59Z", "2022-01..2022-03", "2022-01-01", "2022-03-31"
                    })) {
                JsonNode features =
                        json(root + "/collections/incident-counts/items?limit=1000&datetime=" + enc(period[0]), who);
                JsonNode api = json(base + "/api/counts?level=lsoa&period=" + period[1], who);
                Map<String, JsonNode> byCode = new LinkedHashMap<>();
                api.path("areas").forEach(a -> byCode.put(a.path("code").asText(), a));
                assertThat(features.path("numberReturned").asInt()).isEqualTo(byCode.size());
                int suppressed = 0;
                for (JsonNode f : features.path("features")) {
                    // the period as its first and last days, dates GIS clients type as dates
                    assertThat(f.path("properties").path("period").asText()).isEqualTo(period[2]);
                    assertThat(f.path("properties").path("period_end").asText()).isEqualTo(period[3]);
                    JsonNode a = byCode.get(f.path("id").asText());
                    boolean anySuppressed = false;
                    double total = a.path("exact").path("all").asDouble(0);
                    for (JsonNode partner : a.path("partners")) {
                        if (partner.path("all").isNull()) {
                            anySuppressed = true;
                        } else {
                            total += partner.path("all").asDouble(0);
                        }
                    }
                    JsonNode p = f.path("properties");
                    assertThat(p.path("suppressed").asBoolean())
                            .as(f.path("id").asText())
                            .isEqualTo(anySuppressed);
                    if (anySuppressed) {
                        suppressed++;
                        assertThat(p.path("incidents").isNull()).isTrue();
                        assertThat(p.path("monthly_rate_per_1000").isNull()).isTrue();
                    } else {
                        assertThat(p.path("incidents").asDouble())
                                .as(f.path("id").asText())
                                .isCloseTo(total, org.assertj.core.data.Offset.offset(1e-3));
                    }
                }
                if (who.equals(TASKING) && period[1].equals("2022-03")) {
                    assertThat(suppressed)
                            .as("the tasking audience meets suppression")
                            .isPositive();
                }
                if (who.equals(CSP)) {
                    assertThat(suppressed).isZero();
                }
            }
        }
        // Each answer drawing a restricted feed is one audit entry with the number of features, as /api/counts is;
        // boundaries draw none and are not recorded.
        String audited = "SELECT count(*) FROM audit_log WHERE action = 'ogc.features'";
        long before = Sql.count(db, audited);
        json(root + "/collections/incident-counts/items?limit=7&datetime=2022-02", TASKING);
        json(root + "/collections/lsoa-boundaries/items?limit=7", TASKING);
        assertThat(Sql.count(db, audited)).isEqualTo(before + 1);
        assertThat(Sql.value(
                        db,
                        "SELECT result_size FROM audit_log WHERE action = 'ogc.features' ORDER BY seq DESC LIMIT 1"))
                .isEqualTo(7L);
        // One feature by its code, for the month a date falls in.
        String code = (String) Sql.value(db, """
                SELECT lsoa_code FROM incident WHERE event_from >= '2022-03-01' AND event_from < '2022-04-01'
                  AND lsoa_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""");
        JsonNode one = json(root + "/collections/incident-counts/items/" + code + "?datetime=2022-03-15", CSP);
        assertThat(one.path("properties").path("period").asText()).isEqualTo("2022-03-01");
        assertThat(one.path("properties").path("incidents").asDouble()).isPositive();
        // The rate is the count per 1,000 residents.
        double population = one.path("properties").path("population").asDouble();
        assertThat(one.path("properties").path("monthly_rate_per_1000").asDouble())
                .isCloseTo(
                        1000 * one.path("properties").path("incidents").asDouble() / population,
                        org.assertj.core.data.Offset.offset(1e-3));
    }

    /**
     * The district layers: every district the lookup names, once, with the code, name and area PostGIS holds (its
     * outline nests its LSOAs: their areas add up to its own); its counts are the protected tables' district cells
     * for each audience (the {@code /api/counts} cells, suppressed alike), the sum of its LSOAs' counts for the analyst
     * who sees every feed as points, its police.uk records as counted in SQL, and its population its LSOAs' sum.
     */
    @Test
    void districtLayersHoldEveryDistrictOnceWithTheProtectedTablesCells() {
        List<List<Object>> districts = Sql.rows(db, """
                SELECT a.code, a.name, ST_Area(a.geom),
                       (SELECT sum(ST_Area(l.geom)) FROM area l JOIN area_parent p ON p.level = l.level
                              AND p.vintage = l.vintage AND p.code = l.code AND p.parent_level = 'lad'
                        WHERE l.level = 'lsoa' AND p.parent_code = a.code),
                       (SELECT sum(pop.population) FROM area_parent p JOIN area_population pop ON pop.level = 'lsoa'
                              AND pop.code = p.code WHERE p.level = 'lsoa' AND p.parent_level = 'lad'
                              AND p.parent_code = a.code)
                FROM area a WHERE a.level = 'lad' AND a.vintage = (SELECT max(vintage) FROM area WHERE level = 'lad')
                ORDER BY a.code""");
        assertThat(districts.stream().map(r -> r.get(0)).toList())
                .as("the districts the lookup names")
                .isEqualTo(
                        Sql.rows(
                                        db,
                                        "SELECT DISTINCT parent_code FROM area_parent WHERE parent_level = 'lad' ORDER BY 1")
                                .stream()
                                .map(r -> r.get(0))
                                .toList())
                .isNotEmpty();
        JsonNode boundaries = json(root + "/collections/lad-boundaries/items", null);
        assertThat(boundaries.path("numberMatched").asInt()).isEqualTo(districts.size());
        Map<String, JsonNode> byCode = new LinkedHashMap<>();
        boundaries.path("features").forEach(f -> byCode.put(f.path("id").asText(), f));
        for (List<Object> d : districts) {
            String code = (String) d.get(0);
            JsonNode f = byCode.get(code);
            assertThat(f).as(code).isNotNull();
            assertThat(f.path("properties").path("name").asText()).isEqualTo(d.get(1));
            assertThat(f.path("properties").path("level").asText()).isEqualTo("lad");
            double area = ((Number) d.get(2)).doubleValue();
            assertThat(((Number) d.get(3)).doubleValue())
                    .as("%s: its LSOAs' areas add up to its own", code)
                    .isCloseTo(area, org.assertj.core.data.Percentage.withPercentage(0.01));
        }
        assertThat(byCode.keySet()).hasSize(districts.size());
        String month = "2022-03";
        for (String who : List.of(TASKING, CSP)) {
            JsonNode features = json(root + "/collections/incident-counts-lad/items?datetime=" + month, who)
                    .path("features");
            JsonNode api = json(base + "/api/counts?level=lad&period=" + month, who);
            Map<String, JsonNode> cells = new LinkedHashMap<>();
            api.path("areas").forEach(a -> cells.put(a.path("code").asText(), a));
            assertThat(features.size()).isEqualTo(districts.size()).isEqualTo(cells.size());
            for (JsonNode f : features) {
                String code = f.path("id").asText();
                JsonNode cell = cells.get(code);
                boolean suppressed = false;
                double total = cell.path("exact").path("all").asDouble(0);
                for (JsonNode partner : cell.path("partners")) {
                    if (partner.path("all").isNull()) {
                        suppressed = true;
                    } else {
                        total += partner.path("all").asDouble(0);
                    }
                }
                JsonNode p = f.path("properties");
                assertThat(p.path("suppressed").asBoolean()).as(code).isEqualTo(suppressed);
                if (!suppressed) {
                    assertThat(p.path("incidents").asDouble()).as(code).isEqualTo(total);
                }
                List<Object> d = districts.stream()
                        .filter(r -> r.get(0).equals(code))
                        .findFirst()
                        .orElseThrow();
                assertThat(p.path("population").asLong()).isEqualTo(((Number) d.get(4)).longValue());
            }
        }
        // The analyst sees every feed as points: a district is exactly the sum of its LSOAs, and its police.uk
        // records (a month each) are those SQL counts in its LSOAs.
        JsonNode lsoas = json(root + "/collections/incident-counts/items?limit=10000&datetime=" + month, CSP);
        for (List<Object> d : districts) {
            String code = (String) d.get(0);
            Set<String> inside = new HashSet<>();
            Sql.rows(
                            db,
                            "SELECT code FROM area_parent WHERE level = 'lsoa' AND parent_level = 'lad' AND parent_code = ?",
                            code)
                    .forEach(r -> inside.add((String) r.get(0)));
            double sum = 0;
            for (JsonNode f : lsoas.path("features")) {
                if (inside.contains(f.path("id").asText())) {
                    sum += f.path("properties").path("incidents").asDouble();
                }
            }
            JsonNode all = json(root + "/collections/incident-counts-lad/items/" + code + "?datetime=" + month, CSP);
            assertThat(all.path("properties").path("incidents").asDouble())
                    .as("%s: the sum of its LSOAs", code)
                    .isEqualTo(sum)
                    .isPositive();
            JsonNode police = json(
                    root + "/collections/incident-counts-lad/items/" + code + "?feed=police-uk&datetime=" + month, CSP);
            long records = Sql.count(db, """
                    SELECT count(*) FROM incident WHERE feed = 'police-uk'
                      AND event_from >= '2022-03-01 00:00 Europe/London' AND event_from < '2022-04-01 00:00 Europe/London'
                      AND lsoa_code IN (SELECT code FROM area_parent WHERE level = 'lsoa' AND parent_level = 'lad'
                                        AND parent_code = ?)""", code);
            assertThat(police.path("properties").path("incidents").asDouble())
                    .as("%s: police.uk records in %s", code, month)
                    .isEqualTo((double) records);
        }
    }

    @Test
    void runResultsAreClassesOnlyForThoseWhoSeeAFeedOfTheRunBelowPoints() {
        String url = root + "/collections/hotspot-gistar/items?limit=1000&run=" + run;
        JsonNode full = json(url, CSP);
        Map<String, Double> z = new HashMap<>();
        for (List<Object> row :
                Sql.rows(db, "SELECT code, gi_z FROM hotspot_area_result WHERE run_id = ? AND level = 'lsoa'", run)) {
            z.put((String) row.get(0), row.get(1) == null ? null : ((Number) row.get(1)).doubleValue());
        }
        assertThat(full.path("numberMatched").asInt()).isEqualTo(z.size());
        JsonNode sample = full.path("features").get(0).path("properties");
        assertThat(sample.has("gi_z")).isTrue();
        for (JsonNode f : full.path("features")) {
            Double expected = z.get(f.path("id").asText());
            if (expected != null) {
                assertThat(f.path("properties").path("gi_z").asDouble())
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        JsonNode classes = json(url, TASKING);
        Set<String> allowed = new HashSet<>(AreaResults.CLASS_FIELDS);
        allowed.addAll(List.of("code", "name", "level", "counts_withheld", "run"));
        for (JsonNode f : classes.path("features")) {
            f.path("properties")
                    .fieldNames()
                    .forEachRemaining(name ->
                            assertThat(allowed).as("tasking sees only classes").contains(name));
        }
        // A run that does not exist is the caller's error, named by its parameter.
        HttpResponse<String> none = get(root + "/collections/hotspot-gistar/items?run=999999", CSP);
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(Http.json(none).path("message").asText()).contains("run");
    }

    @Test
    void bboxCrsAndPropertyFiltersNarrowTheAnswer() {
        String items = root + "/collections/lsoa-boundaries/items";
        // A kilometre square in the city centre, in British National Grid, then (roughly) the same in CRS84.
        JsonNode bng = json(
                items + "?limit=1000&bbox=334400,389800,335400,390800&bbox-crs="
                        + enc("http://www.opengis.net/def/crs/EPSG/0/27700"),
                null);
        long expected = Sql.count(db, """
                SELECT count(*) FROM area WHERE level = 'lsoa'
                  AND vintage = (SELECT max(vintage) FROM area WHERE level = 'lsoa')
                  AND ST_Intersects(geom, ST_MakeEnvelope(334400, 389800, 335400, 390800, 27700))""");
        assertThat(bng.path("numberMatched").asLong()).isEqualTo(expected).isPositive();
        JsonNode wgs = json(items + "?limit=1000&bbox=-2.99,53.40,-2.98,53.41", null);
        assertThat(wgs.path("numberMatched").asInt()).isBetween(1, TestData.DEMO_LSOAS - 1);
        // Property filter: simple equality on a queryable.
        String code = bng.path("features").get(0).path("id").asText();
        JsonNode one = json(items + "?code=" + code, null);
        assertThat(one.path("numberMatched").asInt()).isEqualTo(1);
        JsonNode queryables = json(root + "/collections/deprivation/queryables", null);
        assertThat(queryables.path("properties").has("code")).isTrue();
        String decileName = null;
        for (var it = queryables.path("properties").fieldNames(); it.hasNext(); ) {
            String n = it.next();
            if (n.contains("decile")) {
                decileName = n;
            }
        }
        assertThat(decileName).isNotNull();
        JsonNode first = json(root + "/collections/deprivation/items?limit=1000&" + decileName + "=1", null);
        assertThat(first.path("numberMatched").asInt()).isBetween(1, TestData.DEMO_LSOAS - 1);
        for (JsonNode f : first.path("features")) {
            assertThat(f.path("properties").path(decileName).asInt()).isEqualTo(1);
        }
        // Refusals are the API's JSON errors.
        for (String bad : List.of(
                "?colour=red",
                "?crs=" + enc("http://www.opengis.net/def/crs/EPSG/0/4326"),
                "?bbox=1,2,3",
                "?limit=0",
                "?datetime=2022-03",
                "?bbox=-1e300,-1e300,1e300,1e300&bbox-crs=" + enc("http://www.opengis.net/def/crs/EPSG/0/3857"))) {
            HttpResponse<String> r = get(items + bad, null);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(Http.json(r).path("error").asText()).isEqualTo("bad_request");
        }
        assertThat(Http.get(items + "?f=html").body()).startsWith("<!DOCTYPE html>");
    }

    @Test
    void gdalsOapifDriverListsTheCollectionsAndReadsEveryFeature() {
        String layers = Gdal.run("ogrinfo", "-ro", "-q", "OAPIF:" + root);
        assertThat(layers).contains("lsoa-boundaries", "ward-boundaries", "deprivation");
        assertThat(layers).doesNotContain("incident-counts");
        String summary = Gdal.run("ogrinfo", "-ro", "-so", "OAPIF:" + root, "lsoa-boundaries");
        assertThat(summary).contains("Feature Count: " + TestData.DEMO_LSOAS);
        String all = Gdal.run("ogrinfo", "-ro", "-al", "-geom=NO", "OAPIF:" + root, "msoa-boundaries");
        long msoas = Sql.count(
                db,
                "SELECT count(*) FROM area WHERE level = 'msoa' AND vintage = (SELECT max(vintage) FROM area WHERE level = 'msoa')");
        assertThat(all.split("\nOGRFeature\\(", -1).length - 1).isEqualTo((int) msoas);
        // Signed in (GDAL sends the header), the count layers are there too.
        String signedIn =
                Gdal.run("ogrinfo", "-ro", "-q", "--config", "GDAL_HTTP_HEADERS", HEADER + ": " + CSP, "OAPIF:" + root);
        assertThat(signedIn).contains("incident-counts", "hotspot-gistar");
        // A month other than the latest: GDAL repeats the connection URL's query on every request, so
        // ?datetime= in it picks the month of the count collections (what docs/wms.md gives for ogr2ogr).
        String march = Gdal.run(
                "ogrinfo",
                "-ro",
                "-al",
                "-geom=NO",
                "--config",
                "GDAL_HTTP_HEADERS",
                HEADER + ": " + CSP,
                "OAPIF:" + root + "?datetime=2022-03",
                "incident-counts-lad");
        JsonNode served = json(root + "/collections/incident-counts-lad/items?datetime=2022-03", CSP)
                .path("features")
                .get(0)
                .path("properties");
        assertThat(march)
                .contains("period (Date) = 2022/03/01")
                .doesNotContain("period (Date) = 2022/07/01")
                .contains("incidents (Real) = " + served.path("incidents").asLong());
    }

    @Test
    void owslibReadsTheCollectionsAndFeatures() throws Exception {
        Path script = Files.createTempFile("safemap-owslib-", ".py");
        Files.writeString(script, """
                import json, sys
                from owslib.ogcapi.features import Features
                api = Features(sys.argv[1])
                ids = [c['id'] for c in api.collections()['collections']]
                items = api.collection_items('ward-boundaries', limit=1000)
                print(json.dumps({'ids': ids, 'matched': items['numberMatched'],
                                  'codes': sorted(f['id'] for f in items['features'])}))
                """);
        try {
            Process p = new ProcessBuilder(PYTHON, script.toString(), root)
                    .redirectErrorStream(true)
                    .start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
            assertThat(report.path("ids").toString())
                    .contains("ward-boundaries")
                    .doesNotContain("incident-counts");
            List<Object> wards = Sql.rows(db, """
                    SELECT code FROM area WHERE level = 'ward'
                      AND vintage = (SELECT max(vintage) FROM area WHERE level = 'ward') ORDER BY code""").stream().map(r -> r.get(0)).toList();
            assertThat(report.path("matched").asInt()).isEqualTo(wards.size());
            List<String> codes = new ArrayList<>();
            report.path("codes").forEach(c -> codes.add(c.asText()));
            assertThat(codes)
                    .containsExactlyElementsOf(
                            wards.stream().map(String::valueOf).toList());
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static JsonNode first(JsonNode geometry) {
        JsonNode c = geometry.path("coordinates");
        while (c.get(0).isArray()) {
            c = c.get(0);
        }
        return c;
    }

    /** The planar area of a GeoJSON polygon or multipolygon (rings' shoelace sums, holes subtracted). */
    private static double shoelace(JsonNode geometry) {
        List<JsonNode> polygons = new ArrayList<>();
        if (geometry.path("type").asText().equals("Polygon")) {
            polygons.add(geometry.path("coordinates"));
        } else {
            geometry.path("coordinates").forEach(polygons::add);
        }
        double total = 0;
        for (JsonNode polygon : polygons) {
            for (int r = 0; r < polygon.size(); r++) {
                JsonNode ring = polygon.get(r);
                double s = 0;
                for (int k = 0; k + 1 < ring.size(); k++) {
                    s += ring.get(k).get(0).asDouble() * ring.get(k + 1).get(1).asDouble()
                            - ring.get(k + 1).get(0).asDouble()
                                    * ring.get(k).get(1).asDouble();
                }
                total += r == 0 ? Math.abs(s) / 2 : -Math.abs(s) / 2;
            }
        }
        return total;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
