package org.safemap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.safemap.config.DatabaseTarget;
import org.safemap.db.Database;
import org.safemap.testing.CliRun;
import org.safemap.testing.TestDatabase;

class CliIT {

    private static CliRun.Result run(Map<String, String> extraEnv, String... args) {
        return CliRun.run(extraEnv, args);
    }

    private static String url(DatabaseTarget t) {
        return CliRun.url(t);
    }

    @Test
    void helpListsEveryCommand() {
        CliRun.Result r = run(Map.of(), "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains(
                        "db", "serve", "demo", "ingest", "feeds", "geocode", "areas", "test", "docs/configuration.md");
        for (String command : new String[] {"db", "serve", "demo", "ingest", "feeds", "geocode", "areas", "test"}) {
            assertThat(run(Map.of(), command, "--help").code()).as(command).isZero();
        }
        assertThat(run(Map.of(), "db", "up", "--help").out()).contains("Install");
    }

    @Test
    void aWrongDatabaseUrlIsOneClearLineNotAStackTrace() {
        CliRun.Result r = run(Map.of("SAFEMAP_DB_URL", "postgresql://someone:pa55word@127.0.0.1:1/nowhere"), "serve");
        assertThat(r.code()).isEqualTo(Cli.FAILED);
        assertThat(r.err())
                .isEqualTo(
                        "safemap: database_unavailable: cannot connect to PostgreSQL at 127.0.0.1:1/nowhere (SAFEMAP_DB_URL): "
                                + "connection refused (is PostgreSQL running there?); check SAFEMAP_DB_URL"
                                + System.lineSeparator());
        assertThat(r.err() + r.out()).doesNotContain("pa55word");

        CliRun.Result notUrl = run(Map.of("SAFEMAP_DB_URL", "localhost:5432"), "demo", "--load-only");
        assertThat(notUrl.code()).isEqualTo(Cli.FAILED);
        assertThat(notUrl.err().lines().count()).isEqualTo(1);
        assertThat(notUrl.err()).startsWith("safemap: bad_configuration: SAFEMAP_DB_URL must be a PostgreSQL URL");
    }

    @Test
    void badSettingsAndUsageErrorsAreReportedPlainly() {
        CliRun.Result badPort = run(Map.of("SAFEMAP_HTTP_PORT", "eighty"), "serve");
        assertThat(badPort.code()).isEqualTo(Cli.FAILED);
        assertThat(badPort.err())
                .isEqualTo(
                        "safemap: bad_configuration: SAFEMAP_HTTP_PORT must be a whole number from 1 to 65535; got 'eighty'"
                                + System.lineSeparator());

        CliRun.Result unknown = run(Map.of(), "frobnicate");
        assertThat(unknown.code()).isEqualTo(Cli.USAGE);
        assertThat(unknown.err()).contains("frobnicate");

        assertThat(run(Map.of(), "db").code()).isEqualTo(Cli.USAGE);
    }

    @Test
    void dbCommandsWithAnExternalDatabaseCheckAndMigrateButNeverProvision() {
        Database db = TestDatabase.fresh("cli");
        String url = url(db.target());
        db.close();
        CliRun.Result up = run(Map.of("SAFEMAP_DB_URL", url), "db", "up");
        assertThat(up.code()).isZero();
        assertThat(up.out())
                .contains("SAFEMAP_DB_URL is set", "nothing to provision", "ready: PostgreSQL", "PostGIS 3.");

        CliRun.Result status = run(Map.of("SAFEMAP_DB_URL", url), "db", "status");
        assertThat(status.code()).isZero();
        assertThat(status.out())
                .contains("(from SAFEMAP_DB_URL)", "schema version")
                .doesNotContain(db.target().password());

        CliRun.Result down = run(Map.of("SAFEMAP_DB_URL", url), "db", "down");
        assertThat(down.code()).isZero();
        assertThat(down.out()).contains("will not stop it");

        CliRun.Result unreachable = run(Map.of("SAFEMAP_DB_URL", "postgresql://u:p@127.0.0.1:1/x"), "db", "status");
        assertThat(unreachable.code()).isEqualTo(Cli.NOT_RUNNING);
        assertThat(unreachable.out()).contains("unreachable: cannot connect");
    }
}
