import dev.mlportfolio.core.detect.CocoRle;
import dev.mlportfolio.core.detect.CutlerDetector;
import dev.mlportfolio.core.detect.CutlerPreprocessor;
import dev.mlportfolio.core.detect.Detection;
import dev.mlportfolio.core.detect.DetectorOptions;
import dev.mlportfolio.core.detect.Instance;
import dev.mlportfolio.core.detect.ModelInput;
import dev.mlportfolio.core.image.DecodedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * This project's side of scripts/reference/parity.py: for each image, the input tensor the
 * preprocessor builds ({@code NAME.tensor.f32}, float32 CHW little-endian) and the instances the
 * detector returns at each threshold ({@code NAME.t<THRESHOLD>.json}: boxes and scores at full
 * float precision, masks as COCO RLE), through the library's public detector as the server uses it.
 *
 * <pre>
 * java -cp "mlportfolio-examples/target/mlportfolio-examples.jar:mlportfolio-examples/target/libs/*" \
 *     scripts/reference/JavaDetections.java MODEL.onnx OUT_DIR 0,0.35 IMAGE...
 * </pre>
 */
public class JavaDetections {
    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: JavaDetections MODEL.onnx OUT_DIR THRESHOLDS IMAGE...");
            System.exit(64);
        }
        Path out = Files.createDirectories(Path.of(args[1]));
        String[] thresholds = args[2].split(",");
        try (CutlerDetector detector = CutlerDetector.open(DetectorOptions.of(Path.of(args[0])))) {
            CutlerPreprocessor preprocessor = new CutlerPreprocessor();
            for (int i = 3; i < args.length; i++) {
                Path file = Path.of(args[i]);
                String name = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                try (DecodedImage image = detector.decoder().decode(Files.readAllBytes(file))) {
                    try (ModelInput input = preprocessor.prepare(image)) {
                        ByteBuffer bytes = ByteBuffer.allocate(input.chw().remaining() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                        bytes.asFloatBuffer().put(input.chw().duplicate());
                        Files.write(out.resolve(name + ".tensor.f32"), bytes.array());
                        Files.writeString(out.resolve(name + ".tensor.json"),
                                String.format(Locale.ROOT, "{\"height\": %d, \"width\": %d}%n", input.height(), input.width()));
                    }
                    for (String t : thresholds) {
                        float threshold = Float.parseFloat(t);
                        Detection found = detector.detect(image, threshold);
                        Files.writeString(out.resolve(name + ".t" + t + ".json"), json(found));
                        System.out.printf(Locale.ROOT, "%s at %s: %d instances, %.0f ms (inference %.0f ms)%n", name, t,
                                found.instances().size(), found.timings().totalMs(), found.timings().inferenceMs());
                    }
                } catch (dev.mlportfolio.core.image.InvalidImageException e) {
                    System.err.println(file + ": " + e.getMessage());
                    System.exit(65);
                }
            }
        }
    }

    static String json(Detection found) {
        StringJoiner instances = new StringJoiner(",\n  ", "[\n  ", "\n]");
        for (Instance instance : found.instances()) {
            CocoRle rle = instance.mask().toRle();
            instances.add(String.format(Locale.ROOT, "{\"box\": [%s, %s, %s, %s], \"score\": %s, \"counts\": \"%s\"}",
                    instance.box().x0(), instance.box().y0(), instance.box().x1(), instance.box().y1(),
                    instance.score(), rle.counts().replace("\\", "\\\\")));
        }
        return String.format(Locale.ROOT, "{\"width\": %d, \"height\": %d, \"instances\": %s}%n",
                found.width(), found.height(), found.instances().isEmpty() ? "[]" : instances.toString());
    }
}
