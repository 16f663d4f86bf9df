package org.safemap.publish;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * GeoServer's REST configuration API over the JDK's HTTP client, with HTTP Basic authentication. Credentials go
 * in the Authorization header only; every message is scrubbed of the secrets it was given before it is thrown.
 */
final class GeoServerClient {
    /** A response: status and body. */
    record Response(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final GeoServerConnection target;
    private final String authorization;
    private final List<String> secrets;

    GeoServerClient(GeoServerConnection target, List<String> secrets) {
        this.target = target;
        this.authorization = "Basic "
                + Base64.getEncoder()
                        .encodeToString((target.user() + ":" + target.password()).getBytes(StandardCharsets.UTF_8));
        this.secrets = secrets.stream().filter(s -> s != null && !s.isEmpty()).toList();
    }

    /** GETs a resource as JSON: 200 when it exists, 404 when it does not. */
    Response get(String path) {
        return send("GET", path + ".json", "", null, null);
    }

    Response send(String method, String path, String query, String contentType, byte[] body) {
        String url = target.restUrl() + "/" + path + (query.isEmpty() ? "" : "?" + query);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", authorization)
                .header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw fail(
                    ErrorCode.GEOSERVER_UNAVAILABLE,
                    "GeoServer at " + target.baseUrl() + " did not answer " + method + " " + path + " within 60 s");
        } catch (ConnectException e) {
            throw fail(
                    ErrorCode.GEOSERVER_UNAVAILABLE,
                    "cannot reach GeoServer at " + target.baseUrl()
                            + ": connection refused (is it running, and is --url its address?)");
        } catch (IOException e) {
            throw fail(ErrorCode.GEOSERVER_UNAVAILABLE, "cannot reach GeoServer at " + target.baseUrl() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(ErrorCode.GEOSERVER_UNAVAILABLE, "interrupted while talking to GeoServer");
        }
        if (r.statusCode() == 401) {
            throw fail(
                    ErrorCode.GEOSERVER_UNAUTHORIZED,
                    "GeoServer at " + target.baseUrl() + " refused user '"
                            + target.user() + "' (HTTP 401): check --user and the password (--password-file or "
                            + "SAFEMAP_GEOSERVER_PASSWORD)");
        }
        if (r.statusCode() == 403) {
            throw fail(
                    ErrorCode.GEOSERVER_FORBIDDEN,
                    "GeoServer at " + target.baseUrl() + " does not let user '" + target.user()
                            + "' change its configuration (HTTP 403): the REST API needs an administrator");
        }
        return new Response(r.statusCode(), r.body() == null ? "" : r.body());
    }

    /** An error message with every secret replaced, in case GeoServer echoed one. */
    SafemapException fail(ErrorCode code, String message) {
        return new SafemapException(code, scrub(message));
    }

    String scrub(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "***");
        }
        return out;
    }
}
