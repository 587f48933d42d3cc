package dev.mlportfolio.examples;

import dev.mlportfolio.core.detect.CocoRle;
import dev.mlportfolio.core.detect.CutlerDetector;
import dev.mlportfolio.core.detect.Detection;
import dev.mlportfolio.core.detect.DetectorOptions;
import dev.mlportfolio.core.detect.Instance;
import dev.mlportfolio.core.detect.OverlayRenderer;
import dev.mlportfolio.core.image.DecodedImage;
import dev.mlportfolio.core.image.InvalidImageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Runs CutLER on one image from the command line and writes the overlay picture and the
 * detections as JSON, the same JSON shape the server answers with.
 *
 * <pre>
 * java ... dev.mlportfolio.examples.DetectObjects MODEL.onnx IMAGE OUTPUT_DIR [THRESHOLD]
 * </pre>
 */
public final class DetectObjects {
    private DetectObjects() {
    }

    static final String USAGE = "DetectObjects MODEL.onnx IMAGE OUTPUT_DIR [THRESHOLD]";

    public static void main(String[] args) {
        Cli.exit(run(args, System.err));
    }

    static int run(String[] args, java.io.PrintStream err) {
        return Cli.run("DetectObjects", args, DetectObjects::detect, err);
    }

    private static void detect(String[] args) throws IOException, InvalidImageException {
        Cli.arguments(args, 3, 4, USAGE);
        Path model = Cli.file(args[0]);
        Path input = Cli.file(args[1]);
        float threshold = args.length > 3 ? Cli.threshold(args[3]) : DetectorOptions.DEFAULT_THRESHOLD;
        Path outputDir = Path.of(args[2]);
        Cli.createDirectories(outputDir);

        String name = input.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        try (CutlerDetector detector = CutlerDetector.open(DetectorOptions.of(model));
             DecodedImage image = detector.decoder().decode(Files.readAllBytes(input))) {
            Detection found = detector.detect(image, threshold);
            byte[] overlay = new OverlayRenderer().render(image, found.instances(), OverlayRenderer.Format.JPEG);
            Path picture = Files.write(outputDir.resolve(name + "-overlay.jpg"), overlay);
            Path json = Files.writeString(outputDir.resolve(name + "-detections.json"), toJson(found));
            System.out.printf(Locale.ROOT, "%s: %d instances above %.2f on %s in %.1f ms (inference %.1f ms)%n",
                    input, found.instances().size(), threshold, found.executionProvider().id(), found.timings().totalMs(),
                    found.timings().inferenceMs());
            System.out.println("wrote " + picture + " and " + json);
        } catch (InvalidImageException e) {
            throw new Cli.Problem(input + ": " + e.getMessage());
        }
    }

    static String toJson(Detection found) {
        StringJoiner instances = new StringJoiner(",\n    ", "[\n    ", "\n  ]");
        for (Instance instance : found.instances()) {
            CocoRle rle = instance.mask().toRle();
            instances.add(String.format(Locale.ROOT,
                    "{\"box\": [%.2f, %.2f, %.2f, %.2f], \"score\": %.4f, \"area\": %d, "
                            + "\"mask\": {\"size\": [%d, %d], \"counts\": \"%s\"}}",
                    instance.box().x0(), instance.box().y0(), instance.box().x1(), instance.box().y1(),
                    instance.score(), instance.area(), rle.height(), rle.width(), escape(rle.counts())));
        }
        return String.format(Locale.ROOT, "{\n  \"width\": %d,\n  \"height\": %d,\n  \"threshold\": %.2f,\n"
                        + "  \"num_instances\": %d,\n  \"instances\": %s\n}\n",
                found.width(), found.height(), found.threshold(), found.instances().size(),
                found.instances().isEmpty() ? "[]" : instances.toString());
    }

    // RLE strings use the characters '0' to 'o'; only the backslash needs escaping in JSON.
    private static String escape(String counts) {
        return counts.replace("\\", "\\\\");
    }
}
