package org.safemap.sharing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/**
 * Seals what a partner sent for that partner's eyes only: a quarantined row of a feed whose protocol pseudonymises
 * linkage identifiers is kept twice, once with keyed hashes in place of the identifiers (what everyone else reads)
 * and once as sent, encrypted here. The custodian needs their own reference to find and correct the row in their
 * system; nobody else needs it, and the database must not give it away.
 *
 * <p>AES-256-GCM (the JDK's, NIST SP 800-38D) under a key kept outside the database ({@link Keys#linkage}), with a
 * fresh random 96-bit nonce per value and the row's place (batch and line) as associated data, so a ciphertext
 * copied onto another row does not open. Someone who can read the database, or a backup of it, sees ciphertext only;
 * someone who also holds the key file is the server's operator, who could read the partner's file anyway. The AES
 * key is derived from the configured key with HMAC-SHA-256, so any configured text of 16 characters or more serves.
 *
 * <p>Thread-safe: a {@link Cipher} is made per call (cheap next to the row it seals).
 */
public final class LinkageSeal {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    public LinkageSeal(byte[] configuredKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(configuredKey.clone(), "HmacSHA256"));
            this.key = new SecretKeySpec(
                    mac.doFinal("safemap quarantine seal v1".getBytes(StandardCharsets.UTF_8)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The associated data binding a sealed quarantined row to its batch and line. */
    public static String quarantinePlace(long batchId, int lineNo) {
        return "quarantine:" + batchId + ":" + lineNo;
    }

    /** {@code text} encrypted for {@code place}: base64 of nonce and ciphertext with its tag. */
    public String seal(String place, String text) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(place.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The text sealed for {@code place}.
     *
     * @throws SafemapException unsealable when the value was changed, moved from another place, or sealed under
     *                          another key (SAFEMAP_LINKAGE_KEY changed, or var/secrets/linkage.key replaced)
     */
    public String open(String place, String sealed) {
        byte[] all;
        try {
            all = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw unsealable(place);
        }
        if (all.length <= NONCE_BYTES) {
            throw unsealable(place);
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(place.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw unsealable(place);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static SafemapException unsealable(String place) {
        return new SafemapException(
                ErrorCode.UNSEALABLE,
                "the sealed copy of " + place + " does not open: it was changed, "
                        + "moved, or sealed under another linkage key (SAFEMAP_LINKAGE_KEY or var/secrets/linkage.key)");
    }

    @Override
    public String toString() {
        return "LinkageSeal[key hidden]";
    }
}
