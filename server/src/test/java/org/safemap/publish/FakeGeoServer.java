package org.safemap.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/**
 * A stand-in for GeoServer's REST configuration API (GeoServer cannot be installed here), on the JDK's HTTP server
 * at 127.0.0.1. It answers only the documented resources the publisher uses, with the methods GeoServer allows on
 * each, checks Basic credentials (401 otherwise), each body's media type and shape, and keeps state: a POST of a
 * resource that exists is a duplicate (GeoServer refuses those too), a PUT of one that does not is a 404, a feature
 * type's POST creates its layer, and references (styles, layers) must point at what exists. Every request is
 * recorded, and anything it does not recognise is recorded as a violation.
 */
final class FakeGeoServer implements AutoCloseable {
    /** One request as it arrived. */
    record Request(String method, String path, String query, String contentType, String authorization, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String uri() {
            return path + (query == null ? "" : "?" + query);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REST = "/geoserver/rest";
    private static final String N = "([A-Za-z][A-Za-z0-9_-]*)";

    private final HttpServer server;
    private final String authorization;
    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    /** Resources by their item path (under /rest, no suffix), with the body that made or last changed them. */
    final Map<String, JsonNode> json = Collections.synchronizedMap(new LinkedHashMap<>());

    final Map<String, String> styles = Collections.synchronizedMap(new LinkedHashMap<>());

    FakeGeoServer(String user, String password) throws IOException {
        authorization =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The address to give --url. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/geoserver";
    }

    long count(String method) {
        return requests.stream().filter(r -> r.method().equals(method)).count();
    }

    List<String> keys(String kind) {
        return json.keySet().stream()
                .filter(k -> k.matches("(.*/)?" + kind + "/[^/]+"))
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        Request r = new Request(
                ex.getRequestMethod(),
                ex.getRequestURI().getPath(),
                ex.getRequestURI().getRawQuery(),
                ex.getRequestHeaders().getFirst("Content-Type"),
                ex.getRequestHeaders().getFirst("Authorization"),
                body);
        requests.add(r);
        if (!authorization.equals(r.authorization())) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"GeoServer Realm\"");
            respond(ex, 401, "HTTP Status 401 - Bad credentials");
            return;
        }
        int status;
        try {
            status = route(r);
        } catch (RuntimeException e) {
            violations.add(r.method() + " " + r.uri() + ": " + e.getMessage());
            status = 400;
        }
        respond(ex, status, status == 200 && r.method().equals("GET") ? "{}" : "");
    }

    private int route(Request r) {
        if (!r.path().startsWith(REST + "/")) {
            throw new IllegalStateException("not under /rest");
        }
        String p = r.path().substring(REST.length() + 1);
        Matcher m;
        if (r.method().equals("GET")) {
            if (!p.endsWith(".json")) {
                throw new IllegalStateException("GET without the .json format");
            }
            String item = p.substring(0, p.length() - ".json".length());
            if (!item.matches("workspaces/" + N + "(/(datastores/" + N + "(/featuretypes/" + N + ")?|styles/" + N
                    + "|layers/" + N + "|layergroups/" + N + "|coveragestores/" + N + "(/coverages/" + N + ")?))?")) {
                throw new IllegalStateException("not a documented resource");
            }
            return json.containsKey(item) || styles.containsKey(item) ? 200 : 404;
        }
        if ((m = match("workspaces", p)) != null) {
            return create(r, "workspaces", "workspace", null);
        }
        if ((m = match("workspaces/" + N + "/datastores(/" + N + ")?", p)) != null) {
            need(m.group(1), "workspace");
            JsonNode ds = body(r).path("dataStore");
            require(ds.path("type").asText().equals("PostGIS"), "dataStore type is not PostGIS");
            require(ds.path("connectionParameters").path("entry").isArray(), "no connectionParameters entries");
            return upsert(r, "workspaces/" + m.group(1) + "/datastores", m.group(3), "dataStore");
        }
        if ((m = match("workspaces/" + N + "/styles(/" + N + ")?", p)) != null) {
            need(m.group(1), "workspace");
            require("application/vnd.ogc.sld+xml".equals(r.contentType()), "style Content-Type " + r.contentType());
            Document sld = xml(r.body());
            require(
                    sld.getDocumentElement().getLocalName().equals("StyledLayerDescriptor")
                            && "http://www.opengis.net/sld"
                                    .equals(sld.getDocumentElement().getNamespaceURI())
                            && "1.0.0".equals(sld.getDocumentElement().getAttribute("version")),
                    "not an SLD 1.0.0 body");
            String collection = "workspaces/" + m.group(1) + "/styles";
            if (m.group(3) == null) {
                require(r.method().equals("POST"), "method " + r.method() + " on the styles collection");
                require(r.query() != null && r.query().matches("name=" + N), "POST of a style without ?name=");
                String item = collection + "/" + r.query().substring("name=".length());
                if (styles.containsKey(item)) {
                    return 500; // GeoServer: "Style ... already exists"
                }
                styles.put(item, r.text());
                return 201;
            }
            require(r.method().equals("PUT"), "method " + r.method() + " on a style");
            String item = collection + "/" + m.group(3);
            if (!styles.containsKey(item)) {
                return 404;
            }
            styles.put(item, r.text());
            return 200;
        }
        if ((m = match("workspaces/" + N + "/datastores/" + N + "/featuretypes(/" + N + ")?", p)) != null) {
            need(m.group(1) + "/datastores/" + m.group(2), "datastore");
            JsonNode ft = body(r).path("featureType");
            require(ft.path("srs").asText().equals("EPSG:27700"), "featureType srs is not EPSG:27700");
            require(!ft.path("nativeName").asText().isEmpty(), "featureType without nativeName");
            String collection = "workspaces/" + m.group(1) + "/datastores/" + m.group(2) + "/featuretypes";
            int status = upsert(r, collection, m.group(4), "featureType");
            if (status == 201) {
                layerCameWith(m.group(1), ft.path("name").asText());
            }
            return status;
        }
        if ((m = match("workspaces/" + N + "/coveragestores(/" + N + ")?", p)) != null) {
            need(m.group(1), "workspace");
            JsonNode cs = body(r).path("coverageStore");
            require(cs.path("type").asText().equals("GeoTIFF"), "coverageStore type is not GeoTIFF");
            require(cs.path("url").asText().matches("file:.+\\.tif"), "coverageStore url is not a file: GeoTIFF");
            require(cs.path("workspace").path("name").asText().equals(m.group(1)), "coverageStore workspace");
            return upsert(r, "workspaces/" + m.group(1) + "/coveragestores", m.group(3), "coverageStore");
        }
        if ((m = match("workspaces/" + N + "/coveragestores/" + N + "/coverages(/" + N + ")?", p)) != null) {
            need(m.group(1) + "/coveragestores/" + m.group(2), "coverage store");
            JsonNode cov = body(r).path("coverage");
            require(cov.path("srs").asText().equals("EPSG:27700"), "coverage srs is not EPSG:27700");
            require(!cov.path("nativeName").asText().isEmpty(), "coverage without nativeName");
            String collection = "workspaces/" + m.group(1) + "/coveragestores/" + m.group(2) + "/coverages";
            int status = upsert(r, collection, m.group(4), "coverage");
            if (status == 201) {
                layerCameWith(m.group(1), cov.path("name").asText());
            }
            return status;
        }
        if ((m = match("workspaces/" + N + "/layers/" + N, p)) != null) {
            require(r.method().equals("PUT"), "method " + r.method() + " on a layer (layers come with feature types)");
            String item = "workspaces/" + m.group(1) + "/layers/" + m.group(2);
            if (!json.containsKey(item)) {
                return 404;
            }
            JsonNode layer = body(r).path("layer");
            String ws = m.group(1);
            styleExists(ws, layer.path("defaultStyle").path("name").asText());
            layer.path("styles")
                    .path("style")
                    .forEach(s -> styleExists(ws, s.path("name").asText()));
            json.put(item, body(r));
            return 200;
        }
        if ((m = match("workspaces/" + N + "/layergroups(/" + N + ")?", p)) != null) {
            JsonNode g = body(r).path("layerGroup");
            for (JsonNode pub : g.path("publishables").path("published")) {
                String[] name = pub.path("name").asText().split(":");
                require(
                        name.length == 2 && json.containsKey("workspaces/" + name[0] + "/layers/" + name[1]),
                        "layer group names an unknown layer " + pub.path("name").asText());
            }
            require(
                    g.path("styles").path("style").size()
                            == g.path("publishables").path("published").size(),
                    "layer group styles do not match its layers");
            return upsert(r, "workspaces/" + m.group(1) + "/layergroups", m.group(3), "layerGroup");
        }
        throw new IllegalStateException("not a documented resource");
    }

    private int create(Request r, String collection, String root, String unused) {
        require(r.method().equals("POST"), "method " + r.method() + " on " + collection);
        String name = body(r).path(root).path("name").asText();
        require(name.matches(N), root + " without a name");
        if (json.containsKey(collection + "/" + name)) {
            return 500;
        }
        json.put(collection + "/" + name, body(r));
        return 201;
    }

    private int upsert(Request r, String collection, String itemName, String root) {
        JsonNode b = body(r);
        require(b.has(root) && b.size() == 1, "body is not {\"" + root + "\": ...}");
        String name = b.path(root).path("name").asText();
        if (itemName == null) {
            require(r.method().equals("POST"), "method " + r.method() + " on " + collection);
            require(name.matches(N), root + " without a name");
            if (json.containsKey(collection + "/" + name)) {
                return 500;
            }
            json.put(collection + "/" + name, b);
            return 201;
        }
        require(r.method().equals("PUT"), "method " + r.method() + " on an item of " + collection);
        require(name.equals(itemName), "PUT body names " + name + ", not " + itemName);
        if (!json.containsKey(collection + "/" + itemName)) {
            return 404;
        }
        json.put(collection + "/" + itemName, b);
        return 200;
    }

    private void styleExists(String workspace, String qualified) {
        String[] parts = qualified.split(":");
        require(
                parts.length == 2
                        && parts[0].equals(workspace)
                        && styles.containsKey("workspaces/" + workspace + "/styles/" + parts[1]),
                "unknown style " + qualified);
    }

    /** GeoServer makes a layer with each new feature type or coverage, of the same name. */
    private void layerCameWith(String workspace, String name) {
        json.put(
                "workspaces/" + workspace + "/layers/" + name,
                JSON.createObjectNode().set("layer", JSON.createObjectNode().put("name", name)));
    }

    private void need(String path, String what) {
        require(json.containsKey(path.startsWith("workspaces/") ? path : "workspaces/" + path), "no such " + what);
    }

    private static JsonNode body(Request r) {
        require(
                r.contentType() != null && r.contentType().startsWith("application/json"),
                "Content-Type " + r.contentType() + " for a JSON resource");
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("body is not JSON");
        }
    }

    private static Document xml(byte[] body) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            throw new IllegalStateException("body is not XML: " + e.getMessage());
        }
    }

    private static Matcher match(String regex, String path) {
        Matcher m = Pattern.compile(regex).matcher(path);
        return m.matches() ? m : null;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    private static void respond(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }
}
