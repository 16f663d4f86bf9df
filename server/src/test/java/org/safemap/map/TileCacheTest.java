package org.safemap.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TileCacheTest {
    private static String key(int n) {
        return String.format("%032x", n);
    }

    private static long files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void memoryIsBoundedAndTheDiskTierServesWhatMemoryDropped(@TempDir Path dir) throws IOException {
        TileCache cache = new TileCache(10_000, 1_000_000, dir.resolve("tiles"));
        for (int n = 0; n < 10; n++) {
            cache.put("v1", key(n), new byte[3_000]);
        }
        assertThat(cache.stats().get("memoryBytes")).isLessThanOrEqualTo(10_000L);
        assertThat(cache.stats().get("memoryTiles")).isEqualTo(3L);
        assertThat(files(dir.resolve("tiles"))).isEqualTo(10);
        // The oldest tile left memory long ago; the disk still has it.
        assertThat(cache.get("v1", key(0))).hasSize(3_000);
        assertThat(cache.get("v1", key(99))).isNull();
        assertThat(cache.stats().get("hits")).isEqualTo(1L);
        assertThat(cache.stats().get("misses")).isEqualTo(1L);
    }

    @Test
    void theDiskTierIsBoundedToo(@TempDir Path dir) throws IOException {
        TileCache cache = new TileCache(1_000, 10_000, dir.resolve("tiles"));
        for (int n = 0; n < 20; n++) {
            cache.put("v1", key(n), new byte[3_000]);
        }
        assertThat(cache.stats().get("diskBytes")).isLessThanOrEqualTo(10_000L);
        assertThat(files(dir.resolve("tiles"))).isEqualTo(3);
        assertThat(cache.get("v1", key(0))).isNull();
        assertThat(cache.get("v1", key(19))).hasSize(3_000);
    }

    @Test
    void aNewDataVersionEmptiesBothTiersAndLateTilesOfTheOldOneAreNotKept(@TempDir Path dir) throws IOException {
        TileCache cache = new TileCache(100_000, 100_000, dir.resolve("tiles"));
        cache.put("v1", key(1), new byte[100]);
        assertThat(cache.get("v2", key(1))).isNull();
        assertThat(files(dir.resolve("tiles"))).isZero();
        cache.put("v2", key(3), new byte[100]);
        // A tile drawn from v1 data that finishes after v2 arrived is dropped, and v2's tiles stay.
        cache.put("v1", key(2), new byte[100]);
        assertThat(cache.get("v2", key(2))).isNull();
        assertThat(cache.get("v2", key(3))).hasSize(100);
    }

    @Test
    void startsWithAnEmptyDiskTier(@TempDir Path dir) throws IOException {
        Path tiles = dir.resolve("tiles");
        Files.createDirectories(tiles.resolve("ab"));
        Files.write(tiles.resolve("ab").resolve("stale.png"), new byte[10]);
        new TileCache(1_000, 1_000, tiles);
        assertThat(files(tiles)).isZero();
    }
}
