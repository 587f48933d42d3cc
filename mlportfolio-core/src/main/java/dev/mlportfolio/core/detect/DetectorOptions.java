package dev.mlportfolio.core.detect;

import dev.mlportfolio.core.image.ImageDecoder;
import java.nio.file.Path;

/**
 * How to open a {@link CutlerDetector}.
 *
 * @param modelPath           the exported ONNX file (see models/README.md)
 * @param provider            {@code AUTO} (CUDA when it loads, else CPU), {@code CPU} or {@code CUDA}
 * @param confidenceThreshold instances scoring at or below this are dropped; CutLER's demo uses 0.35
 * @param intraOpThreads      ONNX Runtime threads per inference; 0 lets ONNX Runtime choose
 * @param maxConcurrentRuns   inferences allowed at once; more wait (activations of the real model are large)
 * @param maxPixels           images declaring more pixels are refused before decoding
 */
public record DetectorOptions(Path modelPath, ExecutionProvider provider, float confidenceThreshold,
                              int intraOpThreads, int maxConcurrentRuns, long maxPixels) {
    /** CutLER's demo threshold. */
    public static final float DEFAULT_THRESHOLD = 0.35f;

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException when the threshold is outside [0, 1], threads are negative or
     *         the run or pixel limit is below 1
     */
    public DetectorOptions {
        if (!(confidenceThreshold >= 0 && confidenceThreshold <= 1)) {
            throw new IllegalArgumentException("confidenceThreshold must be in [0, 1]");
        }
        if (intraOpThreads < 0 || maxConcurrentRuns < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("intraOpThreads >= 0, maxConcurrentRuns >= 1 and maxPixels >= 1");
        }
    }

    /**
     * Defaults for a model file: automatic provider, threshold 0.35, one run at a time, 50 megapixels.
     *
     * @param modelPath the exported ONNX file
     * @return the options
     */
    public static DetectorOptions of(Path modelPath) {
        return new DetectorOptions(modelPath, ExecutionProvider.AUTO, DEFAULT_THRESHOLD, 0, 1,
                ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /**
     * A copy with another execution provider.
     *
     * @param value the provider
     * @return the new options
     */
    public DetectorOptions withProvider(ExecutionProvider value) {
        return new DetectorOptions(modelPath, value, confidenceThreshold, intraOpThreads, maxConcurrentRuns, maxPixels);
    }

    /**
     * A copy with another confidence threshold.
     *
     * @param value the threshold, in [0, 1]
     * @return the new options
     */
    public DetectorOptions withConfidenceThreshold(float value) {
        return new DetectorOptions(modelPath, provider, value, intraOpThreads, maxConcurrentRuns, maxPixels);
    }

    /**
     * A copy with another number of ONNX Runtime threads per inference.
     *
     * @param value the threads; 0 lets ONNX Runtime choose
     * @return the new options
     */
    public DetectorOptions withIntraOpThreads(int value) {
        return new DetectorOptions(modelPath, provider, confidenceThreshold, value, maxConcurrentRuns, maxPixels);
    }

    /**
     * A copy with another limit on inferences at once.
     *
     * @param value the runs, at least 1
     * @return the new options
     */
    public DetectorOptions withMaxConcurrentRuns(int value) {
        return new DetectorOptions(modelPath, provider, confidenceThreshold, intraOpThreads, value, maxPixels);
    }

    /**
     * A copy with another pixel limit for images.
     *
     * @param value the pixels, at least 1
     * @return the new options
     */
    public DetectorOptions withMaxPixels(long value) {
        return new DetectorOptions(modelPath, provider, confidenceThreshold, intraOpThreads, maxConcurrentRuns, value);
    }
}
