package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.router.ParsedEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.Services;
import org.safemap.db.Database;
import org.safemap.runs.HotspotRequests;
import org.safemap.sharing.Role;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestData;
import org.safemap.testing.TestSettings;
import org.safemap.testing.TestUsers;

/**
 * Thousands of malformed requests, made from the server's own route table and the parameter names its handlers
 * read, with a fixed seed: anonymous, signed in and with credentials that do not check out. None may get a 5xx, and
 * every refusal has the error shape (an OGC report on /wms, an OWS report on /wmts). Every request carries at least one bad part, so none
 * stores a run or loads a file into the shared demo data.
 */
class RequestFuzzIT {
    private static final long SEED = 16;
    private static final int REQUESTS = 2_400;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** A path parameter: {name} is one segment, <name> the rest of the path (segments joined by '/'). */
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}|<([^>]+)>");

    /** Parameter names the handlers read, beyond the selection names exported by HotspotRequests. */
    private static final List<String> NAMES = List.of(
            "area",
            "period",
            "month",
            "from",
            "to",
            "bbox",
            "level",
            "limit",
            "after",
            "feed",
            "feeds",
            "category",
            "categories",
            "format",
            "top",
            "train",
            "test",
            "methods",
            "coverages",
            "space",
            "time",
            "metric",
            "permutations",
            "seed",
            "tolerance",
            "minCount",
            "zoom",
            "vintage",
            "partner",
            "action",
            "actor",
            "user",
            "areaWkt",
            "hours",
            "weekdays",
            "TIME",
            "STYLES",
            "LAYERS",
            "WIDTH",
            "HEIGHT",
            "BBOX",
            "CRS",
            "SRS",
            "FORMAT",
            "REQUEST",
            "VERSION",
            "SERVICE",
            "QUERY_LAYERS",
            "I",
            "J",
            "X",
            "Y",
            "INFO_FORMAT",
            "FEATURE_COUNT",
            "SLD_BODY",
            "BGCOLOR",
            "TRANSPARENT",
            "EXCEPTIONS",
            "DIM_CATEGORY",
            "DIM_FEED",
            "DIM_RUN",
            "LAYER",
            "STYLE",
            "SLD");

    /** Values that are wrong for nearly any parameter. */
    private static final List<String> BAD = List.of(
            "",
            " ",
            "NaN",
            "Infinity",
            "-Infinity",
            "-1",
            "0",
            "1e308",
            "-1e308",
            "4.9e-324",
            "99999999999999999999999",
            "2147483648",
            "-2147483649",
            "2022-13",
            "2022-00",
            "0000-01",
            "9999-12",
            "-999",
            "+999999999-01-01",
            "1000-01..9999-12",
            "2022-07..2022-01",
            "..",
            "2022-01..",
            "2022-02-30",
            "2022-01-01T25:00:00Z",
            "\u0000",
            "a\u0000b",
            "\u0001\u0002\u001f",
            "\r\nX-Injected: 1",
            "ä€𝄞\uFFFF",
            "'; DROP TABLE incident;--",
            "../../etc/passwd",
            "<script>x</script>",
            "a,b,,c",
            ",,,,",
            "x".repeat(5_000),
            "1,2,3",
            "NaN,NaN,NaN,NaN",
            "1,1,1,1",
            "200,100,-200,-100",
            "-180,-90,180,90,5",
            "POLYGON((0 0,1 1,1 0,0 1,0 0))",
            "POLYGON((0 0,0 0,0 0,0 0))",
            "POLYGON EMPTY",
            "POLYGON((340000 390000,341000 391000,341000 390000,340000 391000,340000 390000))",
            "POLYGON((1e308 0,0 1e308,0 0,1e308 0))",
            "POINT(340000 390000)",
            "MULTIPOLYGON(((0 0)))",
            "POLYGON((340000 390000",
            "lsoa:",
            "lsoa:E01006512,",
            "custom:",
            "custom:x:",
            ":",
            "county:X",
            "lad:" + "E08000012,".repeat(600),
            "maybe",
            "[]",
            "{}",
            "null",
            "P1M",
            "2022-01/2022-07/P1M/x",
            "current/current",
            "EPSG:99999",
            "EPSG:",
            "image/gif",
            "text/xml;x",
            "incidents,incidents,incidents",
            "#zzzzzz",
            "0xGGGGGG",
            "<StyledLayerDescriptor>",
            "<?xml version=\"1.0\"?><x>",
            "%",
            "%25",
            "%00");
    /** Plausible values, so that most requests get past the first check and the bad part is met deeper. */
    private static final List<String> GOOD = List.of(
            "2022-07",
            "2022-01..2022-07",
            "lsoa",
            "msoa",
            "lsoa:E01006512",
            "E08000012",
            "police-uk",
            "violence",
            "burglary",
            "csv",
            "json",
            "10",
            "5",
            "true",
            "18-23",
            "mon-fri",
            "incidents",
            "density-asb",
            "lsoa-boundaries",
            "EPSG:27700",
            "EPSG:4326",
            "EPSG:3857",
            "330000,380000,350000,400000",
            "-3,53.3,-2.9,53.5",
            "image/png",
            "256",
            "64",
            "GetMap",
            "GetFeatureInfo",
            "GetCapabilities",
            "GetLegendGraphic",
            "1.3.0",
            "1.1.1",
            "WMS",
            "text/plain",
            "application/json",
            "kde",
            "euclidean",
            "2022-05..2022-07");

    private static Database db;
    private static Javalin server;
    private static String base;
    private static List<String[]> routes;
    private static String admin;
    private static String analyst;

    @BeforeAll
    static void start() {
        db = TestData.demoDatabase();
        // Built as the server builds itself, so the route table read below is the real one. Rate limits are out of the
        // way (every request comes from its own address), so the requests reach the handlers.
        server = ApiServer.create(
                Services.serving(
                        TestSettings.withOverrides(Map.of(
                                "SAFEMAP_TRUSTED_PROXIES",
                                "127.0.0.1",
                                "SAFEMAP_RATE_PER_CLIENT",
                                "1000000",
                                "SAFEMAP_RATE_PUBLIC",
                                "10000000",
                                "SAFEMAP_UPLOAD_MAX_MB",
                                "1")),
                        db),
                null);
        server.start("127.0.0.1", Http.freePort());
        base = "http://127.0.0.1:" + server.port();
        routes = new ArrayList<>();
        for (ParsedEndpoint e : server.unsafe.internalRouter.allHttpHandlers()) {
            // Endpoints only (before and after handlers are listed too).
            if (e.endpoint.method.isHttpMethod() && !e.endpoint.path.contains("*")) {
                routes.add(new String[] {e.endpoint.method.name(), e.endpoint.path});
            }
        }
        admin = TestUsers.token(db, "fuzz-admin", Role.ADMIN, "police", "strategic-assessment");
        analyst = TestUsers.token(db, "fuzz-analyst", Role.ANALYST, "csp", "strategic-assessment");
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void malformedRequestsNeverGetA5xxAndAlwaysTheErrorShape() throws Exception {
        assertThat(routes).hasSizeGreaterThan(40);
        long runsBefore = Sql.count(db, "SELECT count(*) FROM hotspot_run");
        long batchesBefore = Sql.count(db, "SELECT count(*) FROM load_batch");
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int k = 0; k < REQUESTS; k++) {
            String[] route = routes.get(random.nextInt(routes.size()));
            Fuzzed f = fuzz(route[0], route[1], random, k);
            HttpResponse<String> r;
            try {
                r = exchange(f.request());
            } catch (IOException e) {
                failures.add(f.describe() + " -> no answer: " + e);
                continue;
            }
            statuses.merge(r.statusCode(), 1, Integer::sum);
            String problem = problem(f, r);
            if (problem != null) {
                failures.add(f.describe() + " -> " + r.statusCode() + " " + problem + ": "
                        + r.body().substring(0, Math.min(300, r.body().length())));
            }
        }
        assertThat(failures)
                .as("requests answered wrongly (statuses seen: " + statuses + ")")
                .isEmpty();
        // Malformed through and through: nothing was stored.
        assertThat(Sql.count(db, "SELECT count(*) FROM hotspot_run")).isEqualTo(runsBefore);
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch")).isEqualTo(batchesBefore);
        // And the requests reached the handlers: most were refused by them, not by the limits.
        assertThat(statuses.getOrDefault(400, 0)).isGreaterThan(REQUESTS / 4);
    }

    @Test
    void malformedHttpOnTheWireGetsA4xx() throws Exception {
        // Bytes a lenient parser may read as something else: anything but a 5xx.
        for (String request : List.of(
                "GET /api/areas?level=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/incidents?limit=%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertThat(onTheWire(request)).as(request).matches("HTTP/1.1 [1-4].*");
        }
        // Malformed for certain: a 4xx.
        List<String> raw = List.of(
                "GET /api/%00 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/areas?level=lsoa%00 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/areas?level=\u0001 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/profile?area=lsoa:E01006512&period=" + "9".repeat(300_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Bad\u0000Header: y\r\n\r\n",
                "POST /api/profile HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n",
                "POST /api/profile HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
                        + "\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                "BREW /api/areas HTTP/1.1\r\nHost: x\r\n\r\n");
        for (String request : raw) {
            String answer = onTheWire(request);
            assertThat(answer)
                    .as(request.substring(0, Math.min(80, request.length())))
                    .startsWith("HTTP/1.1 4");
        }
        // An HTTP version the server does not speak gets the protocol's own answer for that.
        assertThat(onTheWire("GET /health HTTP/9.9\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 505");
    }

    @Test
    void aBodyNobodyReadsNeverCostsTheAnswer() throws Exception {
        // A GET answered at length while its body is still unread: closing on unread bytes resets the connection and
        // the client loses the end of the answer (CI saw "chunked transfer encoding, state: READING_DATA").
        String url = base + "/api/areas?level=lsoa";
        HttpResponse<String> plain = once(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .build());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body().length()).isGreaterThan(100_000);
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> withBody = once(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(60))
                    .method("GET", HttpRequest.BodyPublishers.ofString("x".repeat(900_000 + i)))
                    .build());
            assertThat(withBody.statusCode()).isEqualTo(200);
            assertThat(withBody.body()).isEqualTo(plain.body());
        }
        // Over SAFEMAP_MAX_BODY_KB: refused before anything reads it, and the refusal arrives.
        for (String method : List.of("GET", "DELETE", "POST")) {
            HttpResponse<String> tooBig = once(HttpRequest.newBuilder(URI.create(base + "/api/profile"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString("x".repeat(1_100_000)))
                    .build());
            assertError(tooBig, 413, 413);
        }
    }

    @Test
    void uploadsThatAreNotFilesGet4xx() throws Exception {
        String url = base + "/api/feeds/police-uk/uploads";
        byte[] csv = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                        + "Crime type,Last outcome category,Context\n"
                        + "a1,2022-07,M,M,-2.98,53.40,On or near X,E01006512,L,"
                        + "Burglary,,\n")
                .repeat(2_000)
                .getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(csv);
        }
        byte[] truncated = java.util.Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
        long batches = Sql.count(db, "SELECT count(*) FROM load_batch");
        HttpResponse<String> r = multipart(url, "2022-07-street.csv.gz", truncated, "----b");
        assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
        assertThat(Http.json(r).toString()).doesNotContain("Exception").doesNotContain("at org.");
        // A multipart body cut off before its end, and one whose boundary never appears.
        HttpResponse<String> cut = send(
                "POST",
                url,
                "--b\r\nContent-Disposition: form-data; name=\"file\"; " + "filename=\"x.csv\"\r\n\r\nabc",
                "multipart/form-data; boundary=b",
                admin);
        assertError(cut, 400, 499);
        HttpResponse<String> noBoundary = send("POST", url, "whatever", "multipart/form-data; boundary=zzz", admin);
        assertError(noBoundary, 400, 499);
        HttpResponse<String> notMultipart = send("POST", url, "{}", "application/json", admin);
        assertError(notMultipart, 415, 415);
        // Over SAFEMAP_UPLOAD_MAX_MB (1 here) without a length up front: chunked, refused while it is read.
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", Http.bearer(admin))
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
                    private final byte[] head = ("--b\r\nContent-Disposition: form-data; name=\"file\"; "
                                    + "filename=\"big.csv\"\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
                    private long sent;

                    @Override
                    public int read() {
                        long n = sent++;
                        if (n < head.length) {
                            return head[(int) n];
                        }
                        return n < 3L << 20 ? 'x' : -1;
                    }
                }))
                .build();
        HttpResponse<String> big = exchange(chunked);
        assertError(big, 413, 413);
        assertThat(Http.json(big).path("error").asText()).isEqualTo("too_large");
        assertThat(Sql.count(db, "SELECT count(*) FROM load_batch")).isEqualTo(batches);
    }

    // ---- the generator

    /** One generated request. */
    private record Fuzzed(String method, String url, String body, String contentType, String who) {
        HttpRequest request() {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(60))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            if (who != null) {
                b.header("Authorization", who);
            }
            // A different client address for every request: the rate limits are not what this test is about.
            b.header(
                    "X-Forwarded-For",
                    "10." + (url.hashCode() & 0xff) + "." + ((url.length() >> 8) & 0xff) + "." + (url.length() & 0xff));
            return b.build();
        }

        String describe() {
            return method + " " + url.substring(0, Math.min(200, url.length()))
                    + (body == null ? "" : " body " + body.substring(0, Math.min(120, body.length())))
                    + (who == null ? " (anonymous)" : who.startsWith("Bearer smp_") ? " (signed in)" : " (bad creds)");
        }
    }

    private static Fuzzed fuzz(String method, String template, Random random, int k) {
        StringBuilder path = new StringBuilder();
        Matcher m = PATH_PARAM.matcher(template);
        int end = 0;
        boolean poisoned = false;
        while (m.find()) {
            path.append(template, end, m.start());
            String value;
            if (random.nextInt(3) == 0) {
                value = URLEncoder.encode(pick(random, BAD), StandardCharsets.UTF_8);
                poisoned = true;
            } else {
                String name = m.group(1) != null ? m.group(1) : m.group(2);
                List<String> segments = new ArrayList<>();
                for (String segment : plausiblePathValue(name, random).split("/", -1)) {
                    segments.add(URLEncoder.encode(segment, StandardCharsets.UTF_8));
                }
                value = String.join("/", segments);
            }
            path.append(value.replace("+", "%20"));
            end = m.end();
        }
        path.append(template.substring(end));
        Map<String, String> query = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(NAMES);
        names.addAll(new TreeSet<>(HotspotRequests.NAMES));
        int n = random.nextInt(6);
        for (int q = 0; q < n; q++) {
            query.put(pick(random, names), random.nextBoolean() ? pick(random, GOOD) : pick(random, BAD));
        }
        String body = null;
        String contentType = null;
        boolean withBody =
                !method.equals("GET") && !method.equals("HEAD") && !method.equals("DELETE") || random.nextInt(20) == 0;
        if (withBody) {
            body = body(random);
            contentType = pick(
                    random,
                    List.of(
                            "application/json",
                            "application/json",
                            "application/json",
                            "text/plain",
                            "application/x-www-form-urlencoded",
                            "multipart/form-data; boundary=x",
                            "application/json; charset=latin1",
                            "x/\u0000"));
            if (contentType.contains("\u0000")) {
                contentType = null;
            }
        }
        if (!poisoned && !withBody) {
            // Every request has a bad part: a bad value for a name the handler reads, or a name it does not know.
            query.put(random.nextBoolean() ? pick(random, names) : "unknown" + random.nextInt(100), pick(random, BAD));
        }
        StringBuilder url = new StringBuilder(base).append(path);
        if (!query.isEmpty()) {
            url.append('?');
            query.forEach((name, value) -> url.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                    .append('=')
                    .append(value.equals("%00") ? "%00" : URLEncoder.encode(value, StandardCharsets.UTF_8))
                    .append('&'));
            url.setLength(url.length() - 1);
        }
        String who = switch (k % 4) {
            case 0 -> null;
            case 1 -> Http.bearer(admin);
            case 2 -> Http.bearer(analyst);
            default ->
                random.nextBoolean()
                        ? null
                        : pick(
                                random,
                                List.of(
                                        "Bearer nonsense",
                                        "Basic %%%",
                                        "Bearer smq_" + "a".repeat(43),
                                        "Digest x",
                                        "Bearer "));
        };
        return new Fuzzed(method, url.toString(), body, contentType, who);
    }

    private static String plausiblePathValue(String name, Random random) {
        return switch (name) {
            case "feed" -> pick(random, List.of("police-uk", "istv-ae", "nope"));
            case "id" -> pick(random, List.of("999999", "-3", "1.5", "abc", "99999999999999999999"));
            case "file" ->
                pick(
                        random,
                        List.of(
                                "incidents.csv",
                                "incidents.gpkg",
                                "areas.geojson",
                                "surface.tif",
                                "incidents",
                                "x.y.z",
                                "report.json",
                                "..%2f..%2fetc%2fpasswd"));
            case "layer" -> pick(random, List.of("incidents", "density-asb", "lsoa-boundaries", "secret"));
            case "z" -> pick(random, List.of("12", "0", "23", "-1"));
            case "x", "y" -> pick(random, List.of("2021", "0", "-5", "4194304"));
            case "code" -> pick(random, List.of("E01006512", "E08000012", "Z99"));
            case "login" -> pick(random, List.of("nobody-here", "x".repeat(300)));
            case "rest" ->
                pick(
                        random,
                        List.of(
                                "default/2022-07/all/EPSG:27700/8/1300/600.png",
                                "density/GoogleMapsCompatible/12/1326/2014.png",
                                "default/EPSG:27700/8/1/2/3/4.json",
                                "default/2022-07/all/previous/EPSG:27700/99/0/0.png",
                                "default/latest/EPSG:27700/8/1/2.png",
                                "a/b"));
            default -> pick(random, GOOD);
        };
    }

    /** A JSON body with something wrong in it, or no JSON at all. */
    private static String body(Random random) {
        switch (random.nextInt(12)) {
            case 0:
                return pick(
                        random,
                        List.of(
                                "",
                                "{",
                                "[]",
                                "null",
                                "42",
                                "\"x\"",
                                "{\"a\":}",
                                "\u0000",
                                "[".repeat(5_000),
                                "{\"a\":".repeat(3_000),
                                "not json at all"));
            case 1:
                return "{\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[-2.98, 53.40], [-2.97, 53.41], "
                        + "[-2.97, 53.40], [-2.98, 53.41], [-2.98, 53.40]]]}, \"period\": \"2022-07\"}";
            case 2:
                return "{\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[-2.98, 53.40], [-2.98, 53.40], "
                        + "[-2.98, 53.40], [-2.98, 53.40]]]}}";
            case 3:
                return "{\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[1e400, 53.40], [-2.97, 1e999], "
                        + "[-2.97, 53.40], [1e400, 53.40]]]}}";
            case 4:
                return "{\"circle\": {\"center\": [" + pick(random, List.of("1e400", "-200", "0", "\"x\""))
                        + ", 53.4], " + "\"radiusM\": "
                        + pick(random, List.of("-1", "0", "1e400", "40001", "\"ten\"", "null")) + "}}";
            case 5:
                return "{\"geometry\": {\"type\": \"Point\", \"coordinates\": [-2.98, 53.40]}, \"circle\": {}}";
            case 6: {
                StringBuilder ring = new StringBuilder("[");
                for (int i = 0; i < 12_000; i++) {
                    ring.append('[')
                            .append(-2.98 + Math.cos(i) * 0.01)
                            .append(',')
                            .append(53.40 + Math.sin(i) * 0.01)
                            .append("],");
                }
                ring.append("[-2.97, 53.40]]");
                return "{\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [" + ring + "]}}";
            }
            case 7:
                return "x".repeat(1_100_000);
            default: {
                Map<String, Object> o = new LinkedHashMap<>();
                List<String> names = new ArrayList<>(NAMES);
                names.addAll(List.of(
                        "login",
                        "password",
                        "role",
                        "partner",
                        "name",
                        "purpose",
                        "expiresDays",
                        "disabled",
                        "geometry",
                        "circle",
                        "cellM",
                        "bandwidth",
                        "kernel",
                        "mode",
                        "step",
                        "alpha"));
                int keys = 1 + random.nextInt(4);
                for (int i = 0; i < keys; i++) {
                    o.put(pick(random, names), value(random, 0));
                }
                // the bad part
                o.put(
                        pick(random, names),
                        pick(
                                random,
                                List.<Object>of(
                                        "NaN",
                                        -1,
                                        1e308,
                                        List.of(List.of()),
                                        Map.of("x", Map.of()),
                                        "2022-13",
                                        "maybe",
                                        "x".repeat(10_000),
                                        false)));
                try {
                    return JSON.writeValueAsString(o);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static Object value(Random random, int depth) {
        return switch (random.nextInt(depth > 2 ? 4 : 7)) {
            case 0 -> pick(random, GOOD);
            case 1 -> pick(random, BAD);
            case 2 -> random.nextInt(2_000_001) - 1_000_000;
            case 3 -> random.nextBoolean() ? null : random.nextDouble() * 1e10;
            case 4 -> java.util.Arrays.asList(value(random, depth + 1), value(random, depth + 1));
            case 5 -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("k", value(random, depth + 1));
                yield o;
            }
            default -> random.nextBoolean();
        };
    }

    // ---- checks

    /** What is wrong with the answer, or null. */
    private static String problem(Fuzzed f, HttpResponse<String> r) {
        if (r.statusCode() >= 500) {
            return "a 5xx";
        }
        if (r.statusCode() < 400) {
            return null;
        }
        String path = URI.create(f.url()).getPath();
        if (path.equals("/wms")) {
            return r.body().contains("ServiceExceptionReport") ? null : "not an OGC exception report";
        }
        // Under /wmts an OWS report, except for a URI the HTTP server cannot read at all (a %00 in a path segment):
        // it refuses that before any route is known, in the JSON error shape, checked below.
        if ((path.equals("/wmts") || path.startsWith("/wmts/"))
                && !r.body().contains("the request could not be read")) {
            return r.body().contains("<ExceptionReport") ? null : "not an OWS exception report";
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            if (body == null
                    || !body.isObject()
                    || !body.path("error").isTextual()
                    || !body.path("message").isTextual()
                    || body.path("message").asText().isBlank()) {
                return "not the error shape";
            }
            if (body.path("message").asText().contains("Exception")
                    || body.path("message").asText().contains("\tat ")) {
                return "a stack trace or exception class in the message";
            }
        } catch (IOException e) {
            return "not JSON";
        }
        return null;
    }

    private static void assertError(HttpResponse<String> r, int min, int max) {
        assertThat(r.statusCode()).as(r.body()).isBetween(min, max);
        JsonNode body = Http.json(r);
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("message").asText()).isNotBlank().doesNotContain("Exception");
    }

    private static HttpResponse<String> send(String method, String url, String body, String type, String token)
            throws Exception {
        return exchange(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", type)
                .header("Authorization", Http.bearer(token))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static HttpResponse<String> multipart(String url, String name, byte[] content, String boundary)
            throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                        + "\"\r\nContent-Type: application/gzip\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return exchange(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", Http.bearer(admin))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build());
    }

    /**
     * Sends and reads the answer. A kept-alive connection the server closed after its previous answer (a refused
     * body it would not read) can race with the next request; then once more, and no answer again is a failure.
     */
    private static HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException first) {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    /** One attempt, no retry: for the tests about connections that must not fail. */
    private static HttpResponse<String> once(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends bytes as they are (what no HTTP client library would send) and returns the answer's first line. */
    private static String onTheWire(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            StringBuilder line = new StringBuilder();
            InputStream in = s.getInputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().strip();
        }
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
