package dev.mlportfolio.core.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_CLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;

import java.util.stream.Collectors;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes JPEG, PNG, WebP, BMP and TIFF with OpenCV into upright 8-bit BGR, the way CutLER's demo
 * reads images: EXIF orientation applied, grayscale expanded to three channels, alpha dropped,
 * 16-bit reduced to 8-bit, CMYK converted. Thread-safe.
 *
 * <p>Before decoding it checks the format from the bytes and the pixel count from the header, so a
 * small file declaring a huge image is refused without allocating it.
 */
public final class ImageDecoder {
    /** Default pixel limit: 50 megapixels, above any phone or most camera photos. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    private final long maxPixels;

    /**
     * A decoder with a pixel limit.
     *
     * @param maxPixels images declaring more pixels are refused before decoding
     * @throws IllegalArgumentException when the limit is not positive
     */
    public ImageDecoder(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be positive");
        }
        this.maxPixels = maxPixels;
    }

    /** {@return the pixel limit} */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Checks what the bytes are and how large they would decode, without decoding: cheap enough to
     * run before accepting work that decodes later.
     *
     * @param bytes the file's bytes
     * @return the format and stored size
     * @throws InvalidImageException when the bytes are empty, not an image, an unsupported format,
     *                               a broken header, a truncated JPEG, or over the pixel limit
     */
    public ImageHeader inspect(byte[] bytes) throws InvalidImageException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidImageException(InvalidImageException.Reason.EMPTY, "the image is empty (0 bytes)");
        }
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> new InvalidImageException(
                InvalidImageException.Reason.NOT_AN_IMAGE, "the bytes are not an image; expected one of " + decodable()));
        if (!format.decodable()) {
            throw new InvalidImageException(InvalidImageException.Reason.UNSUPPORTED_FORMAT,
                    format.name() + " images are not supported; expected one of " + decodable());
        }
        ImageHeader header = ImageHeader.read(format, bytes).orElseThrow(() -> new InvalidImageException(
                InvalidImageException.Reason.CORRUPT, "the " + format.name() + " header is broken or truncated"));
        if (header.pixels() > maxPixels) {
            throw new InvalidImageException(InvalidImageException.Reason.TOO_MANY_PIXELS,
                    "the image declares " + header.width() + "x" + header.height() + " = " + header.pixels()
                            + " pixels; the limit is " + maxPixels);
        }
        if (format == ImageFormat.JPEG && !jpegHasEnd(bytes)) {
            // libjpeg "decodes" a truncated file by filling the missing rows with grey; refuse it instead.
            throw new InvalidImageException(InvalidImageException.Reason.CORRUPT,
                    "the JPEG is truncated: it has no end-of-image marker after its last scan");
        }
        return header;
    }

    /**
     * Decodes the bytes into an upright BGR image.
     *
     * @param bytes the file's bytes
     * @return the image, to be closed
     * @throws InvalidImageException as {@link #inspect}, or when the pixel data cannot be decoded
     */
    public DecodedImage decode(byte[] bytes) throws InvalidImageException {
        ImageHeader header = inspect(bytes);
        Mat decoded;
        try (BytePointer data = new BytePointer(bytes); Mat encoded = new Mat(1, bytes.length, CV_8UC1, data)) {
            decoded = opencv_imgcodecs.imdecode(encoded, IMREAD_COLOR);
        }
        if (decoded == null || decoded.empty()) {
            if (decoded != null) {
                decoded.close();
            }
            throw new InvalidImageException(InvalidImageException.Reason.CORRUPT,
                    "the " + header.format().name() + " data could not be decoded");
        }
        if (header.format() == ImageFormat.WEBP) {
            decoded = orient(decoded, ExifOrientation.ofWebp(bytes));
        }
        return new DecodedImage(decoded, header.format());
    }

    /** Applies an EXIF orientation (1..8) the way PIL's exif_transpose does; returns the new matrix. */
    static Mat orient(Mat image, int orientation) {
        if (orientation == ExifOrientation.NORMAL) {
            return image;
        }
        Mat out = new Mat();
        switch (orientation) {
            case 2 -> opencv_core.flip(image, out, 1);
            case 3 -> opencv_core.rotate(image, out, ROTATE_180);
            case 4 -> opencv_core.flip(image, out, 0);
            case 5 -> opencv_core.transpose(image, out);
            case 6 -> opencv_core.rotate(image, out, ROTATE_90_CLOCKWISE);
            case 7 -> {
                try (Mat transposed = new Mat()) {
                    opencv_core.transpose(image, transposed);
                    opencv_core.flip(transposed, out, -1);
                }
            }
            case 8 -> opencv_core.rotate(image, out, ROTATE_90_COUNTERCLOCKWISE);
            default -> {
                out.close();
                return image;
            }
        }
        image.close();
        return out;
    }

    // Entropy-coded data stuffs every 0xFF, so 0xFFDA (start of scan) and 0xFFD9 (end of image)
    // appear only as markers; an embedded EXIF thumbnail ends before the main image's last scan.
    private static boolean jpegHasEnd(byte[] b) {
        int lastScan = -1;
        for (int i = b.length - 2; i >= 2; i--) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xDA) {
                lastScan = i;
                break;
            }
        }
        if (lastScan < 0) {
            return false;
        }
        for (int i = b.length - 2; i > lastScan; i--) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static String decodable() {
        return ImageFormat.decodableFormats().stream().map(ImageFormat::name).collect(Collectors.joining(", "));
    }
}
