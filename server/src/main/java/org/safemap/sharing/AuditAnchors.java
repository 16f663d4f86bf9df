package org.safemap.sharing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit anchors kept outside the database: the chain head (entry number and hash) written down now and then where
 * someone who can change the database cannot reach. Without them, a database owner can delete the newest entries and
 * move the head row back, leaving a chain that checks out; with them, {@link AuditVerifier} finds an anchored entry
 * gone or changed.
 *
 * <p>One append-only text file per database ({@code <SAFEMAP_AUDIT_ANCHOR_DIR>/<database>.anchors}, so a test or
 * restored copy under another name never meets another chain's anchors), one line per anchor:
 * {@code 2024-05-01T02:00:00Z 1234:9f86...}; lines starting with {@code #} are notes (a failed check is written as
 * one). The folder is made owner-only; each line is forced to disk before the anchor counts as written. When
 * SAFEMAP_AUDIT_ANCHOR_COMMAND is set, every line is also given to that command on its standard input (for example
 * {@code logger -t safemap-audit}, or {@code ssh archive 'cat >> anchors'}), so a copy lives on another machine.
 */
public final class AuditAnchors {
    private static final Logger LOG = LoggerFactory.getLogger(AuditAnchors.class);
    private static final int COMMAND_TIMEOUT_S = 30;

    private final Path file;
    private final String command;

    /**
     * @param dir      the folder the settings name
     * @param database the database's name: one file per chain
     * @param command  run with each line on standard input; empty or null for none
     */
    public AuditAnchors(Path dir, String database, String command) {
        this.file = dir.resolve(database.replaceAll("[^A-Za-z0-9._-]", "_") + ".anchors");
        this.command = command == null ? "" : command.strip();
    }

    /** The anchors of the database behind {@code dataSource}, where the settings keep them. */
    public static AuditAnchors of(Settings settings, DataSource dataSource) {
        return new AuditAnchors(
                settings.trust().auditAnchorDir(),
                databaseName(dataSource),
                settings.trust().auditAnchorCommand());
    }

    public Path file() {
        return file;
    }

    /** Every anchor written so far, oldest first (none when the file does not exist yet). */
    public List<AuditVerifier.Anchor> read() {
        List<AuditVerifier.Anchor> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SafemapException(
                    ErrorCode.AUDIT_FAILED, "cannot read the audit anchors in " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String last = line.substring(line.lastIndexOf(' ') + 1);
            try {
                out.add(AuditVerifier.Anchor.parse(last));
            } catch (SafemapException e) {
                throw new SafemapException(
                        ErrorCode.AUDIT_FAILED,
                        file + " line " + (i + 1) + " is not an anchor (TIME "
                                + "SEQ:HASH): '" + (line.length() > 80 ? line.substring(0, 80) + "..." : line)
                                + "'; the file was changed outside SafeMap");
            }
        }
        return out;
    }

    /** Appends an anchor for entry {@code seq} with {@code hash}, taken at {@code at}; returns the line written. */
    public String append(Instant at, long seq, String hash) {
        String line = at.truncatedTo(ChronoUnit.SECONDS) + " " + seq + ":" + hash;
        write(line);
        return line;
    }

    /** Appends a note (a failed check), which {@link #read} skips. */
    public void note(Instant at, String text) {
        write("# " + at.truncatedTo(ChronoUnit.SECONDS) + " " + text.replace('\n', ' '));
    }

    private void write(String line) {
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(
                        dir,
                        PosixFilePermissions.asFileAttribute(Set.of(
                                PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE,
                                PosixFilePermission.OWNER_EXECUTE)));
            }
            if (!Files.exists(file)) {
                Files.createFile(
                        file,
                        PosixFilePermissions.asFileAttribute(
                                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
        } catch (IOException e) {
            throw new SafemapException(
                    ErrorCode.AUDIT_FAILED,
                    "cannot append to the audit anchors in " + file + ": " + e.getMessage()
                            + " (SAFEMAP_AUDIT_ANCHOR_DIR)",
                    e);
        }
        runCommand(line);
    }

    /** Hands the line to the configured command; a failure is logged, as the file already holds the line. */
    private void runCommand(String line) {
        if (command.isEmpty()) {
            return;
        }
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (OutputStream in = p.getOutputStream()) {
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.error(
                        "SAFEMAP_AUDIT_ANCHOR_COMMAND did not finish within {} s; the anchor is in {} only",
                        COMMAND_TIMEOUT_S,
                        file);
            } else if (p.exitValue() != 0) {
                LOG.error("SAFEMAP_AUDIT_ANCHOR_COMMAND exited with {}; the anchor is in {} only", p.exitValue(), file);
            }
        } catch (IOException e) {
            LOG.error("cannot run SAFEMAP_AUDIT_ANCHOR_COMMAND ({}); the anchor is in {} only", e.getMessage(), file);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The name of the database behind {@code dataSource}. */
    public static String databaseName(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new SafemapException(
                    ErrorCode.AUDIT_FAILED, "cannot name the database for its audit anchors: " + e.getMessage(), e);
        }
    }
}
