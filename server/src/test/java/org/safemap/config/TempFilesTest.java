package org.safemap.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFilesTest {
    @Test
    void foldersOfStoppedProcessesAreRemovedAndLiveOnesKept(@TempDir Path root) throws Exception {
        Process other = new ProcessBuilder("sleep", "30").start();
        try {
            // A pid far above any this machine hands out stands for a process that has ended.
            Path dead = Files.createDirectories(root.resolve("2147483000"));
            Files.writeString(dead.resolve("upload.part"), "half a file");
            Path live = Files.createDirectories(root.resolve(Long.toString(other.pid())));
            Files.writeString(live.resolve("upload.part"), "still arriving");
            Path notOurs = Files.createDirectories(root.resolve("notes"));

            assertThat(TempFiles.removeLeftovers(root)).containsExactly(dead);
            assertThat(dead).doesNotExist();
            assertThat(live.resolve("upload.part")).exists();
            assertThat(notOurs).exists();
        } finally {
            other.destroy();
        }
    }
}
