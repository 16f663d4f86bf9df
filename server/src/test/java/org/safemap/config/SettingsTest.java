package org.safemap.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path home;

    @Test
    void hasDocumentedDefaults() {
        Settings s = Settings.from(Map.of("SAFEMAP_HOME", home.toString()));
        assertThat(s.home()).isEqualTo(home);
        assertThat(s.varDir()).isEqualTo(home.resolve("var"));
        assertThat(s.localClusterDir()).isEqualTo(home.resolve("var/postgis"));
        assertThat(s.externalDatabase()).isEmpty();
        assertThat(s.localDbPort()).isEqualTo(55432);
        assertThat(s.httpHost()).isEqualTo("127.0.0.1");
        assertThat(s.httpPort()).isEqualTo(8080);
        assertThat(s.basemapUrl()).isEqualTo("https://tile.openstreetmap.org/{z}/{x}/{y}.png");
        assertThat(s.logLevel()).isEqualTo("info");
        assertThat(s.trust().protectedGeography()).isEqualTo("lsoa-msoa-lad");
        assertThat(s.warnings()).isEmpty();
    }

    @Test
    void trustedProxiesAreAddressesOrBlocks() {
        assertThat(Settings.from(Map.of("SAFEMAP_HOME", home.toString()))
                        .trust()
                        .trustedProxies())
                .isEmpty();
        assertThat(Settings.from(Map.of(
                                "SAFEMAP_HOME",
                                home.toString(),
                                "SAFEMAP_TRUSTED_PROXIES",
                                " 127.0.0.1, 10.0.0.0/8,,::1 "))
                        .trust()
                        .trustedProxies())
                .containsExactly("127.0.0.1", "10.0.0.0/8", "::1");
        assertThatThrownBy(() -> Settings.from(Map.of(
                        "SAFEMAP_HOME", home.toString(), "SAFEMAP_TRUSTED_PROXIES", "127.0.0.1, proxy.internal")))
                .hasMessageContaining("SAFEMAP_TRUSTED_PROXIES")
                .hasMessageContaining("proxy.internal");
    }

    @Test
    void refusesAProtectedGeographyItDoesNotKnow() {
        assertThatThrownBy(() -> Settings.from(
                        Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_PROTECTED_GEOGRAPHY", "lsoa-ward-msoa")))
                .hasMessageContaining("SAFEMAP_PROTECTED_GEOGRAPHY");
        assertThat(Settings.from(
                                Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_PROTECTED_GEOGRAPHY", "lsoa-ward-lad"))
                        .trust()
                        .protectedGeography())
                .isEqualTo("lsoa-ward-lad");
    }

    @Test
    void readsSafemapConfAndLetsEnvironmentWin() throws IOException {
        Files.writeString(home.resolve("safemap.conf"), """
                # operator settings
                SAFEMAP_HTTP_PORT=9000
                SAFEMAP_HTTP_HOST = "0.0.0.0"
                SAFEMAP_BASEMAP_URL=
                """);
        Settings s = Settings.from(Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_HTTP_PORT", "9100"));
        assertThat(s.httpPort()).isEqualTo(9100);
        assertThat(s.httpHost()).isEqualTo("0.0.0.0");
        assertThat(s.basemapUrl()).isEmpty();
        assertThat(s.basemaps()).isEmpty();
    }

    @Test
    void listsTheSwitchersBasemapsFromSafemapBasemapsOrTheOneBasemapUrl() {
        assertThat(Settings.from(Map.of("SAFEMAP_HOME", home.toString())).basemaps())
                .extracting(Basemap::title, Basemap::maxZoom)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("OpenStreetMap", 19));
        Settings s = Settings.from(Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_BASEMAPS", """
                [{"title": "OS Road", "url": "https://os.example/{z}/{x}/{y}.png", "attribution": "Crown copyright"},
                 {"title": "Aerial", "url": "https://wms.example/wms", "wmsLayers": "aerial", "maxZoom": 20}]"""));
        assertThat(s.basemaps())
                .containsExactly(
                        new Basemap("OS Road", "https://os.example/{z}/{x}/{y}.png", null, "Crown copyright", 19),
                        new Basemap("Aerial", "https://wms.example/wms", "aerial", "", 20));
        assertThat(s.basemaps().get(1).wms()).isTrue();
        assertThatThrownBy(() -> Settings.from(Map.of(
                        "SAFEMAP_HOME",
                        home.toString(),
                        "SAFEMAP_BASEMAPS",
                        "[{\"title\": \"X\", \"url\": \"https://x\"}]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("{z}, {x} and {y}");
        assertThatThrownBy(() -> Settings.from(
                        Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_BASEMAPS", "{\"title\": \"X\"}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("JSON array");
    }

    @Test
    void namesFileAndLineOfAnUnknownKey() throws IOException {
        Path conf = home.resolve("other.conf");
        Files.writeString(conf, "SAFEMAP_HTTP_PORT=9000\nSAFEMAP_HTTP_PROT=1\n");
        assertThatThrownBy(() -> Settings.from(Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_CONFIG", "other.conf")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(conf + " line 2: unknown setting SAFEMAP_HTTP_PROT (see docs/configuration.md)");
    }

    @Test
    void refusesAMissingConfigFile() {
        assertThatThrownBy(() -> Settings.from(Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_CONFIG", "nope.conf")))
                .hasMessageContaining("nope.conf, which is not a readable file");
    }

    @Test
    void refusesBadNumbersWithTheKeyName() {
        assertThatThrownBy(() -> Settings.from(Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_HTTP_PORT", "eighty")))
                .hasMessage("SAFEMAP_HTTP_PORT must be a whole number from 1 to 65535; got 'eighty'");
        assertThatThrownBy(() -> Settings.from(Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_DB_POOL_SIZE", "0")))
                .hasMessageContaining("SAFEMAP_DB_POOL_SIZE");
    }

    @Test
    void warnsAboutUnknownEnvironmentKeys() {
        Settings s = Settings.from(
                Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_DB_ULR", "x", "SAFEMAP_TEST_KEEP_DB", "1"));
        assertThat(s.warnings())
                .containsExactly(
                        "unknown setting SAFEMAP_DB_ULR in the environment is ignored (see docs/configuration.md)");
    }

    @Test
    void userAndPasswordSettingsOverrideTheUrl() {
        Settings s = Settings.from(Map.of(
                "SAFEMAP_HOME",
                home.toString(),
                "SAFEMAP_DB_URL",
                "postgresql://a:b@h/d",
                "SAFEMAP_DB_USER",
                "c",
                "SAFEMAP_DB_PASSWORD",
                "e"));
        DatabaseTarget t = s.externalDatabase().orElseThrow();
        assertThat(t.user()).isEqualTo("c");
        assertThat(t.password()).isEqualTo("e");
    }

    @Test
    void aReadReplicaTakesThePrimarysLoginUnlessItsUrlNamesOneAndNeedsAPrimary() {
        Settings s = Settings.from(Map.of(
                "SAFEMAP_HOME",
                home.toString(),
                "SAFEMAP_DB_URL",
                "postgresql://h/d",
                "SAFEMAP_DB_USER",
                "c",
                "SAFEMAP_DB_PASSWORD",
                "e",
                "SAFEMAP_DB_READ_URL",
                "postgresql://replica:5433/d"));
        DatabaseTarget r = s.readReplica().orElseThrow();
        assertThat(r.jdbcUrl()).isEqualTo("jdbc:postgresql://replica:5433/d");
        assertThat(r.user()).isEqualTo("c");
        assertThat(r.password()).isEqualTo("e");
        assertThat(Settings.from(Map.of(
                                "SAFEMAP_HOME",
                                home.toString(),
                                "SAFEMAP_DB_URL",
                                "postgresql://h/d",
                                "SAFEMAP_DB_READ_URL",
                                "postgresql://reader:pw@replica/d"))
                        .readReplica()
                        .orElseThrow()
                        .user())
                .isEqualTo("reader");
        assertThat(Settings.from(Map.of("SAFEMAP_HOME", home.toString())).readReplica())
                .isEmpty();
        assertThatThrownBy(() -> Settings.from(
                        Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_DB_READ_URL", "postgresql://replica/d")))
                .hasMessageContaining("SAFEMAP_DB_READ_URL needs SAFEMAP_DB_URL");
    }

    @Test
    void theDataBeginAndTheAreaRuleAreSettingsWithSafeDefaults() {
        Settings defaults = Settings.from(Map.of("SAFEMAP_HOME", home.toString()));
        assertThat(defaults.ingest().dataFrom()).isEqualTo(java.time.LocalDate.of(2000, 1, 1));
        assertThat(defaults.ingest().quarantineOutsideArea()).isFalse();
        Settings set = Settings.from(Map.of(
                "SAFEMAP_HOME", home.toString(), "SAFEMAP_DATA_FROM", "2010-12", "SAFEMAP_OUTSIDE_AREA", "Quarantine"));
        assertThat(set.ingest().dataFrom()).isEqualTo(java.time.LocalDate.of(2010, 12, 1));
        assertThat(set.ingest().quarantineOutsideArea()).isTrue();
        // Before 1900 would let dates through that PostgreSQL cannot store; a future one would refuse every record.
        for (String bad : new String[] {"0000-01-01", "1899-12-31", "9999-12-31", "12/2010", "2010-13"}) {
            assertThatThrownBy(() -> Settings.from(Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_DATA_FROM", bad)))
                    .as(bad)
                    .hasMessage("SAFEMAP_DATA_FROM must be a date as YYYY-MM-DD (or a month as YYYY-MM) from "
                            + "1900-01-01 to today; got '" + bad + "'");
        }
        assertThatThrownBy(() -> Settings.from(Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_OUTSIDE_AREA", "drop")))
                .hasMessage("SAFEMAP_OUTSIDE_AREA must be one of keep, quarantine; got 'drop'");
    }

    @Test
    void refusesUnknownLogLevel() {
        assertThatThrownBy(() -> Settings.from(Map.of("SAFEMAP_HOME", home.toString(), "SAFEMAP_LOG_LEVEL", "loud")))
                .hasMessageContaining("SAFEMAP_LOG_LEVEL");
    }

    @Test
    void everySettingIsDocumented() throws java.io.IOException {
        String docs = java.nio.file.Files.readString(
                java.nio.file.Path.of(System.getenv("SAFEMAP_HOME"), "docs", "configuration.md"));
        assertThat(Settings.KEYS.keySet()).allSatisfy(key -> assertThat(docs).contains("| `" + key + "` |"));
    }
}
