package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiServerTest {
    @Test
    void redactsSecretLookingParametersInLoggedQueries() {
        assertThat(ApiServer.redact("month=2022-07&token=abc123&api_key=zz&feed=police&PASSWORD=x"))
                .isEqualTo("month=2022-07&token=***&api_key=***&feed=police&PASSWORD=***");
    }

    @Test
    void redactingALongQueryIsQuickAndTheLogLineStaysShort() {
        String sldBody = "SLD_BODY=" + "x".repeat(200_000) + "&token=secret";
        long start = System.nanoTime();
        String shown = ApiServer.redact(sldBody);
        // A backtracking pattern took seconds on 20 KB; this is linear.
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        assertThat(shown.length()).isLessThan(2100);
        assertThat(shown).doesNotContain("secret");
    }
}
