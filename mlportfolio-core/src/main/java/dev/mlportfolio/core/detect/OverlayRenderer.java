package dev.mlportfolio.core.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_PNG_COMPRESSION;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;

import dev.mlportfolio.core.image.DecodedImage;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Draws detections over the image the way CutLER's demo shows them: each mask tinted at half
 * opacity in its own colour (where masks overlap, the later one's colour shows), its box outlined,
 * and a label such as {@code fg 87%}; then encodes the picture as JPEG or PNG.
 */
public final class OverlayRenderer {
    /** Encodings the overlay can be returned in. */
    public enum Format {
        /** JPEG at quality 90. */
        JPEG(".jpg", "image/jpeg"),
        /** PNG. */
        PNG(".png", "image/png");

        private final String extension;
        private final String mediaType;

        Format(String extension, String mediaType) {
            this.extension = extension;
            this.mediaType = mediaType;
        }

        /** {@return the IANA media type} */
        public String mediaType() {
            return mediaType;
        }
    }

    // Distinct, saturated colours (RGB), in the spirit of detectron2's palette.
    private static final int[][] PALETTE = {
        {0, 114, 189}, {217, 83, 25}, {237, 177, 32}, {126, 47, 142}, {119, 172, 48}, {77, 190, 238},
        {162, 20, 47}, {255, 0, 255}, {0, 170, 127}, {255, 128, 0}, {85, 85, 255}, {170, 255, 0},
    };
    private static final int JPEG_QUALITY = 90;

    /** The class name CutLER's single class carries. */
    public static final String CLASS_NAME = "fg";

    /** A renderer; it keeps no state. */
    public OverlayRenderer() {
    }

    /**
     * Draws the instances over the image and encodes the picture.
     *
     * @param image     the image the instances were found in
     * @param instances what to draw
     * @param format    the encoding
     * @return the encoded picture
     */
    public byte[] render(DecodedImage image, List<Instance> instances, Format format) {
        try (Mat paint = image.bgr().clone(); Mat canvas = new Mat()) {
            // Paint every mask in full colour on a copy, then blend the copy over the picture once:
            // where nothing was painted the two are equal, and a 50/50 blend leaves those pixels as they were.
            for (int i = 0; i < instances.size(); i++) {
                paintMask(paint, instances.get(i).mask(), PALETTE[i % PALETTE.length]);
            }
            opencv_core.addWeighted(image.bgr(), 0.5, paint, 0.5, 0, canvas);
            double fontScale = Math.max(0.4, Math.min(image.width(), image.height()) / 1200.0);
            int thickness = Math.max(1, (int) Math.round(fontScale * 2));
            for (int i = 0; i < instances.size(); i++) {
                try (Scalar color = colour(i)) {
                    outline(canvas, instances.get(i), color, fontScale, thickness);
                }
            }
            return encode(canvas, format);
        }
    }

    private static Scalar colour(int index) {
        int[] rgb = PALETTE[index % PALETTE.length];
        return new Scalar(rgb[2], rgb[1], rgb[0], 0);
    }

    private static void paintMask(Mat paint, BinaryMask mask, int[] rgb) {
        if (mask.regionWidth() == 0 || mask.regionHeight() == 0 || mask.area() == 0) {
            return;
        }
        // setTo takes its colour as a 4x1 double matrix (a Scalar's layout); a 1x1 three-channel
        // matrix would be read as one grey value.
        try (Rect rect = new Rect(mask.left(), mask.top(), mask.regionWidth(), mask.regionHeight());
             Mat region = paint.apply(rect);
             BytePointer bits = new BytePointer(mask.regionBits());
             Mat where = new Mat(mask.regionHeight(), mask.regionWidth(), CV_8UC1, bits);
             DoublePointer bgr = new DoublePointer(rgb[2], rgb[1], rgb[0], 0);
             Mat colour = new Mat(4, 1, CV_64F, bgr)) {
            region.setTo(colour, where);
        }
    }

    private static void outline(Mat canvas, Instance instance, Scalar color, double fontScale, int thickness) {
        Box box = instance.box();
        try (Point topLeft = new Point(Math.round(box.x0()), Math.round(box.y0()));
             Point bottomRight = new Point(Math.round(box.x1()) - 1, Math.round(box.y1()) - 1)) {
            opencv_imgproc.rectangle(canvas, topLeft, bottomRight, color, thickness, LINE_AA, 0);
        }
        String label = CLASS_NAME + " " + Math.round(instance.score() * 100) + "%";
        try (IntPointer baseline = new IntPointer(1);
             Size text = opencv_imgproc.getTextSize(label, FONT_HERSHEY_SIMPLEX, fontScale, thickness, baseline)) {
            int x = Math.max(0, Math.round(box.x0()));
            int y = Math.max(text.height() + baseline.get() + 2, Math.round(box.y0()));
            try (Point from = new Point(x, y - text.height() - baseline.get() - 2);
                 Point to = new Point(x + text.width() + 4, y);
                 Point origin = new Point(x + 2, y - baseline.get() - 1);
                 Scalar white = new Scalar(255, 255, 255, 0)) {
                opencv_imgproc.rectangle(canvas, from, to, color, FILLED, LINE_AA, 0);
                opencv_imgproc.putText(canvas, label, origin, FONT_HERSHEY_SIMPLEX, fontScale, white, thickness, LINE_AA, false);
            }
        }
    }

    private static byte[] encode(Mat canvas, Format format) {
        int[] params = format == Format.JPEG
                ? new int[] {IMWRITE_JPEG_QUALITY, JPEG_QUALITY}
                : new int[] {IMWRITE_PNG_COMPRESSION, 3};
        try (BytePointer out = new BytePointer(); IntPointer options = new IntPointer(params)) {
            if (!opencv_imgcodecs.imencode(format.extension, canvas, out, options)) {
                throw new DetectorException("OpenCV could not encode the overlay as " + format);
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
