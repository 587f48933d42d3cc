package dev.mlportfolio.core.image;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Image container formats recognised from their leading bytes.
 *
 * <p>The declared content type of an upload is a client's claim; this is what the bytes are.
 * Formats that are recognised but cannot be decoded for detection are kept here too, so callers
 * can tell "not an image" apart from "an image we do not take".
 */
public enum ImageFormat {
    /** JPEG (JFIF or Exif). */
    JPEG("image/jpeg", true),
    /** PNG. */
    PNG("image/png", true),
    /** WebP, lossy or lossless. */
    WEBP("image/webp", true),
    /** Windows bitmap. */
    BMP("image/bmp", true),
    /** TIFF, either byte order. */
    TIFF("image/tiff", true),
    /** GIF: recognised, not decoded. */
    GIF("image/gif", false),
    /** SVG: recognised, not decoded. */
    SVG("image/svg+xml", false),
    /** HEIF, HEIC and AVIF: recognised, not decoded. */
    HEIF("image/heif", false);

    /** How many leading bytes {@link #detect(byte[])} looks at; more are ignored. */
    public static final int SNIFF_LENGTH = 1024;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final List<Integer> BMP_DIB_HEADER_SIZES = List.of(12, 40, 52, 56, 64, 108, 124);
    private static final List<String> HEIF_BRANDS = List.of("heic", "heix", "hevc", "heim", "heis", "mif1", "msf1", "avif", "avis");

    private final String mediaType;
    private final boolean decodable;

    ImageFormat(String mediaType, boolean decodable) {
        this.mediaType = mediaType;
        this.decodable = decodable;
    }

    /** {@return the IANA media type, for example {@code image/jpeg}} */
    public String mediaType() {
        return mediaType;
    }

    /**
     * {@return whether mlportfolio decodes this format for detection (GIF, SVG and HEIF are recognised but refused)}
     */
    public boolean decodable() {
        return decodable;
    }

    /** {@return the formats mlportfolio decodes, in a stable order} */
    public static List<ImageFormat> decodableFormats() {
        return Arrays.stream(values()).filter(ImageFormat::decodable).toList();
    }

    /**
     * Recognises the image format from the first bytes of a file.
     *
     * @param bytes the file's bytes, or at least its first {@link #SNIFF_LENGTH} bytes
     * @return the format, or empty when the bytes do not start like any known image
     */
    public static Optional<ImageFormat> detect(byte[] bytes) {
        if (bytes == null || bytes.length < 3) {
            return Optional.empty();
        }
        if (startsWith(bytes, 0, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(bytes, 0, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (ascii(bytes, 0, 4).equals("RIFF") && ascii(bytes, 8, 4).equals("WEBP")) {
            return Optional.of(WEBP);
        }
        if (ascii(bytes, 0, 6).equals("GIF87a") || ascii(bytes, 0, 6).equals("GIF89a")) {
            return Optional.of(GIF);
        }
        if (startsWith(bytes, 0, (byte) 'I', (byte) 'I', (byte) 42, (byte) 0)
                || startsWith(bytes, 0, (byte) 'M', (byte) 'M', (byte) 0, (byte) 42)) {
            return Optional.of(TIFF);
        }
        if (isBmp(bytes)) {
            return Optional.of(BMP);
        }
        if (ascii(bytes, 4, 4).equals("ftyp") && HEIF_BRANDS.contains(ascii(bytes, 8, 4))) {
            return Optional.of(HEIF);
        }
        if (isSvg(bytes)) {
            return Optional.of(SVG);
        }
        return Optional.empty();
    }

    // "BM" alone would match plain text, so the DIB header size must be one of the known values.
    private static boolean isBmp(byte[] bytes) {
        if (bytes.length < 18 || bytes[0] != 'B' || bytes[1] != 'M') {
            return false;
        }
        int dibSize = (bytes[14] & 0xFF) | (bytes[15] & 0xFF) << 8 | (bytes[16] & 0xFF) << 16 | (bytes[17] & 0xFF) << 24;
        return BMP_DIB_HEADER_SIZES.contains(dibSize);
    }

    private static boolean isSvg(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, SNIFF_LENGTH), StandardCharsets.UTF_8)
                .replace("\uFEFF", "")
                .stripLeading();
        return (head.startsWith("<?xml") || head.startsWith("<svg") || head.startsWith("<!DOCTYPE svg"))
                && head.contains("<svg");
    }

    private static boolean startsWith(byte[] bytes, int offset, byte... prefix) {
        if (bytes.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] bytes, int offset, int length) {
        if (bytes.length < offset + length) {
            return "";
        }
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
}
