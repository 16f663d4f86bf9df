package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.testing.Http;
import org.safemap.testing.Sql;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestPrincipals;
import org.safemap.testing.TestSettings;
import org.slf4j.LoggerFactory;

/**
 * A real database fault (a table the code reads renamed away under a running server) reaches the client as
 * {@code internal_error} with a reference the log repeats beside the driver's error, and no SQL or driver text.
 */
class DatabaseDefectIT {
    private static final Pattern REFERENCE = Pattern.compile("\\(reference ([0-9a-f]{8})\\)");

    @AutoClose
    private static Database db;

    private static App app;
    private static String base;

    @BeforeAll
    static void start() {
        db = TestDatabase.fresh("defect");
        app = App.start(TestSettings.defaults(), db, TestPrincipals.fixed(TestPrincipals.CSP_ANALYST));
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aBrokenTableIsAnInternalErrorWithALoggedReferenceAndNoDriverText() {
        assertThat(Http.get(base + "/api/hotspots/1").statusCode()).isEqualTo(404);
        Sql.execute(db, "ALTER TABLE hotspot_run RENAME TO hotspot_run_elsewhere");
        Logger http = (Logger) LoggerFactory.getLogger("http");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        http.addAppender(log);
        HttpResponse<String> response;
        try {
            response = Http.get(base + "/api/hotspots/1");
        } finally {
            http.detachAppender(log);
            Sql.execute(db, "ALTER TABLE hotspot_run_elsewhere RENAME TO hotspot_run");
        }

        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode body = Http.json(response);
        assertThat(body.path("error").asText()).isEqualTo("internal_error");
        String message = body.path("message").asText();
        Matcher m = REFERENCE.matcher(message);
        assertThat(m.find()).as(message).isTrue();
        String reference = m.group(1);
        for (String driverText :
                List.of("hotspot_run", "relation", "does not exist", "ERROR:", "SQL", "42P01", "PSQLException")) {
            assertThat(response.body()).doesNotContainIgnoringCase(driverText);
        }

        List<ILoggingEvent> logged = log.list.stream()
                .filter(e -> e.getFormattedMessage().contains(reference))
                .toList();
        assertThat(logged).hasSize(1);
        ILoggingEvent event = logged.get(0);
        assertThat(event.getFormattedMessage())
                .isEqualTo("internal error " + reference + " on GET /api/hotspots/1 (internal_error)");
        assertThat(event.getThrowableProxy()).isNotNull();
        assertThat(ThrowableProxyUtil.asString(event.getThrowableProxy()))
                .contains("could not read run 1")
                .contains("relation \"hotspot_run\" does not exist");

        assertThat(Http.get(base + "/api/hotspots/1").statusCode())
                .as("the same request once the table is back")
                .isEqualTo(404);
    }
}
