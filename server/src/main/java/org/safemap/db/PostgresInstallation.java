package org.safemap.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One installed PostgreSQL server version: where its programs are and whether PostGIS is installed for it.
 * Found in Debian's layout (/usr/lib/postgresql/NN/bin, /usr/share/postgresql/NN) or through pg_config.
 *
 * @param majorVersion e.g. 15
 * @param binDir       folder holding initdb, pg_ctl and postgres
 * @param shareDir     folder holding extension/*.control
 */
public record PostgresInstallation(int majorVersion, Path binDir, Path shareDir) {

    private static final Path DEBIAN_LIB = Path.of("/usr/lib/postgresql");
    private static final Path DEBIAN_SHARE = Path.of("/usr/share/postgresql");

    /** Whether the PostGIS extension can be created on this server version. */
    public boolean hasPostgis() {
        return Files.isRegularFile(shareDir.resolve("extension/postgis.control"));
    }

    public Path program(String name) {
        return binDir.resolve(name);
    }

    /** Every server installation found, newest first. */
    public static List<PostgresInstallation> findAll() {
        List<PostgresInstallation> found = new ArrayList<>();
        if (Files.isDirectory(DEBIAN_LIB)) {
            try (Stream<Path> versions = Files.list(DEBIAN_LIB)) {
                versions.forEach(dir -> {
                    String name = dir.getFileName().toString();
                    if (name.matches("\\d+") && Files.isExecutable(dir.resolve("bin/initdb"))) {
                        found.add(new PostgresInstallation(
                                Integer.parseInt(name), dir.resolve("bin"), DEBIAN_SHARE.resolve(name)));
                    }
                });
            } catch (IOException ignored) {
                // unreadable: treat as absent
            }
        }
        if (found.isEmpty()) {
            fromPgConfig().ifPresent(found::add);
        }
        found.sort(Comparator.comparingInt(PostgresInstallation::majorVersion).reversed());
        return found;
    }

    /** The installation for one major version, if present. */
    public static Optional<PostgresInstallation> find(int majorVersion) {
        return findAll().stream().filter(i -> i.majorVersion == majorVersion).findFirst();
    }

    /** pg_config on the PATH describes a non-Debian installation (a source build, Homebrew, RPMs). */
    private static Optional<PostgresInstallation> fromPgConfig() {
        if (!Commands.onPath("pg_config")) {
            return Optional.empty();
        }
        Commands.Result bin = Commands.run(List.of("pg_config", "--bindir"), null, Map.of());
        Commands.Result share = Commands.run(List.of("pg_config", "--sharedir"), null, Map.of());
        Commands.Result version = Commands.run(List.of("pg_config", "--version"), null, Map.of());
        if (!bin.ok() || !share.ok() || !version.ok()) {
            return Optional.empty();
        }
        // "PostgreSQL 15.18 (Debian ...)" -> 15
        String[] words = version.output().strip().split("\\s+");
        if (words.length < 2) {
            return Optional.empty();
        }
        try {
            int major = Integer.parseInt(words[1].split("\\.")[0]);
            Path binDir = Path.of(bin.output().strip());
            if (!Files.isExecutable(binDir.resolve("initdb"))) {
                return Optional.empty();
            }
            return Optional.of(new PostgresInstallation(
                    major, binDir, Path.of(share.output().strip())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
