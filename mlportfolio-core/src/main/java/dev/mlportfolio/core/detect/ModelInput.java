package dev.mlportfolio.core.detect;

import java.nio.FloatBuffer;

/**
 * The tensor CutLER takes: float32 {@code [3, height, width]}, RGB planes, values 0..255, not
 * normalised. The buffer is direct so ONNX Runtime reads it without a copy; closing the input
 * hands the buffer back to the preprocessor for the next image.
 */
public final class ModelInput implements AutoCloseable {
    private final FloatBuffer chw;
    private final int height;
    private final int width;
    private final Runnable release;

    ModelInput(FloatBuffer chw, int height, int width, Runnable release) {
        this.chw = chw;
        this.height = height;
        this.width = width;
        this.release = release;
    }

    /** {@return the tensor's values, plane by plane} */
    public FloatBuffer chw() {
        return chw;
    }

    /** {@return the tensor's height} */
    public int height() {
        return height;
    }

    /** {@return the tensor's width} */
    public int width() {
        return width;
    }

    /** {@return the tensor's shape, {@code [3, height, width]}} */
    public long[] shape() {
        return new long[] {3, height, width};
    }

    /** Returns the buffer for reuse; the input must not be used afterwards. */
    @Override
    public void close() {
        release.run();
    }
}
