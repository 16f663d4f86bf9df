package org.safemap.sharing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * High-entropy secrets (API tokens, session ids, CSRF tokens) and the digest they are stored under.
 *
 * <p>Each secret is 32 bytes from {@link SecureRandom} (256 bits). SHA-256, a fast hash, is the right way to store
 * them: slow, salted hashing exists to make guessing a <em>low-entropy</em> password expensive, and no amount of
 * guessing finds a 256-bit random value, so a stolen table of digests gives nothing usable. A fast, unsalted digest
 * also lets a request's credential be found by an indexed equality lookup, with no per-request Argon2 cost.
 */
public final class SecretTokens {
    /** What every API token starts with, so scanners and people can recognise one (and never mistake a password). */
    public static final String TOKEN_PREFIX = "smp_";

    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private SecretTokens() {}

    /** 32 random bytes as 43 characters of unpadded base64url: safe in cookies and headers. */
    public static String random() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return B64URL.encodeToString(bytes);
    }

    /** A new API token: {@code smp_} and 43 random characters. */
    public static String apiToken() {
        return TOKEN_PREFIX + random();
    }

    /** Whether {@code text} has the shape of an API token (says nothing about whether it is valid). */
    public static boolean looksLikeApiToken(String text) {
        return text != null
                && text.length() == TOKEN_PREFIX.length() + 43
                && text.startsWith(TOKEN_PREFIX)
                && text.substring(TOKEN_PREFIX.length()).matches("[A-Za-z0-9_-]{43}");
    }

    /** The digest a secret is stored and looked up under. */
    public static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Constant-time equality of two secrets as presented (e.g. the CSRF token a page echoes). */
    public static boolean same(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
