package dev.mlportfolio.core.detect;

/** Milliseconds spent in each stage of one detection. */
public record StageTimings(double decodeMs, double preprocessMs, double inferenceMs, double postprocessMs) {
    public double totalMs() {
        return decodeMs + preprocessMs + inferenceMs + postprocessMs;
    }
}
