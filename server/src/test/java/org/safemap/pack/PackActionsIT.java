package org.safemap.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.hotspot.CountComparison;
import org.safemap.sharing.Role;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;

/**
 * The next pack reviews the actions of earlier meetings: each action recorded through the API appears in the pack for
 * an area containing it, with its status and the incidents in its area before and after the month it was agreed,
 * counted independently in SQL, and the exact test of the change; one agreed in the pack's own month is too recent.
 * The PDF is read back with poppler's pdftotext and the HTML with jsoup. Demo data: police.uk, January to July 2022.
 */
class PackActionsIT {
    private static final String LIVERPOOL = "E08000012";
    /** Distinct police.uk events in one LSOA over whole months, on the local clock. */
    private static final String EVENTS = """
            SELECT count(DISTINCT coalesce(event_id, id)) FROM incident
            WHERE feed = 'police-uk' AND lsoa_code = ?
              AND event_from >= (?::date)::timestamp AT TIME ZONE 'Europe/London'
              AND event_from < (?::date)::timestamp AT TIME ZONE 'Europe/London'""";

    private static Database db;
    private static App app;
    private static String base;
    private static String token;
    private static String busiest;
    private static String quiet;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        app = App.start(TestSettings.defaults(), db);
        base = "http://127.0.0.1:" + app.port();
        token = TestUsers.token(db, "pack-actions-tasking", Role.TASKING, null, "tasking");
        busiest = (String) Sql.value(db, """
                SELECT lsoa_code FROM incident WHERE feed = 'police-uk' AND lsoa_code IS NOT NULL
                GROUP BY lsoa_code ORDER BY count(*) DESC, lsoa_code LIMIT 1""");
        quiet = (String) Sql.value(db, """
                SELECT lsoa_code FROM incident WHERE feed = 'police-uk' AND lsoa_code IS NOT NULL AND lsoa_code <> ?
                GROUP BY lsoa_code ORDER BY count(*) DESC, lsoa_code OFFSET 20 LIMIT 1""", busiest);
        record(busiest, "Street robbery near the station", "Foot patrols at night", "2022-04-14", "in_progress");
        record(quiet, "Youths gathering in the park", "Youth outreach evenings", "2022-07-05", "open");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static void record(String area, String problem, String action, String agreed, String status) {
        HttpResponse<String> r = Http.postJsonWithToken(
                base + "/api/actions", token, """
                {"area": "%s", "problem": "%s", "action": "%s", "agency": "Merseyside Police", "owner": "Insp. Example",
                 "agreedOn": "%s", "status": "%s"}""".formatted(area, problem, action, agreed, status));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static HttpResponse<byte[]> pack(String format) {
        return Http.getBytes(
                base + "/api/packs?area=" + LIVERPOOL + "&period=2022-07&top=3&feeds=police-uk&format=" + format,
                "Authorization",
                Http.bearer(token));
    }

    /** January to March against May to July: three months either side of April, which is in neither. */
    private static CountComparison.Result expected() {
        long before = Sql.count(db, EVENTS, busiest, "2022-01-01", "2022-04-01");
        long after = Sql.count(db, EVENTS, busiest, "2022-05-01", "2022-08-01");
        assertThat(before + after).as("the busiest LSOA has incidents").isGreaterThan(20);
        return CountComparison.compare(before, 3, after, 3, 0.05);
    }

    @Test
    void theHtmlPackReviewsEachActionWithIndependentCountsAndTheExactTest() {
        HttpResponse<byte[]> html = pack("html");
        assertThat(html.statusCode()).isEqualTo(200);
        keep("pack-actions-liverpool-2022-07.html", html.body());
        Document doc = Jsoup.parse(new String(html.body(), StandardCharsets.UTF_8));
        Element heading = doc.select("h2").stream()
                .filter(h -> h.text().equals("6. Actions from earlier meetings"))
                .findFirst()
                .orElseThrow();
        Element table = heading.nextElementSiblings().select("table").first();
        // other tests' actions in Liverpool may be listed too: these two are found by their problem, oldest first
        var rows = table.select("tr").stream()
                .filter(tr -> tr.text().contains("Street robbery") || tr.text().contains("Youths gathering"))
                .toList();
        assertThat(rows).hasSize(2);
        var robbery = rows.get(0).select("td");
        assertThat(robbery.get(1).text()).contains("Street robbery near the station", "Foot patrols at night");
        assertThat(robbery.get(2).text()).isEqualTo("Merseyside Police Insp. Example");
        assertThat(robbery.get(4).text()).isEqualTo("In progress");
        // the reader may record actions: the web page links the action to the log, where its status is changed
        assertThat(robbery.get(0)
                        .selectFirst("a:contains(Update in the action log)")
                        .attr("href"))
                .isEqualTo("/actions.html#area=" + busiest);
        CountComparison.Result c = expected();
        assertThat(robbery.get(5).text()).isEqualTo(c.before() + " January 2022 to March 2022");
        assertThat(robbery.get(6).text()).isEqualTo(c.after() + " May 2022 to July 2022");
        assertThat(robbery.get(7).text()).isEqualTo(PackDocument.changeText(c));
        var park = rows.get(1).select("td");
        assertThat(park.get(1).text()).contains("Youths gathering in the park");
        assertThat(park.get(4).text()).isEqualTo("Open");
        assertThat(park.get(5).text()).startsWith("Agreed in July 2022: too recent to compare");
    }

    @Test
    void headlineRowsAreNamedInWordsNotCodes() {
        Document doc = Jsoup.parse(new String(pack("html").body(), StandardCharsets.UTF_8));
        Element heading = doc.select("h2").stream()
                .filter(h -> h.text().startsWith("1. Headline"))
                .findFirst()
                .orElseThrow();
        List<String> names =
                heading.nextElementSibling().select("tr td:first-child b").eachText();
        List<Object> labels = Sql.rows(db, "SELECT label FROM category_group ORDER BY label").stream()
                .map(r -> r.get(0))
                .toList();
        List<Object> codes = Sql.rows(db, "SELECT DISTINCT group_code FROM category").stream()
                .map(r -> r.get(0))
                .toList();
        assertThat(names).hasSize(codes.size()).contains("Anti-social behaviour", "Violence");
        assertThat(labels).containsAll(names);
        assertThat(names)
                .doesNotContainAnyElementsOf(
                        codes.stream().map(Object::toString).toList());
    }

    @Test
    void everyRepeatLocationIsNamed() {
        Document doc = Jsoup.parse(new String(pack("html").body(), StandardCharsets.UTF_8));
        Element heading = doc.select("h2").stream()
                .filter(h -> h.text().equals("5. Repeat locations"))
                .findFirst()
                .orElseThrow();
        Element table = heading.nextElementSiblings().select("table").first();
        List<String> places = table.select("tr td:nth-child(2)").eachText();
        assertThat(places).isNotEmpty();
        assertThat(places)
                .allSatisfy(p -> assertThat(p).isNotBlank().isNotEqualTo("-").doesNotMatch("(?i)\\s*on or near\\s*"));
        // a location the records leave unnamed is named by the nearest street, or failing that its grid reference
        assertThat(places.stream().filter(p -> p.startsWith("Near ") || p.endsWith("(grid reference)")))
                .allSatisfy(p -> assertThat(p)
                        .matches("Near .+ \\(nearest street\\)|[A-Z]{2} \\d{5} \\d{5} \\(grid reference\\)"));
    }

    @Test
    void thePdfPackNamesTheActionsTheirStatusAndTheChange() throws Exception {
        HttpResponse<byte[]> pdf = pack("pdf");
        assertThat(pdf.statusCode()).isEqualTo(200);
        Path file = dir.resolve("pack.pdf");
        Files.write(file, pdf.body());
        // NFKC: the PDF's fonts set "fi" and "ffi" as ligatures, which pdftotext gives as one character each
        String text = Normalizer.normalize(
                        run("pdftotext", "-raw", "-enc", "UTF-8", file.toString(), "-"), Normalizer.Form.NFKC)
                .replaceAll("\\s+", " ");
        CountComparison.Result c = expected();
        assertThat(text)
                .contains("6. Actions from earlier meetings")
                .contains("Street robbery near the station")
                .contains("Foot patrols at night")
                .contains("In progress")
                .contains("Youths gathering in the park")
                .contains("too recent to compare")
                .contains(PackDocument.changeText(c));
    }

    @Test
    void theDocxPackReadByPythonDocxHasTheSameHotSpotsAndActions() throws Exception {
        HttpResponse<byte[]> docx = pack("docx");
        assertThat(docx.statusCode()).isEqualTo(200);
        assertThat(docx.headers().firstValue("Content-Type").orElse(""))
                .isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        assertThat(docx.headers().firstValue("Content-Disposition").orElse(""))
                .contains("safemap-pack-E08000012-2022-07.docx");
        keep("pack-actions-liverpool-2022-07.docx", docx.body());
        Path file = dir.resolve("pack.docx");
        Files.write(file, docx.body());
        // python-docx (Debian's python3-docx), not the library that wrote it: paragraphs, then every table's rows
        // with cells joined by " | ", and the number of pictures
        String text = run("/usr/bin/python3", "-c", """
                import sys, docx
                d = docx.Document(sys.argv[1])
                for p in d.paragraphs:
                    print(p.text)
                for t in d.tables:
                    for r in t.rows:
                        print(' | '.join(c.text for c in r.cells))
                print('pictures:', len(d.inline_shapes))
                """, file.toString());
        assertThat(text)
                .contains("Tasking pack: Liverpool, July 2022")
                .contains("3. Top 3 hot spots")
                .contains("6. Actions from earlier meetings")
                .contains("Analyst's commentary")
                .contains("Anti-social behaviour: ");
        CountComparison.Result c = expected();
        assertThat(text.lines().filter(l -> l.contains("Street robbery near the station")))
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .contains("Foot patrols at night")
                        .contains("Merseyside Police, Insp. Example")
                        .contains(" | In progress | ")
                        .contains(c.before() + " (January 2022 to March 2022)")
                        .contains(c.after() + " (May 2022 to July 2022)")
                        .endsWith(PackDocument.changeText(c)));
        assertThat(text.lines().filter(l -> l.contains("Youths gathering in the park")))
                .singleElement()
                .satisfies(l -> assertThat(l).contains("Agreed in July 2022: too recent to compare"));
        // the same three hot spots as the HTML pack, in the same order, and a map for each besides the overview and
        // its legend
        Document html = Jsoup.parse(new String(pack("html").body(), StandardCharsets.UTF_8));
        List<String> names = html.select("div.card h3").eachText();
        assertThat(names).hasSize(3);
        int from = 0;
        for (String n : names) {
            int at = text.indexOf(n, from);
            assertThat(at).as(n).isPositive();
            from = at;
        }
        assertThat(text).contains("pictures: 5"); // and the stretched legend
    }

    /** Kept in target/test-artefacts: docs/tasking-pack.md's sample rows come from it. */
    private static void keep(String name, byte[] body) {
        try {
            Path artefacts = Path.of(System.getProperty("safemap.test.artefacts", "target/test-artefacts"));
            Files.createDirectories(artefacts);
            Files.write(artefacts.resolve(name), body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
