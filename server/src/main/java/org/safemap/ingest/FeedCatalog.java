package org.safemap.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * The feeds SafeMap accepts: the built-in ones and any partner feed defined in SAFEMAP_FEEDS_DIR. As with the
 * protocols, a running server takes up a changed folder without a restart: the catalogue holds one immutable map,
 * replaced at once by {@link #adopt}, so its holders see the new feeds on their next call.
 */
public final class FeedCatalog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,40}");

    private final Path dir;
    private volatile Map<String, FeedDefinition> feeds;

    private FeedCatalog(Path dir, Map<String, FeedDefinition> feeds) {
        this.dir = dir;
        this.feeds = java.util.Collections.unmodifiableMap(feeds);
    }

    /** The folder's files read again, as a separate catalogue; this one is unchanged until it {@link #adopt}s it. */
    public FeedCatalog reread() {
        return load(dir);
    }

    /** Puts {@code other}'s feeds in force here, all at once. */
    public void adopt(FeedCatalog other) {
        feeds = other.feeds;
    }

    /**
     * The built-in feeds plus every *.json in {@code userDir} (which may be absent). A broken definition stops
     * everything with a message naming its file: a feed silently missing would be worse.
     */
    public static FeedCatalog load(Path userDir) {
        Map<String, FeedDefinition> feeds = new LinkedHashMap<>();
        for (String name : builtInNames()) {
            try (InputStream in = resource("feeds/" + name + ".json")) {
                add(feeds, JSON.readTree(in), "built-in feed " + name);
            } catch (IOException e) {
                throw new SafemapException(
                        ErrorCode.BAD_FEED, "cannot read built-in feed " + name + ": " + e.getMessage(), e);
            }
        }
        if (userDir != null && Files.isDirectory(userDir)) {
            List<Path> files;
            try (Stream<Path> list = Files.list(userDir)) {
                files = list.filter(p -> p.toString().endsWith(".json"))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new SafemapException(ErrorCode.BAD_FEED, "cannot list " + userDir + ": " + e.getMessage(), e);
            }
            for (Path file : files) {
                try {
                    add(feeds, JSON.readTree(file.toFile()), file.toString());
                } catch (IOException e) {
                    throw new SafemapException(ErrorCode.BAD_FEED, file + " is not valid JSON: " + e.getMessage(), e);
                }
            }
        }
        return new FeedCatalog(userDir, feeds);
    }

    /** Only the built-in feeds. */
    public static FeedCatalog builtIn() {
        return load(null);
    }

    /** The named feed, or an error listing the feeds there are. */
    public FeedDefinition get(String name) {
        return find(name)
                .orElseThrow(() -> new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "no feed '" + name + "'; the feeds " + "are: " + names() + " (see safemap feeds list)"));
    }

    public Optional<FeedDefinition> find(String name) {
        return Optional.ofNullable(feeds.get(name));
    }

    /** The feed's label as people read it ("A&E assaults (ISTV)"), or its name for a feed not in the catalogue. */
    public String label(String name) {
        return find(name).map(FeedDefinition::label).orElse(name);
    }

    /** The feeds' names, comma-separated, in catalogue order. */
    public String names() {
        return String.join(", ", feeds.keySet());
    }

    public List<FeedDefinition> all() {
        return List.copyOf(feeds.values());
    }

    private static void add(Map<String, FeedDefinition> feeds, JsonNode json, String origin) {
        String name = json.path("name").asText("");
        if (!NAME.matcher(name).matches()) {
            throw new SafemapException(
                    ErrorCode.BAD_FEED,
                    origin + ": 'name' must be lower case letters, digits and -, " + "starting with a letter; got '"
                            + name + "'");
        }
        if (feeds.containsKey(name)) {
            throw new SafemapException(
                    ErrorCode.BAD_FEED,
                    origin + ": a feed named '" + name + "' is already defined by "
                            + feeds.get(name).origin());
        }
        String format = json.path("format").asText("");
        if (!FeedAdapters.formats().contains(format)) {
            throw new SafemapException(
                    ErrorCode.BAD_FEED,
                    origin + ": unknown format '" + format + "'; formats are "
                            + String.join(", ", FeedAdapters.formats()));
        }
        JsonNode mapping = json.get("mapping");
        boolean mapped = format.startsWith("mapped-");
        if (mapped && (mapping == null || !mapping.isObject())) {
            throw new SafemapException(
                    ErrorCode.BAD_FEED,
                    origin + ": format " + format + " needs a 'mapping' object " + "(see docs/feeds.md)");
        }
        String categories = mapped ? name : json.path("categories").asText("");
        if (categories.isEmpty()) {
            throw new SafemapException(ErrorCode.BAD_FEED, origin + ": 'categories' names no mapping scheme");
        }
        FeedDefinition feed = new FeedDefinition(
                name,
                json.path("title").asText(name),
                json.path("label").asText(json.path("title").asText(name)),
                json.path("partner").asText(""),
                format,
                categories,
                json.path("description").asText(""),
                json.path("attribution").asText(json.path("partner").asText(name)),
                mapping,
                origin,
                null);
        if (mapped) {
            MappedFeed.check(feed);
        }
        feeds.put(name, feed);
    }

    private static List<String> builtInNames() {
        try (InputStream in = resource("feeds/index.txt")) {
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
            return names;
        } catch (IOException e) {
            throw new SafemapException(
                    ErrorCode.BAD_FEED, "cannot read the list of built-in feeds: " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = FeedCatalog.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IOException(path + " is missing from the build");
        }
        return in;
    }
}
