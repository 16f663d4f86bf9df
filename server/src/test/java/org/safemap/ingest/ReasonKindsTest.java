package org.safemap.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReasonKindsTest {
    @Test
    void valuesAndCandidatesAreLeftOutSoLikeReasonsCountTogether() {
        assertThat(ReasonKinds.of(
                        "could not locate: location 'friend's house' matches no street or venue in the gazetteer"))
                .isEqualTo(ReasonKinds.of(
                        "could not locate: location 'Bold Stret' matches no street or venue in the gazetteer"))
                .isEqualTo("could not locate: location '…' matches no street or venue in the gazetteer");
        assertThat(ReasonKinds.of("could not locate: location 'Church Road' could be Church Road, Wavertree or Church "
                        + "Road, Walton; add the area or a postcode"))
                .isEqualTo("could not locate: location '…' could be one of several places; add the area or a postcode");
        assertThat(ReasonKinds.of("'31/04/2022' is not a date (expected e.g. 2022-03-05 or 05/03/2022)"))
                .isEqualTo("'…' is not a date (expected e.g. 2022-03-05 or 05/03/2022)");
        assertThat(ReasonKinds.of("longitude 53.40 and latitude -2.98 look swapped"))
                .isEqualTo("longitude 53.40 and latitude -2.98 look swapped");
    }
}
