package dev.mlportfolio.core.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.MlflowTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A start call whose answer is lost (the server made the run, the writer saw a timeout) must not
 * make a second run when the writer tries again: against a real MLflow server, the first
 * {@code startRun} goes through and then fails as a timeout would.
 */
class LostAnswerTest {
    @Test
    void aRetriedStartFindsTheRunTheServerMadeInsteadOfMakingASecond() {
        String experiment = "test-" + UUID.randomUUID();
        AtomicInteger starts = new AtomicInteger();
        try (MlflowBackend real = MlflowBackend.connect(MlflowConnection.of(MlflowTestServer.sharedUri()));
             AsyncTracker tracker = new AsyncTracker(new LosingFirstAnswer(MlflowBackend.connect(
                     MlflowConnection.of(MlflowTestServer.sharedUri())), starts),
                     AsyncTracker.Settings.defaults().withBackoff(Duration.ofMillis(20), Duration.ofMillis(100)),
                     AsyncTracker.Listener.NONE)) {
            tracker.log(RunRecord.builder(experiment, "once").metric("m", 1).build());
            assertTrue(tracker.flush(Duration.ofSeconds(60)), tracker.status().toString());
            assertEquals(1, starts.get(), "started once; the retry found the run");
            List<TrackedRun> runs = real.searchRuns(new RunSearch(experiment, null, List.of(), 10));
            assertEquals(1, runs.size(), "one run in MLflow");
            assertEquals("FINISHED", runs.get(0).status());
            assertEquals(1.0, runs.get(0).metrics().get("m"));
            assertEquals(1, tracker.status().logged());
        }
    }

    /** The real backend, except that the first start's answer never arrives. */
    private record LosingFirstAnswer(MlflowBackend real, AtomicInteger starts) implements TrackingBackend {
        @Override
        public StartedRun startRun(String experimentId, RunRecord run, String key) {
            StartedRun started = real.startRun(experimentId, run, key);
            if (starts.incrementAndGet() == 1) {
                throw new TrackingException(TrackingException.Kind.UNAVAILABLE, "timed out (the test lost the answer)");
            }
            return started;
        }

        @Override
        public Optional<StartedRun> findRun(String experimentId, String key) {
            return real.findRun(experimentId, key);
        }

        @Override
        public String location() {
            return real.location();
        }

        @Override
        public void ping() {
            real.ping();
        }

        @Override
        public Optional<String> experimentId(String name, boolean create) {
            return real.experimentId(name, create);
        }

        @Override
        public void logData(StartedRun run, RunRecord record) {
            real.logData(run, record);
        }

        @Override
        public void uploadArtifact(StartedRun run, RunArtifact artifact) {
            real.uploadArtifact(run, artifact);
        }

        @Override
        public void setTag(StartedRun run, String key, String value) {
            real.setTag(run, key, value);
        }

        @Override
        public void finishRun(StartedRun run, RunRecord record) {
            real.finishRun(run, record);
        }

        @Override
        public List<TrackedRun> searchRuns(RunSearch search) {
            return real.searchRuns(search);
        }

        @Override
        public RegisteredModelVersion registerModel(ModelRegistration model) {
            return real.registerModel(model);
        }

        @Override
        public byte[] downloadArtifact(String runId, String path) {
            return real.downloadArtifact(runId, path);
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
