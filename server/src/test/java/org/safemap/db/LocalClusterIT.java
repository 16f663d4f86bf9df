package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safemap.testing.Http;

/** A second private cluster of its own, in the build folder on a free port, taken through its whole life. */
class LocalClusterIT {
    private final Path dir = Path.of(
            System.getenv("SAFEMAP_HOME"),
            "server",
            "target",
            "it-cluster-" + ProcessHandle.current().pid());
    private final List<String> said = new ArrayList<>();
    private final LocalCluster cluster =
            new LocalCluster(dir.resolve("postgis"), dir.resolve("postgis.password"), Http.freePort(), said::add);

    @AfterEach
    void remove() throws IOException {
        cluster.down();
        Path data = cluster.dataDir();
        if (Files.isSymbolicLink(data)) {
            deleteTree(data.toRealPath().getParent()); // relocated under /var/lib/safemap (checkout under /root)
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void runsFromAFolderThePostgresUserCannotEnterByRelocatingItsFiles() throws Exception {
        // Only root runs the server as another user; for anyone else the folder is always reachable.
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Commands.runningAsRoot(), "relocation only happens when run as root");
        Path locked = dir.resolve("locked");
        Files.createDirectories(locked);
        Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        LocalCluster hidden = new LocalCluster(
                locked.resolve("var/postgis"), locked.resolve("var/postgis.password"), Http.freePort(), said::add);
        Path real = null;
        try {
            assertThat(hidden.up()).isTrue();
            assertThat(Files.isSymbolicLink(locked.resolve("var/postgis"))).isTrue();
            real = locked.resolve("var/postgis").toRealPath();
            assertThat(real).startsWith(LocalCluster.RELOCATED_ROOT);
            assertThat(said)
                    .anyMatch(s -> s.contains("cannot enter ") && s.contains(LocalCluster.RELOCATED_ROOT.toString()));
            assertThat(hidden.status().state()).isEqualTo(LocalCluster.State.RUNNING);
            try (Database db = Database.open(hidden.target(LocalCluster.DATABASE), 1, "")) {
                assertThat(db.postgisVersion()).startsWith("3.");
            }
            assertThat(hidden.up()).isFalse();
        } finally {
            hidden.down();
            if (real != null) {
                deleteTree(real.getParent());
            }
        }
    }

    @Test
    void aCommandOnANewMachineCreatesTheClusterAndSignsInToIt() throws Exception {
        // What ./safemap demo does first on a new machine: no cluster, no password file yet. The connection details
        // must be read after the cluster is made (they once were read before it, with no password: SCRAM refused).
        Path var = dir.resolve("fresh-var");
        org.safemap.config.Settings settings = org.safemap.testing.TestSettings.withOverrides(java.util.Map.of(
                "SAFEMAP_VAR_DIR", var.toString(), "SAFEMAP_LOCAL_DB_PORT", String.valueOf(Http.freePort())));
        LocalCluster fresh = DatabaseSetup.localCluster(settings, said::add);
        assertThat(fresh.status().state()).isEqualTo(LocalCluster.State.NOT_CREATED);
        Path real = null;
        try (Database db = DatabaseSetup.openMigrated(settings, said::add)) {
            real = var.resolve("postgis").toRealPath();
            assertThat(said).anyMatch(s -> s.startsWith("Creating the private PostgreSQL"));
            assertThat(db.schemaVersion()).isNotEqualTo("none");
            assertThat(db.postgisVersion()).startsWith("3.");
        } finally {
            fresh.down();
            if (real != null && !real.startsWith(var)) {
                deleteTree(real.getParent());
            }
        }
    }

    @Test
    void createsStartsIsIdempotentStopsAndRestarts() throws Exception {
        assertThat(cluster.status().state()).isEqualTo(LocalCluster.State.NOT_CREATED);

        assertThat(cluster.up()).isTrue();
        assertThat(said).anyMatch(s -> s.startsWith("Creating the private PostgreSQL"));
        LocalCluster.Status running = cluster.status();
        assertThat(running.state()).isEqualTo(LocalCluster.State.RUNNING);
        assertThat(running.pid()).isPresent();
        assertThat(Files.getPosixFilePermissions(dir.resolve("postgis.password")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        said.clear();
        assertThat(cluster.up()).isFalse();
        assertThat(said).isEmpty();
        assertThat(cluster.status().pid()).isEqualTo(running.pid());

        try (Database db = Database.open(cluster.target(LocalCluster.DATABASE), 2, "")) {
            assertThat(db.postgisVersion()).startsWith("3.");
            assertThat(db.migrate()).isNotEqualTo("none");
        }

        assertThat(cluster.down()).isTrue();
        assertThat(cluster.status().state()).isEqualTo(LocalCluster.State.STOPPED);
        assertThat(cluster.down()).isFalse();

        // Restarting keeps the data: the schema applied before is still there.
        assertThat(cluster.up()).isTrue();
        assertThat(said).noneMatch(s -> s.startsWith("Creating"));
        try (Database db = Database.open(cluster.target(LocalCluster.DATABASE), 2, "")) {
            assertThat(db.schemaVersion()).isNotEqualTo("none");
        }
    }

    @Test
    void listensOnLoopbackOnlyAndRefusesAWrongPassword() throws Exception {
        cluster.up();
        var wrong = new org.safemap.config.DatabaseTarget(
                "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/safemap",
                LocalCluster.SUPERUSER,
                "not-the-password",
                "127.0.0.1:" + cluster.port() + "/safemap",
                "test");
        try {
            Database.open(wrong, 1, "").close();
            throw new AssertionError("a wrong password was accepted");
        } catch (DatabaseUnavailableException e) {
            assertThat(e.getMessage()).contains("login refused for user 'safemap'");
        }
        try (Database db = Database.open(cluster.target("postgres"), 1, "");
                var c = db.dataSource().getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery("SHOW listen_addresses")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
        }
    }
}
