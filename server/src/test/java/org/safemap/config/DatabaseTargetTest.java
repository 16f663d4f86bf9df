package org.safemap.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseTargetTest {

    @Test
    void parsesLibpqUriWithCredentialsPortAndParameters() {
        DatabaseTarget t = DatabaseTarget.parse(
                "postgresql://analyst:s3cret@db.council.gov.uk:5433/crime?sslmode=require", "SAFEMAP_DB_URL");
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://db.council.gov.uk:5433/crime?sslmode=require");
        assertThat(t.user()).isEqualTo("analyst");
        assertThat(t.password()).isEqualTo("s3cret");
        assertThat(t.description()).isEqualTo("db.council.gov.uk:5433/crime");
        assertThat(t.database()).isEqualTo("crime");
    }

    @Test
    void defaultsPortTo5432AndAcceptsPostgresScheme() {
        DatabaseTarget t = DatabaseTarget.parse("postgres://u@localhost/safemap", "x");
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/safemap");
        assertThat(t.user()).isEqualTo("u");
        assertThat(t.password()).isNull();
    }

    @Test
    void decodesPercentEncodedPassword() {
        DatabaseTarget t = DatabaseTarget.parse("postgresql://u:p%40ss%2Fw+rd@h/d", "x");
        assertThat(t.password()).isEqualTo("p@ss/w+rd");
    }

    @Test
    void takesCredentialsFromJdbcQueryParametersAndKeepsTheRest() {
        DatabaseTarget t = DatabaseTarget.parse("jdbc:postgresql://h:6000/d?user=a&password=b&ssl=true", "x");
        assertThat(t.user()).isEqualTo("a");
        assertThat(t.password()).isEqualTo("b");
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://h:6000/d?ssl=true");
    }

    @Test
    void refusesOtherSchemesWithoutEchoingTheUrl() {
        assertThatThrownBy(() -> DatabaseTarget.parse("mysql://root:topsecret@h/d", "SAFEMAP_DB_URL"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SAFEMAP_DB_URL must be a PostgreSQL URL")
                .hasMessageContaining("'mysql'")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void refusesUrlWithoutDatabaseOrHost() {
        assertThatThrownBy(() -> DatabaseTarget.parse("postgresql://h:5432/", "x"))
                .hasMessageContaining("names no database");
        assertThatThrownBy(() -> DatabaseTarget.parse("postgresql:///d", "x")).hasMessageContaining("names no host");
    }

    @Test
    void neverShowsThePassword() {
        DatabaseTarget t = DatabaseTarget.parse("postgresql://u:hunter2@h/d", "SAFEMAP_DB_URL");
        assertThat(t.toString()).doesNotContain("hunter2").isEqualTo("h:5432/d (SAFEMAP_DB_URL)");
    }

    @Test
    void switchesDatabaseKeepingServerAndParameters() {
        DatabaseTarget t = DatabaseTarget.parse("postgresql://u:p@h:1/d?sslmode=require", "x")
                .withDatabase("other");
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/other?sslmode=require");
        assertThat(t.description()).isEqualTo("h:1/other");
        assertThat(t.password()).isEqualTo("p");
    }
}
