package org.safemap.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.safemap.App;
import org.safemap.db.Database;
import org.safemap.testing.Http;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestSettings;

class HealthIT {

    @Test
    void healthTurns503WhenTheDatabaseGoesAway() {
        Database db = TestDatabase.fresh("health");
        try (App app = App.start(TestSettings.defaults(), db)) {
            String url = "http://127.0.0.1:" + app.port() + "/health";
            assertThat(Http.get(url).statusCode()).isEqualTo(200);

            TestDatabase.execute(
                    TestDatabase.adminTarget(), "DROP DATABASE " + db.target().database() + " WITH (FORCE)");

            HttpResponse<String> response = Http.get(url);
            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode body = Http.json(response);
            assertThat(body.path("status").asText()).isEqualTo("unavailable");
            assertThat(body.path("error").asText()).isEqualTo("database_unavailable");
            assertThat(body.path("message").asText())
                    .contains(db.target().description())
                    .doesNotContain("password");

            // An API call that needs the database fails the same clean way, not with a stack trace.
            HttpResponse<String> api = Http.get("http://127.0.0.1:" + app.port() + "/api/incidents/summary");
            assertThat(api.statusCode()).isIn(500, 503);
            assertThat(Http.json(api).path("error").asText()).isIn("database_unavailable", "internal_error");
            assertThat(api.body()).doesNotContain("Exception").doesNotContain("at org.");
        } finally {
            db.close();
        }
    }
}
