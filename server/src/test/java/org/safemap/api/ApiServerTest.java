package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiServerTest {
    @Test
    void redactsSecretLookingParametersInLoggedQueries() {
        assertThat(ApiServer.redact("month=2022-07&token=abc123&api_key=zz&feed=police&PASSWORD=x"))
                .isEqualTo("month=2022-07&token=***&api_key=***&feed=police&PASSWORD=***");
    }
}
