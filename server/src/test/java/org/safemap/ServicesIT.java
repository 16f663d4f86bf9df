package org.safemap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.map.WmsService;
import org.safemap.testing.CliRun;
import org.safemap.testing.TestData;
import org.safemap.testing.TestDatabase;
import org.safemap.testing.TestSettings;

/** The composition root: each service built once, from the settings, and closed by whoever opened the database. */
class ServicesIT {
    private static Map<String, String> getMap(int size) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("SERVICE", "WMS");
        p.put("VERSION", "1.3.0");
        p.put("REQUEST", "GetMap");
        p.put("LAYERS", "lsoa-boundaries");
        p.put("STYLES", "");
        p.put("CRS", "EPSG:27700");
        p.put("BBOX", "333000,386000,339000,392000");
        p.put("WIDTH", String.valueOf(size));
        p.put("HEIGHT", String.valueOf(size));
        p.put("FORMAT", "image/png");
        return p;
    }

    @Test
    void theMapServiceIsBuiltOnceWithTheConfiguredLargestImage() {
        Database db = TestData.demoDatabase();
        Settings settings = TestSettings.withOverrides(Map.of("SAFEMAP_WMS_MAX_SIZE", "512"));
        try (Services services = Services.serving(settings, db)) {
            WmsService map = services.map();
            assertThat(services.map()).isSameAs(map);
            assertThat(services.policy()).isSameAs(services.policy());
            assertThat(services.protocols()).isSameAs(services.protocols());
            assertThat(map.handle(getMap(512), "").status()).isEqualTo(200);
            WmsService.Response tooBig = map.handle(getMap(513), "");
            assertThat(tooBig.ogcError()).isEqualTo("InvalidParameterValue");
        }
        assertThat(db.reachable()).as("a database the caller holds stays open").isTrue();
    }

    @Test
    void servicesCloseTheDatabaseTheyOpenedOnceAndOpenNoneUntilAsked() {
        Database db = TestDatabase.fresh("services");
        int[] opened = new int[1];
        Services services = Services.open(
                TestSettings.defaults(),
                () -> {
                    opened[0]++;
                    return db;
                },
                Services.Use.COMMAND);
        assertThat(services.feeds().all()).isNotEmpty();
        assertThat(opened[0]).as("the catalogues need no database").isZero();
        assertThat(services.database()).isSameAs(services.database());
        assertThat(opened[0]).isEqualTo(1);
        services.close();
        services.close();
        assertThat(db.reachable()).isFalse();
        assertThatThrownBy(services::database).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void testsKeepTheirStateOutOfTheCheckoutsVar() throws Exception {
        Path home = Path.of(System.getenv("SAFEMAP_HOME")).toRealPath();
        Path var = TestSettings.defaults().varDir().toRealPath();
        assertThat(var.startsWith(home.resolve("var"))).as(var.toString()).isFalse();
        assertThat(Files.isDirectory(var)).isTrue();
        // A command run in-process writes its temporary files under the test's folder too.
        CliRun.Result r = CliRun.run(Map.of(), "feeds", "list");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(var.resolve("tmp")).isDirectory();
    }
}
