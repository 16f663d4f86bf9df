package org.safemap.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the PostGIS database is and how to log in to it.
 *
 * @param jdbcUrl     JDBC URL without credentials
 * @param user        role name, or null to let the driver decide
 * @param password    password, or null; never printed
 * @param description host:port/database, safe to show in messages and logs
 * @param origin      where the target came from, for messages ("SAFEMAP_DB_URL", "local cluster")
 */
public record DatabaseTarget(String jdbcUrl, String user, String password, String description, String origin) {

    private static final String EXPECTED = "postgresql://user:password@host:5432/database";

    /**
     * Parses a libpq-style URI ({@code postgresql://} or {@code postgres://}) or a JDBC URL
     * ({@code jdbc:postgresql://}). Credentials may sit in the authority or in {@code user}/{@code password}
     * query parameters; other parameters (sslmode and the like) pass through to the driver.
     */
    public static DatabaseTarget parse(String url, String origin) {
        String trimmed = url.trim();
        String rest;
        if (trimmed.startsWith("jdbc:postgresql://")) {
            rest = trimmed.substring("jdbc:postgresql://".length());
        } else if (trimmed.startsWith("postgresql://")) {
            rest = trimmed.substring("postgresql://".length());
        } else if (trimmed.startsWith("postgres://")) {
            rest = trimmed.substring("postgres://".length());
        } else {
            int colon = trimmed.indexOf(':');
            String scheme = colon > 0 ? trimmed.substring(0, colon) : "(none)";
            throw new ConfigException(
                    origin + " must be a PostgreSQL URL like " + EXPECTED + "; its scheme is '" + scheme + "'");
        }
        URI uri;
        try {
            uri = new URI("postgresql://" + rest);
        } catch (URISyntaxException e) {
            throw new ConfigException(origin + " is not a valid URL (" + e.getReason() + "); expected " + EXPECTED);
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new ConfigException(origin + " names no host; expected " + EXPECTED);
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty()) {
            throw new ConfigException(origin + " names no database; expected " + EXPECTED);
        }
        database = decode(database);

        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        List<String> passThrough = new ArrayList<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> passThrough.add(pair);
                }
            }
        }
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        String jdbc = "jdbc:postgresql://" + hostPart + ":" + port + "/" + encodePath(database)
                + (passThrough.isEmpty() ? "" : "?" + String.join("&", passThrough));
        return new DatabaseTarget(jdbc, user, password, host + ":" + port + "/" + database, origin);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encodePath(String database) {
        return database.replace("%", "%25")
                .replace("/", "%2F")
                .replace("?", "%3F")
                .replace("#", "%23");
    }

    /** The same server and credentials, another database (tests use a fresh one per run). */
    public DatabaseTarget withDatabase(String database) {
        int slash = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = jdbcUrl.indexOf('?', slash);
        String jdbc =
                jdbcUrl.substring(0, slash + 1) + encodePath(database) + (query < 0 ? "" : jdbcUrl.substring(query));
        String hostPort = description.substring(0, description.lastIndexOf('/'));
        return new DatabaseTarget(jdbc, user, password, hostPort + "/" + database, origin);
    }

    /** The database name. */
    public String database() {
        return description.substring(description.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return description + " (" + origin + ")";
    }
}
