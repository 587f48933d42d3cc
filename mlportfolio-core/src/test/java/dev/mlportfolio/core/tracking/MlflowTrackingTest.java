package dev.mlportfolio.core.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.LocalPorts;
import dev.mlportfolio.core.testing.MlflowTestServer;
import dev.mlportfolio.core.testing.SkipEachTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The tracker and the MLflow backend against a real MLflow server. */
@ExtendWith(SkipEachTest.class)
class MlflowTrackingTest {
    private static final Duration FLUSH = Duration.ofSeconds(60);
    private static MlflowBackend backend;

    @BeforeAll
    static void connect() {
        backend = MlflowBackend.connect(MlflowConnection.of(MlflowTestServer.sharedUri()));
    }

    @AfterAll
    static void disconnect() {
        if (backend != null) { // null when connect() skipped the class: no MLflow on this machine
            backend.close();
        }
    }

    private static String experiment() {
        return "test-" + UUID.randomUUID();
    }

    private static AsyncTracker tracker(String uri, AsyncTracker.Settings settings, AsyncTracker.Listener listener) {
        return new AsyncTracker(MlflowBackend.connect(MlflowConnection.of(uri).withTimeout(Duration.ofSeconds(5))),
                settings, listener);
    }

    private static AsyncTracker.Settings fastRetries() {
        return AsyncTracker.Settings.defaults().withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    @Test
    void runArrivesWithParamsMetricsTagsAndArtifacts() {
        String experiment = experiment();
        byte[] overlay = new byte[70_000];
        new java.util.Random(7).nextBytes(overlay);
        byte[] instances = "[{\"score\":0.9}]".getBytes(StandardCharsets.UTF_8);
        Instant start = Instant.parse("2026-01-02T03:04:05.678Z");
        RunRecord record = RunRecord.builder(experiment, "cutler-prediction")
                .time(start, start.plusMillis(42))
                .param("model_name", "cutler")
                .param("confidence_threshold", 0.35)
                .param("skipped", null)
                .metric("prediction_time_ms", 41.5)
                .metric("num_instances_detected", 3)
                .metric("not_a_number", Double.NaN)
                .tag("request_id", "req-1")
                .artifact("prediction/overlay.jpg", "image/jpeg", overlay)
                .artifact("prediction/instances.json", "application/json", instances)
                .build();
        try (AsyncTracker tracker = tracker(MlflowTestServer.sharedUri(), fastRetries(), AsyncTracker.Listener.NONE)) {
            tracker.log(record);
            assertTrue(tracker.flush(FLUSH), "the run was not written in time: " + tracker.status());
            assertEquals(1, tracker.status().logged());
        }

        List<TrackedRun> runs = backend.searchRuns(new RunSearch(experiment, null, List.of(), 10));
        assertEquals(1, runs.size());
        TrackedRun run = runs.get(0);
        assertEquals("cutler-prediction", run.runName());
        assertEquals("FINISHED", run.status());
        assertEquals(start, run.startTime());
        assertEquals(start.plusMillis(42), run.endTime());
        assertEquals(Map.of("model_name", "cutler", "confidence_threshold", "0.35"), run.params());
        assertEquals(Map.of("prediction_time_ms", 41.5, "num_instances_detected", 3.0), run.metrics());
        assertEquals("req-1", run.tags().get("request_id"));
        assertArrayEquals(overlay, backend.downloadArtifact(run.runId(), "prediction/overlay.jpg"));
        assertArrayEquals(instances, backend.downloadArtifact(run.runId(), "prediction/instances.json"));
    }

    @Test
    void failedRunsAreMarkedFailed() {
        String experiment = experiment();
        try (AsyncTracker tracker = tracker(MlflowTestServer.sharedUri(), fastRetries(), AsyncTracker.Listener.NONE)) {
            tracker.log(RunRecord.builder(experiment, "broken").outcome(RunOutcome.FAILED).tag("error", "boom").build());
            assertTrue(tracker.flush(FLUSH));
        }
        TrackedRun run = backend.searchRuns(new RunSearch(experiment, null, List.of(), 10)).get(0);
        assertEquals("FAILED", run.status());
    }

    @Test
    void largeRecordsAreSplitIntoSeveralBatches() {
        String experiment = experiment();
        RunRecord.Builder builder = RunRecord.builder(experiment, "wide");
        for (int i = 0; i < 250; i++) {
            builder.param("p" + i, i).metric("m" + i, i * 0.5);
        }
        try (AsyncTracker tracker = tracker(MlflowTestServer.sharedUri(), fastRetries(), AsyncTracker.Listener.NONE)) {
            tracker.log(builder.build());
            assertTrue(tracker.flush(FLUSH));
            assertEquals(0, tracker.status().rejected());
        }
        TrackedRun run = backend.searchRuns(new RunSearch(experiment, null, List.of(), 10)).get(0);
        assertEquals(250, run.params().size());
        assertEquals(250, run.metrics().size());
        assertEquals("249", run.params().get("p249"));
        assertEquals(124.5, run.metrics().get("m249"));
    }

    @Test
    void searchFiltersOrdersAndLimits() {
        String experiment = experiment();
        try (AsyncTracker tracker = tracker(MlflowTestServer.sharedUri(), fastRetries(), AsyncTracker.Listener.NONE)) {
            for (int i = 0; i < 6; i++) {
                tracker.log(RunRecord.builder(experiment, "run-" + i).metric("n", i).param("parity", i % 2 == 0 ? "even" : "odd").build());
            }
            assertTrue(tracker.flush(FLUSH));
        }
        List<TrackedRun> even = backend.searchRuns(new RunSearch(experiment, "params.parity = 'even'",
                List.of("metrics.n DESC"), 10));
        assertEquals(List.of("run-4", "run-2", "run-0"), even.stream().map(TrackedRun::runName).toList());
        assertEquals(2, backend.searchRuns(new RunSearch(experiment, "metrics.n >= 1", List.of(), 2)).size());

        TrackingException bad = assertThrows(TrackingException.class, () ->
                backend.searchRuns(new RunSearch(experiment, "metrics.n >>> 1", List.of(), 10)));
        assertEquals(TrackingException.Kind.REJECTED, bad.kind());
        TrackingException missing = assertThrows(TrackingException.class, () ->
                backend.searchRuns(new RunSearch("no-such-" + UUID.randomUUID(), null, List.of(), 10)));
        assertEquals(TrackingException.Kind.NOT_FOUND, missing.kind());
    }

    @Test
    void registryHoldsOneVersionPerDistinctFile(@TempDir Path dir) throws Exception {
        String name = "model-" + UUID.randomUUID();
        Path first = Files.write(dir.resolve("a.onnx"), new byte[]{1, 2, 3});
        Path second = Files.write(dir.resolve("b.onnx"), new byte[]{4, 5, 6, 7});
        String experiment = experiment();
        try (AsyncTracker tracker = tracker(MlflowTestServer.sharedUri(), fastRetries(), AsyncTracker.Listener.NONE)) {
            RegisteredModelVersion v1 = tracker.register(new ModelRegistration(name, first, "a".repeat(64), experiment,
                    "first", Map.of("provider", "cpu"))).get(60, TimeUnit.SECONDS);
            RegisteredModelVersion again = tracker.register(new ModelRegistration(name, first, "a".repeat(64), experiment,
                    "first", Map.of())).get(60, TimeUnit.SECONDS);
            RegisteredModelVersion v2 = tracker.register(new ModelRegistration(name, second, "b".repeat(64), experiment,
                    "second", Map.of())).get(60, TimeUnit.SECONDS);

            assertEquals("1", v1.version());
            assertTrue(v1.created());
            assertEquals("1", again.version());
            assertFalse(again.created());
            assertEquals("2", v2.version());
            assertTrue(v2.created());
            assertTrue(v1.source().startsWith("mlflow-artifacts:/") && v1.source().endsWith("/model"), v1.source());
            assertArrayEquals(new byte[]{4, 5, 6, 7}, backend.downloadArtifact(v2.runId(), "model/b.onnx"));
        }
    }

    @Test
    void nothingIsLostWhileTheServerIsDown(@TempDir Path dir) {
        String experiment = experiment();
        try (MlflowTestServer server = MlflowTestServer.start(dir)) {
            try (AsyncTracker tracker = tracker(server.uri(), fastRetries(), AsyncTracker.Listener.NONE)) {
                tracker.log(RunRecord.builder(experiment, "before").build());
                assertTrue(tracker.flush(FLUSH));

                server.stop();
                for (int i = 0; i < 25; i++) {
                    tracker.log(RunRecord.builder(experiment, "during-" + i).metric("i", i)
                            .artifact("note.txt", "text/plain", ("run " + i).getBytes(StandardCharsets.UTF_8)).build());
                }
                waitFor(() -> tracker.status().state() == TrackerStatus.State.DOWN);
                assertFalse(tracker.flush(Duration.ofMillis(300)), "nothing can be written while the server is down");
                assertTrue(tracker.status().backlog() > 0);
                assertNotNull(tracker.status().lastError());

                server.start();
                assertTrue(tracker.flush(FLUSH), "the backlog was not written after the server came back: " + tracker.status());
                assertEquals(TrackerStatus.State.UP, tracker.status().state());
                assertEquals(26, tracker.status().logged());
                assertEquals(0, tracker.status().dropped());
            }
            try (MlflowBackend direct = MlflowBackend.connect(MlflowConnection.of(server.uri()))) {
                List<TrackedRun> runs = direct.searchRuns(new RunSearch(experiment, null, List.of(), 100));
                assertEquals(26, runs.size());
                assertTrue(runs.stream().allMatch(r -> r.status().equals("FINISHED")));
                TrackedRun seven = runs.stream().filter(r -> r.runName().equals("during-7")).findFirst().orElseThrow();
                assertEquals(7.0, seven.metrics().get("i"));
                assertEquals("run 7", new String(direct.downloadArtifact(seven.runId(), "note.txt"), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aFullQueueDropsTheOldestAndCountsIt() {
        java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
        AsyncTracker.Listener listener = new AsyncTracker.Listener() {
            @Override
            public void dropped(String reason, int runs) {
                dropped.addAndGet(runs);
            }
        };
        // Nothing listens on this port: every write fails and is retried, so the queue only fills.
        String nowhere = "http://127.0.0.1:" + LocalPorts.free();
        AsyncTracker tracker = tracker(nowhere, fastRetries().withQueueCapacity(5).withWriters(1), listener);
        for (int i = 0; i < 12; i++) {
            tracker.log(RunRecord.builder("x", "run-" + i).build());
        }
        TrackerStatus status = tracker.status();
        // Five wait in the queue; the one writer may hold a sixth while it retries.
        assertTrue(status.backlog() <= 6 && status.backlog() >= 5, "backlog " + status.backlog());
        assertEquals(12 - status.backlog(), status.dropped());
        assertEquals(status.dropped(), dropped.get());

        assertFalse(tracker.close(Duration.ofMillis(200)));
        assertEquals(12, tracker.status().dropped(), "what is left at shutdown is counted too");
        assertEquals(12, dropped.get());
    }

    @Test
    void theArtifactByteBudgetStripsArtifactsButKeepsRuns() {
        String nowhere = "http://127.0.0.1:" + LocalPorts.free();
        AsyncTracker tracker = tracker(nowhere, fastRetries().withMaxArtifactBytes(2_500).withWriters(1),
                AsyncTracker.Listener.NONE);
        // The one writer may hold one run; the other five wait, 5,000 bytes against a 2,500 budget.
        for (int i = 0; i < 6; i++) {
            tracker.log(RunRecord.builder("x", "run-" + i).artifact("a.bin", "application/octet-stream", new byte[1000]).build());
        }
        TrackerStatus status = tracker.status();
        assertTrue(status.artifactBytes() <= 2_500, "bytes " + status.artifactBytes());
        assertTrue(status.artifactsDropped() >= 3, "stripped " + status.artifactsDropped());
        assertEquals(0, status.dropped());
        tracker.close(Duration.ofMillis(100));
    }

    @Test
    void aLongBacklogIsDegradedAndCloseWritesItWithinTheGracePeriod() {
        String experiment = experiment();
        AsyncTracker tracker = tracker(MlflowTestServer.sharedUri(), fastRetries().withDegradedBacklog(10), AsyncTracker.Listener.NONE);
        for (int i = 0; i < 40; i++) {
            tracker.log(RunRecord.builder(experiment, "r" + i).build());
        }
        assertEquals(TrackerStatus.State.DEGRADED, tracker.status().state());
        assertTrue(tracker.close(Duration.ofSeconds(60)));
        assertEquals(40, tracker.status().logged());
        assertEquals(40, backend.searchRuns(new RunSearch(experiment, null, List.of(), 100)).size());
        tracker.log(RunRecord.builder(experiment, "after close").build());
        assertEquals(1, tracker.status().dropped());
    }

    @Test
    void badSettingsAreRefusedWithAClearMessage() {
        IllegalArgumentException local = assertThrows(IllegalArgumentException.class, () -> MlflowConnection.of("file:///tmp/mlruns"));
        assertTrue(local.getMessage().contains("http(s)"), local.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MlflowConnection.of("sqlite:///mlflow.db"));
        assertThrows(IllegalArgumentException.class, () -> MlflowConnection.of("http://h:5000").withBasicAuth("u", null));
        assertThrows(IllegalArgumentException.class, () -> new RunArtifact("../escape", "text/plain", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new RunArtifact("/abs", "text/plain", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new RunSearch("e", null, List.of(), 1001));
        assertEquals("http://h:5000", MlflowConnection.of("http://h:5000/").trackingUri().toString());
    }

    @Test
    void artifactUrlsFollowTheServersProxyScheme() {
        try (MlflowBackend b = MlflowBackend.connect(MlflowConnection.of("http://10.0.0.1:5000"))) {
            assertEquals("http://10.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts/x/y.json",
                    b.artifactUrl("mlflow-artifacts:/3/abc/artifacts", "x/y.json").toString());
            assertEquals("http://other:7000/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts/y.json",
                    b.artifactUrl("mlflow-artifacts://other:7000/3/abc/artifacts", "y.json").toString());
            TrackingException s3 = assertThrows(TrackingException.class, () -> b.artifactUrl("s3://bucket/3/abc", "y.json"));
            assertEquals(TrackingException.Kind.REJECTED, s3.kind());
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertNotEquals(true, System.nanoTime() > deadline, "condition not met within 30 s");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
