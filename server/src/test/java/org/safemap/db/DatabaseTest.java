package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseTest {
    @Test
    void comparesPostgisVersions() {
        assertThat(Database.atLeast("3.3.2", Database.MIN_POSTGIS)).isTrue();
        assertThat(Database.atLeast("3.1.0", Database.MIN_POSTGIS)).isTrue();
        assertThat(Database.atLeast("3.0.11", Database.MIN_POSTGIS)).isFalse();
        assertThat(Database.atLeast("2.5.5", Database.MIN_POSTGIS)).isFalse();
        assertThat(Database.atLeast("3.5.0dev", Database.MIN_POSTGIS)).isTrue();
        assertThat(Database.atLeast("4", Database.MIN_POSTGIS)).isTrue();
    }
}
