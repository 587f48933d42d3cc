package dev.mlportfolio.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.ServerSettings;
import dev.mlportfolio.server.TestSupport;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of {@code deploy/k8s} without a cluster (none runs here): every manifest
 * parses and is listed by the kustomization, selectors and names line up, the probes hit routes
 * the server answers, the settings are ones the server reads and accepts, and the termination
 * grace covers the preStop pause plus the server's own shutdown grace period.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Tools.ROOT.resolve("deploy/k8s");
    private static final YAMLMapper YAML = new YAMLMapper();

    private static List<JsonNode> documents() throws IOException {
        List<JsonNode> all = new ArrayList<>();
        for (String file : kustomizationResources()) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(K8S.resolve(file).toFile())) {
                docs.forEachRemaining(d -> {
                    if (!d.isEmpty()) {
                        all.add(d);
                    }
                });
            }
        }
        return all;
    }

    private static List<String> kustomizationResources() throws IOException {
        List<String> files = new ArrayList<>();
        YAML.readTree(K8S.resolve("kustomization.yaml").toFile()).path("resources").forEach(r -> files.add(r.asText()));
        return files;
    }

    private static JsonNode one(String kind, String name) throws IOException {
        return documents().stream()
                .filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static Map<String, String> configMap() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        one("ConfigMap", "mlportfolio").path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    private static JsonNode serverContainer() throws IOException {
        return one("Deployment", "mlportfolio").path("spec").path("template").path("spec").path("containers").get(0);
    }

    @Test
    void theKustomizationListsEveryManifestAndEveryKindIsThere() throws IOException {
        Set<String> onDisk = new HashSet<>();
        try (Stream<Path> files = Files.list(K8S)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .forEach(onDisk::add);
        }
        assertEquals(onDisk, new HashSet<>(kustomizationResources()));
        Set<String> kinds = new HashSet<>();
        documents().forEach(d -> kinds.add(d.path("kind").asText() + "/" + d.path("metadata").path("name").asText()));
        assertEquals(Set.of("ConfigMap/mlportfolio", "Deployment/mlportfolio", "Service/mlportfolio",
                "HorizontalPodAutoscaler/mlportfolio", "PodDisruptionBudget/mlportfolio", "Service/redis",
                "StatefulSet/redis", "PersistentVolumeClaim/mlportfolio-models"), kinds);
    }

    @Test
    void theSettingsAreOnesTheServerReadsAndAccepts() throws IOException {
        Map<String, String> env = configMap();
        Set<String> known = Tools.serverVariables();
        env.keySet().forEach(name -> assertTrue(known.contains(name), name + " is not a variable the server reads"));
        ServerSettings settings = ServerSettings.fromEnvironment(env);
        assertEquals("0.0.0.0", settings.host());
        URI redis = settings.tasks().redisUrl().orElseThrow(() -> new AssertionError("replicas need REDIS_URL"));
        JsonNode redisService = one("Service", "redis");
        assertEquals(redisService.path("metadata").path("name").asText(), redis.getHost(), "REDIS_URL names the Redis service");
        assertEquals(redisService.path("spec").path("ports").get(0).path("port").asInt(), redis.getPort());
        assertEquals("mlportfolio", serverContainer().path("envFrom").get(0).path("configMapRef").path("name").asText());
    }

    @Test
    void probesHitRoutesTheServerAnswersOnItsPort() throws Exception {
        JsonNode container = serverContainer();
        int port = ServerSettings.fromEnvironment(configMap()).port();
        assertEquals(port, container.path("ports").get(0).path("containerPort").asInt());
        String portName = container.path("ports").get(0).path("name").asText();
        Application app = Application.create(TestSupport.settings());
        WebServer server = WebServer.builder().update(app::configure).build().start();
        try {
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                JsonNode get = container.path(probe).path("httpGet");
                assertEquals(portName, get.path("port").asText(), probe + " uses the server's port");
                int status = Tools.get("http://127.0.0.1:" + server.port() + get.path("path").asText()).statusCode();
                assertEquals(200, status, probe + " " + get.path("path").asText());
            }
        } finally {
            server.stop();
            app.close();
        }
        assertEquals("/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText(),
                "readiness is the probe that turns 503 while draining");
        JsonNode service = one("Service", "mlportfolio").path("spec");
        assertEquals(portName, service.path("ports").get(0).path("targetPort").asText());
    }

    @Test
    void terminationGraceCoversThePreStopPauseAndTheServersDrain() throws IOException {
        JsonNode pod = one("Deployment", "mlportfolio").path("spec").path("template").path("spec");
        List<String> preStop = new ArrayList<>();
        serverContainer().path("lifecycle").path("preStop").path("exec").path("command").forEach(c -> preStop.add(c.asText()));
        assertEquals("sleep", preStop.get(0));
        long pause = Long.parseLong(preStop.get(1));
        long drain = ServerSettings.fromEnvironment(configMap()).shutdownGracePeriod().toSeconds();
        long grace = pod.path("terminationGracePeriodSeconds").asLong();
        assertTrue(grace >= pause + drain + 10, "grace " + grace + " s covers " + pause + " s + " + drain
                + " s + 10 s for the tracking flush and exit");
    }

    @Test
    void selectorsMatchThePodsAndEveryPodHasResources() throws IOException {
        JsonNode deployment = one("Deployment", "mlportfolio");
        JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
        assertEquals(labels, deployment.path("spec").path("selector").path("matchLabels"));
        assertEquals(labels, one("Service", "mlportfolio").path("spec").path("selector"));
        assertEquals(labels, one("PodDisruptionBudget", "mlportfolio").path("spec").path("selector").path("matchLabels"));
        JsonNode hpa = one("HorizontalPodAutoscaler", "mlportfolio").path("spec");
        assertEquals("Deployment", hpa.path("scaleTargetRef").path("kind").asText());
        assertEquals("mlportfolio", hpa.path("scaleTargetRef").path("name").asText());
        assertTrue(hpa.path("minReplicas").asInt() >= 2, "at least two replicas");
        assertTrue(one("PodDisruptionBudget", "mlportfolio").path("spec").path("minAvailable").asInt()
                < hpa.path("minReplicas").asInt(), "a drain can still evict a pod");
        JsonNode redis = one("StatefulSet", "redis");
        assertEquals(redis.path("spec").path("template").path("metadata").path("labels"),
                one("Service", "redis").path("spec").path("selector"));
        for (JsonNode workload : List.of(deployment, redis)) {
            for (JsonNode container : workload.path("spec").path("template").path("spec").path("containers")) {
                JsonNode resources = container.path("resources");
                for (String field : List.of("requests", "limits")) {
                    assertFalse(resources.path(field).path("cpu").isMissingNode(), container.path("name") + " " + field);
                    assertFalse(resources.path(field).path("memory").isMissingNode(), container.path("name") + " " + field);
                }
            }
        }
        assertTrue(deployment.path("spec").path("template").path("spec").path("securityContext").path("runAsNonRoot").asBoolean());
    }

    @Test
    void redisKeepsWhatWasAcceptedAndNeverEvictsTasks() throws IOException {
        JsonNode redis = one("StatefulSet", "redis").path("spec");
        List<String> args = new ArrayList<>();
        redis.path("template").path("spec").path("containers").get(0).path("args").forEach(a -> args.add(a.asText()));
        assertEquals("yes", args.get(args.indexOf("--appendonly") + 1));
        assertEquals("always", args.get(args.indexOf("--appendfsync") + 1));
        assertEquals("noeviction", args.get(args.indexOf("--maxmemory-policy") + 1));
        assertEquals("/data", redis.path("template").path("spec").path("containers").get(0).path("volumeMounts").get(0)
                .path("mountPath").asText());
        assertEquals("data", redis.path("volumeClaimTemplates").get(0).path("metadata").path("name").asText(),
                "on a persistent volume");
    }
}
