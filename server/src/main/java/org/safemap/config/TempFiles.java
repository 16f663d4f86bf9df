package org.safemap.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where SafeMap's temporary files go (uploads on their way in, quarantine spills, exports being built): a folder per
 * process, {@code var/tmp/PID}. A process killed outright cannot delete its files, so every SafeMap process removes,
 * when it starts, the folders of processes that are no longer running. Until {@link #use} is called (code run
 * without the CLI) the JVM's temporary folder is used.
 */
public final class TempFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TempFiles.class);
    private static volatile Path dir;

    private TempFiles() {}

    /**
     * Makes {@code varDir/tmp/PID} this process's folder, after removing those of processes that have gone. A folder
     * that cannot be made is logged and the JVM's temporary folder used instead.
     */
    public static synchronized Path use(Path varDir) {
        Path root = varDir.resolve("tmp");
        Path mine = root.resolve(Long.toString(ProcessHandle.current().pid()));
        if (mine.equals(dir)) {
            return dir;
        }
        try {
            for (Path gone : removeLeftovers(root)) {
                LOG.info("removed temporary files left by stopped process {}", gone.getFileName());
            }
            Files.createDirectories(mine);
            if (dir == null) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(mine), "remove-temp-files"));
            }
            dir = mine;
        } catch (IOException | UncheckedIOException e) {
            LOG.warn(
                    "cannot use {} for temporary files ({}); using {}",
                    mine,
                    e.getMessage(),
                    System.getProperty("java.io.tmpdir"));
        }
        return dir();
    }

    /** This process's folder for temporary files. */
    public static Path dir() {
        Path d = dir;
        return d != null ? d : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** A new empty temporary file in this process's folder. */
    public static Path create(String prefix, String suffix) throws IOException {
        return Files.createTempFile(dir(), prefix, suffix);
    }

    /** A new empty temporary folder in this process's folder. */
    public static Path createFolder(String prefix) throws IOException {
        return Files.createTempDirectory(dir(), prefix);
    }

    /** Deletes the folders under {@code root} named for processes no longer running; returns them. */
    static List<Path> removeLeftovers(Path root) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return removed;
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
            for (Path folder : folders) {
                long pid;
                try {
                    pid = Long.parseLong(folder.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                if (pid != ProcessHandle.current().pid()
                        && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                if (pid != ProcessHandle.current().pid() || dir == null) {
                    deleteTree(folder);
                    removed.add(folder);
                }
            }
        }
        return removed;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not remove temporary files under {}: {}", root, e.getMessage());
        }
    }
}
