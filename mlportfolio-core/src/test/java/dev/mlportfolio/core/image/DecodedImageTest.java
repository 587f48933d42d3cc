package dev.mlportfolio.core.image;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class DecodedImageTest {
    @Test
    void wrapsAnEightBitThreeChannelMatrixOnly() {
        try (Mat empty = new Mat(); Mat grey = new Mat(4, 4, CV_8UC1); Mat deep = new Mat(4, 4, CV_16UC3)) {
            assertThrows(IllegalArgumentException.class, () -> DecodedImage.ofBgr(empty));
            assertThrows(IllegalArgumentException.class, () -> DecodedImage.ofBgr(grey), "one channel");
            assertThrows(IllegalArgumentException.class, () -> DecodedImage.ofBgr(deep), "16-bit");
        }
        Mat bgr = new Mat(3, 5, CV_8UC3);
        try (DecodedImage image = DecodedImage.ofBgr(bgr)) {
            assertSame(bgr, image.bgr());
            assertEquals(5, image.width());
            assertEquals(3, image.height());
            assertNull(image.format(), "made from pixels, not decoded from a format");
        }
        assertThrows(NullPointerException.class, () -> bgr.cols(), "closing the image released its matrix");
    }
}
