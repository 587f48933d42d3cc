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
        assertEquals("image/svg+xml", ImageFormat.SVG.mediaType());
        assertEquals("image/webp", ImageFormat.WEBP.mediaType());
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

    @Test
    void theShortestInputsEachFormatNeedsAreEnough() {
        assertEquals(Optional.of(ImageFormat.JPEG), ImageFormat.detect(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
                "three bytes of a JPEG");
        assertEquals(Optional.of(ImageFormat.WEBP), ImageFormat.detect("RIFF\0\0\0\0WEBP".getBytes(StandardCharsets.ISO_8859_1)),
                "twelve bytes of a WebP");
        assertEquals(Optional.of(ImageFormat.BMP), ImageFormat.detect(bmpStart(40, 0, 0, 0)), "eighteen bytes of a BMP");
        assertEquals(Optional.empty(), ImageFormat.detect(Arrays.copyOf(bmpStart(40, 0, 0, 0), 17)), "seventeen are not");
        assertEquals(Optional.empty(), ImageFormat.detect("II*".getBytes(StandardCharsets.ISO_8859_1)),
                "three bytes of a four-byte TIFF signature");
    }

    @Test
    void aBmpNeedsItsWholeDibHeaderSizeToBeAKnownOne() {
        assertEquals(Optional.of(ImageFormat.BMP), ImageFormat.detect(bmpStart(124, 0, 0, 0)));
        // Plain text starting "BM" with '(' (40) at byte 14 is not a bitmap: the size is four bytes.
        assertEquals(Optional.empty(), ImageFormat.detect(bmpStart(40, 1, 0, 0)));
        assertEquals(Optional.empty(), ImageFormat.detect(bmpStart(40, 0, 1, 0)));
        assertEquals(Optional.empty(), ImageFormat.detect(bmpStart(40, 0, 0, 1)));
        byte[] notB = bmpStart(40, 0, 0, 0);
        notB[0] = 'C';
        assertEquals(Optional.empty(), ImageFormat.detect(notB));
        byte[] notM = bmpStart(40, 0, 0, 0);
        notM[1] = 'N';
        assertEquals(Optional.empty(), ImageFormat.detect(notM));
    }

    @Test
    void svgStartsWithAnXmlDeclarationTheSvgElementOrItsDoctype() {
        for (String svg : new String[] {"<?xml version=\"1.0\"?><svg/>", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\"><svg/>"}) {
            assertEquals(Optional.of(ImageFormat.SVG), ImageFormat.detect(svg.getBytes(StandardCharsets.UTF_8)), svg);
        }
        assertEquals(Optional.empty(), ImageFormat.detect("<html><svg/></html>".getBytes(StandardCharsets.UTF_8)),
                "a page containing an SVG is a page");
    }

    private static byte[] bmpStart(int b14, int b15, int b16, int b17) {
        byte[] bytes = "BM\0\0\0\0\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
        bytes = Arrays.copyOf(bytes, 18);
        bytes[14] = (byte) b14;
        bytes[15] = (byte) b15;
        bytes[16] = (byte) b16;
        bytes[17] = (byte) b17;
        return bytes;
    }

    private static byte[] encode(String format) throws IOException {
        BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 3, 0xFF8800);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), "ImageIO has a writer for " + format);
        return out.toByteArray();
    }
}
