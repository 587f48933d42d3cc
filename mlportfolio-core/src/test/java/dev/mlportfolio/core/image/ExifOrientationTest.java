package dev.mlportfolio.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The orientation tag of a WebP's EXIF chunk, in files written byte by byte: chunks before it
 * (one of odd size, which RIFF pads to even), both TIFF byte orders, with and without the
 * "Exif\0\0" prefix some writers put first, and the broken cases, which read as upright.
 */
class ExifOrientationTest {

    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = {1, 2, 5, 8})
    void readsTheTagBehindOtherChunksOneOfThemOddSized(int orientation) {
        byte[] webp = webp(chunk("VP8X", new byte[10]), chunk("ICCP", new byte[7]), chunk("EXIF", exif(ByteOrder.LITTLE_ENDIAN, orientation, false)));
        assertEquals(orientation, ExifOrientation.ofWebp(webp));
    }

    @Test
    void readsBothByteOrdersWithAndWithoutTheExifPrefix() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (boolean prefix : new boolean[] {false, true}) {
                assertEquals(6, ExifOrientation.ofWebp(webp(chunk("EXIF", exif(order, 6, prefix)))), order + ", prefix " + prefix);
            }
        }
    }

    @Test
    void valuesOutsideOneToEightAreUpright() {
        assertEquals(ExifOrientation.NORMAL, ExifOrientation.ofWebp(webp(chunk("EXIF", exif(ByteOrder.LITTLE_ENDIAN, 0, false)))));
        assertEquals(ExifOrientation.NORMAL, ExifOrientation.ofWebp(webp(chunk("EXIF", exif(ByteOrder.LITTLE_ENDIAN, 9, false)))));
    }

    @Test
    void brokenFilesAreUpright() {
        byte[] exif = exif(ByteOrder.LITTLE_ENDIAN, 6, false);
        assertEquals(ExifOrientation.NORMAL, ExifOrientation.ofWebp(webp(chunk("VP8 ", new byte[4]))), "no EXIF chunk");
        byte[] tooLong = webp(chunk("EXIF", exif));
        ByteBuffer.wrap(tooLong).order(ByteOrder.LITTLE_ENDIAN).putInt(16, exif.length + 1);
        assertEquals(ExifOrientation.NORMAL, ExifOrientation.ofWebp(tooLong), "a chunk declaring one byte more than the file has");
        byte[] negative = webp(chunk("EXIF", exif));
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putInt(16, -8);
        assertEquals(ExifOrientation.NORMAL, ExifOrientation.ofWebp(negative), "a negative chunk size");
        byte[] withoutTag = exif(ByteOrder.LITTLE_ENDIAN, 6, false);
        withoutTag[22] = 0x13;   // the second entry's tag (at 8 + 2 + 12, low byte first) 0x0112 becomes 0x0113
        assertEquals(ExifOrientation.NORMAL, ExifOrientation.ofWebp(webp(chunk("EXIF", withoutTag))), "no orientation tag");
        assertEquals(6, ExifOrientation.ofWebp(webp(chunk("EXIF", exif))), "and the same file unbroken");
    }

    @Test
    void aChunkEndingExactlyAtTheFileEndIsRead() {
        byte[] webp = webp(chunk("EXIF", exif(ByteOrder.BIG_ENDIAN, 3, false)));
        assertEquals(3, ExifOrientation.ofWebp(webp));
        assertEquals(ExifOrientation.NORMAL, ExifOrientation.ofWebp(java.util.Arrays.copyOf(webp, webp.length - 1)), "one byte short");
    }

    /** A TIFF block: header, IFD0 at 8 with an ImageWidth entry and then the orientation entry. */
    private static byte[] exif(ByteOrder order, int orientation, boolean prefix) {
        ByteBuffer b = ByteBuffer.allocate(8 + 2 + 2 * 12 + 4).order(order);
        b.put(order == ByteOrder.LITTLE_ENDIAN ? new byte[] {'I', 'I', 42, 0} : new byte[] {'M', 'M', 0, 42});
        b.putInt(8).putShort((short) 2);
        b.putShort((short) 0x0100).putShort((short) 3).putInt(1).putShort((short) 640).putShort((short) 0);
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        b.putInt(0);
        byte[] tiff = b.array();
        if (!prefix) {
            return tiff;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(tiff);
        return out.toByteArray();
    }

    private static byte[] chunk(String id, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length + (payload.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(StandardCharsets.ISO_8859_1)).putInt(payload.length).put(payload);
        return b.array();
    }

    private static byte[] webp(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        ByteBuffer b = ByteBuffer.allocate(12 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.ISO_8859_1)).putInt(4 + body.size()).put("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        b.put(body.toByteArray());
        return b.array();
    }
}
