package org.safemap.sharing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.config.Settings;

/**
 * The server's secret keys: from configuration when set (SAFEMAP_PSEUDONYM_KEY, SAFEMAP_AUDIT_KEY,
 * SAFEMAP_LINKAGE_KEY), otherwise
 * generated once into {@code var/secrets/} with owner-only permissions, so a fresh install is keyed without anyone
 * choosing a weak key. Key bytes never leave this class except to the MAC that uses them; nothing here logs.
 */
public final class Keys {
    private static final int KEY_BYTES = 32;

    private Keys() {}

    /** Key for pseudonymising linkage identifiers. */
    public static byte[] pseudonym(Settings settings) {
        return resolve(
                settings.trust().pseudonymKey(),
                settings.varDir().resolve("secrets/pseudonym.key"),
                "SAFEMAP_PSEUDONYM_KEY");
    }

    /** Key chaining the audit log. */
    public static byte[] audit(Settings settings) {
        return resolve(
                settings.trust().auditKey(), settings.varDir().resolve("secrets/audit.key"), "SAFEMAP_AUDIT_KEY");
    }

    /** Key sealing quarantined rows of linkage feeds, which only the feed's custodians may read ({@link LinkageSeal}). */
    public static byte[] linkage(Settings settings) {
        return resolve(
                settings.trust().linkageKey(), settings.varDir().resolve("secrets/linkage.key"), "SAFEMAP_LINKAGE_KEY");
    }

    static byte[] resolve(Settings.Secret configured, Path file, String setting) {
        if (!configured.isEmpty()) {
            byte[] key = configured.value().getBytes(StandardCharsets.UTF_8);
            if (key.length < 16) {
                throw new SafemapException(
                        ErrorCode.BAD_CONFIGURATION,
                        setting + " is too short: use at least 16 characters "
                                + "(for example 32 random bytes, base64)");
            }
            return key;
        }
        try {
            if (Files.isRegularFile(file)) {
                return Base64.getDecoder()
                        .decode(Files.readString(file, StandardCharsets.US_ASCII)
                                .strip());
            }
            byte[] key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(
                    tmp,
                    PosixFilePermissions.asFileAttribute(Set.of(
                            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
            Files.writeString(tmp, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException | IllegalArgumentException e) {
            throw new SafemapException(
                    ErrorCode.BAD_CONFIGURATION,
                    "cannot read or create the key file " + file + " (" + setting + " is not set): "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }
}
