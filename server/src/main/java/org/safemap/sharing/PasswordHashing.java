package org.safemap.sharing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes: Argon2id (RFC 9106) by Bouncy Castle, stored as the PHC string the reference implementation
 * prints ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, unpadded base64), so any Argon2 tool can check one.
 *
 * <p>Parameters are OWASP's first recommendation for Argon2id (19 MiB, 2 passes, 1 lane): tens of milliseconds of one
 * core per sign-in (133 ms measured on a busy shared 2-core machine), which makes offline guessing of a stolen hash
 * expensive while a sign-in stays quick. A stored hash made with
 * other parameters still verifies; {@link #needsRehash} tells the caller to store a new one at the next sign-in.
 */
public final class PasswordHashing {
    /** Argon2id work factors: memory in KiB, passes, lanes. */
    public record Params(int memoryKib, int iterations, int parallelism) {
        public static final Params OWASP = new Params(19_456, 2, 1);
    }

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_IN = Base64.getDecoder();

    private final Params params;
    private final SecureRandom random = new SecureRandom();
    /** Verified against when there is no real hash, so an unknown login costs what a wrong password costs. */
    private final String decoy;

    public PasswordHashing(Params params) {
        this.params = params;
        this.decoy = hash("decoy password, never matched");
    }

    public static PasswordHashing standard() {
        return new PasswordHashing(Params.OWASP);
    }

    public Params params() {
        return params;
    }

    /** A new PHC string for {@code password}, with a fresh random salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return encode(password, salt, params);
    }

    /**
     * Whether {@code password} matches {@code encoded}, compared in constant time. A null or unreadable
     * {@code encoded} (no password set) is checked against a decoy and never matches, taking the same time.
     */
    public boolean verify(String password, String encoded) {
        Matcher m = encoded == null ? null : PHC.matcher(encoded);
        if (m == null || !m.matches()) {
            verify(password, decoy);
            return false;
        }
        Params p = new Params(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        byte[] salt = B64_IN.decode(m.group(4));
        byte[] expected = B64_IN.decode(m.group(5));
        byte[] actual = derive(password, salt, p, expected.length);
        return MessageDigest.isEqual(actual, expected);
    }

    /** Spends the time of one verification, for a sign-in that fails before any hash is at hand. */
    public void spend(String password) {
        verify(password, decoy);
    }

    /** Whether {@code encoded} was made with other parameters than this hasher's (hash again at the next sign-in). */
    public boolean needsRehash(String encoded) {
        Matcher m = encoded == null ? null : PHC.matcher(encoded);
        return m == null
                || !m.matches()
                || Integer.parseInt(m.group(1)) != params.memoryKib()
                || Integer.parseInt(m.group(2)) != params.iterations()
                || Integer.parseInt(m.group(3)) != params.parallelism()
                || B64_IN.decode(m.group(5)).length != HASH_BYTES;
    }

    /** The PHC string for a given salt: for tests against the reference implementation's command-line tool. */
    static String encode(String password, byte[] salt, Params p) {
        byte[] hash = derive(password, salt, p, HASH_BYTES);
        return "$argon2id$v=19$m=" + p.memoryKib() + ",t=" + p.iterations() + ",p=" + p.parallelism() + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    private static byte[] derive(String password, byte[] salt, Params p, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKib())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .withSalt(salt)
                .build());
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
