package dev.mlportfolio.core.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The EXIF orientation tag (1..8) of a WebP file. OpenCV applies EXIF orientation itself for JPEG,
 * PNG and TIFF, but not for WebP, while PIL (and so CutLER's demo) does it for all of them.
 */
final class ExifOrientation {
    static final int NORMAL = 1;

    private ExifOrientation() {
    }

    /** The orientation in a WebP's EXIF chunk, or {@link #NORMAL} when there is none. */
    static int ofWebp(byte[] b) {
        int at = 12;
        while (at + 8 <= b.length) {
            String id = new String(b, at, 4, StandardCharsets.ISO_8859_1);
            int size = ByteBuffer.wrap(b, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (size < 0 || at + 8L + size > b.length) {
                return NORMAL;
            }
            if (id.equals("EXIF")) {
                return ofTiffBlock(b, at + 8, size);
            }
            at += 8 + size + (size & 1);
        }
        return NORMAL;
    }

    /** Reads tag 0x0112 from IFD0 of a TIFF-structured EXIF block (optionally after "Exif\0\0"). */
    static int ofTiffBlock(byte[] b, int start, int length) {
        try {
            int base = start;
            if (length >= 6 && new String(b, start, 4, StandardCharsets.ISO_8859_1).equals("Exif")) {
                base += 6;
            }
            ByteOrder order = b[base] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            ByteBuffer buf = ByteBuffer.wrap(b, 0, start + length).order(order);
            int ifd = base + buf.getInt(base + 4);
            int entries = buf.getShort(ifd) & 0xFFFF;
            for (int e = 0; e < entries; e++) {
                int entry = ifd + 2 + e * 12;
                if ((buf.getShort(entry) & 0xFFFF) == 0x0112) {
                    int value = buf.getShort(entry + 8) & 0xFFFF;
                    return value >= 1 && value <= 8 ? value : NORMAL;
                }
            }
        } catch (IndexOutOfBoundsException e) {
            return NORMAL;
        }
        return NORMAL;
    }
}
