package org.safemap.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * The data-sharing protocols in force: built-in examples for the built-in feeds (resources protocols/*.json), each
 * replaced by a file of the same feed in SAFEMAP_PROTOCOLS_DIR, plus protocols for partners' own feeds there. A
 * protocol that cannot be read stops start-up with a message naming its file and field: running without it would
 * either refuse its feed's data or, worse, disclose it wrongly.
 *
 * <p>The running server can take up changed files without a restart ({@code safemap protocols reload}): the catalogue
 * holds one immutable snapshot of its protocols, which {@link #adopt} replaces at once, so every holder of this object
 * (the policy, the loader, the audit) sees the new protocols on its next call and never a mixture of old and new.
 */
public final class ProtocolCatalog {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Grids coarser than this still locate a record to a street; anything finer is not "reduced". */
    public static final int MIN_PRECISION_M = 100;

    /** The protocols in force at one moment, and a digest of their texts that changes whenever any of them does. */
    private record Snapshot(Map<String, Protocol> byFeed, String fingerprint) {}

    private final Path dir;
    private volatile Snapshot snapshot;

    private ProtocolCatalog(Path dir, Map<String, Protocol> byFeed) {
        this.dir = dir;
        this.snapshot = snapshotOf(byFeed);
    }

    /** Built-in examples, then every *.json in {@code dir} (which may be absent), the latter winning per feed. */
    public static ProtocolCatalog load(Path dir) {
        return new ProtocolCatalog(dir, read(dir));
    }

    /** The folder's files read again, as a separate catalogue; this one is unchanged until it {@link #adopt}s it. */
    public ProtocolCatalog reread() {
        return load(dir);
    }

    /** Puts {@code other}'s protocols in force here, all at once. */
    public void adopt(ProtocolCatalog other) {
        snapshot = other.snapshot;
    }

    /**
     * A digest of every protocol in force (feed and the SHA-256 of its text): caches of anything a protocol shapes
     * (map tiles, protected count tables) key on it, so a changed protocol never gets an answer made under the old.
     */
    public String fingerprint() {
        return snapshot.fingerprint();
    }

    /**
     * The partner ids the protocols name: each feed's owner and the partners its audiences name. A user's partner
     * must be one of them, or the protocols could never apply to that user as intended.
     */
    public java.util.SortedSet<String> partners() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (Protocol p : all()) {
            out.add(p.partner());
            out.addAll(p.audiences().named().keySet());
        }
        return out;
    }

    /** Refuses a partner id no protocol names, listing those that are (null: no partner, which is allowed). */
    public String requirePartner(String partner, String where) {
        if (partner == null || partner.isBlank()) {
            return null;
        }
        String p = partner.strip().toLowerCase(java.util.Locale.ROOT);
        if (!partners().contains(p)) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    where + ": partner '" + (p.length() > 40 ? p.substring(0, 40) + "..." : p)
                            + "' is not one the data-sharing protocols name, so no protocol would ever apply to "
                            + "this user as its owner or a named partner; the partners are "
                            + String.join(", ", partners())
                            + " (a new partner needs a protocol first: docs/data-sharing.md)");
        }
        return p;
    }

    private static Snapshot snapshotOf(Map<String, Protocol> byFeed) {
        StringBuilder all = new StringBuilder();
        new java.util.TreeMap<>(byFeed)
                .forEach((feed, p) ->
                        all.append(feed).append('=').append(p.sha256()).append(';'));
        return new Snapshot(
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byFeed)),
                sha256(all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .substring(0, 16));
    }

    private static Map<String, Protocol> read(Path dir) {
        Map<String, Protocol> out = new LinkedHashMap<>();
        for (String feed : builtInFeeds()) {
            String path = "protocols/" + feed + ".json";
            try (InputStream in = ProtocolCatalog.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    throw new SafemapException(ErrorCode.BAD_PROTOCOL, path + " is missing from the build");
                }
                Protocol p = parse(in.readAllBytes(), "built-in protocol " + path);
                out.put(p.feed(), p);
            } catch (IOException e) {
                throw new SafemapException(ErrorCode.BAD_PROTOCOL, "cannot read " + path + ": " + e.getMessage(), e);
            }
        }
        if (dir != null && Files.isDirectory(dir)) {
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(p -> p.toString().endsWith(".json"))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new SafemapException(ErrorCode.BAD_PROTOCOL, "cannot list " + dir + ": " + e.getMessage(), e);
            }
            Map<String, Path> seen = new LinkedHashMap<>();
            for (Path file : files) {
                Protocol p;
                try {
                    p = parse(Files.readAllBytes(file), file.toString());
                } catch (IOException e) {
                    throw new SafemapException(
                            ErrorCode.BAD_PROTOCOL, "cannot read " + file + ": " + e.getMessage(), e);
                }
                Path before = seen.put(p.feed(), file);
                if (before != null) {
                    throw new SafemapException(
                            ErrorCode.BAD_PROTOCOL,
                            file + " and " + before + " both govern feed '" + p.feed()
                                    + "'; keep one file per feed and raise its version");
                }
                out.put(p.feed(), p);
            }
        }
        return out;
    }

    /** Only the built-in examples (tests and tools). */
    public static ProtocolCatalog builtIn() {
        return load(null);
    }

    public Optional<Protocol> find(String feed) {
        return Optional.ofNullable(snapshot.byFeed().get(feed));
    }

    /** The feed's protocol, or the refusal every path gives for a feed without one. */
    public Protocol require(String feed) {
        Protocol p = snapshot.byFeed().get(feed);
        if (p == null) {
            throw new SafemapException(
                    ErrorCode.NO_PROTOCOL,
                    "feed '" + feed + "' has no data-sharing protocol, so SafeMap "
                            + "may not hold or show its data; add protocols/" + feed + ".json (docs/data-sharing.md)");
        }
        return p;
    }

    public List<Protocol> all() {
        return List.copyOf(snapshot.byFeed().values());
    }

    /** Parses and checks one protocol file; every error names the file and the field. */
    static Protocol parse(byte[] bytes, String origin) {
        JsonNode j;
        try {
            j = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.BAD_PROTOCOL, origin + " is not valid JSON: " + e.getMessage());
        }
        if (j == null || !j.isObject()) {
            throw new SafemapException(ErrorCode.BAD_PROTOCOL, origin + " must hold one JSON object");
        }
        String feed = text(j, "feed", origin);
        int version = j.path("version").asInt(0);
        if (version < 1) {
            throw new SafemapException(ErrorCode.BAD_PROTOCOL, origin + ": 'version' must be a whole number from 1");
        }
        List<String> fields = strings(j, "fields", origin, true);
        List<String> linkage = strings(j, "linkage_fields", origin, false);
        for (String l : linkage) {
            if (fields.stream().noneMatch(f -> Protocol.key(f).equals(Protocol.key(l)))) {
                throw new SafemapException(
                        ErrorCode.BAD_PROTOCOL, origin + ": linkage field '" + l + "' is not in 'fields'");
            }
        }
        Period retention;
        try {
            retention = Period.parse(text(j, "retention", origin));
        } catch (DateTimeParseException e) {
            throw new SafemapException(
                    ErrorCode.BAD_PROTOCOL,
                    origin + ": 'retention' must be an ISO 8601 period such as " + "P3Y or P18M; got '"
                            + j.path("retention").asText() + "'");
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new SafemapException(ErrorCode.BAD_PROTOCOL, origin + ": 'retention' must be longer than zero");
        }
        String from = j.path("retention_from").asText("event");
        if (!from.equals("event") && !from.equals("received")) {
            throw new SafemapException(
                    ErrorCode.BAD_PROTOCOL,
                    origin + ": 'retention_from' must be event or received; got '" + from + "'");
        }
        LocalDate review;
        try {
            review = LocalDate.parse(text(j, "review_date", origin));
        } catch (DateTimeParseException e) {
            throw new SafemapException(ErrorCode.BAD_PROTOCOL, origin + ": 'review_date' must be a date, YYYY-MM-DD");
        }
        Audiences audiences = audiences(j.path("audiences"), origin);
        JsonNode d = j.path("disclosure");
        int threshold = d.path("threshold").asInt(0);
        int rounding = d.path("rounding").asInt(1);
        if (threshold < 0 || rounding < 1) {
            throw new SafemapException(
                    ErrorCode.BAD_PROTOCOL, origin + ": disclosure 'threshold' must be >= 0 and 'rounding' >= 1");
        }
        int precision = d.path("precision_m").asInt(MIN_PRECISION_M);
        if (precision < MIN_PRECISION_M) {
            throw new SafemapException(
                    ErrorCode.BAD_PROTOCOL,
                    origin + ": disclosure 'precision_m' must be at least " + MIN_PRECISION_M
                            + " m: a finer grid would place a record at its address");
        }
        int minPoints = d.path("density_min_points").asInt(Math.max(threshold + 1, 1));
        if (minPoints < 1) {
            throw new SafemapException(
                    ErrorCode.BAD_PROTOCOL, origin + ": disclosure 'density_min_points' must be at least 1");
        }
        if (threshold > 0 && threshold < (rounding + 1) / 2 - 1) {
            // A shown 0 would then stand for 0 or for counts above the threshold that round down to it, and the
            // published tables' guarantee (docs/disclosure-control.md) assumes a shown 0 is a 0.
            throw new SafemapException(
                    ErrorCode.BAD_PROTOCOL,
                    origin + ": disclosure 'threshold' must be 0 or at least " + ((rounding + 1) / 2 - 1)
                            + " with 'rounding' " + rounding);
        }
        ReducedDetail reduced = ReducedDetail.parse(
                d.path("reduced_time").asText("month"),
                d.path("reduced_category").asText("group"),
                origin);
        List<String> purposes = strings(j, "purposes", origin, true);
        return new Protocol(
                feed,
                version,
                j.path("title").asText(feed),
                text(j, "partner", origin),
                j.path("partner_name").asText(j.path("partner").asText()),
                text(j, "controller", origin),
                j.path("custodian").asText(""),
                purposes,
                text(j, "lawful_basis", origin),
                strings(j, "powers", origin, false),
                fields,
                linkage,
                retention,
                from,
                review,
                audiences,
                new SuppressionRule(threshold, rounding),
                precision,
                minPoints,
                reduced,
                sha256(bytes),
                new String(bytes, java.nio.charset.StandardCharsets.UTF_8),
                origin);
    }

    private static Audiences audiences(JsonNode a, String origin) {
        if (!a.isObject()) {
            throw new SafemapException(
                    ErrorCode.BAD_PROTOCOL,
                    origin + ": 'audiences' must be an object with owner, named, "
                            + "analyst, tasking and public levels");
        }
        Map<String, DisclosureLevel> named = new LinkedHashMap<>();
        a.path("named")
                .fields()
                .forEachRemaining(e -> named.put(
                        e.getKey(),
                        DisclosureLevel.parse(e.getValue().asText(), origin + " audiences.named." + e.getKey())));
        return new Audiences(
                level(a, "owner", "points", origin),
                named,
                level(a, "analyst", "aggregates", origin),
                level(a, "tasking", "aggregates", origin),
                level(a, "public", "none", origin));
    }

    private static DisclosureLevel level(JsonNode a, String key, String fallback, String origin) {
        return DisclosureLevel.parse(a.path(key).asText(fallback), origin + " audiences." + key);
    }

    private static String text(JsonNode j, String field, String origin) {
        String v = j.path(field).asText("").strip();
        if (v.isEmpty()) {
            throw new SafemapException(ErrorCode.BAD_PROTOCOL, origin + ": '" + field + "' is required");
        }
        return v;
    }

    private static List<String> strings(JsonNode j, String field, String origin, boolean required) {
        JsonNode n = j.path(field);
        if (n.isMissingNode() && !required) {
            return List.of();
        }
        if (!n.isArray() || (required && n.isEmpty())) {
            throw new SafemapException(
                    ErrorCode.BAD_PROTOCOL,
                    origin + ": '" + field + "' must be a " + (required ? "non-empty " : "") + "list of strings");
        }
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static List<String> builtInFeeds() {
        try (InputStream in = ProtocolCatalog.class.getClassLoader().getResourceAsStream("protocols/index.txt")) {
            if (in == null) {
                throw new SafemapException(ErrorCode.BAD_PROTOCOL, "protocols/index.txt is missing from the build");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.BAD_PROTOCOL, "cannot read protocols/index.txt: " + e.getMessage(), e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
