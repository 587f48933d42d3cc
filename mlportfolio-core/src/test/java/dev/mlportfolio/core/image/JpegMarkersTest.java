package dev.mlportfolio.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * How the JPEG header reader walks markers to the frame header (ITU T.81 table B.1): markers
 * without a length (TEM, RST0-7, SOI, EOI) are stepped over, every other one is skipped by its
 * length, and the first start-of-frame (C0-CF except DHT C4, JPG C8 and DAC CC) gives the size.
 * Written byte by byte, each case with a marker on either side of a range's boundary.
 */
class JpegMarkersTest {
    private static final byte[] SOI = {(byte) 0xFF, (byte) 0xD8};

    @ParameterizedTest(name = "frame marker 0x{0}")
    @ValueSource(ints = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC7, 0xC9, 0xCB, 0xCD, 0xCF})
    void everyStartOfFrameGivesTheSize(int marker) {
        assertEquals(Optional.of(new ImageHeader(ImageFormat.JPEG, 300, 200)), read(SOI, frame(marker, 300, 200)));
    }

    @ParameterizedTest(name = "segment marker 0x{0}")
    @ValueSource(ints = {0xC4, 0xC8, 0xCC, 0xDB, 0xDD, 0xE0, 0xFE, 0xBF})
    void segmentsThatAreNotFramesAreSkippedByTheirLength(int marker) {
        // The skipped segment's payload looks like a frame header of another size: reading it as one would say 999x999.
        assertEquals(Optional.of(new ImageHeader(ImageFormat.JPEG, 300, 200)),
                read(SOI, segment(marker, new byte[] {8, 0x03, (byte) 0xE7, 0x03, (byte) 0xE7, 1, 1, 0x11, 0}), frame(0xC0, 300, 200)));
    }

    @ParameterizedTest(name = "marker 0x{0}")
    @ValueSource(ints = {0x01, 0xD0, 0xD7, 0xD8, 0xD9})
    void markersWithoutALengthAreSteppedOver(int marker) {
        assertEquals(Optional.of(new ImageHeader(ImageFormat.JPEG, 300, 200)),
                read(SOI, new byte[] {(byte) 0xFF, (byte) marker}, frame(0xC0, 300, 200)));
    }

    @Test
    void anEmptySegmentIsFineButALengthBelowTwoIsBroken() {
        assertEquals(Optional.of(new ImageHeader(ImageFormat.JPEG, 300, 200)),
                read(SOI, new byte[] {(byte) 0xFF, (byte) 0xE0, 0x00, 0x02}, frame(0xC0, 300, 200)), "length 2: the length field alone");
        assertEquals(Optional.empty(), read(SOI, new byte[] {(byte) 0xFF, (byte) 0xE0, 0x00, 0x01}, frame(0xC0, 300, 200)));
        assertEquals(Optional.empty(), read(SOI, new byte[] {(byte) 0xFF, (byte) 0xE0, 0x00, 0x00}, frame(0xC0, 300, 200)));
    }

    @Test
    void aByteWhereAMarkerShouldBeEndsTheSearch() {
        assertEquals(Optional.empty(), read(SOI, new byte[] {0x00, (byte) 0xE0, 0x00, 0x02}, frame(0xC0, 300, 200)));
        assertEquals(Optional.empty(), read(SOI, segment(0xE0, new byte[4])), "no frame at all");
    }

    @Test
    void theEndMarkerMustFollowTheLastScan() throws InvalidImageException {
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        byte[] scan = {(byte) 0xFF, (byte) 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0x34};
        byte[] end = {(byte) 0xFF, (byte) 0xD9};
        assertEquals(300, decoder.inspect(concat(SOI, frame(0xC0, 300, 200), scan, end)).width());
        assertEquals(300, decoder.inspect(concat(SOI, frame(0xC0, 300, 200), scan, new byte[] {0x55}, end, new byte[] {0x00}))
                .width(), "bytes after the end marker do not matter");
        // An end marker before the last scan (an embedded thumbnail's) does not end the image.
        assertCorrupt(decoder, concat(SOI, frame(0xC0, 300, 200), end, scan));
        assertCorrupt(decoder, concat(SOI, frame(0xC0, 300, 200), end), "no scan at all");
        assertCorrupt(decoder, concat(SOI, frame(0xC0, 300, 200), scan, new byte[] {(byte) 0xFF}), "cut inside the end marker");
    }

    private static void assertCorrupt(ImageDecoder decoder, byte[] jpeg, String... why) {
        assertEquals(InvalidImageException.Reason.CORRUPT,
                assertThrows(InvalidImageException.class, () -> decoder.inspect(jpeg), String.join(" ", why)).reason());
    }

    private static Optional<ImageHeader> read(byte[]... parts) {
        return ImageHeader.read(ImageFormat.JPEG, concat(parts));
    }

    /** A frame header: precision 8, height, width, three components. */
    static byte[] frame(int marker, int width, int height) {
        return segment(marker, new byte[] {8, (byte) (height >> 8), (byte) height, (byte) (width >> 8), (byte) width, 3,
                1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1});
    }

    static byte[] segment(int marker, byte[] payload) {
        int length = payload.length + 2;
        return concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length}, payload);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
