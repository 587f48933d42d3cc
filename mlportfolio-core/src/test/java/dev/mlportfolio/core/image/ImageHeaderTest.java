package dev.mlportfolio.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.Scenes;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageHeaderTest {

    @ParameterizedTest
    @CsvSource({"png,PNG", "jpeg,JPEG", "bmp,BMP", "tiff,TIFF"})
    void readsDimensionsWithoutDecoding(String writer, ImageFormat format) {
        byte[] bytes = Scenes.write(Scenes.draw(37, 23, List.of()), writer);
        assertEquals(Optional.of(new ImageHeader(format, 37, 23)), ImageHeader.read(format, bytes));
    }

    @Test
    void readsWebpDimensions() throws IOException {
        byte[] webp = fixture("orientation-6.webp");
        ImageHeader header = ImageHeader.read(ImageFormat.WEBP, webp).orElseThrow();
        assertEquals(80, header.width(), "stored (rotated) width");
        assertEquals(120, header.height());
    }

    @Test
    void readsGreyscaleJpegsAndSkipsAnExifSegment() {
        BufferedImage grey = new BufferedImage(19, 11, BufferedImage.TYPE_BYTE_GRAY);
        assertEquals(new ImageHeader(ImageFormat.JPEG, 19, 11),
                ImageHeader.read(ImageFormat.JPEG, Scenes.write(grey, "jpeg")).orElseThrow());
        byte[] withExif = Scenes.jpeg(Scenes.draw(30, 20, List.of()), 0.9f, 6);
        assertEquals(new ImageHeader(ImageFormat.JPEG, 30, 20), ImageHeader.read(ImageFormat.JPEG, withExif).orElseThrow(),
                "an APP1 segment before the frame is skipped");
    }

    @Test
    void aTinyPngCanDeclareAHugeImage() {
        byte[] bomb = PngBomb.declaring(30_000, 30_000);
        ImageHeader header = ImageHeader.read(ImageFormat.PNG, bomb).orElseThrow();
        assertEquals(900_000_000L, header.pixels());
        assertTrue(bomb.length < 100);
    }

    @Test
    void truncatedHeadersAreNotGuessed() {
        byte[] png = Scenes.png(Scenes.draw(5, 5, List.of()));
        assertEquals(Optional.empty(), ImageHeader.read(ImageFormat.PNG, Arrays.copyOf(png, 20)));
        byte[] jpeg = Scenes.write(Scenes.draw(5, 5, List.of()), "jpeg");
        assertEquals(Optional.empty(), ImageHeader.read(ImageFormat.JPEG, Arrays.copyOf(jpeg, 30)));
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = ImageHeaderTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }
}
