package dev.mlportfolio.server;

import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.routes.ImageAnalyzer;
import dev.mlportfolio.server.upload.ImageUpload;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * A stand-in for the detector in route and task tests: it really decodes the upload (with ImageIO)
 * and reports its size. Query {@code mode=block} waits for {@link #release}, {@code mode=fail}
 * throws, any other mode is refused as a bad option.
 */
final class DecodingAnalyzer implements ImageAnalyzer {
    record Decoded(boolean success, int width, int height, String format, int bytes) {
    }

    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** Makes {@code mode=block} tasks wait until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    @Override
    public Work prepare(ImageUpload upload, Map<String, String> query) {
        String mode = query.getOrDefault("mode", "decode");
        if (!mode.equals("decode") && !mode.equals("block") && !mode.equals("fail")) {
            throw ApiException.badRequest("invalid_parameter", "mode must be decode, block or fail");
        }
        CountDownLatch waitFor = gate;
        return context -> {
            if (mode.equals("block") && !waitFor.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test gate was never released");
            }
            if (mode.equals("fail")) {
                throw new dev.mlportfolio.core.detect.DetectorException("the analyzer refused this image");
            }
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(upload.bytes()));
            if (image == null) {
                throw new IllegalArgumentException("ImageIO cannot decode " + upload.format());
            }
            return new Decoded(true, image.getWidth(), image.getHeight(), upload.format().name(), upload.size());
        };
    }
}
