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

    /**
     * Wraps an 8-bit, 3-channel BGR matrix; the image takes ownership of it.
     *
     * @param bgr the pixels
     * @return the image, to be closed
     * @throws IllegalArgumentException when the matrix is empty or not 8-bit, 3-channel
     */
    public static DecodedImage ofBgr(Mat bgr) {
        if (bgr.empty() || bgr.channels() != 3 || bgr.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U) {
            throw new IllegalArgumentException("expected a non-empty 8-bit, 3-channel BGR matrix");
        }
        return new DecodedImage(bgr, null);
    }

    /** {@return the width in pixels} */
    public int width() {
        return bgr.cols();
    }

    /** {@return the height in pixels} */
    public int height() {
        return bgr.rows();
    }

    /** {@return the format the bytes were in, or null for an image made from pixels} */
    public ImageFormat format() {
        return format;
    }

    /** {@return the BGR pixels; owned by this image, valid until {@link #close()}} */
    public Mat bgr() {
        return bgr;
    }

    @Override
    public void close() {
        bgr.close();
    }
}
