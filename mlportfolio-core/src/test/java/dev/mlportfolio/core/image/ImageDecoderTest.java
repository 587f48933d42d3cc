package dev.mlportfolio.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.Scenes;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    private static final List<Scenes.Rect> RED_BOX = List.of(new Scenes.Rect(10, 20, 50, 40, Scenes.RED));

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp", "tiff"})
    void decodesLosslessFormatsExactly(String format) throws Exception {
        byte[] bytes = Scenes.write(Scenes.draw(120, 80, RED_BOX), format);
        try (DecodedImage image = decoder.decode(bytes)) {
            assertEquals(120, image.width());
            assertEquals(80, image.height());
            assertBgr(image, 15, 25, 0, 0, 255);
            assertBgr(image, 5, 5, 0, 0, 0);
        }
    }

    @Test
    void decodesJpeg() throws Exception {
        try (DecodedImage image = decoder.decode(Scenes.jpeg(Scenes.draw(120, 80, RED_BOX), 0.95f, 0))) {
            assertEquals(120, image.width());
            assertTrue(red(image, 30, 30) > 200 && green(image, 30, 30) < 60);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void appliesJpegExifOrientation(int orientation) throws Exception {
        BufferedImage upright = Scenes.draw(120, 80, RED_BOX);
        byte[] jpeg = Scenes.jpeg(Scenes.storedFor(upright, orientation), 0.95f, orientation);
        try (DecodedImage image = decoder.decode(jpeg)) {
            assertEquals(120, image.width(), "upright width");
            assertEquals(80, image.height(), "upright height");
            assertTrue(red(image, 30, 30) > 200, "the rectangle is where the upright scene has it");
            assertTrue(red(image, 90, 60) < 60);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8})
    void appliesWebpExifOrientationWhichOpenCvIgnores(int orientation) throws Exception {
        // Fixtures written by Pillow; scripts/make_test_fixtures.py checks them with PIL's exif_transpose.
        try (DecodedImage image = decoder.decode(ImageHeaderTest.fixture("orientation-" + orientation + ".webp"))) {
            assertEquals(120, image.width());
            assertEquals(80, image.height());
            assertBgr(image, 15, 25, 0, 0, 255);
            assertBgr(image, 49, 39, 0, 0, 255);
            assertBgr(image, 50, 25, 0, 0, 0);
        }
    }

    @Test
    void greyscaleBecomesThreeChannels() throws Exception {
        BufferedImage grey = new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(3, 4, 0, 200);
        try (DecodedImage image = decoder.decode(Scenes.png(grey))) {
            assertEquals(3, image.bgr().channels());
            assertBgr(image, 3, 4, 200, 200, 200);
        }
    }

    @Test
    void sixteenBitIsReducedToEightBit() throws Exception {
        BufferedImage deep = new BufferedImage(20, 10, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = deep.getRaster();
        raster.setSample(7, 2, 0, 65535);
        raster.setSample(8, 2, 0, 0x8000);
        try (DecodedImage image = decoder.decode(Scenes.png(deep))) {
            assertBgr(image, 7, 2, 255, 255, 255);
            assertBgr(image, 8, 2, 128, 128, 128);
        }
    }

    @Test
    void alphaIsDropped() throws Exception {
        BufferedImage argb = new BufferedImage(20, 10, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(1, 1, 0x80FF0000);
        try (DecodedImage image = decoder.decode(Scenes.png(argb))) {
            assertEquals(3, image.bgr().channels());
            assertEquals(255, red(image, 1, 1), "the colour is kept, the transparency dropped");
        }
    }

    @Test
    void cmykJpegIsConverted() throws Exception {
        try (DecodedImage image = decoder.decode(ImageHeaderTest.fixture("cmyk.jpg"))) {
            assertEquals(120, image.width());
            assertTrue(red(image, 30, 30) > 180 && green(image, 30, 30) < 80 && blue(image, 30, 30) < 80,
                    "red stays red: " + red(image, 30, 30) + "," + green(image, 30, 30) + "," + blue(image, 30, 30));
            assertTrue(red(image, 100, 70) < 60, "black stays black");
        }
    }

    @Test
    void extremeShapesDecode() throws Exception {
        try (DecodedImage one = decoder.decode(Scenes.png(Scenes.draw(1, 1, List.of())));
             DecodedImage thin = decoder.decode(Scenes.png(Scenes.draw(1, 5000, List.of())))) {
            assertEquals(1, one.width());
            assertEquals(5000, thin.height());
        }
    }

    @Test
    void refusesWhatIsNotAnImage() {
        assertReason(InvalidImageException.Reason.EMPTY, new byte[0]);
        InvalidImageException notAnImage = assertReason(InvalidImageException.Reason.NOT_AN_IMAGE, "hello".getBytes(StandardCharsets.UTF_8));
        assertTrue(notAnImage.getMessage().endsWith("expected one of JPEG, PNG, WEBP, BMP, TIFF"), notAnImage.getMessage());
        assertReason(InvalidImageException.Reason.NOT_AN_IMAGE, "%PDF-1.7\n".getBytes(StandardCharsets.UTF_8));
        assertReason(InvalidImageException.Reason.UNSUPPORTED_FORMAT, Scenes.write(Scenes.draw(4, 4, List.of()), "gif"));
        assertReason(InvalidImageException.Reason.UNSUPPORTED_FORMAT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusesATruncatedJpeg() {
        byte[] jpeg = Scenes.jpeg(Scenes.draw(200, 100, RED_BOX), 0.9f, 0);
        assertReason(InvalidImageException.Reason.CORRUPT, Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
        assertReason(InvalidImageException.Reason.CORRUPT, Arrays.copyOf(jpeg, 40));
    }

    @Test
    void refusesATruncatedPng() {
        byte[] png = Scenes.png(Scenes.draw(200, 100, RED_BOX));
        assertReason(InvalidImageException.Reason.CORRUPT, Arrays.copyOf(png, png.length - 30));
    }

    @Test
    void refusesADecompressionBombBeforeDecoding() {
        InvalidImageException e = assertReason(InvalidImageException.Reason.TOO_MANY_PIXELS, PngBomb.declaring(30_000, 30_000));
        assertTrue(e.getMessage().contains("30000x30000"), e.getMessage());
        ImageDecoder strict = new ImageDecoder(100);
        assertThrows(InvalidImageException.class, () -> strict.decode(Scenes.png(Scenes.draw(11, 10, List.of()))));
    }

    @Test
    void thePixelLimitIsAtLeastOne() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(0));
        ImageDecoder onePixel = new ImageDecoder(1);
        try (DecodedImage image = onePixel.decode(Scenes.png(Scenes.draw(1, 1, List.of())))) {
            assertEquals(1, image.width());
        }
        assertEquals(InvalidImageException.Reason.TOO_MANY_PIXELS, assertThrows(InvalidImageException.class,
                () -> onePixel.inspect(Scenes.png(Scenes.draw(2, 1, List.of())))).reason());
    }

    private InvalidImageException assertReason(InvalidImageException.Reason reason, byte[] bytes) {
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> decoder.decode(bytes).close());
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    private static void assertBgr(DecodedImage image, int x, int y, int b, int g, int r) {
        assertEquals(List.of(b, g, r), List.of(blue(image, x, y), green(image, x, y), red(image, x, y)), "pixel " + x + "," + y);
    }

    static int blue(DecodedImage image, int x, int y) {
        return channel(image, x, y, 0);
    }

    static int green(DecodedImage image, int x, int y) {
        return channel(image, x, y, 1);
    }

    static int red(DecodedImage image, int x, int y) {
        return channel(image, x, y, 2);
    }

    private static int channel(DecodedImage image, int x, int y, int c) {
        try (UByteIndexer indexer = image.bgr().createIndexer()) {
            return indexer.get(y, x, c);
        }
    }

}
