package org.safemap.map;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rendered tiles, in memory and on disk, each bounded in bytes and evicting the least recently used. Keys carry
 * the data version, and a new version empties both tiers, so a load or a new run never leaves a stale tile.
 */
public final class TileCache {
    private static final Logger LOG = LoggerFactory.getLogger(TileCache.class);

    private final long memoryLimit;
    private final long diskLimit;
    private final Path dir;
    private final LinkedHashMap<String, byte[]> memory = new LinkedHashMap<>(256, 0.75f, true);
    private final LinkedHashMap<String, Long> disk = new LinkedHashMap<>(256, 0.75f, true);
    private long memoryBytes;
    private long diskBytes;
    private String version = "";
    private long hits;
    private long misses;

    /**
     * @param memoryLimit bytes kept in memory
     * @param diskLimit   bytes kept on disk (0: no disk tier)
     * @param dir         the disk tier's folder, emptied at start
     */
    public TileCache(long memoryLimit, long diskLimit, Path dir) {
        this.memoryLimit = memoryLimit;
        this.diskLimit = diskLimit;
        this.dir = dir;
        if (diskLimit > 0) {
            try {
                wipe();
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the tile cache folder " + dir, e);
            }
        }
    }

    /** The cached tile for a key (a hex digest), or null. */
    public synchronized byte[] get(String version, String key) {
        checkVersion(version);
        byte[] tile = memory.get(key);
        if (tile == null && disk.containsKey(key)) {
            try {
                tile = Files.readAllBytes(file(key));
                remember(key, tile);
            } catch (IOException e) {
                disk.remove(key);
            }
        }
        if (tile == null) {
            misses++;
        } else {
            hits++;
        }
        return tile;
    }

    /** Keeps a tile drawn from data of {@code version}; one drawn from data that has since changed is dropped. */
    public synchronized void put(String version, String key, byte[] tile) {
        if (this.version.isEmpty()) {
            checkVersion(version);
        }
        if (!this.version.equals(version)) {
            return;
        }
        remember(key, tile);
        if (diskLimit > 0 && !disk.containsKey(key) && tile.length <= diskLimit) {
            try {
                Path f = file(key);
                Files.createDirectories(f.getParent());
                Files.write(f, tile);
                disk.put(key, (long) tile.length);
                diskBytes += tile.length;
                for (Iterator<Map.Entry<String, Long>> it = disk.entrySet().iterator();
                        diskBytes > diskLimit && it.hasNext(); ) {
                    Map.Entry<String, Long> e = it.next();
                    Files.deleteIfExists(file(e.getKey()));
                    diskBytes -= e.getValue();
                    it.remove();
                }
            } catch (IOException e) {
                LOG.warn("tile cache: cannot write to {}: {}", dir, e.getMessage());
            }
        }
    }

    /** Hits, misses, bytes in memory and on disk, for /health and benchmarks. */
    public synchronized Map<String, Long> stats() {
        return Map.of(
                "hits",
                hits,
                "misses",
                misses,
                "memoryBytes",
                memoryBytes,
                "diskBytes",
                diskBytes,
                "memoryTiles",
                (long) memory.size(),
                "diskTiles",
                (long) disk.size());
    }

    private void remember(String key, byte[] tile) {
        byte[] old = memory.put(key, tile);
        memoryBytes += tile.length - (old == null ? 0 : old.length);
        for (Iterator<Map.Entry<String, byte[]>> it = memory.entrySet().iterator();
                memoryBytes > memoryLimit && it.hasNext(); ) {
            Map.Entry<String, byte[]> e = it.next();
            memoryBytes -= e.getValue().length;
            it.remove();
        }
    }

    private void checkVersion(String v) {
        if (!v.equals(version)) {
            if (!version.isEmpty()) {
                LOG.info(
                        "tile cache: data changed ({} -> {}), dropping {} tiles",
                        version,
                        v,
                        memory.size() + disk.size());
            }
            version = v;
            memory.clear();
            memoryBytes = 0;
            disk.clear();
            diskBytes = 0;
            if (diskLimit > 0) {
                try {
                    wipe();
                } catch (IOException e) {
                    LOG.warn("tile cache: cannot empty {}: {}", dir, e.getMessage());
                }
            }
        }
    }

    private Path file(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key + ".png");
    }

    private void wipe() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
