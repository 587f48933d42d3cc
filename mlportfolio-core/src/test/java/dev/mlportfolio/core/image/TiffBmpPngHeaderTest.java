package dev.mlportfolio.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** TIFF, BMP and PNG headers written byte by byte, in the forms the writers in the wild produce. */
class TiffBmpPngHeaderTest {
    private static final int SHORT = 3;
    private static final int LONG = 4;

    @Test
    void readsTiffInBothByteOrdersAndBothValueTypes() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            // A tag before the sizes (NewSubfileType), width as SHORT and height as LONG, then one after.
            byte[] tiff = tiff(order, new int[][] {{254, LONG, 0}, {256, SHORT, 0x0102}, {257, LONG, 0x030405}, {259, SHORT, 1}});
            assertEquals(Optional.of(new ImageHeader(ImageFormat.TIFF, 0x0102, 0x030405)), ImageHeader.read(ImageFormat.TIFF, tiff),
                    order.toString());
        }
    }

    @Test
    void aTiffWithoutBothSizesHasNoSize() {
        assertEquals(Optional.empty(), ImageHeader.read(ImageFormat.TIFF,
                tiff(ByteOrder.LITTLE_ENDIAN, new int[][] {{256, SHORT, 640}})), "no height");
        assertEquals(Optional.empty(), ImageHeader.read(ImageFormat.TIFF,
                tiff(ByteOrder.LITTLE_ENDIAN, new int[][] {{257, SHORT, 480}})), "no width");
        assertEquals(Optional.empty(), ImageHeader.read(ImageFormat.TIFF,
                tiff(ByteOrder.LITTLE_ENDIAN, new int[][] {{256, SHORT, 0}, {257, SHORT, 480}})), "zero width");
    }

    @Test
    void readsBmpCoreAndInfoHeaders() {
        // OS/2 core header (12 bytes): 16-bit sizes. Its 16-bit height is followed by planes = 1,
        // which a 32-bit read would take as part of the height.
        ByteBuffer core = bmp(12);
        core.putShort(18, (short) 0x0203).putShort(20, (short) 0x0405).putShort(22, (short) 1).putShort(24, (short) 24);
        assertEquals(Optional.of(new ImageHeader(ImageFormat.BMP, 0x0203, 0x0405)), ImageHeader.read(ImageFormat.BMP, core.array()));
        // Windows info header (40 bytes): 32-bit sizes; a negative height means top-down rows.
        ByteBuffer info = bmp(40);
        info.putInt(18, 70_000).putInt(22, -300);
        assertEquals(Optional.of(new ImageHeader(ImageFormat.BMP, 70_000, 300)), ImageHeader.read(ImageFormat.BMP, info.array()));
    }

    @Test
    void aPngMustStartWithItsImageHeaderChunk() {
        for (String type : new String[] {"iHDR", "IhDR", "IHdR", "IHDr", "IDAT"}) {
            ByteBuffer png = ByteBuffer.allocate(33).order(ByteOrder.BIG_ENDIAN);
            png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            png.putInt(13).put(type.getBytes(StandardCharsets.ISO_8859_1)).putInt(640).putInt(480);
            assertEquals(Optional.empty(), ImageHeader.read(ImageFormat.PNG, png.array()), type + " first");
        }
    }

    /** "II*\0" or "MM\0*", IFD0 at offset 8 with the given (tag, type, value) entries. */
    private static byte[] tiff(ByteOrder order, int[][] entries) {
        ByteBuffer b = ByteBuffer.allocate(8 + 2 + entries.length * 12 + 4).order(order);
        b.put(order == ByteOrder.LITTLE_ENDIAN ? new byte[] {'I', 'I', 42, 0} : new byte[] {'M', 'M', 0, 42});
        b.putInt(8).putShort((short) entries.length);
        for (int[] e : entries) {
            b.putShort((short) e[0]).putShort((short) e[1]).putInt(1);
            if (e[1] == SHORT) {
                b.putShort((short) e[2]).putShort((short) 0);   // a SHORT sits in the first two bytes of the value field
            } else {
                b.putInt(e[2]);
            }
        }
        return b.array();
    }

    /** "BM", a file header and a DIB header of the given size, little-endian. */
    private static ByteBuffer bmp(int dibSize) {
        ByteBuffer b = ByteBuffer.allocate(14 + dibSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(14 + dibSize).putInt(0).putInt(14 + dibSize).putInt(dibSize);
        return b;
    }
}
