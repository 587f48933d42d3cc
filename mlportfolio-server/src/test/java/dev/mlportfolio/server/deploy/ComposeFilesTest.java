package dev.mlportfolio.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlportfolio.server.ServerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the container files without a Docker engine (none runs on the project's
 * machines): the compose file parses, every file it and the Dockerfiles refer to exists, and the
 * ports, paths and environment names agree with the server's configuration and with each other.
 */
class ComposeFilesTest {
    private static final Path DEPLOY = Tools.ROOT.resolve("deploy");
    private static final YAMLMapper YAML = new YAMLMapper();

    private static JsonNode compose() throws IOException {
        return YAML.readTree(DEPLOY.resolve("docker-compose.yml").toFile());
    }


    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    @Test
    void theComposeFileHasTheWholeStackWithHealthChecksLimitsAndOneInternalNetwork() throws IOException {
        JsonNode services = compose().path("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("mlportfolio", "mlflow", "redis", "prometheus", "grafana", "nginx"), names);
        for (String name : names) {
            JsonNode service = services.get(name);
            assertFalse(service.path("healthcheck").path("test").isMissingNode(), name + " has a health check");
            assertFalse(service.path("deploy").path("resources").path("limits").path("memory").isMissingNode(),
                    name + " has a memory limit");
            assertEquals("internal", service.path("networks").get(0).asText(), name + " is on the internal network");
            for (JsonNode port : service.path("ports")) {
                assertTrue(port.asText().startsWith("127.0.0.1:") || name.equals("nginx"),
                        name + " publishes " + port.asText() + " beyond the host's loopback");
            }
        }
        assertEquals("bridge", compose().path("networks").path("internal").path("driver").asText());
        assertTrue(services.path("mlportfolio").path("ports").isMissingNode(), "the server is reached through nginx only");
        assertTrue(services.path("redis").path("ports").isMissingNode(), "Redis is on the internal network only");
    }

    @Test
    void severalReplicasShareTheirTasksThroughAPersistentRedis() throws IOException {
        JsonNode services = compose().path("services");
        JsonNode server = services.path("mlportfolio");
        assertTrue(server.path("deploy").path("replicas").asInt() >= 2, "two or more replicas");
        ServerSettings settings = ServerSettings.fromEnvironment(environment(server));
        assertEquals("redis", settings.tasks().redisUrl().orElseThrow().getHost());
        assertEquals("service_healthy", server.path("depends_on").path("redis").path("condition").asText());
        assertFalse(server.path("volumes").toString().contains(":/app/work"),
                "no shared work volume: two replicas must not write one Lucene index");
        List<String> redis = new ArrayList<>();
        services.path("redis").path("command").forEach(c -> redis.add(c.asText()));
        assertEquals("yes", redis.get(redis.indexOf("--appendonly") + 1));
        assertEquals("always", redis.get(redis.indexOf("--appendfsync") + 1));
        assertEquals("noeviction", redis.get(redis.indexOf("--maxmemory-policy") + 1));
        assertTrue(services.path("redis").path("volumes").get(0).asText().endsWith(":/data"), "data on a volume");
        assertTrue(compose().path("volumes").has("redis-data"));
    }

    @Test
    void everyFileTheStackRefersToExists() throws IOException {
        JsonNode services = compose().path("services");
        for (JsonNode service : services) {
            JsonNode build = service.path("build");
            if (!build.isMissingNode()) {
                Path context = DEPLOY.resolve(build.path("context").asText()).normalize();
                assertTrue(Files.isRegularFile(context.resolve(build.path("dockerfile").asText())), build.toString());
                for (String source : copySources(context.resolve(build.path("dockerfile").asText()))) {
                    assertTrue(Files.exists(context.resolve(source)), "COPY source " + source);
                }
            }
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertTrue(Files.exists(DEPLOY.resolve(source)), "mounted " + source);
                }
            }
        }
        JsonNode provider = YAML.readTree(DEPLOY.resolve("grafana/provisioning/dashboards/mlportfolio.yml").toFile())
                .path("providers").get(0);
        String dashboards = provider.path("options").path("path").asText();
        assertTrue(services.path("grafana").path("volumes").toString().contains("./grafana/dashboards:" + dashboards),
                "Grafana loads the dashboards from where they are mounted");
        String home = environment(services.path("grafana")).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertTrue(Files.isRegularFile(DEPLOY.resolve("grafana/dashboards").resolve(Path.of(home).getFileName())), home);
        JsonNode datasource = YAML.readTree(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml").toFile())
                .path("datasources").get(0);
        assertEquals("http://prometheus:9090", datasource.path("url").asText());
        for (JsonNode panel : YAML.readTree(DEPLOY.resolve("grafana/dashboards/mlportfolio.json").toFile()).path("panels")) {
            assertEquals(datasource.path("uid").asText(), panel.path("datasource").path("uid").asText(),
                    "the dashboard uses the provisioned data source");
        }
    }

    private static List<String> copySources(Path dockerfile) throws IOException {
        List<String> sources = new ArrayList<>();
        for (String line : Files.readAllLines(dockerfile)) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equals("COPY") && !line.contains("--from=")) {
                for (int i = 1; i < words.length - 1; i++) {
                    sources.add(words[i]);
                }
            }
        }
        assertFalse(sources.isEmpty(), "no COPY in " + dockerfile);
        return sources;
    }

    @Test
    void theServersEnvironmentIsValidAndUsesOnlyNamesItReads() throws IOException {
        Map<String, String> env = environment(compose().path("services").path("mlportfolio"));
        Set<String> known = Tools.serverVariables();
        for (String name : env.keySet()) {
            assertTrue(known.contains(name), name + " is not a variable the server reads");
        }
        ServerSettings settings = ServerSettings.fromEnvironment(env);
        assertEquals("0.0.0.0", settings.host());
        assertTrue(settings.jsonLogs(), "production logs are JSON lines");
        assertEquals("http://mlflow:5000", settings.mlflowTrackingUri().orElseThrow().toString());
        List<String> imageVariables = dockerfileEnv();
        assertTrue(imageVariables.containsAll(List.of("HOST", "PORT", "MODEL_PATH")), imageVariables.toString());
        // Read by the C library rather than the server: glibc's malloc (the models' native memory).
        Set<String> forTheProcess = Set.of("MALLOC_ARENA_MAX");
        assertTrue(imageVariables.containsAll(forTheProcess), imageVariables.toString());
        for (String name : imageVariables) {
            assertTrue(known.contains(name) || forTheProcess.contains(name),
                    "the Dockerfile sets " + name + ", which the server does not read");
        }
    }

    /** Names set by the Dockerfile's ENV instruction (one instruction, continued over lines). */
    private static List<String> dockerfileEnv() throws IOException {
        List<String> names = new ArrayList<>();
        boolean inEnv = false;
        for (String line : Files.readAllLines(DEPLOY.resolve("Dockerfile"))) {
            if (line.startsWith("ENV ")) {
                inEnv = true;
                line = line.substring(4);
            }
            if (inEnv) {
                Matcher m = Pattern.compile("^\\s*([A-Z_]+)=").matcher(line);
                if (m.find()) {
                    names.add(m.group(1));
                }
                inEnv = line.trim().endsWith("\\");
            }
        }
        return names;
    }

    @Test
    void portsAndLimitsAgreeAcrossTheFiles() throws IOException {
        JsonNode services = compose().path("services");
        int port = ServerSettings.fromEnvironment(environment(services.path("mlportfolio"))).port();
        assertEquals(8000, port);
        assertEquals(List.of(Integer.toString(port)), List.of(services.path("mlportfolio").path("expose").get(0).asText()));
        assertTrue(services.path("mlportfolio").path("healthcheck").toString().contains(":" + port + "/health/ready"));

        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("EXPOSE " + port));
        assertTrue(dockerfile.contains("PORT=" + port));
        assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains(":" + port + "/health/live"));
        assertTrue(dockerfile.matches("(?s).*\\nUSER mlportfolio\\n.*"), "the server runs as a non-root user");
        assertTrue(dockerfile.contains("FROM maven:3.9-eclipse-temurin-25 AS build") && dockerfile.contains("FROM eclipse-temurin:25-jre"),
                "a Maven build stage and a JRE 25 runtime");
        assertTrue(dockerfile.contains("VOLUME [\"/app/models\", \"/app/work\"]"));

        String nginx = Files.readString(DEPLOY.resolve("nginx/nginx.conf"));
        assertTrue(nginx.contains("server mlportfolio:" + port + " "), "nginx proxies to the server's port");
        String prometheus = Files.readString(DEPLOY.resolve("prometheus/prometheus.yml"));
        assertTrue(prometheus.contains("- mlportfolio\n") && prometheus.contains("port: " + port), "Prometheus scrapes it");

        // The proxy lets every upload the server accepts through, and not much more.
        long maxFileSize = ServerSettings.fromEnvironment(environment(services.path("mlportfolio"))).maxFileSize();
        Matcher body = Pattern.compile("client_max_body_size (\\d+)m;").matcher(nginx);
        assertTrue(body.find());
        long proxyLimit = Long.parseLong(body.group(1)) << 20;
        assertTrue(proxyLimit > maxFileSize && proxyLimit <= maxFileSize + (2 << 20), proxyLimit + " vs " + maxFileSize);

        List<String> mlflow = new ArrayList<>();
        services.path("mlflow").path("command").forEach(c -> mlflow.add(c.asText()));
        assertEquals("5000", mlflow.get(mlflow.indexOf("--port") + 1));
        assertTrue(mlflow.contains("--serve-artifacts"), "artifacts are proxied, as the tracker needs");
        assertTrue(mlflow.get(mlflow.indexOf("--allowed-hosts") + 1).contains("mlflow:5000"),
                "MLflow accepts the Host header the server sends");
    }
}
