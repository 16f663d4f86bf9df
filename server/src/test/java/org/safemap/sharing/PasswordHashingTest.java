package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PasswordHashingTest {
    private static final PasswordHashing HASHING = PasswordHashing.standard();

    @Test
    void matchesTheArgon2ReferenceImplementationByteForByte() throws Exception {
        // Debian's argon2 is the reference implementation's CLI (./safemap test installs it); the salt is its argument
        String salt = "somesaltsomesalt";
        String password = "correct horse battery staple";
        String reference = argon2Cli(password, salt, 19_456, 2, 1);
        assertThat(reference).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(PasswordHashing.encode(
                        password, salt.getBytes(StandardCharsets.US_ASCII), PasswordHashing.Params.OWASP))
                .isEqualTo(reference);
        // and a hash the reference tool made verifies here
        assertThat(HASHING.verify(password, reference)).isTrue();
        assertThat(HASHING.verify(password + "!", reference)).isFalse();
    }

    @Test
    void hashesAreSaltedAndVerifyOnlyTheirPassword() {
        String a = HASHING.hash("a long enough passphrase");
        String b = HASHING.hash("a long enough passphrase");
        assertThat(a)
                .isNotEqualTo(b)
                .startsWith("$argon2id$v=19$m=19456,t=2,p=1$")
                .doesNotContain("passphrase");
        assertThat(HASHING.verify("a long enough passphrase", a)).isTrue();
        assertThat(HASHING.verify("a long enough passphrasE", a)).isFalse();
        assertThat(HASHING.verify("a long enough passphrase", null)).isFalse();
        assertThat(HASHING.verify("a long enough passphrase", "a long enough passphrase"))
                .isFalse();
    }

    @Test
    void aHashWithOtherParametersVerifiesButAsksToBeRedone() {
        PasswordHashing weaker = new PasswordHashing(new PasswordHashing.Params(8_192, 1, 1));
        String old = weaker.hash("an older password hash");
        assertThat(HASHING.verify("an older password hash", old)).isTrue();
        assertThat(HASHING.needsRehash(old)).isTrue();
        assertThat(HASHING.needsRehash(HASHING.hash("a current password hash"))).isFalse();
    }

    @Test
    void aMissingHashCostsAboutWhatAWrongPasswordCosts() {
        String real = HASHING.hash("some password here");
        for (int i = 0; i < 3; i++) { // warm up
            HASHING.verify("wrong password", real);
            HASHING.verify("wrong password", null);
        }
        long wrong = 0;
        long missing = 0;
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            HASHING.verify("wrong password", real);
            long t1 = System.nanoTime();
            HASHING.verify("wrong password", null);
            long t2 = System.nanoTime();
            wrong += t1 - t0;
            missing += t2 - t1;
        }
        // both run one Argon2 of the same parameters; a shortcut would be 1000 times faster
        assertThat((double) missing / wrong).isBetween(0.5, 2.0);
    }

    private static String argon2Cli(String password, String salt, int memoryKib, int passes, int lanes)
            throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(
                            "argon2",
                            salt,
                            "-id",
                            "-t",
                            String.valueOf(passes),
                            "-k",
                            String.valueOf(memoryKib),
                            "-p",
                            String.valueOf(lanes),
                            "-l",
                            "32",
                            "-e")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError(
                    "argon2 cannot be started (" + e.getMessage() + "); it comes from Debian's "
                            + "argon2 package, which ./safemap test installs",
                    e);
        }
        p.getOutputStream().write(password.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
