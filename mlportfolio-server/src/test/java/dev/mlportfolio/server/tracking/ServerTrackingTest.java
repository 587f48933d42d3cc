package dev.mlportfolio.server.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.health.ComponentHealth;
import dev.mlportfolio.server.metrics.ServerMetrics;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The server's tracking switch and artifact sampling; no MLflow server is contacted. */
class ServerTrackingTest {
    private static ServerTracking start(String... env) {
        return ServerTracking.start(TestSupport.settings(env), new ServerMetrics(), null);
    }

    private static long sampled(ServerTracking tracking, int draws) {
        return IntStream.range(0, draws).filter(i -> tracking.sampleArtifacts()).count();
    }

    @Test
    void withoutATrackingUriEverythingIsOffAndSaysWhy() {
        ServerTracking tracking = start();
        assertFalse(tracking.enabled());
        assertTrue(tracking.reader().isEmpty());
        assertNull(tracking.registryInfo());
        assertFalse(tracking.sampleArtifacts());
        assertEquals(ComponentHealth.Status.UNAVAILABLE, tracking.check().status());
        assertTrue(tracking.check().message().contains("MLFLOW_TRACKING_URI"));
        assertTrue(tracking.flush(Duration.ZERO));
        tracking.close();
    }

    @Test
    void theSampleRateDecidesWhichPredictionsKeepArtifacts() {
        // Port 9 (discard) on loopback: nothing listens, and nothing is logged in this test.
        try (ServerTracking none = start("MLFLOW_TRACKING_URI", "http://127.0.0.1:9", "MLFLOW_ARTIFACT_SAMPLE_RATE", "0");
             ServerTracking all = start("MLFLOW_TRACKING_URI", "http://127.0.0.1:9", "MLFLOW_ARTIFACT_SAMPLE_RATE", "1");
             ServerTracking tenth = start("MLFLOW_TRACKING_URI", "http://127.0.0.1:9", "MLFLOW_ARTIFACT_SAMPLE_RATE", "0.1")) {
            assertEquals(0, sampled(none, 10_000));
            assertEquals(10_000, sampled(all, 10_000));
            long some = sampled(tenth, 10_000);
            // Binomial(10000, 0.1): the mean is 1000 and the standard deviation 30.
            assertTrue(some > 800 && some < 1200, "sampled " + some);
        }
    }

    @Test
    void aSpoolFolderInUseByAnotherServerFallsBackToMemoryAndSaysSo() throws Exception {
        String spool = java.nio.file.Files.createTempDirectory("shared-spool").toString();
        try (ServerTracking first = start("MLFLOW_TRACKING_URI", "http://127.0.0.1:9", "MLFLOW_SPOOL_DIR", spool);
             ServerTracking second = start("MLFLOW_TRACKING_URI", "http://127.0.0.1:9", "MLFLOW_SPOOL_DIR", spool)) {
            assertTrue(first.status().orElseThrow().spooled(), "the first server holds the folder");
            assertFalse(second.status().orElseThrow().spooled(), "the second keeps its runs in memory instead of sharing it");
            assertEquals(Boolean.TRUE, first.check().details().get("spooled"));
            assertEquals(Boolean.FALSE, second.check().details().get("spooled"));
        }
        try (ServerTracking memory = start("MLFLOW_TRACKING_URI", "http://127.0.0.1:9", "MLFLOW_SPOOL_DIR", "off")) {
            assertFalse(memory.status().orElseThrow().spooled());
        }
    }
}
