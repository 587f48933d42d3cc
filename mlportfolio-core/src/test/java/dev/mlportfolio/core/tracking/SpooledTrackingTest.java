package dev.mlportfolio.core.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.MlflowTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker with a spool, against real MLflow servers: runs kept through an outage and a restart
 * of the tracker are written exactly once; a busy experiment does not starve another; a run MLflow
 * refuses for good is ended FAILED with the reason.
 */
class SpooledTrackingTest {
    private static final Duration FLUSH = Duration.ofSeconds(90);

    private static AsyncTracker tracker(String uri, Path spool, int writers, AsyncTracker.Listener listener) {
        AsyncTracker.Settings settings = AsyncTracker.Settings.defaults()
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .withWriters(writers)
                .withSpool(new SpoolSettings(spool, 64L << 20, SpoolSettings.Fsync.EVERY_SECOND));
        return new AsyncTracker(MlflowBackend.connect(MlflowConnection.of(uri).withTimeout(Duration.ofSeconds(5))),
                settings, listener);
    }

    @Test
    void runsKeptThroughAnOutageAndARestartAreWrittenExactlyOnce(@TempDir Path dir) {
        String experiment = "spooled-" + UUID.randomUUID();
        Path spool = dir.resolve("spool");
        try (MlflowTestServer server = MlflowTestServer.start(dir.resolve("mlflow"))) {
            AsyncTracker first = tracker(server.uri(), spool, 4, AsyncTracker.Listener.NONE);
            for (int i = 0; i < 10; i++) {
                first.log(RunRecord.builder(experiment, "before-" + i).metric("i", i).build());
            }
            assertTrue(first.flush(FLUSH));
            server.stop();
            for (int i = 0; i < 40; i++) {
                first.log(RunRecord.builder(experiment, "during-" + i).metric("i", i)
                        .artifact("note.txt", "text/plain", ("run " + i).getBytes()).build());
            }
            assertFalse(first.close(Duration.ofMillis(300)), "nothing can be written while MLflow is down");
            assertEquals(0, first.status().dropped(), "kept in the spool, not dropped");

            server.start();
            try (AsyncTracker second = tracker(server.uri(), spool, 4, AsyncTracker.Listener.NONE)) {
                assertTrue(second.flush(FLUSH), "the spooled runs are written after the restart: " + second.status());
                assertEquals(40, second.status().logged());
            }
            try (AsyncTracker third = tracker(server.uri(), spool, 1, AsyncTracker.Listener.NONE)) {
                assertTrue(third.flush(FLUSH));
                assertEquals(0, third.status().logged(), "nothing is written a second time");
            }
            try (MlflowBackend direct = MlflowBackend.connect(MlflowConnection.of(server.uri()))) {
                List<TrackedRun> runs = direct.searchRuns(new RunSearch(experiment, null, List.of(), 1000));
                assertEquals(50, runs.size());
                Map<String, Long> byKey = runs.stream().collect(Collectors.groupingBy(
                        r -> r.tags().get(TrackingBackend.RUN_KEY_TAG), Collectors.counting()));
                assertEquals(50, byKey.size(), "every run has its own key");
                assertTrue(runs.stream().allMatch(r -> r.status().equals("FINISHED")), "none left RUNNING");
                TrackedRun seven = runs.stream().filter(r -> r.runName().equals("during-7")).findFirst().orElseThrow();
                assertEquals(7.0, seven.metrics().get("i"));
                assertEquals("run 7", new String(direct.downloadArtifact(seven.runId(), "note.txt")));
            }
        }
    }

    @Test
    void aFloodOfOneExperimentDoesNotStarveAnother(@TempDir Path dir) {
        String rag = "rag-" + UUID.randomUUID();
        String predictions = "predictions-" + UUID.randomUUID();
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        AsyncTracker.Listener order = new AsyncTracker.Listener() {
            @Override
            public void logged(RunRecord run, Duration writeTime) {
                written.add(run.experiment());
            }
        };
        // Queued while MLflow cannot be reached (nothing listens on that port), kept in the spool,
        // then written by one writer once a tracker on the same spool can reach it.
        String nowhere = "http://127.0.0.1:" + dev.mlportfolio.core.testing.LocalPorts.free();
        AsyncTracker offline = tracker(nowhere, dir.resolve("spool"), 1, AsyncTracker.Listener.NONE);
        for (int i = 0; i < 200; i++) {
            offline.log(RunRecord.builder(rag, "q-" + i).build());
        }
        for (int i = 0; i < 10; i++) {
            offline.log(RunRecord.builder(predictions, "p-" + i).build());
        }
        offline.close(Duration.ofMillis(200));
        try (AsyncTracker tracker = tracker(MlflowTestServer.sharedUri(), dir.resolve("spool"), 1, order)) {
            assertTrue(tracker.flush(FLUSH), tracker.status().toString());
        }
        // The two experiments take turns: the ten predictions are among the first 21 runs written, not after 200 RAG runs.
        List<String> first = written.subList(0, 21);
        assertEquals(10, first.stream().filter(predictions::equals).count(), summary(first, Function.identity()));
        assertEquals(210, written.size());
    }

    @Test
    void aRunMlflowRefusesIsEndedFailedWithTheReason(@TempDir Path dir) {
        String experiment = "refused-" + UUID.randomUUID();
        try (AsyncTracker tracker = tracker(MlflowTestServer.sharedUri(), dir.resolve("spool"), 1, AsyncTracker.Listener.NONE)) {
            // MLflow refuses param names with characters outside letters, digits, _-. / and space: the
            // run is made, its data is refused.
            tracker.log(RunRecord.builder(experiment, "too-long").param("bad*name?", "x").build());
            tracker.log(RunRecord.builder(experiment, "fine").param("note", "short").build());
            assertTrue(tracker.flush(FLUSH));
            assertEquals(1, tracker.status().rejected());
            assertEquals(1, tracker.status().logged());
        }
        try (MlflowBackend direct = MlflowBackend.connect(MlflowConnection.of(MlflowTestServer.sharedUri()))) {
            List<TrackedRun> runs = direct.searchRuns(new RunSearch(experiment, null, List.of(), 10));
            TrackedRun refused = runs.stream().filter(r -> r.runName().equals("too-long")).findFirst().orElseThrow();
            assertEquals("FAILED", refused.status(), "not left RUNNING");
            assertTrue(refused.tags().getOrDefault(RunWrite.WRITE_ERROR_TAG, "").contains("HTTP 400"), refused.tags().toString());
            assertEquals("FINISHED", runs.stream().filter(r -> r.runName().equals("fine")).findFirst().orElseThrow().status());
        }
    }

    private static <T> String summary(List<T> items, Function<T, String> name) {
        return items.stream().map(name).map(s -> s.substring(0, 1)).collect(Collectors.joining());
    }
}
