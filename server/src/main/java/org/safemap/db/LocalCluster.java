package org.safemap.db;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.config.DatabaseTarget;

/**
 * The private PostgreSQL + PostGIS cluster SafeMap runs when no SAFEMAP_DB_URL is given.
 *
 * <p>It lives in one folder (by default ./var/postgis), listens on 127.0.0.1 only (no Unix socket), and
 * its superuser {@code safemap} logs in with a generated password kept beside it in a mode-600 file.
 * PostgreSQL refuses to run as root, so when SafeMap runs as root the server runs as the {@code postgres}
 * system user that Debian's packages create. If that user cannot reach the folder (a checkout under /root),
 * the cluster's files go to /var/lib/safemap/clusters/&lt;id&gt;/postgis and the folder becomes a link to them.
 * Every operation is idempotent.
 */
public final class LocalCluster {
    public static final String SUPERUSER = "safemap";
    public static final String DATABASE = "safemap";
    private static final String SERVICE_USER = "postgres";
    private static final int START_TIMEOUT_SECONDS = 120;
    /** Where a root-run cluster lives when the postgres user cannot reach SafeMap's own folder. */
    static final Path RELOCATED_ROOT = Path.of("/var/lib/safemap/clusters");

    /** What the cluster is doing now. */
    public enum State {
        NOT_CREATED,
        STOPPED,
        RUNNING
    }

    /**
     * @param state        see {@link State}
     * @param majorVersion PostgreSQL major version of the data files, if created
     * @param pid          server process id, if running
     */
    public record Status(State state, Optional<Integer> majorVersion, Optional<Long> pid) {}

    private final Path dataDir;
    private final Path passwordFile;
    private final int port;
    private final Consumer<String> out;

    public LocalCluster(Path dataDir, Path passwordFile, int port, Consumer<String> out) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.passwordFile = passwordFile.toAbsolutePath().normalize();
        this.port = port;
        this.out = out;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return port;
    }

    /** Connection details for a database in this cluster; the password is read from its file. */
    public DatabaseTarget target(String database) {
        return new DatabaseTarget(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + database,
                SUPERUSER,
                readPassword().orElse(null),
                "127.0.0.1:" + port + "/" + database,
                "local cluster in " + dataDir);
    }

    /**
     * Whether the server's pid file names a live process: the cheap sign that the cluster is running (no subprocess,
     * no connection; {@link #status} asks pg_ctl).
     */
    public boolean pidFileAlive() {
        return pidFileProcess().isPresent();
    }

    /** The state, from the data folder and the server's pid file (no server connection needed). */
    public Status status() {
        Optional<Integer> major = dataMajorVersion();
        if (major.isEmpty()) {
            return new Status(State.NOT_CREATED, Optional.empty(), Optional.empty());
        }
        Optional<PostgresInstallation> installation = PostgresInstallation.find(major.get());
        if (installation.isEmpty()) {
            // Without the programs we cannot ask pg_ctl; a live pid file is the best evidence.
            return new Status(pidFileProcess().isPresent() ? State.RUNNING : State.STOPPED, major, pidFileProcess());
        }
        Commands.Result result = asServiceUser(List.of(
                installation.get().program("pg_ctl").toString(),
                "status",
                "-D",
                serverDir().toString()));
        if (result.exitCode() == 0) {
            return new Status(State.RUNNING, major, pidFileProcess());
        }
        return new Status(State.STOPPED, major, Optional.empty());
    }

    /**
     * Installs PostgreSQL and PostGIS if needed, creates the cluster if needed, starts it if stopped and makes
     * sure the {@code safemap} database has PostGIS. Returns whether anything changed.
     */
    public boolean up() {
        Status before = status();
        if (before.state() == State.RUNNING) {
            ensureDatabase();
            return false;
        }
        PostgresInstallation installation = new PostgresInstaller(out).ensure(before.majorVersion());
        if (before.state() == State.NOT_CREATED) {
            create(installation);
        }
        start(installation);
        ensureDatabase();
        return true;
    }

    /** Stops the server (fast shutdown: sessions are ended, nothing is lost). Returns whether it was running. */
    public boolean down() {
        Status before = status();
        if (before.state() != State.RUNNING) {
            return false;
        }
        PostgresInstallation installation = PostgresInstallation.find(
                        before.majorVersion().orElseThrow())
                .orElseThrow(() -> new SafemapException(
                        ErrorCode.POSTGIS_MISSING,
                        "the cluster in " + dataDir + " is running but PostgreSQL "
                                + before.majorVersion().get() + "'s programs are gone"));
        Commands.Result result = asServiceUser(List.of(
                installation.program("pg_ctl").toString(),
                "stop",
                "-D",
                serverDir().toString(),
                "-m",
                "fast",
                "-w",
                "-t",
                "60"));
        if (!result.ok()) {
            throw new SafemapException(
                    ErrorCode.CLUSTER_FAILED, "pg_ctl stop failed: " + Commands.tail(result.output(), 3));
        }
        return true;
    }

    private void create(PostgresInstallation installation) {
        out.accept(
                "Creating the private PostgreSQL " + installation.majorVersion() + " cluster in " + dataDir + " ...");
        boolean root = Commands.runningAsRoot();
        try {
            Path serverDir = root ? placeForServiceUser() : dataDir;
            Files.createDirectories(serverDir);
            String password = newPassword();
            writePrivate(passwordFile, password);
            // initdb reads the password from a file the server's user can read; it is deleted straight after.
            Path pwfile = serverDir
                    .getParent()
                    .resolve(".initdb-password-" + ProcessHandle.current().pid());
            writePrivate(pwfile, password);
            try {
                if (root) {
                    chown(List.of(serverDir, pwfile));
                }
                Files.setPosixFilePermissions(serverDir, PosixFilePermissions.fromString("rwx------"));
                Commands.Result result = asServiceUser(List.of(
                        installation.program("initdb").toString(),
                        "-D",
                        serverDir.toString(),
                        "-U",
                        SUPERUSER,
                        "--pwfile=" + pwfile,
                        "--auth=scram-sha-256",
                        "-E",
                        "UTF8",
                        "--no-locale"));
                if (!result.ok()) {
                    throw new SafemapException(
                            ErrorCode.CLUSTER_FAILED, "initdb failed: " + Commands.tail(result.output(), 4));
                }
            } finally {
                Files.deleteIfExists(pwfile);
            }
            appendSettings(serverDir);
        } catch (IOException e) {
            throw new SafemapException(ErrorCode.CLUSTER_FAILED, "cannot create " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The folder the cluster's files go in when the server runs as the postgres user: the configured one if
     * that user can walk down to it, otherwise a folder under /var/lib/safemap/clusters linked from it.
     */
    private Path placeForServiceUser() throws IOException {
        Optional<Path> blocked = firstBlocking(dataDir.getParent());
        if (blocked.isEmpty()) {
            return dataDir;
        }
        String id = Integer.toHexString(dataDir.toString().hashCode() & 0x7fffffff);
        Path relocated = RELOCATED_ROOT.resolve(id).resolve("postgis");
        if (firstBlocking(RELOCATED_ROOT).isPresent()) {
            throw new SafemapException(
                    ErrorCode.CLUSTER_FAILED,
                    "the private cluster must run as the '" + SERVICE_USER
                            + "' user, who can reach neither " + dataDir.getParent() + " nor " + RELOCATED_ROOT
                            + "; set SAFEMAP_VAR_DIR to a folder it can reach, or set SAFEMAP_DB_URL");
        }
        // A cluster left behind by an earlier var/ that was deleted: its password went with var/, so it is unusable.
        deleteTree(relocated);
        Files.createDirectories(relocated.getParent());
        Files.createDirectories(dataDir.getParent());
        Files.deleteIfExists(dataDir);
        Files.createSymbolicLink(dataDir, relocated);
        out.accept("The '" + SERVICE_USER + "' user cannot enter " + blocked.get() + ", so the cluster's files live in "
                + relocated + " (linked from " + dataDir + ").");
        return relocated;
    }

    /**
     * The cluster's settings, in a file of their own that postgresql.conf includes, rewritten at every start so
     * clusters created by older versions get them too. Sized for an analyst's workstation or a small server.
     * wal_level = minimal: a private single-node cluster has no replicas, and with it a COPY into a table
     * created in the same transaction (every incident load) writes no WAL. Backups use pg_dump (docs/operations.md).
     * max_locks_per_transaction: a query over all of incident locks each batch's partition and its five indexes,
     * and with PostgreSQL's default of 64 a database of about 1,000 batches already runs out of lock space
     * (measured: docs/performance.md, "Many batches"); 1024 holds about 100,000 locks, some 27 MB of shared memory.
     */
    static final String SETTINGS = """
            # Written by SafeMap at every start; local changes belong in postgresql.conf after the include.
            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''
            shared_buffers = 256MB
            work_mem = 32MB
            maintenance_work_mem = 256MB
            max_wal_size = 2GB
            wal_level = minimal
            max_wal_senders = 0
            log_min_duration_statement = 2000
            max_locks_per_transaction = 1024
            """;

    private static final String INCLUDE =
            "\n# Added by SafeMap: its settings for the private cluster.\n" + "include_if_exists = 'safemap.conf'\n";

    private static void appendSettings(Path serverDir) throws IOException {
        // Root may append to the postgres-owned file; the append leaves its owner unchanged.
        Files.writeString(
                serverDir.resolve("postgresql.conf"), INCLUDE, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private void writeSettings(Path serverDir) throws IOException {
        Path file = serverDir.resolve("safemap.conf");
        Files.writeString(file, SETTINGS, StandardCharsets.UTF_8);
        if (Commands.runningAsRoot()) {
            chown(List.of(file));
        }
        String conf = Files.readString(serverDir.resolve("postgresql.conf"), StandardCharsets.UTF_8);
        if (!conf.contains("include_if_exists = 'safemap.conf'")) {
            appendSettings(serverDir); // a cluster from before the settings moved to their own file
        }
    }

    private void start(PostgresInstallation installation) {
        if (portTaken()) {
            throw new SafemapException(
                    ErrorCode.PORT_IN_USE,
                    "port " + port + " on 127.0.0.1 is already used by another "
                            + "program; stop it or choose another port with SAFEMAP_LOCAL_DB_PORT");
        }
        out.accept("Starting PostgreSQL " + installation.majorVersion() + " on 127.0.0.1:" + port + " ...");
        try {
            writeSettings(serverDir());
        } catch (IOException e) {
            throw new SafemapException(
                    ErrorCode.CLUSTER_FAILED, "cannot write the cluster's settings: " + e.getMessage(), e);
        }
        Path serverDir = serverDir();
        Commands.Result result = asServiceUser(List.of(
                installation.program("pg_ctl").toString(),
                "start",
                "-D",
                serverDir.toString(),
                "-l",
                serverDir.resolve("server.log").toString(),
                "-o",
                "-p " + port,
                "-w",
                "-t",
                String.valueOf(START_TIMEOUT_SECONDS)));
        if (!result.ok()) {
            throw new SafemapException(
                    ErrorCode.CLUSTER_FAILED,
                    "PostgreSQL did not start: " + Commands.tail(result.output(), 3) + "; see "
                            + serverDir.resolve("server.log"));
        }
    }

    /** Creates the safemap database and the PostGIS extension in it, if missing. */
    private void ensureDatabase() {
        DatabaseTarget admin = target("postgres");
        if (admin.password() == null) {
            throw new SafemapException(
                    ErrorCode.CLUSTER_FAILED,
                    "the private cluster's password file " + passwordFile
                            + " is missing or unreadable; restore it or remove " + dataDir + " to start afresh");
        }
        try (Connection c = Database.connect(admin);
                Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new DatabaseUnavailableException(
                    "cannot prepare the database in the private cluster: " + e.getMessage(), e);
        }
        try (Connection c = Database.connect(target(DATABASE));
                Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS postgis");
        } catch (SQLException e) {
            throw new DatabaseUnavailableException(
                    "cannot create PostGIS in the private cluster: " + e.getMessage(), e);
        }
    }

    private boolean portTaken() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Major version from PG_VERSION, present once initdb has run. */
    private Optional<Integer> dataMajorVersion() {
        Path file = dataDir.resolve("PG_VERSION");
        try {
            if (Files.isRegularFile(file)) {
                return Optional.of(Integer.parseInt(Files.readString(file).strip()));
            }
        } catch (IOException | NumberFormatException ignored) {
            // unreadable or odd: report as not created below
        } catch (SecurityException ignored) {
            // as a non-owner we may not see inside; pg_ctl will say more
        }
        return Optional.empty();
    }

    /** The postmaster's pid, when its pid file names a live process. */
    private Optional<Long> pidFileProcess() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            long pid = Long.parseLong(lines.get(0).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<String> readPassword() {
        try {
            return Optional.of(Files.readString(passwordFile).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Commands.Result asServiceUser(List<String> command) {
        List<String> full = new ArrayList<>();
        if (Commands.runningAsRoot()) {
            if (!Commands.onPath("runuser")) {
                throw new SafemapException(
                        ErrorCode.CLUSTER_FAILED,
                        "PostgreSQL cannot run as root and 'runuser' is missing; "
                                + "run ./safemap as an ordinary user instead");
            }
            full.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
        }
        full.addAll(command);
        return Commands.run(full, serverDir().getParent(), Map.of("LC_ALL", "C"));
    }

    private static void chown(List<Path> paths) {
        List<String> command = new ArrayList<>(List.of("chown", SERVICE_USER + ":" + SERVICE_USER));
        paths.forEach(p -> command.add(p.toString()));
        Commands.Result result = Commands.run(command, null, Map.of());
        if (!result.ok()) {
            throw new SafemapException(
                    ErrorCode.CLUSTER_FAILED,
                    "PostgreSQL cannot run as root and there is no usable '" + SERVICE_USER + "' user ("
                            + Commands.tail(result.output(), 1) + "); run ./safemap as an ordinary user");
        }
    }

    /** The first folder on the way down to {@code dir} that other users may not enter (/root usually), if any. */
    private static Optional<Path> firstBlocking(Path dir) {
        List<Path> chain = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            chain.add(0, p);
        }
        for (Path p : chain) {
            try {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return Optional.of(p);
                }
            } catch (IOException | UnsupportedOperationException ignored) {
                // cannot tell: let initdb report
            }
        }
        return Optional.empty();
    }

    /** The folder the server actually uses: the configured one, or where its link points. */
    private Path serverDir() {
        try {
            return Files.isSymbolicLink(dataDir) ? dataDir.toRealPath() : dataDir;
        } catch (IOException e) {
            return dataDir;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(
                        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        Files.writeString(file, content + "\n", StandardCharsets.UTF_8);
    }
}
