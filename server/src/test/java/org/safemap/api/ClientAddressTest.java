package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private static final ClientAddress BEHIND_PROXIES = new ClientAddress(List.of("127.0.0.1", "10.0.0.0/8", "::1"));

    @Test
    void withNoTrustedProxyTheConnectionsAddressIsTheClient() {
        assertThat(new ClientAddress(List.of()).resolve("127.0.0.1", List.of("203.0.113.5")))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void aTrustedProxyNamesTheClient() {
        assertThat(BEHIND_PROXIES.resolve("127.0.0.1", List.of("203.0.113.5"))).isEqualTo("203.0.113.5");
        assertThat(BEHIND_PROXIES.resolve("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItWrites() {
        assertThat(BEHIND_PROXIES.resolve("198.51.100.7", List.of("203.0.113.5")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void theRightMostUntrustedEntryWinsOverWhatTheClientWroteFirst() {
        assertThat(BEHIND_PROXIES.resolve("127.0.0.1", List.of("1.2.3.4, 203.0.113.5")))
                .isEqualTo("203.0.113.5");
        assertThat(BEHIND_PROXIES.resolve("127.0.0.1", List.of("1.2.3.4", "203.0.113.5, 10.9.8.7")))
                .as("several headers are one list, in order")
                .isEqualTo("203.0.113.5");
        assertThat(BEHIND_PROXIES.resolve("127.0.0.1", List.of("10.0.0.2, 10.0.0.1")))
                .as("only proxies: the left-most")
                .isEqualTo("10.0.0.2");
    }

    @Test
    void anUnreadableEntryStopsAtTheLastAddressReadAndNoNameIsLookedUp() {
        assertThat(BEHIND_PROXIES.resolve("127.0.0.1", List.of("203.0.113.5, evil.example")))
                .isEqualTo("127.0.0.1");
        assertThat(BEHIND_PROXIES.resolve("127.0.0.1", List.of("localhost, 10.1.1.1")))
                .isEqualTo("10.1.1.1");
        assertThat(BEHIND_PROXIES.resolve("127.0.0.1", List.of("203.0.113.0/24")))
                .as("a block is no client")
                .isEqualTo("127.0.0.1");
    }

    @Test
    void ipv6AndMappedAddresses() {
        assertThat(BEHIND_PROXIES.resolve("0:0:0:0:0:0:0:1", List.of("2001:DB8:0:0:0:0:0:7")))
                .isEqualTo("2001:db8::7");
        assertThat(BEHIND_PROXIES.resolve("[::1]", List.of("[2001:db8::8]"))).isEqualTo("2001:db8::8");
        assertThat(BEHIND_PROXIES.resolve("::ffff:127.0.0.1", List.of("203.0.113.5")))
                .isEqualTo("203.0.113.5");
    }

    @Test
    void refusesWhatIsNotAnAddress() {
        assertThatThrownBy(() -> new ClientAddress(List.of("proxy.example"))).hasMessageContaining("proxy.example");
    }
}
