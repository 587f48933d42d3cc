package dev.mlportfolio.core.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * An image's format and stored dimensions, read from its header without decoding a pixel. This is
 * what lets a decompression bomb (a few kilobytes declaring 30000x30000 pixels) be refused before
 * any memory is spent on it.
 *
 * @param format the format the bytes are in
 * @param width  stored width, before any EXIF rotation
 * @param height stored height, before any EXIF rotation
 */
public record ImageHeader(ImageFormat format, int width, int height) {

    /** {@return the pixel count, width times height} */
    public long pixels() {
        return (long) width * height;
    }

    /**
     * Reads the header of a decodable format.
     *
     * @param format the format, from {@link ImageFormat#detect}
     * @param bytes  the file's bytes
     * @return the header, or empty when the format is recognised but its dimensions cannot be found
     *         in the bytes (a truncated or malformed header)
     */
    public static Optional<ImageHeader> read(ImageFormat format, byte[] bytes) {
        try {
            int[] size = switch (format) {
                case PNG -> png(bytes);
                case JPEG -> jpeg(bytes);
                case WEBP -> webp(bytes);
                case BMP -> bmp(bytes);
                case TIFF -> tiff(bytes);
                default -> null;
            };
            if (size == null || size[0] <= 0 || size[1] <= 0) {
                return Optional.empty();
            }
            return Optional.of(new ImageHeader(format, size[0], size[1]));
        } catch (IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private static int[] png(byte[] b) {
        if (b.length < 24 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        return new int[] {buf.getInt(16), buf.getInt(20)};
    }

    private static int[] jpeg(byte[] b) {
        int i = 2;
        while (i + 4 <= b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {                 // fill byte
                i++;
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9)) {  // markers without a length
                i += 2;
                continue;
            }
            int length = (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame) {
                int height = (b[i + 5] & 0xFF) << 8 | (b[i + 6] & 0xFF);
                int width = (b[i + 7] & 0xFF) << 8 | (b[i + 8] & 0xFF);
                return new int[] {width, height};
            }
            if (length < 2) {
                return null;
            }
            i += 2 + length;
        }
        return null;
    }

    private static int[] webp(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        return switch (chunk) {
            case "VP8 " -> new int[] {buf.getShort(26) & 0x3FFF, buf.getShort(28) & 0x3FFF};
            case "VP8L" -> {
                int bits = buf.getInt(21);
                yield new int[] {(bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1};
            }
            case "VP8X" -> new int[] {uint24(b, 24) + 1, uint24(b, 27) + 1};
            default -> null;
        };
    }

    private static int[] bmp(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int dibSize = buf.getInt(14);
        if (dibSize == 12) {
            return new int[] {buf.getShort(18) & 0xFFFF, buf.getShort(20) & 0xFFFF};
        }
        // Negative height means rows are stored top-down; the size is its absolute value.
        return new int[] {buf.getInt(18), Math.abs(buf.getInt(22))};
    }

    private static int[] tiff(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = buf.getInt(4);
        int entries = buf.getShort(ifd) & 0xFFFF;
        int width = -1;
        int height = -1;
        for (int e = 0; e < entries; e++) {
            int at = ifd + 2 + e * 12;
            int tag = buf.getShort(at) & 0xFFFF;
            int type = buf.getShort(at + 2) & 0xFFFF;
            int value = type == 3 ? buf.getShort(at + 8) & 0xFFFF : buf.getInt(at + 8);   // SHORT or LONG
            if (tag == 256) {
                width = value;
            } else if (tag == 257) {
                height = value;
            }
        }
        return width > 0 && height > 0 ? new int[] {width, height} : null;
    }

    private static int uint24(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16;
    }
}
