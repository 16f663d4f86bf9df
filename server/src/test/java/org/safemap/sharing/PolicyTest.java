package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;

/** The one policy, on the built-in example protocols: every audience gets its protocol's level and no more. */
class PolicyTest {
    private static final Policy POLICY = new Policy(ProtocolCatalog.builtIn());
    private static final List<String> FEEDS = List.of("police-uk", "btp", "istv-ae", "ambulance", "fire-irs");

    private static Principal analyst(String partner, String purpose) {
        return new Principal("u", Role.ANALYST, partner, purpose, "test");
    }

    @Test
    void eachAudienceGetsItsProtocolLevel() {
        Principal owner = analyst("nhs-ed", "problem-solving");
        Principal csp = analyst("csp", "tasking");
        Principal police = analyst("police", "strategic-assessment");
        Principal tasking = new Principal("t", Role.TASKING, "csp", "tasking", "test");
        assertThat(POLICY.levels(owner, FEEDS).values())
                .extracting(DisclosureLevel::key)
                .containsExactly("points", "points", "points", "aggregates", "reduced");
        assertThat(POLICY.levels(csp, FEEDS).values())
                .extracting(DisclosureLevel::key)
                .containsExactly("points", "points", "points", "points", "points");
        assertThat(POLICY.levels(police, FEEDS).values())
                .extracting(DisclosureLevel::key)
                .containsExactly("points", "points", "aggregates", "reduced", "reduced");
        // Tasking members see aggregates whatever partner they come from: the named level is for analysts.
        assertThat(POLICY.levels(tasking, FEEDS).values())
                .extracting(DisclosureLevel::key)
                .containsExactly("points", "points", "aggregates", "aggregates", "aggregates");
        assertThat(POLICY.levels(Principal.ANONYMOUS, FEEDS).values())
                .extracting(DisclosureLevel::key)
                .containsExactly("points", "points", "none", "none", "aggregates");
    }

    @Test
    void aboveThePublicLevelAPurposeTheProtocolListsMustBeDeclared() {
        assertThat(POLICY.level(analyst("csp", null), "istv-ae")).isEqualTo(DisclosureLevel.NONE);
        assertThat(POLICY.level(analyst("csp", "marketing"), "istv-ae")).isEqualTo(DisclosureLevel.NONE);
        // public-information is listed for fire but not for A&E
        assertThat(POLICY.level(analyst("csp", "public-information"), "istv-ae"))
                .isEqualTo(DisclosureLevel.NONE);
        assertThat(POLICY.level(analyst("csp", "public-information"), "fire-irs"))
                .isEqualTo(DisclosureLevel.POINTS);
        assertThat(POLICY.level(analyst("csp", "evaluation"), "istv-ae")).isEqualTo(DisclosureLevel.POINTS);
    }

    @Test
    void aFeedWithoutAProtocolIsInvisibleToEveryone() {
        assertThat(POLICY.level(analyst("csp", "tasking"), "youth-offending")).isEqualTo(DisclosureLevel.NONE);
        assertThat(POLICY.level(new Principal("a", Role.ADMIN, "csp", "tasking", "test"), "youth-offending"))
                .isEqualTo(DisclosureLevel.NONE);
    }

    @Test
    void restrictedFeedsAreCountedOnePartnerAtATimeEachUnderItsOwnRule() {
        List<SharingGroup> groups = POLICY.sharingGroups(FEEDS);
        assertThat(groups)
                .extracting(SharingGroup::feeds)
                .containsExactly(
                        List.of("ambulance"),
                        List.of("btp"),
                        List.of("fire-irs"),
                        List.of("istv-ae"),
                        List.of("police-uk"));
        SharingGroup ae = groups.stream()
                .filter(g -> g.feeds().equals(List.of("istv-ae")))
                .findFirst()
                .orElseThrow();
        assertThat(ae.rule()).isEqualTo(new SuppressionRule(7, 5));
        assertThat(ae.partner()).isEqualTo("nhs-ed");
        SharingGroup fire = groups.stream()
                .filter(g -> g.partner().equals("fire"))
                .findFirst()
                .orElseThrow();
        assertThat(fire.rule()).isEqualTo(new SuppressionRule(3, 1));
    }

    @Test
    void storedResultsShowClassesOnlyBelowPointsAndNothingToThoseWhoMayNotSeeAFeed() {
        Principal tasking = new Principal("t", Role.TASKING, null, "tasking", "test");
        assertThat(POLICY.resultView(tasking, List.of("police-uk", "btp"))).isEqualTo(Policy.ResultView.FULL);
        assertThat(POLICY.resultView(tasking, List.of("police-uk", "istv-ae"))).isEqualTo(Policy.ResultView.CLASSES);
        assertThat(POLICY.resultView(Principal.ANONYMOUS, List.of("police-uk", "istv-ae")))
                .isEqualTo(Policy.ResultView.NONE);
        assertThat(POLICY.resultView(analyst("csp", "tasking"), FEEDS)).isEqualTo(Policy.ResultView.FULL);
    }

    @Test
    void custodianPathsNeedPointsLevelAndAnAnalystOrAdmin() {
        assertThat(POLICY.mayHandleRecords(analyst("nhs-ed", "problem-solving"), "istv-ae"))
                .isTrue();
        assertThat(POLICY.mayHandleRecords(analyst("police", "tasking"), "istv-ae"))
                .isFalse();
        assertThat(POLICY.mayHandleRecords(new Principal("t", Role.TASKING, "nhs-ed", "tasking", "test"), "istv-ae"))
                .isFalse();
        assertThat(POLICY.mayHandleRecords(Principal.ANONYMOUS, "police-uk")).isFalse();
        assertThatThrownBy(() -> POLICY.requireRecordHandler(Principal.ANONYMOUS, "police-uk", "uploading"))
                .isInstanceOf(SafemapException.class)
                .extracting(e -> ((SafemapException) e).code())
                .isEqualTo(ErrorCode.UNAUTHORISED);
        assertThatThrownBy(() -> POLICY.requireAdmin(analyst("csp", "tasking"), "adding a user"))
                .isInstanceOf(SafemapException.class)
                .extracting(e -> ((SafemapException) e).code())
                .isEqualTo(ErrorCode.FORBIDDEN);
    }
}
