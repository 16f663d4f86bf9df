package org.safemap.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.db.Database;
import org.safemap.testing.DemoServer;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestPrincipals;

/**
 * The per hot spot breakdown of the tasking pack, read back from the PDF (poppler's pdftotext), the DOCX (python-docx)
 * and the HTML (jsoup), against numbers counted independently in PostGIS: each hot spot's category groups this month
 * and last, each feed's events, the timed records and their busiest hours, its repeat locations; and, for a reader who
 * sees partner feeds only as counts, the partners' cells exactly as the area profile publishes them for that LSOA.
 */
class PackBreakdownIT {
    private static final String LIVERPOOL = "E08000012";
    private static final String ANALYST = "analyst:csp:strategic-assessment";
    private static final String TASKING = "tasking::tasking";
    private static final Pattern HOTSPOT_HEADING = Pattern.compile("(\\d+)\\. (.+) \\((E01\\d{6})\\)");

    /** Distinct police.uk events of one category group in one LSOA in a month, on the local clock. */
    private static final String GROUP_EVENTS = """
            SELECT count(DISTINCT coalesce(i.event_id, i.id)) FROM incident i JOIN category c ON c.code = i.category
            WHERE i.feed = 'police-uk' AND c.group_code = ? AND i.lsoa_code = ?
              AND i.event_from >= (?::date)::timestamp AT TIME ZONE 'Europe/London'
              AND i.event_from < ((?::date) + interval '1 month')::timestamp AT TIME ZONE 'Europe/London'""";

    private static Database db;

    @AutoClose
    private static DemoServer server;

    private static String base;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        server = DemoServer.start();
        db = server.db();
        base = server.base();
    }

    @Test
    void pdfBreakdownGivesEachHotspotsGroupsAsCountedInPostgis() throws Exception {
        byte[] pdf = pack(ANALYST, "feeds=police-uk&top=4&format=pdf");
        Path file = dir.resolve("breakdown.pdf");
        Files.write(file, pdf);
        String text =
                run("pdftotext", "-raw", "-enc", "UTF-8", file.toString(), "-").replaceAll("\\s+", " ");
        Map<String, String> sections = sections(text);
        assertThat(sections).hasSize(4);
        for (Map.Entry<String, String> s : sections.entrySet()) {
            String lsoa = s.getKey();
            int rows = 0;
            for (List<Object> g : Sql.rows(db, "SELECT code, label FROM category_group ORDER BY code")) {
                String group = (String) g.get(0);
                long july = Sql.count(db, GROUP_EVENTS, group, lsoa, "2022-07-01", "2022-07-01");
                long june = Sql.count(db, GROUP_EVENTS, group, lsoa, "2022-06-01", "2022-06-01");
                String row = g.get(1) + " " + PackDocument.count(july) + " " + PackDocument.count(june) + " "
                        + PackDocument.change(july, (double) june) + " no data";
                if (july + june > 0) {
                    assertThat(s.getValue()).as(lsoa).contains(row);
                    rows++;
                } else {
                    assertThat(s.getValue()).as(lsoa).doesNotContain(g.get(1) + " 0 0");
                }
            }
            assertThat(rows).isPositive();
            // police.uk carries only the month, so no hour can be given, and the pack says why
            assertThat(s.getValue()).contains("When: no record here is timed to the hour");
            // the repeat locations in it: police.uk points in the LSOA with two or more July records, most first
            List<List<Object>> repeats = Sql.rows(db, """
                    SELECT count(*) FROM incident WHERE feed = 'police-uk' AND lsoa_code = ?
                      AND event_from >= timestamptz '2022-07-01 00:00 Europe/London'
                      AND event_from < timestamptz '2022-08-01 00:00 Europe/London'
                    GROUP BY geom HAVING count(*) >= 2 ORDER BY 1 DESC LIMIT 3""", lsoa);
            Matcher m =
                    Pattern.compile("Repeat locations: (.*?)\\. Emerging class").matcher(s.getValue());
            assertThat(m.find()).as(s.getValue()).isTrue();
            List<Long> listed = new ArrayList<>();
            Matcher each = Pattern.compile("(?:^|; )(.+?) (\\d+) incidents").matcher(m.group(1));
            while (each.find()) {
                assertThat(each.group(1)).isNotBlank().isNotEqualToIgnoringCase("On or near");
                listed.add(Long.parseLong(each.group(2)));
            }
            assertThat(listed)
                    .containsExactlyElementsOf(repeats.stream()
                            .map(r -> ((Number) r.get(0)).longValue())
                            .toList());
            assertThat(s.getValue()).containsPattern("Emerging class: [A-Z][a-z]");
        }
    }

    @Test
    void docxBreakdownTablesAndHeadingStylesReadByPythonDocx() throws Exception {
        byte[] docx = pack(ANALYST, "feeds=police-uk&top=3&format=docx");
        Path file = dir.resolve("breakdown.docx");
        Files.write(file, docx);
        // python-docx, not the library that wrote it: the body's paragraphs (text, style name) and tables in order
        String json = run("/usr/bin/python3", "-c", """
                import sys, json, docx
                from docx.table import Table
                from docx.text.paragraph import Paragraph
                d = docx.Document(sys.argv[1])
                out = []
                for child in d.element.body.iterchildren():
                    tag = child.tag.split('}')[1]
                    if tag == 'p':
                        p = Paragraph(child, d)
                        out.append({'p': p.text, 'style': p.style.name if p.style is not None else ''})
                    elif tag == 'tbl':
                        t = Table(child, d)
                        out.append({'table': [[c.text for c in r.cells] for r in t.rows]})
                print(json.dumps(out))
                """, file.toString());
        JsonNode blocks = new ObjectMapper().readTree(json);
        assertThat(blocks.get(0).path("style").asText()).isEqualTo("Title");
        List<String> h1 = new ArrayList<>();
        int hotspots = 0;
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            if (b.path("style").asText().equals("Heading 1")) {
                h1.add(b.path("p").asText());
            }
            Matcher m = HOTSPOT_HEADING.matcher(b.path("p").asText());
            if (!m.matches()) {
                continue;
            }
            assertThat(b.path("style").asText()).isEqualTo("Heading 3");
            hotspots++;
            String lsoa = m.group(3);
            JsonNode table = null;
            for (int k = i + 1; k < blocks.size() && table == null; k++) {
                if (blocks.get(k).has("table")) {
                    table = blocks.get(k).get("table");
                }
            }
            assertThat(table).isNotNull();
            Map<String, List<String>> rows = new LinkedHashMap<>();
            for (int r = 1; r < table.size(); r++) {
                List<String> cells = new ArrayList<>();
                table.get(r).forEach(c -> cells.add(c.asText()));
                rows.put(cells.get(0), cells);
            }
            Map<String, List<String>> expected = new LinkedHashMap<>();
            for (List<Object> g : Sql.rows(db, "SELECT code, label FROM category_group ORDER BY code")) {
                long july = Sql.count(db, GROUP_EVENTS, g.get(0), lsoa, "2022-07-01", "2022-07-01");
                long june = Sql.count(db, GROUP_EVENTS, g.get(0), lsoa, "2022-06-01", "2022-06-01");
                if (july + june > 0) {
                    expected.put(
                            (String) g.get(1),
                            List.of(
                                    (String) g.get(1),
                                    PackDocument.count(july),
                                    PackDocument.count(june),
                                    PackDocument.change(july, (double) june),
                                    "no data"));
                }
            }
            assertThat(rows).as(lsoa).isEqualTo(expected);
        }
        assertThat(hotspots).isEqualTo(3);
        assertThat(h1)
                .startsWith("1. Headline: Liverpool", "2. Where: density and the top hot spots", "3. Top 3 hot spots")
                .contains("6. Actions from earlier meetings", "Sources");
    }

    @Test
    void feedsAndPeakHoursOfEachHotspotMatchTheRecords() {
        Document html = Jsoup.parse(new String(pack(ANALYST, "top=3&format=html"), StandardCharsets.UTF_8));
        JsonNode feeds = Http.json(Http.get(base + "/api/feeds", TestPrincipals.HEADER, ANALYST));
        List<Element> parts = html.select("div.breakdown");
        assertThat(parts).hasSize(3);
        // an analyst working on a strategic assessment may not record actions: no links into the action log
        assertThat(html.select("a[href*=actions.html]")).isEmpty();
        for (Element part : parts) {
            Matcher m = HOTSPOT_HEADING.matcher(part.selectFirst("h3").text());
            assertThat(m.matches()).isTrue();
            String lsoa = m.group(3);
            String feedLine = line(part, "Feeds: ");
            int named = 0;
            for (JsonNode f : feeds.isArray() ? feeds : feeds.path("feeds")) {
                long events = Sql.count(db, """
                        SELECT count(DISTINCT coalesce(event_id, id)) FROM incident WHERE feed = ? AND lsoa_code = ?
                          AND event_from >= timestamptz '2022-07-01 00:00 Europe/London'
                          AND event_from < timestamptz '2022-08-01 00:00 Europe/London'""", f.path("name").asText(), lsoa);
                Matcher n = Pattern.compile(Pattern.quote(f.path("title").asText()) + " ([\\d,.]+)")
                        .matcher(feedLine);
                if (events == 0) {
                    assertThat(n.find()).as(feedLine).isFalse();
                    continue;
                }
                assertThat(n.find())
                        .as(f.path("title").asText() + " in " + feedLine)
                        .isTrue();
                // windows across the month's ends count by their share, so allow a little
                assertThat(Double.parseDouble(n.group(1).replace(",", "")))
                        .isCloseTo(events, within(Math.max(1.0, events * 0.02)));
                named++;
            }
            assertThat(named).isGreaterThan(1);
            // timed records: the event's most precisely placed record, in the LSOA, timed to within an hour
            List<List<Object>> hours = Sql.rows(db, """
                    SELECT extract(hour FROM event_from AT TIME ZONE 'Europe/London')::int, count(*) FROM (
                        SELECT DISTINCT ON (coalesce(event_id, id)) * FROM incident
                        WHERE event_from >= timestamptz '2022-07-01 00:00 Europe/London'
                          AND event_from < timestamptz '2022-08-01 00:00 Europe/London'
                        ORDER BY coalesce(event_id, id), precision_m, id) e
                    WHERE lsoa_code = ? AND event_to - event_from <= interval '1 hour'
                    GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3""", lsoa);
            long timed = Sql.count(db, """
                    SELECT count(*) FROM (
                        SELECT DISTINCT ON (coalesce(event_id, id)) * FROM incident
                        WHERE event_from >= timestamptz '2022-07-01 00:00 Europe/London'
                          AND event_from < timestamptz '2022-08-01 00:00 Europe/London'
                        ORDER BY coalesce(event_id, id), precision_m, id) e
                    WHERE lsoa_code = ? AND event_to - event_from <= interval '1 hour'""", lsoa);
            assertThat(timed).as("the demo's partner feeds are timed").isPositive();
            String when = line(part, "When: ");
            assertThat(when).startsWith("When: " + PackDocument.count(timed) + " of ");
            StringBuilder peaks = new StringBuilder("busiest hours ");
            for (int k = 0; k < hours.size(); k++) {
                int h = ((Number) hours.get(k).get(0)).intValue();
                peaks.append(k == 0 ? "" : ", ")
                        .append(String.format(
                                "%02d:00 to %02d:00 (%d)",
                                h, (h + 1) % 24, hours.get(k).get(1)));
            }
            assertThat(when).contains(peaks + "; busiest days ");
        }
    }

    @Test
    void partnerFeedsSharedAsCountsAppearPerHotspotAsTheProfilePublishesThem() throws Exception {
        Document html = Jsoup.parse(new String(pack(TASKING, "top=3&format=html"), StandardCharsets.UTF_8));
        List<Element> parts = html.select("div.breakdown");
        assertThat(parts).hasSize(3);
        // no script in the pack: a tasking member records an action through a link into the viewer's action log
        assertThat(html.select("script, [onclick], [href^=javascript]")).isEmpty();
        int cells = 0;
        for (Element part : parts) {
            Matcher m = HOTSPOT_HEADING.matcher(part.selectFirst("h3").text());
            assertThat(m.matches()).isTrue();
            String lsoa = m.group(3);
            Element record = part.selectFirst("a:contains(Record an action for hot spot " + m.group(1) + ")");
            assertThat(record).as(part.outerHtml()).isNotNull();
            assertThat(record.attr("href"))
                    .startsWith("/actions.html#area=" + lsoa + "&record=1&problem=Hot%20spot%20");
            assertThat(part.selectFirst("a:contains(its actions so far)").attr("href"))
                    .isEqualTo("/actions.html#area=" + lsoa);
            JsonNode profile = Http.json(Http.get(
                    base + "/api/profile?area=lsoa:" + lsoa + "&period=2022-07", TestPrincipals.HEADER, TASKING));
            JsonNode shared = profile.path("protected");
            assertThat(shared.path("available").asBoolean())
                    .as(profile.toString())
                    .isTrue();
            String line = line(part, "Shared as counts (");
            for (JsonNode partner : shared.path("partners")) {
                JsonNode records = partner.path("records");
                String cell = records.isNull() ? "suppressed (*)" : PackDocument.count(records.asDouble());
                assertThat(line).contains(partner.path("name").asText() + " " + cell);
                cells++;
            }
            // the partners' records never reach the exact parts: the feeds line holds only feeds seen as points
            String feeds = line(part, "Feeds: ");
            for (String restricted : List.of("Ambulance", "A&E", "Fire")) {
                assertThat(feeds).doesNotContainIgnoringCase(restricted);
            }
        }
        assertThat(cells).isGreaterThanOrEqualTo(3);
        // on paper the links would be dead ink: the same reader's PDF has none
        Path file = dir.resolve("tasking.pdf");
        Files.write(file, pack(TASKING, "top=1&format=pdf"));
        assertThat(run("pdftotext", "-raw", "-enc", "UTF-8", file.toString(), "-"))
                .contains("Liverpool")
                .doesNotContain("Record an action")
                .doesNotContain("actions.html");
    }

    @Test
    void packsForAreasAtAnyLevelDrawnCirclesAndTheViewersHourFilter() {
        // an LSOA named with its level, as the viewer names it, narrowed to the evening: police.uk records carry only
        // their month, so each counts by the share of July's hours in 18:00 to 23:59, exactly a quarter
        String lsoa = "E01033760";
        Document evening = Jsoup.parse(new String(
                packOf(ANALYST, "area=lsoa:" + lsoa + "&period=2022-07&feeds=police-uk&hours=18-23&format=html"),
                StandardCharsets.UTF_8));
        long july = Sql.count(db, """
                SELECT count(*) FROM incident WHERE feed = 'police-uk' AND lsoa_code = ?
                  AND event_from >= timestamptz '2022-07-01 00:00 Europe/London'
                  AND event_from < timestamptz '2022-08-01 00:00 Europe/London'""", lsoa);
        assertThat(evening.text()).contains("hours 18-23 (local time)").contains("LSOA " + lsoa);
        assertThat(evening.select("tr.total td").get(1).text()).isEqualTo(PackDocument.count(july / 4.0));
        // a circle drawn on the map: the LSOAs with their point on surface inside it, counted as such
        double lon = -2.98;
        double lat = 53.4055;
        List<List<Object>> inside = Sql.rows(db, """
                SELECT code FROM area WHERE level = 'lsoa' AND ST_Contains(
                    ST_Buffer(ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 4326), 27700), 800, 16),
                    ST_PointOnSurface(geom))""", lon, lat);
        assertThat(inside).hasSizeGreaterThan(1);
        String codes =
                String.join(",", inside.stream().map(r -> "'" + r.get(0) + "'").toList());
        long events = Sql.count(db, """
                SELECT count(DISTINCT coalesce(event_id, id)) FROM incident WHERE feed = 'police-uk'
                  AND lsoa_code IN (%s)
                  AND event_from >= timestamptz '2022-07-01 00:00 Europe/London'
                  AND event_from < timestamptz '2022-08-01 00:00 Europe/London'""".formatted(codes));
        Document drawn = Jsoup.parse(new String(
                packOf(ANALYST, "circle=" + lon + "," + lat + ",800&period=2022-07&feeds=police-uk&top=3&format=html"),
                StandardCharsets.UTF_8));
        assertThat(drawn.title()).startsWith("Tasking pack: Circle of 800 m");
        assertThat(drawn.text()).contains("Drawn area, counted by the LSOAs").contains(inside.size() + " LSOAs");
        assertThat(drawn.select("tr.total td").get(1).text()).isEqualTo(PackDocument.count(events));
        // a ward with its level, and the refusals
        assertThat(Jsoup.parse(new String(
                                packOf(ANALYST, "area=ward:E05000886&period=2022-07&top=2&format=html"),
                                StandardCharsets.UTF_8))
                        .text())
                .contains("Electoral ward E05000886");
        for (String bad : List.of(
                "area=E08000012&circle=-2.98,53.4,500&period=2022-07",
                "circle=-2.98,53.4&period=2022-07",
                "area=E08000012&period=2022-07&hours=25",
                "area=lsoa:E08000012&period=2022-07")) {
            HttpResponse<String> e = Http.get(base + "/api/packs?" + bad, TestPrincipals.HEADER, ANALYST);
            assertThat(e.statusCode()).as(bad).isIn(400, 404);
        }
    }

    private static byte[] packOf(String principal, String query) {
        HttpResponse<byte[]> r = Http.getBytes(base + "/api/packs?" + query, TestPrincipals.HEADER, principal);
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        return r.body();
    }

    /** Each hot spot's part of the PDF's text, from its heading to the next, by LSOA code. */
    private static Map<String, String> sections(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int from = text.indexOf("taken apart");
        int end = text.indexOf("4. Emerging", from);
        List<int[]> at = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        Matcher h = Pattern.compile("(\\d+)\\. [^()]{3,60} \\((E01\\d{6})\\)").matcher(text.substring(from, end));
        while (h.find()) {
            at.add(new int[] {h.start(), h.end()});
            codes.add(h.group(2));
        }
        String part = text.substring(from, end);
        for (int i = 0; i < at.size(); i++) {
            out.put(codes.get(i), part.substring(at.get(i)[1], i + 1 < at.size() ? at.get(i + 1)[0] : part.length()));
        }
        return out;
    }

    private static String line(Element part, String start) {
        return part.select("li").eachText().stream()
                .filter(t -> t.startsWith(start))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + start + "' in " + part.text()));
    }

    private static byte[] pack(String principal, String query) {
        HttpResponse<byte[]> r = Http.getBytes(
                base + "/api/packs?area=" + LIVERPOOL + "&period=2022-07&" + query, TestPrincipals.HEADER, principal);
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        return r.body();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + text).isZero();
        return text;
    }
}
