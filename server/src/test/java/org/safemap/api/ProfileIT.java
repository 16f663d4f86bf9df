package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.db.Database;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestPrincipals;

/** Area profiles over the demo data through the HTTP API, each table checked against a count written in SQL. */
class ProfileIT {
    private static final String FROM = "timestamptz '2022-01-01 00:00 Europe/London'";
    private static final String TO = "timestamptz '2023-01-01 00:00 Europe/London'";
    /** Records of every linked event reduced to the most precisely placed one, as hotspot runs count them. */
    private static final String CHOSEN = """
            (SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.*
             FROM incident i WHERE i.event_from >= %s AND i.event_from < %s
             ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id)""".formatted(FROM, TO);

    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;

    @BeforeAll
    static void start() {
        server = DemoServer.startAs(TestPrincipals.CSP_ANALYST);
        db = server.db();
        base = server.base();
    }

    private static JsonNode profile(String query) {
        HttpResponse<String> r = Http.get(base + "/api/profile?" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    @Test
    void anLsoasTablesEqualCountsOfItsRecordsInSql() {
        String code = (String) Sql.value(
                db,
                "SELECT lsoa_code FROM " + CHOSEN + " c WHERE lsoa_code IS NOT NULL "
                        + "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
        JsonNode p = profile("area=lsoa:" + code + "&period=2022-01..2022-12");
        long records = Sql.count(db, "SELECT count(*) FROM " + CHOSEN + " c WHERE lsoa_code = ?", code);
        assertThat(records).isGreaterThan(100);
        assertThat(p.path("records").asLong()).isEqualTo(records);
        assertThat(p.at("/area/name").asText()).isNotBlank();

        List<List<Object>> months = Sql.rows(
                db,
                "SELECT to_char(event_from AT TIME ZONE 'Europe/London', 'YYYY-MM'), " + "count(*) FROM " + CHOSEN
                        + " c WHERE lsoa_code = ? GROUP BY 1",
                code);
        // 2022-01..2022-12 is clipped to the months holding data (PeriodLimit).
        assertThat(p.path("months").size()).isEqualTo(7);
        assertThat(p.at("/selection/period").asText()).isEqualTo("2022-01..2022-07");
        for (List<Object> m : months) {
            JsonNode month = null;
            for (JsonNode x : p.path("months")) {
                if (x.path("month").asText().equals(m.get(0))) {
                    month = x;
                }
            }
            assertThat(month).as("month " + m.get(0)).isNotNull();
            assertThat(month.path("records").asLong())
                    .as("month " + m.get(0))
                    .isEqualTo(((Number) m.get(1)).longValue());
        }
        long byCategory = 0;
        for (JsonNode c : p.path("categories")) {
            long n = Sql.count(
                    db,
                    "SELECT count(*) FROM " + CHOSEN + " c WHERE lsoa_code = ? AND category = ?",
                    code,
                    c.path("code").asText());
            assertThat(c.path("records").asLong()).as(c.path("code").asText()).isEqualTo(n);
            byCategory += n;
        }
        assertThat(byCategory).isEqualTo(records);
        long residents = Sql.count(
                db,
                "SELECT population FROM area_population WHERE level = 'lsoa' AND code = ? "
                        + "ORDER BY year DESC LIMIT 1",
                code);
        // the rate is of the headline, the incidents as the ranking counts them
        assertThat(p.path("ratePer1000").asDouble())
                .isCloseTo(p.path("incidents").asDouble() * 1000.0 / residents, within(0.051));
        assertThat(p.at("/area/deprivation/decile").asInt()).isBetween(1, 10);
        assertThat(p.path("sources").size()).isGreaterThanOrEqualTo(1);
        assertThat(p.at("/sources/0/attribution").asText()).isNotBlank();
    }

    /**
     * One counting rule for the profile and the ranking: for violence at night (22-3) from January to July 2022, the
     * profile of each of the ranking's top three LSOAs gives as its headline the incidents the ranking's row gives,
     * and both equal the aoristic sum written out here in SQL: an event once, at its most precisely placed record
     * over the whole selection; a record timed to the instant counts if its hour is at night; a window of up to a
     * week by the share of its seconds at night inside the period; a longer one (a police.uk month) by its share of
     * the period times the night's share of the week, a quarter. The tables still count records by where they start.
     */
    @Test
    void theHeadlineIsTheRankingsCountForTheSameAreaPeriodCategoryAndHours() {
        HttpResponse<String> r = Http.postJson(base + "/api/hotspots", """
                {"period": "2022-01..2022-07", "categories": ["violence"], "hours": "22-3"}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long run = Http.json(r).path("id").asLong();
        JsonNode rows = Http.json(Http.get(base + "/api/hotspots/" + run + "/areas"));
        String p0 = "timestamptz '2022-01-01 00:00 Europe/London'";
        String p1 = "timestamptz '2022-08-01 00:00 Europe/London'";
        String night = "extract(hour FROM %s AT TIME ZONE 'Europe/London') IN (22, 23, 0, 1, 2, 3)";
        String aoristic = """
                WITH chosen AS (
                  SELECT DISTINCT ON (coalesce(i.event_id, i.id)) i.lsoa_code, i.event_from AS f, i.event_to AS t
                  FROM incident i JOIN category c ON c.code = i.category
                  WHERE c.group_code = 'violence' AND i.event_from < %2$s AND i.event_to >= %1$s
                    AND (i.event_to > %1$s OR i.event_to = i.event_from)
                  ORDER BY coalesce(i.event_id, i.id), i.precision_m, i.id),
                w AS (SELECT f, t, greatest(f, %1$s) AS a, least(t, %2$s) AS b FROM chosen WHERE lsoa_code = ?)
                SELECT coalesce(sum(CASE
                  WHEN t = f THEN CASE WHEN f >= %1$s AND f < %2$s AND %3$s THEN 1 ELSE 0 END
                  WHEN b <= a THEN 0
                  WHEN extract(epoch FROM b - a) > 7 * 86400
                    THEN extract(epoch FROM b - a) / extract(epoch FROM t - f) * 6 / 24
                  ELSE (SELECT coalesce(sum(extract(epoch FROM least(b, h + interval '1 hour') - greatest(a, h))), 0)
                        FROM generate_series(date_trunc('hour', a), b - interval '1 microsecond', interval '1 hour') h
                        WHERE %4$s) / extract(epoch FROM t - f)
                END), 0) FROM w""".formatted(p0, p1, night.formatted("f"), night.formatted("h"));
        int checked = 0;
        for (JsonNode row : rows) {
            if (checked == 3) {
                break;
            }
            String code = row.path("code").asText();
            double ranked = row.path("incidents").asDouble();
            JsonNode p = profile("area=lsoa:" + code + "&period=2022-01..2022-07&categories=violence&hours=22-3");
            assertThat(p.path("incidents").asDouble()).as("profile of " + code).isCloseTo(ranked, within(0.001));
            double sql = ((Number) Sql.value(db, aoristic, code)).doubleValue();
            assertThat(sql).as("SQL for " + code).isCloseTo(ranked, within(0.001));
            // police.uk months count by a quarter: the weighted count is not the count of night records
            assertThat(ranked).as(code).isNotEqualTo((double) p.path("records").asLong());
            checked++;
        }
        assertThat(checked).isEqualTo(3);
    }

    @Test
    void theHourAndWeekdayTableHoldsTimedRecordsByLocalTime() {
        String code = "E02001377";
        JsonNode p = profile("area=msoa:" + code + "&period=2022-01..2022-12&feeds=ambulance");
        long timed = Sql.count(
                db,
                "SELECT count(*) FROM incident WHERE feed = 'ambulance' AND msoa_code = ? "
                        + "AND event_from >= " + FROM + " AND event_from < " + TO
                        + " AND event_to - event_from <= interval '1 hour'",
                code);
        assertThat(timed).isGreaterThan(20);
        assertThat(p.at("/hourWeekday/timed").asLong()).isEqualTo(timed);
        JsonNode counts = p.at("/hourWeekday/counts");
        long sum = 0;
        for (int d = 0; d < 7; d++) {
            for (int h = 0; h < 24; h++) {
                long cell = counts.get(d).get(h).asLong();
                sum += cell;
                if (cell > 0 || (d + h) % 17 == 0) {
                    long sql = Sql.count(
                            db,
                            "SELECT count(*) FROM incident WHERE feed = 'ambulance' AND msoa_code = ? "
                                    + "AND event_from >= " + FROM + " AND event_from < " + TO
                                    + " AND extract(isodow FROM event_from AT TIME ZONE 'Europe/London') = ?"
                                    + " AND extract(hour FROM event_from AT TIME ZONE 'Europe/London') = ?",
                            code,
                            d + 1,
                            h);
                    assertThat(cell).as("day " + d + " hour " + h).isEqualTo(sql);
                }
            }
        }
        assertThat(sum).isEqualTo(timed);
    }

    @Test
    void hourFiltersKeepTimedRecordsInThoseHoursAndCountTheUntimedLeftOut() {
        String code = "E02001377";
        JsonNode p = profile("area=msoa:" + code + "&period=2022-01..2022-12&hours=22-3");
        long night = Sql.count(
                db,
                "SELECT count(*) FROM " + CHOSEN + " c WHERE msoa_code = ? "
                        + "AND event_to - event_from <= interval '1 hour' "
                        + "AND extract(hour FROM event_from AT TIME ZONE 'Europe/London') IN (22, 23, 0, 1, 2, 3)",
                code);
        long untimed = Sql.count(
                db,
                "SELECT count(*) FROM " + CHOSEN + " c WHERE msoa_code = ? "
                        + "AND event_to - event_from > interval '1 hour'",
                code);
        assertThat(night).isPositive();
        assertThat(p.path("records").asLong()).isEqualTo(night);
        assertThat(p.at("/hourWeekday/untimedDropped").asLong()).isEqualTo(untimed);
        assertThat(p.at("/hourWeekday/untimed").asLong()).isZero();
    }

    @Test
    void aDrawnCircleCountsTheRecordsInsideItAndApportionsResidents() {
        double lon = -2.98;
        double lat = 53.405;
        double r = 500;
        HttpResponse<String> resp = Http.postJson(base + "/api/profile", """
                {"circle": {"center": [%s, %s], "radiusM": %s}, "period": "2022-01..2022-12", "feeds": ["ambulance"]}""".formatted(lon, lat, r));
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        JsonNode p = Http.json(resp);
        String point = "ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 27700)".formatted(lon, lat);
        String within = "SELECT count(*) FROM incident WHERE feed = 'ambulance' AND event_from >= " + FROM
                + " AND event_from < " + TO + " AND ST_DWithin(geom, " + point + ", ?)";
        // the circle is a 64-sided polygon: between its inscribed and its circumscribed circles
        long inner = Sql.count(db, within, r * Math.cos(Math.PI / 64));
        long outer = Sql.count(db, within, r);
        assertThat(outer).isGreaterThan(10);
        assertThat(p.path("records").asLong()).isBetween(inner, outer);
        assertThat(p.at("/area/areaKm2").asDouble()).isCloseTo(Math.PI * r * r / 1e6, within(0.01));
        long residents = Sql.count(db, """
                SELECT round(sum(p.population * ST_Area(ST_Intersection(a.geom, ST_Buffer(%1$s, ?, 16)))
                                  / ST_Area(a.geom)))::bigint
                FROM area a JOIN LATERAL (SELECT population FROM area_population q WHERE q.level = 'lsoa'
                     AND q.vintage = a.vintage AND q.code = a.code ORDER BY year DESC LIMIT 1) p ON true
                WHERE a.level = 'lsoa' AND ST_Intersects(a.geom, ST_Buffer(%1$s, ?, 16))""".formatted(point), r, r);
        assertThat(p.at("/area/population/residents").asLong()).isCloseTo(residents, within(1L));
        long byDecile = 0;
        for (JsonNode d : p.at("/area/residentsByImdDecile")) {
            byDecile += d.asLong();
        }
        assertThat(byDecile).isCloseTo(residents, within(10L));
    }

    @Test
    void aDrawnPolygonOfAnLsoasOutlineGivesThatLsoasCounts() {
        String code = "E01006512";
        String geojson = (String) Sql.value(
                db,
                "SELECT ST_AsGeoJSON(ST_Transform(geom, 4326), 9) FROM area "
                        + "WHERE level = 'lsoa' AND code = ? ORDER BY vintage DESC LIMIT 1",
                code);
        HttpResponse<String> resp = Http.postJson(base + "/api/profile", """
                {"geometry": %s, "period": "2022-01..2022-12", "feeds": ["ambulance", "fire-irs"]}""".formatted(geojson));
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        JsonNode drawn = Http.json(resp);
        JsonNode named = profile("area=lsoa:" + code + "&period=2022-01..2022-12&feeds=ambulance,fire-irs");
        assertThat(named.path("records").asLong()).isPositive();
        assertThat(drawn.path("records").asLong())
                .isEqualTo(named.path("records").asLong());
        assertThat(drawn.at("/area/lsoas").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theNewestStoredRunGivesTheAreasGiStarClass() {
        HttpResponse<String> r = Http.postJson(base + "/api/hotspots", """
                {"period": "2022-01..2022-06", "categories": ["violence"], "bandwidth": 300, "cellM": 100}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long run = Http.json(r).path("id").asLong();
        List<Object> top = Sql.rows(
                        db,
                        "SELECT code, gi_class, gi_z FROM hotspot_area_result WHERE run_id = ? "
                                + "ORDER BY rank LIMIT 1",
                        run)
                .get(0);
        JsonNode p = profile("area=lsoa:" + top.get(0) + "&period=2022-01..2022-06");
        assertThat(p.at("/gistar/run").asLong()).isEqualTo(run);
        assertThat(p.at("/gistar/class").asText()).isEqualTo(top.get(1));
        assertThat(p.at("/gistar/z").asDouble()).isCloseTo(((Number) top.get(2)).doubleValue(), within(1e-9));
        assertThat(p.at("/gistar/rank").asInt()).isEqualTo(1);
        assertThat(p.at("/gistar/categories").toString()).isEqualTo("[\"violence\"]");
        assertThat(p.at("/gistar/period").asText()).isEqualTo("2022-01..2022-06");
    }

    @Test
    void badRequestsGetClearJsonErrors() {
        assertError(Http.get(base + "/api/profile?period=2022-01"), 400, "area is required");
        assertError(Http.get(base + "/api/profile?area=lsoa:E01006512&colour=red"), 400, "unknown parameter 'colour'");
        assertError(Http.get(base + "/api/profile?area=lsoa:E09999999"), 404, "no area E09999999");
        assertError(Http.get(base + "/api/profile?area=lsoa:E01006512&categories=cheese"), 400, "unknown category");
        assertError(Http.postJson(base + "/api/profile", """
                {"geometry": {"type": "Polygon", "coordinates": [[[-2.99, 53.40], [-2.97, 53.41], [-2.97, 53.40],
                 [-2.99, 53.41], [-2.99, 53.40]]]}}"""), 400, "not a valid polygon");
        assertError(Http.postJson(base + "/api/profile", """
                {"circle": {"center": [-2.98, 53.40], "radiusM": 90000}}"""), 400, "radius");
        assertError(Http.postJson(base + "/api/profile", """
                {"geometry": {"type": "Point", "coordinates": [-2.98, 53.40]}}"""), 400, "Polygon");
        assertError(Http.postJson(base + "/api/profile", "{}"), 400, "either geometry");
        assertError(Http.postJson(base + "/api/profile", "[1, 2]"), 400, "JSON object");
    }

    private static void assertError(HttpResponse<String> r, int status, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = Http.json(r);
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("message").asText()).contains(message);
    }
}
