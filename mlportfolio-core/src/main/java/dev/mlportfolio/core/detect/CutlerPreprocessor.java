package dev.mlportfolio.core.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;

import dev.mlportfolio.core.image.DecodedImage;
import dev.mlportfolio.core.image.PillowBilinear;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * Turns a decoded image into CutLER's input tensor the way its predictor does: resize by
 * {@link ResizePlan} (short side 800, long side at most 1333), BGR to RGB, HWC to CHW, float32
 * 0..255, no normalisation (the exported graph normalises and pads).
 *
 * <p>Resampling: detectron2 resizes with PIL's bilinear filter on 8-bit pixels (antialiased
 * when shrinking); {@link PillowBilinear} is that filter bit for bit, so the tensor equals the one
 * CutLER's own predictor builds. OpenCV's filters differ from it (INTER_AREA by up to 23 grey
 * levels on a 6000x3167 photo; docs/benchmarks.md).
 *
 * <p>Tensor buffers (12.8 MB each at the largest size) are pooled: allocating and zeroing a
 * direct buffer per image cost more than the resize.
 */
public final class CutlerPreprocessor {
    private static final int POOLED_FLOATS = 3 * ResizePlan.SHORT_SIDE * ResizePlan.MAX_LONG_SIDE;
    private static final int MAX_POOLED = 4;

    private final ConcurrentLinkedQueue<ByteBuffer> pool = new ConcurrentLinkedQueue<>();

    /** A preprocessor with an empty buffer pool; thread-safe. */
    public CutlerPreprocessor() {
    }

    /**
     * The model's input for an image, resized by detectron2's rule ({@link ResizePlan#of(int, int)}).
     *
     * @param image the decoded image
     * @return the input, to be closed once the model ran
     */
    public ModelInput prepare(DecodedImage image) {
        return prepare(image, ResizePlan.of(image.width(), image.height()));
    }

    /**
     * The model's input for an image resized as planned.
     *
     * @param image the decoded image
     * @param plan  the size to resize to
     * @return the input, to be closed once the model ran
     */
    public ModelInput prepare(DecodedImage image, ResizePlan plan) {
        Mat source = image.bgr();
        int w = plan.width();
        int h = plan.height();
        int plane = w * h;
        ByteBuffer buffer = take(3 * plane);
        // An image already at the planned size (short side 800) is split as it is, not copied first.
        boolean same = w == source.cols() && h == source.rows();
        try (Mat resized = same ? null : PillowBilinear.resize(source, w, h); MatVector bgr = new MatVector()) {
            opencv_core.split(same ? source : resized, bgr);
            // Each 8-bit channel converts straight into its place in the tensor: R, G, B planes.
            for (int channel = 0; channel < 3; channel++) {
                int target = 2 - channel;
                try (FloatPointer data = new FloatPointer(planeOf(buffer, target, plane));
                     Mat destination = new Mat(h, w, CV_32FC1, data)) {
                    bgr.get(channel).convertTo(destination, CV_32F);
                }
            }
        }
        ByteBuffer tensor = buffer.duplicate().order(ByteOrder.nativeOrder()).limit(3 * plane * Float.BYTES);
        return new ModelInput(tensor.slice().order(ByteOrder.nativeOrder()).asFloatBuffer(), h, w, () -> give(buffer));
    }

    private ByteBuffer take(int floats) {
        if (floats > POOLED_FLOATS) {
            return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
        }
        ByteBuffer reused = pool.poll();
        return reused != null ? reused : ByteBuffer.allocateDirect(POOLED_FLOATS * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    // The size check races with other threads and may keep a buffer or two more; that is harmless.
    /** {@return buffers waiting to be reused (for tests that check a closed input's buffer comes back)} */
    int pooled() {
        return pool.size();
    }

    private void give(ByteBuffer buffer) {
        if (buffer.capacity() == POOLED_FLOATS * Float.BYTES && pool.size() < MAX_POOLED) {
            pool.offer(buffer);
        }
    }

    private static FloatBuffer planeOf(ByteBuffer buffer, int index, int plane) {
        return buffer.slice(index * plane * Float.BYTES, plane * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
