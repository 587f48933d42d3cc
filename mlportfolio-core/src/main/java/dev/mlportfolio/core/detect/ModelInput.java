package dev.mlportfolio.core.detect;

import java.nio.FloatBuffer;

/**
 * The tensor CutLER takes: float32 {@code [3, height, width]}, RGB planes, values 0..255, not
 * normalised. The buffer is direct so ONNX Runtime reads it without a copy.
 */
public record ModelInput(FloatBuffer chw, int height, int width) {
    public long[] shape() {
        return new long[] {3, height, width};
    }
}
