package dev.mlportfolio.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageFormatTest {

    @ParameterizedTest
    @CsvSource({"jpeg,JPEG", "png,PNG", "bmp,BMP", "gif,GIF", "tiff,TIFF"})
    void recognisesImagesWrittenByImageIo(String writer, ImageFormat expected) throws IOException {
        assertEquals(Optional.of(expected), ImageFormat.detect(encode(writer)));
    }

    @Test
    void recognisesWebpByItsRiffHeader() {
        byte[] webp = "RIFF\u0024\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Optional.of(ImageFormat.WEBP), ImageFormat.detect(webp));
        byte[] wave = "RIFF\u0024\0\0\0WAVEfmt ".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Optional.empty(), ImageFormat.detect(wave));
    }

    @Test
    void recognisesSvgAndHeifAsImagesItDoesNotDecode() {
        byte[] svg = "\uFEFF  <?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8);
        assertEquals(Optional.of(ImageFormat.SVG), ImageFormat.detect(svg));
        byte[] heic = "\0\0\0\u0018ftypheic\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Optional.of(ImageFormat.HEIF), ImageFormat.detect(heic));
        assertFalse(ImageFormat.SVG.decodable());
        assertFalse(ImageFormat.GIF.decodable());
        assertTrue(ImageFormat.decodableFormats().containsAll(
                java.util.List.of(ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP, ImageFormat.BMP, ImageFormat.TIFF)));
    }

    @Test
    void rejectsThingsThatAreNotImages() {
        assertEquals(Optional.empty(), ImageFormat.detect(new byte[0]));
        assertEquals(Optional.empty(), ImageFormat.detect(null));
        assertEquals(Optional.empty(), ImageFormat.detect("%PDF-1.7\n%âãÏÓ".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(Optional.empty(), ImageFormat.detect("BMW 320d, a car, not a bitmap".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), ImageFormat.detect("<?xml version=\"1.0\"?><html/>".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), ImageFormat.detect(new byte[] {(byte) 0xFF, (byte) 0xD8}));
    }

    @Test
    void onlyTheLeadingBytesMatter() throws IOException {
        byte[] png = encode("png");
        assertEquals(Optional.of(ImageFormat.PNG), ImageFormat.detect(Arrays.copyOf(png, 16)));
    }

    private static byte[] encode(String format) throws IOException {
        BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 3, 0xFF8800);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), "ImageIO has a writer for " + format);
        return out.toByteArray();
    }
}
