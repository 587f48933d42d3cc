package dev.mlportfolio.server.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.testing.LocalPorts;
import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.deploy.NginxProcess;
import dev.mlportfolio.server.tasks.redis.RedisProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three packaged servers sharing their tasks through a real redis-server, behind Debian's nginx
 * with the shipped config: a client of the proxy cannot tell how many replicas there are, and no
 * accepted task is lost when a replica is killed, a replica drains, or Redis restarts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SkipEachTest.class)
class ReplicasIT {
    private static final int REPLICAS = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Big enough that a detection takes a noticeable time (decode, resize, paste, overlay), so kills land mid-task. */
    private static final byte[] IMAGE = TestSupport.image("png", 1600, 1200);
    private static final List<PackagedServer> servers = new ArrayList<>();
    private static final List<Integer> ports = new ArrayList<>();
    private static final AtomicInteger notFound = new AtomicInteger();
    private static final Map<String, String> results = new ConcurrentHashMap<>();
    private static RedisProcess redis;
    private static NginxProcess nginx;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        dir = Files.createTempDirectory("replicas-it");
        for (int i = 0; i < REPLICAS; i++) {
            ports.add(LocalPorts.free());
            servers.add(startReplica(i));
        }
        nginx = NginxProcess.start(ports);
    }

    private static PackagedServer startReplica(int i) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(ports.get(i)));
        env.put("REDIS_URL", redis.uri().toString());
        env.put("MODEL_PATH", System.getProperty("mlportfolio.testModel", "models/test-cutler-colors.onnx"));
        env.put("TASK_WORKERS", "2");
        env.put("TASK_QUEUE_SIZE", "1000");
        env.put("TASK_VISIBILITY_TIMEOUT", "3");
        env.put("SHUTDOWN_GRACE_PERIOD", "1");
        env.put("COMPUTE_THREADS", "2");
        return PackagedServer.start(Files.createDirectories(dir.resolve("replica-" + i)), env);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        servers.forEach(PackagedServer::close);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void everyTaskSubmittedThroughTheProxyCompletesAndNoPollIs404() throws Exception {
        List<String> ids = submitAll(300);
        awaitCompleted(ids, Duration.ofMinutes(5));
        assertEquals(0, notFound.get(), "no poll reached a replica that did not know the task");
        for (PackagedServer server : servers) {
            JsonNode tasks = PackagedServer.json(server.get("/health")).get("services").get("tasks");
            assertEquals("redis", tasks.get("details").get("backend").asText());
            assertTrue(tasks.get("details").get("claimed_here").asLong() > 0, "every replica ran some: " + tasks);
        }
    }

    @Test
    @Order(2)
    void killingAReplicaMidTaskLosesNothing() throws Exception {
        List<String> ids = submitAll(90);
        awaitRunningOn(servers.get(0));
        servers.get(0).kill();
        awaitCompleted(ids, Duration.ofMinutes(5));
        long retried = ids.stream().filter(id -> record(id).get("attempts").asInt() > 1).count();
        assertTrue(retried >= 1, "the task the killed replica was running was taken over and retried");
        servers.set(0, startReplica(0)); // the replica comes back on its port and rejoins
    }

    @Test
    @Order(3)
    void aDrainingReplicaHandsItsWorkToTheOthers() throws Exception {
        List<String> ids = submitAll(90);
        awaitRunningOn(servers.get(1));
        servers.get(1).terminate();
        assertTrue(servers.get(1).awaitExit(Duration.ofSeconds(30)), "drained and stopped");
        awaitCompleted(ids, Duration.ofMinutes(5));
        assertTrue(servers.get(1).log().stream().noneMatch(l -> l.contains("marked failed")), "nothing given up");
        servers.set(1, startReplica(1));
    }

    @Test
    @Order(4)
    void tasksAcceptedBeforeRedisIsKilledStillCompleteAfterItRestarts() throws Exception {
        List<String> ids = submitAll(60);
        redis.kill(); // SIGKILL: only what the append-only file was fsynced with survives
        HttpResponse<String> refused = post();
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("tasks_unavailable", PackagedServer.json(refused).get("error").asText());
        for (PackagedServer server : servers) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            HttpResponse<String> health = server.get("/health");
            while (!PackagedServer.json(health).get("services").get("tasks").get("status").asText().equals("down")) {
                assertTrue(System.nanoTime() < deadline, "the replica noticed Redis is gone: " + health.body());
                Thread.sleep(100);
                health = server.get("/health");
            }
            assertEquals(200, health.statusCode(), "degraded, not unhealthy: the sync routes still serve");
            assertEquals("degraded", PackagedServer.json(health).get("status").asText());
        }
        HttpResponse<String> sync = HTTP.send(HttpRequest.newBuilder(URI.create(nginx.url() + "/process-image?return_image=false"))
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(IMAGE)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sync.statusCode(), sync.body());
        redis.restart();
        awaitCompleted(ids, Duration.ofMinutes(5));
    }

    @Test
    @Order(5)
    void everyReplicaGivesTheSameFinalAnswer() throws Exception {
        for (Map.Entry<String, String> done : results.entrySet()) {
            for (PackagedServer server : servers) {
                HttpResponse<String> res = server.get("/task/" + done.getKey());
                assertEquals(200, res.statusCode());
                assertEquals(done.getValue(), PackagedServer.json(res).get("result").toString(), done.getKey());
            }
        }
        assertEquals(540, results.size(), "every task of every phase");
    }

    /** Submits n images from 8 clients through the proxy; returns the ids of those accepted (all must be). */
    private static List<String> submitAll(int n) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(clients.submit(() -> {
                    HttpResponse<String> res = post();
                    assertEquals(202, res.statusCode(), res.body());
                    String location = res.headers().firstValue("Location").orElseThrow();
                    return location.substring(location.lastIndexOf('/') + 1);
                }));
            }
            List<String> accepted = new ArrayList<>();
            for (Future<String> id : ids) {
                accepted.add(id.get());
            }
            return accepted;
        } finally {
            clients.shutdown();
        }
    }

    private static void awaitCompleted(List<String> ids, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        for (String id : ids) {
            while (true) {
                HttpResponse<String> res = get("/task/" + id);
                if (res.statusCode() == 404) {
                    notFound.incrementAndGet();
                }
                if (res.statusCode() == 200) {
                    JsonNode record = PackagedServer.json(res);
                    String status = record.get("status").asText();
                    if (status.equals("failed")) {
                        throw new AssertionError("task " + id + " failed: " + record);
                    }
                    if (status.equals("completed")) {
                        String previous = results.putIfAbsent(id, record.get("result").toString());
                        assertTrue(previous == null || previous.equals(record.get("result").toString()),
                                "one result per task");
                        assertTrue(record.get("result").get("success").asBoolean(), record.toString());
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("task " + id + " not completed in " + within + ": " + res.body());
                }
                Thread.sleep(50);
            }
        }
    }

    private static void awaitRunningOn(PackagedServer server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode details = PackagedServer.json(server.get("/health")).get("services").get("tasks").get("details");
            if (details.get("running_here").asInt() > 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the replica never ran a task");
    }

    private static JsonNode record(String id) {
        try {
            return PackagedServer.json(get("/task/" + id));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> post() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(nginx.url() + "/process-image/async?return_image=false"))
                .header("Content-Type", "image/png").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(IMAGE)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(nginx.url() + path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
