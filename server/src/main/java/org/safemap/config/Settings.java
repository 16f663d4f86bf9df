package org.safemap.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting SafeMap reads, resolved once at start-up from environment variables and one optional file.
 * Environment variables win over the file. Each key is documented in docs/configuration.md.
 *
 * @param home               the SafeMap installation (the launcher's folder); relative paths resolve here
 * @param varDir             where the private database cluster and other state live
 * @param externalDatabase   the database named by SAFEMAP_DB_URL, if any; otherwise the private cluster is used
 * @param readReplica        a streaming replica of that database (SAFEMAP_DB_READ_URL) the map service reads from
 * @param localDbPort        port of the private cluster, on 127.0.0.1 only
 * @param dbPoolSize         maximum JDBC connections held by the server
 * @param httpHost           interface the HTTP server binds to
 * @param httpPort           HTTP port
 * @param basemapUrl         XYZ tile URL template for the viewer's basemap; empty for none
 * @param basemapAttribution attribution shown with the basemap
 * @param basemaps           the viewer's basemap switcher: SAFEMAP_BASEMAPS, or the one of SAFEMAP_BASEMAP_URL
 * @param logLevel           root log level (error, warn, info, debug)
 * @param feedsDir           folder of partners' feed definitions (JSON), read besides the built-in feeds
 * @param linkDistanceM      records of different feeds this close (metres) and ...
 * @param linkMinutes        ... this close in time are linked as one event
 * @param uploadMaxMb        largest file accepted by the upload endpoint, in MB
 * @param ingest             what a load accepts: the first date of the partnership's data, rows outside its area
 * @param map                the map service's limits and tile cache sizes
 * @param trust              protocols, keys and session rules for the data-sharing controls
 * @param limits             what one request may cost: periods, time, concurrency, request rates, body sizes
 * @param warnings           problems worth telling the user that do not stop start-up (unknown keys)
 */
public record Settings(
        Path home,
        Path varDir,
        Optional<DatabaseTarget> externalDatabase,
        Optional<DatabaseTarget> readReplica,
        int localDbPort,
        int dbPoolSize,
        String httpHost,
        int httpPort,
        String basemapUrl,
        String basemapAttribution,
        List<Basemap> basemaps,
        String logLevel,
        Path feedsDir,
        int linkDistanceM,
        int linkMinutes,
        int uploadMaxMb,
        IngestSettings ingest,
        MapSettings map,
        TrustSettings trust,
        LimitSettings limits,
        List<String> warnings) {

    /**
     * @param dataFrom              records dated before this day (UK time) are quarantined as implausible
     * @param quarantineOutsideArea records placed outside every loaded LSOA are quarantined, not kept and listed
     */
    public record IngestSettings(LocalDate dataFrom, boolean quarantineOutsideArea) {
        /** The first day SAFEMAP_DATA_FROM may name: no partner's records go back further, and PostgreSQL's do. */
        public static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);

        public static final IngestSettings DEFAULT = new IngestSettings(LocalDate.of(2000, 1, 1), false);
    }

    /**
     * @param wmsMaxSize  largest WIDTH and HEIGHT a GetMap may ask for, pixels
     * @param tileMemoryMb tile cache held in memory, MB
     * @param tileDiskMb   tile cache on disk under var/tiles, MB (0: none)
     * @param contactOrganisation who answers for the map services (capabilities' ContactInformation)
     * @param contactPerson       a named contact, or blank
     * @param contactEmail        a contact address, or blank
     * @param layerMetadataUrl    each layer's metadata address ({layer}, {base}), or blank for the server's own
     */
    public record MapSettings(
            int wmsMaxSize,
            int tileMemoryMb,
            int tileDiskMb,
            String contactOrganisation,
            String contactPerson,
            String contactEmail,
            String layerMetadataUrl) {}

    /**
     * @param protocolsDir   folder of data-sharing protocols (one JSON per feed), read besides the built-in examples
     * @param pseudonymKey   HMAC key for linkage identifiers; empty: generated once into var/secrets
     * @param auditKey       HMAC key chaining the audit log; empty: generated once into var/secrets
     * @param linkageKey     AES key sealing quarantined rows of linkage feeds for their custodians; empty: generated
     *                       once into var/secrets
     * @param auditAnchorDir where audit anchors (the chain head, SEQ:HASH) are appended, outside the database
     * @param auditAnchorCommand a command run with each anchor line on its standard input (empty: none), to keep a
     *                       copy on another machine
     * @param auditAnchorHours hours between the server's checks of the audit chain against its anchors, each followed
     *                       by a new anchor (0: never by itself)
     * @param sessionHours   a viewer login lasts this long
     * @param cookieSecure   session cookie's Secure flag: always, never, or auto (when the request came over HTTPS)
     * @param retentionHour  hour of the day (server time) the retention purge runs; -1: never by itself
     * @param protectedGeography the areas restricted feeds' counts are published for: lsoa-msoa-lad or lsoa-ward-lad
     * @param trustedProxies reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For names the client
     */
    public record TrustSettings(
            Path protocolsDir,
            Secret pseudonymKey,
            Secret auditKey,
            int sessionHours,
            String cookieSecure,
            int retentionHour,
            String protectedGeography,
            List<String> trustedProxies,
            Secret linkageKey,
            Path auditAnchorDir,
            String auditAnchorCommand,
            int auditAnchorHours) {}

    /**
     * What anonymous and signed-in requests may cost the server (docs/configuration.md, docs/api.md#limits).
     *
     * @param maxPeriodMonths       longest period one request may cover, in months, once clipped to the data's months
     * @param requestTimeoutS       an API or map request still working after this many seconds is stopped (503)
     * @param expensivePerRequester expensive requests (profiles, runs, packs, exports, renders) one requester may have
     *                              running at once; more wait their turn briefly, then get 429
     * @param expensivePublic       expensive requests all anonymous requesters together may have running; then 503
     * @param expensiveTotal        expensive requests running at once over everybody; then 503
     * @param queueWaitMs           how long an expensive request waits for its turn before it is refused
     * @param ratePerClient         anonymous requests per second one client address may make on average (a burst of
     *                              five seconds' worth is allowed); then 429
     * @param ratePublic            anonymous requests per second all clients together may make; then 429
     * @param maxBodyKb             largest request body other than an upload, KB; then 413
     * @param dbWaitMs              how long a request waits for a free database connection before 503
     */
    public record LimitSettings(
            int maxPeriodMonths,
            int requestTimeoutS,
            int expensivePerRequester,
            int expensivePublic,
            int expensiveTotal,
            int queueWaitMs,
            int ratePerClient,
            int ratePublic,
            int maxBodyKb,
            int dbWaitMs) {}

    /** A configured secret: its value never reaches toString, so it cannot leak into a log line by accident. */
    public record Secret(String value) {
        public boolean isEmpty() {
            return value == null || value.isEmpty();
        }

        @Override
        public String toString() {
            return isEmpty() ? "Secret[unset]" : "Secret[***]";
        }
    }

    public static final String DEFAULT_BASEMAP_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
    public static final String DEFAULT_BASEMAP_ATTRIBUTION =
            "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors";

    /** The keys SafeMap knows, with their defaults (null: no default). Order is the order of the docs. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("SAFEMAP_HOME", null);
        KEYS.put("SAFEMAP_CONFIG", null);
        KEYS.put("SAFEMAP_VAR_DIR", null);
        KEYS.put("SAFEMAP_DB_URL", null);
        KEYS.put("SAFEMAP_DB_USER", null);
        KEYS.put("SAFEMAP_DB_PASSWORD", null);
        KEYS.put("SAFEMAP_DB_READ_URL", null);
        KEYS.put("SAFEMAP_DB_POOL_SIZE", "8");
        KEYS.put("SAFEMAP_LOCAL_DB_PORT", "55432");
        KEYS.put("SAFEMAP_HTTP_HOST", "127.0.0.1");
        KEYS.put("SAFEMAP_HTTP_PORT", "8080");
        KEYS.put("SAFEMAP_BASEMAP_URL", DEFAULT_BASEMAP_URL);
        KEYS.put("SAFEMAP_BASEMAP_ATTRIBUTION", DEFAULT_BASEMAP_ATTRIBUTION);
        KEYS.put("SAFEMAP_BASEMAPS", "");
        KEYS.put("SAFEMAP_LOG_LEVEL", "info");
        KEYS.put("SAFEMAP_FEEDS_DIR", "feeds");
        KEYS.put("SAFEMAP_LINK_DISTANCE_M", "250");
        KEYS.put("SAFEMAP_LINK_MINUTES", "120");
        KEYS.put("SAFEMAP_UPLOAD_MAX_MB", "512");
        KEYS.put("SAFEMAP_DATA_FROM", IngestSettings.DEFAULT.dataFrom().toString());
        KEYS.put("SAFEMAP_OUTSIDE_AREA", "keep");
        KEYS.put("SAFEMAP_WMS_MAX_SIZE", "4096");
        KEYS.put("SAFEMAP_TILE_CACHE_MB", "64");
        KEYS.put("SAFEMAP_TILE_DISK_MB", "512");
        KEYS.put("SAFEMAP_CONTACT_ORGANISATION", "SafeMap partnership");
        KEYS.put("SAFEMAP_CONTACT_PERSON", "");
        KEYS.put("SAFEMAP_CONTACT_EMAIL", "");
        KEYS.put("SAFEMAP_LAYER_METADATA_URL", "");
        KEYS.put("SAFEMAP_PROTOCOLS_DIR", "protocols");
        KEYS.put("SAFEMAP_PSEUDONYM_KEY", "");
        KEYS.put("SAFEMAP_AUDIT_KEY", "");
        KEYS.put("SAFEMAP_SESSION_HOURS", "12");
        KEYS.put("SAFEMAP_COOKIE_SECURE", "auto");
        KEYS.put("SAFEMAP_RETENTION_HOUR", "2");
        KEYS.put("SAFEMAP_PROTECTED_GEOGRAPHY", "lsoa-msoa-lad");
        KEYS.put("SAFEMAP_TRUSTED_PROXIES", "");
        KEYS.put("SAFEMAP_LINKAGE_KEY", "");
        KEYS.put("SAFEMAP_AUDIT_ANCHOR_DIR", "");
        KEYS.put("SAFEMAP_AUDIT_ANCHOR_COMMAND", "");
        KEYS.put("SAFEMAP_AUDIT_ANCHOR_HOURS", "24");
        KEYS.put("SAFEMAP_MAX_PERIOD_MONTHS", "120");
        KEYS.put("SAFEMAP_REQUEST_TIMEOUT_S", "120");
        KEYS.put("SAFEMAP_EXPENSIVE_PER_REQUESTER", "4");
        KEYS.put("SAFEMAP_EXPENSIVE_PUBLIC", "6");
        KEYS.put("SAFEMAP_EXPENSIVE_TOTAL", "8");
        KEYS.put("SAFEMAP_QUEUE_WAIT_MS", "2000");
        KEYS.put("SAFEMAP_RATE_PER_CLIENT", "20");
        KEYS.put("SAFEMAP_RATE_PUBLIC", "200");
        KEYS.put("SAFEMAP_MAX_BODY_KB", "1024");
        KEYS.put("SAFEMAP_DB_WAIT_MS", "5000");
    }

    /** Variables a command or the launcher reads itself (secrets stay out of settings), not settings. */
    static final java.util.Set<String> COMMAND_KEYS =
            java.util.Set.of("SAFEMAP_JAVA_OPTS", "SAFEMAP_GEOSERVER_PASSWORD", "SAFEMAP_GEOSERVER_DB_PASSWORD");

    /** Settings from this process's environment. */
    public static Settings fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * Settings from the given environment. The optional file is {@code SAFEMAP_CONFIG}, or
     * {@code safemap.conf} in SAFEMAP_HOME when it exists: lines of {@code KEY=value}, {@code #} comments.
     */
    public static Settings from(Map<String, String> env) {
        List<String> warnings = new ArrayList<>();
        Path home =
                Path.of(env.getOrDefault("SAFEMAP_HOME", ".")).toAbsolutePath().normalize();

        Map<String, String> values = new LinkedHashMap<>();
        Path configFile = null;
        if (env.containsKey("SAFEMAP_CONFIG")) {
            configFile = home.resolve(env.get("SAFEMAP_CONFIG"));
            if (!Files.isRegularFile(configFile)) {
                throw new ConfigException("SAFEMAP_CONFIG names " + configFile + ", which is not a readable file");
            }
        } else if (Files.isRegularFile(home.resolve("safemap.conf"))) {
            configFile = home.resolve("safemap.conf");
        }
        if (configFile != null) {
            values.putAll(readFile(configFile));
        }
        env.forEach((key, value) -> {
            if (!key.startsWith("SAFEMAP_")) {
                return;
            }
            if (KEYS.containsKey(key)) {
                values.put(key, value);
            } else if (!key.startsWith("SAFEMAP_TEST_") && !COMMAND_KEYS.contains(key)) {
                warnings.add("unknown setting " + key + " in the environment is ignored (see docs/configuration.md)");
            }
        });

        Path varDir =
                home.resolve(get(values, "SAFEMAP_VAR_DIR", home.resolve("var").toString()));
        Optional<DatabaseTarget> external = Optional.empty();
        String dbUrl = values.get("SAFEMAP_DB_URL");
        if (dbUrl != null && !dbUrl.isBlank()) {
            DatabaseTarget parsed = DatabaseTarget.parse(dbUrl, "SAFEMAP_DB_URL");
            String user = values.getOrDefault("SAFEMAP_DB_USER", parsed.user());
            String password = values.getOrDefault("SAFEMAP_DB_PASSWORD", parsed.password());
            external = Optional.of(
                    new DatabaseTarget(parsed.jdbcUrl(), user, password, parsed.description(), parsed.origin()));
        }
        Optional<DatabaseTarget> replica = Optional.empty();
        String readUrl = values.get("SAFEMAP_DB_READ_URL");
        if (readUrl != null && !readUrl.isBlank()) {
            if (external.isEmpty()) {
                // The private cluster keeps no WAL for replicas (wal_level = minimal), so it can have none.
                throw new ConfigException("SAFEMAP_DB_READ_URL needs SAFEMAP_DB_URL: a read replica is a replica of "
                        + "the database SAFEMAP_DB_URL names, not of the private cluster");
            }
            DatabaseTarget parsed = DatabaseTarget.parse(readUrl, "SAFEMAP_DB_READ_URL");
            // The replica has the primary's roles, so the primary's login is the default.
            replica = Optional.of(new DatabaseTarget(
                    parsed.jdbcUrl(),
                    parsed.user() != null ? parsed.user() : external.get().user(),
                    parsed.password() != null
                            ? parsed.password()
                            : external.get().password(),
                    parsed.description(),
                    parsed.origin()));
        }
        String logLevel = get(values, "SAFEMAP_LOG_LEVEL", null).toLowerCase();
        if (!List.of("error", "warn", "info", "debug", "trace").contains(logLevel)) {
            throw new ConfigException(
                    "SAFEMAP_LOG_LEVEL must be one of error, warn, info, debug, trace; got '" + logLevel + "'");
        }
        return new Settings(
                home,
                varDir,
                external,
                replica,
                port(values, "SAFEMAP_LOCAL_DB_PORT"),
                intRange(values, "SAFEMAP_DB_POOL_SIZE", 1, 200),
                get(values, "SAFEMAP_HTTP_HOST", null),
                port(values, "SAFEMAP_HTTP_PORT"),
                get(values, "SAFEMAP_BASEMAP_URL", null).trim(),
                get(values, "SAFEMAP_BASEMAP_ATTRIBUTION", null),
                Basemap.resolve(
                        get(values, "SAFEMAP_BASEMAPS", null),
                        get(values, "SAFEMAP_BASEMAP_URL", null),
                        get(values, "SAFEMAP_BASEMAP_ATTRIBUTION", null)),
                logLevel,
                home.resolve(get(values, "SAFEMAP_FEEDS_DIR", null)),
                intRange(values, "SAFEMAP_LINK_DISTANCE_M", 0, 100_000),
                intRange(values, "SAFEMAP_LINK_MINUTES", 0, 7 * 24 * 60),
                intRange(values, "SAFEMAP_UPLOAD_MAX_MB", 1, 100_000),
                new IngestSettings(
                        date(values, "SAFEMAP_DATA_FROM", IngestSettings.EARLIEST),
                        choice(values, "SAFEMAP_OUTSIDE_AREA", List.of("keep", "quarantine"))
                                .equals("quarantine")),
                new MapSettings(
                        intRange(values, "SAFEMAP_WMS_MAX_SIZE", 256, 16_384),
                        intRange(values, "SAFEMAP_TILE_CACHE_MB", 0, 100_000),
                        intRange(values, "SAFEMAP_TILE_DISK_MB", 0, 1_000_000),
                        get(values, "SAFEMAP_CONTACT_ORGANISATION", null),
                        get(values, "SAFEMAP_CONTACT_PERSON", null),
                        get(values, "SAFEMAP_CONTACT_EMAIL", null),
                        get(values, "SAFEMAP_LAYER_METADATA_URL", null)),
                new TrustSettings(
                        home.resolve(get(values, "SAFEMAP_PROTOCOLS_DIR", null)),
                        new Secret(get(values, "SAFEMAP_PSEUDONYM_KEY", null)),
                        new Secret(get(values, "SAFEMAP_AUDIT_KEY", null)),
                        intRange(values, "SAFEMAP_SESSION_HOURS", 1, 24 * 30),
                        choice(values, "SAFEMAP_COOKIE_SECURE", List.of("auto", "always", "never")),
                        intRange(values, "SAFEMAP_RETENTION_HOUR", -1, 23),
                        choice(values, "SAFEMAP_PROTECTED_GEOGRAPHY", List.of("lsoa-msoa-lad", "lsoa-ward-lad")),
                        addresses(values, "SAFEMAP_TRUSTED_PROXIES"),
                        new Secret(get(values, "SAFEMAP_LINKAGE_KEY", null)),
                        anchorDir(values, home, varDir),
                        get(values, "SAFEMAP_AUDIT_ANCHOR_COMMAND", null).strip(),
                        intRange(values, "SAFEMAP_AUDIT_ANCHOR_HOURS", 0, 24 * 7)),
                new LimitSettings(
                        intRange(values, "SAFEMAP_MAX_PERIOD_MONTHS", 1, 1200),
                        intRange(values, "SAFEMAP_REQUEST_TIMEOUT_S", 1, 86_400),
                        intRange(values, "SAFEMAP_EXPENSIVE_PER_REQUESTER", 1, 1000),
                        intRange(values, "SAFEMAP_EXPENSIVE_PUBLIC", 1, 10_000),
                        intRange(values, "SAFEMAP_EXPENSIVE_TOTAL", 1, 10_000),
                        intRange(values, "SAFEMAP_QUEUE_WAIT_MS", 0, 60_000),
                        intRange(values, "SAFEMAP_RATE_PER_CLIENT", 1, 1_000_000),
                        intRange(values, "SAFEMAP_RATE_PUBLIC", 1, 10_000_000),
                        intRange(values, "SAFEMAP_MAX_BODY_KB", 1, 1_048_576),
                        intRange(values, "SAFEMAP_DB_WAIT_MS", 250, 600_000)),
                List.copyOf(warnings));
    }

    /** The same settings listening on another port (the CLI's --port). */
    public Settings withHttpPort(int port) {
        return withHttp(httpHost, port);
    }

    /** The same settings bound to another interface (the CLI's --host). */
    public Settings withHttpHost(String host) {
        return withHttp(host, httpPort);
    }

    private Settings withHttp(String host, int port) {
        return new Settings(
                home,
                varDir,
                externalDatabase,
                readReplica,
                localDbPort,
                dbPoolSize,
                host,
                port,
                basemapUrl,
                basemapAttribution,
                basemaps,
                logLevel,
                feedsDir,
                linkDistanceM,
                linkMinutes,
                uploadMaxMb,
                ingest,
                map,
                trust,
                limits,
                warnings);
    }

    /** Folder of the private PostgreSQL cluster. */
    public Path localClusterDir() {
        return varDir.resolve("postgis");
    }

    /** File holding the private cluster's generated superuser password (mode 600). */
    public Path localPasswordFile() {
        return varDir.resolve("postgis.password");
    }

    private static Map<String, String> readFile(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String where = file + " line " + (i + 1);
            if (eq <= 0) {
                throw new ConfigException(where + ": expected KEY=value, got '" + abbreviate(line) + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = unquote(line.substring(eq + 1).strip());
            if (key.equals("SAFEMAP_CONFIG") || key.equals("SAFEMAP_HOME")) {
                throw new ConfigException(where + ": " + key + " can only be set in the environment");
            }
            if (!KEYS.containsKey(key)) {
                throw new ConfigException(where + ": unknown setting " + key + " (see docs/configuration.md)");
            }
            values.put(key, value);
        }
        return values;
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static String get(Map<String, String> values, String key, String fallback) {
        String value = values.get(key);
        if (value != null) {
            return value;
        }
        return fallback != null ? fallback : KEYS.get(key);
    }

    private static int port(Map<String, String> values, String key) {
        return intRange(values, key, 1, 65535);
    }

    private static int intRange(Map<String, String> values, String key, int min, int max) {
        String raw = get(values, key, null).strip();
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        throw new ConfigException(key + " must be a whole number from " + min + " to " + max + "; got '" + raw + "'");
    }

    /** A day as YYYY-MM-DD (or a month as YYYY-MM, its first day), from {@code earliest} to today. */
    private static LocalDate date(Map<String, String> values, String key, LocalDate earliest) {
        String raw = get(values, key, null).strip();
        try {
            LocalDate day = raw.length() == 7 ? YearMonth.parse(raw).atDay(1) : LocalDate.parse(raw);
            if (!day.isBefore(earliest) && !day.isAfter(LocalDate.now())) {
                return day;
            }
        } catch (DateTimeParseException ignored) {
            // fall through to the message below
        }
        throw new ConfigException(key + " must be a date as YYYY-MM-DD (or a month as YYYY-MM) from " + earliest
                + " to today; got '" + raw + "'");
    }

    /** A comma-separated list of IP addresses and CIDR blocks (literals only: nothing is looked up). */
    private static List<String> addresses(Map<String, String> values, String key) {
        List<String> out = new java.util.ArrayList<>();
        for (String part : get(values, key, null).split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (new inet.ipaddr.IPAddressString(p).getAddress() == null) {
                throw new ConfigException(key + " must list IP addresses or CIDR blocks (such as 127.0.0.1 or "
                        + "10.0.0.0/8), separated by commas; '" + p + "' is neither");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    /** SAFEMAP_AUDIT_ANCHOR_DIR, relative to the installation; empty: {@code audit-anchors} in the var folder. */
    private static Path anchorDir(Map<String, String> values, Path home, Path varDir) {
        String raw = get(values, "SAFEMAP_AUDIT_ANCHOR_DIR", null).strip();
        return raw.isEmpty() ? varDir.resolve("audit-anchors") : home.resolve(raw);
    }

    private static String choice(Map<String, String> values, String key, List<String> allowed) {
        String raw = get(values, key, null).strip().toLowerCase(java.util.Locale.ROOT);
        if (!allowed.contains(raw)) {
            throw new ConfigException(key + " must be one of " + String.join(", ", allowed) + "; got '" + raw + "'");
        }
        return raw;
    }
}
