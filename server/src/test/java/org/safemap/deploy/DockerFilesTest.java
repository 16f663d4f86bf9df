package org.safemap.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The container files, checked without Docker (not installable here): docker-compose.yml parses as YAML and wires
 * PostGIS, GeoServer and SafeMap together with a healthcheck each and named volumes; the Dockerfile copies only
 * paths that exist, builds in one stage and runs as a non-root user with a health check in another.
 */
class DockerFilesTest {
    private static final Path HOME = Path.of(System.getenv("SAFEMAP_HOME"));

    private static JsonNode compose() throws IOException {
        return new ObjectMapper(new YAMLFactory())
                .readTree(HOME.resolve("docker/docker-compose.yml").toFile());
    }

    @Test
    void composeRunsPostgisGeoserverAndSafemapWiredTogether() throws IOException {
        JsonNode services = compose().path("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("postgis", "geoserver", "safemap");
        assertThat(services.path("postgis").path("image").asText()).startsWith("postgis/postgis:");
        assertThat(services.path("geoserver").path("image").asText()).startsWith("docker.osgeo.org/geoserver:");
        assertThat(services.path("safemap").path("build").path("dockerfile").asText())
                .isEqualTo("docker/Dockerfile");
        assertThat(HOME.resolve("docker")
                        .resolve(services.path("safemap")
                                .path("build")
                                .path("context")
                                .asText())
                        .resolve("docker/Dockerfile")
                        .normalize())
                .isEqualTo(HOME.resolve("docker/Dockerfile").normalize());

        Set<String> declared = new HashSet<>();
        compose().path("volumes").fieldNames().forEachRemaining(declared::add);
        for (String name : names) {
            JsonNode s = services.path(name);
            assertThat(s.path("healthcheck").path("test").isMissingNode())
                    .as(name + " healthcheck")
                    .isFalse();
            boolean hasNamedVolume = false;
            for (JsonNode v : s.path("volumes")) {
                String source = v.asText().split(":")[0];
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    assertThat(declared).as(name + " volume " + source).contains(source);
                    hasNamedVolume = true;
                }
            }
            assertThat(hasNamedVolume)
                    .as(name + " keeps its data in a named volume")
                    .isTrue();
        }
        // SafeMap reaches PostGIS by its service name and waits for it to be healthy; GeoServer too.
        JsonNode env = services.path("safemap").path("environment");
        assertThat(env.path("SAFEMAP_DB_URL").asText()).isEqualTo("postgresql://postgis:5432/safemap");
        assertThat(env.path("SAFEMAP_DB_USER").asText())
                .isEqualTo(services.path("postgis")
                        .path("environment")
                        .path("POSTGRES_USER")
                        .asText());
        assertThat(env.path("SAFEMAP_DB_PASSWORD").asText())
                .isEqualTo(services.path("postgis")
                        .path("environment")
                        .path("POSTGRES_PASSWORD")
                        .asText())
                .startsWith("${SAFEMAP_DB_PASSWORD:?");
        for (String dependent : List.of("safemap", "geoserver")) {
            assertThat(services.path(dependent)
                            .path("depends_on")
                            .path("postgis")
                            .path("condition")
                            .asText())
                    .isEqualTo("service_healthy");
        }
        assertThat(services.path("safemap").path("healthcheck").path("test").toString())
                .contains("/health");
        // Every variable compose insists on is in the example environment file.
        String text = Files.readString(HOME.resolve("docker/docker-compose.yml"));
        String example = Files.readString(HOME.resolve("docker/env.example"));
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+):\\?").matcher(text);
        while (m.find()) {
            assertThat(example).contains(m.group(1) + "=");
        }
        assertThat(text).as("no password written into compose").doesNotContainPattern("PASSWORD: +[^$\\s]");
    }

    @Test
    void dockerfileCopiesOnlyWhatExistsAndRunsAsNonRootWithAHealthCheck() throws IOException {
        List<String> lines = Files.readAllLines(HOME.resolve("docker/Dockerfile"));
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0)).startsWith("FROM maven:").endsWith(" AS build");
        assertThat(froms.get(1)).contains("-jre");
        List<String> copied = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("COPY ") && !l.contains("--from=")) {
                String[] parts = l.substring(5).trim().split("\\s+");
                for (int k = 0; k < parts.length - 1; k++) {
                    assertThat(HOME.resolve(parts[k]))
                            .as("COPY source " + parts[k])
                            .exists();
                    copied.add(parts[k]);
                }
            }
        }
        // Every module of the reactor, and every resource the layers module packages, reaches the build stage.
        String pom = Files.readString(HOME.resolve("pom.xml"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        while (module.find()) {
            assertThat(copied).contains(module.group(1) + "/pom.xml");
        }
        assertThat(copied).contains("server/src", "web/src", "layers/catalogue.json", "layers/styles");
        String runtime = String.join("\n", lines.subList(lines.indexOf(froms.get(1)), lines.size()));
        assertThat(runtime).containsPattern("(?m)^USER safemap$").contains("useradd --system --uid 10001");
        assertThat(runtime).containsPattern("(?m)^HEALTHCHECK .*").contains("GET /health");
        assertThat(runtime).contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/safemap/safemap.jar\"]");
    }

    @Test
    void replicasComposeRunsAPrimaryAReplicaTwoServersWithSharedKeysAndHaproxyOverBoth() throws IOException {
        Path file = HOME.resolve("docker/docker-compose.replicas.yml");
        JsonNode services =
                new ObjectMapper(new YAMLFactory()).readTree(file.toFile()).path("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("primary", "replica", "safemap-1", "safemap-2", "balancer");
        assertThat(services.path("primary").path("command").toString()).contains("wal_level=replica");
        String replicaStart = Files.readString(HOME.resolve("docker/replicas/replica-start.sh"));
        assertThat(replicaStart).contains("pg_basebackup -h primary", " -R ");
        String text = Files.readString(file);
        // the servers' settings sit in one anchor both merge: read, and required, once for both
        assertThat(text).contains("SAFEMAP_DB_URL: postgresql://primary:5432/safemap");
        assertThat(text).contains("SAFEMAP_DB_READ_URL: postgresql://replica:5432/safemap");
        for (String key : List.of("SAFEMAP_AUDIT_KEY", "SAFEMAP_PSEUDONYM_KEY", "SAFEMAP_LINKAGE_KEY")) {
            assertThat(text).as(key + " required, so every server shares it").contains(key + ": ${" + key + ":?");
        }
        for (String server : List.of("safemap-1", "safemap-2")) {
            assertThat(services.path(server).path("volumes").toString()).contains(server + "-var:");
        }
        String haproxy = Files.readString(HOME.resolve("docker/replicas/haproxy.cfg"));
        assertThat(haproxy)
                .contains("server safemap-1 safemap-1:8080 check", "server safemap-2 safemap-2:8080 check")
                .contains("option httpchk GET /health", "retry-on", "disable-l7-retry if ! METH_GET");
        assertThat(services.path("balancer").path("volumes").toString()).contains("./replicas/haproxy.cfg");
    }
}
