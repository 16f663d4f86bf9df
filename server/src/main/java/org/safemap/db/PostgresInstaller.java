package org.safemap.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * Makes sure a PostgreSQL server with PostGIS is installed for the private cluster.
 * On Debian or Ubuntu as root it installs the packages with apt-get; otherwise it names the exact
 * command and stops, because installing system packages is the operator's decision.
 */
final class PostgresInstaller {
    private static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive");

    private final Consumer<String> out;

    PostgresInstaller(Consumer<String> out) {
        this.out = out;
    }

    /**
     * An installation with PostGIS; of {@code requiredMajor} when the cluster already exists (its data
     * files fix the version), else the newest one present or installable.
     */
    PostgresInstallation ensure(Optional<Integer> requiredMajor) {
        Optional<PostgresInstallation> ready = pick(requiredMajor, true);
        if (ready.isPresent()) {
            return ready.get();
        }
        Optional<PostgresInstallation> server = pick(requiredMajor, false);
        List<String> packages = new ArrayList<>();
        if (server.isEmpty()) {
            if (requiredMajor.isPresent()) {
                packages.add("postgresql-" + requiredMajor.get());
            } else {
                packages.add("postgresql");
            }
        }
        Optional<Integer> major = server.map(PostgresInstallation::majorVersion).or(() -> requiredMajor);
        if (!canUseApt()) {
            throw new SafemapException(
                    ErrorCode.POSTGIS_MISSING,
                    "PostgreSQL with PostGIS is not installed; install it with: "
                            + suggestedCommand(packages, major)
                            + " (or set SAFEMAP_DB_URL to an existing PostGIS database)");
        }
        if (!Commands.runningAsRoot()) {
            throw new SafemapException(
                    ErrorCode.POSTGIS_MISSING,
                    "PostgreSQL with PostGIS is not installed; install it with: sudo "
                            + suggestedCommand(packages, major)
                            + " and run this again (or set SAFEMAP_DB_URL to an existing PostGIS database)");
        }
        aptUpdate();
        if (major.isEmpty()) {
            aptInstall(packages);
            server = pick(Optional.empty(), false);
            if (server.isEmpty()) {
                throw new SafemapException(
                        ErrorCode.POSTGIS_MISSING,
                        "apt-get installed postgresql but no server programs "
                                + "were found under /usr/lib/postgresql; check the apt-get output above");
            }
            major = Optional.of(server.get().majorVersion());
            packages.clear();
        }
        int version = major.get();
        packages.add(postgisPackage(version));
        aptInstall(packages);
        return pick(Optional.of(version), true)
                .orElseThrow(() -> new SafemapException(
                        ErrorCode.POSTGIS_MISSING,
                        "apt-get finished but PostGIS is still missing for PostgreSQL " + version
                                + "; check the apt-get output above"));
    }

    private static Optional<PostgresInstallation> pick(Optional<Integer> major, boolean needPostgis) {
        return PostgresInstallation.findAll().stream()
                .filter(i -> major.isEmpty() || i.majorVersion() == major.get())
                .filter(i -> !needPostgis || i.hasPostgis())
                .findFirst();
    }

    private void aptUpdate() {
        out.accept("Updating the apt package lists (apt-get update) ...");
        int code = Commands.runVisible(List.of("apt-get", "update", "-q"), APT_ENV);
        if (code != 0) {
            throw new SafemapException(
                    ErrorCode.INSTALL_FAILED,
                    "apt-get update failed with exit code " + code
                            + "; check the network and the apt sources, then run this again");
        }
    }

    private void aptInstall(List<String> packages) {
        List<String> command = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        command.addAll(packages);
        out.accept("Installing " + String.join(", ", packages) + " (" + String.join(" ", command) + ") ...");
        int code = Commands.runVisible(command, APT_ENV);
        if (code != 0) {
            throw new SafemapException(
                    ErrorCode.INSTALL_FAILED,
                    "'" + String.join(" ", command) + "' failed with exit code " + code + "; see its output above");
        }
    }

    private static boolean canUseApt() {
        if (!Commands.onPath("apt-get")) {
            return false;
        }
        try {
            String release = Files.readString(Path.of("/etc/os-release")).toLowerCase();
            return release.contains("debian") || release.contains("ubuntu");
        } catch (IOException e) {
            return false;
        }
    }

    static String postgisPackage(int major) {
        return "postgresql-" + major + "-postgis-3";
    }

    /** The exact install command; guesses the server version apt would install when none is present. */
    private static String suggestedCommand(List<String> packages, Optional<Integer> major) {
        List<String> all = new ArrayList<>(packages);
        Optional<Integer> version = major.or(PostgresInstaller::aptDefaultMajor);
        all.add(version.map(PostgresInstaller::postgisPackage).orElse("postgresql-<version>-postgis-3"));
        if (!Commands.onPath("apt-get")) {
            return "your package manager: PostgreSQL 13 or newer and PostGIS 3.1 or newer, e.g. "
                    + String.join(" ", all);
        }
        return "apt-get install -y " + String.join(" ", all);
    }

    /** The server version the 'postgresql' meta-package depends on, e.g. 15 on Debian 12. */
    private static Optional<Integer> aptDefaultMajor() {
        if (!Commands.onPath("apt-cache")) {
            return Optional.empty();
        }
        Commands.Result result = Commands.run(List.of("apt-cache", "depends", "postgresql"), null, Map.of());
        Matcher m = Pattern.compile("Depends: postgresql-(\\d+)\\b").matcher(result.output());
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }
}
