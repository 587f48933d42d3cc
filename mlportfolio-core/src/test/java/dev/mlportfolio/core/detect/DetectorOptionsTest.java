package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DetectorOptionsTest {
    private final DetectorOptions defaults = DetectorOptions.of(Path.of("model.onnx"));

    @Test
    void theThresholdIsAProbabilityWithBothEndsAllowed() {
        assertEquals(0f, defaults.withConfidenceThreshold(0f).confidenceThreshold());
        assertEquals(1f, defaults.withConfidenceThreshold(1f).confidenceThreshold());
        assertThrows(IllegalArgumentException.class, () -> defaults.withConfidenceThreshold(-0.001f));
        assertThrows(IllegalArgumentException.class, () -> defaults.withConfidenceThreshold(1.001f));
        assertThrows(IllegalArgumentException.class, () -> defaults.withConfidenceThreshold(Float.NaN));
    }

    @Test
    void countsHaveTheirSmallestValuesAllowedAndOneLessRefused() {
        assertDoesNotThrow(() -> defaults.withIntraOpThreads(0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withIntraOpThreads(-1));
        assertDoesNotThrow(() -> defaults.withMaxConcurrentRuns(1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxConcurrentRuns(0));
        assertDoesNotThrow(() -> defaults.withMaxPixels(1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxPixels(0));
    }

    @Test
    void eachWitherChangesItsOwnFieldOnly() {
        assertEquals(new DetectorOptions(defaults.modelPath(), ExecutionProvider.CPU, 0.5f, 3, 4, 1000),
                defaults.withProvider(ExecutionProvider.CPU).withConfidenceThreshold(0.5f).withIntraOpThreads(3)
                        .withMaxConcurrentRuns(4).withMaxPixels(1000));
        assertEquals(new DetectorOptions(defaults.modelPath(), ExecutionProvider.AUTO, DetectorOptions.DEFAULT_THRESHOLD,
                0, 1, defaults.maxPixels()), defaults, "of(path): automatic provider, 0.35, ONNX Runtime's threads, one run");
    }
}
