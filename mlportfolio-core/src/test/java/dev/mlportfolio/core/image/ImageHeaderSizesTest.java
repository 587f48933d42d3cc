package dev.mlportfolio.core.image;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.Scenes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Declared sizes whose every byte matters, in headers written here byte by byte: a JPEG frame of
 * 4660x2571 (0x1234 by 0x0A0B, so a high byte read wrongly changes the answer) behind a segment
 * longer than 255 bytes and fill bytes; a PNG past 65535 on both sides; each WebP form (lossy with
 * its scale bits set, lossless with its 14-bit fields, extended with its 24-bit fields). Then what
 * the decoder does with them: a JPEG that declares 60000x60000 is refused before decoding, and a
 * JPEG cut short is refused by its header check, not left to the decoder's grey fill.
 */
class ImageHeaderSizesTest {

    @Test
    void readsBothBytesOfAJpegFrameSizeBehindALongSegmentAndFillBytes() {
        byte[] jpeg = jpegHeader(0x1234, 0x0A0B, 0xC0);
        assertEquals(new ImageHeader(ImageFormat.JPEG, 4660, 2571), ImageHeader.read(ImageFormat.JPEG, jpeg).orElseThrow());
        byte[] progressive = jpegHeader(0x0102, 0x0201, 0xC2);
        assertEquals(new ImageHeader(ImageFormat.JPEG, 258, 513), ImageHeader.read(ImageFormat.JPEG, progressive).orElseThrow(),
                "a progressive frame (SOF2) gives its size too");
    }

    @Test
    void readsPngSizesPastSixteenBits() {
        assertEquals(new ImageHeader(ImageFormat.PNG, 70_000, 65_793), ImageHeader.read(ImageFormat.PNG, png(70_000, 0x10101)).orElseThrow());
    }

    /** A PNG's signature and IHDR chunk (CRC not computed: the header reader does not check it). */
    private static byte[] png(int width, int height) {
        ByteBuffer png = ByteBuffer.allocate(33).order(ByteOrder.BIG_ENDIAN);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put("IHDR".getBytes(StandardCharsets.ISO_8859_1)).putInt(width).putInt(height);
        png.put(new byte[] {8, 2, 0, 0, 0}).putInt(0);
        return png.array();
    }

    @Test
    void aPngHeaderOfExactlyTwentyFourBytesIsEnoughAndAZeroSideIsNoSize() {
        byte[] whole = png(640, 480);
        assertEquals(new ImageHeader(ImageFormat.PNG, 640, 480),
                ImageHeader.read(ImageFormat.PNG, Arrays.copyOf(whole, 24)).orElseThrow(), "signature, IHDR length and type, width, height");
        assertEquals(java.util.Optional.empty(), ImageHeader.read(ImageFormat.PNG, Arrays.copyOf(whole, 23)));
        assertEquals(java.util.Optional.empty(), ImageHeader.read(ImageFormat.PNG, png(0, 480)), "a zero width is no size");
        assertEquals(java.util.Optional.empty(), ImageHeader.read(ImageFormat.PNG, png(640, 0)), "a zero height is no size");
        assertEquals(java.util.Optional.empty(), ImageHeader.read(ImageFormat.JPEG, jpegHeader(640, 0, 0xC0)));
    }

    @Test
    void readsEachWebpForm() {
        ByteBuffer lossy = webp("VP8 ", 30);
        lossy.put(20, new byte[] {0, 0, 0, (byte) 0x9D, 0x01, 0x2A});   // frame tag and start code
        lossy.putShort(26, (short) (0xC000 | 5000));                    // top two bits: horizontal scale, not size
        lossy.putShort(28, (short) (0x4000 | 3000));
        assertEquals(new ImageHeader(ImageFormat.WEBP, 5000, 3000), ImageHeader.read(ImageFormat.WEBP, lossy.array()).orElseThrow());

        ByteBuffer lossless = webp("VP8L", 25);
        lossless.put(20, (byte) 0x2F);
        lossless.putInt(21, (0x2ABC) | (0x1DEF << 14) | (1 << 28));     // width-1, height-1, alpha bit
        assertEquals(new ImageHeader(ImageFormat.WEBP, 0x2ABC + 1, 0x1DEF + 1),
                ImageHeader.read(ImageFormat.WEBP, lossless.array()).orElseThrow());

        ByteBuffer extended = webp("VP8X", 30);
        extended.put(24, new byte[] {0x6F, 0x11, 0x01});                // width-1 = 69999
        extended.put(27, new byte[] {0x00, 0x00, 0x01});                // height-1 = 65536
        assertEquals(new ImageHeader(ImageFormat.WEBP, 70_000, 65_537),
                ImageHeader.read(ImageFormat.WEBP, extended.array()).orElseThrow());
    }

    @Test
    void aJpegDeclaringSixtyThousandSquaredIsRefusedBeforeDecoding() {
        byte[] bomb = jpegHeader(60_000, 60_000, 0xC0);
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).inspect(bomb));
        assertEquals(InvalidImageException.Reason.TOO_MANY_PIXELS, e.reason());
        assertTrue(e.getMessage().contains("60000x60000 = 3600000000 pixels"), e.getMessage());
        ImageHeader allowed = assertDoesNotThrow(() -> new ImageDecoder(3_600_000_000L).inspect(bomb));
        assertEquals(3_600_000_000L, allowed.pixels(), "the limit is inclusive");
    }

    @Test
    void aJpegCutShortIsRefusedByItsHeaderCheck() throws InvalidImageException {
        byte[] whole = Scenes.jpeg(Scenes.draw(64, 48, List.of()), 0.9f, 0);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        assertEquals(new ImageHeader(ImageFormat.JPEG, 64, 48), decoder.inspect(whole));
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> decoder.inspect(Arrays.copyOf(whole, whole.length - 2)));
        assertEquals(InvalidImageException.Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    /**
     * SOI, an APP1 segment of 272 bytes (a length with a high byte), two fill bytes, a frame header
     * with the given marker and size, then a scan and EOI so the file is whole.
     */
    private static byte[] jpegHeader(int width, int height, int frameMarker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, 0x01, 0x10});
        out.writeBytes(new byte[0x0110 - 2]);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) frameMarker, 0x00, 0x11, 0x08,
                (byte) (height >> 8), (byte) height, (byte) (width >> 8), (byte) width, 0x03,
                0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0x34});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
        return out.toByteArray();
    }

    /** RIFF, WEBP and a chunk header of the given type, little-endian, in a buffer of {@code size} bytes past the chunk header. */
    private static ByteBuffer webp(String chunk, int size) {
        ByteBuffer b = ByteBuffer.allocate(20 + size).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.ISO_8859_1)).putInt(12 + size).put("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        b.put(chunk.getBytes(StandardCharsets.ISO_8859_1)).putInt(size);
        return b;
    }
}
