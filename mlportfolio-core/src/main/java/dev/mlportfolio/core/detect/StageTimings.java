package dev.mlportfolio.core.detect;

/**
 * Milliseconds spent in each stage of one detection.
 *
 * @param decodeMs      decoding the image file (0 when the caller decoded it)
 * @param preprocessMs  resizing and building the model's input
 * @param inferenceMs   the ONNX Runtime session's run
 * @param postprocessMs thresholding, mask pasting and boxes
 */
public record StageTimings(double decodeMs, double preprocessMs, double inferenceMs, double postprocessMs) {
    /**
     * All stages together.
     *
     * @return the sum, in milliseconds
     */
    public double totalMs() {
        return decodeMs + preprocessMs + inferenceMs + postprocessMs;
    }
}
