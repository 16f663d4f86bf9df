package org.safemap.publish;

import java.net.URI;
import java.net.URISyntaxException;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * Where GeoServer is and who publishes to it. The password travels only in the HTTP Basic Authorization header:
 * never in a URL, a message or a log line ({@link #toString} leaves it out).
 *
 * @param baseUrl   GeoServer's address, e.g. {@code http://gis.internal:8080/geoserver}, without a trailing slash
 * @param user      the GeoServer user (an administrator, as the REST configuration API requires)
 * @param password  that user's password; null in a dry run that has none
 * @param workspace the workspace SafeMap's layers, styles, store and layer group live in
 */
public record GeoServerConnection(String baseUrl, String user, String password, String workspace) {
    /** A workspace, store or layer name GeoServer accepts in a REST path without escaping. */
    static final String NAME = "[A-Za-z][A-Za-z0-9_-]{0,63}";

    public GeoServerConnection {
        baseUrl = checkedUrl(baseUrl);
        if (user == null || user.isBlank()) {
            throw new SafemapException(ErrorCode.BAD_REQUEST, "--user names no GeoServer user");
        }
        if (!workspace.matches(NAME)) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "--workspace '" + workspace + "' must start with a letter and "
                            + "hold only letters, digits, '_' and '-' (at most 64)");
        }
    }

    /** The REST configuration API's root. */
    public String restUrl() {
        return baseUrl + "/rest";
    }

    /** The same GeoServer with the password read at last (dry runs build their plan before asking for it). */
    public GeoServerConnection withPassword(String secret) {
        return new GeoServerConnection(baseUrl, user, secret, workspace);
    }

    @Override
    public String toString() {
        return user + " at " + baseUrl + " (workspace " + workspace + ")";
    }

    private static String checkedUrl(String url) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url.trim());
        } catch (URISyntaxException e) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "--url is not a URL (" + e.getReason()
                            + "); give GeoServer's address, e.g. http://gis.internal:8080/geoserver");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "--url must be GeoServer's http:// or https:// address, e.g. "
                            + "http://gis.internal:8080/geoserver");
        }
        if (uri.getRawUserInfo() != null) {
            // Never repeat the URL here: its user part may hold the password.
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "--url must not carry a user or password; give the user with "
                            + "--user and the password in --password-file or SAFEMAP_GEOSERVER_PASSWORD");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "--url must be GeoServer's address without a query, e.g. " + "http://gis.internal:8080/geoserver");
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("/rest")) {
            s = s.substring(0, s.length() - "/rest".length());
        }
        return s;
    }
}
