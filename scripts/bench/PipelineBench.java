import dev.mlportfolio.core.detect.CocoRle;
import dev.mlportfolio.core.detect.CutlerPostprocessor;
import dev.mlportfolio.core.detect.CutlerPreprocessor;
import dev.mlportfolio.core.detect.Instance;
import dev.mlportfolio.core.detect.ModelInput;
import dev.mlportfolio.core.detect.OverlayRenderer;
import dev.mlportfolio.core.detect.RawDetections;
import dev.mlportfolio.core.image.DecodedImage;
import dev.mlportfolio.core.image.ImageDecoder;
import dev.mlportfolio.core.image.PillowBilinear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Everything a detection request does except ONNX Runtime's session.run, per stage, on synthetic
 * photo-like JPEGs with 20 instances: decode, preprocess, post-process (scale, filter, paste 20
 * masks), RLE-encode the masks, draw and encode the overlay, base64 it.
 *
 * Run by scripts/bench_detection.sh (java source-file mode on the examples' classpath);
 * {@code PipelineBench codecs FILE.jpg} times the JPEG codecs alone, {@code write-photo FILE W H}
 * writes the photo-like picture the stages are timed on;
 * {@code PipelineBench write-scene FILE WIDTH HEIGHT} writes the end-to-end benchmark's picture instead:
 * six solid shapes in the colours the test model detects, so its masks are smooth blobs like
 * CutLER's rather than the noise-shredded regions it would find in a photo.
 */
public class PipelineBench {
    static final int INSTANCES = 20;

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("write-photo")) {
            java.nio.file.Files.write(java.nio.file.Path.of(args[1]),
                    photoLikeJpeg(Integer.parseInt(args[2]), Integer.parseInt(args[3]), 90));
            return;
        }
        if (args.length == 4 && args[0].equals("write-scene")) {
            java.nio.file.Files.write(java.nio.file.Path.of(args[1]),
                    sceneJpeg(Integer.parseInt(args[2]), Integer.parseInt(args[3]), 90));
            return;
        }
        if (args.length >= 1 && args[0].equals("resize")) {
            resize(args.length > 1 ? Integer.parseInt(args[1]) : 30);
            return;
        }
        if (args.length == 2 && args[0].equals("codecs")) {
            codecs(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[1])));
            return;
        }
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        for (int[] size : new int[][] {{1920, 1080}, {4000, 3000}}) {
            run(size[0], size[1], iterations, warmup);
        }
    }

    static void run(int width, int height, int iterations, int warmup) {
        byte[] jpeg = photoLikeJpeg(width, height, 90);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        CutlerPreprocessor pre = new CutlerPreprocessor();
        CutlerPostprocessor post = new CutlerPostprocessor();
        OverlayRenderer overlay = new OverlayRenderer();
        String[] stages = {"decode", "preprocess", "postprocess", "rle", "overlay", "base64", "total"};
        double[][] ms = new double[stages.length][iterations];
        int instancesKept = 0;
        for (int i = -warmup; i < iterations; i++) {
            long t0 = System.nanoTime();
            try (DecodedImage image = decoder.decode(jpeg)) {
                long t1 = System.nanoTime();
                ModelInput input = pre.prepare(image);
                long t2 = System.nanoTime();
                input.close();
                RawDetections raw = syntheticOutputs(input.width(), input.height());
                long t2b = System.nanoTime();
                List<Instance> instances = post.process(raw, image.width(), image.height(), 0.35f);
                long t3 = System.nanoTime();
                List<CocoRle> rles = new ArrayList<>();
                for (Instance instance : instances) {
                    rles.add(instance.mask().toRle());
                }
                long t4 = System.nanoTime();
                byte[] picture = overlay.render(image, instances, OverlayRenderer.Format.JPEG);
                long t5 = System.nanoTime();
                String b64 = Base64.getEncoder().encodeToString(picture);
                long t6 = System.nanoTime();
                if (i >= 0) {
                    double[] row = {t1 - t0, t2 - t1, t3 - t2b, t4 - t3, t5 - t4, t6 - t5, (t6 - t0) - (t2b - t2)};
                    for (int s = 0; s < stages.length; s++) {
                        ms[s][i] = row[s] / 1e6;
                    }
                }
                instancesKept = instances.size();
                if (b64.isEmpty() || rles.size() != instances.size()) {
                    throw new IllegalStateException("nothing was produced");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        System.out.printf(Locale.ROOT, "%dx%d JPEG (%d KB, quality 90), %d instances pasted, %d iterations after %d warm-up%n",
                width, height, jpeg.length / 1024, instancesKept, iterations, warmup);
        System.out.printf(Locale.ROOT, "  %-12s %8s %8s %8s%n", "stage", "p50 ms", "p90 ms", "mean ms");
        for (int s = 0; s < stages.length; s++) {
            double[] v = ms[s].clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "  %-12s %8.2f %8.2f %8.2f%n", stages[s], v[v.length / 2],
                    v[(int) (v.length * 0.9)], Arrays.stream(v).average().orElse(0));
        }
    }

    /**
     * The resize alone, to detectron2's size: PillowBilinear (PIL's filter, what the preprocessor
     * uses) beside OpenCV's INTER_AREA (what it used before) and INTER_LINEAR; medians after warm-up.
     */
    static void resize(int iterations) {
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        System.out.printf(Locale.ROOT, "  %-11s %-11s %14s %14s %14s%n", "picture", "to", "PillowBilinear", "INTER_AREA", "INTER_LINEAR");
        for (int[] size : new int[][] {{1280, 720}, {1920, 1080}, {4000, 3000}, {6000, 3167}}) {
            try (DecodedImage image = decoder.decode(photoLikeJpeg(size[0], size[1], 90))) {
                dev.mlportfolio.core.detect.ResizePlan plan = dev.mlportfolio.core.detect.ResizePlan.of(image.width(), image.height());
                Size target = new Size(plan.width(), plan.height());
                double[][] ms = new double[3][iterations];
                for (int i = -iterations / 3; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    PillowBilinear.resize(image.bgr(), plan.width(), plan.height()).close();
                    long t1 = System.nanoTime();
                    try (Mat area = new Mat()) {
                        opencv_imgproc.resize(image.bgr(), area, target, 0, 0, opencv_imgproc.INTER_AREA);
                    }
                    long t2 = System.nanoTime();
                    try (Mat linear = new Mat()) {
                        opencv_imgproc.resize(image.bgr(), linear, target, 0, 0, opencv_imgproc.INTER_LINEAR);
                    }
                    long t3 = System.nanoTime();
                    if (i >= 0) {
                        ms[0][i] = (t1 - t0) / 1e6;
                        ms[1][i] = (t2 - t1) / 1e6;
                        ms[2][i] = (t3 - t2) / 1e6;
                    }
                }
                for (double[] v : ms) {
                    Arrays.sort(v);
                }
                System.out.printf(Locale.ROOT, "  %-11s %-11s %11.2f ms %11.2f ms %11.2f ms%n", size[0] + "x" + size[1],
                        plan.width() + "x" + plan.height(), ms[0][iterations / 2], ms[1][iterations / 2], ms[2][iterations / 2]);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** JPEG decode and encode (quality 90) times of OpenCV, as bundled here, and of the JDK's ImageIO. */
    static void codecs(byte[] jpeg) throws Exception {
        double[] cvDecode = new double[20];
        double[] cvEncode = new double[20];
        double[] ioDecode = new double[20];
        double[] ioEncode = new double[20];
        for (int i = -10; i < 20; i++) {
            long t0 = System.nanoTime();
            try (BytePointer data = new BytePointer(jpeg); Mat encoded = new Mat(1, jpeg.length, opencv_core.CV_8UC1, data);
                 Mat image = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_COLOR);
                 BytePointer out = new BytePointer(); IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 90)) {
                long t1 = System.nanoTime();
                opencv_imgcodecs.imencode(".jpg", image, out, params);
                long t2 = System.nanoTime();
                java.awt.image.BufferedImage picture = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
                long t3 = System.nanoTime();
                javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
                java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
                try (javax.imageio.stream.MemoryCacheImageOutputStream stream = new javax.imageio.stream.MemoryCacheImageOutputStream(sink)) {
                    writer.setOutput(stream);
                    javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
                    param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(0.9f);
                    writer.write(null, new javax.imageio.IIOImage(picture, null, null), param);
                }
                writer.dispose();
                long t4 = System.nanoTime();
                if (i >= 0) {
                    cvDecode[i] = (t1 - t0) / 1e6;
                    cvEncode[i] = (t2 - t1) / 1e6;
                    ioDecode[i] = (t3 - t2) / 1e6;
                    ioEncode[i] = (t4 - t3) / 1e6;
                }
            }
        }
        System.out.printf(Locale.ROOT, "OpenCV (bytedeco) decode %.1f ms, encode q90 %.1f ms; ImageIO decode %.1f ms, encode q90 %.1f ms (medians)%n",
                median(cvDecode), median(cvEncode), median(ioDecode), median(ioEncode));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Twenty boxes spread over the input tensor, each with an elliptical 28x28 mask, all scoring above 0.35. */
    static RawDetections syntheticOutputs(int inputWidth, int inputHeight) {
        Random random = new Random(42);
        float[] boxes = new float[INSTANCES * 4];
        float[] scores = new float[INSTANCES];
        float[] masks = new float[INSTANCES * 28 * 28];
        for (int i = 0; i < INSTANCES; i++) {
            float w = inputWidth * (0.08f + random.nextFloat() * 0.25f);
            float h = inputHeight * (0.08f + random.nextFloat() * 0.25f);
            float x0 = random.nextFloat() * (inputWidth - w);
            float y0 = random.nextFloat() * (inputHeight - h);
            boxes[i * 4] = x0;
            boxes[i * 4 + 1] = y0;
            boxes[i * 4 + 2] = x0 + w;
            boxes[i * 4 + 3] = y0 + h;
            scores[i] = 0.99f - i * 0.02f;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    double dx = (x + 0.5 - 14) / 14;
                    double dy = (y + 0.5 - 14) / 14;
                    masks[i * 784 + y * 28 + x] = (float) Math.max(0, Math.min(1, 1.5 - 1.5 * Math.sqrt(dx * dx + dy * dy)));
                }
            }
        }
        return new RawDetections(INSTANCES, boxes, scores, masks, 28, inputHeight, inputWidth);
    }

    /** Smooth gradients, a few shapes and sensor-like noise, encoded the way a camera would. */
    static byte[] photoLikeJpeg(int width, int height, int quality) {
        try (Mat image = new Mat(height, width, opencv_core.CV_8UC3)) {
            Random random = new Random(7);
            try (UByteIndexer px = image.createIndexer()) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        double gx = x / (double) width;
                        double gy = y / (double) height;
                        px.put(y, x, 0, clamp(60 + 120 * gy + random.nextGaussian() * 6));
                        px.put(y, x, 1, clamp(90 + 80 * gx * gy + random.nextGaussian() * 6));
                        px.put(y, x, 2, clamp(140 + 90 * gx + random.nextGaussian() * 6));
                    }
                }
            }
            for (int i = 0; i < 25; i++) {
                try (Point centre = new Point(random.nextInt(width), random.nextInt(height));
                     Scalar colour = new Scalar(random.nextInt(256), random.nextInt(256), random.nextInt(256), 0)) {
                    opencv_imgproc.circle(image, centre, 20 + random.nextInt(Math.min(width, height) / 6), colour, -1,
                            opencv_imgproc.LINE_AA, 0);
                }
            }
            try (Mat blurred = new Mat(); BytePointer out = new BytePointer();
                 IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, quality)) {
                opencv_imgproc.GaussianBlur(image, blurred, new Size(3, 3), 0);
                opencv_imgcodecs.imencode(".jpg", blurred, out, params);
                byte[] bytes = new byte[(int) out.limit()];
                out.get(bytes);
                return bytes;
            }
        }
    }

    static byte[] sceneJpeg(int width, int height, int quality) {
        int[][] shapes = {
            {0, 5, 9, 31, 46, 0xFF0000}, {1, 36, 14, 62, 60, 0x00FF00}, {0, 68, 7, 94, 37, 0x0000FF},
            {1, 10, 56, 36, 93, 0xFFFF00}, {0, 47, 65, 78, 93, 0x00FFFF}, {1, 81, 51, 96, 93, 0xFF00FF}};
        try (Mat image = new Mat(height, width, opencv_core.CV_8UC3, new Scalar(0, 0, 0, 0))) {
            for (int[] s : shapes) {
                int x0 = s[1] * width / 100;
                int y0 = s[2] * height / 100;
                int x1 = s[3] * width / 100;
                int y1 = s[4] * height / 100;
                int rgb = s[5];
                try (Scalar colour = new Scalar(rgb & 0xFF, rgb >> 8 & 0xFF, rgb >> 16 & 0xFF, 0);
                     Point a = new Point(x0, y0); Point b = new Point(x1, y1);
                     Point centre = new Point((x0 + x1) / 2, (y0 + y1) / 2);
                     Size axes = new Size((x1 - x0) / 2, (y1 - y0) / 2)) {
                    if (s[0] == 0) {
                        opencv_imgproc.rectangle(image, a, b, colour, -1, opencv_imgproc.LINE_8, 0);
                    } else {
                        opencv_imgproc.ellipse(image, centre, axes, 0, 0, 360, colour, -1, opencv_imgproc.LINE_AA, 0);
                    }
                }
            }
            try (BytePointer out = new BytePointer(); IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, quality)) {
                opencv_imgcodecs.imencode(".jpg", image, out, params);
                byte[] bytes = new byte[(int) out.limit()];
                out.get(bytes);
                return bytes;
            }
        }
    }

    static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
