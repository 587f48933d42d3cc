package dev.mlportfolio.core.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

import dev.mlportfolio.core.image.DecodedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns a decoded image into CutLER's input tensor the way its predictor does: resize by
 * {@link ResizePlan} (short side 800, long side at most 1333), BGR to RGB, HWC to CHW, float32
 * 0..255, no normalisation (the exported graph normalises and pads).
 *
 * <p>Resampling: detectron2 resizes with PIL's bilinear filter, which widens its support when
 * shrinking (an antialiased, area-aware triangle filter). OpenCV's INTER_LINEAR does not, and
 * aliases badly when shrinking a 4000-pixel photo to 1333. This uses INTER_AREA when shrinking
 * (area-aware like PIL, native and about as fast as INTER_LINEAR) and INTER_LINEAR when enlarging
 * (where PIL's bilinear is plain bilinear too). INTER_AREA's box filter differs from PIL's triangle
 * by a few grey levels on edges; docs/benchmarks.md records the measured difference.
 *
 * <p>Tensor buffers (12.8 MB each at the largest size) are pooled: allocating and zeroing a
 * direct buffer per image cost more than the resize.
 */
public final class CutlerPreprocessor {
    private static final int POOLED_FLOATS = 3 * ResizePlan.SHORT_SIDE * ResizePlan.MAX_LONG_SIDE;
    private static final int MAX_POOLED = 4;

    private final ConcurrentLinkedQueue<ByteBuffer> pool = new ConcurrentLinkedQueue<>();

    public ModelInput prepare(DecodedImage image) {
        return prepare(image, ResizePlan.of(image.width(), image.height()));
    }

    public ModelInput prepare(DecodedImage image, ResizePlan plan) {
        Mat source = image.bgr();
        int w = plan.width();
        int h = plan.height();
        int plane = w * h;
        ByteBuffer buffer = take(3 * plane);
        try (Mat resized = new Mat(); MatVector bgr = new MatVector()) {
            Mat sized = source;
            if (w != source.cols() || h != source.rows()) {
                opencv_imgproc.resize(source, resized, new Size(w, h), 0, 0, plan.shrinks() ? INTER_AREA : INTER_LINEAR);
                sized = resized;
            }
            opencv_core.split(sized, bgr);
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
    private void give(ByteBuffer buffer) {
        if (buffer.capacity() == POOLED_FLOATS * Float.BYTES && pool.size() < MAX_POOLED) {
            pool.offer(buffer);
        }
    }

    private static FloatBuffer planeOf(ByteBuffer buffer, int index, int plane) {
        return buffer.slice(index * plane * Float.BYTES, plane * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
