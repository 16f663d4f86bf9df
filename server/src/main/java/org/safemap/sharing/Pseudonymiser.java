package org.safemap.sharing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hashes for linkage identifiers (a partner's case reference): HMAC-SHA-256 under the server's pseudonym key.
 * The same reference always gives the same pseudonym, so repeat records still link, but without the key nobody can
 * go back from pseudonym to reference, nor test a guessed reference against it. Values are trimmed first, so a
 * stray space does not break a link.
 */
public final class Pseudonymiser {
    /** Marks a stored value as a pseudonym, so nobody mistakes it for the partner's own reference. */
    public static final String PREFIX = "hmac:";

    private static final int SHOWN_BYTES = 16;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public Pseudonymiser(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The pseudonym of {@code value}; empty stays empty (there is nothing to link). */
    public String pseudonym(String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            return "";
        }
        byte[] mac = macs.get().doFinal(v.getBytes(StandardCharsets.UTF_8));
        // 128 bits: collisions are out of reach at any partnership's volume, and the value stays readable.
        return PREFIX + HexFormat.of().formatHex(mac, 0, SHOWN_BYTES);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "Pseudonymiser[key hidden]";
    }
}
