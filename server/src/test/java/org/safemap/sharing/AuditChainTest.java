package org.safemap.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class AuditChainTest {
    private static final AuditChain CHAIN = new AuditChain("unit-test-key-0123456789".getBytes(StandardCharsets.UTF_8));

    private static AuditEntry entry(long seq, String detail) {
        AuditEntry e = new AuditEntry(
                seq,
                Instant.parse("2024-06-15T12:00:00.000001Z"),
                "ana",
                "analyst",
                "csp",
                "session",
                "tasking",
                "api.incidents",
                "/api/incidents?month=2022-03",
                Map.of("istv-ae", 1),
                42L,
                "ok",
                AuditChain.canonicalJson(detail),
                AuditChain.GENESIS,
                AuditChain.GENESIS);
        return e.withHash(CHAIN.hash(e));
    }

    @Test
    void canonicalFormIsTheDocumentedCompactArray() {
        assertThat(AuditChain.canonical(entry(7, "{\"b\": 2.50, \"a\": [1.0, 1e3, \"é\"]}")))
                .isEqualTo(
                        "[7,\"2024-06-15T12:00:00.000001Z\",\"ana\",\"analyst\",\"csp\",\"session\",\"tasking\",\"api.incidents\","
                                + "\"/api/incidents?month=2022-03\",{\"istv-ae\":1},42,\"ok\",{\"a\":[1,1000,\"é\"],\"b\":2.5}]");
    }

    @Test
    void numbersAndKeyOrderCanonicaliseTheSameWhateverNotationJsonbGivesBack() {
        assertThat(AuditChain.canonicalJson("{\"x\": 10000000000.0, \"y\": 0.10, \"a\": -0.0}"))
                .isEqualTo(AuditChain.canonicalJson("{\"a\":0,\"y\":0.1,\"x\":1.0E10}"))
                .isEqualTo("{\"a\":0,\"x\":10000000000,\"y\":0.1}");
    }

    @Test
    void anyChangeOfContentNumberOrLinkChangesTheHash() {
        AuditEntry e = entry(7, "{}");
        assertThat(CHAIN.matches(e)).isTrue();
        assertThat(CHAIN.matches(e.withSeq(8))).isFalse();
        AuditEntry relinked = new AuditEntry(
                7,
                e.at(),
                e.actor(),
                e.role(),
                e.partner(),
                e.via(),
                e.purpose(),
                e.action(),
                e.resource(),
                e.feeds(),
                e.resultSize(),
                e.outcome(),
                e.detailJson(),
                "1".repeat(64),
                e.hash());
        assertThat(CHAIN.matches(relinked)).isFalse();
        assertThat(CHAIN.seqThatFits(e.withSeq(3), LongStream.rangeClosed(1, 100)))
                .isEqualTo(7);
        assertThat(new AuditChain("another-key-0123456789".getBytes(StandardCharsets.UTF_8)).matches(e))
                .isFalse();
    }

    @Test
    void hashingIsCheap() {
        AuditEntry e = entry(1, "{\"n\": 1}");
        for (int i = 0; i < 20_000; i++) {
            CHAIN.hash(e);
        }
        long t0 = System.nanoTime();
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            CHAIN.hash(e);
        }
        double us = (System.nanoTime() - t0) / 1e3 / n;
        System.out.printf("audit hash: %.1f us per entry%n", us);
        assertThat(us).isLessThan(200);
    }
}
