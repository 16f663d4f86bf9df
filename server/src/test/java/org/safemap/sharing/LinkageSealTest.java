package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.safemap.SafemapException;

/** Quarantined rows sealed for their custodians: what opens, what does not, and that the format is what it says. */
class LinkageSealTest {
    private static final byte[] KEY = "linkage-seal-test-key-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final String ROW = "AMB-REF-77,2022-03-05 23:45,4,04D01,,,,,,N";

    @Test
    void aSealedRowOpensAtItsOwnPlaceAndNowhereElse() {
        LinkageSeal seal = new LinkageSeal(KEY);
        String place = LinkageSeal.quarantinePlace(31, 2);
        String sealed = seal.seal(place, ROW);
        assertThat(sealed).doesNotContain("AMB");
        assertThat(seal.open(place, sealed)).isEqualTo(ROW);
        assertThat(seal.seal(place, ROW)).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThatThrownBy(() -> seal.open(LinkageSeal.quarantinePlace(31, 3), sealed))
                .isInstanceOf(SafemapException.class)
                .hasMessageContaining("does not open");
        assertThatThrownBy(() -> new LinkageSeal("another-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8))
                        .open(place, sealed))
                .isInstanceOf(SafemapException.class);
        byte[] flipped = Base64.getDecoder().decode(sealed);
        flipped[flipped.length - 20] ^= 1;
        assertThatThrownBy(() -> seal.open(place, Base64.getEncoder().encodeToString(flipped)))
                .isInstanceOf(SafemapException.class);
        assertThatThrownBy(() -> seal.open(place, "not base64 !")).isInstanceOf(SafemapException.class);
        assertThatThrownBy(() -> seal.open(place, "AAAA")).isInstanceOf(SafemapException.class);
    }

    @Test
    void theFormatIsAesGcmUnderAnHmacDerivedKeyWithThePlaceAsAssociatedData() throws Exception {
        String place = LinkageSeal.quarantinePlace(7, 12);
        String sealed = new LinkageSeal(KEY).seal(place, ROW);
        // Opened here with the JDK directly, from the documented derivation, not through LinkageSeal.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] aes = mac.doFinal("safemap quarantine seal v1".getBytes(StandardCharsets.UTF_8));
        byte[] all = Base64.getDecoder().decode(sealed);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aes, "AES"), new GCMParameterSpec(128, all, 0, 12));
        c.updateAAD("quarantine:7:12".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(c.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8))
                .isEqualTo(ROW);
        assertThat(new LinkageSeal(KEY).toString()).doesNotContain(new String(KEY, StandardCharsets.UTF_8));
    }
}
