package dev.mlportfolio.core.image;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decoded pixels, upright (EXIF orientation applied), 8-bit BGR as OpenCV holds them. Owns native
 * memory: close it when done.
 */
public final class DecodedImage implements AutoCloseable {
    private final Mat bgr;
    private final ImageFormat format;

    DecodedImage(Mat bgr, ImageFormat format) {
        this.bgr = bgr;
        this.format = format;
    }

    /** Wraps an 8-bit, 3-channel BGR matrix; the image takes ownership of it. */
    public static DecodedImage ofBgr(Mat bgr) {
        if (bgr.empty() || bgr.channels() != 3 || bgr.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U) {
            throw new IllegalArgumentException("expected a non-empty 8-bit, 3-channel BGR matrix");
        }
        return new DecodedImage(bgr, null);
    }

    public int width() {
        return bgr.cols();
    }

    public int height() {
        return bgr.rows();
    }

    /** The format the bytes were in, or null for an image made from pixels. */
    public ImageFormat format() {
        return format;
    }

    /** The BGR pixels; owned by this image, valid until {@link #close()}. */
    public Mat bgr() {
        return bgr;
    }

    @Override
    public void close() {
        bgr.close();
    }
}
