package dev.mlportfolio.core.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

import dev.mlportfolio.core.image.DecodedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
 * by a grey level or two on edges; docs/benchmarks.md records the measured difference.
 */
public final class CutlerPreprocessor {

    public ModelInput prepare(DecodedImage image) {
        return prepare(image, ResizePlan.of(image.width(), image.height()));
    }

    public ModelInput prepare(DecodedImage image, ResizePlan plan) {
        Mat source = image.bgr();
        int w = plan.width();
        int h = plan.height();
        int plane = w * h;
        ByteBuffer tensor = ByteBuffer.allocateDirect(3 * plane * Float.BYTES).order(ByteOrder.nativeOrder());
        try (Mat resized = new Mat(); Mat floats = new Mat();
             FloatPointer red = new FloatPointer(planeOf(tensor, 0, plane));
             FloatPointer green = new FloatPointer(planeOf(tensor, 1, plane));
             FloatPointer blue = new FloatPointer(planeOf(tensor, 2, plane));
             Mat redPlane = new Mat(h, w, CV_32FC1, red);
             Mat greenPlane = new Mat(h, w, CV_32FC1, green);
             Mat bluePlane = new Mat(h, w, CV_32FC1, blue);
             MatVector bgrPlanes = new MatVector(bluePlane, greenPlane, redPlane)) {
            Mat sized = source;
            if (w != source.cols() || h != source.rows()) {
                opencv_imgproc.resize(source, resized, new Size(w, h), 0, 0, plan.shrinks() ? INTER_AREA : INTER_LINEAR);
                sized = resized;
            }
            sized.convertTo(floats, CV_32F);
            // split() writes into the planes because they already have the right size and type,
            // so the channels land in the tensor buffer in R, G, B order without a Java loop.
            opencv_core.split(floats, bgrPlanes);
        }
        return new ModelInput(tensor.asFloatBuffer(), h, w);
    }

    private static FloatBuffer planeOf(ByteBuffer tensor, int index, int plane) {
        return tensor.slice(index * plane * Float.BYTES, plane * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
